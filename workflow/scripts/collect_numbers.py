"""numbers.json: every scalar the paper quotes; metadata.json: source and availability."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import collect_numbers

with log_to(snakemake.log[0]):
    collect_numbers(
        Path(snakemake.output.numbers).parent,
        snakemake.input.families,
        snakemake.input.switches,
        snakemake.input.meta,
        snakemake.input.validation or None,
        snakemake.input.sensitivity or None,
        snakemake.params.sync,
        snakemake.params.unavailable,
        snakemake.input.label_validation or None,
        snakemake.input.label_usage or None,
        snakemake.params.label,
    )
