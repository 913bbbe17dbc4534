"""The paper's timeline figure: one representative family per pattern."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import plot_timeline_panel

with log_to(snakemake.log[0]):
    plot_timeline_panel(**snakemake.input, **snakemake.output, params=snakemake.params.sync)
