"""Stage ``sync`` (rules/sync.smk): synchronisation coding per family batch, the joined
family tables, validation against manual codes, window sensitivity and timelines.

The per-batch job imports only pandas and the coding; the plotting and statistics
libraries load inside the entry points that need them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ptlmsync.contributors import CONTRIBUTOR_COLUMNS, contributor_row, family_contributors
from ptlmsync.demo import is_demo_truth, marker_of
from ptlmsync.schemas import read_batches, read_models
from ptlmsync.snapshot import read_meta
from ptlmsync.sync import SWITCH_COLUMNS, SyncParams, code_family, family_activity, switch_events
from ptlmsync.vocab import PATTERN_ORDER

log = logging.getLogger(__name__)


def code_family_sync(family: str, commits: pd.DataFrame, params: SyncParams) -> dict:
    """Sync row, switch events and contributor sets of one family."""
    row = {"family": family, **code_family(commits, params)}
    return {
        "family": row,
        "switches": switch_events(commits, params).to_dict(orient="records"),
        "contributors": family_contributors(commits),
    }


def code_sync_batch(*, commits, family_list, batch: int, coded, params: dict) -> None:
    """The sync records of family batch ``batch`` (the families of the family list in it,
    with or without commits), as a JSON list."""
    sync_params = SyncParams.from_config(params)
    listing = pd.read_csv(family_list)
    names = listing.loc[listing["batch"] == int(batch), "family"]
    by_family = read_batches([commits], names)
    records = [code_family_sync(f, by_family[f], sync_params) for f in names]
    Path(coded).write_text(json.dumps(records, default=_iso))
    for record in records:
        row = record["family"]
        log.info("%s: %s (%s)", row["family"], row["pattern"], row["lag"])


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") and not pd.isna(value) else None


def aggregate_sync(
    *, coded, family_list, models, meta, families, switches, contributors
) -> pd.DataFrame:
    """Join the per-family codes (JSON lists, one per family batch) with family metadata
    and maturity groups."""
    from ptlmsync import stats

    snapshot = read_meta(meta)
    records = [r for p in coded for r in json.loads(Path(p).read_text())]
    # n_models counts the family's models in models.csv, with or without commits
    rows = pd.DataFrame([r["family"] for r in records]).drop(columns="n_models")
    listing = pd.read_csv(family_list)
    ages = stats.family_ages(read_models(models), snapshot["extraction_date"])
    table = listing[["family", "github_repo", "n_models"]].merge(rows, on="family", how="left")
    table["age_days"] = table["family"].map(ages).round(1)
    table["maturity"] = stats.maturity_groups(table["age_days"])
    table["release"] = table["n_models"].map(lambda n: "multiple" if n > 1 else "single")
    table.to_csv(families, index=False)
    events = pd.DataFrame(
        [{"family": r["family"]["family"], **s} for r in records for s in r["switches"]],
        columns=["family", *SWITCH_COLUMNS],
    )
    events.to_csv(switches, index=False)
    pd.DataFrame(
        [contributor_row(r["family"]["family"], r["contributors"]) for r in records],
        columns=CONTRIBUTOR_COLUMNS,
    ).to_csv(contributors, index=False)
    log.info("%d families, %d switch events", len(table), len(events))
    return table


def validate_sync(*, families, manual, validation) -> pd.DataFrame:
    """Agreement of the coding with manually coded families (or the demo's designed
    codes); ``manual`` is None where there are none."""
    from ptlmsync import sync_checks

    coded = pd.read_csv(families)
    if manual is None:
        result = pd.DataFrame([{"measure": "n_families", "value": 0}])
        log.info("no manual coding supplied (config sync.validation_table); nothing compared")
    else:
        result = sync_checks.compare_with_manual(coded, sync_checks.manual_codes(manual))
    reference = (
        "none"
        if manual is None
        else "the demo's designed codes"
        if is_demo_truth(manual)
        else f"manual codes in {Path(manual).name}"
    )
    result = pd.concat([pd.DataFrame([{"measure": "reference", "manual": reference}]), result])
    result.to_csv(validation, index=False)
    return result


def code_sync_window(*, family_list, batches, coded, window: int, params: dict) -> None:
    """Every family coded at a window of ``window`` days, the other parameters as
    configured: one window of the sensitivity analysis (family, window_days, lag, code,
    pattern). Its own job per window, so a change of ``window_days`` re-codes none."""
    from ptlmsync import sync_checks

    sync_params = SyncParams.from_config({**params, "window_days": int(window)})
    names = pd.read_csv(family_list)["family"]
    codes = sync_checks.sensitivity(read_batches(batches, names), sync_params, [int(window)])
    codes.to_csv(coded, index=False)


def analyse_window_sensitivity(
    *, window_codes, families, meta, summary, patterns, figure, window_days: int
) -> None:
    """The codes at each window length compared with the run's own coding (at
    ``window_days``, from the family table, whether or not that length is among the
    sensitivity windows): families that change pattern or lag, and the pattern shares."""
    from ptlmsync import figures, sync_checks

    own = sync_checks.read_codes(families, window_days)
    others = [sync_checks.read_codes(path) for path in window_codes]
    codes = pd.concat([own, *(c[c["window_days"] != window_days] for c in others)]).sort_values(
        "window_days", kind="stable"
    )
    sync_checks.sensitivity_summary(codes, window_days).to_csv(summary, index=False)
    shares = codes.groupby("window_days")["pattern"].value_counts().rename("n").reset_index()
    shares["percent"] = (
        100 * shares["n"] / shares.groupby("window_days")["n"].transform("sum")
    ).round(2)
    shares.to_csv(patterns, index=False)
    figures.bar_chart(
        shares.assign(window=shares["window_days"].astype(str) + " days"),
        "pattern",
        "percent",
        Path(figure),
        marker_of(read_meta(meta)),
        hue="window",
        xlabel="",
        ylabel="% of families",
        horizontal=True,
    )


def analyse_resolution_sensitivity(*, family_list, batches, resolution, params: dict) -> None:
    """Every family coded at each combination of GH and HF time resolution, compared with
    the configured one."""
    from ptlmsync import sync_checks

    names = pd.read_csv(family_list)["family"]
    table = sync_checks.resolution_sensitivity(
        read_batches(batches, names), SyncParams.from_config(params)
    )
    table.to_csv(resolution, index=False)


def representatives(listing: pd.DataFrame) -> pd.DataFrame:
    """One family per pattern, in the paper's pattern order: the family with the (lower)
    median number of commits among the pattern's families, ties broken by family id."""
    listing = listing.assign(n_commits=listing["n_gh_commits"] + listing["n_hf_commits"])
    chosen = []
    for pattern in PATTERN_ORDER:
        group = listing[listing["pattern"] == pattern].sort_values(["n_commits", "family"])
        if len(group):
            chosen.append(group.iloc[(len(group) - 1) // 2])
    return pd.DataFrame(chosen, columns=listing.columns)


def plot_timeline_panel(*, families, batches, meta, panel, params: dict) -> None:
    """The paper's timeline figure: one representative family per pattern (``panel``)."""
    from ptlmsync import figures

    sync_params = SyncParams.from_config(params)
    listing = representatives(pd.read_csv(families))
    commits_of = read_batches(batches, listing["family"])
    rows = []
    for row in listing.itertuples():
        act = family_activity(commits_of[row.family], sync_params)
        hf = set().union(*act.hf.values()) if act.hf else set()
        # The GH repository names the family for a reader; the family id is a file key.
        rows.append((f"{row.pattern} ({row.code}): {row.github_repo}", set(act.gh), hf))
    figures.timeline_panel(rows, Path(panel), marker_of(read_meta(meta)), sync_params.window_days)


def plot_family_timelines(
    *, families, batches, meta, timelines, params: dict, workers: int = 1
) -> None:
    """One timeline figure per family (``<timelines>/<family>.png``), drawn by ``workers``
    processes. On request only (``snakemake plot_family_timelines``): at ~0.15 s of CPU per
    family it would dominate every re-run of the coding, and at Hub scale it is tens of
    thousands of files."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    sync_params = SyncParams.from_config(params)
    marker = marker_of(read_meta(meta))
    out = Path(timelines)
    out.mkdir(parents=True, exist_ok=True)
    listing = pd.read_csv(families)
    commits_of = read_batches(batches, listing["family"])
    jobs = []
    for row in listing.itertuples():
        act = family_activity(commits_of[row.family], sync_params)
        title = f"{row.family}: {row.pattern} ({row.code}), {row.lag}"
        hf = {k: set(v) for k, v in act.hf.items()}
        jobs.append(
            (set(act.gh), hf, title, out / f"{row.family}.png", marker, sync_params.window_days)
        )
    # forked workers inherit the job's log file, so layout warnings still reach it
    with ProcessPoolExecutor(max(1, workers), mp_context=get_context("fork")) as pool:
        list(pool.map(_timeline, jobs, chunksize=8))


def _timeline(job: tuple) -> None:
    from ptlmsync import figures

    figures.timeline(*job)
