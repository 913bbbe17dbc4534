"""The embedded demo dataset: deterministic, diverse, and covering every pattern and lag."""

import pandas as pd
import pytest

from ptlmsync.demo import generate_demo
from ptlmsync.label.taxonomy import load_taxonomy
from ptlmsync.schemas import GH_COMMITS, HF_COMMITS, MODELS, validate
from ptlmsync.snapshot import family_commits
from ptlmsync.stats import family_ages, maturity_groups
from ptlmsync.sync import SyncParams, code_family
from ptlmsync.vocab import LAG_ORDER, PATTERN_ORDER


@pytest.fixture(scope="module")
def demo():
    return generate_demo(48, 42, "2025-06-30")


def test_demo_is_deterministic(demo):
    again = generate_demo(48, 42, "2025-06-30")
    pd.testing.assert_frame_equal(demo.gh_commits, again.gh_commits)
    pd.testing.assert_frame_equal(demo.models, again.models)
    other = generate_demo(48, 7, "2025-06-30")
    assert not demo.gh_commits["sha"].equals(other.gh_commits["sha"])


def test_demo_follows_the_stage_contract(demo):
    validate(demo.models, MODELS, "demo models")
    validate(demo.hf_commits, HF_COMMITS, "demo hf_commits")
    validate(demo.gh_commits, GH_COMMITS, "demo gh_commits")


def test_demo_families_are_named_as_demo_and_sized_1_to_12(demo):
    per_family = demo.models.groupby("family").size()
    assert len(per_family) >= 40
    assert per_family.min() >= 1 and per_family.max() <= 12
    assert per_family.nunique() > 5
    assert demo.models["family"].str.contains("demo").all()
    assert demo.models["model_id"].str.contains("demo").all()


def test_every_pattern_and_lag_occurs_including_vs(demo):
    commits = family_commits(demo.models, demo.hf_commits, demo.gh_commits)
    rows = pd.DataFrame([code_family(g, SyncParams()) for _, g in commits.groupby("family")])
    assert set(PATTERN_ORDER) <= set(rows["pattern"])
    assert set(LAG_ORDER) - {"No data"} <= set(rows["lag"])
    assert "VS" in set(rows["sync_type"])


def test_every_change_type_occurs_on_both_platforms(demo):
    names = set(load_taxonomy().names)
    for platform, group in demo.truth.groupby("platform"):
        assert set(group["change_type"]) == names, platform


def test_ages_span_three_maturity_groups(demo):
    ages = family_ages(demo.models, "2025-06-30")
    assert ages.max() - ages.min() > 3 * 365
    assert set(maturity_groups(ages)) == {"Recent", "Intermediate", "Matured"}


def test_some_families_share_contributors_and_some_do_not(demo):
    gh = demo.gh_commits.merge(
        demo.models[["github_repo", "family"]].drop_duplicates(), on="github_repo"
    )
    hf = demo.hf_commits.merge(demo.models[["model_id", "family"]], on="model_id")
    shared = {
        fam: len(
            set(gh.loc[gh["family"] == fam, "author"]) & set(hf.loc[hf["family"] == fam, "authors"])
        )
        for fam in demo.models["family"].unique()
    }
    counts = pd.Series(shared)
    assert (counts == 0).any() and (counts == 1).any() and (counts > 1).any()


def test_small_demo_is_valid_too():
    small = generate_demo(3, 1, "2024-01-01")
    assert small.models["family"].nunique() == 3
    assert small.models["created_at"].max() < pd.Timestamp("2024-01-01", tz="UTC")


def test_the_self_test_sets_each_designed_quantity_beside_its_measurement(tmp_path):
    """By hand: two families, one coded with another pattern; one sync bot commit, found
    3 days after the GH commit it names (then 20 days: outside the bot's window)."""
    import pandas as pd

    from ptlmsync.tables import RuleInputs, demo_self_test

    truth = pd.DataFrame(
        {
            "family": ["f1", "f1", "f2"],
            "design_code": ["CSF", "CSF", "PSS"],
            "design_lag": ["GH first", "GH first", "HF first"],
            "design_sync_bot": [True, False, False],
        }
    )
    truth.to_parquet(tmp_path / "truth.parquet")
    coded = pd.DataFrame(
        {
            "family": ["f1", "f2"],
            "code": ["CSF", "PSR"],
            "pattern": ["Frequent", "Sparse"],
            "lag": ["GH first", "HF first"],
        }
    )
    found = tmp_path / "automated_commits.csv"
    numbers = {
        "labels": {"kappa": {"GH": {"mean": 1.0}, "HF": {"mean": 0.9}}},
        "rq4": {"automated": {"n_families": 1, "n_sync_commits": 1}},
    }

    def table(delay):
        pd.DataFrame(
            {"sync": [True, False], "linked_sha": ["abc", None], "delay_days": [delay, None]}
        ).to_csv(found, index=False)
        paths = {"demo_truth": tmp_path / "truth.parquet", "automated_commits": found}
        data = RuleInputs(paths, families=coded, numbers=numbers)
        return demo_self_test(data).set_index("quantity")

    rows = table(3.0)
    assert rows.loc["families: Frequent", ["designed", "measured", "agrees"]].tolist() == [
        1,
        1,
        "yes",
    ]
    assert rows.loc["families: Disperse", "agrees"] == "no"  # designed 1, coded 0
    assert rows.loc["families: Sparse", ["designed", "measured"]].tolist() == [0, 1]
    assert rows.loc["families coded with their designed pattern", "measured"] == 1
    assert rows.loc["families coded with their designed lag", "agrees"] == "yes"
    assert rows.loc["HF labels: kappa with the designed types", "agrees"] == "no"
    window = "sync bot commits found to follow the GH commit they name within 14 days"
    assert rows.loc[window, ["designed", "measured", "agrees"]].tolist() == [1, 1, "yes"]
    assert table(20.0).loc[window, ["measured", "agrees"]].tolist() == [0, "no"]
