"""Collect the snapshot from the configured source and split it into family batches."""

from ptlmsync.logs import log_to
from ptlmsync.stages.collect import collect_snapshot

with log_to(snakemake.log[0]):
    collect_snapshot(
        source_files=snakemake.input.source,
        crawl_status=snakemake.input.crawl_status or None,
        models=snakemake.output.models,
        batches=snakemake.output.batches,
        family_list=snakemake.output.family_list,
        excluded=snakemake.output.excluded,
        params=dict(snakemake.params.items()),
    )
