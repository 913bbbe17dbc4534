"""Label a batch of families' commits with change types (every run), recording the usage."""

from ptlmsync.logs import log_to
from ptlmsync.per_family import label_batch

with log_to(snakemake.log[0]):
    label_batch(
        snakemake.input.commits,
        snakemake.output.labels,
        snakemake.output.usage,
        snakemake.params.cache_dir,
        snakemake.params.label,
    )
