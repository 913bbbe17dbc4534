"""Blind gold labels for the GH set: a packet for two annotators, and the merge of
their answers (README, "How good is the offline labeller?").

``packet OUT``: draws commits of the kinds the external check found hard (terse
messages, demo/app scripts and course material, Colab saves, metrics/plots/test data,
optimiser and trainer code, dependency files, merged pull requests naming a release
or model) plus plain random ones, from ../shared/data/github_commits.parquet, never a
commit already in the gold set, at most two per repository and kind; with
``--relabel`` the gold set's own commits too. It writes, outside the project (the
messages are shared data):

- ``instructions.md``: what an annotator gets besides the items - the task, and the
  study's type table and prompt examples copied from METHOD section 2 (nothing else:
  no labeller output, no project label);
- ``items_NN.csv`` (id, repo, message): the items, shuffled, in chunks;
- ``key.csv`` (id, repo, sha, kind, split): for the merge only; never shown to an
  annotator.

Each annotator answers ``id,label`` for every item (one of the fifteen types, spelt
as in the table). ``merge OUT A.csv B.csv`` reports Cohen's kappa between the two
annotators, keeps the items they agree on, and writes them into
tests/data/gold_gh_commit_labels.csv with ``source`` "blind" (re-labelled items take
the agreed label; an item they disagree on keeps its old row, or is not added). The
split is the repository's CRC-32 parity, as for the rest of the set.

The selection uses keywords only (never the labeller's answers). The study's own
160 hand-labelled GH commits are not on this machine and are not used.

``--split holdout`` draws from the held-out repositories only (a fresh held-out sample
that no rule was tuned on); ``--source NAME`` (merge) names the new rows' source.

Usage: python benchmarks/blind_annotation.py packet OUT [--per-kind N] [--relabel]
           [--split holdout]
       python benchmarks/blind_annotation.py merge OUT A.csv B.csv [--source NAME]
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ptlmsync.agreement import kappa
from ptlmsync.label.checks import held_out_split
from ptlmsync.label.taxonomy import load_taxonomy
from ptlmsync.text import clean_text

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "data" / "gold_gh_commit_labels.csv"
CHUNK = 120

#: The kinds of commit the external check found hard, by keywords of the message.
KINDS = {
    "demo, app or course": r"demo|gradio|streamlit|\bapp\b|web ?ui|course|lecture|slides|homework",
    "colab": r"colab",
    "metrics, plots, test data": r"metric|\bplots?\b|figure|\bresults?\b|test[ _-]?(data|set)",
    "optimiser or trainer": r"optimi[sz]er|trainer|schedul|\blr\b|adam",
    "dependency files": r"setup\.py|requirements|environment\.ya?ml|pyproject|\bdeps?\b|dependenc",
    "merged pull request": r"^merge pull request #\d+ from \S+ .*(release|model|v\d)",
}


def kind_of(text: str) -> str | None:
    """The first hard kind a cleaned message is of; "terse" for a subject of up to four
    words; None otherwise."""
    for kind, pattern in KINDS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return kind
    first_line = re.split(r"(?<=[.!?])\s|\s\*\s", text, maxsplit=1)[0]
    return "terse" if 0 < len(first_line.split()) <= 4 else None


def draw(commits: pd.DataFrame, gold: pd.DataFrame, per_kind: int, seed: int = 27) -> pd.DataFrame:
    """Up to ``per_kind`` commits per kind and split (and as many plain random ones),
    none in ``gold``, at most two per repository and kind, distinct messages."""
    known = set(zip(gold["repo"], gold["sha"], strict=True))
    pool = commits[[k not in known for k in zip(commits["repo"], commits["sha"], strict=True)]]
    pool = pool.assign(text=pool["message"].map(clean_text))
    pool = pool[pool["text"].str.len() > 0].drop_duplicates(["repo", "text"])
    pool = pool.assign(kind=pool["text"].map(kind_of), split=pool["repo"].map(held_out_split))
    rng = np.random.default_rng(seed)
    pool = pool.iloc[rng.permutation(len(pool))]
    random_part = pool.groupby("split").head(per_kind).assign(kind="random")
    rest = pool.drop(random_part.index)
    rest = rest[rest["kind"].notna()].groupby(["kind", "repo"]).head(2)
    hard = rest.groupby(["kind", "split"]).head(per_kind)
    drawn = pd.concat([hard, random_part]).drop_duplicates("text")
    return drawn[["repo", "sha", "message", "kind", "split"]].reset_index(drop=True)


def study_tables(method: str) -> str:
    """The type table and the prompt-example table of METHOD section 2, verbatim."""
    section = method.split("## 2.", 1)[1].split("\n## 3.", 1)[0]
    tables = re.findall(r"(?:^\|.*\|\n)+", section, flags=re.MULTILINE)
    if len(tables) < 2:
        raise ValueError("METHOD section 2: expected its type table and its example table")
    return "\n".join(tables[:2])


INSTRUCTIONS = """# Labelling GitHub commit messages with change types

You get commit messages of GitHub repositories (the repository is named with each).
Give every message exactly one of the fifteen change types below, as the study
defines them (follow the definitions and the examples, not intuition). GitHub
commits are labelled on their whole message. Answer a CSV file with the columns
`id,label`, one row for every item, the label spelt exactly as in the first column
of the table. Label every item, even when the message says little: choose the type
the study's definitions make most likely.

## The change types (the study's definitions)

{tables}
"""


def shortened(message: str, limit: int = 2000) -> str:
    """A message as an annotator reads it: whole up to ``limit`` characters."""
    message = message.strip()
    return message if len(message) <= limit else message[:limit] + " [...]"


def write_packet(
    out: Path, shared: Path, per_kind: int, relabel: bool, split: str | None = None
) -> pd.DataFrame:
    commits = pd.read_parquet(shared / "data" / "github_commits.parquet")
    gold = pd.read_csv(GOLD)
    items = draw(commits, gold, per_kind)
    if split:
        items = items[items["split"] == split]
    if relabel:
        old = gold.merge(commits, on=["repo", "sha"])[["repo", "sha", "message", "split"]]
        items = pd.concat([items, old.assign(kind="re-label")], ignore_index=True)
    items = items.sample(frac=1, random_state=27).reset_index(drop=True)
    items["id"] = [f"c{i:04d}" for i in range(len(items))]
    out.mkdir(parents=True, exist_ok=True)
    method = (shared / "spec" / "METHOD.md").read_text()
    (out / "instructions.md").write_text(INSTRUCTIONS.format(tables=study_tables(method)))
    for n, start in enumerate(range(0, len(items), CHUNK), start=1):
        chunk = items.iloc[start : start + CHUNK][["id", "repo", "message"]]
        chunk = chunk.assign(message=chunk["message"].map(shortened))
        chunk.to_csv(out / f"items_{n:02d}.csv", index=False)
    items[["id", "repo", "sha", "kind", "split"]].to_csv(out / "key.csv", index=False)
    return items


def merge_answers(
    key: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame
) -> tuple[float, pd.DataFrame]:
    """(kappa between the annotators, the items they agree on with repo, sha, label and
    split) for the items both answered."""
    taxonomy = load_taxonomy()
    both = key.merge(a, on="id").merge(b, on="id", suffixes=("_a", "_b"))
    for side in ("label_a", "label_b"):
        both[side] = both[side].map(taxonomy.normalise)
    agreed = both[both["label_a"] == both["label_b"]].rename(columns={"label_a": "label"})
    agreed = agreed.assign(split=agreed["repo"].map(held_out_split))
    return kappa(both["label_a"], both["label_b"]), agreed[["repo", "sha", "label", "split"]]


def updated_gold(
    gold: pd.DataFrame, agreed: pd.DataFrame, asked: pd.DataFrame, source: str = "blind"
) -> pd.DataFrame:
    """The gold set with the agreed blind labels: re-labelled rows replaced, new rows
    added, and rows the annotators were asked about but disagree on dropped (a contested
    item is no gold label, whoever labelled it before); ``source`` says who labelled
    each row."""
    gold = gold.assign(source=gold.get("source", pd.Series("project", index=gold.index)))
    keys = set(zip(asked["repo"], asked["sha"], strict=True))
    kept = gold[[k not in keys for k in zip(gold["repo"], gold["sha"], strict=True)]]
    merged = pd.concat([kept, agreed.assign(source=source)], ignore_index=True)
    return merged.sort_values(["repo", "sha"], kind="stable").reset_index(drop=True)


def option(name: str) -> str | None:
    """The value after ``--name`` on the command line, if given."""
    flag = f"--{name}"
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else None


def main() -> None:
    values = {option(name) for name in ("per-kind", "split", "source")} - {None}
    args = [a for a in sys.argv[1:] if not a.startswith("--") and a not in values]
    shared = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    if args[:1] == ["packet"] and len(args) >= 2:
        per_kind = int(option("per-kind") or 15)
        relabel = "--relabel" in sys.argv
        items = write_packet(Path(args[1]), shared, per_kind, relabel, option("split"))
        print(items.groupby(["split", "kind"]).size().to_string())
        print(f"{len(items)} items, {items['repo'].nunique()} repositories -> {args[1]}")
    elif args[:1] == ["merge"] and len(args) == 4:
        out = Path(args[1])
        key = pd.read_csv(out / "key.csv")
        a, b = (pd.read_csv(p, dtype=str)[["id", "label"]] for p in args[2:4])
        agreement, agreed = merge_answers(key, a, b)
        print(f"annotators: kappa {agreement:.3f}; {len(agreed)} agreed items")
        print(agreed.groupby("split").agg(n=("sha", "size"), repos=("repo", "nunique")))
        source = option("source") or "blind"
        updated_gold(pd.read_csv(GOLD), agreed, key, source).to_csv(GOLD, index=False)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
