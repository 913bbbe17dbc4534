"""Contributor sets per family (docs/method.md, section 1, "Contributors"): GitHub logins
compared with GitHub logins; unavailable, never "none", where logins cannot be known."""

import pandas as pd
import pytest

from ptlmsync.contributors import (
    CONTRIBUTOR_COLUMNS,
    contributor_row,
    family_contributors,
    shared_level,
)


def gh(author, identity, login=None):
    """A GH commit as snapshot.family_commits writes it."""
    login = author if identity == "login" and login is None else login
    return ("GH", author, login, identity)


def hf(authors, links, identities):
    """An HF commit: comma-separated authors, their profiles' links, what was read."""
    return ("HF", authors, links, identities)


def commits(*rows):
    return pd.DataFrame(rows, columns=["platform", "author", "author_github", "author_identity"])


#: Worked out by hand: GH authors are the logins alice-gh and ThomWolf and Bob, whom
#: GitHub links to no account. HF: alice's profile links alice-gh, thom's thomwolf
#: (another spelling of ThomWolf), dave's none. Shared: alice-gh and ThomWolf.
FAMILY = commits(
    gh("alice-gh", "login"),
    gh("alice-gh", "login"),
    gh("ThomWolf", "login"),
    gh("Bob B", "no_account"),
    gh(None, None),
    hf("alice,thom", "alice-gh,thomwolf", "profile,profile"),
    hf("dave", "", "profile"),
)


def test_shared_contributors_are_github_logins_on_both_sides():
    sets = family_contributors(FAMILY)
    assert sets["gh_authors"] == ["Bob B", "ThomWolf", "alice-gh"]
    assert sets["hf_authors"] == ["alice", "dave", "thom"]
    assert sets["shared_authors"] == ["ThomWolf", "alice-gh"]  # logins ignore case
    assert sets["shared_status"] == "available"
    assert (sets["n_gh_authors_login"], sets["n_gh_authors_name_only"]) == (2, 0)
    assert (sets["n_hf_authors_linked"], sets["n_hf_authors_unread"]) == (2, 0)
    row = contributor_row("f", sets)
    assert list(row) == CONTRIBUTOR_COLUMNS
    assert row["shared_authors"] == "ThomWolf;alice-gh" and row["n_shared_authors"] == 2
    assert (row["n_gh_authors"], row["n_hf_authors"]) == (3, 3)


def test_a_name_never_meets_a_login_and_the_user_name_is_not_a_login():
    # the git backend's "Thomas Wolf" is not thom's linked login; "dave" on GH is a name
    # and HF dave's profile links nothing: nobody is matched by name or handle
    sets = family_contributors(
        commits(
            gh("alice-gh", "login"),
            gh("dave", "no_account"),
            hf("thom,dave", "thomwolf,", "profile,profile"),
        )
    )
    assert sets["shared_authors"] == [] and sets["shared_status"] == "available"
    assert contributor_row("f", sets)["n_shared_authors"] == 0  # known to be none


def test_a_family_whose_gh_authors_have_no_logins_is_unavailable_not_none():
    sets = family_contributors(
        commits(gh("Thomas Wolf", "name"), hf("thom", "thomwolf", "profile"))
    )
    assert sets["shared_status"] == "unavailable: no GitHub logins for GH authors"
    row = contributor_row("f", sets)
    assert row["n_shared_authors"] is None and row["n_gh_authors_name_only"] == 1
    assert shared_level(row["n_shared_authors"]) is None  # left out, never "none"


def test_some_gh_authors_by_name_only_or_unread_hf_profiles_make_it_unavailable():
    sets = family_contributors(
        commits(
            gh("alice-gh", "login"),
            gh("Thomas Wolf", "name"),
            gh("Thomas Wolf", "no_account"),  # one commit unresolved: still a name only
            hf("alice,eve", "alice-gh,", "profile,name"),
        )
    )
    assert sets["shared_status"] == (
        "unavailable: 1 of 2 GH authors known by name only; "
        "1 of 2 HF authors without HF profile data"
    )
    row = contributor_row("f", sets)
    assert row["shared_authors"] == "alice-gh"  # found all the same: a lower bound
    assert row["n_shared_authors"] is None


def test_without_identity_columns_nothing_can_be_compared():
    # a snapshot without logins (no author_identity, no hf_users.csv)
    bare = pd.DataFrame({"platform": ["GH", "HF"], "author": ["alice", "alice"]})
    sets = family_contributors(bare)
    assert sets["shared_status"] == (
        "unavailable: no GitHub logins for GH authors; no HF profile data for HF authors"
    )


def test_with_nobody_on_one_platform_none_is_known():
    sets = family_contributors(commits(gh("Thomas Wolf", "name")))
    assert sets["shared_status"] == "available" and sets["shared_authors"] == []
    assert contributor_row("f", sets)["n_shared_authors"] == 0


@pytest.mark.parametrize(
    ("n", "level"),
    [(0, "none"), (1, "single"), (5, "multiple"), (1.0, "single"), (None, None)],
)
def test_levels_leave_a_missing_count_out(n, level):
    assert shared_level(n) == level
    assert shared_level(float("nan")) is None and shared_level(pd.NA) is None


def test_the_studys_sets_are_available_by_default():
    row = contributor_row("f", {"gh_authors": ["a"], "hf_authors": ["a"], "shared_authors": ["a"]})
    assert row["shared_status"] == "available" and row["n_shared_authors"] == 1
    assert row["n_gh_authors_login"] is None  # the study's file does not say


def test_a_csv_round_trip_keeps_unavailable_families_out_of_the_levels(tmp_path):
    rows = [
        contributor_row("known", family_contributors(FAMILY)),
        contributor_row(
            "unknown", family_contributors(commits(gh("X", "name"), hf("x", "x", "profile")))
        ),
    ]
    pd.DataFrame(rows, columns=CONTRIBUTOR_COLUMNS).to_csv(tmp_path / "c.csv", index=False)
    table = pd.read_csv(tmp_path / "c.csv").set_index("family")
    levels = table["n_shared_authors"].map(shared_level)
    assert levels["known"] == "multiple" and pd.isna(levels["unknown"])
    assert table.loc["unknown", "shared_status"].startswith("unavailable")
    # what the statistics make of it (the tabulate_similarity rule's tables): one family counted
    from ptlmsync import stats

    similarity = pd.DataFrame({"family": ["known", "unknown"], "jaccard": [0.5, 0.0]})
    table = stats.similarity_by(similarity, levels, "shared_contributors", stats.SHARED_LEVELS)
    assert table["n"].sum() == 1
    assert table.loc[table["shared_contributors"] == "none", "n"].sum() == 0


def test_the_families_with_known_shared_contributors_are_counted_with_the_absent_ones():
    import pandas as pd

    from ptlmsync.numbers import shared_contributor_numbers

    table = pd.DataFrame({"family": ["a", "b"], "n_shared_authors": [0, 2]})
    assert shared_contributor_numbers(table, 2)["text"] == "they are known for all 2 families"
    # the study's files: 306 rows for 325 families; here 2 rows for 5
    absent = shared_contributor_numbers(table, 5)
    assert absent["n_absent"] == 3
    assert absent["text"] == (
        "they are known for 2 families; 3 of the 5 analysed families have no row in the "
        "contributor table"
    )
    unknown = table.assign(n_shared_authors=[0, None], shared_status=["available", "x"])
    said = shared_contributor_numbers(unknown, 2)["text"]
    assert (
        said.startswith("they are known for 1 families and unknown for 1") and "no row" not in said
    )
