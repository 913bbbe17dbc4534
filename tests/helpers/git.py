"""The one way the tests build git repositories and 'remotes' (bare clones served over
file://), with fixed dates and authors so every sha is the same on every machine."""

import os
import subprocess
from pathlib import Path

import pandas as pd

ADA = ("Ada Lovelace", "ada@example.org")
DATE = "2024-01-01T12:00:00+00:00"


def git(cwd, *args, date: str = DATE, stdin: bytes | None = None, author=ADA) -> bytes:
    """``git <args>`` in ``cwd`` as ``author`` (committed by Ada) at ``date``; its stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": ADA[0],
        "GIT_COMMITTER_EMAIL": ADA[1],
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, input=stdin
    ).stdout


def commit(
    work: Path,
    message: str,
    *,
    date: str = DATE,
    author=ADA,
    files: dict[str, str | None] | None = None,
    encoding: str | None = None,
) -> None:
    """One commit in ``work``: ``files`` written (``None``: removed) and staged, else an
    empty commit; ``encoding`` stores the message in that encoding (git's i18n setting)."""
    for name, text in (files or {}).items():
        if text is None:
            git(work, "rm", "--quiet", name)
        else:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
            git(work, "add", name)
    args = ["commit", "--quiet", "--allow-empty-message"]
    if not files:
        args.append("--allow-empty")
    if encoding:
        stdin = message.encode(encoding)
        options = ["-c", f"i18n.commitEncoding={encoding}"]
        git(work, *options, *args, "-F", "-", date=date, author=author, stdin=stdin)
    else:
        git(work, *args, "-m", message, date=date, author=author)


def make_repo(work: Path, *commits: dict) -> Path:
    """A new repository in ``work`` (branch main) with ``commits`` (keyword arguments of
    :func:`commit`) made in order."""
    work.mkdir(parents=True)
    git(work, "init", "--quiet", "--initial-branch=main")
    for kwargs in commits:
        commit(work, **kwargs)
    return work


def publish(work: Path, bare: Path, *, allow_filter: bool = True) -> Path:
    """``work`` cloned bare to ``bare``, a remote to clone from; ``allow_filter``: it
    serves partial (blobless) clones."""
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(bare.parent, "clone", "--quiet", "--bare", str(work), str(bare))
    if allow_filter:
        git(bare, "config", "uploadpack.allowFilter", "true")
    return bare


def empty_remote(bare: Path) -> Path:
    """A bare remote without a commit."""
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(bare.parent, "init", "--quiet", "--bare", str(bare))
    return bare


def build_remote(tmp_path: Path) -> str:
    """A 'remote' owner/repo with a merge, an empty message, a Latin-1 message and time
    zones; returns its base URL (``<url>/owner/repo.git``)."""
    work = make_repo(
        tmp_path / "work",
        dict(
            message="Initial commit\n\nwith a body",
            files={"a.txt": "a"},
            date="2024-01-01T23:30:00-05:00",
        ),
    )
    git(work, "checkout", "--quiet", "-b", "feature")
    commit(work, "Add feature", files={"b.txt": "b"}, date="2024-01-03T10:00:00+02:00")
    git(work, "checkout", "--quiet", "main")
    commit(work, "Fix README", files={"c.txt": "c"}, date="2024-01-04T00:00:00+00:00")
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
    commit(work, "", date="2024-01-06T00:00:00+00:00")
    commit(work, "Caf\xe9 fix", date="2024-01-07T00:00:00+00:00", encoding="ISO-8859-1")
    publish(work, tmp_path / "remote" / "owner" / "repo.git")
    return f"file://{tmp_path / 'remote'}"


def api_items_of(clone: Path, commits: pd.DataFrame) -> list[dict]:
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
                    "email": ADA[1],
                    "date": r.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            },
            "author": None,
            "parents": [{"sha": p} for p in parents[r.sha].split()],
        }
        for r in commits.itertuples()
    ]
