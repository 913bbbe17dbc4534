"""Stage ``label`` (rules/label.smk): change-type labels per family batch, their
agreement with a gold table, and the GH/HF similarity of the labels per family.

The per-batch job imports only pandas and the labellers (it runs once per family batch).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync.schemas import read_batches

log = logging.getLogger(__name__)


def label_family_batch(*, commits, labels, usage, cache_dir, label_config: dict) -> None:
    """Change-type labels of a family batch's commits for every run, and the labeller's
    usage.

    Remote answers are cached per family (``<cache_dir>/<family>.parquet``), so the
    cache survives a change of the number of family batches.
    """
    from ptlmsync.labellers import (
        LABEL_COLUMNS,
        USAGE_COLUMNS,
        LabelCache,
        label_commits,
        make_labeller,
    )

    labeller = make_labeller(label_config)
    label_frames, usage_frames = [], []
    for family, family_commits in read_batches([commits]).items():
        cache_path = Path(cache_dir) / f"{family}.parquet"
        cache = LabelCache.open(cache_path) if labeller.remote else LabelCache(cache_path)
        try:
            family_labels, family_usage = label_commits(
                family_commits,
                labeller,
                label_config["runs"],
                cache,
                label_config["commits_per_request"],
            )
        finally:  # answers already paid for survive a failure later in the batch
            if labeller.remote:
                cache.save()
        label_frames.append(family_labels)
        usage_frames.append(family_usage)
    table = _concat(label_frames, LABEL_COLUMNS)
    used = _concat(usage_frames, USAGE_COLUMNS)
    table.to_parquet(labels, index=False)
    used.to_csv(usage, index=False)
    log.info(
        "labelled %d commits of %d families x %d runs: %d requests, %d cache hits, %d unlabelled",
        len(table) // max(1, label_config["runs"]),
        used["family"].nunique(),
        label_config["runs"],
        used["requests"].sum(),
        used["cache_hits"].sum(),
        used["unlabelled"].sum(),
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def validate_labels(
    *, labels, usage, gold, validation_out, confusion_out, usage_out
) -> pd.DataFrame:
    """Per-run kappa per platform, its mean and spread, per-type precision and recall, the
    confusion matrix of the statistics labels, and the labeller's usage summed over
    families. ``gold`` is None where no gold table exists."""
    from ptlmsync.label_checks import agreement, read_gold

    all_labels = pd.concat([pd.read_parquet(p) for p in labels], ignore_index=True)
    all_usage = pd.concat([pd.read_csv(p) for p in usage], ignore_index=True)
    totals = all_usage.drop(columns=["family"]).groupby(["labeller", "model", "run"]).sum()
    totals.reset_index().assign(family="(all)").to_csv(usage_out, index=False)
    if gold is None:
        validation = pd.DataFrame(columns=["measure", "platform", "run", "change_type", "value"])
        confusion = pd.DataFrame(columns=["platform", "gold", "predicted", "n"])
    else:
        validation, confusion = agreement(all_labels, read_gold(gold))
    validation.to_csv(validation_out, index=False)
    confusion.to_csv(confusion_out, index=False)
    return validation


def score_similarity(*, labels, families, similarity, statistics_run="majority") -> None:
    """Jaccard similarity of the change types each family uses on GH and on HF."""
    from ptlmsync import stats

    names = pd.read_csv(families)["family"].tolist()
    chosen = stats.labelled_only(stats.read_labels(labels, statistics_run))
    sim = stats.similarity(chosen, names)
    sim.assign(jaccard=sim["jaccard"].round(4)).to_csv(similarity, index=False)
