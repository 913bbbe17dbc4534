"""huggingface_hub against a local server speaking the Hub's wire format."""

import pandas as pd
import pytest
from helpers.fake_servers import FakeHub, hf_commit, hub_model

from ptlmsync.crawl.http_cache import RawCache
from ptlmsync.crawl.hub import fetch_card, hf_api, hf_commits, hf_endpoint, select_models

MODELS = [
    hub_model(
        "acme/bert-small", 90_000, 3, "fill-mask", created="2023-01-01", modified="2024-01-01"
    ),
    hub_model("acme/vision", 80_000, 1, "image-classification", "timm", "2023-01-01", "2024-01-01"),
    hub_model("lab/gpt-tiny", 20_000, created="2023-05-01"),
    hub_model("lab/unpopular", 5, created="2023-05-01"),
    hub_model("lab/never-listed", 1, created="2023-05-01"),
]


@pytest.fixture
def hub():
    server = FakeHub(
        MODELS,
        cards={"acme/bert-small": "Code: https://github.com/acme/bert"},
        commits={"acme/bert-small": [hf_commit(i) for i in range(5)], "lab/gpt-tiny": []},
    )
    yield server
    server.close()


def test_selection_stops_at_the_download_threshold(hub, tmp_path):
    api = hf_api(hub.url, RawCache(tmp_path))
    models, _ = select_models(api, ["fill-mask", "text-generation"], min_downloads=10_000)
    assert models["model_id"].tolist() == ["acme/bert-small", "lab/gpt-tiny"]
    assert models["created_at"][0] == pd.Timestamp("2023-01-01", tz="UTC")
    # pages of 2: the second page reaches downloads < 10,000, the third is never asked for
    assert hub.total == 2


def test_cards_and_commits_with_pagination_and_statuses(hub, tmp_path):
    api = hf_api(hub.url, RawCache(tmp_path))
    assert "github.com/acme/bert" in fetch_card(api, "acme/bert-small")
    assert fetch_card(api, "lab/gpt-tiny") is None
    commits, status, _ = hf_commits(api, "acme/bert-small")
    assert status == "ok" and len(commits) == 5 and commits["commit_id"].is_unique
    assert commits["authors"].tolist() == ["alice"] * 5
    assert hf_commits(api, "lab/gpt-tiny")[1] == "no_commits"
    assert hf_commits(api, "lab/deleted")[1] == "not_found"


def test_a_rerun_makes_no_request(hub, tmp_path):
    cache = RawCache(tmp_path)
    api = hf_api(hub.url, cache)
    hf_commits(api, "acme/bert-small")
    fetch_card(api, "acme/bert-small")
    before = hub.total
    again = hf_api(hub.url, RawCache(tmp_path))
    commits, status, _ = hf_commits(again, "acme/bert-small")
    fetch_card(again, "acme/bert-small")
    assert hub.total == before and len(commits) == 5 and status == "ok"


def test_5xx_bursts_429_and_truncated_json_are_retried(hub, tmp_path):
    path = "/api/models/acme/bert-small/commits/main"
    hub.fail(
        path,
        (503, {}, b"busy"),
        (500, {}, b"oops"),
        (429, {"Retry-After": "0"}, b"slow down"),
        (200, {}, b'[{"id": "abc", "ti'),
    )
    commits, status, _ = hf_commits(hf_api(hub.url, RawCache(tmp_path)), "acme/bert-small")
    assert status == "ok" and len(commits) == 5


def test_endpoint_comes_from_config_then_environment(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.local/")
    assert hf_endpoint(None) == "http://mirror.local"
    assert hf_endpoint("http://hub.example") == "http://hub.example"
    monkeypatch.delenv("HF_ENDPOINT")
    assert hf_endpoint(None) == "https://huggingface.co"


def test_gated_and_unauthorized_models_get_a_status(hub, tmp_path):
    path = "/api/models/acme/bert-small/commits/main"
    hub.fail(
        path,
        (
            401,
            {"X-Error-Code": "GatedRepo", "X-Error-Message": "gated"},
            b'{"error": "Access to model acme/bert-small is restricted"}',
        ),
    )
    assert hf_commits(hf_api(hub.url, RawCache(tmp_path)), "acme/bert-small")[1] == "gated"
    hub.fail(path, (403, {}, b'{"error": "private"}'))
    status = hf_commits(hf_api(hub.url, RawCache(tmp_path / "b")), "acme/bert-small")[1]
    assert status == "unauthorized"


def test_a_refused_card_marks_the_model_unauthorized_and_selection_goes_on(hub, tmp_path):
    from ptlmsync.crawl.hub import CardRefused
    from ptlmsync.stages.crawl import select_models

    card = "/lab/gpt-tiny/raw/main/README.md"
    hub.fail(card, (401, {}, b"Invalid username or password."))
    with pytest.raises(CardRefused, match="lab/gpt-tiny"):
        fetch_card(hf_api(hub.url, RawCache(tmp_path / "direct")), "lab/gpt-tiny")
    hub.fail(card, (401, {}, b"Invalid username or password."))
    crawl = {
        "hf_endpoint": hub.url,
        "nlp_pipeline_tags": ["fill-mask", "text-generation"],
        "min_downloads": 10_000,
        "manual_links": None,
    }
    out = {name: tmp_path / name for name in ("m.csv", "l.csv", "f.csv", "e.json", "r.csv")}
    families = select_models(crawl, [], tmp_path / "raw", *out.values())
    links = pd.read_csv(out["l.csv"]).set_index("model_id")
    assert links.loc["lab/gpt-tiny", "decision"] == "unauthorized"
    assert links.loc["acme/bert-small", "decision"] == "linked"
    assert families["family"].tolist() == ["acme__bert"]


def test_a_malformed_listing_entry_is_skipped_and_the_rest_used(tmp_path, caplog):
    models = [
        hub_model("acme/bert-small", 90_000, 3, "fill-mask"),
        {**hub_model("odd/model", 50_000), "downloads": "lots"},
        hub_model("../../etc", 40_000),
        hub_model("lab/gpt-tiny", "20000", likes="7"),
    ]
    with FakeHub(models, cards={}, commits={}, presorted=True) as server:
        api = hf_api(server.url, RawCache(tmp_path))
        selected, rejected = select_models(
            api, ["fill-mask", "text-generation"], min_downloads=10_000
        )
    assert selected["model_id"].tolist() == ["acme/bert-small", "lab/gpt-tiny"]
    assert rejected[["record", "field", "action"]].values.tolist() == [
        ["odd/model", "downloads", "dropped"],
        ["../../etc", "id", "dropped"],
    ]
    assert selected["downloads"].tolist() == [90_000, 20_000]
    assert selected["likes"].tolist() == [3, 7]
    assert "odd/model" in caplog.text and "'lots'" in caplog.text


def test_links_that_differ_only_in_case_make_one_family(tmp_path):
    from ptlmsync.stages.crawl import select_models

    models = [hub_model(f"EleutherAI/pythia-{s}", d) for s, d in (("1b", 90_000), ("2b", 80_000))]
    models.append(hub_model("EleutherAI/pythia-3b", 70_000))
    cards = {
        "EleutherAI/pythia-1b": "https://github.com/EleutherAI/pythia",
        "EleutherAI/pythia-2b": "Code: https://GitHub.com/eleutherai/Pythia",
        "EleutherAI/pythia-3b": "[repo](https://github.com/EleutherAI/pythia/tree/main)",
    }
    crawl = {
        "nlp_pipeline_tags": ["text-generation"],
        "min_downloads": 10_000,
        "manual_links": None,
    }
    out = {name: tmp_path / name for name in ("m.csv", "l.csv", "f.csv", "e.json", "r.csv")}
    with FakeHub(models, cards=cards, commits={}) as server:
        families = select_models(
            {**crawl, "hf_endpoint": server.url}, [], tmp_path / "raw", *out.values()
        )
    assert families[["family", "github_repo", "n_models"]].values.tolist() == [
        ["EleutherAI__pythia", "EleutherAI/pythia", 3]
    ]
    assert set(pd.read_csv(out["l.csv"])["github_repo"]) == {"EleutherAI/pythia"}
