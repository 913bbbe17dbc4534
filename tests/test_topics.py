"""Topic extraction: preprocessing, the embedding cache, BERTopic on clear clusters."""

import json

import numpy as np
import pandas as pd
import pytest

from ptlmsync.topic_text import author_words, topic_text
from ptlmsync.topics import (
    NO_TOPIC,
    TOPIC_COLUMNS,
    EmbeddingCache,
    TopicParams,
    cluster_labels,
    group_topics,
    matched_share,
    npmi_coherence,
    seed_ari,
    seed_stability,
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


def test_a_familys_own_name_is_removed_from_its_commits_only():
    docs = pd.DataFrame(
        {
            "family": ["acme__tundra-lm", "other__model"],
            "author": ["ann", "bob"],
            "text": ["tundra tokenizer for acme", "tundra tokenizer for acme"],
        }
    )
    docs = with_topic_text(docs, TopicParams(platform_words=()))
    # "lm" is under three letters: gone as every short word is
    assert docs["doc"].tolist() == ["tokenizer for", "tundra tokenizer for acme"]


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


def test_the_matched_share_of_each_topic_worked_out_by_hand():
    # fit A: topic 0 = documents 0-3, topic 1 = documents 4-6, outliers 7-8
    assigned = [0, 0, 0, 0, 1, 1, 1, -1, -1]
    # fit B: topic 5 = documents 0-2 and 7 (3 of topic 0's 4, document 3 an outlier):
    # Jaccard 3 / (4 + 4 - 3) = 0.6; topic 1 goes to topics 7 and 8 (one document each)
    # and the outliers: best 1 / (3 + 1 - 1) = 1/3
    other = [5, 5, 5, -1, 7, 8, -1, 5, -1]
    assert matched_share(assigned, other) == {0: 0.6, 1: pytest.approx(1 / 3)}
    # lumped into one topic, each half keeps all its documents but matches half:
    # 2 / (2 + 4 - 2) = 0.5 (the share of its own documents alone would say 1)
    assert matched_share([0, 0, 1, 1], [0, 0, 0, 0]) == {0: 0.5, 1: 0.5}
    # the other fit's outliers match nothing, however many share the label -1
    assert matched_share([0, 0, 0], [-1, -1, -1]) == {0: 0.0}
    # topic numbers do not matter, only who is with whom
    assert matched_share([0, 0, 1, 1], [1, 1, 0, 0]) == {0: 1.0, 1: 1.0}
    # an empty group, and a group of outliers only: no topic to score
    assert matched_share([], []) == {} and matched_share([-1, -1], [0, 0]) == {}


def test_adjusted_rand_index_between_fits_worked_out_by_hand():
    # contingency of A = [0, 0, 1, 1] against B = [0, 0, 1, -1] (-1 a label of its own):
    # pairs together in both: C(2,2) = 1; in A: 2 x C(2,2) = 2; in B: C(2,2) = 1; of
    # C(4,2) = 6 pairs. Expected 2 x 1 / 6 = 1/3, maximum (2 + 1) / 2 = 3/2, so
    # ARI = (1 - 1/3) / (3/2 - 1/3) = 4/7
    assert seed_ari([0, 0, 1, 1], [0, 0, 1, -1]) == pytest.approx(4 / 7)
    assert seed_ari([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0  # the same partition
    assert seed_ari([-1, -1, -1], [-1, -1, -1]) == 1.0  # all outliers in both: agreed
    assert np.isnan(seed_ari([], []))  # an empty group: undefined
    # several extra seeds: the mean of each measure over them; none: not measured
    # topic 1 against [1, -1]: 1 / (2 + 1 - 1) = 0.5, against the same partition 1
    ari, kept = seed_stability([0, 0, 1, 1], [[0, 0, 1, -1], [1, 1, 0, 0]])
    assert ari == pytest.approx((4 / 7 + 1) / 2) and kept == {0: 1.0, 1: 0.75}
    ari, kept = seed_stability([0, 0, 1, 1], [])
    assert np.isnan(ari) and kept == {}


def test_the_stability_seeds_must_differ_from_the_seed():
    assert TopicParams(stability_seeds=[43, 44]).stability_seeds == (43, 44)  # YAML list
    with pytest.raises(ValueError, match=r"topics\.stability_seeds"):
        TopicParams(seed=42, stability_seeds=[42])


def test_a_text_of_several_groups_is_embedded_once_in_one_pass(tmp_path, monkeypatch):
    import ptlmsync.topics as topics

    shared = [f"release version {w}" for w in ("one", "two", "three", "four", "five")]
    docs = pd.DataFrame(
        {
            "platform": ["GH"] * 5 + ["HF"] * 5 + ["GH"] * 2,
            "change_type": ["Sharing"] * 10 + ["Input Data"] * 2,
            "text": [*shared, *shared, "tiny group one", "tiny group two"],
        }
    )
    batches = []

    class OneCallCache(CountingCache):
        def _load_model(self):
            model = super()._load_model()
            encode = model.encode
            model.encode = lambda texts, **kw: batches.append(list(texts)) or encode(texts, **kw)
            return model

    def embed_only(group, params, cache):  # the groups' own look-ups, without BERTopic
        if group["doc"].nunique() >= params.min_documents:
            cache.embed(group["doc"].drop_duplicates().tolist())
        return []

    monkeypatch.setattr(topics, "group_rows", embed_only)
    cache = OneCallCache("s", tmp_path)
    topics_table(docs, TopicParams(min_documents=5), cache, ["Sharing", "Input Data"])
    # GH and HF Sharing share their texts: one model call, each text once; the 2-text
    # group gets no topics, so its texts are not embedded
    assert batches == [shared] and cache.n_embedded == 5


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
    # stability (one extra seed by default): a share per topic, an ARI per group
    assert list(table.columns) == TOPIC_COLUMNS
    assert hf["stability"].between(0, 1).all() and hf["group_seed_ari"].between(-1, 1).all()
    assert (hf["stable"] == (hf["stability"] >= 0.75)).all()
    # the extra fits are BERTopic's partition: with the run's own seed, the same one
    params = TopicParams(min_documents=10, min_cluster_size=5)
    distinct = with_topic_text(docs, params)["doc"].drop_duplicates().tolist()
    vectors = cache.embed(distinct)
    found = group_topics(distinct, vectors, params)
    assert seed_ari(found["assigned"], cluster_labels(vectors, params, params.seed)) == 1.0
    # switched off: the columns stay, empty
    off = topics_table(
        docs,
        TopicParams(min_documents=10, min_cluster_size=5, stability_seeds=()),
        cache,
        ["Sharing"],
    )
    assert off[["stability", "stable", "group_seed_ari"]].isna().all().all()
    assert off["terms"].tolist() == table["terms"].tolist()  # the topics themselves agree


@pytest.mark.slow  # loads the real MiniLM model (PyTorch)
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


def test_the_paper_counts_the_stable_topics_and_marks_the_others(tmp_path):
    from ptlmsync import outputs
    from ptlmsync.numbers import topic_numbers
    from ptlmsync.paper import table_text

    table = pd.DataFrame(
        {
            "platform": ["GH", "GH", "GH", "HF"],
            "change_type": ["Sharing", "Sharing", "Input Data", "Sharing"],
            "rank": [1, 2, 1, 0],
            "terms": ["release, version", "upload, weights", "dataset, split", NO_TOPIC],
            "percent": [50.0, 20.0, 40.0, np.nan],
            "coherence": [0.1, 0.2, 0.3, np.nan],
            "stability": [0.9, 0.5, 0.6, np.nan],
            "stable": [True, False, False, None],
            "group_seed_ari": [0.7, 0.7, 0.2, np.nan],
            "examples": ["Release v1", "Upload", "Split data", ""],
        }
    ).reindex(columns=TOPIC_COLUMNS)
    config = {"embedding_model": "m", "embedding_backend": "torch", "stable_share": 0.8}
    numbers = topic_numbers({**config, "stability_seeds": [43]}, table)
    assert numbers["stability_measured"] and numbers["stable_percent"] == 80.0
    assert (numbers["n_topics"], numbers["n_stable"], numbers["percent_stable"]) == (3, 1, 33.3)
    assert (numbers["n_largest"], numbers["n_largest_stable"]) == (2, 1)
    # one ARI per group (GH Sharing 0.7, GH Input Data 0.2; HF Sharing has none)
    assert (numbers["seed_ari_min"], numbers["seed_ari_median"], numbers["seed_ari_max"]) == (
        0.2,
        0.45,
        0.7,
    )
    off = topic_numbers({**config, "stability_seeds": []}, table)
    assert not off["stability_measured"] and off["n_stable"] is None
    table.to_csv(tmp_path / "topics.csv", index=False)
    shown = table_text(tmp_path / "topics.csv", outputs.table("topics").paper)
    assert "| 0.90 " in shown and "| 0.60 † " in shown and "0.50" not in shown  # rank 1 only
