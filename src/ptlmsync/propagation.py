"""What propagates between GitHub and Hugging Face (docs/method.md, section 8): artefact
kinds of changed files, propagation events per kind and direction tested against a
circular-shift null model, and the drift of each family's HF side behind its GH side."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ptlmsync.artefacts import kind_of, parse_files
from ptlmsync.config import options_from_config, schema_defaults
from ptlmsync.vocab import Platform

_DEFAULTS = schema_defaults("propagation")


@dataclass(frozen=True)
class PropagationParams:
    """The ``propagation:`` block: how long a change may take to count as answered
    (``max_days``; None: one coding window) and the null model's draws and seed."""

    max_days: float | None = _DEFAULTS["max_days"]
    null_draws: int = _DEFAULTS["null_draws"]
    seed: int = _DEFAULTS["seed"]

    @classmethod
    def from_config(cls, propagation_config: dict | None) -> PropagationParams:
        return options_from_config(cls, "propagation", propagation_config)

    def answer_days(self, window_days: int) -> float:
        """The longest delay that counts as an answer: ``max_days``, else one window."""
        return self.max_days or window_days


CHANGE_COLUMNS = ["family", "platform", "repository", "key", "date", "kind"]
EVENT_COLUMNS = [
    "family",
    "kind",
    "direction",
    "key",
    "date",
    "n_commits",
    "propagated",
    "answer_key",
    "delay_days",
]
GROUP_COLUMNS = ["family", "kind", "direction", "n_changes"]
PROPAGATION_COLUMNS = [
    "kind",
    "direction",
    "n_changes",
    "n_propagated",
    "percent_propagated",
    "median_days",
    "expected_percent",
    "excess",
    "excess_low",
    "excess_high",
    "p_value",
    "p_bonferroni",
    "beyond_chance",
]
DRIFT_COLUMNS = [
    "family",
    "kind",
    "n_gh_changes",
    "first_gh_change",
    "last_gh_change",
    "last_hf_commit",
    "hf_ever_held",
]
DIRECTIONS = {"GH→HF": (Platform.GH, Platform.HF), "HF→GH": (Platform.HF, Platform.GH)}
#: Significance level of ``beyond_chance`` (after Bonferroni over a table's rows).
ALPHA = 0.05
DAY_SECONDS = 86_400
#: Group offset of the packed search keys: more seconds than any family's period.
_OFFSET = np.int64(1) << np.int64(34)
#: Sources × draws held at once by the matching (memory: about 16 bytes each).
_CHUNK = 4_000_000


def changes(commits: pd.DataFrame) -> pd.DataFrame:
    """One row per commit and artefact kind it changed (commits with known files only)."""
    if "files" not in commits or commits["files"].isna().all():
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = [
        (c.family, c.platform, c.repository, c.key, c.date, kind)
        for c in commits.dropna(subset=["files", "date"]).itertuples(index=False)
        for kind in sorted({kind_of(path) for _, path in parse_files(c.files)})
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def counted_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes as propagation counts them: on GH one per commit and kind; on HF one
    per family, kind and UTC day, however many of the family's model repositories (and
    commits) changed that kind that day (the day's first commit gives key and date).
    ``n_commits``: the commits a change stands for."""
    columns = ["family", "platform", "kind", "key", "date", "n_commits"]
    if changes.empty:
        return pd.DataFrame(columns=columns)
    dated = changes.dropna(subset=["date"]).sort_values(["date", "key"], kind="stable")
    gh = dated[dated["platform"] == Platform.GH].assign(n_commits=1)
    hf = dated[dated["platform"] == Platform.HF].assign(day=lambda d: d["date"].dt.floor("D"))
    hf = (
        hf.groupby(["family", "kind", "day"], sort=False)
        .agg(key=("key", "first"), date=("date", "first"), n_commits=("key", "nunique"))
        .reset_index()
        .assign(platform=Platform.HF)
    )
    out = pd.concat([gh[columns], hf[columns]], ignore_index=True)
    return out.sort_values(["family", "kind", "platform", "date", "key"]).reset_index(drop=True)


def family_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Each family's active period: its first and last dated commit (``frame``: commits
    or changes, one row per commit or change with ``family`` and ``date``)."""
    dated = frame.dropna(subset=["date"])
    return (
        dated.groupby("family")["date"].agg(first="min", last="max").reset_index()
        if len(dated)
        else pd.DataFrame(columns=["family", "first", "last"])
    )


@dataclass(frozen=True)
class Propagation:
    """Observed events and the null model's answers.

    ``events``: one row per counted change of a kind on its source platform
    (``EVENT_COLUMNS``), and whether a change of the same kind on the other platform
    answered it. ``groups``: one row per family, kind and direction (``GROUP_COLUMNS``);
    ``null[g, d]``: how many of group ``g``'s changes were answered in null draw ``d``.
    """

    events: pd.DataFrame
    groups: pd.DataFrame
    null: np.ndarray = field(repr=False)

    @property
    def draws(self) -> int:
        return self.null.shape[1]


def trace(
    changes: pd.DataFrame,
    max_days: float,
    *,
    draws: int = 0,
    seed: int = 0,
    periods: pd.DataFrame | None = None,
) -> Propagation:
    """Propagation events of ``changes`` (:func:`changes`) and ``draws`` null draws.

    Event: a counted change (:func:`counted_changes`) of a kind on the source platform
    is answered by a change of the same kind on the target platform strictly after it
    and at most ``max_days`` later; each target change answers at most one source
    change. The matching is greedy in time order: the source changes, earliest first,
    each take the earliest target change not yet taken in their window (with windows of
    one length this matches as many changes as any one-to-one matching can). Changes at
    the same second on both platforms answer neither: their order is unknown. Only
    families and kinds changed on both platforms count.

    Null model: per family and draw, the target platform's change times are shifted
    circularly within the family's active period (``periods``: family, first, last;
    default: the first and last change) by a uniform random offset (the same for every
    kind of the family and both directions), and the events are matched again.
    """
    counted = counted_changes(changes)
    periods = family_periods(counted) if periods is None else periods
    start = dict(zip(periods["family"], _seconds(periods["first"]), strict=True))
    end = dict(zip(periods["family"], _seconds(periods["last"]), strict=True))
    families = sorted(set(counted["family"]))
    # the circle: the family's period in whole seconds, first and last commit included
    circle = np.array([end[f] - start[f] + 1 for f in families], dtype=np.int64)
    rng = np.random.default_rng(seed)
    shifts = rng.integers(0, circle[:, None], size=(len(families), draws), dtype=np.int64)
    family_index = {f: i for i, f in enumerate(families)}
    counted["t"] = _seconds(counted["date"]) - counted["family"].map(start).to_numpy(np.int64)
    horizon = round(max_days * DAY_SECONDS)

    events, groups, null = [], [], []
    both = counted.groupby(["family", "kind"])["platform"].transform("nunique") == 2
    by_time = ["family", "kind", "t", "key"]
    for direction, (source, target) in DIRECTIONS.items():
        src = counted[both & (counted["platform"] == source)].sort_values(by_time)
        tgt = counted[both & (counted["platform"] == target)].sort_values(by_time)
        group_keys = src[["family", "kind"]].drop_duplicates().reset_index(drop=True)
        index = pd.MultiIndex.from_frame(group_keys)
        src_group = index.get_indexer(pd.MultiIndex.from_frame(src[["family", "kind"]]))
        tgt_group = index.get_indexer(pd.MultiIndex.from_frame(tgt[["family", "kind"]]))
        fam = np.array([family_index[f] for f in group_keys["family"]], dtype=np.int64)
        circles = circle[fam] if len(fam) else np.zeros(0, dtype=np.int64)
        src_t, tgt_t = src["t"].to_numpy(np.int64), tgt["t"].to_numpy(np.int64)
        # draw 0: no shift, the observed matching; then the null draws
        unshifted = np.zeros((len(group_keys), 1), dtype=np.int64)
        all_shifts = np.concatenate([unshifted, shifts[fam]], axis=1)
        hit, rank, counts = greedy_match(
            src_group, src_t, tgt_group, tgt_t, circles, all_shifts, horizon, keep=True
        )
        counts = counts[:, 1:]
        tgt_start = np.searchsorted(tgt_group, np.arange(len(group_keys)))
        answer = np.where(hit, tgt_start[src_group] + rank, 0)
        delay = (tgt_t[answer] - src_t) / DAY_SECONDS if len(src) else np.zeros(0)
        events.append(
            pd.DataFrame(
                {
                    "family": src["family"].to_numpy(),
                    "kind": src["kind"].to_numpy(),
                    "direction": direction,
                    "key": src["key"].to_numpy(),
                    "date": src["date"].to_numpy(),
                    "n_commits": src["n_commits"].to_numpy(np.int64),
                    "propagated": hit,
                    "answer_key": np.where(hit, tgt["key"].to_numpy()[answer], None)
                    if len(tgt)
                    else None,
                    "delay_days": np.where(hit, delay, np.nan),
                }
            )
        )
        groups.append(
            group_keys.assign(
                direction=direction, n_changes=np.bincount(src_group, minlength=len(group_keys))
            )
        )
        null.append(counts)
    out = pd.concat(events, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"], utc=True)
    return Propagation(
        events=out[EVENT_COLUMNS],
        groups=pd.concat(groups, ignore_index=True)[GROUP_COLUMNS],
        null=np.concatenate(null, axis=0) if null else np.zeros((0, draws), dtype=np.int64),
    )


def propagation_events(changes: pd.DataFrame, max_days: float) -> pd.DataFrame:
    """The observed events of :func:`trace` (no null draws)."""
    return trace(changes, max_days).events


def _seconds(dates) -> np.ndarray:
    """UTC dates as whole seconds since the epoch."""
    values = pd.to_datetime(pd.Series(dates), utc=True).dt.tz_convert(None)
    return values.to_numpy().astype("datetime64[s]").astype(np.int64)


def greedy_match(
    src_group: np.ndarray,
    src_t: np.ndarray,
    tgt_group: np.ndarray,
    tgt_t: np.ndarray,
    circle: np.ndarray,
    shifts: np.ndarray,
    horizon: int,
    *,
    keep: bool = False,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """One-to-one greedy matching of source to target times, per group and shift.

    ``src_*`` and ``tgt_*``: group codes (0..G-1) and times in whole seconds from the
    group's circle start, sorted by group, then time. ``circle[g]``: the circle length
    (every time of group ``g`` is below it); ``shifts[g, d]``: draw ``d`` moves group
    ``g``'s targets to ``(t + shift) % circle``. A source at ``s`` is answered by the
    earliest target at ``s < t <= s + horizon`` not taken by an earlier source.

    Returns (answered, rank, counts): with ``keep``, ``answered[i]`` in draw 0 and the
    answering target's rank among the group's targets (-1: none; else both None), and
    ``counts[g, d]``, the answered sources of group ``g`` in draw ``d``. Vectorised
    over groups and draws: one step per position in the largest group.
    """
    n_groups, n_draws = shifts.shape
    counts = np.zeros((n_groups, n_draws), dtype=np.int64)
    answered = np.zeros(len(src_t), dtype=bool) if keep else None
    rank = np.full(len(src_t), -1, dtype=np.int64) if keep else None
    if n_groups == 0 or len(src_t) == 0 or n_draws == 0:
        return answered, rank, counts
    n_src = np.bincount(src_group, minlength=n_groups)
    n_tgt = np.bincount(tgt_group, minlength=n_groups)
    src_start = np.concatenate([[0], np.cumsum(n_src)[:-1]])
    first = np.concatenate([[0], np.cumsum(n_tgt)[:-1]])
    keys = tgt_group * _OFFSET + tgt_t  # sorted: one search serves every group
    # shifted targets below x (0 < x < circle) = the unshifted ones below
    # (x - shift) mod circle, less those the shift wrapped past the end, plus all of
    # them where x >= shift; ``wrap``: the ones the shift wraps, per group and draw
    wrap = (
        np.searchsorted(keys, (np.arange(n_groups) * _OFFSET + circle)[:, None] - shifts)
        - first[:, None]
    )
    group = src_group
    offset, length, total = group * _OFFSET, circle[group], n_tgt[group]

    def shifted_below(x, shift, wrapped):
        """(draws, sources): shifted targets of each source's group below ``x``. Along a
        row the queries grow but for one wrap per group, which keeps the search fast."""
        inside = np.searchsorted(keys, offset + np.mod(x - shift, length)) - first[group]
        inside += np.where(x >= shift, total, 0) - wrapped
        return np.where(x >= length, total, inside)

    # groups by size, largest first: the groups with more than i sources are the first k
    order = np.argsort(-n_src, kind="stable")
    size = n_src[order]
    chunk = max(1, _CHUNK // len(src_t))
    for start in range(0, n_draws, chunk):
        draws = slice(start, min(n_draws, start + chunk))
        shift = np.ascontiguousarray(shifts[:, draws].T)[:, group]  # draws × sources
        wrapped = np.ascontiguousarray(wrap[:, draws].T)[:, group]
        low = shifted_below(src_t + 1, shift, wrapped)
        high = shifted_below(src_t + horizon + 1, shift, wrapped)
        del shift, wrapped
        pointer = np.zeros((len(low), n_groups), dtype=np.int64)
        answers = np.zeros((len(low), n_groups), dtype=np.int64)
        for i in range(int(size[0])):
            k = int(np.searchsorted(-size, -i, side="left"))  # groups with > i sources
            idx = src_start[order[:k]] + i
            j = np.maximum(pointer[:, :k], low[:, idx])
            hit = j < high[:, idx]
            pointer[:, :k] = j + hit
            answers[:, :k] += hit
            if keep and start == 0:
                answered[idx] = hit[0]
                rank[idx] = np.where(hit[0], j[0], -1)
        counts[order, draws] = answers.T
    return answered, rank, counts


def p_bonferroni_floor(n_rows: int, draws: int) -> float:
    """The smallest ``p_bonferroni`` the null model can give over ``n_rows`` rows: no
    draw answers as many changes, (1 + 0) / (1 + draws), times the rows (at most 1)."""
    return min(1.0, n_rows / (draws + 1))


def propagation_table(
    traced: Propagation | pd.DataFrame, by: list[str] | None = None, alpha: float = ALPHA
) -> pd.DataFrame:
    """Per kind and direction (and ``by``): counted changes, those propagated, their
    share and the median delay of the propagated ones; against the null model
    (:func:`trace`): ``expected_percent`` (the mean share over the draws), ``excess``
    (observed minus expected, in percentage points), ``excess_low`` / ``excess_high``
    (observed minus the null's 97.5 % / 2.5 % quantile: the excesses a chance result
    inside the central 95 % of the draws would leave), ``p_value`` (one-sided:
    (1 + draws answering at least as many changes) / (1 + draws)), ``p_bonferroni``
    (times the table's rows, at most 1) and ``beyond_chance`` (p_bonferroni < alpha).
    Without draws (events only), the null columns are empty and nothing is beyond
    chance. ``by`` columns must be in both ``events`` and ``groups``."""
    traced = traced if isinstance(traced, Propagation) else _no_null(traced)
    events, keys = traced.events, [*(by or []), "kind", "direction"]
    columns = [*(by or []), *PROPAGATION_COLUMNS]
    if events.empty:
        return pd.DataFrame(columns=columns)
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
    null = _null_per_row(traced, table, keys)  # rows × draws: answered changes
    n = table["n_changes"].to_numpy(float)[:, None]
    if null.shape[1]:
        share = 100 * null / n
        observed = 100 * table["n_propagated"].to_numpy(float)[:, None] / n
        low, high = np.quantile(share, [0.025, 0.975], axis=1)
        at_least = (null >= table["n_propagated"].to_numpy()[:, None]).sum(axis=1)
        table["expected_percent"] = share.mean(axis=1).round(1)
        table["excess"] = (observed[:, 0] - share.mean(axis=1)).round(1)
        table["excess_low"] = (observed[:, 0] - high).round(1)
        table["excess_high"] = (observed[:, 0] - low).round(1)
        table["p_value"] = ((1 + at_least) / (1 + null.shape[1])).round(6)
        table["p_bonferroni"] = np.minimum(1.0, table["p_value"] * len(table)).round(6)
        table["beyond_chance"] = table["p_bonferroni"] < alpha
    else:
        for column in ("expected_percent", "excess", "excess_low", "excess_high"):
            table[column] = np.nan
        table["p_value"] = table["p_bonferroni"] = np.nan
        table["beyond_chance"] = False
    return table[columns]


def _no_null(events: pd.DataFrame) -> Propagation:
    keys = [c for c in events.columns if c not in EVENT_COLUMNS] + ["family", "kind", "direction"]
    groups = events.groupby(keys).size().rename("n_changes").reset_index()
    return Propagation(events, groups, np.zeros((len(groups), 0), dtype=np.int64))


def _null_per_row(traced: Propagation, table: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """The null draws' answered changes summed over the groups of each table row."""
    rows = pd.MultiIndex.from_frame(table[keys])
    where = rows.get_indexer(pd.MultiIndex.from_frame(traced.groups[keys]))
    out = np.zeros((len(table), traced.draws), dtype=np.int64)
    np.add.at(out, where[where >= 0], traced.null[where >= 0])
    return out


def drift(commits: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Per family and kind: the GH changes since the family's last HF commit — what a
    maintainer would have to carry over to the Hub. ``hf_ever_held``: the family's HF
    side changed that kind at some time (only those kinds may be missing on the Hub;
    CI or training files it never held are reported apart)."""
    last_hf = commits[commits["platform"] == Platform.HF].groupby("family")["date"].max()
    gh = changes[changes["platform"] == Platform.GH].copy()
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
    hf = changes[changes["platform"] == Platform.HF]
    held = set(zip(hf["family"], hf["kind"], strict=True))
    table["hf_ever_held"] = [
        (f, k) in held for f, k in zip(table["family"], table["kind"], strict=True)
    ]
    return table[DRIFT_COLUMNS]
