"""BERTopic topics per platform and change type."""

from ptlmsync.logs import log_to
from ptlmsync.stages.stats import extract_topics

with log_to(snakemake.log[0]):
    extract_topics(
        **snakemake.input,
        **snakemake.output,
        cache_dir=snakemake.params.cache_dir,
        params=snakemake.params.topics,
        statistics_run=snakemake.params.statistics_run,
    )
