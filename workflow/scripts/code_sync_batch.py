"""Code the synchronisation (lag, type, intensity, pattern, switches) of a batch of families."""

from ptlmsync.logs import log_to
from ptlmsync.per_family import code_sync_batch

with log_to(snakemake.log[0]):
    code_sync_batch(
        snakemake.input.commits,
        snakemake.input.family_list,
        snakemake.wildcards.batch,
        snakemake.output.coded,
        snakemake.params.sync,
    )
