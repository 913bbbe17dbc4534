"""Stage ``stats`` (rules/stats.smk): the topics and the figures (the ``tabulate_*``
rules' tables are made by :mod:`ptlmsync.tables`)."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync.demo import marker_of
from ptlmsync.label.reading import labelled_only, read_labels
from ptlmsync.outputs import write_tables
from ptlmsync.snapshot import read_meta

log = logging.getLogger(__name__)


def extract_topics(
    *, labels, batches, tables, cache_dir, params: dict, statistics_repeat="majority"
) -> None:
    """BERTopic topics per platform and change type."""
    from ptlmsync import topics  # BERTopic and torch load only in this rule
    from ptlmsync.label.taxonomy import load_taxonomy

    chosen = labelled_only(read_labels(labels, statistics_repeat))
    columns = ["platform", "family", "key", "text", "author"]
    texts = pd.concat([pd.read_parquet(p, columns=columns) for p in batches])
    docs = chosen.merge(texts, on=["platform", "family", "key"])
    docs = docs.rename(columns={"label": "change_type"})
    topic_params = topics.TopicParams.from_config(params)
    cache = topics.EmbeddingCache(
        topic_params.embedding_model,
        cache_dir,
        topic_params.max_tokens,
        topic_params.embedding_backend,
    )
    table = topics.topics_table(docs, topic_params, cache, load_taxonomy().names)
    cache.save()
    write_tables({"topics": table}, tables)
    log.info("topics: %d rows; %d texts embedded (the rest cached)", len(table), cache.n_embedded)


def plot_figures(*, tables, families, contributors, meta, figures, names: list[str]) -> None:
    """The study's figures ``names`` from the statistics tables."""
    from ptlmsync.study_figures import plot_study_figures  # matplotlib: only this job

    plot_study_figures(
        Path(tables[0]).parent,
        families,
        contributors,
        marker_of(read_meta(meta)),
        Path(figures[0]).parent,
        names,
    )
