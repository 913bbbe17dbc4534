"""Agreement of the labels with a gold table (kappa per run and platform), and usage."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import validate_labels

with log_to(snakemake.log[0]):
    validate_labels(
        labels=snakemake.input.labels,
        usage=snakemake.input.usage,
        gold=snakemake.input.gold or None,
        validation_out=snakemake.output.validation,
        confusion_out=snakemake.output.confusion,
        usage_out=snakemake.output.usage,
    )
