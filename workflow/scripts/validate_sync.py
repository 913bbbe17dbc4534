"""Cohen's kappa of the coding against manually coded families."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import validate_sync

with log_to(snakemake.log[0]):
    validate_sync(
        families=snakemake.input.families,
        manual=snakemake.input.manual or None,
        validation=snakemake.output.validation,
    )
