"""Code one family's synchronisation (lag, type, intensity, pattern, switches)."""

from ptlmsync.logs import log_to
from ptlmsync.per_family import code_family_sync

with log_to(snakemake.log[0]):
    code_family_sync(snakemake.input.commits, snakemake.output.coded, snakemake.params.sync)
