"""Live crawl, step 1: select models, link them to GitHub, freeze the family list."""

from ptlmsync.collect.crawl import select_and_link
from ptlmsync.logs import log_to

with log_to(snakemake.log[0]):
    select_and_link(
        snakemake.params.collect,
        snakemake.params.exclude,
        snakemake.params.raw_dir,
        snakemake.output.models,
        snakemake.output.links,
        snakemake.output.families,
        snakemake.output.extraction,
    )
