rule label_text_shard:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        labels=result("labels/shards/{shard}.parquet"),
        usage=result("labels/usage/{shard}.csv"),
    log:
        log_file("label", "shard-{shard}"),
    benchmark:
        benchmark_file("label", "shard-{shard}")
    conda:
        "../envs/label.yaml"
    resources:
        llm_api=lambda wildcards: 0 if config["label"]["backend"] == "offline" else 1,
    params:
        label=labelling_params(),
        n_shards=config["label"]["text_shards"],
    script:
        "../workflow/scripts/label_text_shard.py"


# The bill before it is paid: `snakemake label_plan` writes the texts, requests,
# tokens and cost of the labelling per run, without a request (not part of `all`; the
# cached answers it subtracts are those of the moment it runs: -R label_plan to redo).
rule label_plan:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        plan=result("labels/plan.csv"),
    log:
        log_file("label", "label_plan"),
    benchmark:
        benchmark_file("label", "label_plan")
    conda:
        "../envs/label.yaml"
    params:
        label=labelling_params(),
        n_shards=config["label"]["text_shards"],
        plan=config["label"]["plan"],
    script:
        "../workflow/scripts/label_plan.py"


rule label_batch:
    input:
        commits=result("snapshot/batches/{batch}.parquet"),
        shards=per_shard("labels/shards/{shard}.parquet"),
    output:
        labels=result("labels/batches/{batch}.parquet"),
    log:
        log_file("label", "batch-{batch}"),
    benchmark:
        benchmark_file("label", "batch-{batch}")
    conda:
        "../envs/label.yaml"
    params:
        label=labelling_params(),
    script:
        "../workflow/scripts/label_batch.py"


rule validate_labels:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        usage=per_shard("labels/usage/{shard}.csv"),
        gold=gold_labels(),
    output:
        validation=result("labels/validation.csv"),
        confusion=result("labels/confusion.csv"),
        usage=result("labels/usage.csv"),
    log:
        log_file("label", "validate_labels"),
    benchmark:
        benchmark_file("label", "validate_labels")
    conda:
        "../envs/label.yaml"
    script:
        "../workflow/scripts/validate_labels.py"


rule score_similarity:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        # the frozen family list, not the coded families: no re-run when the coding changes
        family_list=result("snapshot/family_list.csv"),
    output:
        similarity=result("sync/similarity.csv"),
    log:
        log_file("label", "score_similarity"),
    benchmark:
        benchmark_file("label", "score_similarity")
    conda:
        "../envs/label.yaml"
    params:
        statistics_repeat=config["label"]["statistics_repeat"],
    script:
        "../workflow/scripts/score_similarity.py"


if not config["study_labels_dir"]:

    rule fetch_study_labels:
        output:
            labels=directory(STUDY_LABELS_DIR),
        log:
            log_file("label", "fetch_study_labels"),
        benchmark:
            benchmark_file("label", "fetch_study_labels")
        conda:
            "../envs/crawl.yaml"
        script:
            "../workflow/scripts/fetch_study_labels.py"


rule validate_study_labels:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        family_list=result("snapshot/family_list.csv"),
        study=study_labels(),
    output:
        validation=result("labels/validation_study.csv"),
        disagreements=result("labels/validation_study_disagreements.csv"),
    log:
        log_file("label", "validate_study_labels"),
    benchmark:
        benchmark_file("label", "validate_study_labels")
    conda:
        "../envs/label.yaml"
    params:
        statistics_repeat=config["label"]["statistics_repeat"],
    script:
        "../workflow/scripts/validate_study_labels.py"


rule describe_unlabelled:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        unlabelled=result("labels/unlabelled_by_kind.csv"),
    log:
        log_file("label", "describe_unlabelled"),
    benchmark:
        benchmark_file("label", "describe_unlabelled")
    conda:
        "../envs/label.yaml"
    params:
        statistics_repeat=config["label"]["statistics_repeat"],
    script:
        "../workflow/scripts/describe_unlabelled.py"
