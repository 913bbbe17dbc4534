"""Topics of real GitHub commits, to read them and to check the topic text.

Labels the 51,528 real commits of ../shared/data/github_commits.parquet with the offline
labeller, runs the workflow's topic extraction per change type (each repository is a
family, its authors' names the words removed), prints the top topics of each type (terms,
share of the type's commits, NPMI coherence, one real message) and checks that no topic
term is a trailer key, merge boilerplate, an author name or login of a topic's
repositories, or a glued word over 20 letters, and that every topic covers at least the
minimum topic size. Prints the CPU seconds (user + sys) of the topic extraction with the
load average, and each topic's stability (its matched share under topics.stability_seeds:
the Jaccard index of its messages and its best match's; --stability-seeds "" measures the
cost without it).

--agreement torch,onnx,onnx-int8 then clusters each group again with every backend's
embeddings and every seed of --seeds (UMAP + HDBSCAN alone: BERTopic's partition) and
prints the mean adjusted Rand index over the groups, weighted by their documents (the
distinct topic texts), per seed pair of one backend and per backend pair at one seed:
the backends' disagreement against the seeds' noise.

Embeddings are cached (resources/cache/embeddings, one file per backend), so a second
run embeds nothing. Usage: python benchmarks/topics_real_commits.py [SHARED] [--top N]
[--stability-seeds 43] [--agreement torch,onnx,onnx-int8 --seeds 42,43,44]
"""

import argparse
import dataclasses
import itertools
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ptlmsync.label.rules import rule_label
from ptlmsync.label.taxonomy import load_taxonomy
from ptlmsync.text import clean_text
from ptlmsync.topic_text import TRAILER_KEYS, author_words, words_of
from ptlmsync.topics import (
    NO_TOPIC,
    EmbeddingCache,
    TopicParams,
    cluster_labels,
    seed_ari,
    topics_table,
    with_topic_text,
)

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
    return TopicParams(**yaml.safe_load(config_yaml.read_text())["topics"])


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """The largest resident set of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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


def agreement(commits, params, backends, seeds, cache_dir) -> None:
    """Mean ARI over the GH change-type groups (weighted by their documents) between the
    clusters of every (backend, seed) pair: per seed pair of one backend, per backend
    pair at one seed."""
    docs = with_topic_text(commits.dropna(subset=["change_type"]), params)
    groups = {
        name: group["doc"].drop_duplicates().tolist()
        for name, group in docs.groupby("change_type")
        if group["doc"].nunique() >= params.min_documents
    }
    distinct = list(dict.fromkeys(t for texts in groups.values() for t in texts))
    weights = [len(texts) for texts in groups.values()]
    print(f"\nagreement: {len(distinct)} distinct topic texts in {len(groups)} groups")
    fits = {}
    for backend in backends:
        cache = EmbeddingCache(params.embedding_model, cache_dir, params.max_tokens, backend)
        before, load = cpu_seconds(), load_average()
        cache.prefetch(distinct)
        print(
            f"  {backend}: {cache.n_embedded} texts embedded, {cpu_seconds() - before:.0f} s "
            f"CPU (load {load})",
            flush=True,
        )
        cache.save()
        for seed in seeds:
            before = cpu_seconds()
            fits[backend, seed] = [
                cluster_labels(cache.embed(texts), params, seed) for texts in groups.values()
            ]
            print(f"    seed {seed}: clustered in {cpu_seconds() - before:.0f} s CPU", flush=True)

    def mean_ari(a, b) -> float:
        aris = [seed_ari(x, y) for x, y in zip(fits[a], fits[b], strict=True)]
        return float(np.average(aris, weights=weights))

    def summary(pairs: dict) -> str:
        values = list(pairs.values())
        cells = "  ".join(f"{k} {v:.3f}" for k, v in pairs.items())
        return f"{cells}  mean {np.mean(values):.3f} (min {min(values):.3f})"

    seed_pairs = list(itertools.combinations(seeds, 2))
    print("\nseed against seed (one backend): mean ARI over groups, weighted by documents")
    for backend in backends:
        pairs = {f"{s}-{t}": mean_ari((backend, s), (backend, t)) for s, t in seed_pairs}
        print(f"  {backend:21s} {summary(pairs)}")
    print("backend against backend (one seed): mean ARI over groups, weighted by documents")
    for a, b in itertools.combinations(backends, 2):
        pairs = {f"seed {seed}": mean_ari((a, seed), (b, seed)) for seed in seeds}
        print(f"  {a + '-' + b:21s} {summary(pairs)}")
    reference = "torch" if "torch" in backends else backends[0]
    print(f"per group: documents, mean ARI with {reference} over the seeds, {reference}'s")
    print("mean ARI over the seed pairs")
    for i, name in enumerate(groups):
        cells = [
            f"{b} {np.mean([seed_ari(fits[reference, s][i], fits[b, s][i]) for s in seeds]):6.3f}"
            for b in backends
            if b != reference
        ]
        noise = np.mean(
            [seed_ari(fits[reference, s][i], fits[reference, t][i]) for s, t in seed_pairs]
        )
        print(f"  {name:28s} {weights[i]:6d}  {'  '.join(cells)}  seeds {noise:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    parser.add_argument("shared", nargs="?", type=Path, default=default)
    parser.add_argument("--top", type=int, default=3, help="topics printed per change type")
    parser.add_argument("--cache", type=Path, default=REPO / "resources/cache/embeddings")
    parser.add_argument(
        "--stability-seeds", help='comma-separated extra seeds ("": none; default: config)'
    )
    parser.add_argument("--agreement", help="comma-separated backends to compare")
    parser.add_argument("--seeds", default="42,43,44", help="seeds of the agreement")
    parser.add_argument("--backend", help="the extraction's backend (default: config)")
    args = parser.parse_args()
    commits = load_commits(args.shared)
    commits["change_type"] = commits["text"].map(rule_type)
    params = topic_params(REPO / "config" / "config.yaml")
    if args.stability_seeds is not None:
        seeds = tuple(int(s) for s in args.stability_seeds.split(",") if s)
        params = dataclasses.replace(params, stability_seeds=seeds)
    if args.backend:
        params = dataclasses.replace(params, embedding_backend=args.backend)
    cache = EmbeddingCache(
        params.embedding_model, args.cache, params.max_tokens, params.embedding_backend
    )
    load, start, cpu = load_average(), time.perf_counter(), cpu_seconds()
    table = topics_table(commits, params, cache, load_taxonomy().names)
    cpu, elapsed = cpu_seconds() - cpu, time.perf_counter() - start
    cache.save()
    gh = table[table["platform"] == "GH"]
    for change_type, group in gh.groupby("change_type", sort=False):
        head = group.iloc[0]
        print(
            f"\n{change_type}: {head['group_commits']} commits, outliers "
            f"{head['group_outlier_percent']}%, coherence {head['group_coherence']}, "
            f"min topic size {head['min_topic_size']}, seed ARI {head['group_seed_ari']}"
        )
        for row in group.head(args.top).itertuples():
            if row.terms == NO_TOPIC:
                print(f"  {NO_TOPIC}")
                continue
            example = re.sub(r"\s+", " ", row.examples.split(" | ")[0])[:90]
            mark = " (unstable)" if pd.notna(row.stable) and not row.stable else ""
            print(
                f"  #{row.rank} {row.percent:5.1f}% npmi {row.coherence:+.2f} "
                f"matched {row.stability:.2f}{mark}  {row.terms}"
            )
            print(f"       e.g. {example}")
    problems = violations(gh, with_topic_text(commits, params))
    found = gh[gh["rank"] > 0]
    if params.stability_seeds:
        print(
            f"\nstable (matched share >= {params.stable_share} with seeds "
            f"{list(params.stability_seeds)}): {int(found['stable'].sum())} of {len(found)} "
            f"topics, {int(found[found['rank'] == 1]['stable'].sum())} of "
            f"{int((found['rank'] == 1).sum())} largest"
        )
    print(
        f"\n{len(commits)} commits, {cache.n_embedded} texts embedded "
        f"({params.embedding_backend}), stability seeds {list(params.stability_seeds)}: "
        f"{cpu:.0f} s CPU (user + sys), {elapsed:.0f} s wall, load average {load} before, "
        f"{load_average()} after; peak RSS {peak_rss_mb():.0f} MB"
    )
    print(f"violations: {len(problems)}")
    for problem in problems:
        print(f"  {problem}")
    if args.agreement:
        seeds = [int(s) for s in args.seeds.split(",")]
        agreement(commits, params, args.agreement.split(","), seeds, args.cache)


if __name__ == "__main__":
    main()
