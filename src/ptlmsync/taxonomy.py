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
    examples: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    change_types: tuple[ChangeType, ...]
    rule_order: tuple[str, ...]
    fallback: str
    aliases: dict[str, str]

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
    types = []
    for name, spec in raw["change_types"].items():
        types.append(
            ChangeType(
                name=name,
                category=category_of[name],
                definition=spec["definition"],
                examples=tuple(spec["examples"]),
                keywords=tuple(spec["keywords"]),
            )
        )
    taxonomy = Taxonomy(
        change_types=tuple(types),
        rule_order=tuple(raw["rule_order"]),
        fallback=raw["fallback"],
        aliases={k.lower(): v for k, v in raw["aliases"].items()},
    )
    _check(taxonomy)
    return taxonomy


def _check(taxonomy: Taxonomy) -> None:
    names = set(taxonomy.names)
    if len(names) != 15 or set(taxonomy.rule_order) != names:
        raise ValueError("taxonomy.yaml: rule_order must list each of the 15 change types once")
    if taxonomy.fallback not in names or not set(taxonomy.aliases.values()) <= names:
        raise ValueError("taxonomy.yaml: fallback and aliases must name change types")


@cache
def keyword_rules() -> list[tuple[str, re.Pattern[str]]]:
    """(change type, compiled alternation of its keywords) in rule order."""
    taxonomy = load_taxonomy()
    by_name = {ct.name: ct for ct in taxonomy.change_types}
    return [
        (name, re.compile("|".join(f"(?:{k})" for k in by_name[name].keywords), re.IGNORECASE))
        for name in taxonomy.rule_order
    ]
