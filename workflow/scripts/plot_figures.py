"""Figures from the statistics tables."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import plot_figures

with log_to(snakemake.log[0]):
    plot_figures(
        **snakemake.input,
        figures=snakemake.output.figures,
        names=snakemake.params.names,
    )
