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
    *, batches, families, switches, automated, tables, drift, max_days: float
) -> None:
    """Propagation per kind and direction (and per pattern), the drift table, and the
    automated families against the others."""
    from ptlmsync import automation, propagation, stats

    commits = read_commits(batches)
    coded = pd.read_csv(families)
    changed = propagation.changes(commits)
    events = propagation.propagation_events(changed, max_days)
    events["pattern"] = events["family"].map(coded.set_index("family")["pattern"])
    found = automation.read_automated_commits(automated)
    propagation.drift(commits, changed).to_csv(drift, index=False)
    out = {
        "propagation": propagation.propagation_table(events),
        "propagation_by_pattern": propagation.propagation_table(events, by=["pattern"]),
        "automated_sync": automation.automated_sync_by_family(found, commits, coded),
    }
    out["automated_vs_other"] = automation.automated_vs_other(
        out["automated_sync"], coded, stats.per_family_days(pd.read_csv(switches))
    )
    write_tables(out, tables)
    log.info(
        "%d commits with files, %d changes, %d events (%d propagated)",
        commits["files"].notna().sum() if "files" in commits else 0,
        len(changed),
        len(events),
        int(events["propagated"].sum()) if len(events) else 0,
    )
