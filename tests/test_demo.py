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
