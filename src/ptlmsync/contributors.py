"""Contributors of a family on each platform and those present on both (docs/method.md, section 1,
"Contributors").
"""

from __future__ import annotations

import pandas as pd

CONTRIBUTOR_COLUMNS = [
    "family",
    "gh_authors",
    "hf_authors",
    "shared_authors",
    "n_gh_authors",
    "n_hf_authors",
    "n_shared_authors",
]
SEPARATOR = ";"


def profile_links(commits: pd.DataFrame) -> dict[str, str]:
    """HF user -> GitHub login from the ``author_github`` column (aligned with ``author``)."""
    if "author_github" not in commits.columns:
        return {}
    hf = commits[(commits["platform"] == "HF") & commits["author_github"].notna()]
    pairs = {}
    for authors, logins in zip(hf["author"], hf["author_github"], strict=True):
        for user, login in zip(str(authors).split(","), str(logins).split(","), strict=False):
            if user.strip() and login.strip():
                pairs[user.strip()] = login.strip()
    return pairs


def family_contributors(commits: pd.DataFrame, hf_to_gh: dict[str, str] | None = None) -> dict:
    """GH authors, HF authors and shared ones (sorted lists).

    HF user names are mapped to GH logins with ``hf_to_gh`` (default: the commits'
    ``author_github`` column, from HF profiles) where a profile links one. Without profile
    data (no such column), a HF user and a GH login with the same handle (ignoring case)
    are taken to be the same person.
    """
    if hf_to_gh is None and "author_github" in commits.columns:
        hf_to_gh = profile_links(commits)
        by_profile_only = True
    else:
        by_profile_only = False
    hf_to_gh = {k.lower(): v.lower() for k, v in (hf_to_gh or {}).items()}
    gh = {a.strip() for a in commits.loc[commits["platform"] == "GH", "author"].dropna()}
    hf = {
        a.strip()
        for authors in commits.loc[commits["platform"] == "HF", "author"].dropna()
        for a in str(authors).split(",")
        if a.strip()
    }
    gh_by_handle = {a.lower(): a for a in gh}
    # with profile data only linked profiles count; without it (e.g. the demo) same handles do
    shared = {
        gh_by_handle[h]
        for a in hf
        if (h := hf_to_gh.get(a.lower(), None if by_profile_only else a.lower())) in gh_by_handle
    }
    return {"gh_authors": sorted(gh), "hf_authors": sorted(hf), "shared_authors": sorted(shared)}


def contributor_row(family: str, sets: dict) -> dict:
    """One row of ``contributors.csv``: the sets joined by ';' plus their sizes."""
    row = {"family": family}
    for key in ("gh_authors", "hf_authors", "shared_authors"):
        row[key] = SEPARATOR.join(sets[key])
        row[f"n_{key}"] = len(sets[key])
    return row


def shared_level(n_shared: int) -> str:
    return "none" if n_shared == 0 else "single" if n_shared == 1 else "multiple"
