"""The ``label:`` config block as one typed object, its defaults from the schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ptlmsync.config import options_from_config, schema_defaults

_DEFAULTS = schema_defaults("label")


def _copy_of(key: str):
    """The factory of a block's default: a fresh copy for each options object."""
    return lambda: dict(_DEFAULTS[key] or {})


@dataclass(frozen=True)
class LabelOptions:
    """How the commits are labelled (``label:``)."""

    backend: str = _DEFAULTS["backend"]
    prompt: str = _DEFAULTS["prompt"]
    generation: dict = field(default_factory=_copy_of("generation"))
    repeats: int = _DEFAULTS["repeats"]
    commits_per_request: int = _DEFAULTS["commits_per_request"]
    gemini: dict = field(default_factory=_copy_of("gemini"))
    openai_compatible: dict = field(default_factory=_copy_of("openai_compatible"))
    text_shards: int = _DEFAULTS["text_shards"]
    plan: dict = field(default_factory=_copy_of("plan"))
    statistics_repeat: str | int = _DEFAULTS["statistics_repeat"]
    gold_table: str | None = _DEFAULTS["gold_table"]

    #: The keys whose change changes the labels (a rule that labels re-runs when one of
    #: them changes) ...
    CHANGES_LABELS: ClassVar[tuple[str, ...]] = (
        "backend",
        "prompt",
        "generation",
        "repeats",
        "commits_per_request",
        "gemini",
        "openai_compatible",
    )
    #: ... and those that do not: how the texts are split into jobs, the cost plan,
    #: which repeat the statistics use and the gold table the labels are checked against.
    LEAVES_LABELS: ClassVar[tuple[str, ...]] = (
        "text_shards",
        "plan",
        "statistics_repeat",
        "gold_table",
    )

    @classmethod
    def from_config(cls, label_config: dict | None) -> LabelOptions:
        return options_from_config(cls, "label", label_config)

    @classmethod
    def labelling_keys(cls, label_config: dict) -> dict:
        """The keys of ``label_config`` that change the labels: a labelling rule's params."""
        return {key: label_config[key] for key in cls.CHANGES_LABELS}

    @property
    def backend_spec(self) -> dict:
        """The settings of the remote backend (``label.gemini`` / ``label.openai_compatible``)."""
        return getattr(self, self.backend, None) or {}
