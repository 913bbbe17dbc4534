"""Aggregate statistics (METHOD.md section 4): small pure functions over the stage tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from ptlmsync.taxonomy import load_taxonomy
from ptlmsync.vocab import AGE_GROUPS


def age_groups(age_days: pd.Series) -> pd.Series:
    """Tercile binning by rank: the i-th youngest of n gets group floor(3 (i-1) / n).

    Ranking first (ties broken by order) keeps three groups even with tied ages.
    """
    if age_days.empty:
        return pd.Series([], dtype="object", index=age_days.index)
    rank = age_days.rank(method="first").astype(int)
    group = (3 * (rank - 1)) // len(age_days)
    return group.map(dict(enumerate(AGE_GROUPS)))


def family_ages(models: pd.DataFrame, extraction_date: str) -> pd.Series:
    """Mean age in days (HF creation to extraction) of each family's models."""
    extraction = pd.Timestamp(extraction_date, tz="UTC")
    age = (extraction - models["created_at"]).dt.days
    return age.groupby(models["family"]).mean().rename("age_days")


def share(counts: pd.Series) -> pd.Series:
    total = counts.sum()
    return (100 * counts / total).round(2) if total else counts * 0.0


def distribution(values: pd.Series, categories: list[str], name: str) -> pd.DataFrame:
    """Counts and percentages of ``values`` over fixed ``categories`` (zeros kept)."""
    counts = values.value_counts().reindex(categories, fill_value=0)
    extra = values.value_counts().drop(categories, errors="ignore")
    counts = pd.concat([counts, extra])
    return pd.DataFrame(
        {name: counts.index, "n": counts.to_numpy(), "percent": share(counts).to_numpy()}
    )


def crosstab(df: pd.DataFrame, row: str, categories: list[str]) -> pd.DataFrame:
    """``row`` x age group counts, with percentages within each age group and of all."""
    table = df.groupby([row, "age_group"]).size().rename("n").reset_index()
    full = pd.MultiIndex.from_product([categories, AGE_GROUPS], names=[row, "age_group"])
    table = table.set_index([row, "age_group"]).reindex(full, fill_value=0).reset_index()
    within = table.groupby("age_group")["n"].transform("sum")
    table["percent_within_age"] = (100 * table["n"] / within.where(within > 0)).fillna(0).round(2)
    table["percent_of_all"] = share(table["n"]).to_numpy()
    return table


def majority_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """One label per commit: the most frequent across runs, ties broken by run 1."""
    counts = (
        labels.groupby(["platform", "family", "key", "label"])
        .agg(votes=("run", "size"), first_run=("run", "min"))
        .reset_index()
    )
    counts = counts.sort_values(["votes", "first_run"], ascending=[False, True], kind="stable")
    return counts.drop_duplicates(["platform", "family", "key"])[
        ["platform", "family", "key", "label"]
    ].reset_index(drop=True)


def change_types_by_platform(labels: pd.DataFrame) -> pd.DataFrame:
    names = load_taxonomy().names
    parts = []
    for platform in ("GH", "HF"):
        d = distribution(labels.loc[labels["platform"] == platform, "label"], names, "change_type")
        parts.append(d.assign(platform=platform))
    return pd.concat(parts, ignore_index=True)[["platform", "change_type", "n", "percent"]]


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are taken as identical (1.0)."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def similarity(labels: pd.DataFrame, families: list[str]) -> pd.DataFrame:
    """Jaccard index of the change-type sets on GH and HF, per family."""
    sets = labels.groupby(["family", "platform"])["label"].agg(set)
    rows = [(f, jaccard(sets.get((f, "GH"), set()), sets.get((f, "HF"), set()))) for f in families]
    return pd.DataFrame(rows, columns=["family", "jaccard"])


def similarity_histogram(scores: pd.Series, bins: int = 10) -> pd.DataFrame:
    """Ten 0.1-wide bins [0, 0.1), …, [0.9, 1.0] (the last bin includes 1.0)."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.minimum((scores.to_numpy() * bins).astype(int), bins - 1)
    counts = pd.Series(np.bincount(idx, minlength=bins) if len(idx) else np.zeros(bins, int))
    return pd.DataFrame(
        {
            "bin_start": edges[:-1].round(1),
            "bin_end": edges[1:].round(1),
            "n": counts.to_numpy(),
            "percent": share(counts).to_numpy(),
        }
    )


def switch_days_by(
    switches: pd.DataFrame, families: pd.DataFrame, grouping: str, categories: list[str]
) -> pd.DataFrame:
    """Switch events summarised per group of the family attribute ``grouping``."""
    joined = switches.merge(families[["family", grouping]], on="family", how="inner")
    summary = joined.groupby(grouping).agg(
        n_switches=("days", "size"),
        n_families=("family", "nunique"),
        mean_days=("days", "mean"),
        median_days=("days", "median"),
    )
    present = [c for c in categories if c in summary.index]
    summary = summary.reindex(present + [c for c in summary.index if c not in categories])
    return summary.round(2).rename_axis("group").reset_index()


def kruskal(switches: pd.DataFrame, families: pd.DataFrame, grouping: str) -> dict:
    """Kruskal–Wallis H test of switch days across the groups of ``grouping``."""
    joined = switches.merge(families[["family", grouping]], on="family", how="inner")
    groups = [g["days"].to_numpy() for _, g in joined.groupby(grouping) if len(g)]
    if len(groups) < 2 or len(np.unique(np.concatenate(groups))) < 2:
        return {"grouping": grouping, "H": np.nan, "dof": len(groups) - 1, "p": np.nan}
    h, p = sps.kruskal(*groups)
    return {"grouping": grouping, "H": round(float(h), 4), "dof": len(groups) - 1, "p": float(p)}
