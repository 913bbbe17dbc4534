rule find_automated_commits:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        automated=result("sync/automated_commits.csv"),
    log:
        log_file("propagation", "find_automated_commits"),
    benchmark:
        benchmark_file("propagation", "find_automated_commits")
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/find_automated_commits.py"


rule trace_propagation:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        families=result("sync/family_codes.csv"),
        switches=result("sync/switches.csv"),
        automated=result("sync/automated_commits.csv"),
    output:
        tables=tables_of_rule("trace_propagation"),
        drift=result("drift/drift_by_kind.csv"),
    log:
        log_file("propagation", "trace_propagation"),
    benchmark:
        benchmark_file("propagation", "trace_propagation")
    # on the chain to the figures (see rules/stats.smk)
    priority: 1
    conda:
        "../envs/stats.yaml"
    params:
        propagation=propagation_params(),
        # the switch events' dates, to find those the sync commits make
        resolution={
            "GH": config["sync"]["gh_time_resolution"],
            "HF": config["sync"]["hf_time_resolution"],
        },
    script:
        "../workflow/scripts/trace_propagation.py"
