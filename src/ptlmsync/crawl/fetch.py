"""One crawl target at a time, by the configured backend (docs/method.md, section 1): a
model's link decision from its card, a model's commits (the Hub API or a bare clone), a
repository's commits (the REST API or a bare clone) with its authors' GitHub logins.
:func:`guarded` turns an error that survived the retries into a status, so one bad
target never stops its family. The crawl stage is :mod:`ptlmsync.stages.crawl`."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync.crawl import github_api, gitlog, hub
from ptlmsync.crawl.http_cache import RawAnswer, RawCache
from ptlmsync.crawl.links import Decision, LinkResult, link_model, resolve_link
from ptlmsync.crawl.options import CrawlOptions
from ptlmsync.crawl.records import Crawled, CrawlStatus, no_rejections, nothing
from ptlmsync.schemas import CRAWLED_GH_COLUMNS

log = logging.getLogger(__name__)


def link_decision(api, model_id: str, manual: dict) -> LinkResult:
    """The link decision of one model; a refused card (private or gated) is reported as
    ``unauthorized`` (a manual link still applies) and the selection goes on."""
    try:
        card = hub.fetch_card(api, model_id) or ""
    except hub.CardRefused as err:
        log.warning("%s", err)
        return resolve_link(LinkResult(model_id, (), (), Decision.UNAUTHORIZED, None), manual)
    return resolve_link(link_model(model_id, card), manual)


def guarded(fetch, target: str, columns: list[str]) -> Crawled:
    """Run one fetch; an error that survived the retries becomes status ``error``, so one
    bad model or repository never stops its family, nor the other families."""
    try:
        return fetch()
    except Exception as err:
        log.error("%s: %s: %s", target, type(err).__name__, err)
        return nothing(CrawlStatus.ERROR, columns)


def cached_clone(url: str, dest: Path, cache: RawCache) -> Path:
    """A clone of ``url`` at ``dest``, cloned or fetched once per raw-answer cache: a re-run
    uses the clone as it is (no request), and deleting ``<cache_dir>/http/`` — what asks
    the Hub and GitHub again — fetches the new commits too."""
    if (dest / "HEAD").exists() and cache.get("GIT", url) is not None:
        return dest
    repo = gitlog.clone_bare(url, dest)
    cache.put("GIT", url, RawAnswer(200, {}, b""))
    return repo


def model_commits(model_id: str, options: CrawlOptions, api, clone_dir, cache: RawCache) -> Crawled:
    """One model's commits through the Hub API, or (``crawl.hf_backend: git``) from a
    blob-less bare clone of the model repository: one request per model, and files."""
    if options.hf_backend != "git":
        return hub.hf_commits(api, model_id)
    base = (options.hf_clone_url or api.endpoint).rstrip("/")
    try:
        clone = cached_clone(f"{base}/{model_id}", Path(clone_dir) / "hf" / model_id, cache)
        commits = gitlog.read_commits(clone, model_id)
    except gitlog.GitError as err:
        log.warning("%s", err)
        status = CrawlStatus.UNAUTHORIZED if gitlog.refused(err) else CrawlStatus.NOT_FOUND
        return nothing(status, hub.HF_COMMIT_COLUMNS)
    # a Hub commit's title is the message's first line, its message the rest
    lines = commits["message"].astype(str).str.split("\n", n=1)
    # the Hub's own commits name the user in a noreply address (the name is a display
    # name); a commit pushed with git has its author's name only
    user = commits["email"].map(gitlog.hf_user_of_email)
    hf = pd.DataFrame(
        {
            "model_id": model_id,
            "commit_id": commits["sha"],
            "date": commits["date"],
            "title": lines.str[0],
            "message": lines.str[1].fillna("").str.strip(),
            "authors": user.fillna(commits["author"]),
            "files": commits["files"],
            "author_is_user": user.notna(),
        },
        columns=[*hub.HF_COMMIT_COLUMNS, "author_is_user"],
    )
    status = CrawlStatus.OK if len(hf) else CrawlStatus.NO_COMMITS
    return Crawled(hf, status, no_rejections())


def repository_commits(
    github_repo: str, options: CrawlOptions, cache: RawCache, clone_path: Path
) -> Crawled:
    """One repository's commits through the REST API, or (``crawl.github_backend: git``)
    from a bare clone, with its authors' GitHub logins (:func:`with_gh_logins`)."""
    if options.github_backend == "git":
        url = gitlog.clone_url(options.github_clone_url, github_repo)
        try:
            commits = gitlog.read_log(
                cached_clone(url, clone_path, cache), github_repo, keep_email=True
            )
        except gitlog.GitError as err:
            log.warning("%s", err)
            return nothing(CrawlStatus.NOT_FOUND, CRAWLED_GH_COLUMNS)
        commits = with_gh_logins(github_repo, commits, options, cache).drop(columns="author_email")
        # a repository without commits is what the API calls empty (409)
        status = CrawlStatus.OK if len(commits) else CrawlStatus.EMPTY_REPOSITORY
        return Crawled(commits, status, no_rejections())
    client = github_api.github_client(options.github_api_url, cache)
    return github_api.gh_commits(client, github_repo)


def with_gh_logins(github_repo: str, commits: pd.DataFrame, options: CrawlOptions, cache: RawCache):
    """The git backend's commits with the GitHub logins of their authors: from noreply
    addresses (no request), the rest asked of the REST API where GITHUB_TOKEN is set
    (:func:`github_api.resolve_logins`). Without a token, or where the API fails, those
    authors stay names (``author_identity: name``) and the family's shared contributors
    are reported as unavailable."""
    todo = commits.loc[commits["author_identity"] == "name", "author_email"]
    n_noreply = commits.loc[commits["author_identity"] == "login", "author"].nunique()
    if todo.empty:
        log.info("%s: GH logins: %d from noreply addresses, none to ask", github_repo, n_noreply)
        return commits
    if not github_api.github_token():
        log.warning(
            "%s: GITHUB_TOKEN is not set: the GitHub logins of %d author e-mail(s) without a "
            "noreply address are not asked; those authors stay names and the family's shared "
            "contributors are unavailable",
            github_repo,
            todo.str.lower().nunique(),
        )
        return commits
    client = github_api.github_client(options.github_api_url, cache)
    misses = cache.misses
    try:
        commits, lookup = github_api.resolve_logins(client, github_repo, commits)
    except Exception as err:  # the commits stand without logins; the analysis says so
        log.error("%s: GitHub login look-up failed: %s: %s", github_repo, type(err).__name__, err)
        return commits
    log.info(
        "%s: GH logins: %d from noreply addresses; %d e-mails asked by %s: %d requests "
        "(%d not in the cache), %d logins, %d without an account, %d unanswered",
        github_repo,
        n_noreply,
        lookup.identities,
        lookup.method,
        lookup.requests,
        cache.misses - misses,
        lookup.logins,
        lookup.no_account,
        lookup.unknown,
    )
    return commits
