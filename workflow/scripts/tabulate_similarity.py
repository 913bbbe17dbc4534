"""Similarity histogram, by maturity and by shared contributors."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import tabulate_similarity

with log_to(snakemake.log[0]):
    tabulate_similarity(**snakemake.input, **snakemake.output)
