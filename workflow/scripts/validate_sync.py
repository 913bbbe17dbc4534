"""Cohen's kappa of the coding against manually coded families."""

from ptlmsync.logs import log_to
from ptlmsync.stages import validate_sync

with log_to(snakemake.log[0]):
    manual = getattr(snakemake.input, "manual", None)
    validate_sync(snakemake.input.families, manual or None, snakemake.output.validation)
