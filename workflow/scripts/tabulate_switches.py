"""Days to the other platform by lag, pattern and maturity; Kruskal-Wallis and Dunn tests."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import tabulate_switches

with log_to(snakemake.log[0]):
    tabulate_switches(**snakemake.input, **snakemake.output)
