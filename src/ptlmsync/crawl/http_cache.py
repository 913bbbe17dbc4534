"""Raw HTTP answers cached on disk, keyed by request, for both platform clients.

An interrupted crawl resumes without repeating a successful request, and a re-run makes
none. Definitive answers are cached (2xx, and 401/403-gated/404/409, which will not
change on a retry, and 422: GitHub's answer for a commit it does not know);
rate-limit answers, 5xx and connection errors are not. Request headers, and so tokens,
are never written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx2
import requests
from github import GithubException

CACHEABLE_ERRORS = {401, 404, 409, 410, 422}
_DROP_HEADERS = {
    "content-encoding",
    "content-length",
    "transfer-encoding",
    "set-cookie",
    "connection",
}


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def cacheable(status: int, headers, body: bytes = b"") -> bool:
    if 200 <= status < 300:
        return _complete(headers, body)
    if status in CACHEABLE_ERRORS:
        return True
    # 403 is definitive when it is not a rate limit (a gated or private model, an
    # organisation that enforces SAML); GitHub's secondary limit says so only in the body
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    return (
        status == 403
        and headers.get("x-ratelimit-remaining") != "0"
        and "retry-after" not in headers
        and b"rate limit" not in (body or b"").lower()
    )


def _complete(headers, body: bytes) -> bool:
    """A JSON answer that does not parse (e.g. truncated) is not kept: the retry refetches it."""
    content_type = (headers or {}).get("content-type", "") or ""
    if "json" not in content_type:
        return True
    try:
        json.loads(body or b"null")
    except ValueError:
        return False
    return True


class RawCache:
    """One JSON file per request under ``root`` (``<key[:2]>/<key>.json``)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(method: str, url: str) -> str:
        return hashlib.sha256(f"{method.upper()} {url}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, method: str, url: str) -> RawAnswer | None:
        path = self._path(self.key(method, url))
        if not path.exists():
            with self._lock:
                self.misses += 1
            return None
        data = json.loads(path.read_text())
        with self._lock:
            self.hits += 1
        return RawAnswer(data["status"], data["headers"], base64.b64decode(data["body"]))

    def put(self, method: str, url: str, answer: RawAnswer) -> None:
        path = self._path(self.key(method, url))
        path.parent.mkdir(parents=True, exist_ok=True)
        headers = {
            k.lower(): v for k, v in answer.headers.items() if k.lower() not in _DROP_HEADERS
        }
        record = {
            "method": method.upper(),
            "url": url,
            "status": answer.status,
            "headers": headers,
            "body": base64.b64encode(answer.body).decode(),
        }
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(record))
        tmp.replace(path)  # atomic: a killed process never leaves half an answer


class CachingTransport(httpx2.BaseTransport):
    """httpx2 transport (huggingface_hub's client) that answers from and fills a RawCache."""

    def __init__(self, cache: RawCache, inner: httpx2.BaseTransport | None = None):
        self.cache = cache
        self.inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        if request.method in ("GET", "HEAD"):
            hit = self.cache.get(request.method, url)
            if hit is not None:
                return httpx2.Response(
                    hit.status, headers=hit.headers, content=hit.body, request=request
                )
        response = self.inner.handle_request(request)
        body = response.read()
        answer = RawAnswer(response.status_code, dict(response.headers), body)
        headers = {k: v for k, v in response.headers.items() if k.lower() not in _DROP_HEADERS}
        if request.method in ("GET", "HEAD") and cacheable(answer.status, response.headers, body):
            self.cache.put(request.method, url, answer)
        return httpx2.Response(answer.status, headers=headers, content=body, request=request)

    def close(self) -> None:
        self.inner.close()


class CachingAdapter(requests.adapters.HTTPAdapter):
    """requests adapter (PyGithub's client) that answers from and fills a RawCache."""

    def __init__(self, cache: RawCache, **kwargs):
        super().__init__(**kwargs)
        self.cache = cache

    def send(self, request, **kwargs):
        if request.method in ("GET", "HEAD"):
            hit = self.cache.get(request.method, request.url)
            if hit is not None:
                return _requests_response(request, hit)
        try:
            response = super().send(request, **kwargs)
        except GithubException as err:
            # PyGithub's retry raises on a 403 that is not a rate limit before this adapter
            # sees the answer: keep the definitive refusal all the same
            self._keep_refusal(request, err)
            raise
        if request.method in ("GET", "HEAD") and cacheable(
            response.status_code, response.headers, response.content
        ):
            self.cache.put(
                request.method,
                request.url,
                RawAnswer(response.status_code, dict(response.headers), response.content),
            )
        return response

    def _keep_refusal(self, request, err: GithubException) -> None:
        body = json.dumps(err.data).encode()
        headers = dict(err.headers or {})
        if request.method in ("GET", "HEAD") and cacheable(err.status, headers, body):
            headers["content-type"] = "application/json"
            self.cache.put(request.method, request.url, RawAnswer(err.status, headers, body))


def _requests_response(request, answer: RawAnswer) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status
    response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
    response._content = answer.body
    response.url = request.url
    response.request = request
    response.encoding = "utf-8"
    return response
