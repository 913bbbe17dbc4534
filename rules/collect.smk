rule collect_snapshot:
    input:
        source=source_snapshot(),
        crawl_status=result("crawl/status.csv") if LIVE else [],
    output:
        models=result("snapshot/models.csv"),
        hf_commits=result("snapshot/hf_commits.parquet"),
        gh_commits=result("snapshot/gh_commits.parquet"),
        meta=result("snapshot/snapshot.json"),
        demo_truth=DEMO_TRUTH,
        family_list=result("snapshot/family_list.csv"),
        excluded=table_file("excluded_families"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    log:
        log_file("collect", "collect_snapshot"),
    benchmark:
        benchmark_file("collect", "collect_snapshot")
    conda:
        "../envs/crawl.yaml"
    params:
        source=config["source"],
        snapshot_dir=config["snapshot_dir"],
        demo=config["demo"],
        exclude_families=config["exclude_families"],
        # a param, so fewer batches (no missing output) also re-split the families
        family_batches=config["family_batches"],
    script:
        "../workflow/scripts/collect_snapshot.py"
