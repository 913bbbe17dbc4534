"""Agreement of commit labels with a gold standard (docs/method.md, section 2)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from ptlmsync.demo import is_demo_truth
from ptlmsync.schemas import TableError
from ptlmsync.stats import majority_labels
from ptlmsync.sync_checks import kappa
from ptlmsync.taxonomy import UNLABELLED, load_taxonomy

VALIDATION_COLUMNS = ["measure", "platform", "run", "change_type", "value"]


def agreement(labels: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(validation rows, confusion matrix) of ``labels`` (all runs) against ``gold``.

    Rows per platform and run: ``n`` (gold commits), ``coverage`` (the share of them the
    labeller labelled, i.e. not Unlabelled) and ``kappa`` over the labelled ones; per
    platform: ``kappa_mean``, ``kappa_sd``, ``kappa_min``, ``kappa_max`` and
    ``coverage_mean``; ``precision``/``recall``/``support`` per platform and change type
    for the majority labels (Unlabelled counts as a miss in recall).
    """
    rows = []
    for (platform, run), group in labels.groupby(["platform", "run"]):
        joined = group.merge(gold, on=["platform", "key"], suffixes=("", "_gold"))
        got = scores(joined["label_gold"], joined["label"])
        rows += [
            {"measure": m, "platform": platform, "run": run, "value": got[m]}
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
    missing = [c for c in ("platform", "key", "label") if c not in gold.columns]
    if missing:
        raise TableError(f"{path}: missing columns {missing}; expected platform, key, label")
    tax = load_taxonomy()
    for i, row in gold.iterrows():
        if row["platform"] not in ("GH", "HF"):
            raise TableError(
                f"{path}: line {i + 2}: column 'platform': {row['platform']!r} is not GH or HF"
            )
        try:
            gold.loc[i, "label"] = tax.normalise(str(row["label"]))
        except ValueError as err:
            raise TableError(f"{path}: line {i + 2}: column 'label': {err}") from None
    return gold[["platform", "key", "label"]]
