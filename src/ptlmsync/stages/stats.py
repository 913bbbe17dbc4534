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


def embed_topic_texts(*, batches, embedded, cache_dir, params: dict) -> None:
    """The topic text of every commit embedded into the embedding cache as soon as the
    commits exist, beside the labelling: extract_topics then finds its vectors cached.
    ``embedded``: one row of counts (n_commits, n_texts, n_embedded_now, backend, ...)."""
    from ptlmsync import topics  # the encoder loads only in this rule and extract_topics

    topic_params = topics.TopicParams.from_config(params)
    cache = topics.embedding_cache(topic_params, cache_dir)
    done = topics.embed_ahead(topics.commit_topic_texts(batches, topic_params), cache)
    cache.save()
    pd.DataFrame([done]).to_csv(embedded, index=False)
    log.info(
        "%d distinct topic texts of %d commits: %d embedded now (the rest cached)",
        done["n_texts"],
        done["n_commits"],
        done["n_embedded_now"],
    )


def extract_topics(
    *, labels, batches, tables, cache_dir, params: dict, statistics_repeat="majority"
) -> None:
    """BERTopic topics per platform and change type (embed_topic_texts has put the
    texts' vectors in the cache; a text it missed is embedded here)."""
    from ptlmsync import topics  # BERTopic and torch load only in this rule
    from ptlmsync.label.taxonomy import load_taxonomy

    chosen = labelled_only(read_labels(labels, statistics_repeat))
    topic_params = topics.TopicParams.from_config(params)
    # the topic texts of all commits, as embed_topic_texts made them, then the labelled
    texts = topics.commit_topic_texts(batches, topic_params)
    docs = chosen.merge(texts, on=["platform", "family", "key"])
    docs = docs.rename(columns={"label": "change_type"})
    cache = topics.embedding_cache(topic_params, cache_dir)
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
