"""Contributors of a family on each platform and those present on both (docs/method.md, section 1,
"Contributors").

A contributor is shared when a GH author's GitHub login is the login an HF author's HF
profile links: GitHub logins are compared with GitHub logins, never names with logins.
Where a family's logins cannot all be known (a GH author known by name only, an HF author
whose profile was not read), its shared contributors are *unavailable*: the count is
missing and ``shared_status`` says why; it is never reported as "none".
"""

from __future__ import annotations

import pandas as pd

from ptlmsync.vocab import Platform

CONTRIBUTOR_COLUMNS = [
    "family",
    "gh_authors",
    "hf_authors",
    "shared_authors",
    "n_gh_authors",
    "n_hf_authors",
    "n_shared_authors",
    "n_gh_authors_login",
    "n_gh_authors_name_only",
    "n_hf_authors_linked",
    "n_hf_authors_unread",
    "shared_status",
]
#: Counts by what is known of the authors (missing where a source does not say).
COUNTS_BY_IDENTITY = [
    "n_gh_authors_login",
    "n_gh_authors_name_only",
    "n_hf_authors_linked",
    "n_hf_authors_unread",
]
SEPARATOR = ";"
AVAILABLE = "available"
UNAVAILABLE = "unavailable"


def _split(value) -> list[str]:
    return [v.strip() for v in value.split(",")] if isinstance(value, str) else []


def _column(commits: pd.DataFrame, name: str) -> pd.Series:
    return commits[name] if name in commits.columns else pd.Series(None, commits.index, object)


def gh_identities(commits: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Distinct GH authors: key -> (how they are known: login / no_account / name, as
    whom: the login, else the name). A login is one person however it is spelt."""
    gh = commits[commits["platform"] == Platform.GH]
    people: dict[str, tuple[str, str]] = {}
    for author, login, identity in zip(
        gh["author"], _column(gh, "author_github"), _column(gh, "author_identity"), strict=True
    ):
        login = login if isinstance(login, str) and login.strip() else author
        if identity == "login" and isinstance(login, str) and login.strip():
            people.setdefault(f"login:{login.strip().lower()}", ("login", login.strip()))
        elif isinstance(author, str) and author.strip():
            kind = "no_account" if identity == "no_account" else "name"
            key = f"name:{author.strip()}"
            if key not in people or kind == "name":  # resolved only if every commit is
                people[key] = (kind, author.strip())
    return people


def hf_identities(commits: pd.DataFrame) -> dict[str, str | None]:
    """Distinct HF authors -> the GitHub login their HF profile links ("" for none; None
    where the profile was not read)."""
    hf = commits[commits["platform"] == Platform.HF]
    users: dict[str, str | None] = {}
    for authors, logins, identities in zip(
        hf["author"], _column(hf, "author_github"), _column(hf, "author_identity"), strict=True
    ):
        names, links, kinds = _split(authors), _split(logins), _split(identities)
        for i, user in enumerate(names):
            if not user:
                continue
            read = i < len(kinds) and kinds[i] == "profile"
            link = links[i] if read and i < len(links) else ""
            if not read:
                users.setdefault(user, None)
            elif users.get(user) in (None, ""):
                users[user] = link
    return users


def family_contributors(commits: pd.DataFrame) -> dict:
    """GH authors, HF authors and shared ones (sorted lists), their counts by what is
    known of them, and ``shared_status`` (``available``, or ``unavailable: <reason>``)."""
    gh = gh_identities(commits)
    hf = hf_identities(commits)
    gh_logins = {who.lower(): who for kind, who in gh.values() if kind == "login"}
    shared = sorted(
        {gh_logins[link.lower()] for link in hf.values() if link and link.lower() in gh_logins}
    )
    name_only = sum(kind == "name" for kind, _ in gh.values())
    unread = sum(link is None for link in hf.values())
    reasons = []
    if gh and hf:  # with no author on one side nobody is on both: none, whatever is known
        if name_only == len(gh):
            reasons.append("no GitHub logins for GH authors")
        elif name_only:
            reasons.append(f"{name_only} of {len(gh)} GH authors known by name only")
        if unread == len(hf):
            reasons.append("no HF profile data for HF authors")
        elif unread:
            reasons.append(f"{unread} of {len(hf)} HF authors without HF profile data")
    return {
        "gh_authors": sorted(who for _, who in gh.values()),
        "hf_authors": sorted(hf),
        "shared_authors": shared,
        "n_gh_authors_login": len(gh_logins),
        "n_gh_authors_name_only": name_only,
        "n_hf_authors_linked": sum(bool(link) for link in hf.values()),
        "n_hf_authors_unread": unread,
        "shared_status": f"{UNAVAILABLE}: {'; '.join(reasons)}" if reasons else AVAILABLE,
    }


def shared_available(status) -> bool:
    """True where a family's shared contributors were counted (a missing status: the
    study's own comparison, e.g. the replication)."""
    return not isinstance(status, str) or not status.startswith(UNAVAILABLE)


def contributor_row(family: str, sets: dict) -> dict:
    """One row of ``contributors.csv``: the sets joined by ';' plus their sizes.

    Where ``shared_status`` is unavailable, ``n_shared_authors`` is missing (the shared
    authors found are listed all the same: a lower bound); counts not given are missing
    and a missing status is ``available`` (the study's published comparison)."""
    row = {"family": family}
    for key in ("gh_authors", "hf_authors", "shared_authors"):
        row[key] = SEPARATOR.join(sets[key])
        row[f"n_{key}"] = len(sets[key])
    status = sets.get("shared_status", AVAILABLE)
    if not shared_available(status):
        row["n_shared_authors"] = None
    for key in COUNTS_BY_IDENTITY:
        row[key] = sets.get(key)
    row["shared_status"] = status
    return {column: row[column] for column in CONTRIBUTOR_COLUMNS}


def shared_level(n_shared) -> str | None:
    """none / single / multiple; None where the count is missing (unavailable), so that
    a table of levels leaves the family out instead of counting it as "none"."""
    if n_shared is None or pd.isna(n_shared):
        return None
    return "none" if n_shared == 0 else "single" if n_shared == 1 else "multiple"
