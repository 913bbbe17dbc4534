"""What propagates between GitHub and Hugging Face (docs/method.md, section 8): artefact
kinds of changed files, propagation events per kind and direction, and the drift of each
family's HF side behind its GH side."""

from __future__ import annotations

import fnmatch
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

OTHER = "other"
CHANGE_COLUMNS = ["family", "platform", "series", "key", "date", "kind"]
EVENT_COLUMNS = ["family", "kind", "direction", "key", "date", "propagated", "delay_days"]
PROPAGATION_COLUMNS = [
    "kind",
    "direction",
    "n_changes",
    "n_propagated",
    "percent_propagated",
    "median_days",
]
DRIFT_COLUMNS = [
    "family",
    "kind",
    "n_gh_changes",
    "first_gh_change",
    "last_gh_change",
    "last_hf_commit",
]
DIRECTIONS = {"GH→HF": ("GH", "HF"), "HF→GH": ("HF", "GH")}


@cache
def kind_patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(kind, patterns) in the order of ``data/artefact_kinds.yaml``."""
    raw = yaml.safe_load(
        resources.files("ptlmsync").joinpath("data/artefact_kinds.yaml").read_text()
    )
    return tuple((k["kind"], tuple(p.lower() for p in k["patterns"])) for k in raw["kinds"])


def kinds() -> list[str]:
    return [kind for kind, _ in kind_patterns()] + [OTHER]


@cache
def kind_of(path: str) -> str:
    """The artefact kind of one path (the first kind whose pattern matches)."""
    path = path.lower().lstrip("/")
    name = path.rsplit("/", 1)[-1]
    for kind, patterns in kind_patterns():
        for pattern in patterns:
            if fnmatch.fnmatchcase(path if "/" in pattern else name, pattern):
                return kind
    return OTHER


def parse_files(files) -> list[tuple[str, str]]:
    """``"<A|M|D|T>\\t<path>"`` lines as (change, path) pairs; none where unknown."""
    if not isinstance(files, str) or not files:
        return []
    return [tuple(line.split("\t", 1)) for line in files.split("\n") if "\t" in line]


def changes(commits: pd.DataFrame) -> pd.DataFrame:
    """One row per commit and artefact kind it changed (commits with known files only)."""
    if "files" not in commits or commits["files"].isna().all():
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = [
        (c.family, c.platform, c.series, c.key, c.date, kind)
        for c in commits.dropna(subset=["files", "date"]).itertuples(index=False)
        for kind in sorted({kind_of(path) for _, path in parse_files(c.files)})
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def propagation_events(changes: pd.DataFrame, max_days: float) -> pd.DataFrame:
    """Every change of a kind on one platform, and whether the other platform changed the
    same kind at or after it within ``max_days`` (and after how many days).

    Only families and kinds changed on both platforms count: a kind one platform never
    holds cannot propagate to it.
    """
    rows = []
    for (family, kind), group in changes.groupby(["family", "kind"]):
        dates = {
            p: np.sort(group.loc[group["platform"] == p, "date"].unique())
            for p in DIRECTIONS["GH→HF"]
        }
        if any(len(d) == 0 for d in dates.values()):
            continue
        for direction, (source, target) in DIRECTIONS.items():
            for change in group[group["platform"] == source].itertuples(index=False):
                later = dates[target][dates[target] >= change.date]
                delay = (later[0] - change.date) / pd.Timedelta(days=1) if len(later) else None
                hit = delay is not None and delay <= max_days
                rows.append(
                    (family, kind, direction, change.key, change.date, hit, delay if hit else None)
                )
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def propagation_table(events: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Per kind and direction (and ``by``): changes, those propagated, their share and
    the median delay of the propagated ones."""
    keys = [*(by or []), "kind", "direction"]
    if events.empty:
        return pd.DataFrame(columns=[*(by or []), *PROPAGATION_COLUMNS])
    table = (
        events.groupby(keys)
        .agg(
            n_changes=("propagated", "size"),
            n_propagated=("propagated", "sum"),
            median_days=("delay_days", "median"),
        )
        .reset_index()
    )
    table["n_propagated"] = table["n_propagated"].astype("int64")
    table["percent_propagated"] = (100 * table["n_propagated"] / table["n_changes"]).round(1)
    table["median_days"] = table["median_days"].round(2)
    return table[[*(by or []), *PROPAGATION_COLUMNS]]


def drift(commits: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Per family and kind: the GH changes since the family's last HF commit — what a
    maintainer would have to carry over to the Hub."""
    last_hf = commits[commits["platform"] == "HF"].groupby("family")["date"].max()
    gh = changes[changes["platform"] == "GH"].copy()
    gh["last_hf_commit"] = gh["family"].map(last_hf)
    pending = gh[gh["last_hf_commit"].notna() & (gh["date"] > gh["last_hf_commit"])]
    if pending.empty:
        return pd.DataFrame(columns=DRIFT_COLUMNS)
    table = (
        pending.groupby(["family", "kind"])
        .agg(
            n_gh_changes=("key", "nunique"),
            first_gh_change=("date", "min"),
            last_gh_change=("date", "max"),
            last_hf_commit=("last_hf_commit", "first"),
        )
        .reset_index()
    )
    return table[DRIFT_COLUMNS]
