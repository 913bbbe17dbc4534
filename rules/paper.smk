rule compile_numbers:
    input:
        tables=run_tables(),
        families=result("sync/families.csv"),
        switches=result("sync/switches.csv"),
        meta=result("snapshot/snapshot.json"),
        validation=result("sync/validation.csv"),
        sensitivity=[] if REPLICATION else result("sync/sensitivity.csv"),
        resolution=[] if REPLICATION else result("sync/resolution_sensitivity.csv"),
        label_validation=[] if REPLICATION else result("labels/validation.csv"),
        label_usage=[] if REPLICATION else result("labels/usage.csv"),
        study_validation=[] if REPLICATION else result("labels/validation_study.csv"),
        unlabelled_kinds=[] if REPLICATION else result("labels/unlabelled_by_kind.csv"),
        crawl_status=result("crawl/status.csv") if LIVE else [],
        crawl_rejected=result("crawl/rejected.csv") if LIVE else [],
        drift=[] if REPLICATION else result("drift/families.csv"),
        crawl_links=result("crawl/links.csv") if LIVE else [],
        excluded=result("tables/excluded_families.csv"),
        contributors=result("sync/contributors.csv"),
    output:
        numbers=result("tables/numbers.json"),
        funnel=result("tables/funnel.csv"),
        metadata=result("tables/metadata.json"),
        comparison=result("tables/comparison_with_study.csv"),
        sensitivity=[] if REPLICATION else result("tables/window_sensitivity.csv"),
        resolution=([] if REPLICATION else result("tables/resolution_sensitivity.csv")),
    log:
        log_file("paper", "compile_numbers"),
    benchmark:
        benchmark_file("paper", "compile_numbers")
    conda:
        "../envs/paper.yaml"
    params:
        run={
            "name": RUN,
            "sync": coding_params(),
            # the cost plan's prices and tokenizer say nothing the paper prints
            "label": {
                **{k: v for k, v in config["label"].items() if k != "plan"},
                "gold_is_demo": gold_labels() == DEMO_TRUTH,
            },
            "topics": {
                key: config["topics"][key]
                for key in (
                    "embedding_model",
                    "embedding_backend",
                    "stability_seeds",
                    "stable_share",
                )
            },
            "unavailable": UNAVAILABLE,
            "reference_window_days": reference_window_days(),
            "reference_resolution": reference_resolution(),
            "propagation_max_days": propagation_max_days(),
            "propagation_null_draws": config["propagation"]["null_draws"],
            "figures": [
                *available_figures(UNAVAILABLE),
                *(
                    []
                    if REPLICATION
                    else ["sensitivity_patterns", "timelines_by_pattern"]
                ),
            ],
        },
    script:
        "../workflow/scripts/compile_numbers.py"


rule render_paper:
    input:
        sources=[
            "paper/_quarto.yml",
            "paper/index.qmd",
            "paper/references.bib",
            "paper/typst-preamble.typ",
        ],
        tables=run_tables(),
        numbers=result("tables/numbers.json"),
        figures=figure_files(),
        sync_figures=(
            []
            if REPLICATION
            else [
                result("figures/sensitivity_patterns.png"),
                result("figures/timelines_by_pattern.png"),
            ]
        ),
        sensitivity=[] if REPLICATION else result("tables/window_sensitivity.csv"),
        comparison=result("tables/comparison_with_study.csv"),
        funnel=result("tables/funnel.csv"),
        resolution=([] if REPLICATION else result("tables/resolution_sensitivity.csv")),
    output:
        pdf=result("paper/paper.pdf"),
        html=result("paper/paper.html"),
        build=directory(result("paper/build")),
    log:
        log_file("paper", "render_paper"),
    benchmark:
        benchmark_file("paper", "render_paper")
    conda:
        "../envs/paper.yaml"
    params:
        renderer=config["paper"]["renderer"],
    script:
        "../workflow/scripts/render_paper.py"
