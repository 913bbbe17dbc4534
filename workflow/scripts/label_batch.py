"""Label a family batch's commits with change types (every run), recording the usage."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import label_family_batch

with log_to(snakemake.log[0]):
    label_family_batch(
        **snakemake.input,
        **snakemake.output,
        cache_dir=snakemake.params.cache_dir,
        label_config=snakemake.params.label,
    )
