"""Live crawl, step 3: the snapshot directory from the per-family parts."""

from pathlib import Path

from ptlmsync.collect.crawl import assemble_snapshot
from ptlmsync.logs import log_to

with log_to(snakemake.log[0]):
    assemble_snapshot(
        snakemake.input.models,
        snakemake.input.extraction,
        snakemake.input.hf,
        snakemake.input.gh,
        snakemake.input.status,
        snakemake.input.users,
        Path(snakemake.output.models).parent,
        snakemake.output.status,
    )
