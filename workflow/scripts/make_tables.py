"""The tables this rule declares (ptlmsync.outputs.TABLES), each made by the function of
its name in ptlmsync.tables."""

from ptlmsync.logs import log_to
from ptlmsync.tables import RuleInputs, make_tables

with log_to(snakemake.log[0]):
    data = RuleInputs(dict(snakemake.input.items()), dict(snakemake.params.items()))
    make_tables(snakemake.rule, data, snakemake.output.tables)
