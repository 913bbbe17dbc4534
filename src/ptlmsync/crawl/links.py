"""The link heuristic: from a model card to the model's upstream GitHub repository (1b)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pandas as pd

from ptlmsync.schemas import MANUAL_LINKS, validate

# owner/repo after github.com; the repo part stops at '/', white space, quotes, brackets
_GITHUB_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/"
    r"([A-Za-z0-9_.-]+)",
    re.IGNORECASE,
)
# github.com paths that are not user or organisation names
_RESERVED_OWNERS = {
    "about",
    "apps",
    "collections",
    "features",
    "login",
    "marketplace",
    "orgs",
    "pricing",
    "settings",
    "site",
    "sponsors",
    "topics",
    "users",
    "search",
    "notifications",
    "explore",
}
_TRAILING = ".,;:!?)]}>'\"*_`"


class Decision(StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"
    AMBIGUOUS = "ambiguous"
    MANUAL = "manual"
    EXCLUDED = "excluded"
    UNAUTHORIZED = "unauthorized"  # the card needs a token (private or gated model)


@dataclass(frozen=True)
class LinkResult:
    model_id: str
    found: tuple[str, ...]
    kept: tuple[str, ...]
    decision: Decision
    github_repo: str | None


def github_links(card: str) -> list[str]:
    """Every ``owner/repo`` linked in a card, normalised and de-duplicated (case-insensitive).

    Normalisation: host case, ``.git`` suffix, ``/tree/…``, ``/blob/…`` and any deeper path,
    query, fragment and trailing punctuation are dropped.
    """
    seen: dict[str, str] = {}
    for owner, repo in _GITHUB_LINK.findall(card or ""):
        repo = repo.split("#")[0].split("?")[0].rstrip(_TRAILING).removesuffix(".git")
        repo = repo.rstrip(_TRAILING)
        if not repo or owner.lower() in _RESERVED_OWNERS:
            continue
        seen.setdefault(f"{owner}/{repo}".lower(), f"{owner}/{repo}")
    return list(seen.values())


def keep_links(model_id: str, links: list[str]) -> list[str]:
    """Links containing the model's owner segment, else its name segment (case-insensitive)."""
    left, _, right = model_id.partition("/")
    left, right = left.lower(), right.lower()
    kept = [link for link in links if left and left in link.lower()]
    if not kept:
        kept = [link for link in links if right and right in link.lower()]
    return [link for link in kept if left in link.lower() or right in link.lower()]


def link_model(model_id: str, card: str) -> LinkResult:
    found = github_links(card)
    kept = keep_links(model_id, found)
    if len(kept) == 1:
        return LinkResult(model_id, tuple(found), tuple(kept), Decision.LINKED, kept[0])
    decision = Decision.UNLINKED if not kept else Decision.AMBIGUOUS
    return LinkResult(model_id, tuple(found), tuple(kept), decision, None)


@dataclass(frozen=True)
class ManualLink:
    model_id: str
    github_repo: str | None
    action: str  # link | exclude
    note: str


MANUAL_COLUMNS = ["model_id", "github_repo", "action", "note"]


def read_manual_links(path: str | Path) -> dict[str, ManualLink]:
    """``config/manual_links.csv``; malformed rows fail naming the file, lines and reason."""
    path = Path(path)
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column in ("model_id", "github_repo", "action"):
        if column in table:
            table[column] = table[column].str.strip()
    if "action" in table:
        table["action"] = table["action"].str.lower()
    table = validate(table, MANUAL_LINKS, str(path))
    return {
        row.model_id: ManualLink(
            row.model_id,
            row.github_repo if isinstance(row.github_repo, str) else None,
            row.action,
            row.note.strip() if isinstance(row.note, str) else "",
        )
        for row in table.itertuples(index=False)
    }


def resolve_link(result: LinkResult, manual: dict[str, ManualLink]) -> LinkResult:
    """The manual table overrides the heuristic (link or exclude)."""
    override = manual.get(result.model_id)
    if override is None:
        return result
    if override.action == "exclude":
        return LinkResult(result.model_id, result.found, result.kept, Decision.EXCLUDED, None)
    return LinkResult(
        result.model_id, result.found, result.kept, Decision.MANUAL, override.github_repo
    )


def canonical_repos(repos: pd.Series) -> pd.Series:
    """Each repository in one spelling: GitHub owner and repository names are
    case-insensitive, so ``EleutherAI/pythia`` and ``eleutherai/Pythia`` are one
    repository (one family, crawled once). The spelling most links use wins; ties go to
    the spelling that sorts first, so the choice never depends on row order."""
    if repos.empty:
        return repos
    key = repos.str.casefold()
    pairs = pd.DataFrame({"key": key.to_numpy(), "spelling": repos.to_numpy()})
    counts = pairs.groupby(["key", "spelling"]).size().rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "spelling"], ascending=[True, False, True])
    chosen = counts.drop_duplicates("key").set_index("key")["spelling"]
    return key.map(chosen)
