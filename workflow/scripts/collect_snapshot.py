"""Collect the snapshot from the configured source and split it per family."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.snapshot import collect_snapshot, split_families

with log_to(snakemake.log[0]):
    config = dict(snakemake.params.items())
    collect_snapshot(config, Path(snakemake.output.models).parent)
    split_families(
        Path(snakemake.output.models).parent,
        snakemake.output.family_dir,
        snakemake.output.family_list,
        config["exclude_families"],
    )
