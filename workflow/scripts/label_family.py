"""Label one family's commits with change types (every run), recording the usage."""

from ptlmsync.logs import log_to
from ptlmsync.per_family import label_family

with log_to(snakemake.log[0]):
    label_family(
        snakemake.input.commits,
        snakemake.output.labels,
        snakemake.output.usage,
        snakemake.params.cache,
        snakemake.params.label,
    )
