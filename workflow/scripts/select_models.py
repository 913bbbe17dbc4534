"""Live crawl, step 1: select models, link them to GitHub, freeze the family list."""

from ptlmsync.logs import log_to
from ptlmsync.stages.crawl import select_and_link

with log_to(snakemake.log[0]):
    select_and_link(
        collect=snakemake.params.collect,
        exclude=snakemake.params.exclude,
        raw_dir=snakemake.params.raw_dir,
        models_out=snakemake.output.models,
        links_out=snakemake.output.links,
        families_out=snakemake.output.families,
        extraction_out=snakemake.output.extraction,
    )
