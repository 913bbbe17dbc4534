"""GitHub commits through the REST API (PyGithub), every answer cached on disk."""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass

import pandas as pd
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
)

from ptlmsync.crawl.http_cache import CachingAdapter, RawCache
from ptlmsync.crawl.records import Crawled, CrawlStatus, gh_row, nothing, read_listing
from ptlmsync.crawl.retry import with_retries
from ptlmsync.schemas import CRAWLED_GH_COLUMNS
from ptlmsync.vocab import Platform

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"


def _caching(base: type, cache: RawCache, scheme: str) -> type:
    """A PyGithub connection class whose requests go through the raw-answer cache."""

    class Cached(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.adapter = CachingAdapter(
                cache,
                max_retries=self.retry,
                pool_connections=self.pool_size,
                pool_maxsize=self.pool_size,
            )
            self.session.mount(f"{scheme}://", self.adapter)

    return Cached


def github_token() -> str | None:
    """The GitHub token, from GITHUB_TOKEN only (never logged, never cached)."""
    return os.environ.get("GITHUB_TOKEN") or None


def github_client(
    api_url: str | None,
    cache: RawCache,
    per_page: int = 100,
    retries: int = 8,
    backoff: float = 1.0,
    secondary_wait: float = 60.0,
) -> Github:
    """PyGithub on ``api_url`` (GitHub Enterprise works too); token from GITHUB_TOKEN only.

    ``secondary_wait``: seconds to wait after a secondary rate limit (GitHub asks for at
    least a minute)."""
    Requester.injectConnectionClasses(
        _caching(HTTPRequestsConnectionClass, cache, "http"),
        _caching(HTTPSRequestsConnectionClass, cache, "https"),
    )
    token = github_token()
    return Github(
        auth=Auth.Token(token) if token else None,
        base_url=(api_url or DEFAULT_API_URL).rstrip("/"),
        per_page=per_page,
        seconds_between_requests=None,
        retry=GithubRetry(
            total=retries, backoff_factor=backoff, secondary_rate_wait=secondary_wait
        ),
    )


@with_retries()  # a retry re-reads the pages already fetched from the cache
def _items(gh: Github, github_repo: str) -> list:
    return list(_listing(gh, github_repo))


def _listing(gh: Github, github_repo: str):
    """The commit listing's JSON items, page by page (Link: rel="next").

    PyGithub's requester does authentication, retries and the raw cache; the listing is
    read as JSON, because PyGithub's Commit objects complete themselves with one more
    request per commit when their data is touched.
    """
    url = f"/repos/{github_repo}/commits"
    parameters = {"per_page": gh.per_page}
    while url:
        headers, page = gh.requester.requestJsonAndCheck("GET", url, parameters=parameters)
        yield from page or []
        url, parameters = _next_link(headers.get("link", "")), None


def _next_link(link_header: str) -> str | None:
    for part in link_header.split(","):
        if 'rel="next"' in part:
            return part.split(";")[0].strip().strip("<>")
    return None


def gh_commits(gh: Github, github_repo: str) -> Crawled:
    """Every commit of the default branch, a typed status, and the repaired or dropped
    records (:mod:`ptlmsync.crawl.records`).

    ``author`` is the GitHub login where the API links one, else the author's name.
    Only the listing is requested: touching ``.stats`` or ``.files`` would cost one more
    request per commit.
    """
    try:
        items = _items(gh, github_repo)
    except UnknownObjectException:
        return _nothing(CrawlStatus.NOT_FOUND)
    except GithubException as err:
        if err.status == 409:
            return _nothing(CrawlStatus.EMPTY_REPOSITORY)
        if err.status in (401, 403):
            return _nothing(CrawlStatus.UNAUTHORIZED)
        raise
    return read_listing(Platform.GH, github_repo, items, gh_row(github_repo), CRAWLED_GH_COLUMNS)


def _nothing(status: str) -> Crawled:
    return nothing(status, CRAWLED_GH_COLUMNS)


@dataclass
class LoginLookup:
    """What :func:`resolve_logins` did for one repository."""

    method: str  # "none" (nothing to look up), "commit" (one request per author) or "listing"
    requests: int  # API requests made or answered from the cache (listing pages, commits)
    identities: int  # distinct author e-mails looked up
    logins: int  # of them, linked to a GitHub account
    no_account: int  # of them, linked to none
    unknown: int  # of them, not answered (commit unknown to GitHub, or an error)


#: ``no_account`` in the answers of :func:`_commit_author` and :func:`_listing_authors`.
_NO_ACCOUNT = ""


def resolve_logins(gh: Github, github_repo: str, commits: pd.DataFrame) -> tuple:
    """GitHub logins of the git authors not known from a noreply address.

    GitHub links a commit to an account by its author e-mail, so one answer per distinct
    e-mail is enough: for each e-mail, its newest commit is asked (``GET
    /repos/{repo}/commits/{sha}``: one request per e-mail), or, where that is more, the
    commit listing is read (``GET /repos/{repo}/commits``: one request per 100 commits).
    Every answer goes through the raw-answer cache. ``commits`` is :func:`gitlog.read_log`
    with ``keep_email``; returns it with ``author`` (the login where GitHub names one) and
    ``author_identity`` (``login``, ``no_account``; ``name`` where GitHub did not answer)
    filled in, and a :class:`LoginLookup`.
    """
    todo = commits["author_identity"] == "name"
    email = commits["author_email"].fillna("").str.strip().str.lower()
    key = email.where(email != "", "name:" + commits["author"].fillna(""))
    newest = commits.loc[todo, "sha"].groupby(key[todo], sort=False).first()
    if newest.empty:
        return commits, LoginLookup("none", 0, 0, 0, 0, 0)
    pages = math.ceil(len(commits) / gh.per_page)
    if len(newest) <= pages:
        method, requests = "commit", len(newest)
        found = {k: _commit_author(gh, github_repo, sha) for k, sha in newest.items()}
    else:
        by_sha, requests = _listing_authors(gh, github_repo)
        method, found = "listing", {}
        for k, shas in commits.loc[todo, "sha"].groupby(key[todo], sort=False):
            answers = [by_sha[s] for s in shas if s in by_sha]
            logins = [a for a in answers if a]
            found[k] = logins[0] if logins else _NO_ACCOUNT if answers else None
    answer = key.map(found).where(todo)
    linked = answer.notna() & (answer != _NO_ACCOUNT)
    commits = commits.assign(
        author=commits["author"].where(~linked, answer),
        author_identity=commits["author_identity"]
        .where(~linked, "login")
        .where(answer != _NO_ACCOUNT, "no_account"),
    )
    values = list(found.values())
    lookup = LoginLookup(
        method,
        requests,
        len(values),
        sum(1 for v in values if v),
        sum(1 for v in values if v == _NO_ACCOUNT),
        sum(1 for v in values if v is None),
    )
    return commits, lookup


@with_retries()
def _commit_author(gh: Github, github_repo: str, sha: str) -> str | None:
    """The login GitHub links to one commit; "" for none; None where GitHub does not know
    the commit (404, 422)."""
    try:
        _, item = gh.requester.requestJsonAndCheck("GET", f"/repos/{github_repo}/commits/{sha}")
    except GithubException as err:
        if err.status in (404, 409, 422):
            return None
        raise
    return _login_of(item)


def _listing_authors(gh: Github, github_repo: str) -> tuple[dict[str, str], int]:
    """sha -> login ("" for none) over the whole commit listing, and the pages read."""
    items = _items(gh, github_repo)
    pages = max(1, math.ceil(len(items) / gh.per_page))
    by_sha = {i["sha"]: _login_of(i) for i in items if isinstance(i, dict) and "sha" in i}
    return {k: v for k, v in by_sha.items() if v is not None}, pages


def _login_of(item) -> str | None:
    """The ``author.login`` of a commit answer; "" where ``author`` is null (no account)."""
    if not isinstance(item, dict):
        return None
    account = item.get("author")
    if account is None:
        return _NO_ACCOUNT
    login = account.get("login") if isinstance(account, dict) else None
    return login if isinstance(login, str) and login else None
