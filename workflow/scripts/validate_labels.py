"""Agreement of the labels with a gold table (kappa per run and platform), and usage."""

from ptlmsync.logs import log_to
from ptlmsync.stages import validate_labels

with log_to(snakemake.log[0]):
    validate_labels(
        snakemake.input.labels,
        snakemake.input.usage,
        getattr(snakemake.input, "gold", None) or None,
        snakemake.output.validation,
        snakemake.output.confusion,
        snakemake.output.usage,
    )
