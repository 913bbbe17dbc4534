rule label_family:
    input:
        commits="results/snapshot/families/{family}.parquet",
    output:
        labels="results/labels/families/{family}.parquet",
        usage="results/labels/usage/{family}.csv",
    log:
        "logs/label/{family}.log",
    benchmark:
        "benchmarks/label/{family}.tsv"
    conda:
        "../envs/label.yaml"
    resources:
        llm_api=lambda wildcards: 0 if config["label"]["backend"] == "offline" else 1,
    params:
        label=labelling_params(),
        cache="results/labels/cache/{family}.parquet",
    script:
        "../workflow/scripts/label_family.py"


rule validate_labels:
    input:
        labels=per_family("results/labels/families/{family}.parquet"),
        usage=per_family("results/labels/usage/{family}.csv"),
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
        labels=per_family("results/labels/families/{family}.parquet"),
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
