"""The topic texts of every commit embedded ahead of extract_topics (into the cache)."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.stats import embed_topic_texts

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    embed_topic_texts(
        **snakemake.input,
        **snakemake.output,
        cache_dir=CACHE["embeddings"],
        params=snakemake.params.topics,
    )
