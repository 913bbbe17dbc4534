"""Change types per platform, per maturity group and per pattern, with chi-square tests."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import tabulate_change_types

with log_to(snakemake.log[0]):
    tabulate_change_types(
        snakemake.input.labels,
        snakemake.input.families,
        Path(snakemake.output.tables[0]).parent,
        snakemake.params.statistics_run,
    )
