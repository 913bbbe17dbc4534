"""Stage entry points: read a stage's input files, call the pure functions, write outputs.

The scripts in ``workflow/scripts/`` call exactly one of these; tests call them directly.
"""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path

import pandas as pd

from ptlmsync import figures, stats, sync_checks
from ptlmsync.contributors import CONTRIBUTOR_COLUMNS, contributor_row, shared_level
from ptlmsync.demo import DEMO_MARKER, is_demo_truth
from ptlmsync.schemas import TableError, read_batches, read_models
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
    return meta.get("marker") or (DEMO_MARKER if meta.get("demo") else "")


# --- aggregates ---------------------------------------------------------------------


def aggregate_sync(
    json_paths,
    family_list,
    models_csv,
    snapshot_json,
    families_out,
    switches_out,
    contributors_out,
) -> pd.DataFrame:
    """Join the per-family codes (JSON lists, one per batch) with family metadata and
    maturity groups."""
    meta = read_meta(snapshot_json)
    records = [r for p in json_paths for r in json.loads(Path(p).read_text())]
    # n_models counts the family's models in models.csv, with or without commits
    rows = pd.DataFrame([r["family"] for r in records]).drop(columns="n_models")
    listing = pd.read_csv(family_list)
    ages = stats.family_ages(read_models(models_csv), meta["extraction_date"])
    families = listing[["family", "github_repo", "n_models"]].merge(rows, on="family", how="left")
    families["age_days"] = families["family"].map(ages).round(1)
    families["age_group"] = stats.age_groups(families["age_days"])
    families["release"] = families["n_models"].map(lambda n: "multiple" if n > 1 else "single")
    families.to_csv(families_out, index=False)
    switches = pd.DataFrame(
        [{"family": r["family"]["family"], **s} for r in records for s in r["switches"]],
        columns=["family", *SWITCH_COLUMNS],
    )
    switches.to_csv(switches_out, index=False)
    contributors = pd.DataFrame(
        [contributor_row(r["family"]["family"], r["contributors"]) for r in records],
        columns=CONTRIBUTOR_COLUMNS,
    )
    contributors.to_csv(contributors_out, index=False)
    log.info("%d families, %d switch events", len(families), len(switches))
    return families


#: The tables each statistics rule writes to ``results/tables/`` (names are an interface).
TABLES: dict[str, list[str]] = {
    "change_types": [
        "change_types_by_platform",
        "change_types_by_age",
        "chi2_change_types_by_age",
        "pattern_change_types_gh",
        "pattern_change_types_hf",
        "chi2_pattern_platform",
    ],
    "similarity": [
        "similarity",
        "similarity_histogram",
        "similarity_by_age",
        "similarity_by_contributors",
        "chi2_similarity_contributors",
    ],
    "patterns": [
        "lag_distribution",
        "lag_by_age",
        "pattern_distribution",
        "pattern_by_age",
        "pattern_by_release",
        "contributors_by_pattern",
        "spearman_contributors",
    ],
    "switches": [
        "switch_days_by_lag",
        "switch_days_by_pattern",
        "switch_days_by_age",
        "kruskal",
        "dunn_lag",
        "dunn_pattern",
        "dunn_age",
    ],
    "topics": ["topics"],
}
SWITCH_GROUPINGS = {"lag": LAG_ORDER, "pattern": PATTERN_ORDER, "age": stats.AGE_GROUPS}


def _write(tables: dict[str, pd.DataFrame], out_dir) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)


def read_labels(label_paths, statistics_run="majority") -> pd.DataFrame:
    """One label per commit from the per-family label files: the majority across runs
    (ties broken by run 1), or the labels of run ``statistics_run``."""
    labels = pd.concat([pd.read_parquet(p) for p in label_paths])
    if statistics_run == "majority":
        return stats.majority_labels(labels)
    chosen = labels[labels["run"] == int(statistics_run)]
    if chosen.empty and len(labels):
        raise ValueError(
            f"config key 'label.statistics_run': run {statistics_run} was not "
            f"labelled (runs: {sorted(labels['run'].unique())})"
        )
    return chosen.drop(columns=["run"]).reset_index(drop=True)


def score_similarity(label_paths, families_csv, out_csv, statistics_run="majority") -> None:
    families = pd.read_csv(families_csv)
    sim = stats.similarity(read_labels(label_paths, statistics_run), families["family"].tolist())
    sim.assign(jaccard=sim["jaccard"].round(4)).to_csv(out_csv, index=False)


def tabulate_change_types(label_paths, families_csv, tables_dir, statistics_run="majority") -> None:
    labels = read_labels(label_paths, statistics_run)
    families = pd.read_csv(families_csv)
    by_age = stats.change_types_by_age(labels, families)
    _write(
        {
            "change_types_by_platform": stats.change_types_by_platform(labels),
            "change_types_by_age": by_age,
            "chi2_change_types_by_age": stats.chi2_change_types_by_age(by_age),
            "pattern_change_types_gh": stats.pattern_change_types_gh(labels, families),
            "pattern_change_types_hf": stats.pattern_change_types_hf(labels, families),
            "chi2_pattern_platform": stats.chi2_pattern_platform(labels, families),
        },
        tables_dir,
    )


def tabulate_similarity(similarity_csv, families_csv, contributors_csv, tables_dir) -> None:
    sim = pd.read_csv(similarity_csv)
    families = pd.read_csv(families_csv).set_index("family")
    contributors = pd.read_csv(contributors_csv).set_index("family")
    shared = contributors["n_shared_authors"].map(shared_level)
    by_contrib = stats.similarity_by(sim, shared, "shared_contributors", stats.SHARED_LEVELS)
    table = by_contrib.pivot_table(
        index="similarity_level", columns="shared_contributors", values="n", fill_value=0
    )
    _write(
        {
            "similarity": sim,
            "similarity_histogram": stats.similarity_histogram(sim["jaccard"]),
            "similarity_by_age": stats.similarity_by(
                sim, families["age_group"], "age_group", stats.AGE_GROUPS
            ),
            "similarity_by_contributors": by_contrib,
            "chi2_similarity_contributors": pd.DataFrame([stats.chi2_test(table)]),
        },
        tables_dir,
    )


def tabulate_patterns(families_csv, contributors_csv, tables_dir) -> None:
    families = pd.read_csv(families_csv)
    contributors = pd.read_csv(contributors_csv)
    _write(
        {
            "lag_distribution": stats.distribution(families["lag"], LAG_ORDER, "lag"),
            "lag_by_age": stats.crosstab(families, "lag", LAG_ORDER),
            "pattern_distribution": stats.distribution(
                families["pattern"], PATTERN_ORDER, "pattern"
            ),
            "pattern_by_age": stats.crosstab(families, "pattern", PATTERN_ORDER),
            "pattern_by_release": stats.pattern_by_release(families, PATTERN_ORDER),
            "contributors_by_pattern": stats.contributors_by_pattern(families, contributors),
            "spearman_contributors": stats.spearman_contributors(families, contributors),
        },
        tables_dir,
    )


def tabulate_switches(switches_csv, families_csv, tables_dir) -> None:
    switches = pd.read_csv(switches_csv)
    families = pd.read_csv(families_csv).rename(columns={"age_group": "age"})
    tables, tests = {}, []
    for grouping, categories in SWITCH_GROUPINGS.items():
        tables[f"switch_days_by_{grouping}"] = stats.switch_days_by(
            switches, families, grouping, categories
        )
        tests.append(stats.kruskal(switches, families, grouping))
        tables[f"dunn_{grouping}"] = stats.dunn(switches, families, grouping)
    tables["kruskal"] = pd.DataFrame(tests)
    _write(tables, tables_dir)


def extract_topics(
    label_paths, batch_paths, tables_dir, cache_dir, params: dict, statistics_run="majority"
) -> None:
    from ptlmsync import topics  # BERTopic and torch load only in this rule
    from ptlmsync.taxonomy import load_taxonomy

    labels = read_labels(label_paths, statistics_run)
    texts = pd.concat(
        [pd.read_parquet(p, columns=["platform", "key", "text"]) for p in batch_paths]
    )
    docs = labels.merge(texts, on=["platform", "key"]).rename(columns={"label": "change_type"})
    topic_params = topics.TopicParams(
        **{**params, "platform_words": tuple(params.get("platform_words", ()))}
    )
    cache = topics.EmbeddingCache(topic_params.embedding_model, cache_dir, topic_params.max_tokens)
    table = topics.topics_table(docs, topic_params, cache, load_taxonomy().names)
    cache.save()
    _write({"topics": table}, tables_dir)
    log.info("topics: %d rows; %d texts embedded (the rest cached)", len(table), cache.n_embedded)


def collect_numbers(
    tables_dir,
    families_csv,
    switches_csv,
    snapshot_json,
    validation_csv,
    sensitivity_csv,
    sync_params: dict,
    unavailable: list[str],
    label_validation_csv=None,
    label_usage_csv=None,
    label_config: dict | None = None,
) -> dict:
    """``numbers.json`` (every scalar the paper quotes) and ``metadata.json``."""
    out = Path(tables_dir)
    meta = read_meta(snapshot_json)
    families, switches = pd.read_csv(families_csv), pd.read_csv(switches_csv)
    sensitivity = pd.read_csv(sensitivity_csv) if sensitivity_csv else None
    if sensitivity is not None:
        sensitivity.to_csv(out / "window_sensitivity.csv", index=False)
    numbers = _numbers(meta, families, switches, out, unavailable)
    numbers["labels_available"] = "change_types_by_platform" not in unavailable
    numbers["commits_available"] = sensitivity is not None
    numbers["sync"] = dict(sync_params)
    numbers["sync_validation"] = _validation_numbers(
        pd.read_csv(validation_csv) if validation_csv else None
    )
    numbers["sensitivity"] = _sensitivity_numbers(sensitivity, sync_params["window_days"])
    if label_validation_csv:
        numbers["labels"] = _label_numbers(
            pd.read_csv(label_validation_csv), pd.read_csv(label_usage_csv), label_config or {}
        )
    (out / "numbers.json").write_text(json.dumps(numbers, indent=2, default=float))
    metadata = {
        "source": meta["source"],
        "demo": bool(meta.get("demo")),
        "marker": marker_of(meta),
        "extraction_date": meta["extraction_date"],
        "tables": sorted(p.stem for p in out.glob("*.csv")),
        "unavailable": unavailable,
    }
    (out / "metadata.json").write_text(json.dumps(metadata, indent=2))
    return numbers


def _label_numbers(validation: pd.DataFrame, usage: pd.DataFrame, label_config: dict) -> dict:
    def stat(measure, platform):
        v = validation[(validation["measure"] == measure) & (validation["platform"] == platform)]
        return round(float(v["value"].iloc[0]), 3) if len(v) else None

    backend = label_config.get("backend", "offline")
    model = (label_config.get(backend) or {}).get("model", "keyword rules")
    statistics_run = label_config.get("statistics_run", "majority")
    return {
        "labeller": f"{backend} ({model})",
        "runs": int(label_config.get("runs", 1)),
        "statistics": "the majority vote across runs, ties broken by run 1"
        if statistics_run == "majority"
        else f"the labels of run {statistics_run}",
        "gold": "the demo's known change types"
        if label_config.get("gold_is_demo")
        else label_config.get("gold_table") or "none",
        "kappa": {
            p: {
                "mean": stat("kappa_mean", p),
                "sd": stat("kappa_sd", p),
                "n": int(
                    validation.loc[
                        (validation["measure"] == "n") & (validation["platform"] == p), "value"
                    ].max()
                )
                if ((validation["measure"] == "n") & (validation["platform"] == p)).any()
                else 0,
            }
            for p in ("GH", "HF")
        },
        "requests": int(usage["requests"].sum()),
        "cache_hits": int(usage["cache_hits"].sum()),
        "unlabelled": int(usage["unlabelled"].sum()),
    }


def _sensitivity_numbers(summary: pd.DataFrame | None, window: int) -> dict:
    if summary is None:
        return dict.fromkeys(
            ["windows", "max_percent_changed", "max_changed_window", "min_percent_changed"]
        )
    others = summary[summary["window_days"] != window]
    worst = others.sort_values("percent_pattern_changed").iloc[-1] if len(others) else None
    return {
        "windows": ", ".join(str(w) for w in summary["window_days"]),
        "max_percent_changed": float(worst["percent_pattern_changed"]) if len(others) else 0.0,
        "max_changed_window": int(worst["window_days"]) if len(others) else window,
        "min_percent_changed": float(others["percent_pattern_changed"].min())
        if len(others)
        else 0.0,
    }


def _validation_numbers(validation: pd.DataFrame | None) -> dict:
    if validation is None:
        validation = pd.DataFrame({"measure": ["reference"], "value": [None], "manual": ["none"]})
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


def _numbers(meta, families, switches, tables_dir: Path, unavailable: list[str]) -> dict:
    """Every scalar the paper quotes, under stable keys."""

    def table(name):
        path = tables_dir / f"{name}.csv"
        return pd.read_csv(path) if path.exists() and name not in unavailable else None

    pattern = table("pattern_distribution")
    top = pattern.sort_values("n", ascending=False).iloc[0]
    numbers = {
        "source": meta["source"],
        "demo": bool(meta.get("demo")),
        "marker": marker_of(meta),
        "extraction_date": meta["extraction_date"],
        "unavailable": ", ".join(unavailable) if unavailable else "none",
        "n_families": len(families),
        "n_models": int(families["n_models"].sum()),
        "n_gh_commits": _int_sum(families, "n_gh_commits"),
        "n_hf_commits": _int_sum(families, "n_hf_commits"),
        "n_switches": len(switches),
        "lag": _shares(table("lag_distribution"), "lag"),
        "pattern": _shares(pattern, "pattern"),
        "top_pattern": {
            "name": top["pattern"],
            "n": int(top["n"]),
            "percent": float(top["percent"]),
        },
        "switch_days": {
            "mean": round(float(switches["days"].mean()), 1) if len(switches) else None,
            "median": float(switches["days"].median()) if len(switches) else None,
        },
    }
    ct = table("change_types_by_platform")
    if ct is not None:
        numbers["n_labelled"] = int(ct["n"].sum())
        numbers["top_change_type"] = {
            platform: {"name": top_type["change_type"], "percent": float(top_type["percent"])}
            for platform, group in ct.groupby("platform")
            for top_type in [group.sort_values("n", ascending=False).iloc[0]]
        }
    sim = table("similarity")
    if sim is not None and len(sim):
        numbers["similarity"] = {
            "mean": round(float(sim["jaccard"].mean()), 3),
            "percent_above_0_3": round(100 * float((sim["jaccard"] > 0.3).mean()), 1),
        }
    kruskal = table("kruskal")
    if kruskal is not None:
        numbers["kruskal"] = {
            r["grouping"]: {"H": r["H"], "p": r["p"]} for r in kruskal.to_dict("records")
        }
    chi2_age = table("chi2_change_types_by_age")
    if chi2_age is not None:
        by_group = {r["age_group"]: r for r in chi2_age.to_dict("records")}
        numbers["chi2_change_types_by_age"] = {  # every group, n/a where it has no test
            slug(g): {k: by_group.get(g, {}).get(k) for k in ("chi2", "p_bonferroni", "cramers_v")}
            for g in stats.AGE_GROUPS
        }
    chi2_contrib = table("chi2_similarity_contributors")
    if chi2_contrib is not None and len(chi2_contrib):
        r = chi2_contrib.iloc[0]
        numbers["chi2_similarity_contributors"] = {k: r[k] for k in ("chi2", "p", "cramers_v")}
    spearman = table("spearman_contributors")
    if spearman is not None:
        numbers["spearman"] = {
            r["platform"]: {"rho": r["rho"], "p": r["p"]} for r in spearman.to_dict("records")
        }
    release = table("pattern_by_release")
    numbers["single_model_percent"] = round(
        float(release.loc[release["release"] == "single", "percent_of_all"].sum()), 1
    )
    phased = families.dropna(subset=["early_code", "late_code"])
    changed = int((phased["early_code"] != phased["late_code"]).sum())
    numbers["phases"] = {
        "n_changed": changed,
        "percent_changed": round(100 * changed / len(phased), 1) if len(phased) else None,
    }
    directions = switches.groupby(["source", "target"])["days"].agg(["size", "mean"])
    numbers["switch_direction"] = {
        f"{a.lower()}_to_{b.lower()}": {
            "n": int(directions.loc[(a, b), "size"]) if (a, b) in directions.index else 0,
            "mean_days": round(float(directions.loc[(a, b), "mean"]), 1)
            if (a, b) in directions.index
            else None,
        }
        for a, b in (("GH", "HF"), ("HF", "GH"))
    }
    return numbers


def _int_sum(df: pd.DataFrame, column: str):
    return int(df[column].sum()) if column in df and df[column].notna().any() else None


def _shares(table: pd.DataFrame, column: str) -> dict:
    return {
        slug(k): {"n": int(n), "percent": float(p)}
        for k, n, p in zip(table[column], table["n"], table["percent"], strict=True)
    }


#: Figures of ``results/figures/`` and the tables each needs (figures of analyses that
#: the data does not allow are skipped with their tables).
FIGURES: dict[str, list[str]] = {
    "change_types_by_platform": ["change_types_by_platform"],
    "change_types_by_age": ["change_types_by_age"],
    "pattern_change_types_gh": ["pattern_change_types_gh"],
    "pattern_change_types_hf": ["pattern_change_types_hf"],
    "similarity_histogram": ["similarity_histogram"],
    "similarity_by_age": ["similarity_by_age"],
    "similarity_by_contributors": ["similarity_by_contributors"],
    "lag_distribution": ["lag_distribution"],
    "lag_by_age": ["lag_by_age"],
    "pattern_distribution": ["pattern_distribution"],
    "pattern_by_age": ["pattern_by_age"],
    "pattern_by_release": ["pattern_by_release"],
    "contributors_by_pattern": ["contributors_by_pattern"],
    "switch_days": ["switch_days_by_lag", "switch_days_by_pattern", "switch_days_by_age"],
}


FAMILY_SHARE = "% of families"
AGE_SHARE = "% of families in age group"
#: Pattern x change type heat maps drawn from the table of the same name: (value, label).
HEATMAP_FIGURES: dict[str, tuple[str, str]] = {
    "pattern_change_types_gh": ("percent", "% of the pattern's GH commits"),
    "pattern_change_types_hf": ("median_percent", "median % of a model's HF commits"),
}
#: Bar charts drawn from the table of the same name: (x, y, hue, y-axis label).
BAR_FIGURES: dict[str, tuple[str, str, str | None, str]] = {
    "similarity_by_age": ("similarity_level", "percent_within_age", "age_group", AGE_SHARE),
    "similarity_by_contributors": (
        "similarity_level",
        "percent_within_shared_contributors",
        "shared_contributors",
        "% of families with these shared contributors",
    ),
    "lag_distribution": ("lag", "percent", None, FAMILY_SHARE),
    "lag_by_age": ("lag", "percent_within_age", "age_group", AGE_SHARE),
    "pattern_distribution": ("pattern", "percent", None, FAMILY_SHARE),
    "pattern_by_age": ("pattern", "percent_within_age", "age_group", AGE_SHARE),
    "pattern_by_release": ("pattern", "percent_of_all", "release", FAMILY_SHARE),
}


def available_figures(unavailable_tables: list[str]) -> list[str]:
    return [f for f, needs in FIGURES.items() if not set(needs) & set(unavailable_tables)]


def plot_figures(
    tables_dir, families_csv, contributors_csv, snapshot_json, figures_dir, names: list[str]
) -> None:
    """The figures ``names`` (keys of :data:`FIGURES`) from the tables."""
    tables, out = Path(tables_dir), Path(figures_dir)
    marker = marker_of(read_meta(snapshot_json))

    def t(name):
        return pd.read_csv(tables / f"{name}.csv")

    def fig(name):
        return out / f"{name}.png"

    plots = {
        "change_types_by_platform": lambda: figures.bar_chart(
            t("change_types_by_platform"),
            "change_type",
            "percent",
            fig("change_types_by_platform"),
            marker,
            hue="platform",
            ylabel="% of commits",
            horizontal=True,
        ),
        "change_types_by_age": lambda: figures.faceted_bars(
            t("change_types_by_age"),
            "change_type",
            "percent",
            "age_group",
            "platform",
            fig("change_types_by_age"),
            marker,
            ylabel="% of commits",
            horizontal=True,
        ),
        "similarity_histogram": lambda: _similarity_histogram(t, fig, marker),
        "contributors_by_pattern": lambda: _contributor_boxes(
            families_csv, contributors_csv, fig, marker
        ),
        "switch_days": lambda: _switch_days(t, fig, marker),
    }
    plots |= {name: partial(_bar_figure, name, t, fig, marker) for name in BAR_FIGURES}
    plots |= {name: partial(_heatmap_figure, name, t, fig, marker) for name in HEATMAP_FIGURES}
    for name in names:
        plots[name]()


def _bar_figure(name, t, fig, marker) -> None:
    x, y, hue, ylabel = BAR_FIGURES[name]
    figures.bar_chart(t(name), x, y, fig(name), marker, hue=hue, ylabel=ylabel)


def _heatmap_figure(name, t, fig, marker) -> None:
    value, label = HEATMAP_FIGURES[name]
    figures.heatmap(t(name), "pattern", "change_type", value, fig(name), marker, label)


def _similarity_histogram(t, fig, marker) -> None:
    hist = t("similarity_histogram")
    hist["bin"] = [
        f"{a:.1f}–{b:.1f}" for a, b in zip(hist["bin_start"], hist["bin_end"], strict=True)
    ]
    figures.bar_chart(
        hist,
        "bin",
        "percent",
        fig("similarity_histogram"),
        marker,
        xlabel="Jaccard similarity of change types (GH vs HF)",
    )


def _contributor_boxes(families_csv, contributors_csv, fig, marker) -> None:
    joined = pd.read_csv(families_csv)[["family", "pattern"]].merge(
        pd.read_csv(contributors_csv), on="family"
    )
    long = joined.melt(
        id_vars=["family", "pattern"],
        value_vars=["n_gh_authors", "n_hf_authors"],
        var_name="platform",
        value_name="contributors",
    )
    long["platform"] = long["platform"].map({"n_gh_authors": "GH", "n_hf_authors": "HF"})
    order = [p for p in PATTERN_ORDER if p in set(long["pattern"])]
    long["pattern"] = pd.Categorical(long["pattern"], order)
    figures.box_by_group(
        long,
        "pattern",
        "contributors",
        "platform",
        fig("contributors_by_pattern"),
        marker,
        "distinct contributors",
    )


def _switch_days(t, fig, marker) -> None:
    parts = [t(f"switch_days_by_{g}").assign(grouping=f"by {g}") for g in SWITCH_GROUPINGS]
    figures.faceted_bars(
        pd.concat(parts),
        "group",
        "mean_days",
        None,
        "grouping",
        fig("switch_days"),
        marker,
        ylabel="mean days to the other platform",
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
        if is_demo_truth(manual_path)
        else f"manual codes in {Path(manual_path).name}"
    )
    result = pd.concat([pd.DataFrame([{"measure": "reference", "manual": reference}]), result])
    result.to_csv(out_csv, index=False)
    return result


def _manual_codes(path) -> pd.DataFrame:
    if is_demo_truth(path):
        truth = pd.read_parquet(path).drop_duplicates("family")
        return truth.rename(columns={"design_lag": "lag", "design_code": "code"})[
            ["family", "lag", "code"]
        ]
    return sync_checks.read_manual_codes(path)


def analyse_window_sensitivity(
    family_list,
    batch_paths,
    snapshot_json,
    summary_csv,
    patterns_csv,
    figure,
    params: dict,
    windows: list[int],
) -> None:
    sync_params = SyncParams.from_config(params)
    windows = sorted(set(windows) | {sync_params.window_days})
    names = pd.read_csv(family_list)["family"]
    codes = sync_checks.sensitivity(read_batches(batch_paths, names), sync_params, windows)
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


def plot_timelines(families_csv, batch_paths, snapshot_json, out_dir, params: dict) -> None:
    """One timeline figure per family: ``<out_dir>/<family>.png``."""
    sync_params = SyncParams.from_config(params)
    marker = marker_of(read_meta(snapshot_json))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    listing = pd.read_csv(families_csv)
    commits_of = read_batches(batch_paths, listing["family"])
    for row in listing.itertuples():
        act = family_activity(commits_of[row.family], sync_params)
        title = f"{row.family}: {row.pattern} ({row.code}), {row.lag}"
        figures.timeline(
            set(act.gh),
            {k: set(v) for k, v in act.hf.items()},
            title,
            out / f"{row.family}.png",
            marker,
            sync_params.window_days,
        )


# --- labels -----------------------------------------------------------------------------


def read_gold(path) -> pd.DataFrame:
    """Gold labels (platform, key, label); the demo's known types; errors name file and line."""
    from ptlmsync.taxonomy import load_taxonomy

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


def validate_labels(
    label_paths, usage_paths, gold_path, validation_out, confusion_out, usage_out
) -> pd.DataFrame:
    """Per-run kappa per platform, its mean and spread, per-type precision and recall, the
    confusion matrix of the statistics labels, and the labeller's usage."""
    from ptlmsync.label_checks import agreement

    labels = pd.concat([pd.read_parquet(p) for p in label_paths], ignore_index=True)
    usage = pd.concat([pd.read_csv(p) for p in usage_paths], ignore_index=True)
    totals = usage.drop(columns=["family"]).groupby(["labeler", "model", "run"]).sum()
    totals.reset_index().assign(family="(all)").to_csv(usage_out, index=False)
    if gold_path is None:
        validation = pd.DataFrame(columns=["measure", "platform", "run", "change_type", "value"])
        confusion = pd.DataFrame(columns=["platform", "gold", "predicted", "n"])
    else:
        validation, confusion = agreement(labels, read_gold(gold_path))
    validation.to_csv(validation_out, index=False)
    confusion.to_csv(confusion_out, index=False)
    return validation
