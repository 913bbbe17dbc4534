"""Validation of the coding against manual codes, and the window sensitivity analysis."""

import pandas as pd
import pytest
from helpers.frames import make_commits

from ptlmsync.agreement import kappa
from ptlmsync.schemas import TableError
from ptlmsync.sync import SyncParams
from ptlmsync.sync_checks import (
    compare_with_manual,
    read_manual_codes,
    sensitivity,
    sensitivity_summary,
)


def test_kappa_hand_worked():
    # po = 3/4; pe = .5 * .25 + .5 * .75 = .5; kappa = (.75 - .5) / (1 - .5) = .5
    assert kappa(pd.Series(list("AABB")), pd.Series(list("ABBB"))) == pytest.approx(0.5)
    assert kappa(pd.Series(list("AAA")), pd.Series(list("AAA"))) == 1.0


def test_compare_with_manual_lists_disagreements():
    coded = pd.DataFrame(
        {
            "family": ["f", "g", "h", "x"],
            "lag": ["GH first"] * 3 + ["HF first"],
            "code": ["CSF", "PSS", "ASR", "ASR"],
        }
    )
    manual = pd.DataFrame(
        {"family": ["f", "g", "h"], "lag": ["GH first"] * 3, "code": ["CSF", "PSR", "ASR"]}
    )
    out = compare_with_manual(coded, manual)
    measures = out.set_index("measure")["value"]
    assert measures["n_families"] == 3 and measures["kappa_lag"] == 1.0
    # codes: po = 2/3; pe = P(CSF) + P(ASR) = (1/3)(1/3) + (1/3)(1/3) = 2/9 (PSR, PSS unshared)
    assert measures["kappa_code"] == pytest.approx((2 / 3 - 2 / 9) / (1 - 2 / 9))
    dis = out[out["measure"] == "disagreement"]
    assert dis[["family", "field", "manual", "coded"]].values.tolist() == [
        ["g", "code", "PSR", "PSS"]
    ]


def test_manual_table_accepts_the_studys_lag_spelling(tmp_path):
    path = tmp_path / "manual.csv"
    path.write_text("family,lag,code\nf,Upstream First,csf\ng,No Lag,PSS\n")
    table = read_manual_codes(path)
    assert table["lag"].tolist() == ["GH first", "Simultaneous"]
    assert table["code"].tolist() == ["CSF", "PSS"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("family,lag,code\nf,Sideways,CSF\n", r"manual.csv: .*\n  column 'lag'.* at line 2"),
        ("family,lag,code\nf,GH first,CSF\ng,GH first,XYZ\n", r"column 'code'.* at line 3"),
        ("family,code\nf,CSF\n", r"missing columns \['lag'\]"),
    ],
)
def test_bad_manual_table_names_file_line_and_column(tmp_path, content, message):
    path = tmp_path / "manual.csv"
    path.write_text(content)
    with pytest.raises(TableError, match=message):
        read_manual_codes(path)


def test_sensitivity_recodes_with_each_window():
    # HF 10 days after GH: simultaneous at 14 and 21 days, GH first at 7 days
    fams = {"f": make_commits(("GH", 0), ("m/a", 10)), "g": make_commits(("GH", 0), ("m/a", 0))}
    codes = sensitivity(fams, SyncParams(), [7, 14, 21])
    assert len(codes) == 6
    f7 = codes[(codes["family"] == "f") & (codes["window_days"] == 7)].iloc[0]
    assert (f7["lag"], f7["code"]) == ("GH first", "ASR")
    summary = sensitivity_summary(codes, 14).set_index("window_days")
    assert summary.loc[7, "n_pattern_changed"] == 1
    assert summary.loc[7, "percent_pattern_changed"] == 50.0
    assert summary.loc[14, "n_pattern_changed"] == 0 and summary.loc[21, "n_lag_changed"] == 0
    with pytest.raises(ValueError, match="reference window_days 28"):
        sensitivity_summary(codes, 28)


def test_resolution_sensitivity_counts_the_families_that_change():
    from helpers.frames import make_commits

    from ptlmsync.sync_checks import resolution_sensitivity

    # a: HF at day 0 18:00, GH at day 14 10:00 - Simultaneous at full HF time, HF first
    #    when HF dates are cut to the day (see test_sync); b: one commit per platform,
    #    days apart - no resolution changes it
    families = {
        "a": make_commits(("m", 0, 18), ("GH", 14, 10), family="a"),
        "b": make_commits(("GH", 0, 9), ("m", 40, 9), family="b"),
    }
    table = resolution_sensitivity(families, SyncParams()).set_index("resolution")
    assert table.index.tolist() == [
        "GH full, HF full",
        "GH full, HF day",
        "GH day, HF full",
        "GH day, HF day",
    ]
    assert table.loc["GH full, HF full", "n_lag_changed"] == 0
    assert table.loc["GH full, HF day", "n_lag_changed"] == 1
    assert table.loc["GH full, HF day", "percent_lag_changed"] == 50.0
    assert table.loc["GH day, HF full", "n_lag_changed"] == 0
    assert table.loc["GH day, HF day", "n_families"] == 2


def test_resolution_sensitivity_counts_the_families_whose_switch_events_change():
    from helpers.frames import make_commits

    from ptlmsync.sync_checks import resolution_sensitivity

    # one switch event each. a: HF day 0 18:00 -> GH day 14 10:00 is 13 days at full
    # time, 14 with HF cut to the day. b: GH day 0 09:00 -> HF day 40 09:00 is 40 days, 39
    # with HF cut. c: HF 08:00 then GH 10:00 on one day; GH cut to midnight comes first,
    # so the event turns round (GH -> HF), also when both are cut (ties: GH first)
    families = {
        "a": make_commits(("m", 0, 18), ("GH", 14, 10), family="a"),
        "b": make_commits(("GH", 0, 9), ("m", 40, 9), family="b"),
        "c": make_commits(("m", 0, 8), ("GH", 0, 10), family="c"),
    }
    table = resolution_sensitivity(families, SyncParams()).set_index("resolution")
    changed = table["n_families_switches_changed"].to_dict()
    assert changed == {
        "GH full, HF full": 0,
        "GH full, HF day": 2,  # a, b
        "GH day, HF full": 1,  # c
        "GH day, HF day": 2,  # a, c
    }
    assert table["n_switches_changed"].to_dict() == changed  # one event per family here
    assert (table["n_switches"] == 3).all()
    assert table.loc["GH full, HF full", "mean_switch_days"] == pytest.approx(
        (13 + 40 + 0) / 3, abs=0.01
    )
    assert table.loc["GH full, HF day", "mean_switch_days"] == pytest.approx(
        (14 + 39 + 0) / 3, abs=0.01
    )


def test_the_window_sensitivity_compares_with_the_runs_own_coding(tmp_path):
    from ptlmsync.stages.sync import analyse_window_sensitivity
    from ptlmsync.vocab import NOT_APPLICABLE, PATTERN_ORDER

    a, b, z = PATTERN_ORDER[:3]

    def write(name, rows, **extra):
        table = pd.DataFrame(rows, columns=["family", "lag", "code", "pattern"]).assign(**extra)
        table.to_csv(tmp_path / name, index=False)
        return tmp_path / name

    # the run's coding at 14 days: f codes a, g is not applicable ("NA" must stay a code)
    own = write(
        "families.csv", [("f", "Simultaneous", "CSF", a), ("g", "GH first", "NA", NOT_APPLICABLE)]
    )
    windows = [
        # 7 days: f changes pattern and lag
        write(
            "7.csv",
            [("f", "GH first", "ASR", b), ("g", "GH first", "NA", NOT_APPLICABLE)],
            window_days=7,
        ),
        # 14 days as a sensitivity window, made to differ: the run's own coding wins
        write(
            "14.csv",
            [("f", "Simultaneous", "CSF", z), ("g", "GH first", "NA", NOT_APPLICABLE)],
            window_days=14,
        ),
        # 21 days: g changes lag, not pattern
        write(
            "21.csv",
            [("f", "Simultaneous", "CSF", a), ("g", "HF first", "NA", NOT_APPLICABLE)],
            window_days=21,
        ),
    ]
    meta = tmp_path / "snapshot.json"
    meta.write_text('{"extraction_date": "2025-06-30", "demo": false}')

    def run(window_days):
        out = {n: tmp_path / f"{n}-{window_days}.csv" for n in ("summary", "patterns")}
        analyse_window_sensitivity(
            window_codes=windows,
            families=own,
            meta=meta,
            figure=tmp_path / "f.png",
            window_days=window_days,
            **out,
        )
        return pd.read_csv(out["summary"]).set_index("window_days"), pd.read_csv(out["patterns"])

    summary, patterns = run(14)
    assert summary.index.tolist() == [7, 14, 21]
    assert summary["n_families"].tolist() == [2, 2, 2]
    assert summary["n_pattern_changed"].tolist() == [1, 0, 0]
    assert summary["n_lag_changed"].tolist() == [1, 0, 1]
    assert summary.loc[7, "percent_pattern_changed"] == 50.0
    at_14 = patterns[patterns["window_days"] == 14].set_index("pattern")["percent"]
    assert at_14.to_dict() == {a: 50.0, NOT_APPLICABLE: 50.0}
    # a window_days outside the sensitivity windows is still the reference, and 14 is
    # now a window like the others (its f differs from the run's coding)
    summary, _ = run(10)
    assert summary.index.tolist() == [7, 10, 14, 21]
    assert summary["n_pattern_changed"].tolist() == [1, 0, 1, 0]
    assert (tmp_path / "f.png").stat().st_size > 1000
