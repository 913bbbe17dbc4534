"""RQ4: propagation of artefact kinds, drift per family, automated synchronisation
against the other families."""

from ptlmsync.logs import log_to
from ptlmsync.stages.propagation import trace_propagation

with log_to(snakemake.log[0]):
    trace_propagation(**snakemake.input, **snakemake.output, **snakemake.params)
