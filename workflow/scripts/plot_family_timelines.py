"""A timeline figure per family (on request: `snakemake plot_family_timelines`)."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import plot_family_timelines

with log_to(snakemake.log[0]):
    plot_family_timelines(
        **snakemake.input,
        **snakemake.output,
        params=snakemake.params.sync,
        workers=snakemake.threads,
    )
