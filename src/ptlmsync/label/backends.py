"""The labellers behind one interface (:class:`Labeller`): the offline rules, Gemini and
any OpenAI-compatible endpoint, and the factory that makes the one ``label.backend``
names. A labeller turns a chunk of (key, cleaned text) into a raw answer; checking it,
chunking, retries and the cache are shared (:mod:`ptlmsync.label.engine`)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

import pandas as pd

from ptlmsync.artefacts import kind_of, parse_files
from ptlmsync.label.options import LabelOptions
from ptlmsync.label.prompts import (
    PROMPTS,
    Answer,
    DetailedPrompt,
    StudyPrompt,
    digest,
    prompt_version,
)
from ptlmsync.label.rules import is_vague, rule_label
from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy


class Labeller(Protocol):
    name: str
    model: str
    #: Part of every cache key: a changed model, prompt, setting or rule is a new question.
    version: str
    #: Answers cost a request: keep them in the on-disk label cache.
    remote: bool

    def ask(self, items: list[dict]) -> Answer:
        """Label ``items`` ([{"id", "text"}]) in one request."""


@cache
def rules_version() -> str:
    """The offline labeller's version: the taxonomy file and the rule code, hashed."""
    import inspect

    from ptlmsync.label import rules

    taxonomy = resources.files("ptlmsync").joinpath("data/taxonomy.yaml").read_text()
    return f"rules-{digest(taxonomy, inspect.getsource(rules))}"


class AttemptCounter:
    """An httpx request hook counting the HTTP attempts a client sends, its own retries
    included (they happen inside the SDK, out of the labeller's sight)."""

    def __init__(self):
        self.total = 0

    def __call__(self, request) -> None:
        self.total += 1


class OfflineLabeller:
    """No network: the taxonomy's ordered rules (:mod:`ptlmsync.label.rules`); what no
    rule decides stays Unlabelled with its reason."""

    name = "offline"
    remote = False  # cheaper to recompute than to read from disk

    def __init__(self):
        self.model = "rules"
        self.version = rules_version()


def label_from_files(files) -> str | None:
    """The change type of a commit whose changed files are all of one artefact kind (the
    taxonomy's ``file_kinds``); None where files are unknown, mixed or of no such kind."""
    kinds = {kind_of(path) for _, path in parse_files(files)}
    return load_taxonomy().file_kinds.get(kinds.pop()) if len(kinds) == 1 else None


def offline_label(text: str) -> tuple[str, str]:
    """(label, reason) of one cleaned text: the reason says why it stayed Unlabelled."""
    decided = rule_label(text)
    if decided:
        return decided[0], ""
    return UNLABELLED, "no rule matched" + ("; too little text" if is_vague(text) else "")


def label_by_files(labels: pd.DataFrame, files: pd.Series) -> None:
    """Label in place the Unlabelled commits whose files decide (one artefact kind)."""
    undecided = labels["label"] == UNLABELLED
    by_files = files[undecided].map(label_from_files)
    decided = by_files.dropna()
    labels.loc[decided.index, "label"] = decided
    labels.loc[decided.index, "reason"] = ""


class GeminiLabeller:
    """Gemini through the google-genai SDK, with structured output (an enum of the types).

    ``generation``: GenerateContentConfig settings (temperature, top_p, …); none given
    means the provider's defaults, as in the study."""

    name = "gemini"
    remote = True

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        attempts: int = 5,
        initial_delay: float = 1.0,
        prompt: str = "study",
        generation: dict | None = None,
    ):
        from google import genai
        from google.genai import types

        self.model, self._types = model, types
        self.http_attempts = AttemptCounter()
        self.prompt, self.generation = PROMPTS[prompt], dict(generation or {})
        self.version = _remote_version(model, self.prompt, self.generation)
        options = types.HttpOptions(
            base_url=base_url,
            api_version="v1beta",
            retry_options=types.HttpRetryOptions(
                attempts=attempts,
                initial_delay=initial_delay,
                http_status_codes=[429, 500, 502, 503, 504],
            ),
            client_args={"event_hooks": {"request": [self.http_attempts]}},
        )
        self.client = genai.Client(api_key=_secret("GEMINI_API_KEY"), http_options=options)

    def ask(self, items: list[dict]) -> Answer:
        before = self.http_attempts.total
        config = self._types.GenerateContentConfig(
            system_instruction=self.prompt.system(),
            response_mime_type="application/json",
            response_schema=self.prompt.schema(),
            **self.generation,
        )
        response = self.client.models.generate_content(
            model=self.model, contents=self.prompt.user(items), config=config
        )
        candidate = (response.candidates or [None])[0]
        reason = getattr(getattr(candidate, "finish_reason", None), "name", None) or "STOP"
        usage = response.usage_metadata
        return Answer(
            response.text or "",
            reason,
            getattr(usage, "prompt_token_count", 0) or 0,
            getattr(usage, "candidates_token_count", 0) or 0,
            self.http_attempts.total - before,
        )


class OpenAICompatibleLabeller:
    """Any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, …) via the openai SDK.

    ``generation``: chat-completion settings (temperature, top_p, max_tokens, …); none
    given means the server's defaults."""

    name = "openai_compatible"
    remote = True

    def __init__(
        self,
        model: str,
        base_url: str,
        max_retries: int = 5,
        prompt: str = "study",
        generation: dict | None = None,
    ):
        from openai import DefaultHttpxClient, OpenAI

        self.model = model
        self.http_attempts = AttemptCounter()
        self.prompt, self.generation = PROMPTS[prompt], dict(generation or {})
        self.version = _remote_version(model, self.prompt, self.generation)
        self.client = OpenAI(
            base_url=base_url,
            max_retries=max_retries,
            api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
            http_client=DefaultHttpxClient(event_hooks={"request": [self.http_attempts]}),
        )

    def ask(self, items: list[dict]) -> Answer:
        before = self.http_attempts.total
        response = self.client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": self.prompt.system()},
                {"role": "user", "content": self.prompt.user(items)},
            ],
            **self.generation,
        )
        choice = response.choices[0]
        usage = response.usage
        return Answer(
            choice.message.content or "",
            choice.finish_reason or "stop",
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            self.http_attempts.total - before,
        )


def _remote_version(model: str, prompt, generation: dict) -> str:
    return f"{model}|{prompt_version(prompt)}|{digest(json.dumps(generation, sort_keys=True))}"


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"the labeller needs the environment variable {name}")
    return value


@dataclass(frozen=True)
class LabellerIdentity:
    """What keys a remote labeller's answers in the cache, known without a client or a
    secret (the cost plan reads the cache with it)."""

    name: str
    model: str
    version: str
    prompt: StudyPrompt | DetailedPrompt
    remote: bool = True


def labeller_identity(options: LabelOptions) -> Labeller:
    """The labeller ``label.backend`` names, as the cache knows it: the offline labeller
    itself, or a remote one's name, model and version (no client is made)."""
    if options.backend == "offline":
        return OfflineLabeller()
    if options.backend not in ("gemini", "openai_compatible"):
        raise ValueError(f"config key 'label.backend': unknown labeller {options.backend!r}")
    model = options.backend_spec["model"]
    prompt = PROMPTS[options.prompt]
    version = _remote_version(model, prompt, options.generation or {})
    return LabellerIdentity(options.backend, model, version, prompt)


def make_labeller(options: LabelOptions) -> Labeller:
    """The labeller ``label.backend`` names, configured from ``label:``."""
    identity = labeller_identity(options)  # an unknown backend fails here
    if not identity.remote:
        return identity
    asking = {"prompt": options.prompt, "generation": options.generation or {}}
    spec = options.backend_spec
    if identity.name == "gemini":
        return GeminiLabeller(spec["model"], spec.get("base_url"), **asking)
    if not spec.get("base_url"):
        raise ValueError(
            "config key 'label.openai_compatible.base_url': required for the "
            "openai_compatible labeller"
        )
    return OpenAICompatibleLabeller(spec["model"], spec["base_url"], **asking)
