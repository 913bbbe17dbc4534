rule import_replication:
    input:
        package=config["replication_dir"] or [],
    output:
        families=result("sync/families.csv"),
        switches=result("sync/switches.csv"),
        similarity=result("sync/similarity.csv"),
        contributors=result("sync/contributors.csv"),
        validation=result("sync/validation.csv"),
        meta=result("snapshot/snapshot.json"),
    log:
        log_file("replication", "import_replication"),
    benchmark:
        benchmark_file("replication", "import_replication")
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/import_replication.py"
