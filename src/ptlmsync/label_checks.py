"""Agreement of commit labels with a gold standard (docs/method.md, section 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from ptlmsync.demo import is_demo_truth
from ptlmsync.schemas import TableError
from ptlmsync.stats import majority_labels
from ptlmsync.sync_checks import kappa
from ptlmsync.taxonomy import load_taxonomy

VALIDATION_COLUMNS = ["measure", "platform", "run", "change_type", "value"]


def agreement(labels: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(validation rows, confusion matrix) of ``labels`` (all runs) against ``gold``.

    Rows: ``n`` and ``kappa`` per platform and run; ``kappa_mean``, ``kappa_sd``,
    ``kappa_min``, ``kappa_max`` per platform; ``precision``/``recall``/``support`` per
    platform and change type for the majority labels.
    """
    rows = []
    for (platform, run), group in labels.groupby(["platform", "run"]):
        joined = group.merge(gold, on=["platform", "key"], suffixes=("", "_gold"))
        rows.append({"measure": "n", "platform": platform, "run": run, "value": len(joined)})
        rows.append(
            {
                "measure": "kappa",
                "platform": platform,
                "run": run,
                "value": kappa(joined["label_gold"], joined["label"]),
            }
        )
    per_run = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    kappas = per_run[per_run["measure"] == "kappa"].groupby("platform")["value"]
    for stat, values in (
        ("kappa_mean", kappas.mean()),
        ("kappa_sd", kappas.std(ddof=0)),
        ("kappa_min", kappas.min()),
        ("kappa_max", kappas.max()),
    ):
        rows += [{"measure": stat, "platform": p, "value": v} for p, v in values.items()]
    final = majority_labels(labels).merge(gold, on=["platform", "key"], suffixes=("", "_gold"))
    confusion = (
        final.groupby(["platform", "label_gold", "label"])
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"label_gold": "gold", "label": "predicted"})
    )
    for platform, group in final.groupby("platform"):
        types = sorted(set(group["label_gold"]) | set(group["label"]))
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
