"""Topics of real GitHub commits, to read them and to check the topic text.

Labels the 51,528 real commits of ../shared/data/github_commits.parquet with the offline
labeller, runs the workflow's topic extraction per change type (each repository is a
family, its authors' names the words removed), prints the top topics of each type (terms,
share of the type's commits, NPMI coherence, one real message) and checks that no topic
term is a trailer key, merge boilerplate, an author name or login of a topic's
repositories, or a glued word over 20 letters, and that every topic covers at least the
minimum topic size. Embeddings are cached (resources/cache/embeddings), so a second run
takes a minute. Usage: python benchmarks/topics_real_commits.py [SHARED] [--top N]
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

from ptlmsync.label_rules import rule_label
from ptlmsync.taxonomy import load_taxonomy
from ptlmsync.text import clean_text
from ptlmsync.topic_text import TRAILER_KEYS, author_words, words_of
from ptlmsync.topics import NO_TOPIC, EmbeddingCache, TopicParams, topics_table, with_topic_text

REPO = Path(__file__).resolve().parents[1]
#: The words of merge boilerplate ("Merge pull request #N from …").
MERGE_WORDS = {"merge", "pull", "request"}
#: Words that only trailer keys use (ordinary words such as "source" or "test" are not
#: checked: they are legitimate topic terms).
ORDINARY = {
    "source",
    "git",
    "change",
    "pull",
    "request",
    "resolved",
    "revision",
    "origin",
    "test",
    "plan",
}
TRAILER_WORDS = {w for key in TRAILER_KEYS for w in words_of(key) if len(w) > 2} - ORDINARY
TRAILER_WORDS |= {"piperoriginrevid", "gitoriginrevid", "revid", "fbshipit", "ghstack"}


def topic_params(config_yaml: Path) -> TopicParams:
    """The topic parameters of the workflow's configuration."""
    topics = yaml.safe_load(config_yaml.read_text())["topics"]
    lists = {k: tuple(topics[k]) for k in ("platform_words", "stop_words")}
    return TopicParams(**{**topics, **lists})


def load_commits(shared: Path) -> pd.DataFrame:
    source = shared / "data" / "github_commits.parquet"
    if not source.exists():
        sys.exit(f"{source}: missing; this benchmark needs the study data (../shared)")
    raw = pd.read_parquet(source, columns=["repo", "sha", "author_name", "message"])
    return pd.DataFrame(
        {
            "platform": "GH",
            "family": raw["repo"],
            "key": raw["sha"],
            "author": raw["author_name"],
            "text": raw["message"].map(clean_text),
        }
    )


def rule_type(text: str) -> str | None:
    """The offline rules' change type of a cleaned message (None: no rule decides)."""
    decided = rule_label(text)
    return decided[0] if decided else None


def violations(table: pd.DataFrame, docs: pd.DataFrame) -> list[str]:
    """Topic terms that are trailer keys, merge boilerplate or glued words; topics under
    the minimum size; topic texts that still hold an author word of their family (the
    terms come from these texts, so a family's author names cannot become its terms)."""
    found = []
    for row in table[table["rank"] > 0].itertuples():
        for term in row.terms.split(", "):
            why = (
                "trailer key"
                if term in TRAILER_WORDS
                else "merge boilerplate"
                if term in MERGE_WORDS
                else "glued word"
                if len(term) > 20
                else None
            )
            if why:
                found.append(f"{row.change_type} #{row.rank}: {term!r} ({why})")
        if row.n_documents < row.min_topic_size:
            found.append(f"{row.change_type} #{row.rank}: {row.n_documents} < minimum size")
    authors = docs.groupby("family")["author"].agg(author_words)
    for doc in docs.itertuples():
        leftover = set(doc.doc.split()) & authors[doc.family]
        if leftover:
            found.append(f"{doc.family} {doc.key[:8]}: author words {sorted(leftover)}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    parser.add_argument("shared", nargs="?", type=Path, default=default)
    parser.add_argument("--top", type=int, default=3, help="topics printed per change type")
    args = parser.parse_args()
    commits = load_commits(args.shared)
    commits["change_type"] = commits["text"].map(rule_type)
    params = topic_params(REPO / "config" / "config.yaml")
    cache = EmbeddingCache(params.embedding_model, REPO / "resources/cache/embeddings")
    start = time.perf_counter()
    table = topics_table(commits, params, cache, load_taxonomy().names)
    cache.save()
    elapsed = time.perf_counter() - start
    gh = table[table["platform"] == "GH"]
    for change_type, group in gh.groupby("change_type", sort=False):
        head = group.iloc[0]
        print(
            f"\n{change_type}: {head['group_commits']} commits, outliers "
            f"{head['group_outlier_percent']}%, coherence {head['group_coherence']}, "
            f"min topic size {head['min_topic_size']}"
        )
        for row in group.head(args.top).itertuples():
            if row.terms == NO_TOPIC:
                print(f"  {NO_TOPIC}")
                continue
            example = re.sub(r"\s+", " ", row.examples.split(" | ")[0])[:90]
            print(f"  #{row.rank} {row.percent:5.1f}% npmi {row.coherence:+.2f}  {row.terms}")
            print(f"       e.g. {example}")
    problems = violations(gh, with_topic_text(commits, params))
    print(f"\n{len(commits)} commits, {cache.n_embedded} texts embedded, {elapsed:.0f} s")
    print(f"violations: {len(problems)}")
    for problem in problems:
        print(f"  {problem}")


if __name__ == "__main__":
    main()
