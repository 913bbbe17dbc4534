"""Automated synchronisation (docs/method.md, section 8): commits made by automation,
each linked to the other platform's commit it names where that commit exists, with the
true delay."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd
import yaml

AUTOMATED_COLUMNS = ["family", "platform", "key", "rule", "sync", "linked_sha", "delay_days"]
FAMILY_COLUMNS = [
    "family",
    "pattern",
    "n_hf_commits",
    "n_automated_hf",
    "percent_automated_hf",
    "n_sync_hf",
    "n_linked",
    "median_delay_days",
]


@cache
def rules() -> tuple[dict, ...]:
    raw = yaml.safe_load(
        resources.files("ptlmsync").joinpath("data/automation_rules.yaml").read_text()
    )
    return tuple(
        {
            "name": r["name"],
            "platform": r["platform"],
            "sync": bool(r.get("sync", False)),
            "message": re.compile(r["message"], re.IGNORECASE) if "message" in r else None,
            "author": re.compile(r["author"], re.IGNORECASE) if "author" in r else None,
        }
        for r in raw["rules"]
    )


def match(platform: str, message: str, author: str) -> tuple[str, str | None] | None:
    """(rule name, referenced sha or None) of the first rule a commit matches."""
    rule = first_rule(platform, message, author)
    return (rule[0]["name"], rule[1]) if rule else None


def first_rule(platform: str, message: str, author: str) -> tuple[dict, str | None] | None:
    """The first rule a commit matches, and the sha its message references."""
    for rule in rules():
        if rule["platform"] not in (platform, "any"):
            continue
        if rule["message"] is not None:
            found = rule["message"].search(message or "")
            if found:
                return rule, found.groupdict().get("sha")
        if rule["author"] is not None and any(
            rule["author"].search(a.strip()) for a in str(author or "").split(",") if a.strip()
        ):
            return rule, None
    return None


def automated_commits(commits: pd.DataFrame) -> pd.DataFrame:
    """The commits automation made (family commits; the cleaned text keeps URLs). A
    referenced sha is linked where exactly one commit of the family's other platform
    starts with it; the delay is the time between the two commits."""
    rows = []
    for c in commits.itertuples(index=False):
        found = first_rule(c.platform, c.text, c.author)
        if found is None:
            continue
        rule, sha = found
        rows.append((c.family, c.platform, c.key, c.date, rule["name"], rule["sync"], sha))
    columns = ["family", "platform", "key", "date", "rule", "sync", "sha"]
    found = pd.DataFrame(rows, columns=columns)
    linked = [
        _link(commits, f.family, "GH" if f.platform == "HF" else "HF", f.sha)
        for f in found.itertuples(index=False)
    ]
    found["linked_sha"] = [key for key, _ in linked]
    found["delay_days"] = [
        round(abs(f.date - date) / pd.Timedelta(days=1), 4) if date is not None else None
        for f, (_, date) in zip(found.itertuples(index=False), linked, strict=True)
    ]
    return found[AUTOMATED_COLUMNS]


def read_automated_commits(path) -> pd.DataFrame:
    """The table :func:`automated_commits` wrote (a CSV), with its types."""
    text = {"family": str, "platform": str, "key": str, "rule": str, "linked_sha": str}
    types = {**text, "sync": bool, "delay_days": float}
    return pd.read_csv(path, dtype=types)[AUTOMATED_COLUMNS]


def _link(commits: pd.DataFrame, family: str, platform: str, sha) -> tuple[str | None, object]:
    if not isinstance(sha, str):
        return None, None
    other = commits[(commits["family"] == family) & (commits["platform"] == platform)]
    hits = other[other["key"].str.startswith(sha.lower())]
    if len(hits) != 1:
        return None, None
    return hits["key"].iloc[0], hits["date"].iloc[0]


def automated_sync_by_family(
    automated: pd.DataFrame, commits: pd.DataFrame, families: pd.DataFrame
) -> pd.DataFrame:
    """Per family with automated HF commits: their share and the linked delays."""
    hf = automated[automated["platform"] == "HF"]
    n_hf = commits[commits["platform"] == "HF"].groupby("family").size()
    table = (
        hf.groupby("family")
        .agg(
            n_automated_hf=("key", "size"),
            n_sync_hf=("sync", "sum"),
            n_linked=("linked_sha", "count"),
            median_delay_days=("delay_days", "median"),
        )
        .reset_index()
    )
    table["n_hf_commits"] = table["family"].map(n_hf).fillna(0).astype("int64")
    table["percent_automated_hf"] = (100 * table["n_automated_hf"] / table["n_hf_commits"]).round(1)
    table["pattern"] = table["family"].map(families.set_index("family")["pattern"])
    table["n_sync_hf"] = table["n_sync_hf"].astype("int64")
    table["median_delay_days"] = table["median_delay_days"].round(2)
    return table[FAMILY_COLUMNS].sort_values("family").reset_index(drop=True)


COMPARISON_COLUMNS = [
    "group",
    "n_families",
    "median_family_days",
    "top_pattern",
    "percent_top_pattern",
    "mannwhitney_u",
    "p",
]


def automated_vs_other(
    by_family: pd.DataFrame, families: pd.DataFrame, family_days: pd.DataFrame
) -> pd.DataFrame:
    """Families that synchronise automatically (a sync rule matched one of their HF
    commits) against the others: their patterns, and the per-family mean days to the
    other platform, compared by a two-sided Mann-Whitney U test."""
    from scipy.stats import mannwhitneyu

    synced = set(by_family.loc[by_family["n_sync_hf"] > 0, "family"])
    coded = families[["family", "pattern"]].merge(family_days, on="family", how="left")
    coded["group"] = ["automated sync" if f in synced else "other" for f in coded["family"]]
    days = {g: coded.loc[coded["group"] == g, "days"].dropna() for g in ("automated sync", "other")}
    u, p = (
        mannwhitneyu(days["automated sync"], days["other"], alternative="two-sided")
        if all(len(d) for d in days.values())
        else (float("nan"), float("nan"))
    )
    rows = []
    for group, members in coded.groupby("group", sort=True):
        counts = members["pattern"].value_counts()
        rows.append(
            {
                "group": group,
                "n_families": len(members),
                "median_family_days": round(float(days[group].median()), 2)
                if len(days[group])
                else None,
                "top_pattern": counts.index[0],
                "percent_top_pattern": round(100 * counts.iloc[0] / len(members), 1),
                "mannwhitney_u": float(u),
                "p": float(p),
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
