"""The paper's conclusions follow the data: built from deliberately contrary small tables
(no significant test, another ranking, another direction), the manuscript's sentences
say the contrary — none of them reads the same whatever the data."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ptlmsync.numbers import comparison_text, findings_numbers
from ptlmsync.paper import (
    VAR,
    apply_conditions,
    is_p_value,
    prepare_build,
    resolve,
    split_front_matter,
    substitute,
    variables,
)

REPO = Path(__file__).resolve().parents[1]
INDEX = REPO / "paper/index.qmd"
PATTERNS = ["Frequent", "Intermittent", "Disperse"]


def write(tables: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(tables / f"{name}.csv", index=False)


def contrary_tables(tables: Path) -> None:
    """Small tables that contradict the original study's findings: no test significant,
    the Simultaneous families slowest, GH slower to follow HF than HF to follow GH, no
    tail, similarity peaking among the Matured families."""
    write(
        tables,
        "kruskal",
        pd.DataFrame(
            [
                {"unit": u, "grouping": g, "H": 1.2, "dof": 2, "p": 0.55, "epsilon2": 0.001, "n": 9}
                for g in ("lag", "pattern", "maturity")
                for u in ("switch event", "family mean")
            ]
        ),
    )
    write(
        tables,
        "switch_days_by_lag",
        pd.DataFrame(
            {
                "group": ["Simultaneous", "GH first", "HF first"],
                "n_switches": [4, 3, 2],
                "n_families": [2, 2, 1],
                "mean_days": [30.0, 10.0, 5.0],
                "median_days": [30.0, 10.0, 5.0],
            }
        ),
    )
    write(
        tables,
        "chi2_change_types_by_maturity",
        pd.DataFrame(
            {
                "maturity": ["Recent", "Intermediate", "Matured"],
                "chi2": [3.0, 4.0, 5.0],
                "dof": [14] * 3,
                "p": [0.3, 0.3, 0.3],
                "p_bonferroni": [0.9, 0.9, 0.9],
                "cramers_v": [0.05] * 3,
                "n": [50] * 3,
            }
        ),
    )
    write(
        tables,
        "switch_days_distribution",
        pd.DataFrame(
            {
                "sample": ["all events", "GH→HF", "HF→GH", "family median"],
                "n": [9, 5, 4, 5],
                "mean": [10.0, 4.0, 20.0, 10.0],
                "q1": [8.0, 3.0, 15.0, 8.0],
                "median": [10.0, 4.0, 20.0, 10.0],
                "q3": [12.0, 5.0, 25.0, 12.0],
                "p90": [14.0, 6.0, 28.0, 14.0],
                "percent_same_day": [0.0] * 4,
                "percent_over_30": [0.0] * 4,
                "percent_days_longest_tenth": [12.0, 14.0, 13.0, 12.0],
            }
        ),
    )
    matrix = pd.DataFrame(1.0, index=PATTERNS, columns=PATTERNS)
    write(tables, "dunn_pattern", matrix.rename_axis("group").reset_index())
    write(tables, "dunn_pattern_per_family", matrix.rename_axis("group").reset_index())
    write(
        tables,
        "similarity_by_maturity",
        pd.DataFrame(
            {
                "similarity_level": ["high"] * 3,
                "maturity": ["Recent", "Intermediate", "Matured"],
                "n": [1, 1, 4],
                "percent_within_maturity": [10.0, 20.0, 40.0],
                "denominator": [10, 5, 10],
            }
        ),
    )
    write(
        tables,
        "chi2_similarity_maturity",
        pd.DataFrame({"chi2": [1.2], "dof": [4], "p": [0.88], "cramers_v": [0.1], "n": [25]}),
    )
    write(
        tables,
        "chi2_similarity_contributors",
        pd.DataFrame(
            {
                "design": ["study_computed", "study_text", "three_levels"],
                "chi2": [0.5, 0.4, 0.6],
                "dof": [2, 2, 4],
                "p": [0.7, 0.8, 0.9],
                "cramers_v": [0.05, 0.04, 0.06],
                "n": [30, 20, 30],
            }
        ),
    )
    write(
        tables,
        "pattern_by_maturity",
        pd.DataFrame(
            {
                "pattern": ["Frequent", "Disperse", "Frequent", "Disperse"],
                "maturity": ["Recent", "Recent", "Matured", "Matured"],
                "percent_within_maturity": [70.0, 30.0, 0.0, 100.0],
            }
        ),
    )
    write(
        tables,
        "pattern_by_release",
        pd.DataFrame(
            {
                "pattern": ["Frequent", "Disperse"] * 2,
                "release": ["single", "single", "multiple", "multiple"],
                "n": [1, 3, 4, 0],
                "percent_of_all": [12.5, 37.5, 50.0, 0.0],
            }
        ),
    )
    write(
        tables,
        "contributors_by_pattern",
        pd.DataFrame(
            {
                "pattern": ["Frequent", "Disperse"],
                "platform": ["GH", "GH"],
                "median": [1.0, 9.0],
            }
        ),
    )
    write(
        tables,
        "spearman_contributors",
        pd.DataFrame({"platform": ["GH", "HF"], "rho": [0.2, 0.1], "p": [0.6, 0.8], "n": [9, 9]}),
    )


@pytest.fixture
def contrary(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    contrary_tables(tables)
    return tables, findings_numbers(tables)


def test_the_findings_follow_contrary_data(contrary):
    _, found = contrary
    assert found["change_types_by_maturity"] == (
        "differs significantly between the platforms in no maturity group"
    )
    assert "across none of the groupings" in found["switch_tests"]
    assert found["robustness"].startswith(
        "with one value per family the Kruskal–Wallis tests reach the same"
    )
    assert found["lag_ranking"].startswith("Simultaneous (30.0 days), GH first (10.0 days)")
    assert found["slowest_lag"] == "Simultaneous"
    assert found["direction"].startswith("GH takes longer to follow HF")
    assert "and in the median" in found["direction"]
    # by hand: mean 10.0 over median 10.0 is 1.0 times: alike
    assert "is 1.0 times the median, so mean and median describe the events alike" in found["tail"]
    assert found["tail_consequence"].endswith("means and medians tell the same story")
    assert found["dunn_pattern"].startswith("0 of the 3 pairs")
    assert found["similarity_peak"].startswith("high similarity is most common among Matured")
    assert (
        "does not depend significantly on maturity (chi-square = 1.2, dof 4, p = 0.88"
        in (found["similarity_peak"])
    )
    assert found["contributor_designs"] == "the robustness checks reach the same verdict"
    assert found["pattern_by_maturity"] == (
        "the most common pattern is Frequent among Recent families (70.0%) and Disperse "
        "among Matured families (100.0%)"
    )
    # by hand: 3 of the 4 single-model families are Disperse, all 4 multi-model Frequent
    assert found["pattern_by_release"] == (
        "the most common pattern is Disperse among single-model families (75.0%) and "
        "Frequent among multi-model families (100.0%)"
    )
    assert found["contributors"] == (
        "on GH the median family has from 1 (Frequent) to 9 (Disperse) contributors"
    )
    assert found["spearman"] == "positive and not significant on both platforms"


def test_the_findings_follow_data_like_the_study(tmp_path):
    """The same tables turned the study's way give the study's conclusions."""
    tables = tmp_path
    contrary_tables(tables)
    kruskal = pd.read_csv(tables / "kruskal.csv").assign(p=1e-9)
    kruskal.loc[(kruskal["unit"] == "family mean") & (kruskal["grouping"] == "lag"), "p"] = 0.3
    write(tables, "kruskal", kruskal)
    chi2 = pd.read_csv(tables / "chi2_change_types_by_maturity.csv")
    chi2["p_bonferroni"] = [1e-6, 0.2, 1e-6]
    write(tables, "chi2_change_types_by_maturity", chi2)
    dist = pd.read_csv(tables / "switch_days_distribution.csv")
    dist["mean"] = [15.0, 18.0, 12.0, 30.0]
    dist["median"] = [0.0, 1.0, 0.0, 3.0]
    write(tables, "switch_days_distribution", dist)
    test = pd.read_csv(tables / "chi2_similarity_maturity.csv").assign(p=0.004)
    write(tables, "chi2_similarity_maturity", test)
    found = findings_numbers(tables)
    assert "; the similarity level depends significantly on maturity (" in found["similarity_peak"]
    assert found["change_types_by_maturity"] == (
        "differs significantly between the platforms in the Recent and Matured groups, "
        "not in the Intermediate group"
    )
    assert found["switch_tests"] == (
        "per switch event, the days differ significantly across patterns, lags and maturity groups"
    )
    assert "but not for lags" in found["robustness"]
    assert (
        "may rest on the many events of a few families, or be too small to show over 9 "
        in (found["robustness"])
    )
    assert found["direction"].startswith("HF takes longer to follow GH")
    assert "the means describe the tail" in found["tail"]
    # by hand: mean 15.0 above a median of 0: the mean is the tail's
    assert found["tail_consequence"] == (
        "with a mean of 15.0 days against a median of 0.0, a group's mean tells how long its "
        "slowest events take more than how soon the other platform typically follows, and its "
        "median is the better summary"
    )


def placeholder_numbers(text: str) -> dict:
    """A number for every variable the manuscript uses (1), as a nested dict."""
    tree: dict = {}
    for key in set(VAR.findall(text)):
        *groups, leaf = key.split(".")
        node = tree
        for part in groups:
            node = node.setdefault(part, {})
        node.setdefault(leaf, 1)
    return tree


def merge(into: dict, values: dict) -> dict:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
    return into


def rendered_text(tmp_path, tables: Path, numbers: dict) -> str:
    """The manuscript as the fallback resolves it (conditions, includes, variables)."""
    (tables / "numbers.json").write_text(json.dumps(numbers, default=float))
    figures = tmp_path / "figures"
    figures.mkdir(exist_ok=True)
    build = prepare_build(REPO / "paper", tables, figures, tmp_path / "build", paper_tables={})
    index = build / "index.qmd"
    for include in re.findall(r"\{\{< include (\S+) >\}\}", index.read_text()):
        (build / include).write_text("| a |\n|---|\n| 1 |\n")
    front, body = split_front_matter(index.read_text())
    front |= yaml.safe_load((build / "_metadata.yml").read_text())
    formatted = yaml.safe_load((build / "_variables.yml").read_text())
    body = apply_conditions(body, front)
    text = substitute(front["abstract"], formatted) + resolve(body, build, formatted)
    return " ".join(text.split())


def test_the_manuscript_states_the_contrary_conclusions(tmp_path, contrary):
    tables, found = contrary
    numbers = merge(
        placeholder_numbers(INDEX.read_text()),
        {
            "source": "live",
            "demo": False,
            "labels_available": True,
            "commits_available": True,
            "findings": found,
            "sync_validation": {"n_families": 0},
        },
    )
    text = rendered_text(tmp_path, tables, numbers)
    assert "differs significantly between the platforms in no maturity group" in text
    assert "per switch event, the days differ significantly across none of the groupings" in text
    assert "Simultaneous (30.0 days), GH first (10.0 days) and HF first (5.0 days)" in text
    assert "GH takes longer to follow HF than the other way round" in text
    assert "high similarity is most common among Matured families" in text
    # nothing the original study found is asserted regardless of the data
    for stated in (
        "in every maturity group",
        "HF first (22",
        "differ significantly across patterns",
        "the means describe the tail",
    ):
        assert stated not in text, stated


def test_no_p_value_is_printed_after_an_equals_sign_by_the_manuscript():
    """Quarto substitutes variables verbatim: "p = {{< var x.p >}}" would print
    "p = < 0.001". The manuscript uses the whole statement (``…p_stated``)."""
    text = INDEX.read_text()
    bare = [k for k in VAR.findall(text) if is_p_value(k.split(".")[-1])]
    assert all(k.endswith("_stated") for k in bare), bare
    assert variables({"t": {"p": 1e-12}, "u": {"p": 0.0412}}) == {
        "t": {"p": "< 0.001", "p_stated": "p < 0.001"},
        "u": {"p": "0.0412", "p_stated": "p = 0.0412"},
    }


def test_the_comparison_is_told_from_its_tables():
    figures = pd.DataFrame(
        {
            "key": ["lag_distribution.GH first", "similarity_histogram.0.2-0.3", "labels.kappa.GH"],
            "rq": ["RQ2", "RQ1", "method"],
            "status": ["matches", "differs", "not computable"],
            "reproduced_the_studys_way": [False, True, False],
            "note": [
                "",
                "a reason",
                "not computable by this run: the run wrote no x table (it needs commit labels)",
            ],
        }
    )
    claims = pd.DataFrame(
        {
            "key": ["switch_days.average_delay", "automation.evidence"],
            "verdict": ["does not hold", "cannot be checked"],
        }
    )
    text = comparison_text(figures, claims, demo=False)
    # by hand: 2 compared of 3; 1 reproduced, 1 differing but reproduced the study's way
    # (explained), 0 unexplained; 1 not computable
    assert text["abstract"].startswith(
        "Of the original study's 3 published figures, 2 can be checked with this run's "
        "data: 1 are reproduced at the study's printed precision, 1 differ in a way its "
        "published files explain"
    )
    assert "and 0 differ unexplained; 1 cannot be checked" in text["abstract"]
    assert "The differences concern the similarity histogram (1 of 1)." in text["abstract"]
    assert "0 hold, 1 do not (an average delay of 9.32 days)" in text["abstract"]
    assert text["not_computable"] == "the labelling kappas (1): they need commit labels"
    assert text["verdict"]["switch_days_average_delay"] == "does not hold"
    assert (
        "no figure of this run is compared"
        in comparison_text(figures, claims, demo=True)["abstract"]
    )


def test_the_most_common_pattern_names_every_pattern_of_a_tie():
    from ptlmsync.numbers import _top_by

    rows = pd.DataFrame(
        {
            "maturity": ["Recent", "Recent", "Matured", "Matured", "Matured", "Empty"],
            "pattern": ["Sparse", "Disperse", "Intermittent", "Sparse", "Frequent", "Sparse"],
            "percent_within_maturity": [60.0, 40.0, 25.0, 25.0, 50.0 - 0.1, 0.0],
        }
    )
    # by hand: Recent has one top (Sparse 60 %); Matured's top 49.9 % is Frequent alone
    assert _top_by(rows, "maturity", "pattern", "percent_within_maturity") == [
        "Sparse among Recent families (60.0%)",
        "Frequent among Matured families (49.9%)",
    ]
    tied = rows.assign(percent_within_maturity=[60.0, 40.0, 25.0, 25.0, 10.0, 0.0])
    # Matured: Intermittent and Sparse share 25 %; a group with nothing above 0 is left out
    assert _top_by(tied, "maturity", "pattern", "percent_within_maturity")[1] == (
        "Intermittent and Sparse (tied) among Matured families (25.0% each)"
    )


def test_similarity_numbers_count_the_scored_families_and_the_share_from_0_3():
    from ptlmsync.numbers import similarity_numbers

    # by hand: 3 scored (0.1, 0.3, 0.5), 1 unscored; above 0.3: 1 of 3; from 0.3: 2 of 3
    got = similarity_numbers(pd.Series([0.1, 0.3, 0.5, float("nan")]))
    assert got["n_scored"] == 3 and got["n_unscored"] == 1 and got["mean"] == 0.3
    assert got["percent_above_0_3"] == 33.3 and got["percent_from_0_3"] == 66.7
    assert "1 families have no labelled commit" in got["unscored_text"]
    assert got["threshold_text"] == (
        "33.3% of them lie above 0.3 and 66.7% at 0.3 or above (1 family scores exactly "
        "0.3; each histogram bar holds its lower edge)"
    )
    alone = similarity_numbers(pd.Series([0.1, 0.5]))["threshold_text"]
    assert alone == "50.0% of them lie above 0.3 (none exactly at 0.3)"
    empty = similarity_numbers(pd.Series([], dtype=float))
    assert empty["mean"] is None and empty["percent_from_0_3"] is None and empty["n_scored"] == 0


def test_the_linked_sync_commits_are_counted_in_words():
    from ptlmsync.numbers import _linked_text

    assert _linked_text(111, 111) == "All 111 of these commits"
    assert _linked_text(2, 4) == "2 of these 4 commits"
    assert _linked_text(0, 3) == "0 of these 3 commits"


def test_the_contributor_range_names_every_pattern_of_a_tie(tmp_path):
    pd.DataFrame(
        {
            "pattern": ["Frequent", "Sparse", "Rare disjoint", "Disperse"],
            "platform": ["HF"] * 4,
            "median": [4.0, 1.0, 1.0, 4.0],
        }
    ).to_csv(tmp_path / "contributors_by_pattern.csv", index=False)
    # by hand: the lowest median 1 is held by Sparse and Rare disjoint, the highest 4 by
    # Frequent and Disperse
    assert findings_numbers(tmp_path)["contributors"] == (
        "on HF the median family has from 1 (Sparse and Rare disjoint) to 4 (Frequent and "
        "Disperse) contributors"
    )


def test_the_direction_sentence_carries_its_paired_test():
    from ptlmsync.numbers import _direction_test_text
    from ptlmsync.stats import DIRECTION_TEST_COLUMNS

    test = pd.DataFrame([[40, 3.0, 1.0, 120.0, 0.0004, 0.41]], columns=DIRECTION_TEST_COLUMNS)
    assert _direction_test_text(test) == (
        "; per family (40 families with events both ways, their median of mean days 3.0 GH→HF "
        "against 1.0 HF→GH), the difference is significant (Wilcoxon signed-rank, p < 0.001, "
        "rank-biserial r = 0.410; r > 0 where GH→HF takes longer)"
    )
    assert "not significant" in _direction_test_text(test.assign(p=0.3))
    assert _direction_test_text(test.assign(p=None)) == "" and _direction_test_text(None) == ""


def test_the_busiest_tenth_of_the_families_by_hand():
    from ptlmsync.numbers import busiest_tenth

    # 20 families: "a" with 11 events, 19 with one each; the tenth is 2 families,
    # "a" and one other: 12 of 30 events = 40.0%
    events = pd.Series(["a"] * 11 + [f"f{i}" for i in range(19)])
    assert busiest_tenth(events) == {"n_families": 2, "percent_events": 40.0}
    # fewer than ten families: the busiest one; no events: no share
    assert busiest_tenth(pd.Series(["x", "x", "y"])) == {"n_families": 1, "percent_events": 66.7}
    assert busiest_tenth(pd.Series([], dtype=str)) == {"n_families": 0, "percent_events": None}
