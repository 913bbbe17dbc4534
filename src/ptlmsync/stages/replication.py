"""Stage ``replication`` (rules/replication.smk): the original study's published
intermediate files mapped onto the project's tables."""

from __future__ import annotations

import logging
from pathlib import Path

from ptlmsync import replication
from ptlmsync.snapshot import snapshot_metadata, write_meta
from ptlmsync.study_files import are_published_files
from ptlmsync.vocab import Source

log = logging.getLogger(__name__)


def import_replication(
    *, package, families, switches, similarity, contributors, validation, excluded, meta
) -> dict:
    """Write the project's tables from the replication package; return its metadata."""
    directory = Path(package)
    coded = replication.load_families(directory)
    coded.to_csv(families, index=False)
    names = coded["family"]
    replication.load_switches(directory, names).to_csv(switches, index=False)
    replication.load_similarity(directory, names).to_csv(similarity, index=False)
    replication.load_contributors(directory, names).to_csv(contributors, index=False)
    replication.load_manual_codes(directory, coded).to_csv(validation, index=False)
    replication.load_exclusions(directory).to_csv(excluded, index=False)
    metadata = snapshot_metadata(
        Source.REPLICATION,
        "as published by the original study",
        replication_dir=str(directory),
        published_files=are_published_files(directory),
        n_families=len(coded),
        unavailable_analyses=replication.UNAVAILABLE_ANALYSES,
    )
    write_meta(meta, metadata)
    log.info("replication: %d families, exclusions applied", len(coded))
    return metadata
