"""BERTopic topics per platform and change type."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import extract_topics

with log_to(snakemake.log[0]):
    extract_topics(
        snakemake.input.labels,
        snakemake.input.batches,
        Path(snakemake.output.tables[0]).parent,
        snakemake.params.cache_dir,
        snakemake.params.topics,
        snakemake.params.statistics_run,
    )
