"""The offline labeller: change types from commit messages by rules (docs/method.md, section 2).

A message is first reduced to what says what the change is: its subject (for a merged
pull request, the pull request's title), without ticket numbers, trailers and review
markers. A conventional-commit or bracket tag (``docs:``, ``[test]``, ``ENH:``) decides
where it names a change type; otherwise the taxonomy's keyword rules are tried on the
subject, in the taxonomy's rule order, then on the body; the fallback is the
taxonomy's most common type.
"""

from __future__ import annotations

import re

from ptlmsync.taxonomy import keyword_rules, load_taxonomy

_MERGE_PR = re.compile(r"^merge pull request #\d+ from \S+\s*", re.IGNORECASE)
_MERGE_BRANCH = re.compile(r"^merge (?:remote-tracking )?branch\b", re.IGNORECASE)
_TAG = re.compile(r"^\s*(?:\[`?([\w -]+?)`?\]|([A-Za-z]+)(?:\([^)]*\))?!?:)\s*")
_NOISE = re.compile(
    r"PiperOrigin-RevId: \d+|Co-authored-by:.*|Signed-off-by:.*|email-sha256:\w+|"
    r"Summary:|Pull Request resolved:\s*\S+|\(#\d+\)|#\d+",
    re.IGNORECASE,
)

#: Commit-message tags that name a change type.
TAG_TYPES = {
    "docs": "External Documentation",
    "doc": "External Documentation",
    "readme": "External Documentation",
    "papers": "External Documentation",
    "cite": "External Documentation",
    "style": "Model Structure",
    "test": "Validation Infrastructure",
    "tests": "Validation Infrastructure",
    "tst": "Validation Infrastructure",
    "ci": "Validation Infrastructure",
    "perf": "Pipeline Performance",
    "release": "Sharing",
    "build": "Project Metadata",
    "datasets": "Input Data",
    "data": "Input Data",
    "community": "Sharing",
}


def split_message(text: str) -> tuple[str | None, str, str]:
    """(tag, subject, body) of a cleaned commit message."""
    text = _NOISE.sub(" ", text)
    text = _MERGE_PR.sub("", text.strip())
    tag = None
    match = _TAG.match(text)
    if match:
        tag = (match.group(1) or match.group(2) or "").strip().lower()
        text = text[match.end() :]
    sentences = re.split(r"(?<=[.!?])\s+|\s\*\s|\s-\s", text, maxsplit=1)
    subject = sentences[0].strip()
    body = sentences[1].strip() if len(sentences) > 1 else ""
    return tag, subject, body


def rule_label(text: str) -> str:
    """The change type of one cleaned commit message."""
    if _MERGE_BRANCH.match(text.strip()):
        return "Project Metadata"
    tag, subject, body = split_message(text)
    if tag in TAG_TYPES:
        return TAG_TYPES[tag]
    for part in (subject, body[:300]):
        for name, pattern in keyword_rules():
            if pattern.search(part):
                return name
    return load_taxonomy().fallback
