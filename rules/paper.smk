rule render_paper:
    input:
        sources=["paper/_quarto.yml", "paper/index.qmd", "paper/references.bib"],
        tables=[t for t in tables(*TABLES) if Path(t).stem not in UNAVAILABLE],
        numbers="results/tables/numbers.json",
        figures=figure_files(),
        sync_figures=[] if REPLICATION else "results/figures/sensitivity_patterns.png",
        sensitivity=[] if REPLICATION else "results/tables/window_sensitivity.csv",
    output:
        pdf="results/paper/paper.pdf",
        html="results/paper/paper.html",
        build=directory("results/paper/build"),
    log:
        "logs/paper/render_paper.log",
    benchmark:
        "benchmarks/paper/render_paper.tsv"
    conda:
        "../envs/paper.yaml"
    params:
        renderer=config["paper"]["renderer"],
    script:
        "../workflow/scripts/render_paper.py"
