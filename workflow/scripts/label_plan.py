"""The cost plan of the labelling: texts, requests, tokens and cost per run; asks nothing."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.label import label_plan

CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    label_plan(
        **snakemake.input,
        **snakemake.output,
        n_shards=snakemake.params.n_shards,
        cache_dir=CACHE["labels"],
        label_config=snakemake.params.label,
        plan_config=snakemake.params.plan,
    )
