"""Malformed platform records are repaired or dropped one by one (README, "Live crawl"):
the good commits around them are kept, and every repair and drop is recorded."""

import pandas as pd
import pytest
from helpers.fake_servers import (
    FakeGitHub,
    FakeHub,
    crawl_config,
    gh_commit,
    hf_commit,
    hub_model,
)
from helpers.git import api_items_of, build_remote, empty_remote

from ptlmsync.crawl.gitlog import clone_bare, read_log
from ptlmsync.crawl.records import (
    REJECTED_COLUMNS,
    RecordChecker,
    count_actions,
    gh_row,
    hf_row,
    no_rejections,
)
from ptlmsync.numbers import crawl_numbers
from ptlmsync.schemas import read_gh_commits, read_hf_commits
from ptlmsync.stages.crawl import check_parts_match_models, crawl_all


def bad_hf_commits() -> list:
    commits = [hf_commit(i, day=i + 1) for i in range(8)]
    commits[2]["date"] = None  # repaired: kept undated
    commits[3]["authors"] = "bob"  # repaired: one author
    commits[4]["title"] = 12345  # repaired: "12345"
    del commits[5]["id"]  # dropped: no commit id
    commits[6] = "not a commit"  # dropped: not an object
    return commits


def bad_gh_commits() -> list:
    commits = [gh_commit(i, day=1 + i % 28) for i in range(32)]
    commits[1]["author"] = "alice"  # repaired: login unknown, the author's name is used
    commits[2]["commit"]["message"] = 12345  # repaired: "12345"
    commits[3]["commit"]["message"] = {"text": "x"}  # dropped: not text
    commits[31]["sha"] = commits[0]["sha"]  # dropped: repeated sha
    return commits


def test_one_listing_by_hand():
    check = RecordChecker("HF", "acme/bert-small")
    for position, item in enumerate(bad_hf_commits()):
        check.add(position, item, hf_row("acme/bert-small"))
    kept = pd.DataFrame(check.rows)
    assert kept["commit_id"].tolist() == [f"{i:040x}" for i in (0, 1, 2, 3, 4, 7)]
    assert kept["date"].isna().tolist() == [False, False, True, False, False, False]
    assert kept.loc[3, "authors"] == "bob" and kept.loc[4, "title"] == "12345"
    rejected = check.rejected()
    assert rejected[["record", "field", "action"]].values.tolist() == [
        [f"{2:040x}", "date", "repaired"],
        [f"{3:040x}", "authors", "repaired"],
        [f"{4:040x}", "title", "repaired"],
        ["#5", "id", "dropped"],
        ["#6", "", "dropped"],
    ]


def test_github_records_by_hand():
    check = RecordChecker("GH", "acme/bert")
    for position, item in enumerate(bad_gh_commits()):
        check.add(position, item, gh_row("acme/bert"))
    kept = pd.DataFrame(check.rows)
    assert len(kept) == 30
    assert kept.loc[1, "author"] == "Alice A" and kept.loc[2, "message"] == "12345"
    assert check.rejected()[["record", "action"]].values.tolist() == [
        [f"{1:040x}", "repaired"],
        [f"{2:040x}", "repaired"],
        [f"{3:040x}", "dropped"],
        [f"{0:040x}", "dropped"],  # the repeated sha, named by the id it repeats
    ]


def test_a_crawl_keeps_every_good_record_and_records_the_bad_ones(tmp_path):
    models = [hub_model("acme/bert-small", 90_000), hub_model("acme/bert-large", 80_000)]
    cards = {m["id"]: "https://github.com/acme/bert" for m in models}
    commits = {"acme/bert-small": bad_hf_commits(), "acme/bert-large": [hf_commit(50)]}
    with (
        FakeHub(models, cards, commits, page_size=3) as hub,
        FakeGitHub({"acme/bert": bad_gh_commits()}) as github,
    ):
        snapshot = crawl_all(crawl_config(hub, github), [], tmp_path)
    hf = read_hf_commits(snapshot / "hf_commits.parquet")  # the stage contract holds
    gh = read_gh_commits(snapshot / "gh_commits.parquet")
    assert hf.groupby("model_id").size().to_dict() == {"acme/bert-large": 1, "acme/bert-small": 6}
    assert len(gh) == 30
    status = pd.read_csv(tmp_path / "status.csv").set_index("target")
    assert status["status"].tolist() == ["ok", "ok", "ok"]  # never "error"
    assert status.loc["acme/bert-small", ["n_commits", "n_dropped", "n_repaired"]].tolist() == [
        6,
        2,
        3,
    ]
    assert status.loc["acme/bert", ["n_commits", "n_dropped", "n_repaired"]].tolist() == [30, 2, 2]
    rejected = pd.read_csv(tmp_path / "rejected.csv")
    assert rejected.groupby(["target", "action"]).size().to_dict() == {
        ("acme/bert", "dropped"): 2,
        ("acme/bert", "repaired"): 2,
        ("acme/bert-small", "dropped"): 2,
        ("acme/bert-small", "repaired"): 3,
    }


def test_a_part_from_an_older_selection_is_refused():
    models = pd.DataFrame(
        {"model_id": ["a/x", "a/y"], "family": ["a__code"] * 2, "github_repo": ["a/code"] * 2}
    )
    old = pd.DataFrame({"family": ["a__code"] * 2, "target": ["a/x", "a/code"]})
    with pytest.raises(ValueError, match=r"a__code.*stale"):
        check_parts_match_models(old, models)
    check_parts_match_models(
        pd.DataFrame({"family": ["a__code"] * 3, "target": ["a/x", "a/y", "a/code"]}), models
    )


def test_both_github_backends_give_the_same_snapshot_and_statuses(tmp_path, monkeypatch):
    """One world, served as git remotes and as the REST API: a repository with history,
    an empty one and a missing one. With a token the git backend asks GitHub for the
    logins of its authors, so both know the same of them."""
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    remote = build_remote(tmp_path)
    root = tmp_path / "remote" / "owner"
    empty_remote(root / "empty.git")
    history = read_log(clone_bare(f"{remote}/owner/repo.git", tmp_path / "probe"), "owner/repo")
    api_items = api_items_of(tmp_path / "probe", history)
    repos = {"repo": "model-a", "empty": "model-b", "missing": "model-c"}
    models = [hub_model(f"owner/{m}", 90_000 - i) for i, m in enumerate(repos.values())]
    cards = {f"owner/{m}": f"https://github.com/owner/{r}" for r, m in repos.items()}
    commits = {m["id"]: [hf_commit(i)] for i, m in enumerate(models)}
    results = {}
    with (
        FakeHub(models, cards, commits) as hub,
        FakeGitHub({"owner/repo": api_items, "owner/empty": 409}) as github,
    ):
        for backend in ("api", "git"):
            crawl = {
                **crawl_config(hub, github),
                "github_backend": backend,
                "github_clone_url": remote,
            }
            snapshot = crawl_all(crawl, [], tmp_path / backend)
            results[backend] = (
                pd.read_parquet(snapshot / "gh_commits.parquet"),
                pd.read_csv(tmp_path / backend / "status.csv"),
            )
    api, git = results["api"], results["git"]
    # the same commits; only git knows the files each one changed
    pd.testing.assert_frame_equal(api[0].drop(columns="files"), git[0].drop(columns="files"))
    pd.testing.assert_frame_equal(api[1], git[1])
    assert dict(zip(git[1]["target"], git[1]["status"], strict=True)) == {
        "owner/model-a": "ok",
        "owner/repo": "ok",
        "owner/model-b": "ok",
        "owner/empty": "empty_repository",
        "owner/model-c": "ok",
        "owner/missing": "not_found",
    }


def test_crawl_figures_by_hand():
    status = pd.DataFrame(
        {
            "platform": ["HF", "HF", "HF", "GH"],
            "target": ["a/x", "a/y", "a/z", "a/code"],
            "status": ["ok", "gated", "ok", "not_found"],
        }
    )
    rejected = pd.DataFrame(
        [
            ("HF", "listing", "../../etc", "id", "bad id", "dropped"),
            ("HF", "a/x", "#5", "id", "no id", "dropped"),
            ("HF", "a/x", "c1", "title", "number", "repaired"),
            ("HF", "a/x", "c1", "date", "missing", "repaired"),  # one record, two fields
            ("HF", "a/y", "c1", "date", "missing", "repaired"),  # same id, other model
            ("HF", "a/z", "c2", "title", "number", "repaired"),  # repaired, then dropped
            ("HF", "a/z", "c2", "message", "an object", "dropped"),
        ],
        columns=REJECTED_COLUMNS,
    )
    assert count_actions(rejected) == (3, 2)
    figures = crawl_numbers(status, rejected)
    assert figures["statuses"] == {"GH": "1 not_found", "HF": "1 gated, 2 ok"}
    assert (figures["n_targets"], figures["n_ok"]) == (4, 2)
    assert (figures["n_dropped"], figures["n_repaired"]) == (3, 2)
    assert count_actions(no_rejections()) == (0, 0)
