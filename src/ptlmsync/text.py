"""Commit-text cleaning, identical for both platforms (docs/method.md, section 1, "Text")."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

_FENCED_CODE = re.compile(r"```.*?(```|$)|~~~.*?(~~~|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_WHITESPACE = re.compile(r"\s+")


def as_text(value) -> str:
    """A table cell as text: missing values (None, NaN, pd.NA) become ""."""
    if isinstance(value, str):
        return value
    return "" if pd.isna(value) else str(value)


def clean_text(text: str | None) -> str:
    """NFKC-normalise, drop HTML tags and fenced code blocks, keep the words of inline code
    without its backticks ("Adding `safetensors` variant"), collapse white space."""
    text = unicodedata.normalize("NFKC", as_text(text))
    text = _FENCED_CODE.sub(" ", text)
    text = _INLINE_CODE.sub(lambda code: code.group(0)[1:-1], text)
    text = _HTML_TAG.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()


def hf_commit_text(title: str | None, message: str | None) -> str:
    """The text used downstream for an HF commit: title + message, cleaned.

    HF often repeats the title as the message; it is then kept once.
    """
    title, message = as_text(title).strip(), as_text(message).strip()
    if message and message != title:
        return clean_text(f"{title}\n{message}")
    return clean_text(title)


def text_hash(text: str) -> str:
    """Stable key of a cleaned text (for caches keyed by message)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
