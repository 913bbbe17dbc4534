"""Statistics on small tables whose answers were worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from ptlmsync import stats


def test_age_groups_are_rank_terciles():
    ages = pd.Series([10, 50, 20, 60, 30, 40], index=list("abcdef"))
    # ranks 1..6 -> floor(3 (r-1) / 6) = 0,0,1,1,2,2
    assert stats.age_groups(ages).to_dict() == {
        "a": "Recent",
        "c": "Recent",
        "e": "Intermediate",
        "f": "Intermediate",
        "b": "Matured",
        "d": "Matured",
    }


def test_age_groups_with_ties_and_tiny_inputs():
    assert stats.age_groups(pd.Series([5.0, 5.0, 5.0])).tolist() == [
        "Recent",
        "Intermediate",
        "Matured",
    ]
    assert stats.age_groups(pd.Series([7.0])).tolist() == ["Recent"]
    assert stats.age_groups(pd.Series([], dtype=float)).empty


def test_family_ages_are_mean_model_ages():
    models = pd.DataFrame(
        {
            "family": ["f", "f", "g"],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-11", "2023-12-31"], utc=True),
        }
    )
    ages = stats.family_ages(models, "2024-01-31")
    assert ages.to_dict() == {"f": 25.0, "g": 31.0}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({1, 2, 3}, {2, 3, 4}, 0.5),
        ({1}, {2}, 0.0),
        ({1, 2}, {1, 2}, 1.0),
        (set(), set(), 1.0),
        ({1, 2, 3, 4}, {1}, 0.25),
    ],
)
def test_jaccard(a, b, expected):
    assert stats.jaccard(a, b) == expected


def test_similarity_per_family():
    labels = pd.DataFrame(
        {
            "family": ["f", "f", "f", "f", "g"],
            "platform": ["GH", "GH", "HF", "HF", "GH"],
            "label": ["Sharing", "Model Structure", "Sharing", "Input Data", "Sharing"],
        }
    )
    sim = stats.similarity(labels, ["f", "g"]).set_index("family")["jaccard"]
    assert sim["f"] == pytest.approx(1 / 3)
    assert sim["g"] == 0.0  # HF has no commits: nothing shared


def test_similarity_histogram_bins_and_edges():
    hist = stats.similarity_histogram(pd.Series([0.0, 0.05, 0.1, 0.35, 0.99, 1.0]))
    assert hist["n"].tolist() == [2, 1, 0, 1, 0, 0, 0, 0, 0, 2]
    assert hist["percent"].sum() == pytest.approx(100, abs=0.05)
    assert hist["bin_start"].tolist()[:3] == [0.0, 0.1, 0.2]


def test_distribution_keeps_zero_categories_in_order():
    d = stats.distribution(pd.Series(["b", "a", "b", "b"]), ["a", "b", "c"], "x")
    assert d.to_dict("list") == {"x": ["a", "b", "c"], "n": [1, 3, 0], "percent": [25.0, 75.0, 0.0]}


def test_crosstab_percentages():
    fam = pd.DataFrame(
        {"pattern": ["P", "P", "Q", "Q"], "age_group": ["Recent", "Recent", "Recent", "Matured"]}
    )
    t = stats.crosstab(fam, "pattern", ["P", "Q"]).set_index(["pattern", "age_group"])
    assert t.loc[("P", "Recent"), "percent_within_age"] == pytest.approx(66.67)
    assert t.loc[("Q", "Matured"), "percent_within_age"] == 100.0
    assert t.loc[("Q", "Intermediate"), "n"] == 0
    assert t["percent_of_all"].sum() == pytest.approx(100)


def test_majority_labels_ties_go_to_run_one():
    labels = pd.DataFrame(
        {
            "platform": "GH",
            "family": "f",
            "key": ["a"] * 3 + ["b"] * 2,
            "label": ["X", "Y", "Y", "Z", "W"],
            "run": [1, 2, 3, 1, 2],
        }
    )
    out = stats.majority_labels(labels).set_index("key")["label"]
    assert out.to_dict() == {"a": "Y", "b": "Z"}


def test_switch_days_summary_and_kruskal():
    switches = pd.DataFrame({"family": ["f", "f", "g", "h", "h"], "days": [1, 3, 10, 20, 30]})
    fam = pd.DataFrame({"family": ["f", "g", "h"], "lag": ["A", "A", "B"]})
    s = stats.switch_days_by(switches, fam, "lag", ["B", "A"]).set_index("group")
    assert list(s.index) == ["B", "A"]
    assert s.loc["A"].tolist() == [3, 2, pytest.approx(14 / 3, abs=0.01), 3.0]
    k = stats.kruskal(switches, fam, "lag")
    # ranks: A = {1,2,3}, B = {4,5}; H = 12/(5*6) * (6^2/3 + 9^2/2) - 3*6 = 3.0
    assert k["H"] == pytest.approx(3.0) and k["dof"] == 1
    assert np.isclose(k["p"], 0.0832645, atol=1e-6)


def test_kruskal_with_one_group_is_undefined_not_an_error():
    k = stats.kruskal(
        pd.DataFrame({"family": ["f"], "days": [1]}),
        pd.DataFrame({"family": ["f"], "lag": ["A"]}),
        "lag",
    )
    assert np.isnan(k["H"])
