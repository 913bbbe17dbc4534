"""PyGithub against a local server speaking GitHub's REST wire format."""

import json

import pandas as pd
import pytest
from helpers.fake_servers import FakeGitHub, gh_commit

from ptlmsync.crawl.github_api import gh_commits, github_client, resolve_logins
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
    assert commits["author_identity"].unique().tolist() == ["login"]
    assert commits.loc[3, "n_parents"] == 2
    assert commits["date"][0] == pd.Timestamp("2024-02-01 09:00", tz="UTC")


def test_typed_statuses(github, tmp_path):
    gh = client(github, tmp_path)
    assert gh_commits(gh, "acme/missing")[1] == "not_found"
    assert gh_commits(gh, "acme/empty")[1] == "empty_repository"
    assert gh_commits(gh, "acme/none")[1] == "no_commits"
    nologin = gh_commits(gh, "acme/nologin")[0]
    assert nologin["author"].tolist() == ["Alice A"]  # GitHub links no account: her name
    assert nologin["author_identity"].tolist() == ["no_account"]


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
    from helpers.git import api_items_of, build_remote  # a real repository, fixed dates

    remote = build_remote(tmp_path)
    clone = clone_bare(f"{remote}/owner/repo.git", tmp_path / "clone")
    via_git = read_log(clone, "owner/repo")
    as_api = api_items_of(clone, via_git)
    with FakeGitHub({"owner/repo": as_api}) as server:
        via_api, status, _ = gh_commits(client(server, tmp_path), "owner/repo")
    assert status == "ok"
    # git alone knows Ada by name; the API says GitHub links no account to her commits
    assert set(via_git["author_identity"]) == {"name"}
    assert set(via_api["author_identity"]) == {"no_account"}
    # asked for her login, the git backend agrees with the API: one request for her e-mail
    with FakeGitHub({"owner/repo": as_api}) as server:
        resolved, lookup = resolve_logins(
            client(server, tmp_path / "2"), "owner/repo", read_log(clone, "owner/repo", True)
        )
        assert (lookup.method, lookup.requests, server.total) == ("commit", 1, 1)
    via_git = resolved.drop(columns="author_email")
    # the same commits; only git knows the files each one changed
    pd.testing.assert_frame_equal(via_api.drop(columns="files"), via_git.drop(columns="files"))
    assert via_api["files"].isna().all() and via_git["files"].notna().all()


def git_commits(rows) -> pd.DataFrame:
    """Commits as :func:`read_log` gives them with ``keep_email`` (newest first)."""
    commits = pd.DataFrame(rows, columns=["sha", "author", "author_email"])
    noreply = commits["author_email"].str.contains("noreply")
    return commits.assign(
        author=commits["author"].mask(noreply, "alice"),
        author_identity=noreply.map({True: "login", False: "name"}),
    )


#: Five commits of four people, worked out by hand: Alice commits from a noreply address
#: (her login needs no request); GitHub links bob@x.org to "bob-gh" and carol@x.org to no
#: account; Dave's commit is not on GitHub (GitHub answers 422 for its sha).
GIT_COMMITS = [
    (f"{5:040x}", "Alice A", "1+alice@users.noreply.github.com"),
    (f"{4:040x}", "Bob B", "bob@x.org"),
    (f"{3:040x}", "Carol C", "carol@x.org"),
    (f"{2:040x}", "Bob B", "Bob@X.org"),  # the same e-mail: one question
    ("d" * 40, "Dave D", "dave@x.org"),
]
ON_GITHUB = [
    gh_commit(5, "alice"),
    gh_commit(4, "bob-gh"),
    gh_commit(3, None),
    gh_commit(2, "bob-gh"),
]


@pytest.mark.parametrize(
    ("per_page", "method", "requests"),
    [
        (1, "commit", 3),  # 3 e-mails to ask < 5 listing pages: one request per e-mail
        (100, "listing", 1),  # 1 listing page < 3 e-mails
    ],
)
def test_logins_of_git_authors_are_asked_of_github_once_per_email(
    tmp_path, per_page, method, requests
):
    with FakeGitHub({"acme/bert": ON_GITHUB}) as server:
        gh = github_client(server.url, RawCache(tmp_path / "raw"), per_page=per_page, backoff=0.01)
        resolved, lookup = resolve_logins(gh, "acme/bert", git_commits(GIT_COMMITS))
        assert server.total == requests
        again = resolve_logins(gh, "acme/bert", git_commits(GIT_COMMITS))[0]
        assert server.total == requests  # the answers, the 422 too, come from the cache
    assert (lookup.method, lookup.requests) == (method, requests)
    assert (lookup.identities, lookup.logins, lookup.no_account, lookup.unknown) == (3, 1, 1, 1)
    assert resolved["author"].tolist() == ["alice", "bob-gh", "Carol C", "bob-gh", "Dave D"]
    assert resolved["author_identity"].tolist() == [
        "login",
        "login",
        "no_account",
        "login",
        "name",
    ]
    pd.testing.assert_frame_equal(resolved, again)


def test_nothing_is_asked_where_noreply_addresses_name_every_author(tmp_path):
    with FakeGitHub({"acme/bert": ON_GITHUB}) as server:
        gh = github_client(server.url, RawCache(tmp_path / "raw"))
        resolved, lookup = resolve_logins(gh, "acme/bert", git_commits(GIT_COMMITS[:1]))
        assert server.total == 0 and lookup.method == "none"
    assert resolved["author_identity"].tolist() == ["login"]


def test_without_a_token_git_authors_stay_names_and_nothing_is_asked(tmp_path, monkeypatch, caplog):
    from ptlmsync.crawl.fetch import with_gh_logins as _gh_logins
    from ptlmsync.crawl.options import CrawlOptions

    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with FakeGitHub({"acme/bert": ON_GITHUB}) as server:
        options = CrawlOptions(github_api_url=server.url)
        commits = _gh_logins(
            "acme/bert", git_commits(GIT_COMMITS), options, RawCache(tmp_path / "raw")
        )
        assert server.total == 0
    assert commits["author_identity"].tolist() == ["login", "name", "name", "name", "name"]
    assert "GITHUB_TOKEN is not set" in caplog.text and "3 author e-mail(s)" in caplog.text

    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    with FakeGitHub({"acme/bert": ON_GITHUB}) as server:
        commits = _gh_logins(
            "acme/bert",
            git_commits(GIT_COMMITS),
            CrawlOptions(github_api_url=server.url),
            RawCache(tmp_path / "raw2"),
        )
        assert server.total == 1  # one listing page of 100 commits
    assert commits["author_identity"].tolist()[1:] == ["login", "no_account", "login", "name"]
