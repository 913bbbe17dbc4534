"""Topic extraction: preprocessing, the embedding cache, BERTopic on clear clusters."""

import numpy as np
import pandas as pd
import pytest

from ptlmsync.topics import NO_TOPIC, EmbeddingCache, TopicParams, preprocess, topics_table


def test_preprocess_removes_urls_files_short_tokens_and_platform_words():
    text = "Upload model.safetensors to the Hub, see https://x.y/z on GitHub at v2"
    assert preprocess(text, ("github", "hub")) == "Upload the , see"


class CountingCache(EmbeddingCache):
    """The real cache with a deterministic stand-in model (no weights needed)."""

    def _load_model(self):
        class Model:
            calls = 0

            def encode(self, texts, batch_size, show_progress_bar=True):
                Model.calls += len(texts)
                return np.array([[len(t), t.count("e"), t.count("a")] for t in texts], float)

        return Model()


def test_embedding_cache_embeds_each_text_once_across_runs(tmp_path):
    cache = CountingCache("stand-in", tmp_path)
    cache.embed(["alpha", "beta", "alpha"])
    assert cache.n_embedded == 2
    cache.save()
    again = CountingCache("stand-in", tmp_path)
    vectors = again.embed(["beta", "alpha"])
    assert again.n_embedded == 0 and vectors.shape == (2, 3)
    written = again.path.stat().st_mtime_ns
    again.save()  # nothing new to write
    assert again.path.stat().st_mtime_ns == written


def test_small_groups_have_no_identifiable_topic(tmp_path):
    docs = pd.DataFrame(
        {"platform": "GH", "change_type": "Sharing", "text": ["release one", "release two"]}
    )
    table = topics_table(
        docs, TopicParams(min_documents=5), CountingCache("s", tmp_path), ["Sharing"]
    )
    assert table["terms"].tolist() == [NO_TOPIC, NO_TOPIC]  # GH and HF
    assert table["n_documents"].tolist() == [2, 0]


@pytest.mark.slow
def test_bertopic_finds_the_clusters_with_the_offline_model(tmp_path):
    themes = {
        "tokenizer": "update tokenizer vocabulary special tokens merges {}",
        "readme": "improve readme documentation usage example citation {}",
        "weights": "upload quantized weights checkpoint shards release {}",
    }
    texts = [
        t.format(word)
        for t in themes.values()
        for word in [
            "alpha",
            "bravo",
            "charlie",
            "delta",
            "echo",
            "foxtrot",
            "golf",
            "hotel",
            "india",
            "juliet",
            "kilo",
            "lima",
        ]
    ]
    docs = pd.DataFrame({"platform": "HF", "change_type": "Sharing", "text": texts})
    cache = EmbeddingCache("all-MiniLM-L6-v2", tmp_path)
    table = topics_table(
        docs, TopicParams(min_documents=10, min_cluster_size=5), cache, ["Sharing"]
    )
    hf = table[table["platform"] == "HF"]
    assert len(hf) >= 2 and hf["rank"].tolist()[0] == 1
    joined = " ".join(hf["terms"])
    assert sum(word in joined for word in ("tokenizer", "readme", "weights")) >= 2
    assert cache.n_embedded == len(texts)


def test_embeddings_are_cut_at_max_tokens_and_cached_per_length(tmp_path):
    head = "update the tokenizer configuration file"  # 6 word pieces + [CLS] + [SEP]
    texts = [f"{head} and the model card", f"{head} after the evaluation results"]
    short = EmbeddingCache("all-MiniLM-L6-v2", tmp_path, max_tokens=8)
    a, b = short.embed(texts)
    np.testing.assert_allclose(a, b, atol=1e-6)  # only the shared head was embedded
    full = EmbeddingCache("all-MiniLM-L6-v2", tmp_path, max_tokens=128)
    c, d = full.embed(texts)
    assert not np.allclose(c, d, atol=1e-3)
    short.save(), full.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "all-MiniLM-L6-v2-128.parquet",
        "all-MiniLM-L6-v2-8.parquet",
    ]
