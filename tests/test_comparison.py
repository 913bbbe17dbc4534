"""Original study vs this run, on small tables whose comparison was worked out by hand."""

from itertools import combinations

import pandas as pd
import pytest

from ptlmsync.comparison import (
    CLAIM_CHECKS,
    RQS,
    STUDY_NOT_SIGNIFICANT,
    RunFigures,
    check_claims,
    claim_numbers,
    compare_with_study,
    comparison_numbers,
    decimals,
    study_claims,
    study_numbers,
)
from ptlmsync.numbers import validation_numbers
from ptlmsync.vocab import PATTERN_ORDER


def write(directory, name, **columns):
    pd.DataFrame(columns).to_csv(directory / f"{name}.csv", index=False)


def test_the_studys_figures_are_transcribed_with_their_printed_precision():
    study = study_numbers().set_index("key")
    # the 124 figures of the study's text and figures, and the two counts of its coding
    # check (177 sampled, 3 misclassified) that its method section states
    assert study.index.is_unique and len(study) == 126
    assert study.loc["dataset.n_families", "value"] == "325"
    assert study.loc["chi2_similarity_contributors.p", "value"] == "0.0412"
    assert study.loc["chi2_similarity_contributors.cramers_v", "value"] == "0.140"
    assert decimals("0.0412") == 4 and decimals("325") == 0 and decimals("9.32") == 2
    assert "average delay" in study.loc["switch_days_by_lag.Simultaneous", "note"]
    # every figure belongs to a research question of the paper, or to the dataset / method
    assert set(study["rq"]) <= set(RQS)
    assert study["rq"].value_counts().to_dict() == {
        "RQ1": 39,
        "RQ2": 36,
        "RQ3": 31,
        "method": 15,
        "dataset": 5,
    }
    assert study.loc["dataset.n_gh_commits", "rounded_to"] == "10000"


def test_the_studys_claims_are_transcribed_and_each_has_a_check():
    claims = study_claims()
    assert len(claims) == 10 and claims["key"].is_unique
    assert set(claims["key"]) == set(CLAIM_CHECKS)
    assert set(claims["rq"]) <= set(RQS)
    assert claims.set_index("key").loc["automation.evidence", "rq"] == "RQ4"


def test_every_key_of_the_study_is_mapped_to_the_runs_tables(tmp_path):
    figures = RunFigures({}, tmp_path)
    for key in study_numbers()["key"]:
        value, why = figures.figure(key)
        assert value is None and why and "no rule maps" not in why, key
    # tables without rows (headers only) give no figure either
    for name in ("lag_distribution", "similarity_histogram", "contributors_by_pattern", "kruskal"):
        (tmp_path / f"{name}.csv").write_text("n,denominator\n")
    table = compare_with_study(
        {}, tmp_path, families=pd.DataFrame(columns=["maturity", "age_days"])
    )
    assert set(table["status"]) == {"not computable"} and table["matches"].isna().all()


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
    assert table.loc["lag_distribution.HF first", "status"] == "differs"
    assert table.loc["lag_distribution.HF first", "difference"] == pytest.approx(0.1)
    assert "no explanation recorded" in table.loc["lag_distribution.HF first", "note"]
    assert table.loc["dataset.n_families", "matches"]
    # the study's value as it prints it
    assert table.loc["chi2_similarity_contributors.cramers_v", "study"] == "0.140"
    # 77.5 against the study's 77: a difference known of the published files only, so
    # this run (not those files) gets no explanation of it
    assert "77.5" not in table.loc["similarity.percent_above_0.3", "note"]
    assert "no explanation" in table.loc["similarity.percent_above_0.3", "note"]
    # figures the run does not have stay in the table, not computable, with the reason
    assert len(table) == 126
    for key in ("labels.kappa.GH", "pattern_distribution.Sparse"):
        assert table.loc[key, "status"] == "not computable" and pd.isna(table.loc[key, "matches"])
        assert pd.isna(table.loc[key, "this_run"])
    assert "no pattern_distribution table" in table.loc["pattern_distribution.Sparse", "note"]
    assert "change-type labels" in table.loc["change_types.GH.Model Structure", "note"]
    counts = comparison_numbers(table.reset_index())
    assert (counts["n_compared"], counts["n_matching"], counts["n_differing"]) == (5, 2, 3)
    assert counts["n_not_computable"] == 121 and counts["n_figures"] == 126
    assert counts["by_rq"]["RQ2"] == {
        "n_figures": 36,
        "n_compared": 3,
        "n_matching": 1,
        "n_differing": 2,
        "n_differing_reproduced_the_studys_way": 0,  # not the published files
        "n_not_computable": 33,
    }


def test_a_known_difference_is_explained_only_on_the_published_files(tables):
    numbers = {"demo": False, "published_files": True, "similarity": {"percent_above_0_3": 77.5}}
    on_published = compare_with_study(numbers, tables).set_index("key")
    assert "77.5" in on_published.loc["similarity.percent_above_0.3", "note"]
    # the same value on other data: the explanation would be a claim about other files
    numbers["published_files"] = False
    elsewhere = compare_with_study(numbers, tables).set_index("key")
    assert "77.5" not in elsewhere.loc["similarity.percent_above_0.3", "note"]
    # the share the study printed rounded down: reproduced the study's way, on its files only
    assert on_published.loc["similarity.percent_above_0.3", "reproduced_the_studys_way"]
    assert not elsewhere.loc["similarity.percent_above_0.3", "reproduced_the_studys_way"]


def test_a_demo_run_is_marked_as_not_comparable(tables):
    table = compare_with_study({"n_families": 48, "demo": True}, tables)
    assert table["note"].str.contains("synthetic demo data").all()


# --- one test per kind of key ---------------------------------------------------------------


def figures_of(tmp_path, numbers=None, **frames):
    table = compare_with_study(numbers or {}, tmp_path, **frames).set_index("key")
    return table


def test_dataset_counts_rounded_as_the_text_rounds_and_the_extraction_date(tmp_path):
    numbers = {"n_gh_commits": 143_210, "n_hf_commits": 17_600, "extraction_date": "2024-06-10"}
    table = figures_of(tmp_path, numbers)
    # the text's "140,000" and "17,000" are rounded to ten and one thousand
    assert table.loc["dataset.n_gh_commits", "matches"]
    assert not table.loc["dataset.n_hf_commits", "matches"]  # 17,600 -> 18,000
    assert table.loc["dataset.extraction_date", "matches"]
    assert table.loc["dataset.extraction_date", "this_run"] == "2024-06-10"
    later = figures_of(tmp_path, {"extraction_date": "2025-06-30"})
    assert later.loc["dataset.extraction_date", "status"] == "differs"
    # the replication takes the study's ages as published: no date of its own
    published = figures_of(tmp_path, {"extraction_date": "as published by the original study"})
    assert published.loc["dataset.extraction_date", "status"] == "not computable"
    assert "no extraction date" in published.loc["dataset.extraction_date", "note"]
    assert "holds no commits" in published.loc["dataset.n_gh_commits", "note"]


def test_kappas_of_labels_and_of_the_coding_where_it_applies(tmp_path):
    numbers = {
        "labels": {"kappa": {"GH": {"mean": 0.7912}, "HF": {"mean": 0.70}}},
        "sync_validation": {"kappa_lag": 1.0, "kappa_code": 0.956, "applies": True},
    }
    table = figures_of(tmp_path, numbers)
    assert table.loc["labels.kappa.GH", "matches"] and not table.loc["labels.kappa.HF", "matches"]
    assert table.loc["sync_validation.kappa_code", "matches"]  # 0.956 -> 0.96
    numbers["sync_validation"] |= {"applies": False, "setting": "a 7-day window"}
    elsewhere = figures_of(tmp_path, numbers)
    assert elsewhere.loc["sync_validation.kappa_code", "status"] == "not computable"
    assert "7-day window" in elsewhere.loc["sync_validation.kappa_code", "note"]


def test_change_types_and_their_chi_square_tests(tmp_path):
    write(
        tmp_path,
        "change_types_by_platform",
        platform=["GH", "GH", "GH", "HF"],
        change_type=["Model Structure", "External Documentation", "Sharing", "Preprocessing"],
        n=[297, 210, 493, 5],
        percent=[0.0, 0.0, 0.0, 100.0],  # never read where the counts are there
    )
    write(
        tmp_path,
        "chi2_change_types_by_maturity",
        maturity=["Recent"],
        chi2=[2675.859],
        cramers_v=[0.19614],
    )
    write(tmp_path, "chi2_pattern_platform", pattern=["Frequent"], chi2=[698.4])
    table = figures_of(tmp_path)
    assert table.loc["change_types.GH.Model Structure", "this_run"] == pytest.approx(29.7)
    assert table.loc["change_types.GH.External Documentation", "matches"]  # 21.0
    assert table.loc["change_types.GH.Training Infrastructure", "this_run"] == 0  # none of it
    assert not table.loc["change_types.HF.Preprocessing", "matches"]  # 100 % of HF
    assert table.loc["chi2_change_types_by_maturity.Recent.chi2", "matches"]
    assert table.loc["chi2_change_types_by_maturity.Recent.cramers_v", "matches"]
    assert table.loc["chi2_change_types_by_maturity.Matured.chi2", "status"] == "not computable"
    assert not table.loc["chi2_pattern_platform.Frequent.chi2", "matches"]  # 698.4 vs 698.33


def test_similarity_histogram_from_counts_not_rounded_percentages(tmp_path):
    write(
        tmp_path,
        "similarity_histogram",
        bin_start=[0.1, 0.2, 0.30000000000000004],
        bin_end=[0.2, 0.3, 0.4],
        n=[12, 60, 0],
        percent=[99.0, 99.0, 99.0],  # a wrong percentage column is never read
        denominator=[325, 325, 0],
    )
    table = figures_of(tmp_path)
    assert table.loc["similarity_histogram.0.1-0.2", "matches"]  # 12/325 = 3.69 -> 3.7
    assert table.loc["similarity_histogram.0.2-0.3", "matches"]  # 60/325 = 18.46 -> 18.5
    assert table.loc["similarity_histogram.0.3-0.4", "status"] == "not computable"  # 0 families
    assert table.loc["similarity_histogram.0.4-0.5", "status"] == "not computable"  # no bin


def test_similarity_and_patterns_within_groups(tmp_path):
    write(
        tmp_path,
        "similarity_by_maturity",
        similarity_level=["low", "high"],
        maturity=["Recent", "Intermediate"],
        n=[58, 42],
        denominator=[110, 110],
    )
    write(
        tmp_path,
        "pattern_by_maturity",
        pattern=["Dense partial", "Disperse"],
        maturity=["Intermediate", "Intermediate"],
        n=[5, 46],
        n_maturity=[110, 110],
        n_all=[325, 325],
    )
    write(
        tmp_path,
        "lag_by_maturity",
        lag=["GH first"],
        maturity=["Matured"],
        n=[71],
        n_maturity=[105],
        n_all=[325],
    )
    write(
        tmp_path,
        "pattern_by_release",
        pattern=["Disperse", "Sparse"],
        release=["multiple", "single"],
        n=[77, 37],
        denominator=[325, 325],
    )
    table = figures_of(tmp_path)
    assert table.loc["similarity_by_maturity.Recent.low", "matches"]  # 58/110 = 52.73
    assert table.loc["similarity_by_maturity.Intermediate.high", "matches"]  # 42/110 = 38.18
    # 5/110 = 4.545 rounds to 4.5 (the rounded 4.55 would invite 4.6)
    assert table.loc["pattern_by_maturity.Intermediate.Dense partial", "matches"]
    assert not table.loc["pattern_by_maturity.Intermediate.Disperse", "matches"]  # 41.8 vs 40.9
    assert table.loc["lag_by_maturity.Matured.GH first", "matches"]  # of all families: 21.8
    assert table.loc["pattern_by_release.multiple.Disperse", "matches"]  # 23.69
    assert not table.loc["pattern_by_release.single.Sparse", "matches"]  # 11.4 vs 11.7


def test_similarity_by_the_studys_contributor_groups(tmp_path):
    # value terciles of six scores: low 0.1, 0.2; moderate 0.3, 0.4; high 0.5, 0.6.
    # the study's groups: single = 0 or 1 shared contributors, multiple = more or absent
    write(
        tmp_path,
        "similarity",
        family=list("abcdef"),
        jaccard=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        unscored_reason=[""] * 6,
    )
    contributors = pd.DataFrame({"family": list("abcde"), "n_shared_authors": [0, 1, 2, 0, 3]})
    table = figures_of(tmp_path, contributors=contributors)
    # single: a (low), b (low), d (moderate); multiple: c (moderate), e (high), f (high)
    share = table["this_run"]
    assert share["similarity_by_contributors.single.low"] == pytest.approx(66.667)
    assert share["similarity_by_contributors.single.high"] == 0
    assert share["similarity_by_contributors.multiple.high"] == pytest.approx(66.667)
    assert share["similarity_by_contributors.multiple.moderate"] == pytest.approx(33.333)
    without = figures_of(tmp_path)
    assert without.loc["similarity_by_contributors.single.low", "status"] == "not computable"
    assert "contributor table" in without.loc["similarity_by_contributors.single.low", "note"]


def test_maturity_groups_sizes_and_age_bounds(tmp_path):
    families = pd.DataFrame(
        {
            "family": list("abcd"),
            "age_days": [1.0, 113.2, 500.0, 1867.4],
            "maturity": ["Recent", "Recent", "Matured", "Matured"],
        }
    )
    table = figures_of(tmp_path, families=families)
    assert table.loc["maturity.n_families.Recent", "this_run"] == 2
    assert not table.loc["maturity.n_families.Recent", "matches"]  # the study: 109
    assert table.loc["maturity.min_age_days.Recent", "matches"]  # 1
    assert table.loc["maturity.max_age_days.Recent", "matches"]  # 113.2 -> 113
    assert table.loc["maturity.max_age_days.Matured", "matches"]  # 1867.4 -> 1867
    assert not table.loc["maturity.min_age_days.Matured", "matches"]  # 500 vs 436
    assert table.loc["maturity.n_families.Intermediate", "this_run"] == 0
    assert table.loc["maturity.min_age_days.Intermediate", "status"] == "not computable"
    assert figures_of(tmp_path).loc["maturity.n_families.Recent", "status"] == "not computable"


def test_contributor_medians_switch_days_and_spearman(tmp_path):
    write(
        tmp_path,
        "contributors_by_pattern",
        pattern=["Frequent", "Frequent"],
        platform=["GH", "HF"],
        median=[48.5, 3.5],
    )
    write(tmp_path, "switch_days_by_maturity", group=["Recent"], n_switches=[812], mean_days=[9.06])
    write(
        tmp_path,
        "spearman_contributors",
        platform=["GH", "HF"],
        rho=[-0.97012, None],
        p=[0.001, None],
    )
    table = figures_of(tmp_path)
    assert table.loc["contributors_median.GH.Frequent", "matches"]
    assert not table.loc["contributors_median.HF.Frequent", "matches"]  # 3.5 vs 6.5
    assert table.loc["switch_days_by_maturity.Recent", "matches"]  # 9.06 -> 9 (whole days)
    assert table.loc["spearman_contributors_pattern.GH.rho", "matches"]
    assert table.loc["spearman_contributors_pattern.HF.rho", "status"] == "not computable"


def test_counts_add_up_overall_and_by_research_question(tables):
    table = compare_with_study({"n_families": 325}, tables)
    counts = comparison_numbers(table)
    assert counts["n_compared"] + counts["n_not_computable"] == counts["n_figures"] == 126
    assert counts["n_matching"] + counts["n_differing"] == counts["n_compared"]
    for measure in ("n_figures", "n_compared", "n_matching", "n_differing", "n_not_computable"):
        assert sum(by[measure] for by in counts["by_rq"].values()) == counts[measure]
    claims = check_claims({}, tables)
    counted = comparison_numbers(table, claims)["claims"]
    assert counted["n_claims"] == 10
    assert counted["n_holds"] + counted["n_does_not_hold"] + counted["n_cannot_be_checked"] == 10
    assert sum(by["n_claims"] for by in counted["by_rq"].values()) == 10
    assert claim_numbers(claims) == counted
    assert counted["keys_cannot_be_checked"].count(".") == 10  # all ten, by key


# --- claims -----------------------------------------------------------------------------------


def verdicts(tmp_path, numbers=None, **frames) -> dict:
    claims = check_claims(numbers or {}, tmp_path, **frames)
    return dict(zip(claims["key"], claims["verdict"], strict=True))


def test_nothing_to_check_gives_no_verdict(tmp_path):
    assert set(verdicts(tmp_path).values()) == {"cannot be checked"}
    # empty tables (headers only) decide nothing either
    for name in ("automated_sync", "dunn_pattern", "spearman_contributors", "switch_days_by_lag"):
        (tmp_path / f"{name}.csv").write_text("family\n")
    assert set(verdicts(tmp_path).values()) == {"cannot be checked"}


def write_dunn(directory, name, groups, p_of):
    matrix = pd.DataFrame(1.0, index=groups, columns=groups)
    for a, b in combinations(groups, 2):
        matrix.loc[a, b] = matrix.loc[b, a] = p_of(a, b)
    matrix.rename_axis("group").reset_index().to_csv(directory / f"{name}.csv", index=False)


@pytest.mark.parametrize("claim", sorted(STUDY_NOT_SIGNIFICANT))
def test_dunn_pattern_pairs_as_the_study_lists_them(tmp_path, claim):
    listed = {frozenset(pair) for pair in STUDY_NOT_SIGNIFICANT[claim]}
    other = next(k for k in STUDY_NOT_SIGNIFICANT if k != claim)

    def as_listed(a, b):
        return 0.5 if frozenset((a, b)) in listed else 0.001

    write_dunn(tmp_path, "dunn_pattern", PATTERN_ORDER, as_listed)
    found = verdicts(tmp_path)
    assert found[claim] == "holds" and found[other] == "does not hold"
    # one listed pair significant after all: contrary
    first = next(iter(listed))
    write_dunn(
        tmp_path,
        "dunn_pattern",
        PATTERN_ORDER,
        lambda a, b: 0.01 if {a, b} == first else as_listed(a, b),
    )
    assert verdicts(tmp_path)[claim] == "does not hold"
    # a pattern missing: the remaining pairs agree, but the claim is not checked in full
    fewer = [p for p in PATTERN_ORDER if p != "Sparse"]
    write_dunn(tmp_path, "dunn_pattern", fewer, as_listed)
    assert verdicts(tmp_path)[claim] == "cannot be checked"


def test_dunn_pattern_pairs_are_also_told_per_family_mean(tmp_path):
    claim = sorted(STUDY_NOT_SIGNIFICANT)[0]
    listed = {frozenset(pair) for pair in STUDY_NOT_SIGNIFICANT[claim]}

    def as_listed(a, b):
        return 0.5 if frozenset((a, b)) in listed else 0.001

    write_dunn(tmp_path, "dunn_pattern", PATTERN_ORDER, as_listed)
    write_dunn(tmp_path, "dunn_pattern_per_family", PATTERN_ORDER, lambda a, b: 0.5)

    def evidence():
        return check_claims({}, tmp_path).set_index("key").loc[claim]

    # per event as listed: holds; per family nothing differs, so every pair the claim
    # calls significant is against it (28 - listed: counted, too many to name), and the
    # verdict stays the events'
    row = evidence()
    assert row["verdict"] == "holds"
    assert "28 of 28 pairs as the claim says" in row["evidence"]
    assert f"per family mean: {28 - len(listed)} pairs against the claim" in row["evidence"]
    write_dunn(tmp_path, "dunn_pattern_per_family", PATTERN_ORDER, as_listed)
    assert evidence()["evidence"].endswith("per family mean: 0 pairs against the claim")
    # one pair against the claim per family: named
    one = frozenset(("Frequent", "Sparse"))
    write_dunn(
        tmp_path,
        "dunn_pattern_per_family",
        PATTERN_ORDER,
        lambda a, b: 0.5 if frozenset((a, b)) in listed | {one} else 0.001,
    )
    assert (
        "per family mean: 1 pair against the claim (Frequent vs Sparse (p = 0.5"
        in (evidence()["evidence"])
    )


def write_groups(directory, grouping, means, p_kruskal, dunn_p):
    groups = list(means)
    write(
        directory,
        f"switch_days_by_{grouping}",
        group=groups,
        n_switches=[100] * len(groups),
        mean_days=list(means.values()),
    )
    write(directory, "kruskal", unit=["switch event"], grouping=[grouping], H=[50.6], p=[p_kruskal])
    write_dunn(directory, f"dunn_{grouping}", groups, dunn_p)


def test_the_gh_first_days_are_read_as_the_study_states_them_from_gh_to_hf(tmp_path):
    families = pd.DataFrame(
        {"family": ["a", "b", "c"], "lag": ["GH first", "GH first", "HF first"]}
    )
    # by hand: the GH-first families' GH-to-HF events are 10.0 and 21.64 days: mean 15.82;
    # their HF-to-GH event (1.0 day) and family c's events do not count
    switches = pd.DataFrame(
        {
            "family": ["a", "a", "b", "c"],
            "source": ["GH", "HF", "GH", "GH"],
            "target": ["HF", "GH", "HF", "HF"],
            "days": [10.0, 1.0, 21.64, 99.0],
        }
    )
    write(tmp_path, "switch_days_by_lag", group=["GH first"], n_switches=[3], mean_days=[10.88])

    def claim(events):
        rows = check_claims({}, tmp_path, families=families, switches=events)
        return rows.set_index("key").loc["switch_days.gh_to_hf"]

    row = claim(switches)
    assert row["verdict"] == "holds"
    assert "2 GH-to-HF switch events take 15.82 days" in row["evidence"]
    assert "their mean over both directions is 10.88 days" in row["evidence"]
    # the mean over both directions is 15.82 but GH to HF takes longer: does not hold
    later = switches.assign(days=[20.0, 1.0, 26.46, 99.0])
    assert claim(later)["verdict"] == "does not hold"
    assert claim(None)["verdict"] == "cannot be checked"


def test_switch_days_differ_between_lags_in_the_studys_order(tmp_path):
    means = {"HF first": 22.35, "GH first": 15.82, "Simultaneous": 9.32}
    write_groups(tmp_path, "lag", means, 1e-11, lambda a, b: 0.007)
    found = verdicts(tmp_path)
    assert found["kruskal_lag.all_pairs_significant"] == "holds"
    # another order of the means
    write_groups(tmp_path, "lag", {**means, "GH first": 25.0}, 1e-11, lambda a, b: 0.007)
    found = verdicts(tmp_path)
    assert found["kruskal_lag.all_pairs_significant"] == "does not hold"
    # one pair not significant
    write_groups(
        tmp_path, "lag", means, 1e-11, lambda a, b: 0.2 if "Simultaneous" in (a, b) else 0.01
    )
    assert verdicts(tmp_path)["kruskal_lag.all_pairs_significant"] == "does not hold"
    # no difference at all
    write_groups(tmp_path, "lag", means, 0.3, lambda a, b: 0.007)
    assert verdicts(tmp_path)["kruskal_lag.all_pairs_significant"] == "does not hold"


def test_switch_days_differ_between_every_pair_of_maturity_groups(tmp_path):
    means = {"Recent": 9.06, "Intermediate": 9.17, "Matured": 24.49}
    write_groups(tmp_path, "maturity", means, 1e-27, lambda a, b: 0.02)
    assert verdicts(tmp_path)["kruskal_maturity.all_pairs_significant"] == "holds"
    write_groups(
        tmp_path, "maturity", means, 1e-27, lambda a, b: 0.7 if "Matured" not in (a, b) else 0.02
    )
    assert verdicts(tmp_path)["kruskal_maturity.all_pairs_significant"] == "does not hold"
    # per family mean only Recent vs Matured differs: told in the evidence and in the
    # per-family verdict; the verdict stays the events' (the study's unit)
    write_groups(tmp_path, "maturity", means, 1e-27, lambda a, b: 0.02)
    write_dunn(
        tmp_path,
        "dunn_maturity_per_family",
        list(means),
        lambda a, b: 0.01 if {a, b} == {"Recent", "Matured"} else 0.4,
    )

    def claim():
        rows = check_claims({}, tmp_path).set_index("key")
        return rows.loc["kruskal_maturity.all_pairs_significant"]

    # per family two pairs do not differ: the claim does not hold per family, whatever
    # the per-family Kruskal-Wallis test (none in the run here)
    assert claim()["verdict"] == "holds" and claim()["per_family"] == "does not hold"
    assert (
        "per family mean, 1 of 3 pairs differ significantly (Recent vs Matured)"
        in (claim()["evidence"])
    )
    kruskal = pd.DataFrame(
        {
            "unit": ["switch event", "family mean"],
            "grouping": ["maturity"] * 2,
            "H": [50.6, 9.0],
            "p": [1e-27, 0.01],
        }
    )
    # every pair differs per family: the verdict rests on the per-family test
    write_dunn(tmp_path, "dunn_maturity_per_family", list(means), lambda a, b: 0.01)
    assert (claim()["verdict"], claim()["per_family"]) == ("holds", "cannot be checked")
    kruskal.to_csv(tmp_path / "kruskal.csv", index=False)
    assert (claim()["verdict"], claim()["per_family"]) == ("holds", "holds")
    kruskal.assign(p=[1e-27, 0.3]).to_csv(tmp_path / "kruskal.csv", index=False)
    assert (claim()["verdict"], claim()["per_family"]) == ("holds", "does not hold")
    # a claim without a per-event unit has no per-family verdict
    rows = check_claims({}, tmp_path).set_index("key")
    assert rows.loc["switch_days.average_delay", "per_family"] == ""


def test_the_average_delay_is_the_mean_over_every_switch_event(tmp_path):
    # 100 events each: (9.32 + 9.32) / 2 = 9.32
    write(
        tmp_path,
        "switch_days_by_lag",
        group=["GH first", "Simultaneous"],
        n_switches=[100, 100],
        mean_days=[9.32, 9.32],
    )
    assert verdicts(tmp_path)["switch_days.average_delay"] == "holds"
    # the study's 9.32 is the Simultaneous group's mean; over all events it is more
    write(
        tmp_path,
        "switch_days_by_lag",
        group=["GH first", "Simultaneous"],
        n_switches=[300, 100],
        mean_days=[16.0, 8.0],
    )
    claims = check_claims({}, tmp_path).set_index("key")
    assert claims.loc["switch_days.average_delay", "verdict"] == "does not hold"
    # (300 * 16 + 100 * 8) / 400 = 14
    assert "14.00 days" in claims.loc["switch_days.average_delay", "evidence"]


def test_automated_synchronisation(tmp_path):
    columns = {
        "family": ["a", "b"],
        "n_hf_commits": [10, 5],
        "n_automated_hf": [3, 0],
        "n_linked": [0, 0],
    }
    write(tmp_path, "automated_sync", **columns, n_sync_hf=[0, 0])
    assert verdicts(tmp_path)["automation.evidence"] == "holds"  # tool commits, no sync
    write(tmp_path, "automated_sync", **columns | {"n_linked": [2, 0]}, n_sync_hf=[2, 0])
    claims = check_claims({}, tmp_path).set_index("key")
    assert claims.loc["automation.evidence", "verdict"] == "does not hold"
    assert claims.loc["automation.evidence", "evidence"].startswith("1 of 2 families")


def test_similarity_peaks_in_the_intermediate_group(tmp_path):
    def by_age(high, denominator=(110, 110, 105)):
        write(
            tmp_path,
            "similarity_by_maturity",
            similarity_level=["high"] * 3,
            maturity=["Recent", "Intermediate", "Matured"],
            n=high,
            denominator=list(denominator),
        )

    by_age([27, 42, 36])
    assert verdicts(tmp_path)["maturity.similarity_peak"] == "holds"
    by_age([27, 36, 42])
    assert verdicts(tmp_path)["maturity.similarity_peak"] == "does not hold"
    by_age([27, 42, 40])  # 40/105 = 38.1 % < 42/110 = 38.2 %: still the peak
    assert verdicts(tmp_path)["maturity.similarity_peak"] == "holds"
    by_age([27, 42, 42], (110, 110, 110))  # a tie is no peak
    assert verdicts(tmp_path)["maturity.similarity_peak"] == "does not hold"


def test_similarity_goes_with_multiple_shared_contributors(tmp_path):
    write(
        tmp_path,
        "similarity",
        family=list("abcdef"),
        jaccard=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        unscored_reason=[""] * 6,
    )
    # multiple: c (moderate), e, f (high): 66.7 % high vs 0 % low; single: none high
    contributors = pd.DataFrame({"family": list("abcde"), "n_shared_authors": [0, 1, 2, 0, 3]})
    significant = {"chi2_similarity_contributors": {"p": 0.0412}}
    key = "contributors.similarity"
    assert verdicts(tmp_path, significant, contributors=contributors)[key] == "holds"
    not_significant = {"chi2_similarity_contributors": {"p": 0.3}}
    assert verdicts(tmp_path, not_significant, contributors=contributors)[key] == "does not hold"
    # the other direction: low-similarity families share several contributors
    reversed_ = contributors.assign(family=list("fedcb"))  # a absent: multiple, low
    assert verdicts(tmp_path, significant, contributors=reversed_)[key] == "does not hold"
    assert verdicts(tmp_path, significant)[key] == "cannot be checked"
    # the verdict is the study's design's; the other designs are named in the evidence
    designs = significant | {
        "chi2_similarity_contributors_text": {"p": 0.0146},
        "chi2_similarity_contributors_robustness": {"p": 0.0703},
    }
    claims = check_claims(designs, tmp_path, contributors=contributors).set_index("key")
    assert claims.loc[key, "verdict"] == "holds"
    assert "the design its text describes: p = 0.0146" in claims.loc[key, "evidence"]
    assert "the 3 x 3 table with 'none': p = 0.0703" in claims.loc[key, "evidence"]


def test_strong_negative_spearman_on_both_platforms(tmp_path):
    def spearman(gh_rho, hf_rho):
        write(
            tmp_path,
            "spearman_contributors",
            platform=["GH", "HF"],
            rho=[gh_rho, hf_rho],
            p=[1e-5, 1e-5],
        )

    spearman(-0.97, -0.87)
    assert verdicts(tmp_path)["spearman_contributors.negative"] == "holds"
    spearman(-0.97, 0.2)
    assert verdicts(tmp_path)["spearman_contributors.negative"] == "does not hold"
    spearman(-0.97, -0.3)  # negative but weak
    assert verdicts(tmp_path)["spearman_contributors.negative"] == "does not hold"
    spearman(-0.97, None)
    assert verdicts(tmp_path)["spearman_contributors.negative"] == "cannot be checked"


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


def test_each_figure_gets_one_of_four_verdicts():
    from ptlmsync.comparison import figure_verdict

    assert figure_verdict("matches", False) == "reproduced"
    assert figure_verdict("differs", True) == "differs, explained"
    assert figure_verdict("differs", False) == "differs, unexplained"
    assert figure_verdict("not computable", False) == "cannot be checked"


def test_the_differences_by_kind_by_hand():
    from ptlmsync.comparison import EXPLAINED, REPRODUCED, UNEXPLAINED
    from ptlmsync.tables import RuleInputs, comparison_differences

    rows = [  # key, difference, status, verdict, unit
        ("similarity_histogram.0.3-0.4", 2.0, "differs", EXPLAINED, "% of families"),
        ("similarity_histogram.0.4-0.5", -3.5, "differs", UNEXPLAINED, "% of families"),
        ("similarity_histogram.0.5-0.6", 0.0, "matches", REPRODUCED, "% of families"),
        ("contributors_median.GH.Frequent", -1.0, "differs", EXPLAINED, "contributors (x)"),
        ("lag_distribution.GH first", 0.0, "matches", REPRODUCED, "% of families"),
        ("dataset.extraction_date", None, "differs", UNEXPLAINED, "date"),  # no number
    ]
    data = RuleInputs({})
    data._made["comparison_with_study"] = pd.DataFrame(
        rows, columns=["key", "difference", "status", "verdict", "unit"]
    ).assign(note="", study=1, this_run=1)
    table = comparison_differences(data).set_index("differing")
    # two kinds differ (the lag shares all match: no row); the largest by absolute value
    assert list(table.index) == ["2 of 3", "1 of 1", "1 of 1"]
    assert table["largest"].iloc[2] == "–"  # between two dates
    assert table.loc["2 of 3", ["explained", "unexplained", "largest"]].tolist() == [
        1,
        1,
        "3.5 percentage points",
    ]
    assert table["largest"].iloc[1] == "1 contributor"  # one: singular
    assert table["figures"].iloc[1] == "median GH contributors, Frequent"  # the one figure


def test_the_runs_dunn_p_values_against_the_published_matrix_by_hand():
    from ptlmsync.comparison import dunn_against_published

    study = ["Frequent Alignment", "Rare Disjoing", "Sparse Alignment Pattern"]
    published = pd.DataFrame(
        [[1.0, 0.01, 0.2], [0.01, 1.0, 0.04], [0.2, 0.04, 1.0]], columns=study
    ).assign(name=study)[["name", *study]]
    run = pd.DataFrame(
        {
            "group": ["Frequent", "Rare disjoint", "Sparse"],
            "Frequent": [1.0, 0.01, 0.2],
            "Rare disjoint": [0.01, 1.0, 0.06],  # differs by 0.02 and crosses 0.05
            "Sparse": [0.2, 0.06, 1.0],
        }
    )
    # three pairs: two equal, one not (0.04 vs 0.06: another verdict)
    assert dunn_against_published(published, run) == {
        "n_pairs": 3,
        "n_equal": 2,
        "n_same_verdict": 2,
        "max_difference": pytest.approx(0.02),
    }
    no_pattern_in_common = run.assign(group=["A", "B", "C"])
    assert dunn_against_published(published, no_pattern_in_common)["n_pairs"] == 0


def test_claims_holding_per_event_are_counted_per_family_too():
    from ptlmsync.comparison import claim_numbers

    claims = pd.DataFrame(
        {
            "key": ["a", "b", "c", "d"],
            "rq": ["RQ3"] * 4,
            "verdict": ["holds", "holds", "does not hold", "holds"],
            "per_family": ["holds", "does not hold", "holds", ""],
        }
    )
    # three claims decided per switch event, two of them hold, one of those per family too
    counts = claim_numbers(claims)
    assert (counts["n_per_event"], counts["n_holds_per_event"]) == (3, 2)
    assert counts["n_holds_per_family_too"] == 1
