"""Topic extraction: preprocessing, the embedding cache, BERTopic on clear clusters."""

import json

import numpy as np
import pandas as pd
import pytest

from ptlmsync.topic_text import author_words, topic_text
from ptlmsync.topics import (
    NO_TOPIC,
    EmbeddingCache,
    TopicParams,
    npmi_coherence,
    topics_table,
    with_topic_text,
)

#: Commit texts (cleaned: white space collapsed) and their topic text, written by hand.
CORPUS = {
    "Merge pull request #123 from sanyuanchen/fix-azure-links Fix Azure links in README": (
        "fix azure links readme"
    ),
    "Add tokenizer support PiperOrigin-RevId: 612345678": "add tokenizer support",
    "Update config Signed-off-by: Jane Doe <jane@example.com> Co-authored-by: Bob <b@x.org>": (
        "update config"
    ),
    "Merge branch 'main' into feature/fastTokenizer": "",
    "Merge remote-tracking branch 'origin/dev'": "",
    "fixAzureLinks for model_v2 (see https://github.com/a/b) commit 3f2a9c1d": (
        "fix azure links for model see commit"
    ),
    "Update pytorch_model.bin and config.json Change-Id: I8e1f0a": "update and",
    "Upload folder using huggingface_hub": "upload folder using",
    "stsnli-quora_reranker/msmarco-distillation (#42)": (
        "stsnli quora reranker msmarco distillation"
    ),
    "Speed up decoding Summary: cache the keys Test Plan: ran it Reviewed By: jdoe "
    "Differential Revision: D123 fbshipit-source-id: 9f0e1d2": "speed decoding cache the keys",
}


@pytest.mark.parametrize("text", CORPUS)
def test_topic_text_drops_trailers_merges_hashes_numbers_and_splits_glued_words(text):
    drop = frozenset({"huggingface", "hub"})
    assert topic_text(text, drop) == CORPUS[text]


def test_the_familys_author_names_and_logins_are_removed():
    authors = author_words(["Hyunseok I", "hyunseoki", "weyaaron", None])
    assert authors == {"hyunseok", "hyunseoki", "weyaaron"}
    assert topic_text("hyunseoki updated the weights thanks weyaaron", authors) == (
        "updated the weights thanks"
    )


def test_topic_text_of_each_commit_uses_its_own_familys_authors():
    docs = pd.DataFrame(
        {
            "family": ["a", "b"],
            "author": ["komeili", "mojtaba"],
            "text": ["komeili tuned mojtaba", "komeili tuned mojtaba"],
        }
    )
    docs = with_topic_text(docs, TopicParams(platform_words=()))
    assert docs["doc"].tolist() == ["tuned mojtaba", "komeili tuned"]


def test_npmi_coherence_of_terms_that_always_or_never_co_occur():
    texts = ["update tokenizer vocab", "tokenizer vocab merges", "readme usage citation"]
    # tokenizer and vocab share both of their texts: P(t, v) = P(t) = P(v) = 2/3, so
    # PMI = log(1 / (2/3)) and NPMI = PMI / -log(2/3) = 1; tokenizer and readme never meet
    together, apart, unknown = npmi_coherence(
        [["tokenizer", "vocab"], ["tokenizer", "readme"], ["tokenizer", "absent"]], texts
    )
    assert together == pytest.approx(1.0, abs=1e-6)
    assert apart < -0.9
    assert np.isnan(unknown)  # one known term: no pair to score


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
    assert table["n_commits"].tolist() == [2, 0]


def test_the_minimum_topic_size_scales_with_the_group():
    params = TopicParams(min_cluster_size=5, min_topic_share=0.01)
    assert params.min_topic_size(100) == 5 and params.min_topic_size(20_000) == 200
    assert params.min_topic_size(501) == 6  # ceil(5.01)


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
    # ranked by the commits they cover; shares of the group's commits; real messages
    assert hf["n_commits"].is_monotonic_decreasing and (hf["n_commits"] >= 5).all()
    covered = hf["percent"].sum() + hf["group_outlier_percent"].iloc[0]
    assert covered == pytest.approx(100, abs=0.1)
    first = hf.iloc[0]
    assert first["examples"] and all(e.strip() in texts for e in first["examples"].split(" | "))
    assert -1 <= first["coherence"] <= 1 and not np.isnan(first["group_coherence"])


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


ONNX_TEXTS = [
    "Update README.md",
    "Fix attention mask bug in the decoder when the batch has padding on the left",
    "Upload tokenizer",
    "bump transformers",
    "",
]


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "least_cosine"), [("onnx", 0.9999), ("onnx-int8", 0.95)])
def test_the_onnx_backends_give_the_vectors_of_sentence_transformers(
    tmp_path, backend, least_cosine
):
    reference = EmbeddingCache("all-MiniLM-L6-v2", tmp_path).embed(ONNX_TEXTS)
    onnx = EmbeddingCache("all-MiniLM-L6-v2", tmp_path, backend=backend)
    vectors = onnx.embed(ONNX_TEXTS)
    cosine = (vectors * reference).sum(axis=1) / (
        np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1)
    )
    assert vectors.shape == reference.shape and cosine.min() > least_cosine
    assert onnx.path != EmbeddingCache("all-MiniLM-L6-v2", tmp_path).path  # vectors differ
    onnx.save()
    exported = tmp_path / "onnx" / f"all-MiniLM-L6-v2-{backend}.onnx"
    made = exported.stat().st_mtime_ns
    # a new cache exports nothing again, and a cached text needs no model at all
    again = EmbeddingCache("all-MiniLM-L6-v2", tmp_path, backend=backend)
    assert np.allclose(again.embed(ONNX_TEXTS[:2]), vectors[:2]) and again._model is None
    again.embed(["a text not seen"])
    assert exported.stat().st_mtime_ns == made


def test_the_onnx_backends_refuse_a_model_that_does_not_pool_by_the_mean(tmp_path):
    from ptlmsync.onnx_encoder import check_mean_pooling

    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    pooling = {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(ValueError, match=r"topics\.embedding_backend.*mean pooling"):
        check_mean_pooling(tmp_path)
    pooling["pooling_mode_mean_tokens"] = True
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert check_mean_pooling(tmp_path) is False  # mean pooling, no Normalize module
