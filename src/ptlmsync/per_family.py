"""Per-family stage entry points, kept light: they run once per family, so they import
only pandas, the schemas and the coding (no plotting or statistics libraries).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ptlmsync.contributors import family_contributors
from ptlmsync.schemas import read_family_commits
from ptlmsync.sync import SyncParams, code_family, switch_events

log = logging.getLogger(__name__)


def label_family(commits_path, out_path, usage_path, cache_path, label_config: dict) -> None:
    """Change-type labels of one family's commits for every run, and the labeller's usage."""
    from ptlmsync.labelers import LabelCache, label_commits, make_labeller

    commits = read_family_commits(commits_path)
    cache = LabelCache.open(cache_path)
    labels, usage = label_commits(
        commits,
        make_labeller(label_config),
        label_config["runs"],
        cache,
        label_config["batch_size"],
    )
    cache.save()
    labels.to_parquet(out_path, index=False)
    usage.to_csv(usage_path, index=False)
    log.info(
        "labelled %d commits x %d runs: %d requests, %d cache hits, %d unlabelled",
        len(commits),
        label_config["runs"],
        usage["requests"].sum(),
        usage["cache_hits"].sum(),
        usage["unlabelled"].sum(),
    )


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
