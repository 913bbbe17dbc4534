# `priority: 1` marks the rules on the longest chain of jobs (tables, figures, paper):
# when jobs wait for a core, these run first.


rule tabulate_change_types:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        families=result("sync/family_codes.csv"),
    output:
        tables=tables_of_rule("tabulate_change_types"),
    log:
        log_file("stats", "tabulate_change_types"),
    benchmark:
        benchmark_file("stats", "tabulate_change_types")
    priority: 1
    conda:
        "../envs/stats.yaml"
    params:
        statistics_repeat=config["label"]["statistics_repeat"],
    script:
        "../workflow/scripts/make_tables.py"


rule tabulate_similarity:
    input:
        similarity=result("sync/similarity.csv"),
        families=result("sync/family_codes.csv"),
        contributors=result("sync/contributors.csv"),
    output:
        tables=tables_of_rule("tabulate_similarity"),
    log:
        log_file("stats", "tabulate_similarity"),
    benchmark:
        benchmark_file("stats", "tabulate_similarity")
    priority: 1
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/make_tables.py"


rule tabulate_patterns:
    input:
        families=result("sync/family_codes.csv"),
        contributors=result("sync/contributors.csv"),
    output:
        tables=tables_of_rule("tabulate_patterns"),
    log:
        log_file("stats", "tabulate_patterns"),
    benchmark:
        benchmark_file("stats", "tabulate_patterns")
    priority: 1
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/make_tables.py"


rule tabulate_switches:
    input:
        switches=result("sync/switches.csv"),
        families=result("sync/family_codes.csv"),
    output:
        tables=tables_of_rule("tabulate_switches"),
    log:
        log_file("stats", "tabulate_switches"),
    benchmark:
        benchmark_file("stats", "tabulate_switches")
    priority: 1
    conda:
        "../envs/stats.yaml"
    script:
        "../workflow/scripts/make_tables.py"


# The settings the topic texts and their vectors depend on: a change of the fit (seed,
# sizes, stop words) re-runs extract_topics only, not embed_topic_texts.
EMBEDDING_KEYS = (
    "embedding_model",
    "embedding_backend",
    "max_tokens",
    "platform_words",
)


# The topic text of every commit embedded into the embedding cache as soon as the
# commits exist, beside the labelling; extract_topics then finds the vectors cached.
rule embed_topic_texts:
    input:
        batches=per_batch("snapshot/batches/{batch}.parquet"),
    output:
        embedded=result("topics/embedded_texts.csv"),
    log:
        log_file("stats", "embed_topic_texts"),
    benchmark:
        benchmark_file("stats", "embed_topic_texts")
    priority: 1
    conda:
        "../envs/topics.yaml"
    # as extract_topics: the encoder runs on every core the job is given
    threads: 4
    params:
        topics={k: v for k, v in config["topics"].items() if k in EMBEDDING_KEYS},
    script:
        "../workflow/scripts/embed_topic_texts.py"


rule extract_topics:
    input:
        labels=per_batch("labels/batches/{batch}.parquet"),
        batches=per_batch("snapshot/batches/{batch}.parquet"),
        embedded=result("topics/embedded_texts.csv"),
    output:
        tables=tables_of_rule("extract_topics"),
    log:
        log_file("stats", "extract_topics"),
    benchmark:
        benchmark_file("stats", "extract_topics")
    priority: 1
    conda:
        "../envs/topics.yaml"
    # it only fits (embed_topic_texts has cached the vectors): UMAP and HDBSCAN on one
    # core, and the jobs that do not wait for the topics run on the others
    threads: 1
    params:
        topics=config["topics"],
        statistics_repeat=config["label"]["statistics_repeat"],
    script:
        "../workflow/scripts/extract_topics.py"


rule plot_figures:
    input:
        tables=figure_tables(),
        families=result("sync/family_codes.csv"),
        contributors=result("sync/contributors.csv"),
        meta=result("snapshot/snapshot.json"),
    output:
        figures=report(
            figure_files("plot_figures"),
            caption="../workflow/report/figures.rst",
            category="Aggregate statistics",
        ),
        pdfs=figure_files("plot_figures", "pdf"),
    log:
        log_file("stats", "plot_figures"),
    benchmark:
        benchmark_file("stats", "plot_figures")
    priority: 1
    conda:
        "../envs/stats.yaml"
    params:
        names=figures_of_rule("plot_figures"),
    script:
        "../workflow/scripts/plot_figures.py"
