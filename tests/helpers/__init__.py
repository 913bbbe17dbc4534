"""Plain helpers the tests share (fixtures stay in ``tests/conftest.py``).

``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test imports them
as ``from helpers.git import build_remote``; no test module imports another.

- ``helpers.workflow``: the one Snakemake runner, the work-directory copier, config edits
- ``helpers.git``: the one git repository and remote builder
- ``helpers.fake_servers``: local Hub, GitHub, LLM and file servers
- ``helpers.labels``: the fake LLM's answers, label-stage drivers, the study's file headers
- ``helpers.frames``: small commit and model tables
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The study data lives beside the checkout; PTLMSYNC_SHARED points elsewhere.
SHARED = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
