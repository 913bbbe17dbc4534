rule compile_numbers:
    input:
        tables=run_tables(but=["compile_numbers"]),
        families=result("sync/family_codes.csv"),
        switches=result("sync/switches.csv"),
        contributors=result("sync/contributors.csv"),
        meta=result("snapshot/snapshot.json"),
        validation=result("sync/validation.csv"),
        label_validation=with_commits(result("labels/validation.csv")),
        label_usage=with_commits(result("labels/usage.csv")),
        study_validation=with_commits(result("labels/validation_study.csv")),
        unlabelled_kinds=with_commits(result("labels/unlabelled_by_kind.csv")),
        drift=with_commits(result("drift/drift_by_kind.csv")),
        automated_commits=with_commits(result("sync/automated_commits.csv")),
        study_files=if_replication(STUDY_FILES_DIR),
        demo_truth=with_commits(DEMO_TRUTH),
        crawl_status=if_crawled(result("crawl/status.csv")),
        crawl_rejected=if_crawled(result("crawl/rejected.csv")),
        crawl_links=if_crawled(result("crawl/links.csv")),
    output:
        numbers=result("tables/numbers.json"),
        metadata=result("tables/metadata.json"),
        tables=tables_of_rule("compile_numbers"),
    log:
        log_file("paper", "compile_numbers"),
    benchmark:
        benchmark_file("paper", "compile_numbers")
    conda:
        "../envs/paper.yaml"
    params:
        run=paper_run_params(),
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
