"""Live crawl, step 2 (per family): HF and GH commits, with typed statuses and
the records repaired or dropped."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.crawl import crawl_family

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    crawl_family(
        family=snakemake.wildcards.family,
        models_csv=snakemake.input.models,
        crawl=snakemake.params.crawl,
        raw_dir=CACHE["http"],
        clone_dir=CACHE["clones"],
        hf_out=snakemake.output.hf,
        gh_out=snakemake.output.gh,
        status_out=snakemake.output.status,
        users_out=snakemake.output.users,
        rejected_out=snakemake.output.rejected,
    )
