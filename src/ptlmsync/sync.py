"""Synchronisation coding of one family (docs/method.md, section 3).

The input is a family's commits on one time axis, one activity per repository: the GH
repository and each HF model (column ``repository`` is ``"GH"`` or the model id).
Everything here is a pure function of those commits and :class:`SyncParams`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from ptlmsync.config import options_from_config, schema_defaults
from ptlmsync.vocab import Intensity, Lag, Platform, SyncType, pattern_code, pattern_name

GH_SERIES = Platform.GH
#: "full": the dates as crawled; "day": midnight UTC of the commit's day (the study's HF).
TIME_RESOLUTIONS = ("full", "day")


#: The coding's defaults: the schema's (config block ``sync``), which are the study's.
_DEFAULTS = schema_defaults("sync")


@dataclass(frozen=True)
class SyncParams:
    """Parameters of the coding (config key ``sync``)."""

    window_days: int = _DEFAULTS["window_days"]
    rare_max_periods: int = _DEFAULTS["rare_max_periods"]
    frequent_min_streak: int = _DEFAULTS["frequent_min_streak"]
    vs_min_models: int = _DEFAULTS["vs_min_models"]
    vs_min_periods: int = _DEFAULTS["vs_min_periods"]
    min_year: int = _DEFAULTS["min_year"]
    phase_split: float = _DEFAULTS["phase_split"]
    gh_time_resolution: str = _DEFAULTS["gh_time_resolution"]
    hf_time_resolution: str = _DEFAULTS["hf_time_resolution"]

    def __post_init__(self):
        if self.window_days < 1:
            raise ValueError(f"sync.window_days must be >= 1, got {self.window_days}")
        if not 0 < self.phase_split < 1:
            raise ValueError(f"sync.phase_split must be in (0, 1), got {self.phase_split}")
        for platform in ("gh", "hf"):
            value = getattr(self, f"{platform}_time_resolution")
            if value not in TIME_RESOLUTIONS:
                raise ValueError(
                    f"sync.{platform}_time_resolution must be one of {TIME_RESOLUTIONS}, "
                    f"got {value!r}"
                )

    @classmethod
    def config_keys(cls) -> list[str]:
        """The config keys (under ``sync:``) that change the coding."""
        return [f.name for f in fields(cls)]

    @classmethod
    def from_config(cls, sync_config: dict) -> SyncParams:
        return options_from_config(cls, "sync", sync_config)


@dataclass(frozen=True)
class Activity:
    """Active periods of a family: GH, and each HF model that has a dated commit."""

    gh: frozenset[int] = frozenset()
    hf: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def hf_union(self) -> frozenset[int]:
        return frozenset().union(*self.hf.values())

    @property
    def is_empty(self) -> bool:
        return not self.gh and not self.hf

    @property
    def max_period(self) -> int:
        return max(self.gh | self.hf_union, default=-1)

    def restricted(self, keep) -> Activity:
        """The activity in the periods for which ``keep(period)`` is true."""
        hf = {v: frozenset(p for p in ps if keep(p)) for v, ps in self.hf.items()}
        return Activity(
            gh=frozenset(p for p in self.gh if keep(p)), hf={v: ps for v, ps in hf.items() if ps}
        )


def assign_periods(dates: pd.Series, window_days: int) -> pd.Series:
    """Period of each dated commit: ``floor((date - t0).days / window_days)``.

    ``t0`` is the earliest date; ``.days`` counts whole elapsed days (UTC).
    """
    t0 = dates.min()
    return ((dates - t0).dt.days // window_days).astype("int64")


def at_resolution(commits: pd.DataFrame, params: SyncParams) -> pd.DataFrame:
    """The commits with each platform's dates at its configured resolution (flooring to
    the day is idempotent, so applying this twice changes nothing)."""
    day = [
        p
        for p in (Platform.GH, Platform.HF)
        if getattr(params, f"{p.lower()}_time_resolution") == "day"
    ]
    if not day or commits.empty:
        return commits
    floored = commits["platform"].isin(day) & commits["date"].notna()
    out = commits.copy()
    out.loc[floored, "date"] = out.loc[floored, "date"].dt.floor("D")
    return out


def family_activity(commits: pd.DataFrame, params: SyncParams) -> Activity:
    """Active periods per repository, after dropping commits without a date."""
    return _activity(at_resolution(commits, params), params.window_days)


def _activity(commits: pd.DataFrame, window_days: int) -> Activity:
    """:func:`family_activity` of commits already at the configured time resolution."""
    dated = commits.loc[commits["date"].notna(), ["repository", "date"]]
    if dated.empty:
        return Activity()
    periods = assign_periods(dated["date"], window_days)
    by_series = periods.groupby(dated["repository"].to_numpy()).agg(frozenset)
    gh = by_series.get(GH_SERIES, frozenset())
    hf = {s: ps for s, ps in by_series.items() if s != GH_SERIES}
    return Activity(gh=gh, hf=dict(sorted(hf.items())))


def code_lag(act: Activity) -> Lag:
    """Which platform is active in the first period with any activity."""
    if act.is_empty:
        return Lag.NO_DATA
    first = min(act.gh | act.hf_union)
    gh_active, hf_active = first in act.gh, first in act.hf_union
    if gh_active and hf_active:
        return Lag.SIMULTANEOUS
    return Lag.GH_FIRST if gh_active else Lag.HF_FIRST


def code_sync_type(act: Activity, params: SyncParams) -> SyncType:
    if not act.hf:
        return SyncType.NA
    if all(ps <= act.gh for ps in act.hf.values()):
        return SyncType.CS
    if act.hf_union & act.gh:
        return SyncType.PS
    if _n_crowded_periods(act, params.vs_min_models) >= params.vs_min_periods:
        return SyncType.VS
    return SyncType.AS


def _n_crowded_periods(act: Activity, min_models: int) -> int:
    """Number of periods in which at least ``min_models`` HF models are active."""
    counts: dict[int, int] = {}
    for ps in act.hf.values():
        for p in ps:
            counts[p] = counts.get(p, 0) + 1
    return sum(1 for n in counts.values() if n >= min_models)


def longest_streak(periods) -> int:
    """Length of the longest run of consecutive integers in ``periods``."""
    best = run = 0
    previous = None
    for p in sorted(periods):
        run = run + 1 if previous is not None and p == previous + 1 else 1
        best = max(best, run)
        previous = p
    return best


def code_intensity(act: Activity, params: SyncParams) -> Intensity:
    if not act.hf:
        return Intensity.NA
    if all(len(ps) <= params.rare_max_periods for ps in act.hf.values()):
        return Intensity.R
    if any(longest_streak(ps & act.gh) >= params.frequent_min_streak for ps in act.hf.values()):
        return Intensity.F
    return Intensity.S


def code_activity(act: Activity, params: SyncParams) -> str:
    return pattern_code(code_sync_type(act, params), code_intensity(act, params))


def phase_codes(act: Activity, params: SyncParams) -> tuple[str, str]:
    """Codes of the early and late phase: periods ``<= split`` and ``> split``.

    ``split = floor(max_period * phase_split)``; periods keep the family's own ``t0``.
    """
    if act.is_empty:
        return "NA", "NA"
    split = int(act.max_period * params.phase_split)
    early = act.restricted(lambda p: p <= split)
    late = act.restricted(lambda p: p > split)
    return code_activity(early, params), code_activity(late, params)


def code_family(commits: pd.DataFrame, params: SyncParams) -> dict:
    """One row of ``results/<run>/sync/family_codes.csv`` for a family's commits."""
    commits = at_resolution(commits, params)
    act = _activity(commits, params.window_days)
    sync_type = code_sync_type(act, params)
    intensity = code_intensity(act, params)
    code = pattern_code(sync_type, intensity)
    early, late = phase_codes(act, params)
    dated = commits[commits["date"].notna()]
    first = dated.groupby("platform")["date"].min()
    return {
        "n_models": int(commits.loc[commits["platform"] == Platform.HF, "repository"].nunique()),
        "n_gh_commits": int((commits["platform"] == Platform.GH).sum()),
        "n_hf_commits": int((commits["platform"] == Platform.HF).sum()),
        "first_gh": first.get(Platform.GH.value, pd.NaT),
        "first_hf": first.get(Platform.HF.value, pd.NaT),
        "lag": code_lag(act).value,
        "sync_type": sync_type.value,
        "intensity": intensity.value,
        "code": code,
        "pattern": pattern_name(code),
        "early_code": early,
        "late_code": late,
        "n_coactive_periods": len(act.gh & act.hf_union),
        "n_periods": act.max_period + 1,
    }


SWITCH_COLUMNS = ["source", "target", "prev_commit", "next_commit", "days"]


def switch_events(commits: pd.DataFrame, params: SyncParams) -> pd.DataFrame:
    """Adjacent commits (by date, from ``min_year``) whose platforms differ.

    Ties in date are ordered GH before HF, then by key, so the result is deterministic.
    ``days`` is the whole number of elapsed days between the two commits.
    """
    commits = at_resolution(commits, params)
    dated = commits[commits["date"].notna() & (commits["date"].dt.year >= params.min_year)]
    dated = dated.sort_values(["date", "platform", "key"], kind="stable")
    platform = dated["platform"].to_numpy()
    date = dated["date"].reset_index(drop=True)
    changed = platform[1:] != platform[:-1]
    prev, nxt = date[:-1][changed].reset_index(drop=True), date[1:][changed].reset_index(drop=True)
    return pd.DataFrame(
        {
            "source": platform[:-1][changed],
            "target": platform[1:][changed],
            "prev_commit": prev,
            "next_commit": nxt,
            "days": (nxt - prev).dt.days.astype("int64"),
        },
        columns=SWITCH_COLUMNS,
    )
