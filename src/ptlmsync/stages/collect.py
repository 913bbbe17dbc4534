"""Stage ``collect`` (rules/collect.smk): the run's snapshot directory from the configured
source, split into family batches."""

from __future__ import annotations

import shutil
from pathlib import Path

from ptlmsync.snapshot import STATUS, split_families
from ptlmsync.snapshot import collect_snapshot as write_snapshot


def collect_snapshot(
    *,
    source_files: list[str],
    crawl_status=None,
    models,
    batches,
    family_list,
    excluded,
    params: dict,
):
    """Write the snapshot next to ``models`` and the family batches; return the family list.

    ``source_files`` are the source's snapshot tables (live: the crawl's assembled
    snapshot; snapshot: the files in ``snapshot_dir``; demo: none); ``crawl_status`` the
    live crawl's statuses (why a repository has no commits). ``excluded`` lists the
    families left out of every analysis, with the reason.
    """
    live = Path(source_files[0]).parent if params["source"] == "live" else None
    snapshot_dir = Path(models).parent
    write_snapshot(params, snapshot_dir, live)
    if crawl_status:
        shutil.copyfile(crawl_status, snapshot_dir / STATUS)
    return split_families(snapshot_dir, batches, family_list, params["exclude_families"], excluded)
