"""Stage ``label`` (rules/label.smk): change-type labels per family batch, their
agreement with a gold table, and the GH/HF similarity of the labels per family.

The per-shard and per-batch jobs import only pandas and :mod:`ptlmsync.label`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync.label.options import LabelOptions
from ptlmsync.schemas import read_batches

log = logging.getLogger(__name__)


def label_text_shard(
    *, batches, shard: int, n_shards: int, labels, usage, cache_dir, label_config: dict
) -> None:
    """Labels of the run's distinct commit texts that fall into ``shard`` (by text hash),
    for every run, and the labeller's usage per run.

    A text that recurs across families is asked once per run, so the requests are
    ceil(distinct texts of the shard / commits_per_request) per run, plus retries.
    Remote answers are cached by text-hash prefix under ``cache_dir`` (one file per
    prefix, each owned by one shard), so the cache is shared by every family, run and
    shard count.
    """
    from ptlmsync.label.backends import make_labeller
    from ptlmsync.label.cache import save_prefix_caches
    from ptlmsync.label.engine import USAGE_COLUMNS, label_texts
    from ptlmsync.text import text_hash

    options = LabelOptions.from_config(label_config)
    mine = texts_by_shard(batches, n_shards)[shard]
    labeller = make_labeller(options)
    cache = answer_cache(labeller, cache_dir, shard, n_shards)
    rows, used = [], []
    try:
        for repeat in range(1, options.repeats + 1):
            by_text, run_usage = label_texts(
                labeller, mine, repeat, cache, options.commits_per_request
            )
            rows += [(text_hash(t), repeat, lab, why) for t, (lab, why) in by_text.items()]
            used.append(
                {
                    "family": f"(shard {shard})",
                    "labeller": labeller.name,
                    "model": labeller.model,
                    "repeat": repeat,
                    **run_usage.__dict__,
                }
            )
    finally:  # answers already paid for survive a failure later in the shard
        if labeller.remote:
            save_prefix_caches(cache, cache_dir)
    pd.DataFrame(rows, columns=SHARD_COLUMNS).to_parquet(labels, index=False)
    table = pd.DataFrame(used, columns=USAGE_COLUMNS)
    table.to_csv(usage, index=False)
    log.info(
        "shard %d: %d distinct texts x %d repeats: %d requests, %d cache hits, %d unlabelled",
        shard,
        len(mine),
        options.repeats,
        table["requests"].sum(),
        table["cache_hits"].sum(),
        table["unlabelled"].sum(),
    )


def answer_cache(labeller, cache_dir, shard: int, n_shards: int):
    """The cached answers of text shard ``shard`` for ``labeller``; the offline labeller
    recomputes its answers, so its cache starts empty and is never saved."""
    from ptlmsync.label.cache import LabelCache, open_prefix_caches

    if labeller.remote:
        return open_prefix_caches(cache_dir, shard, n_shards)
    return LabelCache(Path(cache_dir) / "offline")


def texts_by_shard(batches, n_shards: int) -> list[list[str]]:
    """The run's distinct commit texts, split into the text shards (by text hash), each
    in the order the family batches give them."""
    from ptlmsync.label.cache import shard_of
    from ptlmsync.text import text_hash

    texts = pd.concat([pd.read_parquet(b, columns=["text"]) for b in batches])["text"]
    shards: list[list[str]] = [[] for _ in range(n_shards)]
    for text in dict.fromkeys(texts):
        shards[shard_of(text_hash(text), n_shards)].append(text)
    return shards


def label_plan(
    *, batches, n_shards: int, plan, cache_dir, label_config: dict, plan_config: dict
) -> None:
    """The cost plan of the labelling (:mod:`ptlmsync.label.plan`), one row per run;
    reads the answer cache, asks nothing."""
    from ptlmsync.label import plan as planning
    from ptlmsync.label.backends import labeller_identity

    options = LabelOptions.from_config(label_config)
    labeller = labeller_identity(options)
    shards = texts_by_shard(batches, n_shards)
    # every cached answer (all prefixes: the one shard of one), read only: never saved
    cache = answer_cache(labeller, cache_dir, 0, 1)
    table = planning.plan_labelling(
        labeller,
        shards,
        options.repeats,
        cache,
        options.commits_per_request,
        plan_config,
    )
    table.to_csv(plan, index=False)
    log.info(
        "plan: %d repeats: %d requests, %d input and %d output tokens, cost %s (%s)",
        len(table),
        table["requests"].sum(),
        table["input_tokens"].sum(),
        table["output_tokens"].sum(),
        table["cost"].sum(min_count=1),
        table["token_count"].iloc[0] or "no tokens: offline",
    )


#: One shard's answers: the text's hash, the run, the label and why it is Unlabelled.
SHARD_COLUMNS = ["text_hash", "repeat", "label", "reason"]


def label_batch(*, commits, shards, labels, label_config: dict) -> None:
    """A family batch's labels (every commit, every run): its commits joined with the
    shards' answers by text hash; the offline labeller then lets files decide what no
    rule decided."""
    from ptlmsync.label.backends import label_by_files, make_labeller
    from ptlmsync.label.reading import LABEL_COLUMNS
    from ptlmsync.text import text_hash

    families = list(read_batches([commits]).values())
    if not families:  # a batch without families
        pd.DataFrame(columns=LABEL_COLUMNS).to_parquet(labels, index=False)
        return
    batch = pd.concat(families, ignore_index=True)
    answers = pd.concat([pd.read_parquet(p) for p in shards], ignore_index=True)
    labeller = make_labeller(LabelOptions.from_config(label_config))
    batch["text_hash"] = batch["text"].map(text_hash)
    joined = batch.merge(answers, on="text_hash", how="left", validate="many_to_many")
    joined["labeller"] = f"{labeller.name}:{labeller.model}"
    if not labeller.remote and "files" in joined:
        label_by_files(joined, joined["files"])
    table = joined[LABEL_COLUMNS] if len(joined) else pd.DataFrame(columns=LABEL_COLUMNS)
    table.to_parquet(labels, index=False)
    log.info("batch: %d labels of %d commits", len(table), len(batch))


def validate_labels(
    *, labels, usage, gold, validation_out, confusion_out, usage_out
) -> pd.DataFrame:
    """Per-run kappa per platform, its mean and spread, per-type precision and recall, the
    confusion matrix of the statistics labels, and the labeller's usage summed over
    families. ``gold`` is None where no gold table exists."""
    from ptlmsync.label.checks import agreement, read_gold

    all_labels = pd.concat([pd.read_parquet(p) for p in labels], ignore_index=True)
    all_usage = pd.concat([pd.read_csv(p) for p in usage], ignore_index=True)
    totals = all_usage.drop(columns=["family"]).groupby(["labeller", "model", "repeat"]).sum()
    totals.reset_index().assign(family="(all)").to_csv(usage_out, index=False)
    if gold is None:
        validation = pd.DataFrame(columns=["measure", "platform", "repeat", "change_type", "value"])
        confusion = pd.DataFrame(columns=["platform", "gold", "predicted", "n"])
    else:
        validation, confusion = agreement(all_labels, read_gold(gold))
    validation.to_csv(validation_out, index=False)
    confusion.to_csv(confusion_out, index=False)
    return validation


def score_similarity(*, labels, family_list, similarity, statistics_repeat="majority") -> None:
    """Jaccard similarity of the change types each family uses on GH and on HF."""
    from ptlmsync import stats
    from ptlmsync.label.reading import labelled_only, read_labels

    names = pd.read_csv(family_list)["family"].tolist()
    chosen = labelled_only(read_labels(labels, statistics_repeat))
    sim = stats.similarity(chosen, names)
    sim.assign(jaccard=sim["jaccard"].round(4)).to_csv(similarity, index=False)


def validate_study_labels(
    *,
    labels,
    batches,
    family_list,
    study_dir,
    validation_out,
    disagreements_out,
    statistics_repeat="majority",
) -> pd.DataFrame:
    """This run's labels (those the statistics use) against the original study's hand
    labels on the commits of the run that the study labelled
    (:mod:`ptlmsync.study_labels`). ``study_dir`` None: a run whose data cannot hold a
    study commit (the demo's fictional families); the files are not read."""
    from ptlmsync.label.reading import read_labels
    from ptlmsync.study_files import STUDY_LABEL_FILES, lf_digest
    from ptlmsync.study_labels import match_commits, read_study_labels, validate

    every = pd.concat([pd.read_parquet(p) for p in labels], ignore_index=True)
    chosen = read_labels(labels, statistics_repeat)
    chosen["labeller"] = ", ".join(sorted(every["labeller"].dropna().astype(str).unique()))
    if study_dir is None:
        study = None
        matched = pd.DataFrame(columns=["platform", "family", "key", "study_label", "gemini_label"])
    else:
        for name, (_, digest) in STUDY_LABEL_FILES.items():
            path = Path(study_dir) / name
            if path.exists() and lf_digest(path.read_bytes())[1] != digest:
                log.warning("%s: not the pinned published file (SHA-256); used as given", path)
        study = read_study_labels(study_dir)
        columns = ["family", "platform", "key", "date", "text"]
        commits = pd.concat([pd.read_parquet(b, columns=columns) for b in batches])
        repos = pd.read_csv(family_list).set_index("family")["github_repo"].to_dict()
        matched = match_commits(study, commits, repos)
    validation, disagreements = validate(study, matched, chosen)
    validation.to_csv(validation_out, index=False)
    disagreements.to_csv(disagreements_out, index=False)
    for row in validation.itertuples(index=False):
        log.info(
            "%s: %d study commits in the run (%s), kappa %s, coverage %s; Gemini kappa %s",
            row.platform,
            row.n_matched,
            row.matched_by,
            row.kappa,
            row.coverage,
            row.gemini_kappa,
        )
    return validation


def describe_unlabelled(*, labels, batches, unlabelled_out, statistics_repeat="majority") -> None:
    """The Unlabelled commits (of the labels the statistics use) by the artefact kind of
    their files and the change type it suggests
    (:func:`ptlmsync.label.checks.unlabelled_by_kind`)."""
    from ptlmsync.label.checks import unlabelled_by_kind
    from ptlmsync.label.reading import read_labels

    chosen = read_labels(labels, statistics_repeat)
    columns = ["platform", "key", "files"]  # files: optional (missing where unknown)
    commits = pd.concat(
        [pd.read_parquet(b).reindex(columns=columns) for b in batches], ignore_index=True
    )
    unlabelled_by_kind(chosen, commits).to_csv(unlabelled_out, index=False)
