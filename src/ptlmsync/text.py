"""Commit-text cleaning, identical for both platforms (METHOD.md section 1d)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_FENCED_CODE = re.compile(r"```.*?(```|$)|~~~.*?(~~~|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    """NFKC-normalise, drop HTML tags and fenced/inline code, collapse white space."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _FENCED_CODE.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()


def hf_commit_text(title: str | None, message: str | None) -> str:
    """The text used downstream for an HF commit: title + message, cleaned.

    HF often repeats the title as the message; it is then kept once.
    """
    title, message = (title or "").strip(), (message or "").strip()
    if message and message != title:
        return clean_text(f"{title}\n{message}")
    return clean_text(title)


def text_hash(text: str) -> str:
    """Stable key of a cleaned text (for caches keyed by message)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
