"""PyGithub against a local server speaking GitHub's REST wire format."""

import json

import pandas as pd
import pytest
from fake_servers import FakeGitHub, gh_commit

from ptlmsync.crawl.github_api import gh_commits, github_client
from ptlmsync.crawl.gitlog import clone_bare, read_log
from ptlmsync.crawl.http_cache import RawCache


@pytest.fixture
def github():
    server = FakeGitHub(
        {
            "acme/bert": [gh_commit(i, day=i + 1, parents=2 if i == 3 else 1) for i in range(7)],
            "acme/nologin": [gh_commit(0, login=None)],
            "acme/empty": 409,
            "acme/none": [],
        }
    )
    yield server
    server.close()


def client(github, tmp_path, **kw):
    return github_client(
        github.url, RawCache(tmp_path / "raw"), per_page=3, backoff=0.01, secondary_wait=0.01, **kw
    )


def test_commits_follow_link_pagination(github, tmp_path):
    commits, status, _ = gh_commits(client(github, tmp_path), "acme/bert")
    assert status == "ok" and len(commits) == 7 and commits["sha"].is_unique
    assert github.total == 3  # ceil(7 / 3) pages, no per-commit requests
    assert commits["author"].unique().tolist() == ["alice"]
    assert commits.loc[3, "n_parents"] == 2
    assert commits["date"][0] == pd.Timestamp("2024-02-01 09:00", tz="UTC")


def test_typed_statuses(github, tmp_path):
    gh = client(github, tmp_path)
    assert gh_commits(gh, "acme/missing")[1] == "not_found"
    assert gh_commits(gh, "acme/empty")[1] == "empty_repository"
    assert gh_commits(gh, "acme/none")[1] == "no_commits"
    assert gh_commits(gh, "acme/nologin")[0]["author"].tolist() == ["Alice A"]


def test_rate_limits_5xx_and_truncated_json_are_retried_and_never_cached(github, tmp_path):
    path = "/repos/acme/bert/commits"
    github.fail(
        path,
        (502, {}, b"bad gateway"),
        (
            403,
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"},
            b'{"message": "API rate limit exceeded"}',
        ),
        (200, {}, b'[{"sha": "abc", "commit": {'),
    )
    gh = client(github, tmp_path)
    commits, status, _ = gh_commits(gh, "acme/bert")
    assert status == "ok" and len(commits) == 7
    before = github.total
    commits_again, _, _ = gh_commits(client(github, tmp_path), "acme/bert")
    assert github.total == before  # a re-run is answered from the cache
    pd.testing.assert_frame_equal(commits, commits_again)


SAML = (
    b'{"message": "Resource protected by organization SAML enforcement. You must grant your '
    b'Personal Access token access to this organization.", "documentation_url": "x"}'
)


def test_a_definitive_403_is_cached_and_a_secondary_rate_limit_is_not(github, tmp_path):
    path = "/repos/acme/bert/commits"
    github.fail(path, (403, {}, b'{"message": "You have exceeded a secondary rate limit."}'))
    github.fail("/repos/acme/saml/commits", (403, {}, SAML))
    assert gh_commits(client(github, tmp_path), "acme/bert")[1] == "ok"  # retried, not kept
    assert gh_commits(client(github, tmp_path), "acme/saml")[1] == "unauthorized"
    before = github.total
    assert gh_commits(client(github, tmp_path), "acme/saml")[1] == "unauthorized"
    assert github.total == before  # the refusal came from the cache


def test_tokens_never_reach_the_cache(github, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_token_value")
    gh_commits(client(github, tmp_path), "acme/bert")
    stored = " ".join(p.read_text() for p in (tmp_path / "raw").rglob("*.json"))
    assert stored and "ghp_secret_token_value" not in stored
    assert all(
        json.loads(p.read_text())["status"] == 200 for p in (tmp_path / "raw").rglob("*.json")
    )


def test_api_and_git_backends_agree_on_the_same_repository(tmp_path):
    from test_gitlog import api_items_of, build_remote  # a real repository, fixed dates

    remote = build_remote(tmp_path)
    clone = clone_bare(f"{remote}/owner/repo.git", tmp_path / "clone")
    via_git = read_log(clone, "owner/repo")
    as_api = api_items_of(clone, via_git)
    with FakeGitHub({"owner/repo": as_api}) as server:
        via_api, status, _ = gh_commits(client(server, tmp_path), "owner/repo")
    assert status == "ok"
    # the same commits; only git knows the files each one changed
    pd.testing.assert_frame_equal(via_api.drop(columns="files"), via_git.drop(columns="files"))
    assert via_api["files"].isna().all() and via_git["files"].notna().all()
