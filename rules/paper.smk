rule render_paper:
    input:
        sources=["paper/_quarto.yml", "paper/index.qmd", "paper/references.bib"],
        tables=expand("results/tables/{table}.csv", table=TABLES),
        numbers="results/tables/numbers.json",
        figures=expand("results/figures/{figure}.png", figure=FIGURES),
        sensitivity_figure="results/figures/sensitivity_patterns.png",
    output:
        pdf="results/paper/paper.pdf",
        html="results/paper/paper.html",
        build=directory("results/paper/build"),
    log:
        "logs/paper/render_paper.log",
    benchmark:
        "benchmarks/paper/render_paper.tsv"
    conda:
        "../envs/ptlmsync.yaml"
    params:
        renderer=config["paper"]["renderer"],
    script:
        "../workflow/scripts/render_paper.py"
