"""Join all families' sync codes with metadata and maturity groups."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import aggregate_sync

with log_to(snakemake.log[0]):
    aggregate_sync(**snakemake.input, **snakemake.output)
