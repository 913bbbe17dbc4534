TABLES = [
    "change_types_by_platform",
    "lag_distribution",
    "pattern_distribution",
    "lag_by_age",
    "pattern_by_age",
    "similarity",
    "similarity_histogram",
    "switch_days_by_lag",
    "switch_days_by_pattern",
    "switch_days_by_age",
    "kruskal",
    "window_sensitivity",
]
FIGURES = [
    "change_types_by_platform",
    "lag_distribution",
    "pattern_distribution",
    "pattern_by_age",
    "similarity_histogram",
]


rule compute_statistics:
    input:
        families="results/sync/families.csv",
        switches="results/sync/switches.csv",
        labels=per_family("results/labels/families/{family}.parquet"),
        meta="results/snapshot/snapshot.json",
        validation="results/sync/validation.csv",
        sensitivity="results/sync/sensitivity.csv",
    output:
        tables=expand("results/tables/{table}.csv", table=TABLES),
        numbers="results/tables/numbers.json",
        metadata="results/tables/metadata.json",
    log:
        "logs/stats/compute_statistics.log",
    benchmark:
        "benchmarks/stats/compute_statistics.tsv"
    conda:
        "../envs/ptlmsync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/compute_statistics.py"


rule plot_figures:
    input:
        tables=expand("results/tables/{table}.csv", table=TABLES),
        meta="results/snapshot/snapshot.json",
    output:
        figures=report(
            expand("results/figures/{figure}.png", figure=FIGURES),
            category="Figures",
        ),
    log:
        "logs/stats/plot_figures.log",
    benchmark:
        "benchmarks/stats/plot_figures.tsv"
    conda:
        "../envs/ptlmsync.yaml"
    script:
        "../workflow/scripts/plot_figures.py"
