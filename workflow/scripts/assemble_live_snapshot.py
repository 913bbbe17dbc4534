"""Live crawl, step 3: the snapshot directory from the per-family parts."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages.crawl import assemble_live_snapshot

with log_to(snakemake.log[0]):
    assemble_live_snapshot(
        models_csv=snakemake.input.models,
        extraction_json=snakemake.input.extraction,
        listing_rejected=snakemake.input.listing_rejected,
        hf_parts=snakemake.input.hf,
        gh_parts=snakemake.input.gh,
        status_parts=snakemake.input.status,
        user_parts=snakemake.input.users,
        rejected_parts=snakemake.input.rejected,
        out_dir=Path(snakemake.output.models).parent,
        status_out=snakemake.output.status,
        rejected_out=snakemake.output.rejected,
    )
