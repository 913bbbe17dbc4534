"""Live crawl, step 1: select models, link them to GitHub, freeze the family list."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.crawl import select_models

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    select_models(
        crawl=snakemake.params.crawl,
        exclude=snakemake.params.exclude,
        raw_dir=CACHE["http"],
        models_out=snakemake.output.models,
        links_out=snakemake.output.links,
        families_out=snakemake.output.families,
        extraction_out=snakemake.output.extraction,
        rejected_out=snakemake.output.rejected,
    )
