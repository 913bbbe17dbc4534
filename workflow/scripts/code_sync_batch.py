"""Code the synchronisation (lag, type, intensity, pattern, switches) of a family batch."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import code_sync_batch

with log_to(snakemake.log[0]):
    code_sync_batch(
        **snakemake.input,
        **snakemake.output,
        batch=snakemake.wildcards.batch,
        params=snakemake.params.sync,
    )
