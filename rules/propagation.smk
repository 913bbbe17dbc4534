rule trace_propagation:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        families=result("sync/families.csv"),
        switches=result("sync/switches.csv"),
    output:
        tables=tables("propagation"),
        drift=result("drift/families.csv"),
        automated=result("sync/automated_commits.csv"),
    log:
        log_file("propagation", "trace_propagation"),
    benchmark:
        benchmark_file("propagation", "trace_propagation")
    conda:
        "../envs/stats.yaml"
    params:
        max_days=propagation_max_days(),
    script:
        "../workflow/scripts/trace_propagation.py"
