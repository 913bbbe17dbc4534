"""The git backend against real repositories built in tmp_path with fixed dates."""

import os
import subprocess

import pandas as pd
import pytest

from ptlmsync.crawl.gitlog import (
    GitError,
    clone_bare,
    clone_url,
    github_login_of_email,
    hf_user_of_email,
    read_log,
)


def git(
    cwd,
    *args,
    date="2024-01-01T12:00:00+00:00",
    stdin=None,
    author=("Ada Lovelace", "ada@example.org"),
):
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": "Ada Lovelace",
        "GIT_COMMITTER_EMAIL": "ada@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, input=stdin
    ).stdout


def api_items_of(clone, commits: pd.DataFrame) -> list[dict]:
    """The commits of a clone as GitHub's REST API lists them (author login unknown)."""
    raw = git(clone, "log", "--format=%H%x1f%P", "HEAD").decode().split("\n")
    parents = dict(line.split("\x1f") for line in raw if line)
    return [
        {
            "sha": r.sha,
            "commit": {
                "message": r.message,
                "author": {
                    "name": r.author,
                    "email": "ada@example.org",
                    "date": r.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            },
            "author": None,
            "parents": [{"sha": p} for p in parents[r.sha].split()],
        }
        for r in commits.itertuples()
    ]


@pytest.fixture
def server(tmp_path):
    return build_remote(tmp_path)


def build_remote(tmp_path):
    """A 'remote' with a merge, an empty message, a Latin-1 message and time zones."""
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch=main")
    (work / "a.txt").write_text("a")
    git(work, "add", "a.txt")
    git(
        work,
        "commit",
        "--quiet",
        "-m",
        "Initial commit\n\nwith a body",
        date="2024-01-01T23:30:00-05:00",
    )
    git(work, "checkout", "--quiet", "-b", "feature")
    (work / "b.txt").write_text("b")
    git(work, "add", "b.txt")
    git(work, "commit", "--quiet", "-m", "Add feature", date="2024-01-03T10:00:00+02:00")
    git(work, "checkout", "--quiet", "main")
    (work / "c.txt").write_text("c")
    git(work, "add", "c.txt")
    git(work, "commit", "--quiet", "-m", "Fix README", date="2024-01-04T00:00:00+00:00")
    git(
        work,
        "merge",
        "--quiet",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch 'feature'",
        date="2024-01-05T00:00:00+00:00",
    )
    git(
        work,
        "commit",
        "--quiet",
        "--allow-empty",
        "--allow-empty-message",
        "-m",
        "",
        date="2024-01-06T00:00:00+00:00",
    )
    git(
        work,
        "-c",
        "i18n.commitEncoding=ISO-8859-1",
        "commit",
        "--quiet",
        "--allow-empty",
        "-F",
        "-",
        date="2024-01-07T00:00:00+00:00",
        stdin="Caf\xe9 fix".encode("latin-1"),
    )
    remote = tmp_path / "remote" / "owner"
    remote.mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "--quiet", "--bare", str(work), str(remote / "repo.git")], check=True
    )
    git(remote / "repo.git", "config", "uploadpack.allowFilter", "true")
    return f"file://{tmp_path / 'remote'}"


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
    subprocess.run(["git", "init", "--quiet", "--bare", str(empty)], check=True)
    clone = clone_bare(f"file://{empty}", tmp_path / "clones" / "empty")
    assert read_log(clone, "owner/empty").empty
    with pytest.raises(GitError, match="owner/missing"):
        clone_bare(f"file://{tmp_path}/remote/owner/missing.git", tmp_path / "clones" / "m")


def push_upstream(server_url: str, tmp_path, message: str, day: int, branch: str = "main"):
    """An empty commit pushed to ``branch`` of the served repository (created if new)."""
    work = tmp_path / "upstream-work"
    if not work.exists():
        subprocess.run(
            ["git", "clone", "--quiet", f"{server_url}/owner/repo.git", str(work)], check=True
        )
    git(work, "checkout", "--quiet", "-B", branch)
    date = f"2024-02-{day:02d}T12:00:00+00:00"
    git(work, "commit", "--quiet", "--allow-empty", "-m", message, date=date)
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
    subprocess.run(["git", "init", "--quiet", "--bare", str(empty)], check=True)
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
    from ptlmsync.crawl.http_cache import RawCache
    from ptlmsync.stages.crawl import _gh_commits

    empty = tmp_path / "remote" / "owner" / "empty.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(empty)], check=True)
    collect = {"github_backend": "git", "github_clone_url": f"file://{tmp_path / 'remote'}"}
    commits, status, _ = _gh_commits(
        "owner/empty", collect, RawCache(tmp_path / "raw"), tmp_path / "c"
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
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch=main")
    authors = [
        ("Thomas Wolf", "7353373+thomwolf@users.noreply.github.com"),
        ("Thomas Wolf", "thomas@example.org"),
        ("Old Timer", "oldtimer@users.noreply.github.com"),
    ]
    for day, author in enumerate(authors, start=1):
        git(work, "commit", "--quiet", "--allow-empty", "-m", f"c{day}", author=author)
    log = read_log(work / ".git", "owner/repo", keep_email=True).iloc[::-1]  # oldest first
    assert log["author"].tolist() == ["thomwolf", "Thomas Wolf", "oldtimer"]
    assert log["author_identity"].tolist() == ["login", "name", "login"]
    assert log["author_email"].tolist() == [a[1] for a in authors]
    assert "author_email" not in read_log(work / ".git", "owner/repo").columns  # never stored
