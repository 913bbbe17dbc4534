checkpoint select_models:
    output:
        models="results/collect/models.csv",
        links="results/collect/links.csv",
        families="results/collect/families.csv",
        extraction="results/collect/extraction.json",
    log:
        "logs/collect/select_models.log",
    benchmark:
        "benchmarks/collect/select_models.tsv"
    conda:
        "../envs/collect.yaml"
    resources:
        hf_api=1,
    params:
        collect=config["collect"],
        exclude=config["exclude_families"],
        raw_dir="results/collect/raw",
    script:
        "../workflow/scripts/select_models.py"


rule crawl_family:
    input:
        models="results/collect/models.csv",
    output:
        hf="results/collect/families/{family}/hf_commits.parquet",
        gh="results/collect/families/{family}/gh_commits.parquet",
        status="results/collect/families/{family}/status.csv",
        users="results/collect/families/{family}/hf_users.csv",
    log:
        "logs/collect/{family}.log",
    benchmark:
        "benchmarks/collect/{family}.tsv"
    conda:
        "../envs/collect.yaml"
    resources:
        hf_api=1,
        github_api=1,
    params:
        collect=config["collect"],
        raw_dir="results/collect/raw",
        clone_dir="results/collect/clones",
    script:
        "../workflow/scripts/crawl_family.py"


rule assemble_live_snapshot:
    input:
        models="results/collect/models.csv",
        extraction="results/collect/extraction.json",
        hf=crawled("hf_commits.parquet"),
        gh=crawled("gh_commits.parquet"),
        status=crawled("status.csv"),
        users=crawled("hf_users.csv"),
    output:
        models="results/collect/snapshot/models.csv",
        hf="results/collect/snapshot/hf_commits.parquet",
        gh="results/collect/snapshot/gh_commits.parquet",
        meta="results/collect/snapshot/snapshot.json",
        users="results/collect/snapshot/hf_users.csv",
        status="results/collect/status.csv",
    log:
        "logs/collect/assemble_live_snapshot.log",
    benchmark:
        "benchmarks/collect/assemble_live_snapshot.tsv"
    conda:
        "../envs/collect.yaml"
    script:
        "../workflow/scripts/assemble_live_snapshot.py"
