"""Hugging Face: model selection, model cards and commits, through huggingface_hub."""

from __future__ import annotations

import json
import logging
import os
import re

import httpx2
import pandas as pd
from huggingface_hub import HfApi, get_session, set_client_factory
from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
from huggingface_hub.utils import paginate
from huggingface_hub.utils._http import hf_request_event_hook

from ptlmsync.crawl.http_cache import CachingTransport, RawCache
from ptlmsync.crawl.records import (
    REJECTED_COLUMNS,
    Crawled,
    CrawlStatus,
    hf_row,
    nothing,
    read_listing,
)
from ptlmsync.crawl.retry import with_retries
from ptlmsync.schemas import is_repo_id
from ptlmsync.vocab import Platform

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
MODEL_FIELDS = [
    "author",
    "downloads",
    "likes",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "lastModified",
]


def hf_endpoint(configured: str | None) -> str:
    """The config's endpoint, else ``HF_ENDPOINT`` (mirrors), else the public Hub."""
    return (configured or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hf_api(endpoint: str, cache: RawCache) -> HfApi:
    """An HfApi whose every request goes through the raw-answer cache."""

    def factory() -> httpx2.Client:
        return httpx2.Client(
            transport=CachingTransport(cache),
            follow_redirects=True,
            event_hooks={"request": [hf_request_event_hook]},
            timeout=60,
        )

    set_client_factory(factory)
    return HfApi(endpoint=endpoint, token=os.environ.get("HF_TOKEN") or False)


def count_of(value) -> int | None:
    """A listing's count (downloads, likes) as an int; None where it is not a count."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


LISTING_COLUMNS = [
    "model_id",
    "author",
    "downloads",
    "likes",
    "pipeline_tag",
    "library",
    "created_at",
    "last_modified",
]


@with_retries()  # a retry re-reads the pages already fetched from the cache
def select_models(
    api: HfApi,
    nlp_tags: list[str],
    min_downloads: int,
    max_models: int | None = None,
    models: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One paginated listing sorted by downloads; NLP tags and the download threshold are
    applied before any per-model request. ``models`` restricts the selection to those ids.

    Returns the selected models and the listing entries rejected on the way (an id that
    is not ``owner/name``, a download count that is not a count), each named.
    """
    tags = set(nlp_tags)
    rows, rejected = [], []
    for position, info in enumerate(api.list_models(sort="downloads", expand=MODEL_FIELDS)):
        downloads = count_of(info.downloads)
        problem = _listing_problem(info, downloads)
        if problem:  # one malformed entry: reported and skipped, the rest used
            log.warning("listing entry %s skipped: %s", info.id or f"#{position}", problem[1])
            rejected.append(
                (Platform.HF, "listing", info.id or f"#{position}", *problem, "dropped")
            )
            continue
        if downloads < min_downloads:
            break  # sorted by downloads: nothing after this qualifies
        if info.pipeline_tag not in tags or (models and info.id not in models):
            continue
        rows.append(
            {
                "model_id": info.id,
                "author": info.author,
                "downloads": downloads,
                "likes": count_of(info.likes) or 0,
                "pipeline_tag": info.pipeline_tag,
                "library": info.library_name,
                "created_at": info.created_at,
                "last_modified": info.last_modified,
            }
        )
        if max_models and len(rows) >= max_models:
            break
    return (
        pd.DataFrame(rows, columns=LISTING_COLUMNS),
        pd.DataFrame(rejected, columns=REJECTED_COLUMNS),
    )


def _listing_problem(info, downloads: int | None) -> tuple[str, str] | None:
    """(field, reason) where a listing entry cannot be used, else None."""
    if not is_repo_id(info.id):
        return "id", f"model id {info.id!r} is not owner/name"
    if downloads is None:
        return "downloads", f"downloads {info.downloads!r} is not a count"
    return None


class CardRefused(RuntimeError):
    """The Hub refused a model card (401/403: a private or gated model without a token)."""


@with_retries()
def fetch_card(api: HfApi, model_id: str) -> str | None:
    """The model's README.md, or None where it has none (404); :class:`CardRefused` where
    the Hub answers 401 or 403."""
    response = get_session().get(
        f"{api.endpoint}/{model_id}/raw/main/README.md", headers=api._build_hf_headers()
    )
    if response.status_code == 404:
        return None
    if response.status_code in (401, 403):
        raise CardRefused(f"{model_id}: model card refused ({response.status_code})")
    response.raise_for_status()
    return response.text


#: hf_commits as both HF backends return them; ``files`` only the git backend knows.
HF_COMMIT_COLUMNS = ["model_id", "commit_id", "date", "title", "message", "authors", "files"]


@with_retries()  # a retry re-reads the pages already fetched from the cache
def _commit_items(api: HfApi, model_id: str) -> list:
    """The raw JSON items of the commit listing (huggingface_hub's own pagination): read
    one by one, so that one malformed commit cannot take the others with it, as
    ``list_repo_commits`` would."""
    return list(
        paginate(
            f"{api.endpoint}/api/models/{model_id}/commits/main",
            params={},
            headers=api._build_hf_headers(),
        )
    )


def hf_commits(api: HfApi, model_id: str) -> Crawled:
    """All commits on main of one model repo, a typed status, and the repaired or dropped
    records (:mod:`ptlmsync.crawl.records`)."""
    try:
        items = _commit_items(api, model_id)
    except GatedRepoError:  # a subclass of RepositoryNotFoundError: test it first
        return _nothing(CrawlStatus.GATED)
    except RepositoryNotFoundError:
        return _nothing(CrawlStatus.NOT_FOUND)
    except HfHubHTTPError as err:
        if getattr(err.response, "status_code", None) in (401, 403):
            return _nothing(CrawlStatus.UNAUTHORIZED)
        raise
    return read_listing(Platform.HF, model_id, items, hf_row(model_id), HF_COMMIT_COLUMNS)


def _nothing(status: str) -> Crawled:
    return nothing(status, HF_COMMIT_COLUMNS)


_GITHUB_PROFILE = re.compile(
    r"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/?(?=[\s\"'<)\]]|$)", re.IGNORECASE
)


@with_retries()
def github_login_of(api: HfApi, username: str) -> str | None:
    """The GitHub login an HF user's public profile links, if any.

    The whole profile answer is searched for a ``github.com/<login>`` link (profiles keep
    social links in different fields over time); users without one stay unmatched.
    """
    response = get_session().get(
        f"{api.endpoint}/api/users/{username}/overview", headers=api._build_hf_headers()
    )
    if response.status_code == 404:
        return None
    response.raise_for_status()
    match = _GITHUB_PROFILE.search(json.dumps(response.json()))
    return match.group(1) if match else None
