"""GitHub commits through git: a blob-less bare clone and ``git log`` (docs/method.md, section 1).

Far fewer requests than the REST API and no rate limit. Never ask for ``--numstat`` on
a blob-less clone: it would fetch the blobs commit by commit.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pandas as pd

from ptlmsync.schemas import CRAWLED_GH_COLUMNS

log = logging.getLogger(__name__)

_FIELDS = [
    "sha",
    "author_name",
    "author_email",
    "author_date",
    "committer_date",
    "parents",
    "message",
]
# Fields and commits are separated by NUL (``git log -z``): the one byte a commit message
# cannot contain, so no message can shift the fields of the commits around it.
_FORMAT = "%x00".join(["%H", "%an", "%ae", "%aI", "%cI", "%P", "%B"])


class GitError(RuntimeError):
    """A clone or log failed; the message names the repository."""


def clone_url(base: str, github_repo: str) -> str:
    return f"{base.rstrip('/')}/{github_repo}.git"


def clone_bare(url: str, dest: str | Path) -> Path:
    """A blob-less bare clone at ``dest``; an existing clone is brought up to date: every
    branch fetched into its own ref, and ``HEAD`` pointed at the remote's default branch
    (the ref ``git log HEAD`` reads)."""
    dest = Path(dest)
    if (dest / "HEAD").exists():
        refspec = "+refs/heads/*:refs/heads/*"
        fetch = ["fetch", "--quiet", "--prune", "--filter=blob:none", "origin", refspec]
        _git(fetch, cwd=dest, what=url)
        default = _remote_default_branch(dest, url)
        if default:
            _git(["symbolic-ref", "HEAD", default], cwd=dest, what=url)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    _git(["clone", "--quiet", "--bare", "--filter=blob:none", url, str(dest)], what=url)
    return dest


def _remote_default_branch(repo_dir: Path, what: str) -> str | None:
    """The ref the remote's HEAD names (``refs/heads/main``); None for an empty remote."""
    out = _git(["ls-remote", "--symref", "origin", "HEAD"], cwd=repo_dir, what=what)
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("ref: ") and line.endswith("\tHEAD"):
            return line.removeprefix("ref: ").split("\t")[0]
    return None


def _git(args: list[str], what: str, cwd: Path | None = None) -> bytes:
    env = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        raise GitError(f"git {args[0]} {what}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def read_log(repo_dir: str | Path, github_repo: str) -> pd.DataFrame:
    """Every commit reachable from the default branch, in the gh_commits schema (+ n_parents)."""
    repo_dir = Path(repo_dir)
    if not _has_commits(repo_dir):
        return pd.DataFrame(columns=CRAWLED_GH_COLUMNS)
    raw = _git(["log", "-z", f"--format={_FORMAT}", "HEAD"], cwd=repo_dir, what=github_repo)
    # messages may be in any encoding; undecodable bytes become U+FFFD, never an error
    values = raw.decode("utf-8", errors="replace").split("\x00")
    if values and values[-1] == "":
        values.pop()  # the terminator of the last commit
    n = len(_FIELDS)
    if len(values) % n:
        raise GitError(f"git log {github_repo}: {len(values)} fields, not a multiple of {n}")
    records = [dict(zip(_FIELDS, values[i : i + n], strict=True)) for i in range(0, len(values), n)]
    df = pd.DataFrame(records, columns=_FIELDS)
    return pd.DataFrame(
        {
            "github_repo": github_repo,
            "sha": df["sha"],
            "date": pd.to_datetime(df["author_date"], utc=True, format="ISO8601"),
            "message": df["message"].str.rstrip("\n"),
            "author": df["author_name"],
            "n_parents": df["parents"].str.split().str.len().fillna(0).astype("int64"),
        },
        columns=CRAWLED_GH_COLUMNS,
    )


def _has_commits(repo_dir: Path) -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=repo_dir,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0
