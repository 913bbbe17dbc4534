"""The label files — one per family batch, every commit and every run — and the one
label per commit the statistics use (docs/method.md, section 2)."""

from __future__ import annotations

import pandas as pd

from ptlmsync.label.taxonomy import UNLABELLED
from ptlmsync.stats import majority_labels

#: The columns of a label file (``labels/batches/<batch>.parquet``).
LABEL_COLUMNS = ["platform", "family", "repository", "key", "label", "labeller", "repeat", "reason"]


def read_labels(label_paths, statistics_repeat="majority") -> pd.DataFrame:
    """One label per commit from the per-family label files: the majority across runs
    (ties broken by run 1), or the labels of run ``statistics_repeat``. Commits whose label
    is ``Unlabelled`` are kept here; :func:`labelled_only` removes them."""
    labels = pd.concat([pd.read_parquet(p) for p in label_paths])
    if statistics_repeat == "majority":
        return majority_labels(labels)
    chosen = labels[labels["repeat"] == int(statistics_repeat)]
    if chosen.empty and len(labels):
        raise ValueError(
            f"config key 'label.statistics_repeat': repeat {statistics_repeat} was not "
            f"labelled (repeats: {sorted(labels['repeat'].unique())})"
        )
    return chosen.drop(columns=["repeat"]).reset_index(drop=True)


def labelled_only(labels: pd.DataFrame) -> pd.DataFrame:
    """The commits every change-type statistic uses: those with a change type (the
    labeller's ``Unlabelled`` commits are excluded everywhere in the same way)."""
    return labels[labels["label"] != UNLABELLED].reset_index(drop=True)
