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
        "../envs/ptlmsync.yaml"
    params:
        backend=config["label"]["backend"],
        runs=config["label"]["runs"],
    script:
        "../workflow/scripts/label_family.py"
