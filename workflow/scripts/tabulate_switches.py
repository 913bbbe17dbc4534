"""Days to the other platform by lag, pattern and maturity; Kruskal-Wallis and Dunn tests."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.stages import tabulate_switches

with log_to(snakemake.log[0]):
    tabulate_switches(
        snakemake.input.switches, snakemake.input.families, Path(snakemake.output.tables[0]).parent
    )
