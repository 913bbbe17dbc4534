"""Compare the codes at each window length with the run's own coding."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import analyse_window_sensitivity

with log_to(snakemake.log[0]):
    analyse_window_sensitivity(
        **snakemake.input, **snakemake.output, window_days=snakemake.params.window_days
    )
