"""Change types per platform, per maturity group and per pattern, with chi-square tests."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import tabulate_change_types

with log_to(snakemake.log[0]):
    tabulate_change_types(
        **snakemake.input, **snakemake.output, statistics_run=snakemake.params.statistics_run
    )
