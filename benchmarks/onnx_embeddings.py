"""ONNX Runtime against sentence-transformers for the topics' MiniLM embeddings.

On the real GitHub commits of ../shared/data/github_commits.parquet (labelled by the
offline labeller, topic texts as the workflow makes them), prints for each ONNX backend
(topics.embedding_backend: onnx, onnx-int8):

- speed-up: distinct topic texts embedded per second on a seeded sample, against
  sentence-transformers on PyTorch (models loaded before the clock starts);
- cosine similarity of its vectors to PyTorch's (mean and minimum) on that sample;
- topic agreement: BERTopic per (GH, change type) group with the backend's vectors
  against PyTorch's vectors: the adjusted Rand index of the texts' topics (outliers one
  class), weighted by the group's texts, and the Jaccard index of the largest topic's
  first five terms (what the paper's topic table shows), averaged over the groups; and,
  as the yardstick, both between two PyTorch fits that differ only in UMAP's seed.

Embeddings of the whole set are cached under resources/cache/embeddings (one file per
backend), so a second run only re-fits the topics. Usage:

    python benchmarks/onnx_embeddings.py [SHARED] [--sample 5000] [--backends onnx-int8]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from topics_real_commits import load_commits, rule_type, topic_params

from ptlmsync.topics import EmbeddingCache, group_topics, with_topic_text

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "resources/cache/embeddings"


def speed_and_cosine(texts: list[str], backend: str, reference, tmp: Path, params):
    """Texts per second of ``backend`` (fresh cache, model loaded first) and the cosine
    similarity of its vectors to ``reference`` (None: ``backend`` is the reference)."""
    cache = EmbeddingCache(params.embedding_model, tmp / backend, params.max_tokens, backend)
    cache.embed(["warm up"])  # loads (and for ONNX exports) the model outside the clock
    start = time.perf_counter()
    vectors = cache.embed(texts)
    rate = len(texts) / (time.perf_counter() - start)
    if reference is None:
        return rate, vectors, None
    cosine = (vectors * reference).sum(1) / (
        np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1)
    )
    return rate, vectors, cosine


def largest_topic_terms(fit: dict, n: int = 5) -> set[str]:
    """The first ``n`` terms of the topic with the most texts (what the paper's table
    shows of a group); empty where the group has no topic."""
    sizes = pd.Series(fit["assigned"]).value_counts().drop(-1, errors="ignore")
    return set(fit["topics"][sizes.index[0]]["terms"][:n]) if len(sizes) else set()


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def agreement(groups: dict[str, list[str]], reference: dict, vectors, params) -> tuple:
    """Against the ``reference`` fits: the adjusted Rand index of the texts' topics
    (weighted by the group's texts) and the mean Jaccard index of the largest topic's
    first five terms, over the groups."""
    aris, weights, terms = [], [], []
    for name, texts in groups.items():
        fit = group_topics(texts, vectors(texts), params)
        aris.append(adjusted_rand_score(reference[name]["assigned"], fit["assigned"]))
        weights.append(len(texts))
        terms.append(jaccard(largest_topic_terms(reference[name]), largest_topic_terms(fit)))
        print(
            f"    {name:28s} {len(texts):6d} texts  ARI {aris[-1]:6.3f}  "
            f"largest topic's terms {terms[-1]:.2f}",
            flush=True,
        )
    return float(np.average(aris, weights=weights)), float(np.mean(terms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    parser.add_argument("shared", nargs="?", type=Path, default=default)
    parser.add_argument("--sample", type=int, default=5000, help="texts timed per backend")
    parser.add_argument("--backends", default="onnx,onnx-int8")
    args = parser.parse_args()
    params = topic_params(REPO / "config" / "config.yaml")
    commits = load_commits(args.shared)
    commits["change_type"] = commits["text"].map(rule_type)
    docs = with_topic_text(commits.dropna(subset=["change_type"]), params)
    groups = {
        name: group["doc"].drop_duplicates().tolist()
        for name, group in docs.groupby("change_type")
        if group["doc"].nunique() >= params.min_documents
    }
    distinct = sorted({t for texts in groups.values() for t in texts})
    rng = np.random.default_rng(0)
    sample = rng.choice(distinct, size=min(args.sample, len(distinct)), replace=False).tolist()
    print(f"{len(docs)} commits, {len(distinct)} distinct topic texts in {len(groups)} groups")

    tmp = CACHE / "benchmark-timing"
    torch_rate, reference, _ = speed_and_cosine(sample, "torch", None, tmp, params)
    print(f"torch: {torch_rate:.0f} texts/s on {len(sample)} texts")
    caches = {"torch": EmbeddingCache(params.embedding_model, CACHE, params.max_tokens)}
    for backend in args.backends.split(","):
        rate, _, cosine = speed_and_cosine(sample, backend, reference, tmp, params)
        print(
            f"{backend}: {rate:.0f} texts/s, speed-up {rate / torch_rate:.2f}x; cosine to "
            f"torch mean {cosine.mean():.4f}, min {cosine.min():.4f}"
        )
        caches[backend] = EmbeddingCache(params.embedding_model, CACHE, params.max_tokens, backend)
    for cache in caches.values():
        cache.embed(distinct)
        cache.save()

    torch_vectors = caches["torch"].embed
    reference = {name: group_topics(t, torch_vectors(t), params) for name, t in groups.items()}
    other_seed = dataclasses.replace(params, seed=params.seed + 1)
    print("topic agreement, torch seed 43 against torch seed 42 (the yardstick):")
    yardstick = agreement(groups, reference, torch_vectors, other_seed)
    print(f"  weighted ARI {yardstick[0]:.3f}, largest topic's terms {yardstick[1]:.2f}")
    for backend in args.backends.split(","):
        print(f"topic agreement, {backend} against torch (seed 42 both):")
        ari, terms = agreement(groups, reference, caches[backend].embed, params)
        print(
            f"  weighted ARI {ari:.3f}, largest topic's terms {terms:.2f} "
            f"(yardstick {yardstick[0]:.3f}, {yardstick[1]:.2f})"
        )


if __name__ == "__main__":
    main()
