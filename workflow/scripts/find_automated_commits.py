"""RQ4: the commits automation made, linked to the other platform's commits."""

from ptlmsync.logs import log_to
from ptlmsync.stages.propagation import find_automated_commits

with log_to(snakemake.log[0]):
    find_automated_commits(**snakemake.input, **snakemake.output)
