"""ptlm-sync: GitHub/Hugging Face synchronisation of PTLM families."""

__version__ = "0.1.0"
