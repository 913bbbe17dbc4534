"""Checks of the synchronisation coding: agreement with manual codes, window sensitivity."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ptlmsync.agreement import kappa
from ptlmsync.demo import is_demo_truth
from ptlmsync.schemas import TableError, manual_codes_schema, normalised, validate
from ptlmsync.sync import TIME_RESOLUTIONS, SyncParams, code_family, switch_events
from ptlmsync.vocab import PATTERN_NAMES, Lag, normalise_lag

MANUAL_COLUMNS = ["family", "lag", "code"]


def read_manual_codes(path: str | Path) -> pd.DataFrame:
    """A table of manually coded families (family, lag, code); errors name file and line."""
    path = Path(path)
    if not path.exists():
        raise TableError(f"{path}: missing; expected manually coded families {MANUAL_COLUMNS}")
    df = pd.read_csv(path, dtype=str)
    if "lag" in df:  # the study's spellings ("Upstream First", …) are taken
        df["lag"] = normalised(df["lag"], normalise_lag)
    if "code" in df:
        df["code"] = df["code"].str.strip().str.upper()
    schema = manual_codes_schema([lag.value for lag in Lag], _is_pattern_code)
    return validate(df, schema, str(path))[MANUAL_COLUMNS]


def _is_pattern_code(code) -> bool:
    """A pattern code (CSF, ASR, …; an unnamed combination too) or NA."""
    return isinstance(code, str) and (code in PATTERN_NAMES or code == "NA" or _is_code(code))


def _is_code(code: str) -> bool:
    return len(code) == 3 and code[:2] in {"CS", "PS", "VS", "AS"} and code[2] in "RSF"


def compare_with_manual(coded: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    """Kappa of lag and of codes over the families in both tables, then the disagreements.

    Rows: ``measure`` (n_families, kappa_lag, kappa_code, disagreement), ``value`` and,
    for disagreements, ``family``, ``field``, ``manual``, ``coded``.
    """
    both = manual.merge(coded[["family", "lag", "code"]], on="family", suffixes=("_manual", ""))
    rows = [
        {"measure": "n_families", "value": len(both)},
        {"measure": "kappa_lag", "value": kappa(both["lag_manual"], both["lag"])},
        {"measure": "kappa_code", "value": kappa(both["code_manual"], both["code"])},
    ]
    for field in ("lag", "code"):
        differ = both[both[f"{field}_manual"] != both[field]]
        rows += [
            {
                "measure": "disagreement",
                "family": r["family"],
                "field": field,
                "manual": r[f"{field}_manual"],
                "coded": r[field],
            }
            for _, r in differ.iterrows()
        ]
    return pd.DataFrame(rows, columns=["measure", "value", "family", "field", "manual", "coded"])


#: One row per family and window length in the window sensitivity analysis.
SENSITIVITY_COLUMNS = ["family", "window_days", "lag", "code", "pattern"]


def sensitivity(
    commits_by_family: dict[str, pd.DataFrame], params: SyncParams, windows: list[int]
) -> pd.DataFrame:
    """Code every family at each window length (other parameters unchanged).

    One row per family and window: family, window_days, lag, code, pattern.
    """
    rows = []
    for window in windows:
        p = replace(params, window_days=window)
        for family, commits in commits_by_family.items():
            row = code_family(commits, p)
            rows.append(
                {
                    "family": family,
                    "window_days": window,
                    "lag": row["lag"],
                    "code": row["code"],
                    "pattern": row["pattern"],
                }
            )
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def read_codes(path, window_days: int | None = None) -> pd.DataFrame:
    """Family codes from a CSV (a sensitivity window's table, or the family table with
    ``window_days`` given) as :data:`SENSITIVITY_COLUMNS`; the code "NA" stays a code."""
    names = ["family", "lag", "code", "pattern"]
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if window_days is not None:
        table = table.assign(window_days=window_days)
    return table[names].assign(window_days=table["window_days"].astype(int))[SENSITIVITY_COLUMNS]


def sensitivity_summary(
    codes: pd.DataFrame, reference, column: str = "window_days"
) -> pd.DataFrame:
    """Per value of ``column`` (a window length, a time resolution): how many families
    change pattern (and lag) against the coding at ``reference``."""
    ref = codes[codes[column] == reference].set_index("family")
    if ref.empty:
        raise ValueError(f"sensitivity: the reference {column} {reference} was not coded")
    rows = []
    for value, group in codes.groupby(column, sort=False):
        g = group.set_index("family")
        changed = (g["pattern"] != ref.loc[g.index, "pattern"]).sum()
        lag_changed = (g["lag"] != ref.loc[g.index, "lag"]).sum()
        n = len(g)
        rows.append(
            {
                column: value,
                "n_families": n,
                "n_pattern_changed": int(changed),
                "percent_pattern_changed": round(100 * changed / n, 2) if n else 0.0,
                "n_lag_changed": int(lag_changed),
                "percent_lag_changed": round(100 * lag_changed / n, 2) if n else 0.0,
            }
        )
    return pd.DataFrame(rows)


def resolution_label(params: SyncParams) -> str:
    return f"GH {params.gh_time_resolution}, HF {params.hf_time_resolution}"


def resolution_sensitivity(
    commits_by_family: dict[str, pd.DataFrame], params: SyncParams
) -> pd.DataFrame:
    """Every family coded at each combination of GH and HF time resolution, compared with
    the configured one (first row): families whose pattern or lag changes, and the switch
    events — their number and mean days, and the families whose sequence of events
    (source, target, days) changes, as same-day events are reordered or days move."""
    settings = [(params.gh_time_resolution, params.hf_time_resolution)] + [
        (gh, hf)
        for gh in TIME_RESOLUTIONS
        for hf in TIME_RESOLUTIONS
        if (gh, hf) != (params.gh_time_resolution, params.hf_time_resolution)
    ]
    rows, events = [], {}
    for gh, hf in settings:
        p = replace(params, gh_time_resolution=gh, hf_time_resolution=hf)
        label = resolution_label(p)
        events[label] = {}
        for family, commits in commits_by_family.items():
            row = code_family(commits, p)
            rows.append({"family": family, "resolution": label, **_codes(row)})
            switches = switch_events(commits, p)
            events[label][family] = list(
                switches[["source", "target", "days"]].itertuples(index=False, name=None)
            )
    codes = pd.DataFrame(rows, columns=["family", "resolution", "lag", "code", "pattern"])
    summary = sensitivity_summary(codes, resolution_label(params), column="resolution")
    configured = events[resolution_label(params)]
    summary["n_switches"] = [sum(map(len, events[r].values())) for r in summary["resolution"]]
    summary["mean_switch_days"] = [_mean_days(events[r].values()) for r in summary["resolution"]]
    summary["n_switches_changed"] = [
        sum(_n_changed(configured[f], events[r][f]) for f in configured)
        for r in summary["resolution"]
    ]
    summary["n_families_switches_changed"] = [
        sum(events[r][f] != configured[f] for f in configured) for r in summary["resolution"]
    ]
    return summary


def _n_changed(configured: list[tuple], other: list[tuple]) -> int:
    """The configured coding's switch events (source, target, days) that the other coding
    does not have (as a multiset: an event reordered or whose days moved counts once)."""
    return sum((Counter(configured) - Counter(other)).values())


def _mean_days(per_family) -> float | None:
    days = [d for family in per_family for *_, d in family]
    # four decimals: the paper rounds once, to one (5.6456 must not print as 5.7)
    return round(sum(days) / len(days), 4) if days else None


def _codes(row: dict) -> dict:
    return {k: row[k] for k in ("lag", "code", "pattern")}


def manual_codes(path) -> pd.DataFrame:
    """Manually coded families (family, lag, code): a manual-codes CSV, or the demo's
    designed codes."""
    if is_demo_truth(path):
        truth = pd.read_parquet(path).drop_duplicates("family")
        return truth.rename(columns={"design_lag": "lag", "design_code": "code"})[
            ["family", "lag", "code"]
        ]
    return read_manual_codes(path)
