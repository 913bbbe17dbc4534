"""Render the paper (Quarto where installed, else the pandoc + typst fallback)."""

from ptlmsync.logs import log_to
from ptlmsync.stages.paper import render_paper

with log_to(snakemake.log[0]):
    render_paper(
        sources=snakemake.input.sources,
        numbers=snakemake.input.numbers,
        figures=snakemake.input.figures,
        **snakemake.output,
        renderer=snakemake.params.renderer,
    )
