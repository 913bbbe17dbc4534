"""Stage entry points: read a stage's input files, call the pure functions, write outputs.

The scripts in ``workflow/scripts/`` call exactly one of these; tests call them directly.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ptlmsync import figures, stats, sync_checks
from ptlmsync.schemas import read_family_commits, read_models
from ptlmsync.sync import (
    SWITCH_COLUMNS,
    SyncParams,
    family_activity,
)
from ptlmsync.vocab import LAG_ORDER, PATTERN_ORDER, slug

log = logging.getLogger(__name__)


def read_meta(snapshot_json: str | Path) -> dict:
    return json.loads(Path(snapshot_json).read_text())


def marker_of(meta: dict) -> str:
    """The text stamped on every output made from demo data ("" for real data)."""
    return meta.get("marker") or ("SYNTHETIC DEMO DATA" if meta.get("demo") else "")


# --- aggregates ---------------------------------------------------------------------


def aggregate_sync(
    json_paths, family_list, models_csv, snapshot_json, families_out, switches_out
) -> pd.DataFrame:
    """Join the per-family codes with family metadata and maturity groups."""
    meta = read_meta(snapshot_json)
    records = [json.loads(Path(p).read_text()) for p in json_paths]
    rows = pd.DataFrame([r["family"] for r in records])
    listing = pd.read_csv(family_list)
    ages = stats.family_ages(read_models(models_csv), meta["extraction_date"])
    families = listing[["family", "github_repo"]].merge(rows, on="family", how="left")
    families["age_days"] = families["family"].map(ages).round(1)
    families["age_group"] = stats.age_groups(families["age_days"])
    families["release"] = families["n_models"].map(lambda n: "multiple" if n > 1 else "single")
    families.to_csv(families_out, index=False)
    switches = pd.DataFrame(
        [{"family": r["family"]["family"], **s} for r in records for s in r["switches"]],
        columns=["family", *SWITCH_COLUMNS],
    )
    switches.to_csv(switches_out, index=False)
    log.info("%d families, %d switch events", len(families), len(switches))
    return families


def compute_statistics(
    families_csv,
    switches_csv,
    label_paths,
    snapshot_json,
    tables_dir,
    sync_params: dict,
    validation_csv,
    sensitivity_csv,
) -> dict:
    """The aggregate tables of ``results/tables/`` and the scalars the paper quotes."""
    out = Path(tables_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = read_meta(snapshot_json)
    families = pd.read_csv(families_csv)
    switches = pd.read_csv(switches_csv)
    labels = stats.majority_labels(pd.concat([pd.read_parquet(p) for p in label_paths]))
    tables = {
        "change_types_by_platform": stats.change_types_by_platform(labels),
        "lag_distribution": stats.distribution(families["lag"], LAG_ORDER, "lag"),
        "pattern_distribution": stats.distribution(families["pattern"], PATTERN_ORDER, "pattern"),
        "lag_by_age": stats.crosstab(families, "lag", LAG_ORDER),
        "pattern_by_age": stats.crosstab(families, "pattern", PATTERN_ORDER),
    }
    sim = stats.similarity(labels, families["family"].tolist())
    tables["similarity"] = sim.assign(jaccard=sim["jaccard"].round(4))
    tables["similarity_histogram"] = stats.similarity_histogram(sim["jaccard"])
    groupings = {"lag": LAG_ORDER, "pattern": PATTERN_ORDER, "age_group": stats.AGE_GROUPS}
    for grouping, categories in groupings.items():
        name = f"switch_days_by_{'age' if grouping == 'age_group' else grouping}"
        tables[name] = stats.switch_days_by(switches, families, grouping, categories)
    tables["kruskal"] = pd.DataFrame([stats.kruskal(switches, families, g) for g in groupings])
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)
    numbers = _numbers(meta, families, switches, labels, sim, tables)
    numbers["sync"] = dict(sync_params)
    numbers["sync_validation"] = _validation_numbers(pd.read_csv(validation_csv))
    sensitivity = pd.read_csv(sensitivity_csv)
    sensitivity.to_csv(out / "window_sensitivity.csv", index=False)
    numbers["sensitivity"] = _sensitivity_numbers(sensitivity, sync_params["window_days"])
    (out / "numbers.json").write_text(json.dumps(numbers, indent=2, default=float))
    (out / "metadata.json").write_text(
        json.dumps(
            {
                "source": meta["source"],
                "demo": bool(meta.get("demo")),
                "marker": marker_of(meta),
                "extraction_date": meta["extraction_date"],
                "tables": sorted(tables),
            },
            indent=2,
        )
    )
    return numbers


def _sensitivity_numbers(summary: pd.DataFrame, window: int) -> dict:
    others = summary[summary["window_days"] != window]
    worst = others.sort_values("percent_pattern_changed").iloc[-1] if len(others) else None
    return {
        "windows": ", ".join(str(w) for w in summary["window_days"]),
        "max_percent_changed": float(worst["percent_pattern_changed"])
        if worst is not None
        else 0.0,
        "max_changed_window": int(worst["window_days"]) if worst is not None else window,
        "min_percent_changed": float(others["percent_pattern_changed"].min())
        if len(others)
        else 0.0,
    }


def _validation_numbers(validation: pd.DataFrame) -> dict:
    measures = validation.dropna(subset=["value"]).set_index("measure")["value"]
    n = int(measures.get("n_families", 0))
    reference = validation.loc[validation["measure"] == "reference", "manual"]
    return {
        "reference": reference.iloc[0] if len(reference) else "none",
        "n_families": n,
        "kappa_lag": round(float(measures["kappa_lag"]), 3) if n else None,
        "kappa_code": round(float(measures["kappa_code"]), 3) if n else None,
        "n_disagreements": int((validation["measure"] == "disagreement").sum()),
    }


def _numbers(meta, families, switches, labels, sim, tables) -> dict:
    """Every scalar the paper quotes, under stable keys."""
    lag = tables["lag_distribution"].set_index("lag")
    pattern = tables["pattern_distribution"].set_index("pattern")
    top = tables["pattern_distribution"].sort_values("n", ascending=False).iloc[0]
    ct = tables["change_types_by_platform"]
    top_type = {p: g.sort_values("n", ascending=False).iloc[0] for p, g in ct.groupby("platform")}
    return {
        "source": meta["source"],
        "demo": bool(meta.get("demo")),
        "marker": marker_of(meta),
        "extraction_date": meta["extraction_date"],
        "n_families": len(families),
        "n_models": int(families["n_models"].sum()),
        "n_gh_commits": int(families["n_gh_commits"].sum()),
        "n_hf_commits": int(families["n_hf_commits"].sum()),
        "n_switches": len(switches),
        "n_labelled": len(labels),
        "lag": {
            slug(k): {"n": int(v["n"]), "percent": float(v["percent"])} for k, v in lag.iterrows()
        },
        "pattern": {
            slug(k): {"n": int(v["n"]), "percent": float(v["percent"])}
            for k, v in pattern.iterrows()
        },
        "top_pattern": {
            "name": top["pattern"],
            "n": int(top["n"]),
            "percent": float(top["percent"]),
        },
        "top_change_type": {
            p: {"name": r["change_type"], "percent": float(r["percent"])}
            for p, r in top_type.items()
        },
        "similarity": {
            "mean": round(float(sim["jaccard"].mean()), 3) if len(sim) else None,
            "percent_above_0_3": round(100 * float((sim["jaccard"] > 0.3).mean()), 1)
            if len(sim)
            else None,
        },
        "switch_days": {
            "mean": round(float(switches["days"].mean()), 1) if len(switches) else None,
            "median": float(switches["days"].median()) if len(switches) else None,
        },
    }


def plot_figures(tables_dir, snapshot_json, figures_dir) -> None:
    tables, out = Path(tables_dir), Path(figures_dir)
    marker = marker_of(read_meta(snapshot_json))
    ct = pd.read_csv(tables / "change_types_by_platform.csv")
    figures.bar_chart(
        ct,
        "change_type",
        "percent",
        out / "change_types_by_platform.png",
        marker,
        hue="platform",
        ylabel="% of commits",
        horizontal=True,
    )
    figures.bar_chart(
        pd.read_csv(tables / "lag_distribution.csv"),
        "lag",
        "percent",
        out / "lag_distribution.png",
        marker,
    )
    figures.bar_chart(
        pd.read_csv(tables / "pattern_distribution.csv"),
        "pattern",
        "percent",
        out / "pattern_distribution.png",
        marker,
    )
    figures.bar_chart(
        pd.read_csv(tables / "pattern_by_age.csv"),
        "pattern",
        "percent_within_age",
        out / "pattern_by_age.png",
        marker,
        hue="age_group",
        ylabel="% of families in age group",
    )
    hist = pd.read_csv(tables / "similarity_histogram.csv")
    hist["bin"] = hist["bin_start"].map(lambda b: f"{b:.1f}–{b + 0.1:.1f}")
    figures.bar_chart(
        hist,
        "bin",
        "percent",
        out / "similarity_histogram.png",
        marker,
        xlabel="Jaccard similarity of change types (GH vs HF)",
    )


# --- checks of the coding -----------------------------------------------------------


def validate_sync(families_csv, manual_path, out_csv) -> pd.DataFrame:
    """Agreement of the coding with manually coded families (or the demo's designed codes)."""
    coded = pd.read_csv(families_csv)
    if manual_path is None:
        result = pd.DataFrame([{"measure": "n_families", "value": 0}])
        log.info("no manual coding supplied (config sync.validation_table); nothing compared")
    else:
        result = sync_checks.compare_with_manual(coded, _manual_codes(manual_path))
    reference = (
        "none"
        if manual_path is None
        else "the demo's designed codes"
        if str(manual_path).endswith("demo_truth.parquet")
        else f"manual codes in {Path(manual_path).name}"
    )
    result = pd.concat([pd.DataFrame([{"measure": "reference", "manual": reference}]), result])
    result.to_csv(out_csv, index=False)
    return result


def _manual_codes(path) -> pd.DataFrame:
    if str(path).endswith("demo_truth.parquet"):  # the demo's designed codes
        truth = pd.read_parquet(path).drop_duplicates("family")
        return truth.rename(columns={"design_lag": "lag", "design_code": "code"})[
            ["family", "lag", "code"]
        ]
    return sync_checks.read_manual_codes(path)


def read_family_dir(family_list, family_dir) -> dict[str, pd.DataFrame]:
    names = pd.read_csv(family_list)["family"]
    return {f: read_family_commits(Path(family_dir) / f"{f}.parquet") for f in names}


def analyse_window_sensitivity(
    family_list,
    family_dir,
    snapshot_json,
    summary_csv,
    patterns_csv,
    figure,
    params: dict,
    windows: list[int],
) -> None:
    sync_params = SyncParams.from_config(params)
    windows = sorted(set(windows) | {sync_params.window_days})
    codes = sync_checks.sensitivity(read_family_dir(family_list, family_dir), sync_params, windows)
    sync_checks.sensitivity_summary(codes, sync_params.window_days).to_csv(summary_csv, index=False)
    shares = codes.groupby("window_days")["pattern"].value_counts().rename("n").reset_index()
    shares["percent"] = (
        100 * shares["n"] / shares.groupby("window_days")["n"].transform("sum")
    ).round(2)
    shares.to_csv(patterns_csv, index=False)
    figures.bar_chart(
        shares.assign(window=shares["window_days"].astype(str) + " days"),
        "pattern",
        "percent",
        Path(figure),
        marker_of(read_meta(snapshot_json)),
        hue="window",
        xlabel="",
        ylabel="% of families",
    )


def plot_timelines(families_csv, family_dir, snapshot_json, out_dir, params: dict) -> None:
    """One timeline figure per family: ``<out_dir>/<family>.png``."""
    sync_params = SyncParams.from_config(params)
    marker = marker_of(read_meta(snapshot_json))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for row in pd.read_csv(families_csv).itertuples():
        commits = read_family_commits(Path(family_dir) / f"{row.family}.parquet")
        act = family_activity(commits, sync_params)
        title = f"{row.family}: {row.pattern} ({row.code}), {row.lag}"
        figures.timeline(
            set(act.gh),
            {k: set(v) for k, v in act.hf.items()},
            title,
            out / f"{row.family}.png",
            marker,
            sync_params.window_days,
        )
