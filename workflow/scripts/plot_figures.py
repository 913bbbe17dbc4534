"""Figures from the statistics tables."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import plot_figures

with log_to(snakemake.log[0]):
    plot_figures(
        Path(snakemake.input.tables[0]).parent,
        snakemake.input.families,
        snakemake.input.contributors,
        snakemake.input.meta,
        Path(snakemake.output.figures[0]).parent,
        snakemake.params.names,
    )
