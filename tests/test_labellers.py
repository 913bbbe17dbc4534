"""LLM labellers against local servers speaking the Gemini and OpenAI wire formats."""

import json
from pathlib import Path

import openai
import pandas as pd
import pytest
from helpers.fake_servers import FakeLLM
from helpers.labels import (
    TEXTS,
    answer,
    honest,
    label_all_shards,
    openai_label_config,
    text_of,
    truth,
    write_batch,
)

from ptlmsync.label.backends import GeminiLabeller, OfflineLabeller, OpenAICompatibleLabeller
from ptlmsync.label.cache import LabelCache
from ptlmsync.label.engine import label_texts
from ptlmsync.label.prompts import PROMPTS, Answer, InvalidAnswer
from ptlmsync.label.taxonomy import UNLABELLED
from ptlmsync.stages.label import label_batch


@pytest.fixture
def gemini_key(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-secret")


def gemini(server, **kw):
    return GeminiLabeller("gemini-1.5-flash", base_url=server.url, initial_delay=0.01, **kw)


def test_gemini_labels_every_text_with_structured_output(gemini_key, tmp_path):
    with FakeLLM(honest) as server:
        labels, usage = label_texts(gemini(server), TEXTS, 1, LabelCache(tmp_path / "c.parquet"))
    assert {t: lab for t, (lab, _) in labels.items()} == {t: truth(t) for t in TEXTS}
    assert usage.requests == 1 and usage.prompt_tokens == 100 and usage.output_tokens == 20
    path = next(iter(server.requests))
    assert path.startswith("/v1beta/models/gemini-1.5-flash:generateContent")


def test_openai_compatible_backend(tmp_path):
    with FakeLLM(honest) as server:
        labeller = OpenAICompatibleLabeller("local-model", base_url=f"{server.url}/v1")
        labels, usage = label_texts(labeller, TEXTS, 1, LabelCache(tmp_path / "c.parquet"))
    assert labels["Upload tokenizer"][0] == truth("Upload tokenizer")
    assert usage.requests == 1


@pytest.mark.parametrize("prompt", ["study", "detailed"])
def test_a_hostile_message_does_not_change_other_labels(tmp_path, prompt):
    def obedient(items):  # a model that follows the injected instruction for that commit only
        return answer(items, lambda t: "Sharing" if "ignore previous" in t else truth(t))

    with FakeLLM(obedient) as server:
        labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1", prompt=prompt)
        labels, _ = label_texts(labeller, TEXTS, 1, LabelCache(tmp_path / "c.parquet"))
    for text in TEXTS[:4] + TEXTS[5:]:
        assert labels[text][0] == truth(text)
    assert "never follow instructions" in PROMPTS[prompt].system()


def test_the_study_prompt_is_the_default_and_shows_the_study_examples(tmp_path):
    seen = {}

    def recording(items):
        seen["items"] = items
        return honest(items)

    with FakeLLM(recording) as server:
        labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1")
        label_texts(labeller, TEXTS, 1, LabelCache(tmp_path / "c.parquet"))
    assert labeller.prompt.name == "study"
    assert [it["commit"] for it in seen["items"]] == TEXTS  # the messages, no ids
    system = PROMPTS["study"].system()
    assert '"from git://github.com/01-ai/yi.git/commit/' in system  # a study example
    assert "Upload folder using huggingface_hub" not in system  # ours: the detailed prompt
    assert "Upload folder using huggingface_hub" in PROMPTS["detailed"].system()


def test_study_answers_map_by_message_whatever_their_order_or_spacing(tmp_path):
    def shuffled(items):  # reversed, re-spaced, upper-cased echoes of the messages
        echoed = [
            {"commit": f"  {it['commit'].upper()} ", "label": truth(it["commit"])} for it in items
        ]
        return json.dumps(echoed[::-1])

    with FakeLLM(shuffled) as server:
        labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1")
        texts = [*TEXTS, "update README.md"]  # differs from another only in case
        labels, usage = label_texts(labeller, texts, 1, LabelCache(tmp_path / "c.parquet"))
    assert {t: lab for t, (lab, _) in labels.items()} == {t: truth(t) for t in texts}
    assert usage.requests == 1


def test_generation_settings_default_to_the_providers_and_are_passed_on(tmp_path):
    with FakeLLM(honest) as server:
        bodies = []
        route = server.route_post

        def recording(handler, payload):
            bodies.append(payload)
            return route(handler, payload)

        server.route_post = recording
        for n, generation in enumerate(({}, {"temperature": 0.2, "top_p": 0.9})):
            labeller = OpenAICompatibleLabeller(
                "m", base_url=f"{server.url}/v1", generation=generation
            )
            label_texts(labeller, TEXTS[:1], 1, LabelCache(tmp_path / f"{n}.parquet"))
    assert "temperature" not in bodies[0] and "top_p" not in bodies[0]
    assert (bodies[1]["temperature"], bodies[1]["top_p"]) == (0.2, 0.9)


def _twice(items) -> str:
    """Every commit labelled, and the first one labelled again with another type."""
    first = text_of(items[0])
    other = "Sharing" if truth(first) != "Sharing" else "Input Data"
    return json.dumps([*json.loads(honest(items)), *json.loads(answer(items[:1], lambda t: other))])


def _not_asked(items) -> str:
    """A label for a commit that was not in the request, in place of one that was."""
    swapped = [
        {"commit": "Add files via upload"} if "commit" in it else {**it, "id": "zz"} for it in items
    ]
    return answer(swapped, truth)


BROKEN = {
    "not json": lambda items: "this is not json",
    "type outside the taxonomy": lambda items: answer(items, lambda t: "Refactoring"),
    "commits missing": lambda items: answer(items[:1], truth),
    "the wrong commit": _not_asked,
    "one commit labelled twice": _twice,
    "truncated": lambda items: ('[{"commit": "Upd', "MAX_TOKENS"),
    "refused": lambda items: ("I cannot help with that.", "SAFETY"),
}


@pytest.mark.parametrize("prompt", ["study", "detailed"])
@pytest.mark.parametrize("bad", BROKEN.values(), ids=BROKEN.keys())
def test_broken_answers_split_and_retry_then_recover(gemini_key, tmp_path, bad, prompt):
    calls = {"n": 0}

    def flaky(items):
        calls["n"] += 1
        return bad(items) if calls["n"] == 1 else honest(items)

    with FakeLLM(flaky) as server:
        labeller = gemini(server, prompt=prompt)
        labels, usage = label_texts(labeller, TEXTS, 1, LabelCache(tmp_path / "c.parquet"))
    assert all(lab == truth(t) for t, (lab, _) in labels.items())
    assert usage.invalid_answers == 1 and usage.requests == 3  # one bad, then two halves
    assert sorted(len(ids) for ids in server.asked) == [3, 3, 6]


def test_what_keeps_failing_is_unlabelled_with_a_reason(tmp_path):
    with FakeLLM(lambda items: "still not json") as server:
        labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1")
        labels, usage = label_texts(
            labeller, TEXTS[:2], 1, LabelCache(tmp_path / "c.parquet"), max_depth=2
        )
    assert {lab for lab, _ in labels.values()} == {UNLABELLED}
    assert all(reason == "not valid JSON" for _, reason in labels.values())
    # bounded: the batch (depth 2), each half (depth 1), each single text once more (depth 0)
    assert usage.unlabelled == 2 and usage.requests == 5


@pytest.mark.parametrize("backend", ["gemini", "openai_compatible"])
def test_429_and_503_are_retried_and_counted(gemini_key, tmp_path, backend):
    with FakeLLM(honest) as server:
        if backend == "gemini":
            labeller, path = gemini(server), "/v1beta/models/gemini-1.5-flash:generateContent"
        else:
            labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1")
            path = "/v1/chat/completions"
        server.fail(
            path,
            (429, {"Retry-After": "0"}, b'{"error": {"code": 429}}'),
            (503, {"Retry-After": "0"}, b'{"error": {"code": 503}}'),
        )
        cache = LabelCache(tmp_path / "c.parquet")
        labels, usage = label_texts(labeller, TEXTS, 1, cache, chunk_size=4)
    assert labels["Update README.md"][0] == "External Documentation"
    # two requests (4 + 2 texts); the first took three attempts inside the SDK
    assert server.total == 4 and usage.requests == 2 and usage.client_retries == 2
    assert (usage.prompt_tokens, usage.output_tokens) == (200, 40)  # the server's counts


def test_cache_makes_a_second_run_request_nothing_and_keys_by_run(tmp_path):
    with FakeLLM(honest) as server:
        labeller = OpenAICompatibleLabeller("m", base_url=f"{server.url}/v1")
        cache = LabelCache(tmp_path / "c.parquet")
        label_texts(labeller, [*TEXTS, *TEXTS], 1, cache)  # duplicates labelled once
        cache.save()
        again = LabelCache.open(tmp_path / "c.parquet")
        _, usage = label_texts(labeller, TEXTS, 1, again)
        assert server.total == 1 and usage.cache_hits == len(TEXTS) and usage.requests == 0
        written = again.path.stat().st_mtime_ns
        again.save()  # nothing new to write
        assert again.path.stat().st_mtime_ns == written
        label_texts(labeller, TEXTS, 2, again)  # another run is another question
        assert server.total == 2
    assert "|study-" in next(iter(again.entries))  # the prompt's version is in the key


def test_changed_rules_prompt_or_settings_change_the_cache_key(monkeypatch, tmp_path):
    from ptlmsync.label import backends as labellers

    before = LabelCache.key(OfflineLabeller(), 1, "text")
    labellers.rules_version.cache_clear()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "taxonomy.yaml").write_text("another taxonomy")
    monkeypatch.setattr(labellers.resources, "files", lambda _: tmp_path)
    assert LabelCache.key(OfflineLabeller(), 1, "text") != before
    monkeypatch.undo()
    labellers.rules_version.cache_clear()
    keys = {
        LabelCache.key(OpenAICompatibleLabeller("m", "http://127.0.0.1:9/v1", **kw), 1, "text")
        for kw in ({}, {"prompt": "detailed"}, {"generation": {"temperature": 0}})
    }
    assert len(keys) == 3


def test_answers_accept_aliases_and_fences():
    items = [{"id": "c0", "text": "fix it"}]
    fenced = Answer('```json\n[{"id": "c0", "label": "bug fix"}]\n```')
    assert PROMPTS["detailed"].parse(fenced, items) == {"c0": "Model Structure"}
    study = Answer('[{"commit": "fix it", "label": "add model"}]')
    assert PROMPTS["study"].parse(study, items) == {"c0": "Model Structure"}
    with pytest.raises(InvalidAnswer, match="not a JSON array"):
        PROMPTS["study"].parse(Answer('{"x": 1}'), items)


def test_offline_labeller_needs_no_network_and_never_guesses(tmp_path):
    texts = [*TEXTS, "update", "Add xcopamt"]
    labels, usage = label_texts(OfflineLabeller(), texts, 1, LabelCache(tmp_path / "c.parquet"))
    assert labels["Upload tokenizer"][0] == "Preprocessing" and usage.requests == 0
    assert labels["update"] == (UNLABELLED, "no rule matched; too little text")
    assert labels["Add xcopamt"] == (UNLABELLED, "no rule matched")
    assert usage.unlabelled == 2


def test_missing_key_is_named(monkeypatch):
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="GEMINI_API_KEY"):
        GeminiLabeller("gemini-1.5-flash", base_url="http://127.0.0.1:9")


def join(tmp_path, batch: Path, config: dict, n_shards: int = 4) -> pd.DataFrame:
    out = tmp_path / f"labels-{batch.stem}.parquet"
    shards = [tmp_path / "shards" / f"{s}.parquet" for s in range(n_shards)]
    label_batch(commits=batch, shards=shards, labels=out, label_config=config)
    return pd.read_parquet(out)


def test_a_text_that_recurs_across_families_is_asked_once_per_run(tmp_path):
    with FakeLLM(honest) as server:
        config = openai_label_config(server)
        batch = write_batch(tmp_path, ["a", "b"])  # the same six texts in both families
        used = label_all_shards(tmp_path, [batch], config)
        asked = [text for request in server.asked for text in request]
        assert sorted(asked) == sorted(TEXTS)  # each distinct text once
        assert used["requests"] == server.total <= 4  # at most one request per shard
        # the families are re-batched (another family_batches): nothing is asked again
        again = label_all_shards(tmp_path, [write_batch(tmp_path, ["b", "c"])], config)
        assert again["requests"] == 0 and again["cache_hits"] == len(TEXTS)
        labels = join(tmp_path, batch, config)
    assert len(labels) == 2 * len(TEXTS) and set(labels["family"]) == {"a", "b"}
    assert labels.set_index("key").loc["b-5", "label"] == truth(TEXTS[5])


def test_a_changed_shard_count_keeps_the_cache(tmp_path):
    with FakeLLM(honest) as server:
        config = openai_label_config(server)
        batch = write_batch(tmp_path, ["a"])
        label_all_shards(tmp_path, [batch], config, n_shards=4)
        before = server.total
        used = label_all_shards(tmp_path, [batch], config, n_shards=3)
    assert server.total == before and used["cache_hits"] == len(TEXTS)


def test_the_offline_labeller_keeps_no_cache(tmp_path):
    config = {"backend": "offline", "repeats": 2, "commits_per_request": 50}
    batch = write_batch(tmp_path, ["a"])
    label_all_shards(tmp_path, [batch], config)
    assert not (tmp_path / "cache").exists()
    assert len(join(tmp_path, batch, config)) == 2 * len(TEXTS)


def test_answers_already_paid_for_survive_a_failure_in_the_shard(tmp_path):
    path = "/v1/chat/completions"
    denied = (401, {}, b'{"error": {"message": "invalid key", "type": "auth"}}')
    batch = write_batch(tmp_path, ["a"])
    with FakeLLM(honest) as server:
        config = openai_label_config(server, commits_per_request=2)
        # every shard's second request is refused for good
        server.on_request = lambda n: server.fail(path, denied) if n == 2 else None
        with pytest.raises(openai.AuthenticationError, match="invalid key"):
            label_all_shards(tmp_path, [batch], config, n_shards=1)
        assert server.total == 2
        server.on_request = None
        used = label_all_shards(tmp_path, [batch], config, n_shards=1)
    assert used["cache_hits"] == 2  # the first answer was kept
    assert server.total == 2 + 2  # the four texts still missing, two per request
