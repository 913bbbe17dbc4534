rule import_replication:
    input:
        package=config["replication_dir"] or [],
    output:
        families="results/sync/families.csv",
        switches="results/sync/switches.csv",
        similarity="results/sync/similarity.csv",
        contributors="results/sync/contributors.csv",
        validation="results/sync/validation.csv",
        meta="results/snapshot/snapshot.json",
    log:
        "logs/collect/import_replication.log",
    benchmark:
        "benchmarks/collect/import_replication.tsv"
    conda:
        "../envs/collect.yaml"
    script:
        "../workflow/scripts/import_replication.py"
