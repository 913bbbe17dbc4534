rule code_sync_batch:
    input:
        commits=result("snapshot/batches/{batch}.parquet"),
        family_list=result("snapshot/family_list.csv"),
    output:
        coded=result("sync/batches/{batch}.json"),
    log:
        log_file("sync", "batch-{batch}"),
    benchmark:
        benchmark_file("sync", "batch-{batch}")
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/code_sync_batch.py"


rule aggregate_sync:
    input:
        coded=per_batch("sync/batches/{batch}.json"),
        family_list=result("snapshot/family_list.csv"),
        models=result("snapshot/models.csv"),
        meta=result("snapshot/snapshot.json"),
    output:
        families=result("sync/family_codes.csv"),
        switches=result("sync/switches.csv"),
        contributors=result("sync/contributors.csv"),
    log:
        log_file("sync", "aggregate_sync"),
    benchmark:
        benchmark_file("sync", "aggregate_sync")
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/aggregate_sync.py"


rule validate_sync:
    input:
        families=result("sync/family_codes.csv"),
        manual=manual_codes(),
    output:
        validation=result("sync/validation.csv"),
    log:
        log_file("sync", "validate_sync"),
    benchmark:
        benchmark_file("sync", "validate_sync")
    conda:
        "../envs/sync.yaml"
    script:
        "../workflow/scripts/validate_sync.py"


rule code_sync_window:
    input:
        family_list=result("snapshot/family_list.csv"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        coded=result("sync/windows/{window}.csv"),
    log:
        log_file("sync", "window-{window}"),
    benchmark:
        benchmark_file("sync", "window-{window}")
    conda:
        "../envs/sync.yaml"
    params:
        # every coding parameter but the window, which the job's own {window} sets
        sync=coding_params(without=["window_days"]),
    script:
        "../workflow/scripts/code_sync_window.py"


rule analyse_window_sensitivity:
    input:
        window_codes=expand(
            result("sync/windows/{window}.csv"),
            window=config["sync"]["sensitivity_windows"],
        ),
        families=result("sync/family_codes.csv"),
        meta=result("snapshot/snapshot.json"),
    output:
        summary=table_file("window_sensitivity"),
        patterns=result("sync/sensitivity_patterns.csv"),
        figure=report(
            result("figures/sensitivity_patterns.png"),
            caption="../workflow/report/sensitivity.rst",
            category="Synchronisation",
        ),
    log:
        log_file("sync", "analyse_window_sensitivity"),
    benchmark:
        benchmark_file("sync", "analyse_window_sensitivity")
    conda:
        "../envs/sync.yaml"
    params:
        window_days=config["sync"]["window_days"],
    script:
        "../workflow/scripts/analyse_window_sensitivity.py"


rule analyse_resolution_sensitivity:
    input:
        family_list=result("snapshot/family_list.csv"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        resolution=table_file("resolution_sensitivity"),
    log:
        log_file("sync", "analyse_resolution_sensitivity"),
    benchmark:
        benchmark_file("sync", "analyse_resolution_sensitivity")
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/analyse_resolution_sensitivity.py"


rule plot_timeline_panel:
    input:
        families=result("sync/family_codes.csv"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        meta=result("snapshot/snapshot.json"),
    output:
        panel=result("figures/timelines_by_pattern.png"),
    log:
        log_file("sync", "plot_timeline_panel"),
    benchmark:
        benchmark_file("sync", "plot_timeline_panel")
    conda:
        "../envs/sync.yaml"
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/plot_timeline_panel.py"


# On request only (`snakemake plot_family_timelines`): one figure per family.
rule plot_family_timelines:
    input:
        families=result("sync/family_codes.csv"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        meta=result("snapshot/snapshot.json"),
    output:
        timelines=directory(result("figures/timelines")),
    log:
        log_file("sync", "plot_family_timelines"),
    benchmark:
        benchmark_file("sync", "plot_family_timelines")
    conda:
        "../envs/sync.yaml"
    # the figures are drawn in parallel: one worker process per thread
    threads: 4
    params:
        sync=coding_params(),
    script:
        "../workflow/scripts/plot_family_timelines.py"
