"""The original study's hand-labelled commits as a check of this run's labels
(docs/method.md, section 2, "The study's hand labels").

The study's package holds 160 GH and 160 HF commits labelled by hand
(``GH_160_with_labels.csv``, ``HF_160_with_labels.csv``; ``;``-separated), each with a
second annotator's and Gemini's label. A run's commits are matched to them — HF by
commit id; GH by repository, message and author date — and this run's labels are
compared with the manual ones the way ``labels/validation.csv`` compares them with a
gold table: coverage is the share of the matched commits the run labelled, kappa and
accuracy are over those it labelled; Gemini's labels are scored on the same commits.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy
from ptlmsync.schemas import TableError
from ptlmsync.text import clean_text
from ptlmsync.vocab import Platform

log = logging.getLogger(__name__)

GH_FILE, HF_FILE = "GH_160_with_labels.csv", "HF_160_with_labels.csv"
#: Per platform: the file, its columns this check reads, the manual and Gemini columns.
STUDY_COLUMNS = {
    Platform.GH: (
        GH_FILE,
        ["cleaned_github", "commit_date", "commit_message"],
        "manual_categories",
        "automatic",
    ),
    Platform.HF: (HF_FILE, ["commit_id"], "manual_classification", "automatic_classification"),
}
#: How each platform's commits are matched (stated in the table and the paper).
MATCHED_BY = {
    Platform.GH: "repository, message and author date to the second",
    Platform.HF: "commit id",
}
VALIDATION_COLUMNS = [
    "platform",
    "n_study",
    "n_matched",
    "n_rejected",
    "n_labelled",
    "coverage",
    "kappa",
    "accuracy",
    "gemini_kappa",
    "gemini_accuracy",
    "labeller",
    "matched_by",
    "note",
]
DISAGREEMENT_COLUMNS = [
    "platform",
    "family",
    "key",
    "study_label",
    "label",
    "gemini_label",
    "reason",
]
#: The note of a run whose data cannot hold a study commit (the files are not read).
NOT_IN_DATA = "synthetic demo data: no study commit can be in it"


def message_key(text) -> str:
    """A commit message as both sides are compared: cleaned as the project cleans commit
    text (:func:`ptlmsync.text.clean_text`), lower-cased (the study's messages are), white
    space collapsed."""
    return " ".join(clean_text(text).lower().split())


def repo_key(repo) -> str:
    """``owner/name`` of a GitHub repository (URL or name), lower-cased."""
    text = str(repo).strip().lower().removesuffix("/").removesuffix(".git")
    return "/".join(text.split("github.com/")[-1].split("/")[:2])


def read_study_labels(directory: str | Path) -> dict[str, pd.DataFrame]:
    """The two files of ``directory`` per platform (every cell as text); an error names the
    file and the missing columns."""
    tables = {}
    for platform, (name, columns, manual, gemini) in STUDY_COLUMNS.items():
        path = Path(directory) / name
        if not path.exists():
            raise TableError(f"{path}: missing; the study's hand labels are {GH_FILE}, {HF_FILE}")
        table = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        missing = [c for c in (*columns, manual, gemini) if c not in table.columns]
        if missing:
            raise TableError(f"{path}: missing columns {missing}")
        tables[platform] = table
    return tables


def map_label(label: str) -> str | None:
    """A study label as a change type of the taxonomy (case-insensitive, ``_`` as a space,
    the taxonomy's aliases); None where it names none."""
    try:
        return load_taxonomy().normalise(str(label).replace("_", " "))
    except ValueError:
        return None


def match_commits(
    study: dict[str, pd.DataFrame], commits: pd.DataFrame, repos: dict[str, str]
) -> pd.DataFrame:
    """The study's rows that are commits of this run: platform, family, key, study_label,
    gemini_label (as written in the study's file).

    ``commits``: the run's commits (platform, family, key, date, text); ``repos``: family
    -> GitHub repository. HF rows match by commit id (case-insensitive). GH rows match by
    repository, message (:func:`message_key`) and author date to the second (the study's
    ``commit_date`` is the author date, in UTC, to the second, as the snapshot's is); a
    row that matches several commits, or a commit matched by several rows, is taken once
    (the first by key)."""
    parts = []
    hf = commits[commits["platform"] == Platform.HF]
    rows = study[Platform.HF].assign(_id=study[Platform.HF]["commit_id"].str.strip().str.lower())
    ours = hf.assign(_id=hf["key"].astype(str).str.lower())
    parts.append(_joined(Platform.HF, rows, ours, ["_id"]))
    gh = commits[commits["platform"] == Platform.GH]
    rows = study[Platform.GH].assign(
        _repo=study[Platform.GH]["cleaned_github"].map(repo_key),
        _text=study[Platform.GH]["commit_message"].map(message_key),
        _date=_seconds(study[Platform.GH]["commit_date"]),
    )
    ours = gh.assign(
        _repo=gh["family"].map(repos).map(repo_key),
        _text=gh["text"].map(message_key),
        _date=_seconds(gh["date"]),
    )
    parts.append(_joined(Platform.GH, rows, ours, ["_repo", "_text", "_date"]))
    return pd.concat(parts, ignore_index=True)


def _seconds(dates) -> pd.Series:
    """Dates in UTC cut to the second (missing or unreadable: NaT, which matches nothing)."""
    return pd.to_datetime(dates, utc=True, errors="coerce", format="mixed").dt.floor("s")


def _joined(platform: str, rows: pd.DataFrame, ours: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    _, _, manual, gemini = STUDY_COLUMNS[platform]
    rows = rows[[*on, manual, gemini]].dropna(subset=on).reset_index(names="_row")
    ours = ours.dropna(subset=on).sort_values("key", kind="stable")
    joined = rows.merge(ours[["family", "key", *on]], on=on, how="inner")
    joined = joined.drop_duplicates("_row").drop_duplicates("key").sort_values("_row")
    return pd.DataFrame(
        {
            "platform": platform,
            "family": joined["family"].to_numpy(),
            "key": joined["key"].to_numpy(),
            "study_label": joined[manual].to_numpy(),
            "gemini_label": joined[gemini].to_numpy(),
        }
    )


def validate(
    study: dict[str, pd.DataFrame] | None, matched: pd.DataFrame, labels: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(validation per platform, disagreements) of this run's ``labels`` (platform, key,
    label, labeller; one per commit) on the ``matched`` study commits.

    ``n_matched``: study commits in the run; ``n_rejected``: of them, those whose manual
    label is not a change type (left out; listed with the reason); ``coverage``: the share
    of the others this run labelled; ``kappa``/``accuracy`` over those it labelled, and
    ``gemini_kappa``/``gemini_accuracy`` of the study's Gemini labels on the same commits
    (those with a Gemini label that is a change type). ``study`` None: the files were not
    read (no study commit can be in the run)."""
    from ptlmsync.label.checks import scores

    labeller = ", ".join(sorted(labels["labeller"].dropna().astype(str).unique()))
    rows, disagreements = [], []
    for platform in STUDY_COLUMNS:
        mine = matched[matched["platform"] == platform].merge(
            labels[["platform", "key", "label"]], on=["platform", "key"], how="left"
        )
        mine["label"] = mine["label"].fillna(UNLABELLED)
        mine["manual"] = mine["study_label"].map(map_label)
        mine["gemini"] = mine["gemini_label"].map(map_label)
        rejected = mine["manual"].isna()
        kept = mine[~rejected]
        got = scores(kept["manual"].reset_index(drop=True), kept["label"].reset_index(drop=True))
        labelled = kept[(kept["label"] != UNLABELLED) & kept["gemini"].notna()]
        gemini = scores(labelled["manual"], labelled["gemini"]) if len(labelled) else {}
        rows.append(
            {
                "platform": platform,
                "n_study": len(study[platform]) if study is not None else None,
                "n_matched": len(mine),
                "n_rejected": int(rejected.sum()),
                "n_labelled": int((kept["label"] != UNLABELLED).sum()),
                "coverage": _round(got["coverage"]),
                "kappa": _round(got["kappa"]),
                "accuracy": _round(got["accuracy"]),
                "gemini_kappa": _round(gemini.get("kappa")),
                "gemini_accuracy": _round(gemini.get("accuracy")),
                "labeller": labeller,
                "matched_by": MATCHED_BY[platform],
                "note": "" if study is not None else NOT_IN_DATA,
            }
        )
        for row in mine.itertuples(index=False):
            reason = _disagreement(row)
            if reason:
                disagreements.append(
                    {c: getattr(row, c) for c in DISAGREEMENT_COLUMNS if c != "reason"}
                    | {"label": row.label, "reason": reason}
                )
    return (
        pd.DataFrame(rows, columns=VALIDATION_COLUMNS),
        pd.DataFrame(disagreements, columns=DISAGREEMENT_COLUMNS),
    )


def _disagreement(row) -> str:
    """Why a matched commit is listed: its manual label is no change type (rejected), this
    run left it Unlabelled, labelled it otherwise, or Gemini's label is no change type."""
    reasons = []
    if row.manual is None or pd.isna(row.manual):
        reasons.append(f"rejected: the study's label {row.study_label!r} is not a change type")
    elif row.label == UNLABELLED:
        reasons.append("Unlabelled by this run")
    elif row.label != row.manual:
        reasons.append("labels differ")
    if row.gemini is None or pd.isna(row.gemini):
        reasons.append(f"Gemini's label {row.gemini_label!r} is not a change type")
    return "; ".join(reasons)


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def study_label_numbers(validation: pd.DataFrame | None) -> dict:
    """The paper's figures of the check: per platform the counts, coverage (%), kappa and
    accuracy, Gemini's; ``any`` whether the run holds a study commit; ``text`` the
    sentence the paper prints."""
    if validation is None:
        return {"any": False, "text": "The study's hand labels cannot be checked here."}
    numbers: dict = {"any": bool(validation["n_matched"].sum() > 0)}
    for row in validation.to_dict("records"):
        numbers[row["platform"]] = {
            "n_study": _int(row["n_study"]),
            "n_matched": int(row["n_matched"]),
            "n_rejected": int(row["n_rejected"]),
            "coverage_percent": _percent(row["coverage"]),
            "kappa": _round3(row["kappa"]),
            "accuracy_percent": _percent(row["accuracy"]),
            "gemini_kappa": _round3(row["gemini_kappa"]),
            "gemini_accuracy_percent": _percent(row["gemini_accuracy"]),
        }
    numbers["text"] = _check_text(numbers)
    return numbers


#: The paper's sentence where the run holds no study commit ("None" would read as a
#: missing number; the paper's template check rejects it).
NONE_IN_RUN = (
    "The study's hand labels cannot check this run: none of the study's hand-labelled "
    "commits are in this run."
)


def _check_text(numbers: dict) -> str:
    if not numbers["any"]:
        return NONE_IN_RUN
    held, figures = [], []
    for platform in STUDY_COLUMNS:
        n = numbers[platform]
        of = f" of its {n['n_study']}" if n["n_study"] is not None else ""
        held.append(f"{n['n_matched']}{of} {platform} commits (matched by {MATCHED_BY[platform]})")
        if not n["n_matched"]:
            continue
        if n["coverage_percent"] is None:  # every matched commit rejected
            figures.append(
                f"On {platform} the study's file gives none of them a change type, so none "
                "is compared."
            )
            continue
        sentence = f"On {platform} it labelled {n['coverage_percent']}% of them"
        if n["kappa"] is not None:
            sentence += (
                f", with Cohen's kappa {n['kappa']} and {n['accuracy_percent']}% agreement "
                "with the hand labels over those it labelled"
            )
        if n["gemini_kappa"] is not None:
            sentence += (
                f"; the study's Gemini labels reach kappa {n['gemini_kappa']} and "
                f"{n['gemini_accuracy_percent']}% on the same commits"
            )
        if n["n_rejected"]:
            sentence += f" ({n['n_rejected']} without a change type in the study's file left out)"
        figures.append(sentence + ".")
    return " ".join(
        [
            "Of the commits the original study labelled by hand, this run holds "
            + " and ".join(held)
            + ".",
            *figures,
            "Every disagreement is listed in `labels/validation_study_disagreements.csv`.",
        ]
    )


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _percent(value) -> float | None:
    return None if value is None or pd.isna(value) else round(100 * float(value), 1)


def _round3(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)
