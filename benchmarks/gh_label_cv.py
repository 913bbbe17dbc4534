"""Grouped cross-validation of GH commit labellers on the *tune* split only (issue 27).

Reads tests/data/gold_gh_commit_labels.csv, keeps the rows with split == "tune" and
nothing else (the held-out rows are dropped before anything is read from them), joins
the messages of ../shared/data/github_commits.parquet, and scores with 5-fold
GroupKFold by repository:

- ``rules``: the offline labeller (no training: its score on each fold);
- ``emb-lr`` / ``emb-knn`` / ``tfidf-lr``: a classifier over MiniLM sentence embeddings
  (ONNX backend) or TF-IDF of the cleaned commit text, trained on the other folds'
  gold labels plus the taxonomy's examples, abstaining below a probability threshold;
- ``rules+X``: the rules first, the classifier where they abstain;
- ``rules+X override``: as above, and the classifier also where it is very confident
  and disagrees with the rules; ``rules veto by X``: Unlabelled there instead;
- ``rules, no body stage``: the rules on the title and subject only.

The rules were written on all tune repositories, so their score on a fold is
optimistic. ``rules ablated`` estimates rules written without the test fold's
repositories: per fold the patterns that match a test-fold commit but no training-fold
commit and no taxonomy example ("mild"; "strict": none of their own type) are dropped;
then the same classifier combinations, rules of low training-fold precision abstaining,
and the rules without the body stage.

Kappa and accuracy over the labelled commits, coverage = share not Unlabelled; mean and
sd over the folds, and pooled over all tune commits. The embeddings are cached under
``--cache`` (first run: the ONNX export of all-MiniLM-L6-v2); about 4 minutes on 2 cores.

Usage: python benchmarks/gh_label_cv.py [SHARED] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline, make_union

from ptlmsync.label.backends import offline_label
from ptlmsync.label.checks import scores
from ptlmsync.label.rules import split_message
from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy
from ptlmsync.text import clean_text

REPO = Path(__file__).resolve().parents[1]
FOLDS = 5


def tune_set(shared: Path) -> pd.DataFrame:
    """The tune split's gold commits with their cleaned text (held-out rows dropped first)."""
    gold = pd.read_csv(REPO / "tests" / "data" / "gold_gh_commit_labels.csv")
    gold = gold[gold["split"] == "tune"].reset_index(drop=True)
    commits = pd.read_parquet(
        shared / "data" / "github_commits.parquet", columns=["repo", "sha", "message"]
    )
    tune = gold.merge(commits, on=["repo", "sha"], how="left", validate="one_to_one")
    assert tune["message"].notna().all(), "tune commits missing from the shared file"
    tune["text"] = tune["message"].map(clean_text)
    return tune


def taxonomy_examples() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (ct.name, e)
            for ct in load_taxonomy().change_types
            for e in (*ct.study_examples, *ct.examples)
        ],
        columns=["label", "text"],
    )


def view(text: str, how: str) -> str:
    """The part of a cleaned message a classifier reads."""
    if how == "full":
        return text
    _, subject, body = split_message(text)
    subject = subject or text
    if how == "subject":
        return subject
    return f"{subject}. {body[:200]}".strip(". ") if body else subject  # subject+body


def fold_scores(gold: pd.Series, predicted: pd.Series, folds: np.ndarray) -> dict:
    per = [scores(gold[folds == k], predicted[folds == k]) for k in range(FOLDS)]
    pooled = scores(gold, predicted)
    out = {"pooled_" + m: pooled[m] for m in ("kappa", "accuracy", "coverage")}
    for m in ("kappa", "accuracy", "coverage"):
        values = np.array([p[m] for p in per])
        out[m] = float(np.nanmean(values))
        out[m + "_sd"] = float(np.nanstd(values, ddof=1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shared", nargs="?", default=None)
    parser.add_argument("--cache", default="/tmp/ghcv_cache")
    args = parser.parse_args()
    default = Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared"))
    shared = Path(args.shared) if args.shared else default
    tune = tune_set(shared)
    examples = taxonomy_examples()
    folds = np.full(len(tune), -1)
    for k, (_, test) in enumerate(GroupKFold(FOLDS).split(tune, groups=tune["repo"])):
        folds[test] = k
    gold = tune["label"]
    rules = pd.Series([offline_label(t)[0] for t in tune["text"]])
    rows = {"rules": fold_scores(gold, rules, folds)}

    from ptlmsync.topics import OFFLINE_MODEL, EmbeddingCache

    cache = EmbeddingCache(OFFLINE_MODEL, args.cache, backend="onnx")
    probabilities = {}  # (name) -> (classes, matrix of out-of-fold probabilities)
    for how in ("full", "subject", "subject+body"):
        texts = [view(t, how) for t in tune["text"]]
        x = cache.embed(texts)
        ex = cache.embed(list(examples["text"]))
        models = {
            f"emb-lr C=4 [{how}]": lambda: LogisticRegression(C=4, max_iter=2000),
            f"emb-lr C=16 [{how}]": lambda: LogisticRegression(C=16, max_iter=2000),
            f"emb-lr C=16 bal [{how}]": lambda: LogisticRegression(
                C=16, max_iter=2000, class_weight="balanced"
            ),
            f"emb-knn k=7 [{how}]": lambda: KNeighborsClassifier(
                7, metric="cosine", weights="distance"
            ),
        }
        for name, make in models.items():
            probabilities[name] = out_of_fold(make, x, ex, gold, examples["label"], folds)
        tfidf = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        name = f"tfidf-lr C=10 [{how}]"
        probabilities[name] = out_of_fold(
            lambda t=tfidf: make_pipeline(t, LogisticRegression(C=10, max_iter=2000)),
            np.array(texts, dtype=object),
            np.array([view(t, how) for t in examples["text"]], dtype=object),
            gold,
            examples["label"],
            folds,
        )
    cache.save()

    for name, (classes, proba) in probabilities.items():
        best = classes[proba.argmax(axis=1)]
        top = proba.max(axis=1)
        for t in (0.0, 0.3, 0.5):
            alone = pd.Series(np.where(top >= t, best, UNLABELLED))
            rows[f"{name} p>={t}"] = fold_scores(gold, alone, folds)
        for t in (0.0, 0.3, 0.5):
            filled = rules.where(rules != UNLABELLED, pd.Series(best).where(top >= t))
            rows[f"rules+{name} p>={t}"] = fold_scores(gold, filled.fillna(UNLABELLED), folds)
        base = rules.where(rules != UNLABELLED, pd.Series(best).where(top >= 0.3))
        for t in (0.7, 0.8, 0.9):
            over = pd.Series(np.where(top >= t, best, base.fillna(UNLABELLED)))
            rows[f"rules+{name} p>=0.3 override p>={t}"] = fold_scores(gold, over, folds)
        for t in (0.5, 0.7):
            veto = rules.where(~((top >= t) & (best != rules)), UNLABELLED)
            rows[f"rules veto by {name} p>={t}"] = fold_scores(gold, veto, folds)
    rows.update(ablation_rows(tune, folds, examples, probabilities))
    table = pd.DataFrame(rows).T
    pd.set_option("display.width", 250, "display.max_rows", 500)
    print(f"tune: {len(tune)} commits, {tune['repo'].nunique()} repositories, {FOLDS} folds")
    print(table.round(3).to_string())


def sub_rules():
    """The taxonomy's rules split into one rule per pattern, in order (same labels)."""
    from importlib import resources

    import yaml

    from ptlmsync.label.taxonomy import Rule

    text = resources.files("ptlmsync").joinpath("data/taxonomy.yaml").read_text()
    raw = yaml.safe_load(text)["rules"]

    return [
        Rule(r["type"], f"{r['name']}#{i}", re.compile(p, re.IGNORECASE))
        for r in raw
        for i, p in enumerate(r["match"])
    ]


def label_with(rules: list | None, texts, body: bool = True, names: bool = False) -> pd.Series:
    """offline_label with the taxonomy's rules replaced by ``rules`` (None: kept) and,
    ``body`` False, without the rules' last stage (the message body); ``names``: the
    deciding rule's name instead ("" where none decides)."""
    import dataclasses

    from ptlmsync.label import rules as rules_module

    taxonomy = load_taxonomy()
    if rules is not None:
        taxonomy = dataclasses.replace(taxonomy, rules=tuple(rules))
    first_rule = rules_module._first_rule
    original = rules_module.load_taxonomy
    rules_module.load_taxonomy = lambda: taxonomy
    if not body:
        rules_module._first_rule = lambda subject, _: first_rule(subject, "")
    try:
        decided = [rules_module.rule_label(t) for t in texts]
        if names:  # the deciding rule, without the pattern's number
            return pd.Series([re.sub(r"#\d+$", "", d[1]) if d else "" for d in decided])
        return pd.Series([offline_label(t)[0] for t in texts])
    finally:
        rules_module.load_taxonomy, rules_module._first_rule = original, first_rule


def fires(rules: list, texts) -> np.ndarray:
    """texts x rules: the pattern matches the title, subject or body of the text."""
    from ptlmsync.label.rules import title_of

    parts = []
    for t in texts:
        _, subject, body = split_message(t)
        parts.append((title_of(subject), subject, body[:300]))
    return np.array([[any(r.pattern.search(p) for p in ps) for r in rules] for ps in parts])


def ablation_rows(tune, folds, examples, probabilities) -> dict:
    """Rules as if written without the test fold's repositories: per fold, the patterns
    that match a test-fold commit but no training-fold commit and no taxonomy example
    ("mild"), or no training-fold commit or example of their own type ("strict"), are
    dropped; then the classifiers where those rules abstain."""
    rules = sub_rules()
    gold = tune["label"]
    assert label_with(rules, tune["text"]).equals(
        pd.Series([offline_label(t)[0] for t in tune["text"]])
    ), "split rules must label as the taxonomy's"
    hit = fires(rules, tune["text"])
    ex_hit = fires(rules, examples["text"])
    types = np.array([r.change_type for r in rules])
    out = {"rules, no body stage": fold_scores(gold, label_with(None, tune["text"], False), folds)}
    for how in ("mild", "strict", "mild, no body stage"):
        predicted = pd.Series([UNLABELLED] * len(tune), dtype=object)
        deciding = pd.Series([""] * len(tune), dtype=object)
        dropped = []
        for k in range(FOLDS):
            train, test = folds != k, folds == k
            if how.startswith("mild"):
                keep = hit[train].any(0) | ex_hit.any(0) | ~hit[test].any(0)
            else:
                own = (gold[train].to_numpy()[:, None] == types[None, :]) & hit[train]
                own_ex = (examples["label"].to_numpy()[:, None] == types[None, :]) & ex_hit
                keep = own.any(0) | own_ex.any(0) | ~hit[test].any(0)
            dropped.append(int((~keep).sum()))
            kept = [r for r, k_ in zip(rules, keep, strict=True) if k_]
            body = not how.endswith("no body stage")
            predicted[test] = label_with(kept, tune["text"][test], body).to_numpy()
            deciding[test] = label_with(kept, tune["text"][test], body, names=True).to_numpy()
        name = f"rules ablated {how} (dropped/fold {np.mean(dropped):.0f})"
        out[name] = fold_scores(gold, predicted, folds)
        if how == "mild":
            for floor in (0.5, 0.6):
                abstained = abstain_unreliable(tune, folds, predicted, deciding, floor)
                out[f"  mild, rules of train precision < {floor} abstain"] = fold_scores(
                    gold, abstained, folds
                )
        if not body:
            continue
        for clf in (
            "emb-lr C=4 [subject]",
            "emb-lr C=4 [full]",
            "emb-knn k=7 [subject]",
            "tfidf-lr C=10 [subject+body]",
        ):
            classes, proba = probabilities[clf]
            best, top = classes[proba.argmax(axis=1)], proba.max(axis=1)
            for t in (0.0, 0.3, 0.5):
                filled = predicted.where(predicted != UNLABELLED, pd.Series(best).where(top >= t))
                out[f"  {how} +{clf} p>={t}"] = fold_scores(gold, filled.fillna(UNLABELLED), folds)
            for t in (0.5, 0.7):  # the classifier vetoes: confident disagreement abstains
                veto = predicted.where(~((top >= t) & (best != predicted)), UNLABELLED)
                out[f"  {how} veto by {clf} p>={t}"] = fold_scores(gold, veto, folds)
    return out


def abstain_unreliable(tune, folds, predicted, deciding, floor: float) -> pd.Series:
    """``predicted`` (ablated rules; ``deciding``: their rule names), Unlabelled where the
    deciding rule's precision on the training folds (full rules, at least 3 commits
    decided) is below ``floor``."""
    full_rule = label_with(None, tune["text"], names=True)
    full_label = pd.Series([offline_label(t)[0] for t in tune["text"]])
    correct = full_label == tune["label"]
    out = predicted.copy()
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        precision = correct[train].groupby(full_rule[train]).agg(["mean", "size"])
        bad = set(precision.index[(precision["mean"] < floor) & (precision["size"] >= 3)])
        out[test & deciding.isin(bad - {""}).to_numpy()] = UNLABELLED
    return out


def out_of_fold(make, x, ex, gold, ex_labels, folds):
    """Out-of-fold class probabilities (classes in a fixed order)."""
    classes = np.array(sorted(set(gold) | set(ex_labels)))
    proba = np.zeros((len(gold), len(classes)))
    for k in range(FOLDS):
        train = folds != k
        model = make()
        xs = np.concatenate([x[train], ex])
        ys = np.concatenate([gold[train].to_numpy(), ex_labels.to_numpy()])
        model.fit(xs, ys)
        p = model.predict_proba(x[folds == k])
        cols = np.searchsorted(classes, model.classes_)
        proba[np.ix_(np.flatnonzero(folds == k), cols)] = p
    return classes, proba


if __name__ == "__main__":
    main()
