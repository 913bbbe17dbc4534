"""The adapter for the original study's published intermediate files (../shared/data)."""

import pandas as pd
import pytest

from ptlmsync import stats
from ptlmsync.replication import (
    load_contributors,
    load_families,
    load_manual_codes,
    load_similarity,
    load_switches,
)
from ptlmsync.schemas import TableError
from ptlmsync.vocab import LAG_ORDER, MATURITY_GROUPS, PATTERN_ORDER, normalise_study_pattern


@pytest.fixture(scope="module")
def package(request):
    from helpers import SHARED

    path = SHARED / "data" / "replication"
    if not path.exists():
        pytest.skip("../shared/data/replication is absent (the study's published files)")
    return path


@pytest.fixture(scope="module")
def families(package):
    return load_families(package)


def test_families_after_exclusions_one_row_each(package, families):
    assert len(families) == 325 and families["family"].is_unique
    excluded = set(pd.read_csv(package / "must_exclude_from_all_analysis.csv")["family"])
    assert not excluded & set(families["family"])
    grouped = pd.read_csv(package / "grouped_data_RQ2.csv")
    assert set(families["family"]) == set(grouped["family"])
    models = pd.read_csv(package / "complete_dataset.csv")
    kept = models[~models["family"].isin(excluded)]
    assert families["n_models"].sum() == len(kept)


def test_vocabulary_is_fully_mapped(families):
    assert set(families["pattern"]) <= set(PATTERN_ORDER)
    assert set(families["lag"]) <= set(LAG_ORDER)
    assert set(families["maturity"]) == set(MATURITY_GROUPS)
    assert families["github_repo"].str.contains("/").all()


def test_study_pattern_spellings_including_the_typo():
    assert normalise_study_pattern("Rare Disjoing") == "Rare disjoint"
    assert normalise_study_pattern("Dispersed Alignment Pattern") == "Disperse"
    with pytest.raises(ValueError, match="unknown pattern"):
        normalise_study_pattern("Wobbly Alignment")


def test_switches_similarity_contributors_cover_the_families(package, families):
    switches = load_switches(package, families["family"])
    assert set(switches["family"]) <= set(families["family"]) and len(switches) > 3000
    sim = load_similarity(package, families["family"])
    assert sim["family"].is_unique and sim["jaccard"].between(0, 1).all()
    contributors = load_contributors(package, families["family"])
    assert contributors["family"].is_unique
    assert not contributors["gh_authors"].str.contains("Unknown").any()


def test_published_dunn_p_values_are_reproduced(package, families):
    switches = load_switches(package, families["family"])
    ours = stats.dunn(switches, families, "pattern").set_index("group")
    published = pd.read_csv(package / "dunn_test_results.csv", index_col=0)
    published = published.rename(index=normalise_study_pattern, columns=normalise_study_pattern)
    for a in published.index:
        for b in published.columns:
            assert ours.loc[a, b] == pytest.approx(published.loc[a, b], rel=1e-6), (a, b)


def test_published_coding_agreement_is_reproduced_on_the_analysed_families(package, families):
    table = load_manual_codes(package, families)
    validation = table.set_index("measure")["value"]
    # 181 sampled, 9 of them among the study's exclusions: 172 analysed (the exclusions
    # apply here as everywhere); the study reports 177, which the sample does not give
    assert (validation["n_sampled"], validation["n_excluded"]) == (181, 9)
    assert validation["n_families"] == 172
    assert validation["kappa_lag"] == pytest.approx(1.0)
    assert validation["kappa_code"] == pytest.approx(0.956, abs=0.0005)  # the study: 0.96
    # 6 code disagreements; by the study's own pattern-name columns 5 differ (two VSS/ASS
    # pairs share a name, one family's manual name contradicts its manual code)
    assert (table["measure"] == "disagreement").sum() == 6
    assert validation["n_pattern_name_disagreements"] == 5


def test_missing_file_is_named(tmp_path):
    with pytest.raises(TableError, match=r"complete_dataset\.csv"):
        load_families(tmp_path)


def test_similarity_levels_of_the_published_scores_are_the_studys(shared_data):
    # the study: 116 / 104 / 105 families (35 families share the score 1/3; value
    # terciles keep them together)
    directory = shared_data / "replication"
    families = load_families(directory)
    scores = load_similarity(directory, families["family"])["jaccard"]
    levels = stats.similarity_levels(scores).value_counts().to_dict()
    assert levels == {"low": 116, "moderate": 104, "high": 105}
    assert (scores.round(6) == round(1 / 3, 6)).sum() == 35


@pytest.fixture(scope="module")
def replication_tables(package, tmp_path_factory):
    """The replication run's tables, built through the stage functions the workflow calls
    (import, similarity, patterns, switches) and its numbers: (numbers, tables, sync)."""
    from ptlmsync.numbers import run_numbers, validation_numbers
    from ptlmsync.outputs import needing_commits, tables_of
    from ptlmsync.stages.replication import import_replication
    from ptlmsync.tables import RuleInputs, make_tables

    run = tmp_path_factory.mktemp("replication")
    sync, tables = run / "sync", run / "tables"
    sync.mkdir()
    tables.mkdir()
    names = ("families", "switches", "similarity", "contributors", "validation")
    paths = {name: sync / f"{name}.csv" for name in names}
    meta = import_replication(
        package=package, **paths, excluded=tables / "excluded_families.csv", meta=run / "meta.json"
    )
    for rule, inputs in (
        ("tabulate_similarity", ("similarity", "families", "contributors")),
        ("tabulate_patterns", ("families", "contributors")),
        ("tabulate_switches", ("switches", "families")),
    ):
        declared = [tables / f"{name}.csv" for name in tables_of(rule, commits=False)]
        make_tables(rule, RuleInputs({name: paths[name] for name in inputs}), declared)
    families, switches = pd.read_csv(paths["families"]), pd.read_csv(paths["switches"])
    numbers = run_numbers(meta, families, switches, tables, needing_commits())
    numbers["sync_validation"] = validation_numbers(pd.read_csv(paths["validation"]), 14, 14)
    return numbers, tables, sync


def test_the_replication_compares_most_of_the_studys_figures(replication_tables):
    from ptlmsync.comparison import compare_with_study, comparison_numbers

    numbers, tables, sync = replication_tables
    assert numbers["published_files"]
    table = compare_with_study(numbers, tables, sync / "families.csv", sync / "contributors.csv")
    counts = comparison_numbers(table)
    assert (counts["n_figures"], counts["n_compared"], counts["n_not_computable"]) == (126, 102, 24)
    assert (counts["n_matching"], counts["n_differing"]) == (72, 30)
    by_key = table.set_index("key")
    # the published files reproduce these exactly (at the study's printed precision)
    for key in (
        "dataset.n_families",
        "sync_validation.kappa_code",
        "chi2_similarity_contributors.p",
        "lag_distribution.GH first",
        "pattern_distribution.Disperse",
        "switch_days_by_pattern.Sporadic disjoint",
        "similarity_by_maturity.Matured.moderate",
        "similarity_by_contributors.multiple.high",
        "pattern_by_maturity.Intermediate.Dense partial",
        "lag_by_maturity.Intermediate.Simultaneous",
        "pattern_by_release.single.Rare synchronisation",
        "similarity_histogram.0.4-0.5",
        "maturity.max_age_days.Matured",
    ):
        assert by_key.loc[key, "status"] == "matches", key
    # every difference is one whose reason was checked on the published files
    differing = table[table["status"] == "differs"]
    assert not differing["note"].str.contains("no explanation recorded").any()
    heads = set(differing["key"].str.split(".").str[0])
    assert heads == {
        "similarity",
        "similarity_histogram",
        "maturity",
        "contributors_median",
        "sync_validation",  # the coding check's 177 / 3 against the published sample
    }
    assert by_key.loc["sync_validation.n_sampled", "this_run"] == 181
    assert by_key.loc["sync_validation.n_misclassified", "this_run"] == 5
    # what the published files cannot give: labels, commits, the extraction date
    missing = table.loc[table["status"] == "not computable", "key"].str.split(".").str[0]
    assert set(missing) == {
        "dataset",
        "labels",
        "change_types",
        "chi2_change_types_by_maturity",
        "chi2_pattern_platform",
        "spearman_contributors_pattern",
    }


def test_the_studys_claims_on_its_published_files(replication_tables):
    from ptlmsync.comparison import check_claims

    numbers, tables, sync = replication_tables
    claims = check_claims(
        numbers,
        tables,
        sync / "families.csv",
        sync / "contributors.csv",
        sync / "switches.csv",
    )
    assert dict(zip(claims["key"], claims["verdict"], strict=True)) == {
        # the published Dunn p-values leave 7 pairs not significant, neither the text's
        # five nor the five its Table 3 marks
        "dunn_pattern.not_significant": "does not hold",
        "dunn_pattern.table3_not_significant": "does not hold",
        "kruskal_lag.all_pairs_significant": "holds",
        "kruskal_maturity.all_pairs_significant": "holds",
        # 15.82 is the GH-first families' mean over both directions; from GH to HF their
        # events take 21.1 days
        "switch_days.gh_to_hf": "does not hold",
        # 9.32 days is the Simultaneous group's mean; over all switch events it is 14.86
        "switch_days.average_delay": "does not hold",
        "automation.evidence": "cannot be checked",  # no commit messages
        "maturity.similarity_peak": "holds",
        "contributors.similarity": "holds",
        "spearman_contributors.negative": "cannot be checked",  # no co-active periods
    }
