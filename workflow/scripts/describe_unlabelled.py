"""The Unlabelled commits by the artefact kind of their files and the type it suggests."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import describe_unlabelled

with log_to(snakemake.log[0]):
    describe_unlabelled(
        labels=snakemake.input.labels,
        batches=snakemake.input.batches,
        unlabelled_out=snakemake.output.unlabelled,
        statistics_repeat=snakemake.params.statistics_repeat,
    )
