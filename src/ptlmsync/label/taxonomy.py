"""The change-type taxonomy, loaded from ``data/taxonomy.yaml`` (the one place it is defined)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

UNLABELLED = "Unlabelled"


@dataclass(frozen=True)
class ChangeType:
    name: str
    category: str
    definition: str
    #: the example messages of the study's prompt, verbatim
    study_examples: tuple[str, ...]
    #: our own examples
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One offline-labelling rule: any of its patterns matching gives its change type."""

    change_type: str
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Taxonomy:
    change_types: tuple[ChangeType, ...]
    rules: tuple[Rule, ...]
    aliases: dict[str, str]
    #: artefact kind -> change type, for commits no rule decides (one kind changed)
    file_kinds: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [ct.name for ct in self.change_types]

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(ct.category for ct in self.change_types))

    def category_of(self, change_type: str) -> str:
        for ct in self.change_types:
            if ct.name == change_type:
                return ct.category
        raise KeyError(f"unknown change type {change_type!r}; expected one of {self.names}")

    def normalise(self, answer: str) -> str:
        """Map a labeller's answer onto the taxonomy (case-insensitive, known aliases)."""
        key = answer.strip().lower()
        for name in self.names:
            if name.lower() == key:
                return name
        if key in self.aliases:
            return self.aliases[key]
        raise ValueError(f"label {answer!r} is not a change type; expected one of {self.names}")


@cache
def load_taxonomy() -> Taxonomy:
    raw = yaml.safe_load(resources.files("ptlmsync").joinpath("data/taxonomy.yaml").read_text())
    category_of = {name: cat for cat, names in raw["categories"].items() for name in names}
    types = [
        ChangeType(
            name=name,
            category=category_of[name],
            definition=spec["definition"],
            study_examples=tuple(spec["study_examples"]),
            examples=tuple(spec["examples"]),
        )
        for name, spec in raw["change_types"].items()
    ]
    rules = [
        Rule(
            rule["type"],
            rule["name"],
            re.compile("|".join(f"(?:{p})" for p in rule["match"]), re.IGNORECASE),
        )
        for rule in raw["rules"]
    ]
    taxonomy = Taxonomy(
        change_types=tuple(types),
        rules=tuple(rules),
        aliases={k.lower(): v for k, v in raw["aliases"].items()},
        file_kinds=dict(raw["file_kinds"]),
    )
    _check(taxonomy)
    return taxonomy


def _check(taxonomy: Taxonomy) -> None:
    names = set(taxonomy.names)
    if len(names) != 15:
        raise ValueError("taxonomy.yaml: expected the 15 change types of the study")
    unknown = ({r.change_type for r in taxonomy.rules} | set(taxonomy.file_kinds.values())) - names
    if unknown or not set(taxonomy.aliases.values()) <= names:
        raise ValueError(f"taxonomy.yaml: rules and aliases must name change types ({unknown})")
