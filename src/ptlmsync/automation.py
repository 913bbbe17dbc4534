"""Automated synchronisation (docs/method.md, section 8): commits made by automation,
each linked to the other platform's commit it names where that commit exists, with the
signed delay (the automated commit's date minus the named commit's: negative where the
mirror is dated before what it mirrors)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd
import yaml

from ptlmsync.vocab import Platform

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
    "n_negative_delay",
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
    starts with it; ``delay_days`` is the automated commit's date minus the linked
    commit's, signed (negative: dated before the commit it names)."""
    rows = []
    for c in commits.itertuples(index=False):
        found = first_rule(c.platform, c.text, c.author)
        if found is None:
            continue
        rule, sha = found
        rows.append((c.family, c.platform, c.key, c.date, rule["name"], rule["sync"], sha))
    columns = ["family", "platform", "key", "date", "rule", "sync", "sha"]
    found = pd.DataFrame(rows, columns=columns)
    by_side = {side: part for side, part in commits.groupby(["family", "platform"], sort=False)}
    linked = [
        _link(
            by_side.get((f.family, Platform.GH if f.platform == Platform.HF else Platform.HF)),
            f.sha,
        )
        for f in found.itertuples(index=False)
    ]
    found["linked_sha"] = [key for key, _ in linked]
    found["delay_days"] = [
        round((f.date - date) / pd.Timedelta(days=1), 4) if date is not None else None
        for f, (_, date) in zip(found.itertuples(index=False), linked, strict=True)
    ]
    return found[AUTOMATED_COLUMNS]


def read_automated_commits(path) -> pd.DataFrame:
    """The table :func:`automated_commits` wrote (a CSV), with its types."""
    text = {"family": str, "platform": str, "key": str, "rule": str, "linked_sha": str}
    types = {**text, "sync": bool, "delay_days": float}
    return pd.read_csv(path, dtype=types)[AUTOMATED_COLUMNS]


def _link(other: pd.DataFrame | None, sha) -> tuple[str | None, object]:
    """The one commit of ``other`` (the family's other platform) whose key starts with
    ``sha``, and its date; (None, None) where none or several do."""
    if not isinstance(sha, str) or other is None:
        return None, None
    hits = other[other["key"].str.startswith(sha.lower())]
    if len(hits) != 1 or pd.isna(hits["date"].iloc[0]):
        return None, None
    return hits["key"].iloc[0], hits["date"].iloc[0]


def automated_sync_by_family(
    automated: pd.DataFrame, commits: pd.DataFrame, families: pd.DataFrame
) -> pd.DataFrame:
    """Per family with automated HF commits: their share and the linked delays (median
    signed delay; ``n_negative_delay``: linked commits dated before the GH commit they
    name)."""
    hf = automated[automated["platform"] == Platform.HF]
    n_hf = commits[commits["platform"] == Platform.HF].groupby("family").size()
    table = (
        hf.groupby("family")
        .agg(
            n_automated_hf=("key", "size"),
            n_sync_hf=("sync", "sum"),
            n_linked=("linked_sha", "count"),
            median_delay_days=("delay_days", "median"),
            n_negative_delay=("delay_days", lambda d: int((d < 0).sum())),
        )
        .reset_index()
    )
    table["n_negative_delay"] = table["n_negative_delay"].astype("int64")
    table["n_hf_commits"] = table["family"].map(n_hf).fillna(0).astype("int64")
    table["percent_automated_hf"] = (100 * table["n_automated_hf"] / table["n_hf_commits"]).round(1)
    table["pattern"] = table["family"].map(families.set_index("family")["pattern"])
    table["n_sync_hf"] = table["n_sync_hf"].astype("int64")
    table["median_delay_days"] = table["median_delay_days"].round(2)
    return table[FAMILY_COLUMNS].sort_values("family").reset_index(drop=True)


COMPARISON_COLUMNS = [
    "group",
    "n_group",
    "n_families",
    "median_family_days",
    "top_pattern",
    "percent_top_pattern",
    "mannwhitney_u",
    "p",
    "rank_biserial",
]


def sync_commit_dates(
    automated: pd.DataFrame, commits: pd.DataFrame, resolution: dict | None = None
) -> pd.DataFrame:
    """family, platform, date of every automated sync commit, each platform's date at
    ``resolution`` ({"GH": "full" | "day", "HF": …}: the switch events' resolution)."""
    sync = automated.loc[automated["sync"].astype(bool), ["family", "platform", "key"]]
    dated = sync.merge(commits[["family", "platform", "key", "date"]], how="inner")
    dated = dated.dropna(subset=["date"]).drop_duplicates()
    for platform, step in (resolution or {}).items():
        if step == "day":
            on = dated["platform"] == platform
            dated.loc[on, "date"] = dated.loc[on, "date"].dt.floor("D")
    return dated[["family", "platform", "date"]].reset_index(drop=True)


def without_sync_switches(switches: pd.DataFrame, sync_dates: pd.DataFrame) -> pd.DataFrame:
    """The switch events no automated sync commit takes part in. A mirror commit makes
    a switch event by construction (the GH commit it mirrors, then the mirror; and the
    mirror, then the next GH commit), so an event whose earlier commit (``prev_commit``,
    on ``source``) or later commit (``next_commit``, on ``target``) is at the date of a
    sync commit of that family and platform is left out. Switch events name commits by
    date: a manual commit at the very date of a sync commit is left out with it."""
    if switches.empty or sync_dates.empty:
        return switches
    when = {
        column: pd.to_datetime(switches[column], utc=True, format="ISO8601")
        for column in ("prev_commit", "next_commit")
    }
    at = set(zip(sync_dates["family"], sync_dates["platform"], sync_dates["date"], strict=True))
    made = [
        (f, s, p) in at or (f, t, n) in at
        for f, s, t, p, n in zip(
            switches["family"],
            switches["source"],
            switches["target"],
            when["prev_commit"],
            when["next_commit"],
            strict=True,
        )
    ]
    return switches[~pd.Series(made, index=switches.index, dtype=bool)]


def automated_vs_other(
    by_family: pd.DataFrame, families: pd.DataFrame, family_days: pd.DataFrame
) -> pd.DataFrame:
    """Families that synchronise automatically (a sync rule matched one of their HF
    commits) against the others: their patterns (``n_group``: every family of the
    group; ``top_pattern`` and its share among them), and the per-family mean days to
    the other platform (``family_days``: give it the switch events without those the
    sync commits make, :func:`without_sync_switches`), compared by a two-sided
    Mann-Whitney U test over the families with days (``n_families``), with its effect
    size, the rank-biserial correlation r = 2U / (n1 n2) - 1 (U of the automated group:
    r > 0 when its families take longer, -1 to 1)."""
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
    pairs = len(days["automated sync"]) * len(days["other"])
    rank_biserial = round(2 * float(u) / pairs - 1, 3) if pairs else float("nan")
    rows = []
    for group, members in coded.groupby("group", sort=True):
        counts = members["pattern"].value_counts()
        rows.append(
            {
                "group": group,
                "n_group": len(members),
                "n_families": len(days[group]),
                "median_family_days": round(float(days[group].median()), 2)
                if len(days[group])
                else None,
                "top_pattern": counts.index[0] if len(counts) else None,
                "percent_top_pattern": round(100 * counts.iloc[0] / len(members), 1)
                if len(counts)
                else None,
                "mannwhitney_u": float(u),
                "p": float(p),
                "rank_biserial": rank_biserial,
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
