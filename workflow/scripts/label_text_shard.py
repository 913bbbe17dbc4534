"""Label one shard of the run's distinct commit texts (every run), recording the usage."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.label import label_text_shard

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    label_text_shard(
        **snakemake.input,
        **snakemake.output,
        shard=int(snakemake.wildcards.shard),
        n_shards=snakemake.params.n_shards,
        cache_dir=CACHE["labels"],
        label_config=snakemake.params.label,
    )
