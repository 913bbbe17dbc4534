"""Commit labelling with the 15 change types (METHOD.md section 2).

The default labeller is offline: ordered keyword rules read from the taxonomy file.
"""

from __future__ import annotations

import pandas as pd

from ptlmsync.taxonomy import keyword_rules, load_taxonomy

OFFLINE_RULES = "offline-rules-v1"

LABEL_COLUMNS = ["platform", "family", "series", "key", "label", "labeler", "run"]


def rule_label(text: str) -> str:
    """The first change type (in the taxonomy's rule order) whose keywords match ``text``."""
    for name, pattern in keyword_rules():
        if pattern.search(text):
            return name
    return load_taxonomy().fallback


def label_commits(commits: pd.DataFrame, backend: str = "offline", runs: int = 1) -> pd.DataFrame:
    """One label per commit and run; identical texts are labelled once."""
    if backend != "offline":
        raise ValueError(f"config key 'label.backend': unsupported labeller {backend!r}")
    unique = pd.Series(commits["text"].unique())
    by_text = dict(zip(unique, unique.map(rule_label), strict=True))
    labels = commits["text"].map(by_text)
    frames = [
        commits[["platform", "family", "series", "key"]].assign(
            label=labels, labeler=OFFLINE_RULES, run=run
        )
        for run in range(1, runs + 1)
    ]
    return pd.concat(frames, ignore_index=True)[LABEL_COLUMNS]
