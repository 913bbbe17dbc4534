"""Stage ``paper`` (rules/paper.smk): every number the paper quotes (``numbers.json``),
the run's metadata (``metadata.json``), and the rendered manuscript."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ptlmsync.comparison import compare_with_study, comparison_numbers
from ptlmsync.demo import marker_of
from ptlmsync.numbers import (
    crawl_numbers,
    excluded_numbers,
    funnel,
    label_numbers,
    propagation_numbers,
    resolution_numbers,
    run_numbers,
    sensitivity_numbers,
    shared_contributor_numbers,
    topic_numbers,
    validation_numbers,
)
from ptlmsync.snapshot import read_meta
from ptlmsync.sync import SyncParams
from ptlmsync.sync_checks import resolution_label
from ptlmsync.vocab import STUDY_WINDOW_DAYS


def compile_numbers(
    *,
    tables: list[str],
    families,
    switches,
    meta,
    validation=None,
    sensitivity=None,
    resolution=None,
    label_validation=None,
    label_usage=None,
    study_validation=None,
    unlabelled_kinds=None,
    crawl_status=None,
    crawl_rejected=None,
    drift=None,
    crawl_links=None,
    excluded,
    contributors,
    numbers_out,
    funnel_out,
    metadata_out,
    comparison_out,
    sensitivity_out=None,
    resolution_out=None,
    run: dict,
) -> dict:
    """``numbers.json`` (every scalar the paper quotes), the comparison with the original
    study, and ``metadata.json`` (the run's source, marker and exactly the tables and
    figures it wrote).

    ``run`` holds the run's name, sync and label configuration, the unavailable tables,
    the figure names and the window of the reference codes; optional inputs are None
    where the source has none (the robustness tables need raw commits; the crawl's
    statuses and rejected records exist in live runs only).
    """
    tables_dir = Path(numbers_out).parent
    snapshot = read_meta(meta)
    unavailable = list(run["unavailable"])
    window = run["sync"]["window_days"]
    robustness = _copy_tables([(sensitivity, sensitivity_out), (resolution, resolution_out)])
    numbers = run_numbers(
        snapshot, pd.read_csv(families), pd.read_csv(switches), tables_dir, unavailable
    )
    numbers["run_name"] = run["name"]
    numbers["labels_available"] = "change_types_by_platform" not in unavailable
    numbers["commits_available"] = sensitivity is not None
    numbers["sync"] = dict(run["sync"])
    numbers["sync"]["window_note"] = (
        "as in the original study"
        if window == STUDY_WINDOW_DAYS
        else f"the original study used {STUDY_WINDOW_DAYS}"
    )
    numbers["sync_validation"] = validation_numbers(
        pd.read_csv(validation) if validation else None,
        window,
        run["reference_window_days"],
        resolution_label(SyncParams.from_config(run["sync"])),
        run.get("reference_resolution"),
    )
    numbers["sensitivity"] = sensitivity_numbers(robustness.get(sensitivity_out), window)
    numbers["resolution"] = resolution_numbers(robustness.get(resolution_out))
    if label_validation:
        numbers["labels"] = label_numbers(
            pd.read_csv(label_validation), pd.read_csv(label_usage), run["label"]
        )
    if study_validation:  # the study's hand labels; what the Unlabelled commits' files say
        from ptlmsync.label_checks import unlabelled_kind_numbers
        from ptlmsync.study_labels import study_label_numbers

        numbers["study_labels"] = study_label_numbers(pd.read_csv(study_validation))
        numbers["unlabelled_kinds"] = unlabelled_kind_numbers(
            pd.read_csv(unlabelled_kinds, keep_default_na=False) if unlabelled_kinds else None
        )
    topics_csv = tables_dir / "topics.csv"
    numbers["topics"] = topic_numbers(
        run["topics"],
        pd.read_csv(topics_csv) if "topics" not in unavailable and topics_csv.exists() else None,
    )
    numbers["rq4"] = propagation_numbers(*_rq4_tables(tables_dir, drift))
    numbers["excluded"] = excluded_numbers(pd.read_csv(excluded))
    numbers["shared_contributors"] = shared_contributor_numbers(pd.read_csv(contributors))
    funnel(numbers, pd.read_csv(crawl_links) if crawl_links else None).to_csv(
        funnel_out, index=False
    )
    numbers["propagation_max_days"] = run["propagation_max_days"]
    numbers["propagation_null_draws"] = run["propagation_null_draws"]
    if crawl_status:
        numbers["crawl"] = crawl_numbers(pd.read_csv(crawl_status), pd.read_csv(crawl_rejected))
    comparison = compare_with_study(numbers, tables_dir)
    comparison.to_csv(comparison_out, index=False)
    numbers["comparison"] = comparison_numbers(comparison)
    Path(numbers_out).write_text(json.dumps(numbers, indent=2, default=float))
    written = [*tables, excluded, comparison_out, funnel_out, *robustness]
    metadata = {
        "run_name": run["name"],
        "source": snapshot["source"],
        "demo": bool(snapshot.get("demo")),
        "marker": marker_of(snapshot),
        "extraction_date": snapshot["extraction_date"],
        "tables": sorted(Path(p).stem for p in written),
        "figures": sorted(run["figures"]),
        "unavailable": unavailable,
    }
    Path(metadata_out).write_text(json.dumps(metadata, indent=2))
    return numbers


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


def _copy_tables(pairs: list[tuple]) -> dict[str, pd.DataFrame]:
    """Copy each (source, output) pair whose source exists; return the copies by output."""
    copied = {}
    for source, out in pairs:
        if source:
            copied[out] = pd.read_csv(source)
            copied[out].to_csv(out, index=False)
    return copied


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
