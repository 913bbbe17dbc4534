"""The bill of a labelling run before it is paid (``snakemake label_plan``).

Per labelling run: the distinct texts, those already answered in the cache, the
requests still to make (the chunks the shards will send: ceil(texts / chunk size) per
shard), and their input and output tokens, priced where the config gives prices. No
request is made. Tokens are counted with a tokenizer file where one is given (the
``tokenizer.json`` of the model behind an OpenAI-compatible server is exact for it),
else estimated as characters / 4 — the rule of thumb both OpenAI and Google state for
English text; the plan names which. Not counted: the few tokens a chat template adds
around each message, and retries (the usage after the run has those).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from ptlmsync.label.cache import LabelCache
from ptlmsync.label.engine import request_items, uncached
from ptlmsync.label.taxonomy import load_taxonomy

CHARS_PER_TOKEN = 4

PLAN_COLUMNS = [
    "repeat",
    "labeller",
    "model",
    "prompt",
    "distinct_texts",
    "cached_texts",
    "texts_to_ask",
    "requests",
    "input_tokens",
    "output_tokens",
    "cost",
    "token_count",
]


def token_counter(tokenizer: str | Path | None) -> tuple[Callable[[str], int], str]:
    """A function counting a text's tokens, and how it counts (for the plan)."""
    if tokenizer is None:
        return (lambda text: math.ceil(len(text) / CHARS_PER_TOKEN)), "estimate: characters / 4"
    from tokenizers import Tokenizer

    try:
        loaded = Tokenizer.from_file(str(tokenizer))
    except Exception as err:
        raise ValueError(
            f"config key 'label.plan.tokenizer': cannot read {tokenizer}: {err}"
        ) from None
    loaded.no_padding()  # a tokenizer file may pad or cut to its model's input length
    loaded.no_truncation()
    return (
        lambda text: len(loaded.encode(text, add_special_tokens=False).ids),
        f"tokenizer {Path(tokenizer).name}",
    )


def request_tokens(
    prompt, chunk: list[str], count: Callable[[str], int], system_tokens: int
) -> tuple[int, int]:
    """Input and output tokens of one request: the instruction (``system_tokens``, the
    same in every request) and the commits in, the answer the prompt asks for out
    (labelled with the longest type name: an upper bound for an answer as asked)."""
    items = request_items(chunk)
    longest = max(load_taxonomy().names, key=len)
    return (
        system_tokens + count(prompt.user(items)),
        count(prompt.expected_answer(items, longest)),
    )


def plan_repeat(
    labeller,
    shards: Iterable[list[str]],
    repeat: int,
    cache: LabelCache,
    chunk_size: int,
    count: Callable[[str], int],
) -> dict:
    """One run's row of the plan: the texts of every shard (distinct within it), asked
    in chunks of ``chunk_size`` as :func:`ptlmsync.label.engine.label_texts` asks them."""
    row = dict.fromkeys(["distinct_texts", "texts_to_ask", "requests"], 0)
    row |= {"input_tokens": 0, "output_tokens": 0}
    system_tokens = count(labeller.prompt.system()) if labeller.remote else 0
    for texts in shards:
        todo = uncached(labeller, texts, repeat, cache) if labeller.remote else []
        row["distinct_texts"] += len(texts)
        row["texts_to_ask"] += len(todo)
        for start in range(0, len(todo), chunk_size):
            tokens_in, tokens_out = request_tokens(
                labeller.prompt, todo[start : start + chunk_size], count, system_tokens
            )
            row["requests"] += 1
            row["input_tokens"] += tokens_in
            row["output_tokens"] += tokens_out
    row["cached_texts"] = row["distinct_texts"] - row["texts_to_ask"] if labeller.remote else 0
    return row


def price(input_tokens: int, output_tokens: int, prices: dict) -> float:
    """The cost at ``prices`` (per million input and output tokens); NaN without prices."""
    per_input = prices.get("input_price_per_million_tokens")
    per_output = prices.get("output_price_per_million_tokens")
    if per_input is None or per_output is None:
        return math.nan
    return (input_tokens * per_input + output_tokens * per_output) / 1e6


def plan_labelling(
    labeller,
    shards: list[list[str]],
    repeats: int,
    cache: LabelCache,
    chunk_size: int,
    plan_config: dict,
) -> pd.DataFrame:
    """The plan: one row per repeat of the labelling (see the module's docstring)."""
    count, how = token_counter(plan_config.get("tokenizer"))
    rows = []
    for repeat in range(1, repeats + 1):
        row = plan_repeat(labeller, shards, repeat, cache, chunk_size, count)
        rows.append(
            row
            | {
                "repeat": repeat,
                "labeller": labeller.name,
                "model": labeller.model,
                "prompt": labeller.prompt.name if labeller.remote else "",
                "cost": price(row["input_tokens"], row["output_tokens"], plan_config)
                if labeller.remote
                else 0.0,
                "token_count": how if labeller.remote else "",
            }
        )
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)
