"""Stage ``paper`` (rules/paper.smk): every number the paper quotes (``numbers.json``),
the run's metadata (``metadata.json``), and the rendered manuscript."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ptlmsync.comparison import dunn_against_published, study_numbers
from ptlmsync.demo import marker_of
from ptlmsync.label.checks import unlabelled_kind_numbers
from ptlmsync.numbers import (
    abstract_lead,
    comparison_text,
    crawl_numbers,
    excluded_numbers,
    findings_numbers,
    label_numbers,
    propagation_numbers,
    resolution_numbers,
    run_numbers,
    run_table,
    sensitivity_numbers,
    shared_contributor_numbers,
    topic_numbers,
    validation_numbers,
)
from ptlmsync.propagation import p_bonferroni_floor
from ptlmsync.snapshot import read_meta
from ptlmsync.study_files import STUDY_COMMIT
from ptlmsync.study_labels import study_label_numbers
from ptlmsync.sync import SyncParams
from ptlmsync.sync_checks import resolution_label
from ptlmsync.tables import SUMMARIES, RuleInputs, make_tables
from ptlmsync.vocab import STUDY_WINDOW_DAYS


def compile_numbers(*, inputs: dict, tables: list[str], numbers_out, metadata_out, run: dict):
    """``numbers.json`` (every scalar the paper quotes), the tables of ``compile_numbers``
    (the funnel, the comparison with the original study) and ``metadata.json`` (the
    run's source, marker and exactly the tables and figures it wrote).

    ``inputs`` are the rule's input files by name (optional ones absent or empty where
    the source has none: the crawl's files exist in live runs only, labels and drift
    where the data has raw commits); ``run`` holds the run's name, sync, label and topic
    configuration, the unavailable tables, the figure names and the settings of the
    reference codes.
    """
    tables_dir = Path(numbers_out).parent
    data = RuleInputs(inputs, run, tables_dir=tables_dir)
    snapshot = read_meta(inputs["meta"])
    numbers = run_numbers(snapshot, data.families, data.switches, tables_dir, run["unavailable"])
    numbers |= _configuration_numbers(run, tables_dir)
    numbers["reproduction"] = reproduction_text(run, snapshot)
    numbers |= _check_numbers(data, tables_dir)
    numbers |= _analysis_numbers(data, tables_dir)
    data.numbers = numbers
    made = make_tables("compile_numbers", data, tables)
    for name, (key, summarise) in SUMMARIES.items():
        if name in made:
            numbers[key] = summarise(made[name])
    numbers["findings"] = findings_numbers(tables_dir)
    numbers["abstract_lead"] = abstract_lead(numbers)
    numbers["study_commit"] = STUDY_COMMIT
    numbers["study_dunn"] = _study_dunn(data.paths.get("study_files"), tables_dir)
    numbers["study_extraction_date"] = (
        study_numbers().set_index("key").loc["dataset.extraction_date", "value"]
    )
    if {"comparison_with_study", "claims_with_study"} <= set(made):
        numbers["comparison_text"] = comparison_text(
            made["comparison_with_study"], made["claims_with_study"], bool(numbers.get("demo"))
        )
    Path(numbers_out).write_text(json.dumps(numbers, indent=2, default=float))
    written = [*inputs["tables"], *tables]
    metadata = {
        "run_name": run["name"],
        "source": snapshot["source"],
        "demo": bool(snapshot.get("demo")),
        "marker": marker_of(snapshot),
        "extraction_date": snapshot["extraction_date"],
        "tables": sorted(Path(p).stem for p in written),
        "figures": sorted(run["figures"]),
        "unavailable": list(run["unavailable"]),
    }
    Path(metadata_out).write_text(json.dumps(metadata, indent=2))
    return numbers


def _study_dunn(study_files, tables_dir: Path) -> dict:
    """On the study's published files (``study_files``: their folder, an input of
    replication runs only): this run's Dunn p-values between patterns against the matrix
    the study published; for other data only the sentence that says so."""
    published = Path(study_files or "") / "dunn_test_results.csv"
    run = tables_dir / "dunn_pattern.csv"
    if not study_files or not published.is_file() or not run.is_file():
        return {
            "text": "this run's data are not the study's files, so its p-values are not "
            "compared with the study's published matrix"
        }
    found = dunn_against_published(pd.read_csv(published), pd.read_csv(run))
    return found | {"text": study_dunn_text(found)}


def study_dunn_text(found: dict) -> str:
    """What the comparison with the study's Dunn matrix means for its lists of pairs."""
    n, equal = found["n_pairs"], found["n_equal"]
    if n and equal == n:
        return (
            f"this run's p-values equal the study's own published matrix in all {n} pairs, "
            "so where a list disagrees with them it disagrees with the study's own computation"
        )
    return f"this run's p-values equal the study's published matrix in {equal} of {n} pairs"


def _configuration_numbers(run: dict, tables_dir: Path) -> dict:
    """The run's name, what its data allows and its coding settings."""
    window = run["sync"]["window_days"]
    note = (
        "as in the original study"
        if window == STUDY_WINDOW_DAYS
        else f"the original study used {STUDY_WINDOW_DAYS}"
    )
    return {
        "run_name": run["name"],
        "labels_available": "change_types_by_platform" not in run["unavailable"],
        "commits_available": (tables_dir / "window_sensitivity.csv").exists(),
        "sync": {**run["sync"], "window_note": note},
    }


def workflow_version() -> str:
    """The package's version and, in a git checkout, the commit the run used ("+ local
    changes" where the tree differs from it)."""
    import subprocess
    from importlib.metadata import version

    text = f"ptlm-sync {version('ptlmsync')}"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):  # not a checkout: the version alone
        return text
    return f"{text} at commit {head}" + (" with local changes" if dirty else "")


def reproduction_text(run: dict, snapshot: dict) -> str:
    """What pins this run down beyond its configuration: the workflow's version and the
    seeds of the random draws it made (none for analyses its data do not allow)."""
    unavailable = set(run.get("unavailable") or [])
    seeds = [
        ("the demo generator's seed", snapshot.get("seed") if snapshot.get("demo") else None),
        (
            "the null model's seed",
            None if "propagation" in unavailable else run.get("propagation", {}).get("seed"),
        ),
        (
            "the topic models' seed",
            None if "topics" in unavailable else run.get("topics", {}).get("seed"),
        ),
    ]
    stated = [f"{name} {value}" for name, value in seeds if value is not None]
    return workflow_version() + (", with " + ", ".join(stated) if stated else "")


def _check_numbers(data: RuleInputs, tables_dir: Path) -> dict:
    """How far the codes and labels can be trusted: the validation against manual codes,
    the codes' robustness, the labels against gold and the study's hand labels."""
    run, paths = data.params, data.paths
    window = run["sync"]["window_days"]
    checks = {
        "sync_validation": validation_numbers(
            pd.read_csv(paths["validation"]) if paths.get("validation") else None,
            window,
            run["reference_window_days"],
            resolution_label(SyncParams.from_config(run["sync"])),
            run.get("reference_resolution"),
        ),
        "sensitivity": sensitivity_numbers(run_table(tables_dir, "window_sensitivity"), window),
        "resolution": resolution_numbers(run_table(tables_dir, "resolution_sensitivity")),
    }
    if paths.get("label_validation"):
        checks["labels"] = label_numbers(
            pd.read_csv(paths["label_validation"]), pd.read_csv(paths["label_usage"]), run["label"]
        )
    if paths.get("study_validation"):  # the study's hand labels; the Unlabelled commits' files
        kinds = paths.get("unlabelled_kinds")
        checks["study_labels"] = study_label_numbers(pd.read_csv(paths["study_validation"]))
        checks["unlabelled_kinds"] = unlabelled_kind_numbers(
            pd.read_csv(kinds, keep_default_na=False) if kinds else None
        )
    return checks


def _analysis_numbers(data: RuleInputs, tables_dir: Path) -> dict:
    """Topics, propagation (RQ4), the excluded families, shared contributors, the crawl."""
    run, paths = data.params, data.paths
    topics = run_table(tables_dir, "topics", run["unavailable"])
    analyses = {
        "topics": topic_numbers(run["topics"], topics),
        "rq4": propagation_numbers(*_rq4_tables(tables_dir, paths.get("drift"))),
        "excluded": excluded_numbers(pd.read_csv(tables_dir / "excluded_families.csv")),
        "shared_contributors": shared_contributor_numbers(data.contributors, len(data.families)),
        "propagation_max_days": run["propagation"]["max_days"],
        "propagation_null_draws": run["propagation"]["null_draws"],
        "propagation_p_floor": propagation_p_floor(
            run_table(tables_dir, "propagation", run["unavailable"]),
            run["propagation"]["null_draws"],
        ),
    }
    if paths.get("crawl_status"):
        analyses["crawl"] = crawl_numbers(
            pd.read_csv(paths["crawl_status"]), pd.read_csv(paths["crawl_rejected"])
        )
    return analyses


def propagation_p_floor(propagation: pd.DataFrame | None, draws: int) -> float | None:
    """The propagation table's smallest possible Bonferroni-adjusted p-value (None
    without a table)."""
    if propagation is None or propagation.empty:
        return None
    return round(p_bonferroni_floor(len(propagation), draws), 4)


def _rq4_tables(tables_dir: Path, drift) -> tuple[pd.DataFrame, ...]:
    """The propagation, automated-sync, drift and automated-versus-other tables; empty
    ones where the run has none (the study's published files)."""
    from ptlmsync.automation import COMPARISON_COLUMNS, FAMILY_COLUMNS
    from ptlmsync.propagation import DRIFT_COLUMNS, PROPAGATION_COLUMNS

    if drift is None:
        columns = (PROPAGATION_COLUMNS, FAMILY_COLUMNS, DRIFT_COLUMNS, COMPARISON_COLUMNS)
        return tuple(pd.DataFrame(columns=c) for c in columns)
    return (
        pd.read_csv(tables_dir / "propagation.csv"),
        pd.read_csv(tables_dir / "automated_sync.csv"),
        pd.read_csv(drift),
        pd.read_csv(tables_dir / "automated_vs_other.csv"),
    )


def render_paper(*, sources: list[str], numbers, figures: list[str], pdf, html, build, renderer):
    """Render the manuscript (Quarto where installed, else the pandoc + typst fallback)."""
    from ptlmsync.paper import render

    return render(
        Path(sources[0]).parent,
        Path(numbers).parent,
        Path(figures[0]).parent,
        build,
        pdf,
        html,
        renderer,
    )
