"""Live crawl, step 2 (per family): HF and GH commits, with typed statuses."""

from ptlmsync.collect.crawl import crawl_family
from ptlmsync.logs import log_to

with log_to(snakemake.log[0]):
    crawl_family(
        snakemake.wildcards.family,
        snakemake.input.models,
        snakemake.params.collect,
        snakemake.params.raw_dir,
        snakemake.params.clone_dir,
        snakemake.output.hf,
        snakemake.output.gh,
        snakemake.output.status,
        snakemake.output.users,
    )
