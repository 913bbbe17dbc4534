"""Jaccard similarity of the change types each family uses on GH and on HF."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import score_similarity

with log_to(snakemake.log[0]):
    score_similarity(
        **snakemake.input, **snakemake.output, statistics_repeat=snakemake.params.statistics_repeat
    )
