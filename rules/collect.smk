rule collect_snapshot:
    input:
        source=source_snapshot(),
    output:
        models="results/snapshot/models.csv",
        hf_commits="results/snapshot/hf_commits.parquet",
        gh_commits="results/snapshot/gh_commits.parquet",
        meta="results/snapshot/snapshot.json",
        demo_truth=DEMO_TRUTH,
        family_list="results/snapshot/families.csv",
        batches=per_batch("results/snapshot/batches/{batch}.parquet"),
    log:
        "logs/collect/collect_snapshot.log",
    benchmark:
        "benchmarks/collect/collect_snapshot.tsv"
    conda:
        "../envs/collect.yaml"
    params:
        source=config["source"],
        snapshot_dir=config["snapshot_dir"],
        demo=config["demo"],
        exclude_families=config["exclude_families"],
        # a param, so fewer batches (no missing output) also re-split the families
        family_batches=config["family_batches"],
    script:
        "../workflow/scripts/collect_snapshot.py"
