rule tabulate_change_types:
    input:
        labels=per_batch("results/labels/batches/{batch}.parquet"),
        families="results/sync/families.csv",
    output:
        tables=tables("change_types"),
    log:
        "logs/stats/tabulate_change_types.log",
    benchmark:
        "benchmarks/stats/tabulate_change_types.tsv"
    conda:
        "../envs/stats.yaml"
    params:
        statistics_run=config["label"]["statistics_run"],
    script:
        "../workflow/scripts/tabulate_change_types.py"


rule tabulate_similarity:
    input:
        similarity="results/sync/similarity.csv",
        families="results/sync/families.csv",
        contributors="results/sync/contributors.csv",
    output:
        tables=tables("similarity"),
    log:
        "logs/stats/tabulate_similarity.log",
    benchmark:
        "benchmarks/stats/tabulate_similarity.tsv"
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/tabulate_similarity.py"


rule tabulate_patterns:
    input:
        families="results/sync/families.csv",
        contributors="results/sync/contributors.csv",
    output:
        tables=tables("patterns"),
    log:
        "logs/stats/tabulate_patterns.log",
    benchmark:
        "benchmarks/stats/tabulate_patterns.tsv"
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/tabulate_patterns.py"


rule tabulate_switches:
    input:
        switches="results/sync/switches.csv",
        families="results/sync/families.csv",
    output:
        tables=tables("switches"),
    log:
        "logs/stats/tabulate_switches.log",
    benchmark:
        "benchmarks/stats/tabulate_switches.tsv"
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/tabulate_switches.py"


rule extract_topics:
    input:
        labels=per_batch("results/labels/batches/{batch}.parquet"),
        batches=per_batch("results/snapshot/batches/{batch}.parquet"),
    output:
        tables=tables("topics"),
    log:
        "logs/stats/extract_topics.log",
    benchmark:
        "benchmarks/stats/extract_topics.tsv"
    conda:
        "../envs/stats.yaml"
    # Snakemake sets OMP_NUM_THREADS to the job's threads; torch embeds on all of them
    threads: 4
    params:
        topics=config["topics"],
        cache_dir="results/cache/embeddings",
        statistics_run=config["label"]["statistics_run"],
    script:
        "../workflow/scripts/extract_topics.py"


rule collect_numbers:
    input:
        tables=[t for t in tables(*TABLES) if Path(t).stem not in UNAVAILABLE],
        families="results/sync/families.csv",
        switches="results/sync/switches.csv",
        meta="results/snapshot/snapshot.json",
        validation=[] if REPLICATION else "results/sync/validation.csv",
        sensitivity=[] if REPLICATION else "results/sync/sensitivity.csv",
        label_validation=[] if REPLICATION else "results/labels/validation.csv",
        label_usage=[] if REPLICATION else "results/labels/usage.csv",
    output:
        numbers="results/tables/numbers.json",
        metadata="results/tables/metadata.json",
        sensitivity=[] if REPLICATION else "results/tables/window_sensitivity.csv",
    log:
        "logs/stats/collect_numbers.log",
    benchmark:
        "benchmarks/stats/collect_numbers.tsv"
    conda:
        "../envs/stats.yaml"
    params:
        sync=coding_params(),
        unavailable=UNAVAILABLE,
        label={**config["label"], "gold_is_demo": gold_labels() == DEMO_TRUTH},
    script:
        "../workflow/scripts/collect_numbers.py"


rule plot_figures:
    input:
        tables=[t for t in tables(*TABLES) if Path(t).stem not in UNAVAILABLE],
        families="results/sync/families.csv",
        contributors="results/sync/contributors.csv",
        meta="results/snapshot/snapshot.json",
    output:
        figures=report(
            figure_files(),
            caption="../workflow/report/figures.rst",
            category="Statistics",
        ),
        pdfs=figure_files("pdf"),
    log:
        "logs/stats/plot_figures.log",
    benchmark:
        "benchmarks/stats/plot_figures.tsv"
    conda:
        "../envs/stats.yaml"
    params:
        names=available_figures(UNAVAILABLE),
    script:
        "../workflow/scripts/plot_figures.py"
