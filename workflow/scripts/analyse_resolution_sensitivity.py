"""Re-code every family at each combination of GH and HF time resolution."""

from ptlmsync.logs import log_to
from ptlmsync.stages.sync import analyse_resolution_sensitivity

with log_to(snakemake.log[0]):
    analyse_resolution_sensitivity(
        **snakemake.input, **snakemake.output, params=snakemake.params.sync
    )
