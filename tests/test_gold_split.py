"""The held-out split of the labelled sets is by group (repository, title template)."""

from pathlib import Path

import pandas as pd
import pytest

from ptlmsync.label_checks import held_out_split, scores, title_template

GOLD = Path(__file__).parent / "data" / "gold_gh_commit_labels.csv"


def test_the_gh_gold_split_is_by_repository_and_follows_the_rule():
    gold = pd.read_csv(GOLD)
    assert (gold["split"] == gold["repo"].map(held_out_split)).all()
    assert (gold.groupby("repo")["split"].nunique() == 1).all()  # no repository in both


def test_title_templates_group_identical_hub_titles():
    assert title_template("Update README.md (#12)") == title_template("update README.md")
    assert title_template("Upload checkpoint-1500") == title_template("Upload checkpoint-3000")
    assert title_template("Update config.json") != title_template("Update README.md")


def test_scores_by_hand():
    gold = pd.Series(["Sharing", "Sharing", "Input Data", "Input Data"])
    predicted = pd.Series(["Sharing", "Input Data", "Input Data", "Unlabelled"])
    got = scores(gold, predicted)
    # coverage 3/4; on the labelled three: po 2/3, pe 4/9 -> kappa 0.4; accuracy 2/3
    assert got["coverage"] == 0.75 and got["n"] == 4
    assert got["kappa"] == pytest.approx(0.4) and got["accuracy"] == pytest.approx(2 / 3)
