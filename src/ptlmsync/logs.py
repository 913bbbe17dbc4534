"""Logging for the workflow's scripts: everything goes to the rule's ``log:`` file."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def log_to(path: str | Path):
    """Send the package's log records, and any exception, to ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield logging.getLogger("ptlmsync")
    except Exception:
        logging.getLogger("ptlmsync").exception("failed")
        raise
    finally:
        root.removeHandler(handler)
        handler.close()
