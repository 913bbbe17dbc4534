"""The offline labeller against the hand-labelled gold set of real GitHub commits.

Only ids and labels are in the project; the messages come from the shared data file.
The rules were tuned on the "tune" half; the "holdout" half guards against regressions.
"""

import pandas as pd
from conftest import REPO
from sklearn.metrics import cohen_kappa_score

from ptlmsync.label_rules import rule_label
from ptlmsync.text import clean_text


def test_offline_labeller_agrees_with_the_hand_labelled_holdout(shared_data):
    commits = pd.read_parquet(
        shared_data / "github_commits.parquet", columns=["repo", "sha", "message"]
    )
    gold = pd.read_csv(REPO / "tests/data/gold_gh_commit_labels.csv")
    assert len(gold) >= 400 and gold["repo"].nunique() >= 80
    gold = gold.merge(commits, on=["repo", "sha"])
    holdout = gold[gold["split"] == "holdout"]
    predicted = [rule_label(clean_text(m)) for m in holdout["message"]]
    assert len(holdout) >= 200
    assert cohen_kappa_score(holdout["label"], predicted) >= 0.75
