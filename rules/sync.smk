rule code_family_sync:
    input:
        commits="results/snapshot/families/{family}.parquet",
    output:
        coded="results/sync/families/{family}.json",
    log:
        "logs/sync/{family}.log",
    benchmark:
        "benchmarks/sync/{family}.tsv"
    conda:
        "../envs/ptlmsync.yaml"
    params:
        sync=config["sync"],
    script:
        "../workflow/scripts/code_family_sync.py"


rule aggregate_sync:
    input:
        coded=per_family("results/sync/families/{family}.json"),
        family_list="results/snapshot/families.csv",
        models="results/snapshot/models.csv",
        meta="results/snapshot/snapshot.json",
    output:
        families="results/sync/families.csv",
        switches="results/sync/switches.csv",
    log:
        "logs/sync/aggregate_sync.log",
    benchmark:
        "benchmarks/sync/aggregate_sync.tsv"
    conda:
        "../envs/ptlmsync.yaml"
    script:
        "../workflow/scripts/aggregate_sync.py"
