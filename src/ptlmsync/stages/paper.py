"""Stage ``paper`` (rules/paper.smk): every number the paper quotes (``numbers.json``),
the run's metadata (``metadata.json``), and the rendered manuscript."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ptlmsync.demo import marker_of
from ptlmsync.numbers import label_numbers, run_numbers, sensitivity_numbers, validation_numbers
from ptlmsync.snapshot import read_meta


def compile_numbers(
    *,
    tables: list[str],
    families,
    switches,
    meta,
    validation=None,
    sensitivity=None,
    label_validation=None,
    label_usage=None,
    numbers_out,
    metadata_out,
    sensitivity_out=None,
    run: dict,
) -> dict:
    """``numbers.json`` (every scalar the paper quotes) and ``metadata.json`` (the run's
    source, marker and exactly the tables and figures it wrote).

    ``run`` holds the run's name, sync and label configuration, the unavailable tables
    and the figure names; optional inputs are None where the source has none.
    """
    tables_dir = Path(numbers_out).parent
    snapshot = read_meta(meta)
    unavailable = list(run["unavailable"])
    coded, events = pd.read_csv(families), pd.read_csv(switches)
    window_table = pd.read_csv(sensitivity) if sensitivity else None
    if window_table is not None:
        window_table.to_csv(sensitivity_out, index=False)
    numbers = run_numbers(snapshot, coded, events, tables_dir, unavailable)
    numbers["run_name"] = run["name"]
    numbers["labels_available"] = "change_types_by_platform" not in unavailable
    numbers["commits_available"] = window_table is not None
    numbers["sync"] = dict(run["sync"])
    numbers["sync_validation"] = validation_numbers(pd.read_csv(validation) if validation else None)
    numbers["sensitivity"] = sensitivity_numbers(window_table, run["sync"]["window_days"])
    if label_validation:
        numbers["labels"] = label_numbers(
            pd.read_csv(label_validation), pd.read_csv(label_usage), run["label"]
        )
    Path(numbers_out).write_text(json.dumps(numbers, indent=2, default=float))
    written = [*tables, *([sensitivity_out] if window_table is not None else [])]
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
