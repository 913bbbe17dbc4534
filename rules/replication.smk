if not config["replication_dir"]:

    rule fetch_study_files:
        output:
            package=directory(STUDY_FILES_DIR),
        log:
            log_file("replication", "fetch_study_files"),
        benchmark:
            benchmark_file("replication", "fetch_study_files")
        conda:
            "../envs/crawl.yaml"
        params:
            url=config["replication_url"],
        script:
            "../workflow/scripts/fetch_study_files.py"


rule import_replication:
    input:
        package=STUDY_FILES_DIR,
    output:
        families=result("sync/family_codes.csv"),
        switches=result("sync/switches.csv"),
        similarity=result("sync/similarity.csv"),
        contributors=result("sync/contributors.csv"),
        validation=result("sync/validation.csv"),
        excluded=table_file("excluded_families"),
        meta=result("snapshot/snapshot.json"),
    log:
        log_file("replication", "import_replication"),
    benchmark:
        benchmark_file("replication", "import_replication")
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/import_replication.py"
