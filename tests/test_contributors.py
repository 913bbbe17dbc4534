"""Contributor sets per family (docs/method.md, section 1, "Contributors")."""

import pandas as pd

from ptlmsync.contributors import contributor_row, family_contributors, shared_level


def commits():
    return pd.DataFrame(
        {
            "platform": ["GH", "GH", "GH", "HF", "HF"],
            "author": ["Alice", "bob", None, "alice, carol", "dave"],
        }
    )


def test_shared_contributors_match_handles_ignoring_case():
    sets = family_contributors(commits())
    assert sets == {
        "gh_authors": ["Alice", "bob"],
        "hf_authors": ["alice", "carol", "dave"],
        "shared_authors": ["Alice"],
    }


def test_hf_profiles_linking_a_github_login_are_used():
    sets = family_contributors(commits(), hf_to_gh={"dave": "BOB"})
    assert sets["shared_authors"] == ["Alice", "bob"]


def test_row_and_levels():
    row = contributor_row("f", family_contributors(commits()))
    assert row["gh_authors"] == "Alice;bob" and row["n_hf_authors"] == 3
    assert [shared_level(n) for n in (0, 1, 5)] == ["none", "single", "multiple"]


def test_profile_links_from_the_author_github_column():
    df = commits().assign(author_github=["Alice", "bob", None, ",", "BOB"])
    sets = family_contributors(df)
    assert sets["shared_authors"] == ["bob"]  # dave's profile links bob; alice links nothing
