"""Stage ``stats`` (rules/stats.smk): the statistics tables, topics and figures."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync import stats
from ptlmsync.contributors import shared_level
from ptlmsync.demo import marker_of
from ptlmsync.outputs import write_tables
from ptlmsync.snapshot import read_meta
from ptlmsync.vocab import LAG_ORDER, PATTERN_ORDER, SWITCH_GROUPINGS

log = logging.getLogger(__name__)


def tabulate_change_types(*, labels, families, tables, statistics_run="majority") -> None:
    """Change types per platform, per maturity group and per pattern, with chi-square tests."""
    every = stats.read_labels(labels, statistics_run)
    chosen = stats.labelled_only(every)
    coded = pd.read_csv(families)
    by_age = stats.change_types_by_age(chosen, coded)
    write_tables(
        {
            "unlabelled_commits": stats.unlabelled_commits(every),
            "change_types_by_platform": stats.change_types_by_platform(chosen),
            "change_types_by_age": by_age,
            "chi2_change_types_by_age": stats.chi2_change_types_by_age(by_age),
            "pattern_change_types_gh": stats.pattern_change_types_gh(chosen, coded),
            "pattern_change_types_hf": stats.pattern_change_types_hf(chosen, coded),
            "chi2_pattern_platform": stats.chi2_pattern_platform(chosen, coded),
        },
        tables,
    )


def tabulate_similarity(*, similarity, families, contributors, tables) -> None:
    """Similarity histogram, by maturity and by shared contributors, over the families
    with a score (the unscored stay in the similarity table with their reason)."""
    sim = pd.read_csv(similarity, dtype={"unscored_reason": str})
    if "unscored_reason" not in sim:  # the study's published scores
        sim["unscored_reason"] = ""
    sim["unscored_reason"] = sim["unscored_reason"].fillna("")
    scores = stats.scored(sim)
    coded = pd.read_csv(families).set_index("family")
    authors = pd.read_csv(contributors)
    known = authors.dropna(subset=["n_shared_authors"]).set_index("family")["n_shared_authors"]
    by_contrib = stats.similarity_by(
        scores, known.map(shared_level), "shared_contributors", stats.SHARED_LEVELS
    )
    write_tables(
        {
            "similarity": sim[stats.SIMILARITY_COLUMNS],
            "similarity_histogram": stats.similarity_histogram(scores["jaccard"]),
            "similarity_by_age": stats.similarity_by(
                scores, coded["age_group"], "age_group", stats.AGE_GROUPS
            ),
            "similarity_by_contributors": by_contrib,
            "chi2_similarity_contributors": stats.chi2_similarity_contributors(scores, authors),
        },
        tables,
    )


def tabulate_patterns(*, families, contributors, tables) -> None:
    """Lag and pattern distributions, by maturity and release; contributors per pattern."""
    coded = pd.read_csv(families)
    authors = pd.read_csv(contributors)
    write_tables(
        {
            "lag_distribution": stats.distribution(coded["lag"], LAG_ORDER, "lag"),
            "lag_by_age": stats.crosstab(coded, "lag", LAG_ORDER),
            "pattern_distribution": stats.distribution(coded["pattern"], PATTERN_ORDER, "pattern"),
            "pattern_by_age": stats.crosstab(coded, "pattern", PATTERN_ORDER),
            "pattern_by_release": stats.pattern_by_release(coded, PATTERN_ORDER),
            "contributors_by_pattern": stats.contributors_by_pattern(coded, authors),
            "spearman_contributors": stats.spearman_contributors(coded, authors),
        },
        tables,
    )


def tabulate_switches(*, switches, families, tables) -> None:
    """Days to the other platform by lag, pattern and maturity; Kruskal-Wallis and Dunn."""
    events = pd.read_csv(switches)
    coded = pd.read_csv(families).rename(columns={"age_group": "age"})
    family_means = stats.per_family_days(events)
    out, tests = {}, []
    for grouping, categories in SWITCH_GROUPINGS.items():
        out[f"switch_days_by_{grouping}"] = stats.switch_days_by(
            events, coded, grouping, categories
        )
        # the tests compare the named groups only, as the study did (an "Unnamed" pattern
        # stays in the summary table above, outside the tests)
        named = coded[coded[grouping].isin(categories)]
        # the study's unit is the switch event; per-family means are the robustness check
        tests.append({"unit": "switch event", **stats.kruskal(events, named, grouping)})
        tests.append({"unit": "family mean", **stats.kruskal(family_means, named, grouping)})
        out[f"dunn_{grouping}"] = stats.dunn(events, named, grouping)
        out[f"dunn_{grouping}_per_family"] = stats.dunn(family_means, named, grouping)
    out["kruskal"] = pd.DataFrame(
        tests, columns=["unit", "grouping", "H", "dof", "p", "epsilon2", "n"]
    )
    write_tables(out, tables)


def extract_topics(
    *, labels, batches, tables, cache_dir, params: dict, statistics_run="majority"
) -> None:
    """BERTopic topics per platform and change type."""
    from ptlmsync import topics  # BERTopic and torch load only in this rule
    from ptlmsync.taxonomy import load_taxonomy

    chosen = stats.labelled_only(stats.read_labels(labels, statistics_run))
    columns = ["platform", "family", "key", "text", "author"]
    texts = pd.concat([pd.read_parquet(p, columns=columns) for p in batches])
    docs = chosen.merge(texts, on=["platform", "family", "key"])
    docs = docs.rename(columns={"label": "change_type"})
    topic_params = topics.TopicParams(
        **{
            **params,
            "platform_words": tuple(params.get("platform_words", ())),
            "stop_words": tuple(params.get("stop_words", ())),
        }
    )
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
