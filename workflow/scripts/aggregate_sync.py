"""Join all families' sync codes with metadata and maturity groups."""

from ptlmsync.logs import log_to
from ptlmsync.stages import aggregate_sync

with log_to(snakemake.log[0]):
    aggregate_sync(
        snakemake.input.coded,
        snakemake.input.family_list,
        snakemake.input.models,
        snakemake.input.meta,
        snakemake.output.families,
        snakemake.output.switches,
        snakemake.output.contributors,
    )
