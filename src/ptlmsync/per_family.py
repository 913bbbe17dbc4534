"""Per-family stage entry points, kept light: they run once per family, so they import
only pandas, the schemas and the coding (no plotting or statistics libraries).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ptlmsync.contributors import family_contributors
from ptlmsync.labeling import label_commits
from ptlmsync.schemas import read_family_commits
from ptlmsync.sync import SyncParams, code_family, switch_events

log = logging.getLogger(__name__)


def label_family(commits_path, out_path, backend: str, runs: int) -> None:
    commits = read_family_commits(commits_path)
    labels = label_commits(commits, backend=backend, runs=runs)
    labels.to_parquet(out_path, index=False)
    log.info("labelled %d commits x %d runs", len(commits), runs)


def code_family_sync(commits_path, out_path, params: dict) -> None:
    """Sync row, switch events and contributor sets of one family, as JSON."""
    commits = read_family_commits(commits_path)
    sync_params = SyncParams.from_config(params)
    family = Path(commits_path).stem
    row = {"family": family, **code_family(commits, sync_params)}
    switches = switch_events(commits, sync_params)
    record = {
        "family": row,
        "switches": switches.to_dict(orient="records"),
        "contributors": family_contributors(commits),
    }
    Path(out_path).write_text(json.dumps(record, default=_iso))
    log.info("%s: %s (%s)", family, row["pattern"], row["lag"])


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") and not pd.isna(value) else None
