"""Labelling many texts with one labeller (docs/method.md, section 2).

Identical texts are labelled once per repeat, answers are checked against the taxonomy and
the chunk's keys, a bad answer splits the chunk and retries it (bounded), and what still
fails is labelled ``Unlabelled`` with a reason — never guessed, never dropped. What it
cost is counted in :class:`Usage`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ptlmsync.label.backends import Labeller, offline_label
from ptlmsync.label.cache import LabelCache
from ptlmsync.label.prompts import Answer, InvalidAnswer
from ptlmsync.label.taxonomy import UNLABELLED


@dataclass
class Usage:
    """What labelling cost: ``requests`` counts every question asked (re-asks after an
    invalid answer included, ``invalid_answers`` of them); ``client_retries`` the HTTP
    attempts the client library repeated on its own (429, 5xx) inside those requests."""

    requests: int = 0
    client_retries: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    cache_hits: int = 0
    invalid_answers: int = 0
    unlabelled: int = 0

    def add(self, answer: Answer) -> None:
        self.requests += 1
        self.client_retries += answer.attempts - 1
        self.prompt_tokens += answer.prompt_tokens
        self.output_tokens += answer.output_tokens


USAGE_COLUMNS = [
    "family",
    "labeller",
    "model",
    "repeat",
    "requests",
    "client_retries",
    "prompt_tokens",
    "output_tokens",
    "cache_hits",
    "invalid_answers",
    "unlabelled",
]


def label_texts(
    labeller: Labeller,
    texts: list[str],
    repeat: int,
    cache: LabelCache,
    chunk_size: int = 50,
    max_depth: int = 6,
) -> tuple[dict[str, tuple], Usage]:
    """(label, reason) per distinct text for one repeat; Unlabelled where answers kept failing."""
    distinct = list(dict.fromkeys(texts))
    todo = uncached(labeller, distinct, repeat, cache)
    usage = Usage(cache_hits=len(distinct) - len(todo))
    if not labeller.remote:  # the offline rules: no requests, every text decided here
        for text in todo:
            label, reason = offline_label(text)
            cache.entries[LabelCache.key(labeller, repeat, text)] = (label, reason)
            usage.unlabelled += label == UNLABELLED
    else:
        for start in range(0, len(todo), chunk_size):
            chunk = todo[start : start + chunk_size]
            _label_chunk(labeller, chunk, repeat, cache, usage, max_depth)
    return {t: cache.entries[LabelCache.key(labeller, repeat, t)] for t in distinct}, usage


def uncached(labeller, distinct: list[str], repeat: int, cache: LabelCache) -> list[str]:
    """The texts of ``distinct`` whose answer for ``repeat`` is not in the cache, in order:
    what a labelling has to ask."""
    return [t for t in distinct if LabelCache.key(labeller, repeat, t) not in cache.entries]


def request_items(chunk: list[str]) -> list[dict]:
    """The commits of one request as the prompts send them: ids local to the request."""
    return [{"id": f"c{i}", "text": t} for i, t in enumerate(chunk)]


def _label_chunk(
    labeller, chunk: list[str], repeat: int, cache: LabelCache, usage: Usage, depth: int
) -> None:
    items = request_items(chunk)
    try:
        answer = labeller.ask(items)
        usage.add(answer)
        labels = labeller.prompt.parse(answer, items)
    except InvalidAnswer as err:
        usage.invalid_answers += 1
        if depth > 0 and len(chunk) > 1:
            half = len(chunk) // 2
            _label_chunk(labeller, chunk[:half], repeat, cache, usage, depth - 1)
            _label_chunk(labeller, chunk[half:], repeat, cache, usage, depth - 1)
            return
        if depth > 0:
            _label_chunk(labeller, chunk, repeat, cache, usage, depth - 1)
            return
        for text in chunk:
            cache.entries[LabelCache.key(labeller, repeat, text)] = (UNLABELLED, str(err))
            usage.unlabelled += 1
        return
    for item in items:
        cache.entries[LabelCache.key(labeller, repeat, item["text"])] = (labels[item["id"]], "")
