"""Map the original study's published intermediate files onto the project's tables."""

from ptlmsync.logs import log_to
from ptlmsync.stages.replication import import_replication

with log_to(snakemake.log[0]):
    import_replication(**snakemake.input, **snakemake.output)
