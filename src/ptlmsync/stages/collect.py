"""Stage ``collect`` (rules/collect.smk): the run's snapshot directory from the configured
source, split into family batches."""

from __future__ import annotations

from pathlib import Path

from ptlmsync.snapshot import collect_snapshot as write_snapshot
from ptlmsync.snapshot import split_families


def collect_snapshot(*, source_files: list[str], models, batches, family_list, params: dict):
    """Write the snapshot next to ``models`` and the family batches; return the family list.

    ``source_files`` are the source's snapshot tables (live: the crawl's assembled
    snapshot; snapshot: the files in ``snapshot_dir``; demo: none).
    """
    live = Path(source_files[0]).parent if params["source"] == "live" else None
    snapshot_dir = Path(models).parent
    write_snapshot(params, snapshot_dir, live)
    return split_families(snapshot_dir, batches, family_list, params["exclude_families"])
