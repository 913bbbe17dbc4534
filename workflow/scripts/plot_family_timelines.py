"""A timeline figure per family."""

from ptlmsync.logs import log_to
from ptlmsync.stages import plot_timelines

with log_to(snakemake.log[0]):
    plot_timelines(
        snakemake.input.families,
        snakemake.input.batches,
        snakemake.input.meta,
        snakemake.output.timelines,
        snakemake.params.sync,
    )
