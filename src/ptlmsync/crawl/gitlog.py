"""GitHub commits through git: a blob-less bare clone and ``git log`` (docs/method.md, section 1).

Far fewer requests than the REST API and no rate limit. Never ask for ``--numstat`` on
a blob-less clone: it would fetch the blobs commit by commit.
"""

from __future__ import annotations

import logging
import re
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


# GitHub's noreply addresses carry the account's login: ``<id>+<login>@users.noreply.github.com``
# (accounts since 2017) and ``<login>@users.noreply.github.com`` (older ones); GitHub App
# bots have logins such as ``dependabot[bot]``.
_GITHUB_NOREPLY = re.compile(
    r"^(?:\d+\+)?(?P<login>[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?)"
    r"@users\.noreply\.github\.com$",
    re.IGNORECASE,
)
# The Hub writes ``<user>@users.noreply.huggingface.co`` into the commits it makes (web
# editor, uploads through the API); the author *name* is the user's display name.
_HF_NOREPLY = re.compile(
    r"^(?P<user>[A-Za-z0-9][A-Za-z0-9_.-]*)@users\.noreply\.huggingface\.co$", re.IGNORECASE
)


def github_login_of_email(email) -> str | None:
    """The GitHub login a noreply address carries; None for any other address."""
    match = _GITHUB_NOREPLY.match(email.strip()) if isinstance(email, str) else None
    return match.group("login") if match else None


def hf_user_of_email(email) -> str | None:
    """The Hub user name a Hub noreply address carries; None for any other address."""
    match = _HF_NOREPLY.match(email.strip()) if isinstance(email, str) else None
    return match.group("user") if match else None


def clone_url(base: str, github_repo: str) -> str:
    return f"{base.rstrip('/')}/{github_repo}.git"


def refused(err: GitError) -> bool:
    """True where the server refused access (private or gated), not a missing repository."""
    return bool(re.search(r"\b40[13]\b|Authentication failed|could not read Username", str(err)))


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
    env = {
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LFS_SKIP_SMUDGE": "1",  # Hub repositories keep weights in LFS: never download them
        "LC_ALL": "C",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        raise GitError(f"git {args[0]} {what}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def read_commits(repo_dir: str | Path, what: str) -> pd.DataFrame:
    """Every commit reachable from ``HEAD``: sha, author (name), email (the author's),
    date (author date, UTC), message, n_parents and files (see :func:`read_files`)."""
    repo_dir = Path(repo_dir)
    columns = ["sha", "author", "email", "date", "message", "n_parents", "files"]
    if not _has_commits(repo_dir):
        return pd.DataFrame(columns=columns)
    raw = _git(["log", "-z", f"--format={_FORMAT}", "HEAD"], cwd=repo_dir, what=what)
    # messages may be in any encoding; undecodable bytes become U+FFFD, never an error
    values = raw.decode("utf-8", errors="replace").split("\x00")
    if values and values[-1] == "":
        values.pop()  # the terminator of the last commit
    n = len(_FIELDS)
    if len(values) % n:
        raise GitError(f"git log {what}: {len(values)} fields, not a multiple of {n}")
    records = [dict(zip(_FIELDS, values[i : i + n], strict=True)) for i in range(0, len(values), n)]
    df = pd.DataFrame(records, columns=_FIELDS)
    files = read_files(repo_dir, what)
    return pd.DataFrame(
        {
            "sha": df["sha"],
            "author": df["author_name"],
            "email": df["author_email"],
            "date": pd.to_datetime(df["author_date"], utc=True, format="ISO8601"),
            "message": df["message"].str.rstrip("\n"),
            "n_parents": df["parents"].str.split().str.len().fillna(0).astype("int64"),
            "files": df["sha"].map(files).fillna(""),
        },
        columns=columns,
    )


def read_log(repo_dir: str | Path, github_repo: str, keep_email: bool = False) -> pd.DataFrame:
    """Every commit reachable from the default branch, in the gh_commits schema (+ n_parents).

    ``author`` is the GitHub login where the author's e-mail is a GitHub noreply address
    (``author_identity`` ``login``), else the author's name (``name``: the login is not
    known from git). ``keep_email`` adds ``author_email`` (for the login look-up of
    :func:`ptlmsync.crawl.github_api.resolve_logins`; never written to the snapshot)."""
    commits = read_commits(repo_dir, github_repo)
    login = commits["email"].map(github_login_of_email)
    commits = commits.assign(
        github_repo=github_repo,
        author=commits["author"].mask(login.notna(), login),
        author_identity=commits["author"].mask(login.notna(), "login").where(login.notna(), "name"),
        author_email=commits["email"],
    )
    return commits[[*CRAWLED_GH_COLUMNS, *(["author_email"] if keep_email else [])]]


_SHA = re.compile(r"[0-9a-f]{40}")


def read_files(repo_dir: Path, what: str) -> dict[str, str]:
    """The files each commit changed: ``"<A|M|D|T>\t<path>"`` lines, one per file.

    A tree diff (``--name-status``) needs no blobs, so the blob-less clone stays blob-less;
    rename detection would read blobs, so a rename is a deletion and an addition here.
    A merge lists what it brought to the first parent's line."""
    raw = _git(
        [
            "log",
            "-z",
            "--no-renames",
            "--diff-merges=first-parent",
            "--name-status",
            "--format=%H",
            "HEAD",
        ],
        cwd=repo_dir,
        what=what,
    )
    tokens = raw.decode("utf-8", errors="replace").split("\x00")
    files: dict[str, list[str]] = {}
    current, i = None, 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if _SHA.fullmatch(token):  # a status letter is never 40 hex digits
            current = token
            files[current] = []
            i += 1
        elif token and current is not None:
            files[current].append(f"{token[0]}\t{tokens[i + 1]}")  # status, then its path
            i += 2
        else:
            i += 1
    return {sha: "\n".join(entries) for sha, entries in files.items()}


def _has_commits(repo_dir: Path) -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=repo_dir,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0
