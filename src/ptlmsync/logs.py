"""Logging for the workflow's scripts: everything goes to the rule's ``log:`` file."""

from __future__ import annotations

import logging
from contextlib import contextmanager, redirect_stderr
from pathlib import Path


@contextmanager
def log_to(path: str | Path):
    """Send the package's log records, progress bars (stderr) and any exception to ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("")  # a fresh log per run of the rule
    handler = logging.FileHandler(path, mode="a")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        with open(path, "a", buffering=1) as stream, redirect_stderr(stream):
            yield logging.getLogger("ptlmsync")
    except Exception:
        logging.getLogger("ptlmsync").exception("failed")
        raise
    finally:
        root.removeHandler(handler)
        handler.close()
