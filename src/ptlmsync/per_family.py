"""Per-family stage entry points, kept light: they run once per batch of families, so
they import only pandas, the schemas and the coding (no plotting or statistics libraries).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ptlmsync.contributors import family_contributors
from ptlmsync.schemas import read_batches
from ptlmsync.sync import SyncParams, code_family, switch_events

log = logging.getLogger(__name__)


def label_batch(commits_path, out_path, usage_path, cache_dir, label_config: dict) -> None:
    """Change-type labels of a batch's commits for every run, and the labeller's usage.

    Remote answers are cached per family (``<cache_dir>/<family>.parquet``), so the
    cache survives a change of the batch count.
    """
    from ptlmsync.labelers import (
        LABEL_COLUMNS,
        USAGE_COLUMNS,
        LabelCache,
        label_commits,
        make_labeller,
    )

    labeller = make_labeller(label_config)
    labels, usage = [], []
    for family, commits in read_batches([commits_path]).items():
        cache_path = Path(cache_dir) / f"{family}.parquet"
        cache = LabelCache.open(cache_path) if labeller.remote else LabelCache(cache_path)
        try:
            family_labels, family_usage = label_commits(
                commits, labeller, label_config["runs"], cache, label_config["batch_size"]
            )
        finally:  # answers already paid for survive a failure later in the batch
            if labeller.remote:
                cache.save()
        labels.append(family_labels)
        usage.append(family_usage)
    labels = pd.concat(labels, ignore_index=True) if labels else pd.DataFrame(columns=LABEL_COLUMNS)
    usage = pd.concat(usage, ignore_index=True) if usage else pd.DataFrame(columns=USAGE_COLUMNS)
    labels.to_parquet(out_path, index=False)
    usage.to_csv(usage_path, index=False)
    log.info(
        "labelled %d commits of %d families x %d runs: %d requests, %d cache hits, %d unlabelled",
        len(labels) // max(1, label_config["runs"]),
        usage["family"].nunique(),
        label_config["runs"],
        usage["requests"].sum(),
        usage["cache_hits"].sum(),
        usage["unlabelled"].sum(),
    )


def code_family_sync(family: str, commits: pd.DataFrame, params: SyncParams) -> dict:
    """Sync row, switch events and contributor sets of one family."""
    row = {"family": family, **code_family(commits, params)}
    return {
        "family": row,
        "switches": switch_events(commits, params).to_dict(orient="records"),
        "contributors": family_contributors(commits),
    }


def code_sync_batch(commits_path, family_list, batch: int, out_path, params: dict) -> None:
    """The sync records of batch ``batch``'s families (those of the family list whose
    batch it is, with or without commits), as a JSON list."""
    sync_params = SyncParams.from_config(params)
    listing = pd.read_csv(family_list)
    names = listing.loc[listing["batch"] == int(batch), "family"]
    by_family = read_batches([commits_path], names)
    records = [code_family_sync(f, by_family[f], sync_params) for f in names]
    Path(out_path).write_text(json.dumps(records, default=_iso))
    for record in records:
        row = record["family"]
        log.info("%s: %s (%s)", row["family"], row["pattern"], row["lag"])


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") and not pd.isna(value) else None
