checkpoint select_models:
    output:
        models=result("crawl/models.csv"),
        links=result("crawl/links.csv"),
        families=result("crawl/selected_families.csv"),
        extraction=result("crawl/extraction.json"),
        rejected=result("crawl/listing_rejected.csv"),
    log:
        log_file("crawl", "select_models"),
    benchmark:
        benchmark_file("crawl", "select_models")
    conda:
        "../envs/crawl.yaml"
    resources:
        hf_api=1,
    params:
        crawl=config["crawl"],
        exclude=config["exclude_families"],
    script:
        "../workflow/scripts/select_models.py"


rule crawl_family:
    input:
        models=result("crawl/models.csv"),
    output:
        hf=result("crawl/families/{family}/hf_commits.parquet"),
        gh=result("crawl/families/{family}/gh_commits.parquet"),
        status=result("crawl/families/{family}/status.csv"),
        users=result("crawl/families/{family}/hf_users.csv"),
        rejected=result("crawl/families/{family}/rejected.csv"),
    log:
        log_file("crawl", "{family}"),
    benchmark:
        benchmark_file("crawl", "{family}")
    conda:
        "../envs/crawl.yaml"
    resources:
        hf_api=1,
        github_api=1,
    params:
        crawl=config["crawl"],
    script:
        "../workflow/scripts/crawl_family.py"


rule assemble_live_snapshot:
    input:
        models=result("crawl/models.csv"),
        extraction=result("crawl/extraction.json"),
        listing_rejected=result("crawl/listing_rejected.csv"),
        hf=crawled("hf_commits.parquet"),
        gh=crawled("gh_commits.parquet"),
        status=crawled("status.csv"),
        users=crawled("hf_users.csv"),
        rejected=crawled("rejected.csv"),
    output:
        models=result("crawl/snapshot/models.csv"),
        hf=result("crawl/snapshot/hf_commits.parquet"),
        gh=result("crawl/snapshot/gh_commits.parquet"),
        meta=result("crawl/snapshot/snapshot.json"),
        users=result("crawl/snapshot/hf_users.csv"),
        status=result("crawl/status.csv"),
        rejected=result("crawl/rejected.csv"),
    log:
        log_file("crawl", "assemble_live_snapshot"),
    benchmark:
        benchmark_file("crawl", "assemble_live_snapshot")
    conda:
        "../envs/crawl.yaml"
    script:
        "../workflow/scripts/assemble_live_snapshot.py"
