"""Statistics on small tables whose answers were worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from ptlmsync import stats
from ptlmsync.label.reading import labelled_only


def test_maturitys_are_value_terciles():
    ages = pd.Series([10, 50, 20, 60, 30, 40], index=list("abcdef"))
    # cuts at the 1/3 and 2/3 quantiles: 20 + 2/3 * 10 = 26.67 and 40 + 1/3 * 10 = 43.33
    assert stats.maturity_groups(ages).to_dict() == {
        "a": "Recent",
        "b": "Matured",
        "c": "Recent",
        "d": "Matured",
        "e": "Intermediate",
        "f": "Intermediate",
    }


def test_equal_values_always_share_a_group_and_groups_may_be_empty():
    # sorted 0.1, 1/3 x4, 0.9: both cuts fall on 1/3 (positions 1.67 and 3.33), so the
    # four ties and 0.1 are "low", nothing is "moderate", 0.9 is "high" - never split by order
    third = 1 / 3
    scores = pd.Series([third, 0.9, third, 0.1, third, third])
    assert stats.similarity_levels(scores).tolist() == [
        "low",
        "high",
        "low",
        "low",
        "low",
        "low",
    ]
    # the same values in another row order get the same groups
    shuffled = scores.iloc[[5, 3, 1, 0, 4, 2]]
    assert stats.similarity_levels(shuffled).to_dict() == stats.similarity_levels(scores).to_dict()


def test_maturitys_with_ties_and_tiny_inputs():
    assert stats.maturity_groups(pd.Series([5.0, 5.0, 5.0])).tolist() == ["Recent"] * 3
    assert stats.maturity_groups(pd.Series([7.0])).tolist() == ["Recent"]
    assert stats.maturity_groups(pd.Series([], dtype=float)).empty
    with_missing = stats.maturity_groups(pd.Series([1.0, None, 3.0, 2.0]))
    assert with_missing.tolist()[0] == "Recent" and pd.isna(with_missing.iloc[1])
    assert with_missing.tolist()[2:] == ["Matured", "Intermediate"]


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
        ({1, 2, 3, 4}, {1}, 0.25),
    ],
)
def test_jaccard(a, b, expected):
    assert stats.jaccard(a, b) == expected


@pytest.mark.parametrize(("a", "b"), [(set(), set()), ({1}, set()), (set(), {2})])
def test_jaccard_is_undefined_where_a_platform_has_no_type(a, b):
    # missing data is not a value: two empty sets are not identical (1.0), one empty set
    # is not "nothing shared" (0.0)
    assert np.isnan(stats.jaccard(a, b))


def test_similarity_per_family():
    labels = pd.DataFrame(
        {
            "family": ["f", "f", "f", "f", "g"],
            "platform": ["GH", "GH", "HF", "HF", "GH"],
            "label": ["Sharing", "Model Structure", "Sharing", "Input Data", "Sharing"],
        }
    )
    sim = stats.similarity(labels, ["f", "g", "h"]).set_index("family")
    assert sim.loc["f", "jaccard"] == pytest.approx(1 / 3)
    assert sim.loc["f", "unscored_reason"] == ""
    # g: no labelled HF commit; h: no labelled commit at all -> unscored, with the reason
    assert np.isnan(sim.loc["g", "jaccard"])
    assert sim.loc["g", "unscored_reason"] == "no labelled HF commit"
    assert sim.loc["h", "unscored_reason"] == "no labelled GH or HF commit"
    assert stats.scored(sim.reset_index())["family"].tolist() == ["f"]


def test_similarity_histogram_bins_and_edges():
    hist = stats.similarity_histogram(pd.Series([0.0, 0.05, 0.1, 0.35, 0.99, 1.0]))
    assert hist["n"].tolist() == [2, 1, 0, 1, 0, 0, 0, 0, 0, 2]
    assert hist["percent"].sum() == pytest.approx(100, abs=0.05)
    assert hist["bin_start"].tolist()[:3] == [0.0, 0.1, 0.2]


def test_distribution_keeps_zero_categories_in_order():
    d = stats.distribution(pd.Series(["b", "a", "b", "b"]), ["a", "b", "c"], "x")
    assert d.to_dict("list") == {
        "x": ["a", "b", "c"],
        "n": [1, 3, 0],
        "percent": [25.0, 75.0, 0.0],
        "denominator": [4, 4, 4],
    }


def test_crosstab_percentages():
    fam = pd.DataFrame(
        {"pattern": ["P", "P", "Q", "Q"], "maturity": ["Recent", "Recent", "Recent", "Matured"]}
    )
    t = stats.crosstab(fam, "pattern", ["P", "Q"]).set_index(["pattern", "maturity"])
    assert t.loc[("P", "Recent"), "percent_within_maturity"] == pytest.approx(66.67)
    assert t.loc[("Q", "Matured"), "percent_within_maturity"] == 100.0
    assert t.loc[("Q", "Intermediate"), "n"] == 0
    assert t["percent_of_all"].sum() == pytest.approx(100)


def test_by_maturity_tables_keep_families_outside_the_named_patterns_like_the_overall_table():
    # one denominator rule: the "Not applicable" family counts in its maturity group, as it
    # does in the overall distribution (it is not dropped and the rest renormalised)
    fam = pd.DataFrame(
        {
            "pattern": ["Frequent", "Frequent", "Not applicable", "Sparse"],
            "maturity": ["Recent", "Recent", "Recent", "Matured"],
        }
    )
    t = stats.crosstab(fam, "pattern", ["Frequent", "Sparse"]).set_index(["pattern", "maturity"])
    assert t.loc[("Frequent", "Recent"), "percent_within_maturity"] == pytest.approx(66.67)
    assert t.loc[("Not applicable", "Recent"), "percent_within_maturity"] == pytest.approx(33.33)
    assert t.loc[("Frequent", "Recent"), "n_maturity"] == 3
    assert t.loc[("Sparse", "Intermediate"), "n_maturity"] == 0  # an empty group
    assert (t["n_all"] == 4).all() and t["percent_of_all"].sum() == pytest.approx(100)
    overall = stats.distribution(fam["pattern"], ["Frequent", "Sparse"], "pattern")
    assert overall["n"].sum() == t["n"].sum() == 4


def test_majority_labels_ties_go_to_run_one():
    labels = pd.DataFrame(
        {
            "platform": "GH",
            "family": "f",
            "key": ["a"] * 3 + ["b"] * 2,
            "label": ["X", "Y", "Y", "Z", "W"],
            "repeat": [1, 2, 3, 1, 2],
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
    assert k["H"] == pytest.approx(3.0) and k["dof"] == 1 and k["n"] == 5
    assert np.isclose(k["p"], 0.0832645, atol=1e-6)


def test_per_family_means_are_the_unit_of_the_robustness_check():
    switches = pd.DataFrame(
        {"family": ["f", "f", "g", "h", "h", "i"], "days": [1, 3, 10, 20, 30, 4]}
    )
    fam = pd.DataFrame({"family": ["f", "g", "h", "i"], "lag": ["A", "A", "B", "B"]})
    means = stats.per_family_days(switches)
    assert means.set_index("family")["days"].to_dict() == {"f": 2.0, "g": 10.0, "h": 25.0, "i": 4.0}
    # events: A = {1,3,10} ranks {1,2,4}, B = {20,30,4} ranks {5,6,3};
    # H = 12/42 * (7^2/3 + 14^2/3) - 21 = 2.3333
    assert stats.kruskal(switches, fam, "lag")["H"] == pytest.approx(2.3333, abs=1e-4)
    # family means: A = {2,10} ranks {1,3}, B = {25,4} ranks {4,2}; H = 12/20 * (16/2 + 36/2) - 15
    assert stats.kruskal(means, fam, "lag")["H"] == pytest.approx(0.6)
    dunn = stats.dunn(means, fam, "lag").set_index("group")
    assert dunn.loc["A", "B"] == pytest.approx(dunn.loc["B", "A"]) and dunn.loc["A", "B"] > 0.05


def test_kruskal_with_one_group_is_undefined_not_an_error():
    k = stats.kruskal(
        pd.DataFrame({"family": ["f"], "days": [1]}),
        pd.DataFrame({"family": ["f"], "lag": ["A"]}),
        "lag",
    )
    assert np.isnan(k["H"])


# --- tests of independence, change types, similarity, patterns, switches ---------------


def test_cramers_v_from_chi2_n_and_shape():
    # 2x2 table [[10, 0], [0, 10]]: chi2 = 20, n = 20, V = sqrt(20 / (20 * 1)) = 1
    res = stats.chi2_test(pd.DataFrame([[10, 0], [0, 10]]))
    assert res["chi2"] == pytest.approx(20.0) and res["cramers_v"] == pytest.approx(1.0)
    assert res["dof"] == 1 and res["n"] == 20
    assert stats.cramers_v(12.0, 100, (3, 4)) == pytest.approx(np.sqrt(12 / 200))


def test_chi2_drops_empty_rows_and_is_undefined_for_one_row():
    t = pd.DataFrame([[10, 20], [0, 0], [30, 40]])
    assert stats.chi2_test(t)["dof"] == 1
    assert np.isnan(stats.chi2_test(pd.DataFrame([[1, 2], [0, 0]]))["chi2"])


def test_similarity_level_by_maturity_chi2_by_hand():
    # scores 0.1..0.9: terciles cut at 0.367 and 0.633 -> three low, three moderate,
    # three high; each maturity group holds one level: a diagonal 3x3 table of 3s,
    # chi2 = n (k - 1) = 9 * 2 = 18, dof 4, V = sqrt(18 / (9 * 2)) = 1
    scores = pd.DataFrame({"family": list("abcdefghi"), "jaccard": np.arange(1, 10) / 10})
    groups = dict(
        zip("abcdefghi", ["Recent"] * 3 + ["Intermediate"] * 3 + ["Matured"] * 3, strict=True)
    )
    res = stats.chi2_similarity_by(scores, pd.Series(groups), stats.MATURITY_GROUPS)
    assert res["chi2"] == pytest.approx(18.0) and res["dof"] == 4 and res["n"] == 9
    assert res["cramers_v"] == pytest.approx(1.0)
    assert res["p"] == pytest.approx(0.00123, abs=1e-5)
    # a family without a group is left out; one group alone has no test
    one_group = stats.chi2_similarity_by(
        scores, pd.Series({"a": "Recent", "i": "Recent"}), stats.MATURITY_GROUPS
    )
    assert one_group["n"] == 2 and np.isnan(one_group["p"])


def test_bonferroni_multiplies_by_number_of_tests_and_caps_at_one():
    out = stats.bonferroni(pd.Series([0.01, 0.2, np.nan, 0.5]))
    assert out.tolist()[:2] == [0.03, pytest.approx(0.6)] and out.iloc[3] == 1.0


LABELS = pd.DataFrame(
    {
        "platform": ["GH", "GH", "GH", "HF", "HF", "HF", "HF"],
        "family": ["f", "f", "g", "f", "f", "f", "g"],
        "repository": ["GH", "GH", "GH", "o/a", "o/a", "o/b", "o/c"],
        "key": list("abcdefg"),
        "label": [
            "Sharing",
            "Model Structure",
            "Sharing",
            "Sharing",
            "Input Data",
            "Sharing",
            "Add Dependency",
        ],
    }
)
FAMILIES = pd.DataFrame(
    {
        "family": ["f", "g"],
        "pattern": ["Frequent", "Sparse"],
        "maturity": ["Recent", "Matured"],
        "release": ["multiple", "single"],
        "n_coactive_periods": [10, 2],
    }
)


def test_pattern_change_types_gh_shares_within_pattern():
    t = stats.pattern_change_types_gh(LABELS, FAMILIES).set_index(["pattern", "change_type"])
    assert t.loc[("Frequent", "Sharing"), "percent"] == 50.0
    assert t.loc[("Sparse", "Sharing"), "n"] == 1


def test_pattern_change_types_hf_median_of_model_shares():
    t = stats.pattern_change_types_hf(LABELS, FAMILIES).set_index(["pattern", "change_type"])
    # Frequent: o/a is 50 % Sharing, o/b 100 % -> median 75; Input Data: 50 and 0 -> 25
    assert t.loc[("Frequent", "Sharing"), "median_percent"] == 75.0
    assert t.loc[("Frequent", "Input Data"), "median_percent"] == 25.0
    assert t.loc[("Frequent", "Sharing"), "n_models"] == 2


def test_chi2_pattern_platform_uses_the_four_categories():
    t = stats.chi2_pattern_platform(LABELS, FAMILIES).set_index("pattern")
    # Frequent: GH {meta-program 1, maintenance 1}, HF {meta-program 2, data 1}
    assert t.loc["Frequent", "dof"] == 2 and t.loc["Frequent", "n"] == 5


def test_change_types_by_maturity_and_its_tests():
    by_age = stats.change_types_by_maturity(LABELS, FAMILIES)
    recent = by_age[(by_age["maturity"] == "Recent") & (by_age["platform"] == "GH")]
    assert len(recent) == 15 and recent["n"].sum() == 2
    tests = stats.chi2_change_types_by_maturity(by_age)
    assert tests["maturity"].tolist() == ["Recent", "Matured"]
    assert {"chi2", "dof", "p", "p_bonferroni", "cramers_v"} <= set(tests.columns)


def test_similarity_levels_and_crosstab():
    sim = pd.DataFrame({"family": list("abcdef"), "jaccard": [0.1, 0.9, 0.5, 0.2, 0.6, 0.8]})
    levels = stats.similarity_levels(sim["jaccard"]).tolist()
    assert levels == ["low", "high", "moderate", "low", "moderate", "high"]
    shared = pd.Series(
        {"a": "none", "b": "multiple", "c": "none", "d": "none", "e": "single", "f": "multiple"}
    )
    t = stats.similarity_by(sim, shared, "shared", ["none", "single", "multiple"])
    t = t.set_index(["similarity_level", "shared"])
    assert t.loc[("low", "none"), "n"] == 2
    assert t.loc[("low", "none"), "percent_within_shared"] == pytest.approx(66.67)
    assert t.loc[("high", "multiple"), "percent_within_shared"] == 100.0


def test_pattern_by_release_and_contributors():
    rel = stats.pattern_by_release(FAMILIES, ["Frequent", "Sparse"]).set_index(
        ["pattern", "release"]
    )
    assert rel.loc[("Frequent", "multiple"), "percent_of_all"] == 50.0
    assert rel.loc[("Frequent", "single"), "n"] == 0
    contributors = pd.DataFrame(
        {"family": ["f", "g"], "n_gh_authors": [4, 2], "n_hf_authors": [1, 3]}
    )
    c = stats.contributors_by_pattern(FAMILIES, contributors).set_index(["pattern", "platform"])
    assert c.loc[("Frequent", "GH"), "median"] == 4.0


def test_spearman_between_coactivity_rank_and_contributors():
    fam = pd.DataFrame(
        {
            "family": list("abcd"),
            "pattern": ["P", "P", "Q", "R"],
            "n_coactive_periods": [2, 4, 1, 9],
        }
    )
    # mean co-activity: P 3, Q 1, R 9 -> ranks P 2, Q 1, R 3
    assert stats.pattern_coactivity_rank(fam).to_dict() == {"P": 2.0, "Q": 1.0, "R": 3.0}
    contributors = pd.DataFrame(
        {"family": list("abcd"), "n_gh_authors": [5, 5, 1, 9], "n_hf_authors": [1, 2, 3, 4]}
    )
    rho = stats.spearman_contributors(fam, contributors).set_index("platform")["rho"]
    # GH: ranks x = (2,2,1,3) -> (2.5,2.5,1,4); y = (5,5,1,9) -> (2.5,2.5,1,4): rho = 1
    assert rho["GH"] == pytest.approx(1.0)


def test_dunn_against_the_formula():
    # three groups without ties: ranks A {1,2,3}, B {4,5,6}, C {7,8,9}; N = 9
    switches = pd.DataFrame({"family": list("aaabbbccc"), "days": [1, 2, 3, 4, 5, 6, 7, 8, 9]})
    fam = pd.DataFrame({"family": list("abc"), "g": ["A", "B", "C"]})
    matrix = stats.dunn(switches, fam, "g").set_index("group")
    se = np.sqrt(9 * 10 / 12 * (1 / 3 + 1 / 3))
    from scipy.stats import norm

    z_ab, z_ac = 3 / se, 6 / se
    assert matrix.loc["A", "B"] == pytest.approx(min(1, 3 * 2 * norm.sf(z_ab)))
    assert matrix.loc["A", "C"] == pytest.approx(min(1, 3 * 2 * norm.sf(z_ac)))


def test_contributor_groups_per_design():
    n_shared = pd.Series([0, 1, 2, np.nan, np.nan])
    absent = pd.Series([False, False, False, True, False])  # the last: known to be unknown
    groups = {
        d: stats.contributor_groups(n_shared, absent, d).tolist()
        for d in ("study_computed", "study_text", "three_levels")
    }
    # the study's computation: 0-1 single, more multiple, absent from its table multiple
    assert groups["study_computed"][:4] == ["single", "single", "multiple", "multiple"]
    # its text's design leaves out families sharing none; 3 x 3 keeps them as "none"
    assert groups["study_text"][1:3] == ["single", "multiple"]
    assert groups["three_levels"][:3] == ["none", "single", "multiple"]
    assert pd.isna(groups["study_text"][0])
    for design, g in groups.items():
        assert pd.isna(g[4]), design  # an unknown count is in no design
        if design != "study_computed":
            assert pd.isna(g[3]), design


def _families_by_level(counts: dict[tuple[str, str], int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored families (0.1 low, 0.5 moderate, 0.9 high: value terciles that split exactly
    there for these counts) and their shared contributors (none 0, single 1, multiple 3;
    "absent": no contributor row; "unknown": a row without a count)."""
    scores = {"low": 0.1, "moderate": 0.5, "high": 0.9}
    shared = {"none": 0, "single": 1, "multiple": 3, "unknown": np.nan}
    sim, authors = [], []
    for (level, group), n in counts.items():
        for i in range(n):
            family = f"{level}-{group}-{i}"
            sim.append((family, scores[level]))
            if group != "absent":
                authors.append((family, shared[group]))
    return (
        pd.DataFrame(sim, columns=["family", "jaccard"]),
        pd.DataFrame(authors, columns=["family", "n_shared_authors"]),
    )


def test_contributor_test_reproduces_the_studys_computation_with_its_text_and_3x3_beside():
    counts = {
        ("low", "none"): 2,
        ("low", "single"): 4,
        ("moderate", "none"): 1,
        ("moderate", "single"): 2,
        ("moderate", "multiple"): 2,
        ("moderate", "unknown"): 1,
        ("high", "single"): 1,
        ("high", "multiple"): 4,
        ("high", "absent"): 1,
    }
    sim, authors = _families_by_level(counts)
    levels = stats.similarity_levels(sim["jaccard"])
    assert levels.value_counts().to_dict() == {"low": 6, "moderate": 6, "high": 6}
    tests = stats.chi2_similarity_contributors(sim, authors).set_index("design")
    assert tests.index.tolist() == ["study_computed", "study_text", "three_levels"]
    # the study's computation: single (0-1) low 6, moderate 3, high 1; multiple (2+ or
    # absent) 0, 2, 5; n 17 (the unknown family out). Expected = row x column total / 17,
    # cell by cell: 1.7294 + 2.4706 + 0.0012 + 0.0017 + 1.8127 + 2.5896 = 8.6052
    computed = tests.loc["study_computed"]
    assert (computed["dof"], computed["n"]) == (2, 17)
    assert computed["chi2"] == pytest.approx(8.6052, abs=1e-3)
    assert computed["cramers_v"] == pytest.approx((8.6052 / 17) ** 0.5, abs=1e-3)
    # the text's design: single/multiple only, n = 13: chi-square 5.7571 on 2 dof
    text = tests.loc["study_text"]
    assert (text["dof"], text["n"]) == (2, 13)
    assert text["chi2"] == pytest.approx(5.7571, abs=1e-3)
    robust = tests.loc["three_levels"]
    assert (robust["dof"], robust["n"]) == (4, 16)
    assert robust["chi2"] == pytest.approx(7.6698, abs=1e-3)


def test_contributor_test_without_families_sharing_several_contributors_is_not_run():
    sim, authors = _families_by_level(
        {("low", "single"): 3, ("high", "single"): 2, ("high", "none"): 4}
    )
    tests = stats.chi2_similarity_contributors(sim, authors).set_index("design")
    assert np.isnan(tests.loc["study_text", "chi2"]) and tests.loc["study_text", "dof"] == 0
    assert np.isnan(tests.loc["study_computed", "chi2"])  # every family is "single"
    assert tests.loc["three_levels", "dof"] == 1  # the all-zero column is dropped


def test_unlabelled_commits_are_excluded_from_change_type_statistics_and_counted():
    labels = pd.DataFrame(
        {
            "platform": ["GH", "GH", "GH", "HF"],
            "family": ["f"] * 4,
            "repository": ["GH", "GH", "GH", "m"],
            "key": ["a", "b", "c", "d"],
            "label": ["Sharing", "Unlabelled", "Model Structure", "Unlabelled"],
        }
    )
    counted = stats.unlabelled_commits(labels).set_index("platform")
    assert counted.loc["GH"].tolist() == [3, 1, 33.33]
    assert counted.loc["HF"].tolist() == [1, 1, 100.0]
    kept = labelled_only(labels)
    assert kept["key"].tolist() == ["a", "c"]
    # with "Unlabelled" counted as a type the family would score 1/3; without, HF has no
    # labelled commit: the family is unscored, not "shares nothing"
    sim = stats.similarity(kept, ["f"])
    assert sim["jaccard"].isna().all() and sim["unscored_reason"].tolist() == [
        "no labelled HF commit"
    ]
    families = pd.DataFrame({"family": ["f"], "pattern": ["Sparse"]})
    assert stats.chi2_pattern_platform(kept, families)["n"].tolist() == [2]
    assert stats.change_types_by_platform(kept).groupby("platform")["n"].sum().to_dict() == {
        "GH": 2,
        "HF": 0,
    }


def test_unlabelled_counts_of_an_empty_platform_are_zero():
    labels = pd.DataFrame({"platform": ["GH"], "label": ["Sharing"]})
    counted = stats.unlabelled_commits(labels).set_index("platform")
    assert counted.loc["HF"].tolist() == [0, 0, 0.0]


def test_per_pattern_tests_leave_out_the_unnamed_group_and_the_summary_keeps_it(tmp_path):
    from ptlmsync.outputs import tables_of
    from ptlmsync.tables import RuleInputs, make_tables

    families = pd.DataFrame(
        {
            "family": ["f", "g", "u"],
            "pattern": ["Frequent", "Disperse", "Unnamed"],
            "lag": ["GH first"] * 3,
            "maturity": ["Recent"] * 3,
        }
    )
    days = {"f": [1, 2, 3], "g": [10, 20, 30], "u": [100, 200]}
    switches = pd.DataFrame(
        [(fam, "GH", "HF", d) for fam, ds in days.items() for d in ds],
        columns=["family", "source", "target", "days"],
    )
    families.to_csv(tmp_path / "families.csv", index=False)
    switches.to_csv(tmp_path / "switches.csv", index=False)
    out = [tmp_path / f"{name}.csv" for name in tables_of("tabulate_switches")]
    inputs = {"switches": tmp_path / "switches.csv", "families": tmp_path / "families.csv"}
    make_tables("tabulate_switches", RuleInputs(inputs), out)
    summary = pd.read_csv(tmp_path / "switch_days_by_pattern.csv").set_index("group")
    assert summary.loc["Unnamed", "n_switches"] == 2  # described, not tested
    kruskal = pd.read_csv(tmp_path / "kruskal.csv")
    by_pattern = kruskal[(kruskal["grouping"] == "pattern") & (kruskal["unit"] == "switch event")]
    assert by_pattern["n"].tolist() == [6] and by_pattern["dof"].tolist() == [1]
    dunn = pd.read_csv(tmp_path / "dunn_pattern.csv")
    assert "Unnamed" not in set(dunn["group"]) and "Unnamed" not in dunn.columns


def test_the_direction_test_pairs_each_familys_two_directions():
    from ptlmsync.stats import paired_direction_test

    switches = pd.DataFrame(
        {
            "family": ["a", "a", "b", "b", "c", "c", "d"],
            "source": ["GH", "HF", "GH", "HF", "GH", "HF", "GH"],
            "target": ["HF", "GH", "HF", "GH", "HF", "GH", "HF"],
            "days": [4.0, 2.0, 10.0, 1.0, 1.0, 3.0, 50.0],
        }
    )
    row = paired_direction_test(switches).iloc[0]
    # by hand: d has one direction only; differences GH→HF minus HF→GH: +2, +9, -2;
    # ranks of |d|: 1.5, 3, 1.5 -> R+ = 4.5, R- = 1.5, r = 3 / 6 = 0.5
    assert row["n_families"] == 3 and row["rank_biserial"] == 0.5
    assert row["median_gh_to_hf"] == 4.0 and row["median_hf_to_gh"] == 2.0
    assert 0 < row["p"] <= 1
    one_way = paired_direction_test(switches[switches["family"] == "d"]).iloc[0]
    assert one_way["n_families"] == 0 and pd.isna(one_way["p"])


def test_the_switch_day_distributions_by_hand():
    from ptlmsync.tables import RuleInputs, switch_days_distribution

    switches = pd.DataFrame(
        {
            "family": ["a", "a", "b", "b", "b"],
            "source": ["GH", "HF", "GH", "HF", "GH"],
            "target": ["HF", "GH", "HF", "GH", "HF"],
            "days": [0, 1, 0, 0, 40],
        }
    )
    table = switch_days_distribution(RuleInputs({}, switches=switches)).set_index("sample")
    every = table.loc["all events"]
    # 3 of 5 on the same day, 1 over 30 days; the longest tenth (int(5 * 0.9) = 4: the
    # last value) holds 40 of the 41 days
    assert (every["n"], every["median"], every["mean"]) == (5, 0.0, 8.2)
    assert (every["percent_same_day"], every["percent_over_30"]) == (60.0, 20.0)
    assert every["percent_days_longest_tenth"] == pytest.approx(100 * 40 / 41)
    # GH→HF: 0, 0, 40; HF→GH: 1, 0
    assert table.loc["GH→HF", "n"] == 3 and table.loc["HF→GH", "percent_same_day"] == 50.0
    # family medians: a 0.5 (one event same day, one not: not a same-day family), b 0
    medians = table.loc["family median"]
    assert (medians["n"], medians["median"], medians["percent_same_day"]) == (2, 0.25, 50.0)
