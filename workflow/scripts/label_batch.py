"""Label a family batch's commits with change types (every run), recording the usage."""

from ptlmsync.config import cache_paths
from ptlmsync.logs import log_to
from ptlmsync.stages.label import label_family_batch

# The caches come from the config, not from params: moving cache_dir re-runs nothing.
CACHE = cache_paths(snakemake.config)

with log_to(snakemake.log[0]):
    label_family_batch(
        **snakemake.input,
        **snakemake.output,
        cache_dir=CACHE["labels"],
        label_config=snakemake.params.label,
    )
