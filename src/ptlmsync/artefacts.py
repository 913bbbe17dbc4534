"""Artefact kinds of the files a commit changes (``data/artefact_kinds.yaml``; docs/method.md,
section 8): weights, tokenizer, model card / docs, … Used by the propagation analysis
and by the labelling (the offline labeller's file fallback, Unlabelled commits by kind)."""

from __future__ import annotations

import fnmatch
from functools import cache
from importlib import resources

import yaml

OTHER = "other"


@cache
def kind_patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(kind, patterns) in the order of ``data/artefact_kinds.yaml``."""
    raw = yaml.safe_load(
        resources.files("ptlmsync").joinpath("data/artefact_kinds.yaml").read_text()
    )
    return tuple((k["kind"], tuple(p.lower() for p in k["patterns"])) for k in raw["kinds"])


def kinds() -> list[str]:
    return [kind for kind, _ in kind_patterns()] + [OTHER]


@cache
def kind_of(path: str) -> str:
    """The artefact kind of one path (the first kind whose pattern matches)."""
    path = path.lower().lstrip("/")
    name = path.rsplit("/", 1)[-1]
    for kind, patterns in kind_patterns():
        for pattern in patterns:
            if fnmatch.fnmatchcase(path if "/" in pattern else name, pattern):
                return kind
    return OTHER


def parse_files(files) -> list[tuple[str, str]]:
    """``"<A|M|D|T>\\t<path>"`` lines as (change, path) pairs; none where unknown."""
    if not isinstance(files, str) or not files:
        return []
    return [tuple(line.split("\t", 1)) for line in files.split("\n") if "\t" in line]
