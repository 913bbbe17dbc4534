"""Every scalar the paper quotes, under stable keys (``numbers.json``): pure functions
over the statistics tables and the stage tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ptlmsync.crawl.records import count_actions
from ptlmsync.demo import marker_of
from ptlmsync.outputs import unavailable_analyses
from ptlmsync.vocab import AGE_GROUPS, slug


def _statistics_text(statistics_run, runs: int) -> str:
    if runs == 1:
        return "its labels"
    if statistics_run == "majority":
        return "the majority vote across runs, ties broken by run 1"
    return f"the labels of run {statistics_run}"


def label_numbers(validation: pd.DataFrame, usage: pd.DataFrame, label_config: dict) -> dict:
    def stat(measure, platform):
        v = validation[(validation["measure"] == measure) & (validation["platform"] == platform)]
        return round(float(v["value"].iloc[0]), 3) if len(v) else None

    backend = label_config.get("backend", "offline")
    model = (label_config.get(backend) or {}).get("model", "rule-based")
    if backend != "offline":
        model += f", {label_config.get('prompt', 'study')} prompt"
    statistics_run = label_config.get("statistics_run", "majority")
    return {
        "labeller": f"{backend} ({model})",
        "runs": int(label_config.get("runs", 1)),
        "runs_text": "one run"
        if int(label_config.get("runs", 1)) == 1
        else f"{int(label_config['runs'])} independent runs",
        "statistics": _statistics_text(statistics_run, int(label_config.get("runs", 1))),
        "gold": "the demo's known change types"
        if label_config.get("gold_is_demo")
        else label_config.get("gold_table") or "none",
        "kappa": {
            p: {
                "mean": stat("kappa_mean", p),
                "sd": stat("kappa_sd", p),
                "coverage_percent": round(100 * stat("coverage_mean", p), 1)
                if stat("coverage_mean", p) is not None
                else None,
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
        "remote": backend != "offline",
        **{
            column: int(usage[column].sum()) if column in usage else 0
            for column in (
                "requests",
                "client_retries",
                "invalid_answers",
                "prompt_tokens",
                "output_tokens",
                "cache_hits",
                "unlabelled",
            )
        },
    }


#: How the topics' embedding model runs (topics.embedding_backend), for the paper.
EMBEDDING_RUNTIMES = {
    "torch": "sentence-transformers on PyTorch (BERTopic's default)",
    "onnx": "ONNX Runtime (the same weights and vectors as on PyTorch)",
    "onnx-int8": "ONNX Runtime with 8-bit weights, which change the vectors slightly "
    "(the README gives the measured topic agreement with PyTorch's)",
}


def topic_numbers(topics: dict) -> dict:
    return {
        "embedding_model": topics["embedding_model"],
        "runtime": EMBEDDING_RUNTIMES[topics["embedding_backend"]],
    }


def sensitivity_numbers(summary: pd.DataFrame | None, window: int) -> dict:
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


def validation_numbers(
    validation: pd.DataFrame | None, window_days: int, reference_window_days: int
) -> dict:
    """Agreement of the coding with the reference codes. ``applies`` is false where the
    reference was coded at another window than this run: the kappa then measures the
    effect of the window change, not the correctness of this run's coding."""
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
        "reference_window_days": reference_window_days,
        "applies": bool(n) and window_days == reference_window_days,
    }


def resolution_numbers(table: pd.DataFrame | None) -> dict:
    """The largest change of the time-resolution robustness check (None without commits)."""
    if table is None or len(table) < 2:
        keys = ["configured", "max_percent_changed", "max_changed_setting"]
        return dict.fromkeys([*keys, "max_lag_percent_changed"])
    others = table.iloc[1:]  # the first row is the configured resolution
    worst = others.sort_values("percent_pattern_changed", kind="stable").iloc[-1]
    return {
        "configured": table["resolution"].iloc[0],
        "max_percent_changed": float(worst["percent_pattern_changed"]),
        "max_changed_setting": worst["resolution"],
        "max_lag_percent_changed": float(others["percent_lag_changed"].max()),
    }


def propagation_numbers(
    propagation: pd.DataFrame,
    automated: pd.DataFrame,
    drift: pd.DataFrame,
    versus: pd.DataFrame,
) -> dict:
    """RQ4 in figures: propagated shares per direction, the kind that propagates most,
    automated synchronisation and drift. ``files_available`` is False where no commit of
    the run lists its files (the propagation table is then empty)."""
    synced = automated[automated["n_sync_hf"] > 0]
    delays = synced["median_delay_days"].dropna()
    return {
        "files_available": not propagation.empty,
        "gh_to_hf": _direction(propagation[propagation["direction"] == "GH→HF"]),
        "hf_to_gh": _direction(propagation[propagation["direction"] == "HF→GH"]),
        "automated": {
            "n_families": len(synced),
            "n_sync_commits": int(synced["n_sync_hf"].sum()),
            "n_linked": int(synced["n_linked"].sum()),
            "median_delay_days": float(delays.median()) if len(delays) else None,
            "n_tool_families": int((automated["n_automated_hf"] > 0).sum()),
        },
        "versus": {
            group.replace(" ", "_"): _group(versus[versus["group"] == group])
            for group in ("automated sync", "other")
        }
        | {"p": float(versus["p"].iloc[0]) if len(versus) else None},
        "drift": {
            "n_families": int(drift["family"].nunique()),
            "top_kind": drift["kind"].value_counts().idxmax() if len(drift) else None,
        },
    }


def _group(rows: pd.DataFrame) -> dict:
    """One row of the automated-versus-other table (all None where the group is empty)."""
    row = rows.iloc[0] if len(rows) else {}
    return {
        "median_days": row.get("median_family_days") if len(rows) else None,
        "top_pattern": row.get("top_pattern") if len(rows) else None,
        "percent_top_pattern": row.get("percent_top_pattern") if len(rows) else None,
    }


def _direction(rows: pd.DataFrame) -> dict:
    """Changes and propagated changes of one direction; the kind (of at least ten
    changes) propagated most often."""
    n, hit = int(rows["n_changes"].sum()), int(rows["n_propagated"].sum())
    common = rows[rows["n_changes"] >= 10].sort_values("percent_propagated")
    top = common.iloc[-1] if len(common) else None
    return {
        "n_changes": n,
        "n_propagated": hit,
        "percent": round(100 * hit / n, 1) if n else None,
        "top_kind": top["kind"] if top is not None else None,
        "top_percent": float(top["percent_propagated"]) if top is not None else None,
        "top_median_days": float(top["median_days"]) if top is not None else None,
    }


def crawl_numbers(status: pd.DataFrame, rejected: pd.DataFrame) -> dict:
    """The live crawl in figures: statuses per platform, and the records dropped or
    repaired (``crawl/rejected.csv``; listing entries included)."""
    counts = status.groupby(["platform", "status"]).size()
    n_dropped, n_repaired = count_actions(rejected)
    return {
        "statuses": {
            platform: ", ".join(f"{n} {name}" for name, n in counts[platform].items())
            for platform in counts.index.get_level_values("platform").unique()
        },
        "n_targets": len(status),
        "n_ok": int((status["status"] == "ok").sum()),
        "n_dropped": n_dropped,
        "n_repaired": n_repaired,
    }


#: How the paper names each data source (abstract and introduction).
SOURCE_LABELS = {
    "demo": "synthetic demo data generated by the workflow",
    "replication": "the published intermediate files of the original study",
    "live": "a crawl of the Hugging Face Hub and GitHub",
    "snapshot": "a snapshot of both platforms supplied to the workflow",
}


def funnel(numbers: dict, links: pd.DataFrame | None) -> pd.DataFrame:
    """The data-collection funnel as far as this run knows it: from the models listed
    (live runs) to the families and their commits."""
    rows = []
    if links is not None:
        linked = links["decision"].isin(["linked", "manual"])
        rows += [
            ("NLP models listed with at least the minimum downloads", len(links)),
            ("models linked to a GitHub repository", int(linked.sum())),
        ]
    rows += [
        ("models in the analysed families", numbers["n_models"]),
        ("families (one GitHub repository each)", numbers["n_families"]),
    ]
    for platform in ("gh", "hf"):
        if numbers.get(f"n_{platform}_commits") is not None:
            rows.append((f"{platform.upper()} commits", numbers[f"n_{platform}_commits"]))
    return pd.DataFrame(rows, columns=["step", "n"])


def run_numbers(meta, families, switches, tables_dir: Path, unavailable: list[str]) -> dict:
    """Every scalar the paper quotes, under stable keys."""

    def table(name):
        path = tables_dir / f"{name}.csv"
        return pd.read_csv(path) if path.exists() and name not in unavailable else None

    pattern = table("pattern_distribution")
    top = pattern.sort_values("n", ascending=False).iloc[0]
    numbers = {
        "source": meta["source"],
        "source_label": SOURCE_LABELS.get(meta["source"], meta["source"]),
        "demo": bool(meta.get("demo")),
        "marker": marker_of(meta),
        "extraction_date": meta["extraction_date"],
        "unavailable": unavailable_analyses(unavailable),
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
        excluded = table("unlabelled_commits")
        numbers["n_labelled"] = int(ct["n"].sum())
        numbers["n_unlabelled_excluded"] = int(excluded["n_unlabelled"].sum())
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
        for unit, key in (("switch event", "kruskal"), ("family mean", "kruskal_per_family")):
            rows = kruskal[kruskal["unit"] == unit].to_dict("records")
            numbers[key] = {r["grouping"]: {k: r[k] for k in ("H", "dof", "p")} for r in rows}
    chi2_age = table("chi2_change_types_by_age")
    if chi2_age is not None:
        by_group = {r["age_group"]: r for r in chi2_age.to_dict("records")}
        numbers["chi2_change_types_by_age"] = {  # every group, n/a where it has no test
            slug(g): {k: by_group.get(g, {}).get(k) for k in ("chi2", "p_bonferroni", "cramers_v")}
            for g in AGE_GROUPS
        }
    chi2_contrib = table("chi2_similarity_contributors")
    if chi2_contrib is not None and len(chi2_contrib):
        tests = chi2_contrib.set_index("design")
        for design, key in (
            ("study_3x2", "chi2_similarity_contributors"),
            ("robustness_3x3", "chi2_similarity_contributors_robustness"),
        ):
            row = tests.loc[design]
            numbers[key] = {k: row[k] for k in ("chi2", "p", "cramers_v")}
            numbers[key] |= {k: int(row[k]) for k in ("dof", "n")}
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
        "n_families": len(phased),
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
