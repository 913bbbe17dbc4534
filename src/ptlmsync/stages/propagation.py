"""Stage ``propagation`` (rules/propagation.smk, RQ4): what propagates between the
platforms, how far each family's HF side drifts behind GH, and which commits automation
made (docs/method.md, section 8)."""

from __future__ import annotations

import logging

import pandas as pd

from ptlmsync.outputs import write_tables
from ptlmsync.schemas import read_commits

log = logging.getLogger(__name__)


def find_automated_commits(*, batches, automated) -> None:
    """The commits automation made, with their links to the other platform and delays
    (one row per commit; ``automation.AUTOMATED_COLUMNS``). Its own job: it does not
    depend on the coding, so a change of window or propagation days does not redo it."""
    from ptlmsync import automation

    commits = read_commits(batches)
    found = automation.automated_commits(commits)
    found.to_csv(automated, index=False)
    log.info("%d automated commits among %d", len(found), len(commits))


def trace_propagation(
    *,
    batches,
    families,
    switches,
    automated,
    tables,
    drift,
    propagation: dict,
    resolution: dict | None = None,
) -> None:
    """Propagation per kind and direction (and per pattern) against the circular-shift
    null model (the ``propagation:`` config block, ``max_days`` resolved), the drift
    table, and the automated families against the others (without the switch events
    their sync commits make; ``resolution``: the switch events' time resolution per
    platform)."""
    from ptlmsync import automation, stats
    from ptlmsync import propagation as prop

    params = prop.PropagationParams.from_config(propagation)

    commits = read_commits(batches)
    coded = pd.read_csv(families)
    pattern = coded.set_index("family")["pattern"]
    changed = prop.changes(commits)
    traced = prop.trace(
        changed,
        params.max_days,
        draws=params.null_draws,
        seed=params.seed,
        periods=prop.family_periods(commits),
    )
    traced.events["pattern"] = traced.events["family"].map(pattern)
    traced.groups["pattern"] = traced.groups["family"].map(pattern)
    found = automation.read_automated_commits(automated)
    prop.drift(commits, changed).to_csv(drift, index=False)
    out = {
        "propagation": prop.propagation_table(traced),
        "propagation_by_pattern": prop.propagation_table(traced, by=["pattern"]),
        "automated_sync": automation.automated_sync_by_family(found, commits, coded),
    }
    sync_dates = automation.sync_commit_dates(found, commits, resolution)
    kept = automation.without_sync_switches(pd.read_csv(switches), sync_dates)
    out["automated_vs_other"] = automation.automated_vs_other(
        out["automated_sync"], coded, stats.per_family_days(kept)
    )
    write_tables(out, tables)
    events = traced.events
    log.info(
        "%d commits with files, %d changes, %d events (%d propagated), %d null draws; "
        "%d switch events left out as made by sync commits",
        commits["files"].notna().sum() if "files" in commits else 0,
        len(changed),
        len(events),
        int(events["propagated"].sum()) if len(events) else 0,
        params.null_draws,
        len(pd.read_csv(switches)) - len(kept),
    )
