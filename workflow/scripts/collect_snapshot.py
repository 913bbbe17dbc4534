"""Collect the snapshot from the configured source and split it into family batches."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.snapshot import collect_snapshot, split_families

with log_to(snakemake.log[0]):
    config = dict(snakemake.params.items())
    live = Path(snakemake.input.source[0]).parent if config["source"] == "live" else None
    collect_snapshot(config, Path(snakemake.output.models).parent, live)
    split_families(
        Path(snakemake.output.models).parent,
        snakemake.output.batches,
        snakemake.output.family_list,
        config["exclude_families"],
    )
