"""BERTopic topics per platform and change type."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.stats import extract_topics

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    # input.embedded (embed_topic_texts) only orders the jobs: the vectors are in CACHE
    extract_topics(
        labels=snakemake.input.labels,
        batches=snakemake.input.batches,
        **snakemake.output,
        cache_dir=CACHE["embeddings"],
        params=snakemake.params.topics,
        statistics_repeat=snakemake.params.statistics_repeat,
    )
