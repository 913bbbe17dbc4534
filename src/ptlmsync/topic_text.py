"""Commit text for topic modelling: what a commit is about, without the words that every
commit of a project or a platform carries (docs/method.md, section 4, "Topics").

The input is the cleaned commit text of the snapshot (white space already collapsed, so
trailers are found by their keys, not by line). Words are separated at punctuation and
case boundaries instead of glued (``fix-azure-links`` and ``fixAzureLinks`` both give
``fix azure links``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Commit trailers: each key and everything after it is metadata, not the change.
TRAILER_KEYS = (
    "Signed-off-by",
    "Co-authored-by",
    "PiperOrigin-RevId",
    "GitOrigin-RevId",
    "Change-Id",
    "Reviewed-by",
    "Reviewed-on",
    "Acked-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Requested-by",
    "Helped-by",
    "Approved-by",
    "Differential Revision",
    "Pull Request resolved",
    "Test Plan",
    "Reviewers",
    "Subscribers",
    "fbshipit-source-id",
    "ghstack-source-id",
)
# "Reviewed-by" and Phabricator's "Reviewed By" alike: a hyphen or a space between words
_TRAILER = re.compile(
    r"(?:^|\s)(?:"
    + "|".join(re.sub(r"\\[- ]", "[- ]", re.escape(k)) for k in TRAILER_KEYS)
    + r")\s*:.*$",
    re.IGNORECASE,
)
# merge boilerplate: a pull request's merge keeps its title (what follows); branch, tag and
# commit merges say nothing about the change
_MERGE_PR = re.compile(r"\bMerge pull request #\d+ from \S+", re.IGNORECASE)
_MERGE_OTHER = re.compile(
    r"\bMerge (?:remote-tracking )?(?:branch|branches|tag|commit)s? "
    r"(?:'[^']*'|\"[^\"]*\"|\S+)(?:,? (?:and )?(?:'[^']*'|\S+))*"
    r"(?: of \S+)?(?: into \S+)?",
    re.IGNORECASE,
)
# Phabricator's section label before the real description (the description is kept)
_SUMMARY_LABEL = re.compile(r"\bSummary\s*:", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+|git://\S+")
_EMAIL = re.compile(r"\S+@\S+|email-sha256:\w+")
_FILE = re.compile(
    r"\b[\w.-]+\.(?:json|bin|py|md|txt|safetensors|yaml|yml|model|gguf|pt|pth|ckpt|onnx|h5|"
    r"msgpack|cfg|toml|ipynb|sh|cpp|cu|h|js|ts|rst|lock|csv|parquet|zip|tar|gz)\b",
    re.IGNORECASE,
)
_HEX = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b", re.IGNORECASE)
_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")
_HAS_DIGIT = re.compile(r"\d")


def words_of(text: str) -> list[str]:
    """Lower-case words of ``text``, split at punctuation and case boundaries."""
    return [w.lower() for w in _NON_WORD.split(_CASE.sub(" ", text)) if w]


def author_words(authors: Iterable[str]) -> frozenset[str]:
    """The words of a family's author names and logins (``Jane Doe``, ``jdoe-gh``)."""
    return frozenset(w for author in authors if author for w in words_of(str(author)) if len(w) > 2)


def topic_text(text: str, drop: frozenset[str] = frozenset(), min_length: int = 3) -> str:
    """The words of a commit that say what it changes: trailers, merge boilerplate, URLs,
    e-mail addresses, file names, hashes, numbers, words shorter than ``min_length`` and
    the words in ``drop`` (author names, platform words) removed."""
    text = _TRAILER.sub(" ", text)
    text = _MERGE_OTHER.sub(" ", _MERGE_PR.sub(" ", text))
    for pattern in (_SUMMARY_LABEL, _URL, _EMAIL, _FILE, _HEX):
        text = pattern.sub(" ", text)
    kept = [
        w
        for w in words_of(text)
        if len(w) >= min_length and not _HAS_DIGIT.search(w) and w not in drop
    ]
    return " ".join(kept)
