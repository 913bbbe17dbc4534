"""Retries for API calls: honour Retry-After / X-RateLimit-Reset, else back off with jitter."""

from __future__ import annotations

import json
import time

import httpx2
import requests
from tenacity import RetryCallState, retry, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

RETRY_STATUSES = {429, 500, 502, 503, 504}
_backoff = wait_random_exponential(multiplier=0.5, max=60)


def _status_and_headers(exc: BaseException):
    response = getattr(exc, "response", None)
    if response is None:
        return None, {}
    return getattr(response, "status_code", None), getattr(response, "headers", {}) or {}


def is_transient(exc: BaseException) -> bool:
    """5xx, 429, a rate-limited 403, truncated JSON and connection errors: try again."""
    if isinstance(
        exc,
        httpx2.TransportError | requests.ConnectionError | ConnectionError | json.JSONDecodeError,
    ):
        return True
    status, headers = _status_and_headers(exc)
    if status in RETRY_STATUSES:
        return True
    return status == 403 and (
        headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
    )


def wait_for_server(state: RetryCallState) -> float:
    """Seconds to wait: Retry-After, else until X-RateLimit-Reset, else exponential jitter."""
    exc = state.outcome.exception() if state.outcome else None
    _, headers = _status_and_headers(exc) if exc else (None, {})
    if headers.get("retry-after"):
        try:
            return min(float(headers["retry-after"]), 3600.0)
        except ValueError:
            pass
    if headers.get("x-ratelimit-reset"):
        try:
            return min(max(float(headers["x-ratelimit-reset"]) - time.time(), 0.0) + 1, 3600.0)
        except ValueError:
            pass
    return _backoff(state)


def with_retries(attempts: int = 6):
    return retry(
        retry=retry_if_exception(is_transient),
        wait=wait_for_server,
        stop=stop_after_attempt(attempts),
        reraise=True,
    )
