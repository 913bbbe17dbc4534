"""Lag and pattern distributions, by maturity and release, and contributors per pattern."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import tabulate_patterns

with log_to(snakemake.log[0]):
    tabulate_patterns(**snakemake.input, **snakemake.output)
