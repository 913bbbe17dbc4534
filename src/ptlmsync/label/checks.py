"""Agreement of commit labels with a gold standard (docs/method.md, section 2)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from ptlmsync.agreement import kappa
from ptlmsync.artefacts import kind_of, kinds, parse_files
from ptlmsync.demo import is_demo_truth
from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy
from ptlmsync.schemas import gold_labels_schema, normalised, validate
from ptlmsync.stats import majority_labels

VALIDATION_COLUMNS = ["measure", "platform", "repeat", "change_type", "value"]


def agreement(labels: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(validation rows, confusion matrix) of ``labels`` (all runs) against ``gold``.

    Rows per platform and run: ``n`` (gold commits), ``coverage`` (the share of them the
    labeller labelled, i.e. not Unlabelled) and ``kappa`` over the labelled ones; per
    platform: ``kappa_mean``, ``kappa_sd``, ``kappa_min``, ``kappa_max`` and
    ``coverage_mean``; ``precision``/``recall``/``support`` per platform and change type
    for the majority labels (Unlabelled counts as a miss in recall).
    """
    rows = []
    for (platform, repeat), group in labels.groupby(["platform", "repeat"]):
        joined = group.merge(gold, on=["platform", "key"], suffixes=("", "_gold"))
        got = scores(joined["label_gold"], joined["label"])
        rows += [
            {"measure": m, "platform": platform, "repeat": repeat, "value": got[m]}
            for m in ("n", "coverage", "kappa")
        ]
    per_run = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    by_platform = per_run.groupby(["measure", "platform"])["value"]
    for stat, measure, how in (
        ("kappa_mean", "kappa", "mean"),
        ("kappa_sd", "kappa", lambda v: v.std(ddof=0)),
        ("kappa_min", "kappa", "min"),
        ("kappa_max", "kappa", "max"),
        ("coverage_mean", "coverage", "mean"),
    ):
        values = by_platform.agg(how).loc[measure] if measure in per_run["measure"].values else {}
        rows += [{"measure": stat, "platform": p, "value": v} for p, v in dict(values).items()]
    final = majority_labels(labels).merge(gold, on=["platform", "key"], suffixes=("", "_gold"))
    confusion = (
        final.groupby(["platform", "label_gold", "label"])
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"label_gold": "gold", "label": "predicted"})
    )
    for platform, group in final.groupby("platform"):
        types = sorted((set(group["label_gold"]) | set(group["label"])) - {UNLABELLED})
        precision, recall, _, support = precision_recall_fscore_support(
            group["label_gold"], group["label"], labels=types, zero_division=0
        )
        for t, p, r, s in zip(types, precision, recall, support, strict=True):
            rows += [
                {
                    "measure": "precision",
                    "platform": platform,
                    "change_type": t,
                    "value": round(float(p), 4),
                },
                {
                    "measure": "recall",
                    "platform": platform,
                    "change_type": t,
                    "value": round(float(r), 4),
                },
                {"measure": "support", "platform": platform, "change_type": t, "value": int(s)},
            ]
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS), confusion


def held_out_split(group: str) -> str:
    """``tune`` or ``holdout`` for a whole group (a repository, a title template): the
    parity of its CRC-32, so that no group straddles the two parts."""
    return "holdout" if zlib.crc32(group.encode()) % 2 else "tune"


def title_template(title: str) -> str:
    """An HF commit title with numbers and pull-request references blanked: identical
    Hub titles ("Update README.md", "Upload checkpoint-N") form one group."""
    template = re.sub(r"\(#\d+\)", "", str(title).lower())
    return " ".join(re.sub(r"\d+", "0", template).split())


def scores(gold: pd.Series, predicted: pd.Series) -> dict:
    """Coverage, and kappa and accuracy over the labelled commits (docs/method.md, section 2)."""
    labelled = predicted != UNLABELLED
    return {
        "n": len(gold),
        "coverage": float(labelled.mean()) if len(gold) else float("nan"),
        "kappa": kappa(gold[labelled], predicted[labelled]),
        "accuracy": float((gold[labelled] == predicted[labelled]).mean())
        if labelled.any()
        else float("nan"),
    }


def read_gold(path) -> pd.DataFrame:
    """Gold labels (platform, key, label); the demo's known types; errors name file and line."""
    path = Path(path)
    if is_demo_truth(path):
        truth = pd.read_parquet(path)
        return truth.rename(columns={"change_type": "label"})[["platform", "key", "label"]]
    gold = pd.read_csv(path, dtype=str)
    taxonomy = load_taxonomy()
    if "label" in gold:  # the study's and common spellings of a type are taken
        gold["label"] = normalised(gold["label"], taxonomy.normalise)
    return validate(gold, gold_labels_schema(list(taxonomy.names)), str(path))


#: Unlabelled commits by the artefact kind of their files (``labels/unlabelled_by_kind.csv``).
UNLABELLED_KIND_COLUMNS = [
    "platform",
    "kind",
    "likely_type",
    "n_unlabelled",
    "n_single_kind",
    "percent",
    "n_commits",
]
#: The pseudo-kinds of Unlabelled commits whose files say nothing.
FILES_UNKNOWN, NO_FILES = "(files unknown)", "(no files changed)"


def main_kind(files) -> str:
    """The artefact kind of most of a commit's files (ties: the kind listed first in
    ``artefact_kinds.yaml``); :data:`FILES_UNKNOWN` where the files are not known,
    :data:`NO_FILES` where it changed none."""
    if not isinstance(files, str):
        return FILES_UNKNOWN
    counts: dict[str, int] = {}
    for _, path in parse_files(files):
        kind = kind_of(path)
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return NO_FILES
    order = {kind: i for i, kind in enumerate(kinds())}
    return min(counts, key=lambda kind: (-counts[kind], order.get(kind, len(order))))


def unlabelled_by_kind(labels: pd.DataFrame, commits: pd.DataFrame) -> pd.DataFrame:
    """Per platform, the commits left Unlabelled by the artefact kind of most of their
    changed files and the change type that kind suggests (the taxonomy's ``file_kinds``;
    empty for a kind that suggests none): which types the Unlabelled commits would most
    likely have been, so a reader can judge what leaving them out does to the shares.

    ``labels``: one label per commit (platform, key, label); ``commits``: the run's commits
    with ``files`` where known. ``n_single_kind``: those whose files are all of that kind;
    ``percent``: of the platform's Unlabelled commits; ``n_commits``: the platform's
    commits."""
    file_kinds = load_taxonomy().file_kinds
    files = commits.drop_duplicates(["platform", "key"]).set_index(["platform", "key"])
    files = files["files"] if "files" in files else pd.Series(None, index=files.index)
    rows = []
    for platform, group in labels.groupby("platform"):
        left = group[group["label"] == UNLABELLED]
        their = [files.get((platform, key)) for key in left["key"]]
        kinds = pd.Series([main_kind(f) for f in their], dtype=object)
        single = pd.Series(
            [len({kind_of(p) for _, p in parse_files(f)}) == 1 for f in their], dtype=bool
        )
        for kind, n in kinds.value_counts().items():
            rows.append(
                {
                    "platform": platform,
                    "kind": kind,
                    "likely_type": file_kinds.get(kind, ""),
                    "n_unlabelled": int(n),
                    "n_single_kind": int(single[kinds == kind].sum()),
                    "percent": round(100 * n / len(left), 1),
                    "n_commits": len(group),
                }
            )
        if left.empty:  # a platform every commit of which is labelled: one row says so
            rows.append(
                {"platform": platform, "kind": "", "likely_type": "", "n_unlabelled": 0}
                | {"n_single_kind": 0, "percent": 0.0, "n_commits": len(group)}
            )
    table = pd.DataFrame(rows, columns=UNLABELLED_KIND_COLUMNS)
    return table.sort_values(
        ["platform", "n_unlabelled", "kind"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def unlabelled_kind_numbers(table: pd.DataFrame | None) -> dict:
    """The paper's figures: per platform the labeller's coverage (% of the commits
    labelled), the Unlabelled commits and the types their files suggest (``text``)."""
    if table is None:
        return {"text": ""}
    numbers: dict = {}
    sentences = []
    for platform, group in table.groupby("platform"):
        n_commits = int(group["n_commits"].iloc[0])
        n_left = int(group["n_unlabelled"].sum())
        coverage = round(100 * (n_commits - n_left) / n_commits, 1) if n_commits else None
        by_type = (
            group[group["likely_type"].fillna("") != ""]
            .groupby("likely_type")["n_unlabelled"]
            .sum()
            .sort_values(ascending=False, kind="stable")
        )
        no_type = group[
            (group["likely_type"].fillna("") == "")
            & ~group["kind"].isin([FILES_UNKNOWN, NO_FILES, ""])
        ]["n_unlabelled"].sum()
        unknown = group.loc[group["kind"] == FILES_UNKNOWN, "n_unlabelled"].sum()
        nothing = group.loc[group["kind"] == NO_FILES, "n_unlabelled"].sum()
        numbers[platform] = {
            "coverage_percent": coverage,
            "n_commits": n_commits,
            "n_unlabelled": n_left,
            "likely_types": {t: int(n) for t, n in by_type.items()},
            "n_no_type": int(no_type),
            "n_files_unknown": int(unknown),
            "n_no_files": int(nothing),
        }
        sentences.append(_unlabelled_sentence(platform, numbers[platform]))
    # with every commit labelled the paper's "No commit stayed Unlabelled" says it all
    left = sum(n["n_unlabelled"] for n in numbers.values())
    numbers["text"] = " ".join(sentences) if left else ""
    return numbers


def _unlabelled_sentence(platform: str, n: dict) -> str:
    """One platform's coverage and what its Unlabelled commits' files suggest, in words."""
    head = (
        f"On {platform} the labeller labelled {n['coverage_percent']}% of the "
        f"{n['n_commits']:,} commits"
    )
    if not n["n_unlabelled"]:
        return head + "."
    parts = [f"{t} ({k:,})" for t, k in n["likely_types"].items()]
    said = (
        "by the artefact kind of most of their changed files they would most likely have "
        f"been {_join(parts)}"
        if parts
        else "none changed files of a kind that suggests a type"
    )
    rest = [
        f"{n['n_no_type']} changed files of no such kind" if n["n_no_type"] else "",
        f"{n['n_no_files']} changed no file" if n["n_no_files"] else "",
        f"the files of {n['n_files_unknown']} are unknown" if n["n_files_unknown"] else "",
    ]
    rest = [r for r in rest if r]
    return (
        f"{head}; of the {n['n_unlabelled']:,} left Unlabelled, {said}"
        + (f" ({'; '.join(rest)})" if rest else "")
        + "."
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
