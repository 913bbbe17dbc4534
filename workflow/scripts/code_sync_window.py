"""Code every family at one window length of the sensitivity analysis."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import code_sync_window

with log_to(snakemake.log[0]):
    code_sync_window(
        **snakemake.input,
        **snakemake.output,
        window=snakemake.wildcards.window,
        params=snakemake.params.sync,
    )
