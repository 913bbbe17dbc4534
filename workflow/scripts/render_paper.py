"""Render the paper (Quarto where installed, else the pandoc + typst fallback)."""

from pathlib import Path

from ptlmsync.logs import log_to
from ptlmsync.paper import render

with log_to(snakemake.log[0]):
    render(
        Path(snakemake.input.sources[0]).parent,
        Path(snakemake.input.numbers).parent,
        Path(snakemake.input.figures[0]).parent,
        snakemake.output.build,
        snakemake.output.pdf,
        snakemake.output.html,
        snakemake.params.renderer,
    )
