"""Lag and pattern distributions, by maturity and release, and contributors per pattern."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import tabulate_patterns

with log_to(snakemake.log[0]):
    tabulate_patterns(
        snakemake.input.families,
        snakemake.input.contributors,
        Path(snakemake.output.tables[0]).parent,
    )
