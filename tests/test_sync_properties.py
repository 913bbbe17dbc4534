"""Invariants of the synchronisation coding (property-based)."""

import pandas as pd
from helpers.frames import make_commits
from hypothesis import given, settings
from hypothesis import strategies as st

from ptlmsync.sync import SyncParams, code_family, family_activity
from ptlmsync.vocab import PATTERN_NAMES, UNNAMED

P = SyncParams()
SERIES = st.sampled_from(["GH", "m/a", "m/b", "m/c", "m/d"])
ROWS = st.lists(st.tuples(SERIES, st.integers(0, 400), st.integers(0, 23)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_complete_sync_means_every_hf_period_is_a_gh_period(rows):
    commits = make_commits(*rows)
    row = code_family(commits, P)
    act = family_activity(commits, P)
    if row["sync_type"] == "CS":
        assert act.hf_union <= act.gh
    if act.hf and act.hf_union <= act.gh:
        assert row["sync_type"] == "CS"


@settings(max_examples=200, deadline=None)
@given(ROWS, st.data())
def test_extra_gh_commit_in_an_active_gh_period_changes_nothing(rows, data):
    commits = make_commits(*rows)
    act = family_activity(commits, P)
    if not act.gh:
        return
    t0 = commits["date"].min()
    period = data.draw(st.sampled_from(sorted(act.gh)))
    offset = data.draw(st.integers(0, 14 * 24 - 1))
    extra = make_commits(("GH", 0))
    extra["date"] = t0 + pd.Timedelta(days=period * 14, hours=offset)
    more = pd.concat([commits, extra], ignore_index=True)
    before, after = code_family(commits, P), code_family(more, P)
    for key in (
        "lag",
        "sync_type",
        "intensity",
        "code",
        "early_code",
        "late_code",
        "n_coactive_periods",
    ):
        assert before[key] == after[key]


@settings(max_examples=200, deadline=None)
@given(ROWS, st.integers(-50, 50))
def test_shifting_all_commits_by_whole_windows_changes_nothing(rows, k):
    commits = make_commits(*rows)
    shifted = commits.assign(date=commits["date"] + pd.Timedelta(days=14 * k))
    a, b = code_family(commits, P), code_family(shifted, P)
    for key in ("lag", "code", "pattern", "early_code", "late_code", "n_coactive_periods"):
        assert a[key] == b[key]


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_every_family_gets_exactly_one_known_code(rows):
    row = code_family(make_commits(*rows), P)
    assert isinstance(row["code"], str)
    assert row["code"] == "NA" or row["code"] == row["sync_type"] + row["intensity"]
    assert row["pattern"] == PATTERN_NAMES.get(row["code"], row["pattern"])
    assert row["pattern"] in {*PATTERN_NAMES.values(), UNNAMED, "Not applicable"}
    assert not (row["sync_type"] in ("AS", "VS") and row["intensity"] == "F")
