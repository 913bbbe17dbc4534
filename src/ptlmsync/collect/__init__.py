"""Live collection from Hugging Face and GitHub (METHOD.md section 1)."""
