rule code_sync_batch:
    input:
        commits="results/snapshot/batches/{batch}.parquet",
        family_list="results/snapshot/families.csv",
    output:
        coded="results/sync/batches/{batch}.json",
    log:
        "logs/sync/batch-{batch}.log",
    benchmark:
        "benchmarks/sync/batch-{batch}.tsv"
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/code_sync_batch.py"


rule aggregate_sync:
    input:
        coded=per_batch("results/sync/batches/{batch}.json"),
        family_list="results/snapshot/families.csv",
        models="results/snapshot/models.csv",
        meta="results/snapshot/snapshot.json",
    output:
        families="results/sync/families.csv",
        switches="results/sync/switches.csv",
        contributors="results/sync/contributors.csv",
    log:
        "logs/sync/aggregate_sync.log",
    benchmark:
        "benchmarks/sync/aggregate_sync.tsv"
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/aggregate_sync.py"


rule validate_sync:
    input:
        families="results/sync/families.csv",
        manual=manual_codes(),
    output:
        validation="results/sync/validation.csv",
    log:
        "logs/sync/validate_sync.log",
    benchmark:
        "benchmarks/sync/validate_sync.tsv"
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/validate_sync.py"


rule analyse_window_sensitivity:
    input:
        family_list="results/snapshot/families.csv",
        batches=per_batch("results/snapshot/batches/{batch}.parquet"),
        meta="results/snapshot/snapshot.json",
    output:
        summary="results/sync/sensitivity.csv",
        patterns="results/sync/sensitivity_patterns.csv",
        figure=report(
            "results/figures/sensitivity_patterns.png",
            caption="../workflow/report/sensitivity.rst",
            category="Synchronisation",
        ),
    log:
        "logs/sync/analyse_window_sensitivity.log",
    benchmark:
        "benchmarks/sync/analyse_window_sensitivity.tsv"
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
        windows=config["sync"]["sensitivity_windows"],
    script:
        "../workflow/scripts/analyse_window_sensitivity.py"


rule plot_family_timelines:
    input:
        families="results/sync/families.csv",
        batches=per_batch("results/snapshot/batches/{batch}.parquet"),
        meta="results/snapshot/snapshot.json",
    output:
        timelines=directory("results/figures/timelines"),
    log:
        "logs/sync/plot_family_timelines.log",
    benchmark:
        "benchmarks/sync/plot_family_timelines.tsv"
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/plot_family_timelines.py"
