"""Adapter for the original study's published intermediate files (``source: replication``).

It maps them onto this project's tables (``results/<run>/sync/{families,switches,contributors,
similarity,validation}.csv``) in this project's vocabulary, with the study's exclusions
applied, so that every analysis whose inputs exist runs unchanged. The analyses that
need raw commits or commit labels cannot be run from these files; they are listed in
:data:`UNAVAILABLE_ANALYSES`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

from ptlmsync.contributors import CONTRIBUTOR_COLUMNS, contributor_row
from ptlmsync.schemas import TableError
from ptlmsync.sync import SWITCH_COLUMNS
from ptlmsync.vocab import (
    STUDY_MATURITY_GROUPS,
    normalise_lag,
    normalise_study_pattern,
)

FILES = {
    "models": "complete_dataset.csv",
    "exclude": "must_exclude_from_all_analysis.csv",
    "families": "grouped_data_RQ2.csv",
    "switches": "GH_HF_commit_time_differences.csv",
    "similarity": "family_similarity_scores.csv",
    "authors": "family_author_comparison.csv",
    "phases": "RQ2_early_late_pattern.csv",
    "manual": "unique_sample_families.csv",
}

#: Analyses that need raw commits or commit labels, absent from the published files.
UNAVAILABLE_ANALYSES = [
    "change types per platform and by maturity (needs commit labels)",
    "patterns x change types (needs commit labels)",
    "topics (needs commit messages)",
    "Spearman's rho of contributors and co-activity rank (needs co-active periods)",
    "window sensitivity and family timelines (need commit dates)",
]


def _read(directory: Path, key: str, required: list[str]) -> pd.DataFrame:
    path = directory / FILES[key]
    if not path.exists():
        raise TableError(f"{path}: missing; the replication package needs {FILES[key]}")
    df = pd.read_csv(path)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise TableError(f"{path}: missing columns {missing}")
    return df


def _github_repo(url: str) -> str:
    match = re.search(r"github\.com/([^/\s]+)/([^/\s#?]+)", str(url), re.IGNORECASE)
    return f"{match.group(1)}/{match.group(2).removesuffix('.git')}" if match else ""


def _map(values: pd.Series, mapper, where: str) -> pd.Series:
    """Apply a vocabulary mapping; name the file and rows of any unknown value."""
    out = []
    for i, v in values.items():
        try:
            out.append(mapper(str(v)))
        except (ValueError, KeyError) as err:
            raise TableError(f"{where}: line {i + 2}: {err}") from None
    return pd.Series(out, index=values.index)


def load_families(directory: Path) -> pd.DataFrame:
    """One row per analysed family, in this project's vocabulary."""
    models = _read(
        directory,
        "models",
        [
            "model_name",
            "family",
            "cleaned_github",
            "Syncs",
            "intensity",
            "codes",
            "Lagged",
            "names",
        ],
    )
    excluded = set(_read(directory, "exclude", ["family"])["family"])
    grouped = _read(
        directory, "families", ["family", "model_name", "average_age_days", "age_group"]
    )
    grouped = grouped.loc[:, ~grouped.columns.duplicated()]
    models = models[~models["family"].isin(excluded)]
    where = str(directory / FILES["models"])
    per_family = models.groupby("family", sort=True).agg(
        github_repo=("cleaned_github", "first"),
        n_models=("model_name", "size"),
        sync_type=("Syncs", "first"),
        intensity=("intensity", "first"),
        code=("codes", "first"),
        lag=("Lagged", "first"),
        pattern=("names", "first"),
    )
    per_family["github_repo"] = per_family["github_repo"].map(_github_repo)
    per_family["lag"] = _map(
        per_family["lag"].reset_index(drop=True), normalise_lag, where
    ).to_numpy()
    per_family["pattern"] = _map(
        per_family["pattern"].reset_index(drop=True), normalise_study_pattern, where
    ).to_numpy()
    ages = grouped.set_index("family")
    per_family["age_days"] = ages["average_age_days"].reindex(per_family.index).round(1)
    per_family["maturity"] = (
        ages["age_group"]
        .reindex(per_family.index)
        .map(lambda g: STUDY_MATURITY_GROUPS.get(str(g).lower()))
    )
    per_family["release"] = per_family["n_models"].map(lambda n: "multiple" if n > 1 else "single")
    phases = _read(directory, "phases", ["family", "early_codes", "late_codes"]).set_index("family")
    per_family["early_code"] = phases["early_codes"].reindex(per_family.index)
    per_family["late_code"] = phases["late_codes"].reindex(per_family.index)
    for column in ("n_gh_commits", "n_hf_commits", "n_coactive_periods"):
        per_family[column] = pd.NA  # not in the published files
    return per_family.reset_index()


def load_switches(directory: Path, families: pd.Series) -> pd.DataFrame:
    df = _read(
        directory,
        "switches",
        ["family", "source", "target", "prev_commit", "next_commit", "days_difference"],
    )
    df = df[df["family"].isin(set(families))].rename(columns={"days_difference": "days"})
    return df[["family", *SWITCH_COLUMNS]].reset_index(drop=True)


def load_similarity(directory: Path, families: pd.Series) -> pd.DataFrame:
    df = _read(directory, "similarity", ["Family", "Similarity Score"])
    df = df.rename(columns={"Family": "family", "Similarity Score": "jaccard"})
    return df[df["family"].isin(set(families))].reset_index(drop=True)


def _authors(cell) -> list[str]:
    """The study's author lists ("['https://github.com/x', …]"), without 'Unknown'."""
    if pd.isna(cell):
        return []
    names = [u.rstrip("/").rsplit("/", 1)[-1] for u in ast.literal_eval(str(cell))]
    return sorted({n for n in names if n and n != "Unknown"})


def load_contributors(directory: Path, families: pd.Series) -> pd.DataFrame:
    df = _read(directory, "authors", ["family", "authors_GH", "authors_HF", "common_authors"])
    df = df[df["family"].isin(set(families))]
    rows = [
        contributor_row(
            r.family,
            {
                "gh_authors": _authors(r.authors_GH),
                "hf_authors": _authors(r.authors_HF),
                "shared_authors": _authors(r.common_authors),
            },
        )
        for r in df.itertuples()
    ]
    return pd.DataFrame(rows, columns=CONTRIBUTOR_COLUMNS)


#: The reason the study's excluded families carry in ``tables/excluded_families.csv``
#: (they are listed in its must_exclude_from_all_analysis.csv).
STUDY_EXCLUSION = "excluded by the study"


def load_exclusions(directory: Path) -> pd.DataFrame:
    """The families the study left out of every analysis (family, reason)."""
    excluded = sorted(set(_read(directory, "exclude", ["family"])["family"]))
    return pd.DataFrame({"family": excluded, "reason": STUDY_EXCLUSION})


def load_manual_codes(directory: Path, families: pd.DataFrame) -> pd.DataFrame:
    """The study's manually coded sample as a validation table (measure rows + disagreements)
    over the analysed families only (the study's exclusions apply here as everywhere).

    Beside the kappas: ``n_sampled`` (the sample as published), ``n_excluded`` (of them in
    the study's exclusions) and ``n_pattern_name_disagreements`` (families whose manual
    and automatic *pattern names* differ in the study's own columns: the study reports
    VS families under the name of AS, so two code disagreements are none by name)."""
    from ptlmsync.sync_checks import compare_with_manual

    df = _read(
        directory,
        "manual",
        [
            "family",
            "manual_code",
            "manual_lag",
            "auto_code",
            "auto_lag",
            "manual_pattern",
            "auto_pattern_name",
        ],
    )
    n_sampled = len(df)
    df = df[df["family"].isin(set(families["family"]))].reset_index(drop=True)
    names_differ = df["manual_pattern"].str.strip().str.lower() != (
        df["auto_pattern_name"].str.strip().str.lower()
    )
    where = str(directory / FILES["manual"])
    manual = pd.DataFrame(
        {
            "family": df["family"],
            "code": df["manual_code"],
            "lag": _map(df["manual_lag"], normalise_lag, where),
        }
    )
    coded = pd.DataFrame(
        {
            "family": df["family"],
            "code": df["auto_code"],
            "lag": _map(df["auto_lag"], normalise_lag, where),
        }
    )
    result = compare_with_manual(coded, manual)
    reference = pd.DataFrame(
        [
            {"measure": "reference", "manual": "the study's manually coded sample"},
            {"measure": "n_sampled", "value": n_sampled},
            {"measure": "n_excluded", "value": n_sampled - len(df)},
            {"measure": "n_pattern_name_disagreements", "value": int(names_differ.sum())},
        ]
    )
    return pd.concat([reference, result], ignore_index=True)
