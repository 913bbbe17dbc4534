"""GitHub commits through the REST API (PyGithub), every answer cached on disk."""

from __future__ import annotations

import logging
import os

from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
)

from ptlmsync.crawl.http_cache import CachingAdapter, RawCache
from ptlmsync.crawl.records import Crawled, gh_row, nothing, read_listing
from ptlmsync.crawl.retry import with_retries
from ptlmsync.schemas import CRAWLED_GH_COLUMNS

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
    token = os.environ.get("GITHUB_TOKEN")
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
        return _nothing("not_found")
    except GithubException as err:
        if err.status == 409:
            return _nothing("empty_repository")
        if err.status in (401, 403):
            return _nothing("unauthorized")
        raise
    return read_listing("GH", github_repo, items, gh_row(github_repo), CRAWLED_GH_COLUMNS)


def _nothing(status: str) -> Crawled:
    return nothing(status, CRAWLED_GH_COLUMNS)
