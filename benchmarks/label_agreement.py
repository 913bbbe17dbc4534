"""Agreement of the offline labeller with two labelled sets, on a split by group.

- GH: tests/data/gold_gh_commit_labels.csv (repo, sha, label, split[, source]): real
  commits of the study's repositories, labelled by the project to the study's
  definitions, or ("source" blind) agreed by two blind annotators
  (benchmarks/blind_annotation.py); the split is by repository. Messages are read from
  ../shared/data/github_commits.parquet. The study's own 160+160 hand-labelled commits
  are never used here.
- HF: ../shared/data/labels/hf_convention_gold.csv: Hub-convention commits labelled by
  three annotators outside the project; the split is by title template (identical Hub
  titles never straddle the parts).

Rules were tuned on the "tune" parts only; the "holdout" parts measure them. Prints
kappa (over the labelled commits), accuracy, coverage and per-type recall per platform
and part; then what a nearest-example stage (MiniLM embeddings of the taxonomy's
examples) would add on the tune commits no rule decides — the measurement behind its
absence; then the labeller's speed on 100,000 real messages.

Usage: python benchmarks/label_agreement.py [SHARED] [--no-nearest]
(default SHARED: $PTLMSYNC_SHARED, else ../shared).
"""

import os
import sys
import time
from pathlib import Path

import pandas as pd

from ptlmsync.label.backends import offline_label
from ptlmsync.label.checks import held_out_split, scores, title_template
from ptlmsync.label.rules import split_message
from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy
from ptlmsync.text import clean_text, hf_commit_text

REPO = Path(__file__).resolve().parents[1]


def labelled_sets(shared: Path) -> dict[str, pd.DataFrame]:
    """platform -> gold commits with text, label and split."""
    commits = pd.read_parquet(
        shared / "data" / "github_commits.parquet", columns=["repo", "sha", "message"]
    )
    gh = pd.read_csv(REPO / "tests" / "data" / "gold_gh_commit_labels.csv")
    gh = gh.merge(commits, on=["repo", "sha"], how="left")
    assert gh["message"].notna().all(), "gold commits missing from the shared file"
    gh["text"] = gh["message"].map(clean_text)
    hf = pd.read_csv(shared / "data" / "labels" / "hf_convention_gold.csv", dtype=str)
    hf["text"] = [hf_commit_text(t, m) for t, m in zip(hf["title"], hf["message"], strict=True)]
    hf["split"] = hf["title"].map(title_template).map(held_out_split)
    return {"GH": gh, "HF": hf}


def report(platform: str, gold: pd.DataFrame) -> None:
    parts = [*gold.groupby("split"), ("all", gold)]
    if "source" in gold and gold["source"].nunique() > 1:  # blind labels beside the project's
        parts += [(f"{s} {p}", g) for (s, p), g in gold.groupby(["source", "split"])]
    for part, group in parts:
        got = scores(group["label"], group["predicted"])
        print(
            f"{platform} {part:>8}: n={got['n']:3d} kappa={got['kappa']:.3f} "
            f"accuracy={got['accuracy']:.3f} coverage={got['coverage']:.3f}"
        )
    holdout = gold[gold["split"] == "holdout"]
    recall = (
        holdout.assign(hit=holdout["label"] == holdout["predicted"])
        .groupby("label")["hit"]
        .agg(["size", "mean"])
    )
    print(f"{platform} holdout recall per type (Unlabelled counts as a miss):")
    for change_type, row in recall.iterrows():
        print(f"    {change_type:<26} n={int(row['size']):3d} recall={row['mean']:.2f}")


def nearest_example_accuracy(gold: pd.DataFrame) -> tuple[int, int]:
    """(right, tried): the nearest taxonomy example's type for the tune commits no rule
    decides (MiniLM, cosine similarity of the subject)."""
    import tempfile

    import numpy as np

    from ptlmsync.topics import OFFLINE_MODEL, EmbeddingCache

    residue = gold[(gold["split"] == "tune") & (gold["predicted"] == UNLABELLED)]
    if residue.empty:
        return 0, 0
    examples = [
        (ct.name, e)
        for ct in load_taxonomy().change_types
        for e in (*ct.study_examples, *ct.examples)
    ]
    with tempfile.TemporaryDirectory() as scratch:
        cache = EmbeddingCache(OFFLINE_MODEL, scratch)
        known = cache.embed([e for _, e in examples])
        asked = cache.embed([split_message(t)[1] or t for t in residue["text"]])
    unit = [v / np.linalg.norm(v, axis=1, keepdims=True) for v in (known, asked)]
    nearest = (unit[1] @ unit[0].T).argmax(axis=1)
    right = sum(examples[i][0] == lab for i, lab in zip(nearest, residue["label"], strict=True))
    return right, len(residue)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    shared = Path(args[0]) if args else default
    if not (shared / "data" / "github_commits.parquet").exists():
        sys.exit(f"{shared}/data: missing; this benchmark needs the study data (../shared)")
    sets = labelled_sets(shared)
    for platform, gold in sets.items():
        gold["predicted"] = [offline_label(t)[0] for t in gold["text"]]
        report(platform, gold)
    if "--no-nearest" not in sys.argv:
        for platform, gold in sets.items():
            right, tried = nearest_example_accuracy(gold)
            print(
                f"{platform} nearest example on tune commits no rule decides: "
                f"{right} of {tried} right"
            )
    commits = pd.read_parquet(shared / "data" / "github_commits.parquet", columns=["message"])
    sample = commits["message"].sample(n=100_000, replace=True, random_state=0)
    start = time.perf_counter()
    labels = [offline_label(clean_text(m))[0] for m in sample]
    seconds = time.perf_counter() - start
    share = sum(lab != UNLABELLED for lab in labels) / len(labels)
    print(f"labelled {len(labels)} real GH messages in {seconds:.1f} s; coverage {share:.3f}")


if __name__ == "__main__":
    main()
