"""The git backend against real repositories built in tmp_path with fixed dates."""

import pandas as pd
import pytest
from helpers.git import build_remote, commit, empty_remote, git, make_repo

from ptlmsync.crawl.gitlog import (
    GitError,
    clone_bare,
    clone_url,
    github_login_of_email,
    hf_user_of_email,
    read_log,
)


@pytest.fixture
def server(tmp_path):
    return build_remote(tmp_path)


def test_git_backend_reads_every_commit_of_the_default_branch(server, tmp_path):
    clone = clone_bare(clone_url(server, "owner/repo"), tmp_path / "clones" / "owner__repo")
    log = read_log(clone, "owner/repo")
    assert len(log) == 6 and log["sha"].is_unique
    first = log.iloc[-1]
    assert first["message"] == "Initial commit\n\nwith a body"
    assert first["date"] == pd.Timestamp("2024-01-02 04:30", tz="UTC")  # 23:30-05:00
    assert log.loc[log["message"].str.startswith("Merge"), "n_parents"].tolist() == [2]
    assert "" in log["message"].tolist()
    assert any(m.startswith("Caf") and m.endswith(" fix") for m in log["message"])
    assert set(log["author"]) == {"Ada Lovelace"}
    assert set(log["author_identity"]) == {"name"}  # git alone cannot know Ada's login
    assert str(log["date"].dtype).endswith("UTC]")


def test_clone_is_blobless_and_a_second_clone_fetches(server, tmp_path):
    dest = tmp_path / "clones" / "owner__repo"
    clone_bare(clone_url(server, "owner/repo"), dest)
    config = (dest / "config").read_text()
    assert "partialclonefilter = blob:none" in config
    again = clone_bare(clone_url(server, "owner/repo"), dest)
    assert len(read_log(again, "owner/repo")) == 6


def test_empty_and_missing_repositories(tmp_path):
    empty = tmp_path / "remote" / "owner" / "empty.git"
    empty_remote(empty)
    clone = clone_bare(f"file://{empty}", tmp_path / "clones" / "empty")
    assert read_log(clone, "owner/empty").empty
    with pytest.raises(GitError, match="owner/missing"):
        clone_bare(f"file://{tmp_path}/remote/owner/missing.git", tmp_path / "clones" / "m")


def push_upstream(server_url: str, tmp_path, message: str, day: int, branch: str = "main"):
    """An empty commit pushed to ``branch`` of the served repository (created if new)."""
    work = tmp_path / "upstream-work"
    if not work.exists():
        git(tmp_path, "clone", "--quiet", f"{server_url}/owner/repo.git", str(work))
    git(work, "checkout", "--quiet", "-B", branch)
    commit(work, message, date=f"2024-02-{day:02d}T12:00:00+00:00")
    git(work, "push", "--quiet", "origin", branch)


def test_a_recrawl_sees_new_upstream_commits(server, tmp_path):
    dest = tmp_path / "clones" / "owner__repo"
    clone_bare(clone_url(server, "owner/repo"), dest)
    push_upstream(server, tmp_path, "New upstream", day=1)
    log = read_log(clone_bare(clone_url(server, "owner/repo"), dest), "owner/repo")
    assert len(log) == 7 and log.iloc[0]["message"] == "New upstream"


def test_a_recrawl_follows_a_new_default_branch(server, tmp_path):
    dest = tmp_path / "clones" / "owner__repo"
    clone_bare(clone_url(server, "owner/repo"), dest)
    push_upstream(server, tmp_path, "On trunk", day=2, branch="trunk")
    remote = server.removeprefix("file://") + "/owner/repo.git"
    git(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
    log = read_log(clone_bare(clone_url(server, "owner/repo"), dest), "owner/repo")
    assert log.iloc[0]["message"] == "On trunk" and len(log) == 7


def test_an_empty_repository_stays_empty_on_a_recrawl(tmp_path):
    empty = tmp_path / "remote" / "owner" / "empty.git"
    empty_remote(empty)
    dest = tmp_path / "clones" / "empty"
    clone_bare(f"file://{empty}", dest)
    again = clone_bare(f"file://{empty}", dest)  # the fetch of nothing is not an error
    assert read_log(again, "owner/empty").empty


def test_separator_bytes_in_a_message_cannot_shift_other_commits(server, tmp_path):
    message = "Odd \x1e record \x1f unit separators"
    push_upstream(server, tmp_path, message, day=3)
    log = read_log(clone_bare(clone_url(server, "owner/repo"), tmp_path / "c"), "owner/repo")
    assert len(log) == 7 and log.iloc[0]["message"] == message
    assert log["sha"].str.fullmatch(r"[0-9a-f]{40}").all()


def test_both_backends_call_a_repository_without_commits_empty(tmp_path):
    from ptlmsync.crawl.fetch import repository_commits as _gh_commits
    from ptlmsync.crawl.http_cache import RawCache
    from ptlmsync.crawl.options import CrawlOptions

    empty = tmp_path / "remote" / "owner" / "empty.git"
    empty_remote(empty)
    options = CrawlOptions(github_backend="git", github_clone_url=f"file://{tmp_path / 'remote'}")
    commits, status, _ = _gh_commits(
        "owner/empty", options, RawCache(tmp_path / "raw"), tmp_path / "c"
    )
    assert commits.empty and status == "empty_repository"  # the api backend's 409 status


@pytest.mark.parametrize(
    ("email", "login"),
    [
        ("12345+thomwolf@users.noreply.github.com", "thomwolf"),  # accounts since 2017
        ("thomwolf@users.noreply.github.com", "thomwolf"),  # older accounts
        ("  LysandreJik@Users.NoReply.GitHub.com ", "LysandreJik"),  # case and spaces
        ("49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"),
        ("a-b-c@users.noreply.github.com", "a-b-c"),
        ("thomas@huggingface.co", None),  # an ordinary address
        ("noreply@github.com", None),  # GitHub's own (web-flow) address names nobody
        ("x@users.noreply.github.com.example.org", None),
        ("12345+@users.noreply.github.com", None),
        ("-x@users.noreply.github.com", None),  # a login never starts with a hyphen
        ("", None),
        (None, None),
    ],
)
def test_a_github_noreply_address_carries_the_login(email, login):
    assert github_login_of_email(email) == login


def test_a_hub_noreply_address_carries_the_user_name():
    assert hf_user_of_email("timmyburn@users.noreply.huggingface.co") == "timmyburn"
    assert hf_user_of_email("first.last_1@users.noreply.huggingface.co") == "first.last_1"
    assert hf_user_of_email("timmyburn@users.noreply.github.com") is None
    assert hf_user_of_email("t@huggingface.co") is None


def test_git_backend_takes_logins_from_noreply_addresses(tmp_path):
    authors = [
        ("Thomas Wolf", "7353373+thomwolf@users.noreply.github.com"),
        ("Thomas Wolf", "thomas@example.org"),
        ("Old Timer", "oldtimer@users.noreply.github.com"),
    ]
    commits = [dict(message=f"c{day}", author=a) for day, a in enumerate(authors, start=1)]
    work = make_repo(tmp_path / "work", *commits)
    log = read_log(work / ".git", "owner/repo", keep_email=True).iloc[::-1]  # oldest first
    assert log["author"].tolist() == ["thomwolf", "Thomas Wolf", "oldtimer"]
    assert log["author_identity"].tolist() == ["login", "name", "login"]
    assert log["author_email"].tolist() == [a[1] for a in authors]
    assert "author_email" not in read_log(work / ".git", "owner/repo").columns  # never stored
