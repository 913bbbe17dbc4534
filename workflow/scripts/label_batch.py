"""A family batch's labels: its commits joined with the answers of the text shards."""

from ptlmsync.logs import log_to
from ptlmsync.stages.label import label_batch

with log_to(snakemake.log[0]):
    label_batch(**snakemake.input, **snakemake.output, label_config=snakemake.params.label)
