"""Re-code every family with several window lengths."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import analyse_window_sensitivity

with log_to(snakemake.log[0]):
    analyse_window_sensitivity(
        **snakemake.input,
        **snakemake.output,
        params=snakemake.params.sync,
        windows=snakemake.params.windows,
    )
