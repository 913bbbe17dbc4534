rule label_batch:
    input:
        commits="results/snapshot/batches/{batch}.parquet",
    output:
        labels="results/labels/batches/{batch}.parquet",
        usage="results/labels/usage/{batch}.csv",
    log:
        "logs/label/batch-{batch}.log",
    benchmark:
        "benchmarks/label/batch-{batch}.tsv"
    conda:
        "../envs/label.yaml"
    resources:
        llm_api=lambda wildcards: 0 if config["label"]["backend"] == "offline" else 1,
    params:
        label=labelling_params(),
        cache_dir="results/labels/cache",
    script:
        "../workflow/scripts/label_batch.py"


rule validate_labels:
    input:
        labels=per_batch("results/labels/batches/{batch}.parquet"),
        usage=per_batch("results/labels/usage/{batch}.csv"),
        gold=gold_labels(),
    output:
        validation="results/labels/validation.csv",
        confusion="results/labels/confusion.csv",
        usage="results/labels/usage.csv",
    log:
        "logs/label/validate_labels.log",
    benchmark:
        "benchmarks/label/validate_labels.tsv"
    conda:
        "../envs/label.yaml"
    script:
        "../workflow/scripts/validate_labels.py"


rule score_similarity:
    input:
        labels=per_batch("results/labels/batches/{batch}.parquet"),
        families="results/sync/families.csv",
    output:
        similarity="results/sync/similarity.csv",
    log:
        "logs/stats/score_similarity.log",
    benchmark:
        "benchmarks/stats/score_similarity.tsv"
    conda:
        "../envs/label.yaml"
    params:
        statistics_run=config["label"]["statistics_run"],
    script:
        "../workflow/scripts/score_similarity.py"
