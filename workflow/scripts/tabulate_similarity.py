"""Similarity histogram, by maturity and by shared contributors."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import tabulate_similarity

with log_to(snakemake.log[0]):
    tabulate_similarity(
        snakemake.input.similarity,
        snakemake.input.families,
        snakemake.input.contributors,
        Path(snakemake.output.tables[0]).parent,
    )
