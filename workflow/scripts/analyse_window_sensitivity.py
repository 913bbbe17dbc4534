"""Re-code every family with several window lengths."""

from ptlmsync.logs import log_to
from ptlmsync.stages import analyse_window_sensitivity

with log_to(snakemake.log[0]):
    analyse_window_sensitivity(
        snakemake.input.family_list,
        snakemake.input.batches,
        snakemake.input.meta,
        snakemake.output.summary,
        snakemake.output.patterns,
        snakemake.output.figure,
        snakemake.params.sync,
        snakemake.params.windows,
    )
