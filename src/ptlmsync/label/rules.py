"""The offline labeller's rules: change types from commit messages (docs/method.md, section 2).

A message is first reduced to what says what the change is: its subject (for a merged
pull request, the pull request's title; for a revert, the reverted title), without
ticket numbers, trailers and review markers. A conventional-commit or bracket tag
(``docs:``, ``[test]``, ``ENH:``) decides where it names a change type; otherwise the
taxonomy's ordered rules are tried on the subject's title (its first 72 characters: the
cleaned text has lost the line break after a title), the whole subject, then the body.
Where no rule matches, :func:`rule_label` says so (None): it gives no default type (a
message that only says something changed, "Internal change", "...", is Model Structure
by an explicit rule, the study's catch-all).
"""

from __future__ import annotations

import re

from ptlmsync.label.taxonomy import load_taxonomy

_MERGE_PR = re.compile(r"^merge pull request #\d+ from \S+\s*", re.IGNORECASE)
_REVERT = re.compile(r'^revert "(.*)"', re.IGNORECASE)
_LIST_START = re.compile(r"^\s*1[.)]\s+")
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
    "style": "Project Metadata",
    "test": "Validation Infrastructure",
    "tests": "Validation Infrastructure",
    "tst": "Validation Infrastructure",
    "ci": "Sharing",
    "perf": "Pipeline Performance",
    "release": "Sharing",
    "build": "Project Metadata",
    "datasets": "Input Data",
    "data": "Input Data",
    "community": "Sharing",
}


def split_message(text: str) -> tuple[str | None, str, str]:
    """(tag, subject, body) of a cleaned commit message."""
    merged = _MERGE_PR.sub("", text.strip())  # a merged pull request: its title counts
    text = _NOISE.sub(" ", merged if merged.strip() else text).strip()
    text = _REVERT.sub(r"\1", text)  # a revert changes what the reverted commit changed
    text = _LIST_START.sub("", text)  # "1. Add X 2. Fix Y": the first item is the subject
    tag = None
    match = _TAG.match(text)
    if match:
        tag = (match.group(1) or match.group(2) or "").strip().lower()
        if tag in TAG_TYPES:  # other tags ("feat(ckpt):", "tokenizer:") stay words
            text = text[match.end() :]
    sentences = re.split(r"(?<=[.!?])\s+|\s\*\s|\s-\s", text, maxsplit=1)
    subject = sentences[0].strip()
    body = sentences[1].strip() if len(sentences) > 1 else ""
    return tag, subject, body


#: A commit title's usual length (git's and GitHub's 72 characters): a subject that runs
#: on is a title whose body followed without a full stop (the line breaks are cleaned).
TITLE_CHARS = 72


def title_of(subject: str) -> str:
    """The subject up to the first word boundary at or after TITLE_CHARS characters (a
    word that crosses the limit, such as a URL, is kept whole)."""
    end = subject.find(" ", TITLE_CHARS)
    return subject if end < 0 else subject[:end]


#: Words that say a change happened without saying what changed.
_GENERIC = re.compile(
    r"^(update[sd]?|upload(ed)?|change[sd]?|code|misc|minor|small|nit|wip|ok|improve(ments?)?|"
    r"internal|commit|stuff|tmp|temp|more|some|various|summary|cleanup|revise|edit(s|ed)?|"
    r"files?|scripts?|it|runs|the|a|an|to|of|and|in|for|on|with|this|that|from|per|"
    r"suggestions|weekend|above|main|forgot|these|\W+|\d[\d.\-_ ]*)$",
    re.IGNORECASE,
)


def is_vague(text: str) -> bool:
    """True where the subject names no change: only generic words, dates and numbers."""
    _, subject, _ = split_message(text)
    return all(_GENERIC.match(word) for word in re.findall(r"\w+", subject))


#: A merged pull request whose title announces a release: the release of a model (the
#: study's "add model", Model Structure) - unless the release is of the package (a
#: version number, PyPI, "prepare") or of its build (an image, CI); a release workflow
#: is decided before (CI and automation), a bare release commit stays Sharing.
_RELEASE = re.compile(r"\breleas(e[sd]?|ing)\b(?! notes?\b)", re.IGNORECASE)
_PACKAGE_RELEASE = re.compile(
    r"(?<![\w.])v?\d+(\.\d+)+\b|pypi|\bprep(are|ares|aring|aration)?\b|\bpackag|"
    r"docker|\bimages?\b|\bbuil(d|t)\b|\bci\b",
    re.IGNORECASE,
)

_SHARING_RELEASE = ("Sharing", "releases")


def rule_label(text: str) -> tuple[str, str] | None:
    """(change type, the rule that gave it) of one cleaned commit message; None where no
    tag or rule decides."""
    tag, subject, body = split_message(text)
    if tag in TAG_TYPES:
        return TAG_TYPES[tag], f"tag {tag}"
    decided = _first_rule(subject, body)
    title = title_of(subject)
    model_release = _RELEASE.search(title) and not _PACKAGE_RELEASE.search(title)
    if model_release and _MERGE_PR.match(text.strip()) and decided in (None, _SHARING_RELEASE):
        return "Model Structure", "model release (a merged pull request)"
    return decided


def _first_rule(subject: str, body: str) -> tuple[str, str] | None:
    for part in dict.fromkeys((title_of(subject), subject, body[:300])):
        for rule in load_taxonomy().rules:
            if rule.pattern.search(part):
                return rule.change_type, rule.name
    return None
