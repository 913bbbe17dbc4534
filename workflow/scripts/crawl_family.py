"""Live crawl, step 2 (per family): HF and GH commits, with typed statuses."""

from ptlmsync.logs import log_to
from ptlmsync.stages.crawl import crawl_family

with log_to(snakemake.log[0]):
    crawl_family(
        family=snakemake.wildcards.family,
        models_csv=snakemake.input.models,
        collect=snakemake.params.collect,
        raw_dir=snakemake.params.raw_dir,
        clone_dir=snakemake.params.clone_dir,
        hf_out=snakemake.output.hf,
        gh_out=snakemake.output.gh,
        status_out=snakemake.output.status,
        users_out=snakemake.output.users,
    )
