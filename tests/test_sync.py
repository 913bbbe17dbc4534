"""Synchronisation coding on hand-worked families (docs/method.md, section 3)."""

import pandas as pd
import pytest
from helpers.frames import make_commits

from ptlmsync.schemas import FAMILY_COMMITS, validate
from ptlmsync.sync import (
    SyncParams,
    assign_periods,
    code_family,
    family_activity,
    longest_streak,
    phase_codes,
    switch_events,
)

P = SyncParams()
W = 14


def code(*rows, params=P):
    return code_family(make_commits(*rows), params)


def periods(*rows):
    act = family_activity(make_commits(*rows), P)
    return act.gh, act.hf


# --- periods -------------------------------------------------------------------------


def test_period_boundary_exactly_one_window_after_t0():
    gh, hf = periods(("GH", 0), ("m/a", 13, 23), ("m/b", 14))
    assert gh == {0}
    assert hf == {"m/a": {0}, "m/b": {1}}


def test_period_counts_whole_elapsed_days_not_calendar_days():
    # t0 at 23:00; 14 days later at 22:00 is only 13 whole days -> still period 0
    dates = pd.Series(
        pd.to_datetime(["2024-01-01 23:00", "2024-01-15 22:00", "2024-01-15 23:00"], utc=True)
    )
    assert assign_periods(dates, 14).tolist() == [0, 0, 1]


def test_time_zone_offsets_are_converted_to_utc_before_periods():
    raw = pd.DataFrame(
        {
            "family": "f",
            "platform": ["GH", "HF"],
            "repository": ["GH", "m/a"],
            "key": ["a", "b"],
            # 23:30 at UTC-5 is 04:30 UTC on the next day: 14 whole days after t0
            "date": ["2024-01-01T04:30:00Z", "2024-01-14T23:30:00-05:00"],
            "text": "t",
            "author": "x",
        }
    )
    commits = validate(raw, FAMILY_COMMITS, "test")
    assert commits["date"][1] == pd.Timestamp("2024-01-15 04:30", tz="UTC")
    assert family_activity(commits, P).hf == {"m/a": frozenset({1})}


def test_commits_without_date_are_dropped():
    row = code(("GH", None), ("m/a", 3), ("GH", 5))
    assert row["lag"] == "Simultaneous"
    gh, hf = periods(("GH", None), ("m/a", 20))
    assert gh == set() and hf == {"m/a": {0}}


# --- lag ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "lag"),
    [
        ([("GH", 0), ("m/a", 0)], "Simultaneous"),  # same day on both platforms
        ([("GH", 0), ("m/a", 13)], "Simultaneous"),  # same period, different days
        ([("GH", 0), ("m/a", 14)], "GH first"),
        ([("m/a", 0), ("GH", 14)], "HF first"),
        ([("m/a", 0), ("m/b", 30)], "HF first"),  # HF only
        ([("GH", 0), ("GH", 40)], "GH first"),  # GH only
        ([("GH", None), ("m/a", None)], "No data"),
        ([], "No data"),
    ],
)
def test_lag(rows, lag):
    assert code(*rows)["lag"] == lag


# --- sync type ------------------------------------------------------------------------


def test_complete_sync_every_variant_within_gh_periods():
    row = code(("GH", 0), ("GH", 14), ("m/a", 1), ("m/b", 15), ("m/b", 2))
    assert row["sync_type"] == "CS"


def test_partial_sync_one_variant_outside_gh():
    row = code(("GH", 0), ("m/a", 1), ("m/b", 30))
    assert row["sync_type"] == "PS"


def test_partial_sync_when_a_single_variant_straddles():
    row = code(("GH", 0), ("m/a", 1), ("m/a", 30))
    assert row["sync_type"] == "PS"


def _crowded(n_periods, n_variants, gh_period=20):
    rows = [("GH", gh_period * W)]
    for p in range(n_periods):
        rows += [(f"m/{v}", p * W) for v in range(n_variants)]
    return rows


def test_cross_variant_sync_three_variants_in_three_periods():
    assert code(*_crowded(3, 3))["sync_type"] == "VS"


def test_two_crowded_periods_are_not_enough_for_vs():
    assert code(*_crowded(2, 3))["sync_type"] == "AS"


def test_two_variants_are_not_enough_for_vs():
    assert code(*_crowded(4, 2))["sync_type"] == "AS"


def test_vs_needs_no_overlap_with_gh():
    rows = [*_crowded(3, 3), ("GH", 0)]  # GH now active in a crowded period -> PS
    assert code(*rows)["sync_type"] == "PS"


def test_no_sync_when_disjoint():
    assert code(("GH", 0), ("m/a", 20), ("m/b", 40))["sync_type"] == "AS"


def test_gh_only_family_is_not_applicable_not_a_crash():
    row = code(("GH", 0), ("GH", 50))
    assert (row["sync_type"], row["intensity"], row["code"]) == ("NA", "NA", "NA")
    assert row["pattern"] == "Not applicable"
    assert row["n_models"] == 0


def test_hf_only_family_codes_as_disjoint_which_is_why_no_analysis_codes_it():
    # the pure coding of HF-only commits: a family whose GH side could not be read would
    # come out "HF first" / disjoint, so the workflow leaves such families out before the
    # coding (snapshot.exclusion_reasons; test_snapshot)
    row = code(("m/a", 0), ("m/a", 20))
    assert (row["code"], row["pattern"], row["lag"]) == ("ASR", "Rare disjoint", "HF first")


# --- intensity ------------------------------------------------------------------------


def _gh_everywhere(n=20):
    return [("GH", p * W) for p in range(n)]


def test_rare_exactly_three_periods():
    rows = _gh_everywhere() + [("m/a", p * W) for p in (0, 2, 4)]
    assert code(*rows)["intensity"] == "R"


def test_four_periods_is_no_longer_rare():
    rows = _gh_everywhere() + [("m/a", p * W) for p in (0, 2, 4, 6)]
    assert code(*rows)["intensity"] == "S"


def test_frequent_exactly_five_consecutive_overlaps():
    rows = _gh_everywhere() + [("m/a", p * W) for p in (3, 4, 5, 6, 7)]
    row = code(*rows)
    assert (row["code"], row["pattern"]) == ("CSF", "Frequent")


def test_five_overlaps_with_a_gap_are_sporadic():
    rows = _gh_everywhere() + [("m/a", p * W) for p in (3, 4, 5, 6, 8)]
    assert code(*rows)["code"] == "CSS"


def test_consecutive_hf_periods_count_only_where_gh_is_active():
    # HF active in 0..5 but GH misses period 3: overlap runs are 0-2 and 4-5
    gh = [("GH", p * W) for p in (0, 1, 2, 4, 5)]
    row = code(*gh, *[("m/a", p * W) for p in range(6)])
    assert row["code"] == "PSS"


def test_intensity_looks_at_each_variant_separately():
    # two variants with 3 periods each: rare, although 6 periods in total
    rows = (
        _gh_everywhere() + [("m/a", p * W) for p in (0, 1, 2)] + [("m/b", p * W) for p in (3, 4, 5)]
    )
    assert code(*rows)["code"] == "CSR"


@pytest.mark.parametrize(
    ("periods_", "expected"),
    [((), 0), ((4,), 1), ((1, 2, 3, 7, 8), 3), ((5, 3, 4, 1), 3), ((0, 2, 4), 1)],
)
def test_longest_streak(periods_, expected):
    assert longest_streak(periods_) == expected


# --- patterns ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "code_", "name"),
    [
        ([("GH", 0), ("m/a", 0)], "CSR", "Rare synchronisation"),
        ([("GH", 0), ("m/a", 20)], "ASR", "Rare disjoint"),
        ([("GH", 0), ("m/a", 0), ("m/a", 40)], "PSR", "Sparse"),
        ([("GH", 0), *[("m/a", p * W) for p in (0, 2, 4, 6)]], "PSS", "Disperse"),
        ([("GH", 0), *[("m/a", p * W) for p in (1, 3, 5, 7)]], "ASS", "Sporadic disjoint"),
    ],
)
def test_pattern_names(rows, code_, name):
    row = code(*rows)
    assert (row["code"], row["pattern"]) == (code_, name)


def test_dense_partial():
    rows = _gh_everywhere(8) + [("m/a", p * W) for p in (0, 1, 2, 3, 4, 30)]
    assert code(*rows)["pattern"] == "Dense partial"


def test_intermittent():
    rows = _gh_everywhere(8) + [("m/a", p * W) for p in (0, 2, 4, 6)]
    assert code(*rows)["pattern"] == "Intermittent"


def test_vs_family_is_reported_as_sporadic_disjoint():
    rows = [*_crowded(3, 3), ("m/0", 10 * W)]  # m/0 active in 4 periods -> sporadic
    row = code(*rows)
    assert (row["code"], row["pattern"]) == ("VSS", "Sporadic disjoint")


def test_impossible_combination_gets_the_stable_unnamed_name():
    row = code(*_crowded(3, 3))  # every variant in 3 periods: VS + rare
    assert (row["code"], row["pattern"]) == ("VSR", "Unnamed")


def test_thresholds_come_from_params():
    rows = _gh_everywhere() + [("m/a", p * W) for p in (0, 2, 4, 6)]
    assert code(*rows, params=SyncParams(rare_max_periods=4))["intensity"] == "R"
    rows = _gh_everywhere() + [("m/a", p * W) for p in (3, 4, 5)]
    assert code(*rows, params=SyncParams(frequent_min_streak=3))["intensity"] == "R"
    rows = _gh_everywhere() + [("m/a", p * W) for p in (3, 4, 5, 6)]
    assert code(*rows, params=SyncParams(frequent_min_streak=4))["intensity"] == "F"


def test_window_length_changes_periods():
    rows = [("GH", 0), ("m/a", 10)]
    assert code(*rows, params=SyncParams(window_days=7))["lag"] == "GH first"
    assert code(*rows, params=SyncParams(window_days=14))["lag"] == "Simultaneous"


def test_counts_and_first_dates():
    row = code(("GH", 3), ("GH", 40), ("m/a", 0), ("m/b", None), ("m/a", 50))
    assert (row["n_models"], row["n_gh_commits"], row["n_hf_commits"]) == (2, 2, 3)
    assert row["first_hf"] == pd.Timestamp("2024-01-01", tz="UTC")
    assert row["first_gh"] == pd.Timestamp("2024-01-04", tz="UTC")
    assert row["n_coactive_periods"] == 1  # period 0; GH's period 2 and HF's period 3 differ


# --- phases ---------------------------------------------------------------------------


def test_phases_split_the_period_range_in_halves():
    # periods 0..10: split = floor(10 * 0.5) = 5; early <= 5 < late
    rows = [("GH", 0), ("m/a", 0), ("GH", 5 * W), ("m/a", 8 * W), ("GH", 10 * W)]
    act = family_activity(make_commits(*rows), P)
    assert phase_codes(act, P) == ("CSR", "ASR")


def test_phase_without_hf_is_not_applicable():
    rows = [("GH", 0), ("m/a", 0), ("GH", 10 * W)]
    act = family_activity(make_commits(*rows), P)
    assert phase_codes(act, P) == ("CSR", "NA")


# --- switches -------------------------------------------------------------------------


def test_switch_events_hand_worked():
    rows = [("GH", 0), ("GH", 2), ("m/a", 5, 12), ("m/b", 6), ("GH", 20), ("m/a", 20)]
    ev = switch_events(make_commits(*rows), P)
    assert ev["source"].tolist() == ["GH", "HF", "GH"]
    assert ev["target"].tolist() == ["HF", "GH", "HF"]
    assert ev["days"].tolist() == [3, 14, 0]  # 3.5 days -> 3 whole days
    assert ev["prev_commit"][0] == pd.Timestamp("2024-01-03", tz="UTC")


def test_switch_events_start_at_min_year():
    rows = [("GH", -400), ("m/a", -380), ("GH", 0), ("m/a", 1)]  # first two in 2022/2023
    ev = switch_events(make_commits(*rows), SyncParams(min_year=2024))
    assert len(ev) == 1 and ev["days"].tolist() == [1]


def test_no_switch_events_on_one_platform():
    assert switch_events(make_commits(("GH", 0), ("GH", 3)), P).empty
    assert switch_events(make_commits(), P).empty


def test_invalid_params_are_rejected():
    with pytest.raises(ValueError, match="window_days"):
        SyncParams(window_days=0)
    with pytest.raises(ValueError, match="phase_split"):
        SyncParams(phase_split=1.0)


def test_day_resolution_moves_a_commit_across_a_period_boundary():
    # HF at day 0, 18:00 and GH at day 14, 10:00. Full timestamps: t0 = day 0 18:00 and GH
    # is 13 days 16 hours later -> period 0 with HF: Simultaneous. HF at day resolution:
    # t0 = day 0 00:00, GH 14 days 10 hours later -> period 1: HF first.
    commits = make_commits(("m", 0, 18), ("GH", 14, 10))
    full = code_family(commits, SyncParams())
    day = code_family(commits, SyncParams(hf_time_resolution="day"))
    assert (full["lag"], day["lag"]) == ("Simultaneous", "HF first")
    assert code_family(commits, SyncParams(gh_time_resolution="day"))["lag"] == "Simultaneous"


def test_day_resolution_reorders_same_day_switch_events():
    # HF at day 5 08:00, GH at day 5 10:00: HF -> GH. GH at day resolution (00:00) comes
    # first: GH -> HF, 0 days.
    commits = make_commits(("m", 5, 8), ("GH", 5, 10))
    assert switch_events(commits, SyncParams())[["source", "target"]].values.tolist() == [
        ["HF", "GH"]
    ]
    events = switch_events(commits, SyncParams(gh_time_resolution="day"))
    assert events[["source", "target", "days"]].values.tolist() == [["GH", "HF", 0]]


def test_an_unknown_time_resolution_names_the_key():
    with pytest.raises(ValueError, match=r"sync\.hf_time_resolution"):
        SyncParams(hf_time_resolution="hour")


def test_one_representative_family_per_pattern_by_the_median_rule():
    from ptlmsync.stages.sync import representatives

    listing = pd.DataFrame(
        {
            "family": ["a", "b", "c", "d", "e"],
            "pattern": ["Sparse", "Sparse", "Sparse", "Frequent", "Frequent"],
            "n_gh_commits": [10, 1, 5, 3, 3],
            "n_hf_commits": [0, 1, 0, 1, 1],
        }
    )
    # Sparse: totals a 10, b 2, c 5 -> sorted b, c, a -> median c; Frequent: d 4, e 4 ->
    # a tie, sorted by id d, e -> the lower median d; patterns in the paper's order
    assert representatives(listing)["family"].tolist() == ["d", "c"]
    assert representatives(listing.iloc[:0]).empty
