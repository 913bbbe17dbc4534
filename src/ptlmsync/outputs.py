"""The names of the statistics tables and figures: an interface of the workflow.

This module imports nothing heavy, so the Snakefile can list the rules' outputs without
loading plotting or statistics libraries (a DAG parse, ``snakemake -n`` included).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: The tables each statistics rule writes to ``results/<run>/tables/``.
TABLES: dict[str, list[str]] = {
    "change_types": [
        "unlabelled_commits",
        "change_types_by_platform",
        "change_types_by_age",
        "chi2_change_types_by_age",
        "pattern_change_types_gh",
        "pattern_change_types_hf",
        "chi2_pattern_platform",
    ],
    "similarity": [
        "similarity",
        "similarity_histogram",
        "similarity_by_age",
        "similarity_by_contributors",
        "chi2_similarity_contributors",
    ],
    "patterns": [
        "lag_distribution",
        "lag_by_age",
        "pattern_distribution",
        "pattern_by_age",
        "pattern_by_release",
        "contributors_by_pattern",
        "spearman_contributors",
    ],
    "switches": [
        "switch_days_by_lag",
        "switch_days_by_pattern",
        "switch_days_by_age",
        "kruskal",
        "dunn_lag",
        "dunn_pattern",
        "dunn_age",
        "dunn_lag_per_family",
        "dunn_pattern_per_family",
        "dunn_age_per_family",
    ],
    "topics": ["topics"],
    "propagation": [
        "propagation",
        "propagation_by_pattern",
        "automated_sync",
        "automated_vs_other",
    ],
}

#: Tables that need raw commits or labels, which the study's published files lack.
NEEDS_COMMITS: list[str] = [
    *TABLES["change_types"],
    *TABLES["topics"],
    *TABLES["propagation"],
    "spearman_contributors",
]

#: The analyses behind the tables that need raw commits, in words (the paper lists
#: those a run cannot make).
ANALYSES_NEEDING_COMMITS: dict[str, list[str]] = {
    "the change types of each platform, maturity group and pattern (RQ1, RQ2)": TABLES[
        "change_types"
    ],
    "the topics of each change type": TABLES["topics"],
    "what propagates and automated synchronisation (RQ4)": TABLES["propagation"],
    "the rank correlation of patterns and contributors": ["spearman_contributors"],
}


def unavailable_analyses(unavailable_tables: list[str]) -> str:
    """The analyses a run cannot make, in words ("none" where it can make them all)."""
    named = [
        words
        for words, names in ANALYSES_NEEDING_COMMITS.items()
        if set(names) & set(unavailable_tables)
    ]
    return "; ".join(named) if named else "none"


#: Figures of ``results/<run>/figures/`` and the tables each needs (figures of analyses
#: that the data does not allow are skipped with their tables).
FIGURES: dict[str, list[str]] = {
    "change_types_by_platform": ["change_types_by_platform"],
    "change_types_by_age": ["change_types_by_age"],
    "pattern_change_types_gh": ["pattern_change_types_gh"],
    "pattern_change_types_hf": ["pattern_change_types_hf"],
    "similarity_histogram": ["similarity_histogram"],
    "similarity_by_age": ["similarity_by_age"],
    "similarity_by_contributors": ["similarity_by_contributors"],
    "lag_distribution": ["lag_distribution"],
    "lag_by_age": ["lag_by_age"],
    "pattern_distribution": ["pattern_distribution"],
    "pattern_by_age": ["pattern_by_age"],
    "pattern_by_release": ["pattern_by_release"],
    "contributors_by_pattern": ["contributors_by_pattern"],
    "switch_days": ["switch_days_by_lag", "switch_days_by_pattern", "switch_days_by_age"],
    "propagation": ["propagation"],
}


def available_figures(unavailable_tables: list[str]) -> list[str]:
    """Every figure whose tables the run writes."""
    return [f for f, needs in FIGURES.items() if not set(needs) & set(unavailable_tables)]


def write_tables(tables: dict[str, pd.DataFrame], declared: list[str]) -> None:
    """Write each declared output from the table of the same name. Tables the rule does
    not declare (those the run's data does not allow) are not written; a declared output
    without a table is a programming error."""
    paths = {Path(p).stem: Path(p) for p in declared}
    missing = set(paths) - set(tables)
    if missing:
        raise ValueError(f"outputs {sorted(missing)} have no table (tables: {sorted(tables)})")
    for name, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tables[name].to_csv(path, index=False)
