"""Aggregate statistics tables and numbers.json."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import compute_statistics

with log_to(snakemake.log[0]):
    compute_statistics(
        snakemake.input.families,
        snakemake.input.switches,
        snakemake.input.labels,
        snakemake.input.meta,
        Path(snakemake.output.numbers).parent,
        snakemake.params.sync,
        snakemake.input.validation,
        snakemake.input.sensitivity,
    )
