"""This run's labels against the original study's hand-labelled commits it holds."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import validate_study_labels

with log_to(snakemake.log[0]):
    validate_study_labels(
        labels=snakemake.input.labels,
        batches=snakemake.input.batches,
        family_list=snakemake.input.family_list,
        study_dir=snakemake.input.study or None,
        validation_out=snakemake.output.validation,
        disagreements_out=snakemake.output.disagreements,
        statistics_repeat=snakemake.params.statistics_repeat,
    )
