rule label_family:
    input:
        commits="results/snapshot/families/{family}.parquet",
    output:
        labels="results/labels/families/{family}.parquet",
    log:
        "logs/label/{family}.log",
    benchmark:
        "benchmarks/label/{family}.tsv"
    conda:
        "../envs/label.yaml"
    params:
        backend=config["label"]["backend"],
        runs=config["label"]["runs"],
    script:
        "../workflow/scripts/label_family.py"


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
    script:
        "../workflow/scripts/score_similarity.py"
