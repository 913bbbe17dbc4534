"""Agreement of the offline labeller with the hand-labelled gold set of real GH commits.

The gold set (tests/data/gold_gh_commit_labels.csv: repo, sha, label, split) keeps only
ids and labels; the messages are read from ../shared/data/github_commits.parquet. Rules
were tuned on the "tune" half only; the "holdout" half measures them. Also times the
labeller on 100,000 real messages. Usage: python benchmarks/label_agreement.py [SHARED]
(default: $PTLMSYNC_SHARED, else ../shared).
"""

import os
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import classification_report, cohen_kappa_score

from ptlmsync.label_rules import rule_label
from ptlmsync.text import clean_text

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    source = shared / "data" / "github_commits.parquet"
    if not source.exists():
        sys.exit(
            f"{source}: missing; this benchmark needs the study data "
            "(../shared or $PTLMSYNC_SHARED)"
        )
    commits = pd.read_parquet(source, columns=["repo", "sha", "message"])
    gold = pd.read_csv(REPO / "tests" / "data" / "gold_gh_commit_labels.csv")
    gold = gold.merge(commits, on=["repo", "sha"], how="left")
    assert gold["message"].notna().all(), "gold commits missing from the shared file"
    gold["predicted"] = [rule_label(clean_text(m)) for m in gold["message"]]
    for split, group in gold.groupby("split"):
        kappa = cohen_kappa_score(group["label"], group["predicted"])
        print(
            f"{split:>8}: n={len(group)} kappa={kappa:.3f} "
            f"accuracy={(group['label'] == group['predicted']).mean():.3f}"
        )
    holdout = gold[gold["split"] == "holdout"]
    print(classification_report(holdout["label"], holdout["predicted"], zero_division=0))
    sample = commits["message"].sample(n=100_000, replace=True, random_state=0)
    start = time.perf_counter()
    labels = [rule_label(clean_text(m)) for m in sample]
    print(f"labelled {len(labels)} messages in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
