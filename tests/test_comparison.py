"""Original study vs this run, on small tables whose comparison was worked out by hand."""

import pandas as pd
import pytest

from ptlmsync.comparison import compare_with_study, comparison_numbers, decimals, study_numbers
from ptlmsync.numbers import validation_numbers


def test_the_studys_figures_are_transcribed_with_their_printed_precision():
    study = study_numbers().set_index("key")
    assert study.loc["dataset.n_families", "value"] == "325"
    assert study.loc["chi2_similarity_contributors.p", "value"] == "0.0412"
    assert decimals("0.0412") == 4 and decimals("325") == 0 and decimals("9.32") == 2
    assert "average delay" in study.loc["switch_days_by_lag.Simultaneous", "note"]


@pytest.fixture
def tables(tmp_path):
    pd.DataFrame(
        {
            "lag": ["GH first", "HF first", "Simultaneous"],
            "n": [1, 1, 1],
            "percent": [56.04, 21.0, 22.96],
        }
    ).to_csv(tmp_path / "lag_distribution.csv", index=False)
    return tmp_path


def test_a_figure_matches_when_equal_at_the_studys_printed_precision(tables):
    numbers = {"n_families": 325, "demo": False, "similarity": {"percent_above_0_3": 77.5}}
    table = compare_with_study(numbers, tables).set_index("key")
    # 56.04 prints as 56.0 (the study's 56.0): a match; 21.0 is not 20.9; 22.96 -> 23.0 not 23.1
    assert table.loc["lag_distribution.GH first", "matches"]
    assert not table.loc["lag_distribution.HF first", "matches"]
    assert table.loc["lag_distribution.HF first", "difference"] == pytest.approx(0.1)
    assert "no explanation recorded" in table.loc["lag_distribution.HF first", "note"]
    assert table.loc["dataset.n_families", "matches"]
    # 77.5 against the study's 77: a difference known of the published files only, so
    # this run (not those files) gets no explanation of it
    assert "77.5" not in table.loc["similarity.percent_above_0.3", "note"]
    assert "no explanation" in table.loc["similarity.percent_above_0.3", "note"]
    # figures the run does not have are left out, not compared with nothing
    assert "labels.kappa.GH" not in table.index and "pattern_distribution.Sparse" not in table.index
    counts = comparison_numbers(table.reset_index())
    assert (counts["n_compared"], counts["n_matching"], counts["n_differing"]) == (5, 2, 3)


def test_a_known_difference_is_explained_only_on_the_published_files(tables):
    numbers = {"demo": False, "published_files": True, "similarity": {"percent_above_0_3": 77.5}}
    on_published = compare_with_study(numbers, tables).set_index("key")
    assert "77.5" in on_published.loc["similarity.percent_above_0.3", "note"]
    # the same value on other data: the explanation would be a claim about other files
    numbers["published_files"] = False
    elsewhere = compare_with_study(numbers, tables).set_index("key")
    assert "77.5" not in elsewhere.loc["similarity.percent_above_0.3", "note"]


def test_a_demo_run_is_marked_as_not_comparable(tables):
    table = compare_with_study({"n_families": 48, "demo": True}, tables)
    assert table["note"].str.contains("synthetic demo data").all()


def test_validation_applies_only_at_the_reference_window():
    validation = pd.DataFrame(
        {
            "measure": ["reference", "n_families", "kappa_lag", "kappa_code"],
            "value": [None, 10, 1.0, 0.9],
            "manual": ["codes", None, None, None],
        }
    )
    assert validation_numbers(validation, 14, 14)["applies"]
    at_seven = validation_numbers(validation, 7, 14)
    assert not at_seven["applies"] and at_seven["reference_window_days"] == 14
    assert not validation_numbers(None, 14, 14)["applies"]


def test_validation_applies_only_at_the_reference_resolution_where_known():
    validation = pd.DataFrame(
        {
            "measure": ["reference", "n_families", "kappa_lag", "kappa_code"],
            "value": [None, 10, 1.0, 0.9],
            "manual": ["codes", None, None, None],
        }
    )
    full = "GH full, HF full"
    assert validation_numbers(validation, 14, 14, full, full)["applies"]
    day = validation_numbers(validation, 14, 14, "GH full, HF day", full)
    assert not day["applies"]
    assert day["reference_setting"] == "a 14-day window (GH full, HF full dates)"
    assert day["setting"] == "a 14-day window (GH full, HF day dates)"
    # a reference whose resolution is unknown is not checked on it
    assert validation_numbers(validation, 14, 14, "GH full, HF day", None)["applies"]
