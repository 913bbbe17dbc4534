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
    "onnx": "ONNX Runtime (the same weights; vectors equal to PyTorch's to four decimals)",
    "onnx-int8": "ONNX Runtime with 8-bit weights, which change the vectors slightly "
    "(the README gives the measured topic agreement with PyTorch's)",
}


def topic_numbers(topics: dict, table: pd.DataFrame | None = None) -> dict:
    """The embedding model and runtime, and the topics' stability (``table``: the run's
    topics.csv, None where the run has none): how many topics, and how many of each
    group's largest (the paper's table), are stable (topics.csv's ``stable``: a matched
    share of at least ``stable_share`` under the extra seeds); the range of the groups'
    adjusted Rand index. Without a measurement the keys are None."""
    seeds = list(topics.get("stability_seeds") or [])
    measured = table is not None and "stability" in table and bool(table["stability"].notna().any())
    numbers = {
        "embedding_model": topics["embedding_model"],
        "runtime": EMBEDDING_RUNTIMES[topics["embedding_backend"]],
        "stability_seeds": ", ".join(str(s) for s in seeds),
        "stable_percent": round(100 * float(topics.get("stable_share", 0.75)), 1),
        "stability_measured": bool(seeds) and measured,
    }
    if not numbers["stability_measured"]:
        return numbers | dict.fromkeys(STABILITY_KEYS)
    found = table[(table["rank"] > 0) & table["stability"].notna()]
    stable = found["stable"].astype(str).str.lower() == "true"  # as topics.csv says
    largest = found["rank"] == 1
    ari = table.drop_duplicates(["platform", "change_type"])["group_seed_ari"].dropna()
    return numbers | {
        "n_topics": len(found),
        "n_stable": int(stable.sum()),
        "percent_stable": round(100 * float(stable.mean()), 1),
        "n_largest": int(largest.sum()),
        "n_largest_stable": int((stable & largest).sum()),
        "seed_ari_min": round(float(ari.min()), 2),
        "seed_ari_median": round(float(ari.median()), 2),
        "seed_ari_max": round(float(ari.max()), 2),
    }


#: topic_numbers' stability keys (None where the run measured no stability).
STABILITY_KEYS = (
    "n_topics",
    "n_stable",
    "percent_stable",
    "n_largest",
    "n_largest_stable",
    "seed_ari_min",
    "seed_ari_median",
    "seed_ari_max",
)


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
    validation: pd.DataFrame | None,
    window_days: int,
    reference_window_days: int,
    resolution: str | None = None,
    reference_resolution: str | None = None,
) -> dict:
    """Agreement of the coding with the reference codes. ``applies`` is false where the
    reference was coded at another window or another time resolution ("GH full, HF day")
    than this run: the kappa then measures the effect of the change, not the correctness
    of this run's coding. A reference resolution of None is unknown and not checked."""
    if validation is None:
        validation = pd.DataFrame({"measure": ["reference"], "value": [None], "manual": ["none"]})
    measures = validation.dropna(subset=["value"]).set_index("measure")["value"]
    n = int(measures.get("n_families", 0))
    reference = validation.loc[validation["measure"] == "reference", "manual"]
    same_resolution = reference_resolution is None or resolution == reference_resolution
    return {
        "reference": reference.iloc[0] if len(reference) else "none",
        "n_families": n,
        "kappa_lag": round(float(measures["kappa_lag"]), 3) if n else None,
        "kappa_code": round(float(measures["kappa_code"]), 3) if n else None,
        "n_disagreements": int((validation["measure"] == "disagreement").sum()),
        "reference_window_days": reference_window_days,
        "reference_setting": _setting(reference_window_days, reference_resolution),
        "setting": _setting(window_days, resolution),
        "applies": bool(n) and window_days == reference_window_days and same_resolution,
        **{
            key: int(measures[key])
            for key in ("n_sampled", "n_excluded", "n_pattern_name_disagreements")
            if key in measures
        },
    }


def _setting(window_days: int, resolution: str | None) -> str:
    """A coding setting in words: "a 14-day window (GH full, HF day)"."""
    return f"a {window_days}-day window" + (f" ({resolution} dates)" if resolution else "")


def resolution_numbers(table: pd.DataFrame | None) -> dict:
    """The largest change of the time-resolution robustness check (None without commits)."""
    if table is None or len(table) < 2:
        keys = ["configured", "max_percent_changed", "max_changed_setting"]
        more = ["max_lag_percent_changed", "max_switches_changed", "n_switches"]
        return dict.fromkeys([*keys, *more])
    others = table.iloc[1:]  # the first row is the configured resolution
    worst = others.sort_values("percent_pattern_changed", kind="stable").iloc[-1]
    return {
        "configured": table["resolution"].iloc[0],
        "max_percent_changed": float(worst["percent_pattern_changed"]),
        "max_changed_setting": worst["resolution"],
        "max_lag_percent_changed": float(others["percent_lag_changed"].max()),
        "max_switches_changed": int(others["n_switches_changed"].max())
        if "n_switches_changed" in others
        else None,
        "n_switches": int(table["n_switches"].iloc[0]) if "n_switches" in table else None,
    }


def propagation_numbers(
    propagation: pd.DataFrame,
    automated: pd.DataFrame,
    drift: pd.DataFrame,
    versus: pd.DataFrame,
) -> dict:
    """RQ4 in figures: propagated shares per direction against chance, the kinds that
    propagate beyond it, automated synchronisation (``n_negative_delay``: linked sync
    commits dated before the commit they name) and drift (kinds the Hub has held; the
    others as ``*_never_held``). ``files_available`` is False where no commit of
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
            "n_negative_delay": int(synced["n_negative_delay"].sum())
            if "n_negative_delay" in synced
            else 0,
            "n_tool_families": int((automated["n_automated_hf"] > 0).sum()),
        },
        "versus": {
            group.replace(" ", "_"): _group(versus[versus["group"] == group])
            for group in ("automated sync", "other")
        }
        | {"p": float(versus["p"].iloc[0]) if len(versus) else None},
        # what may be missing on the Hub: only kinds its repositories have held
        "drift": _drift(drift, held=True)
        | {f"{k}_never_held": v for k, v in _drift(drift, held=False).items()},
    }


def _drift(drift: pd.DataFrame, held: bool) -> dict:
    """Families with GH changes since their last HF commit, of kinds the Hub has
    (``held``) or has never held; the most common such kind, and all of them by the
    families that have them ("none" where there are none)."""
    ever = drift["hf_ever_held"].astype(bool) if "hf_ever_held" in drift else True
    rows = drift[ever == held] if len(drift) else drift
    counts = rows["kind"].value_counts()
    return {
        "n_families": int(rows["family"].nunique()),
        "top_kind": counts.idxmax() if len(rows) else None,
        "kinds": ", ".join(counts.index) or "none",
    }


def _group(rows: pd.DataFrame) -> dict:
    """One row of the automated-versus-other table (all None where the group is empty)."""
    row = rows.iloc[0] if len(rows) else {}
    return {
        "n_families": int(row["n_families"]) if len(rows) and "n_families" in row else None,
        "median_days": row.get("median_family_days") if len(rows) else None,
        "top_pattern": row.get("top_pattern") if len(rows) else None,
        "percent_top_pattern": row.get("percent_top_pattern") if len(rows) else None,
    }


def _direction(rows: pd.DataFrame) -> dict:
    """Changes and propagated changes of one direction, and the share chance alone would
    give (the null model's expected shares weighted by changes); the kinds propagated
    beyond chance (``beyond_chance``: Bonferroni over the table's rows) and the others;
    among the first (of at least ten changes), the one with the largest excess."""
    n, hit = int(rows["n_changes"].sum()), int(rows["n_propagated"].sum())
    beyond = rows["beyond_chance"].astype(bool) if len(rows) else rows["n_changes"] > 0
    weighted = (rows["expected_percent"] * rows["n_changes"]).sum(min_count=1)
    expected = weighted / n if n else None
    common = rows[beyond & (rows["n_changes"] >= 10)].sort_values("excess", kind="stable")
    top = common.iloc[-1] if len(common) else None
    return {
        "n_changes": n,
        "n_propagated": hit,
        "percent": round(100 * hit / n, 1) if n else None,
        "expected_percent": None if expected is None or pd.isna(expected) else round(expected, 1),
        "n_kinds": len(rows),
        "n_beyond_chance": int(beyond.sum()),
        "kinds_beyond_chance": ", ".join(sorted(rows.loc[beyond, "kind"])) or "none",
        "kinds_chance": ", ".join(sorted(rows.loc[~beyond, "kind"])) or "none",
        "top_kind": top["kind"] if top is not None else None,
        "top_percent": float(top["percent_propagated"]) if top is not None else None,
        "top_excess": float(top["excess"]) if top is not None else None,
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


def excluded_numbers(excluded: pd.DataFrame) -> dict:
    """The families left out of every analysis: how many, and per reason in words
    ("2 not_found, 1 no HF commits"; "none")."""
    counts = excluded["reason"].value_counts(sort=False).sort_index()
    text = ", ".join(f"{n} {reason}" for reason, n in counts.items()) or "none"
    return {
        "n": len(excluded),
        "text": text,
        "sentence": "no family" if excluded.empty else f"{len(excluded)} families ({text})",
    }


def shared_contributor_numbers(contributors: pd.DataFrame) -> dict:
    """Families whose shared contributors are known, and those where they cannot be (their
    GitHub logins are not all known): counted, never taken as "none"."""
    known = contributors["n_shared_authors"].notna()
    status = contributors.get("shared_status", pd.Series("available", contributors.index))
    reasons = status[~known].fillna("unavailable").str.removeprefix("unavailable: ")
    n_known, n_unavailable = int(known.sum()), int((~known).sum())
    why = "; ".join(f"{n} {reason}" for reason, n in reasons.value_counts().sort_index().items())
    return {
        "n_known": n_known,
        "n_unavailable": n_unavailable,
        "unavailable_text": why or "none",
        "text": f"they are known for all {n_known} families"
        if not n_unavailable
        else f"they are known for {n_known} families and unknown for {n_unavailable}, whose "
        f"authors' GitHub logins cannot all be known ({why}): those are left out of the "
        "figure and the tests, not counted as sharing none",
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
    left_out = numbers.get("excluded", {})
    if left_out.get("n"):
        rows.append((f"families left out: {left_out['text']}", left_out["n"]))
    rows += [
        ("models in the analysed families", numbers["n_models"]),
        ("analysed families (one GitHub repository each)", numbers["n_families"]),
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
        "published_files": bool(meta.get("published_files")),
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
        numbers["similarity"] = similarity_numbers(sim["jaccard"])
    kruskal = table("kruskal")
    if kruskal is not None:
        for unit, key in (("switch event", "kruskal"), ("family mean", "kruskal_per_family")):
            rows = kruskal[kruskal["unit"] == unit].to_dict("records")
            numbers[key] = {
                r["grouping"]: {k: r.get(k) for k in ("H", "dof", "p", "epsilon2")} for r in rows
            }
    chi2_age = table("chi2_change_types_by_age")
    if chi2_age is not None:
        by_group = {r["age_group"]: r for r in chi2_age.to_dict("records")}
        numbers["chi2_change_types_by_age"] = {  # every group, n/a where it has no test
            slug(g): {k: by_group.get(g, {}).get(k) for k in ("chi2", "p_bonferroni", "cramers_v")}
            for g in AGE_GROUPS
        }
    chi2_contrib = table("chi2_similarity_contributors")
    if chi2_contrib is not None and len(chi2_contrib):
        numbers |= contributor_test_numbers(chi2_contrib)
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


def similarity_numbers(jaccard: pd.Series) -> dict:
    """Mean and share above 0.3 over the families with a score; how many have none."""
    scores = jaccard.dropna()
    n_unscored = int(jaccard.isna().sum())
    return {
        "mean": round(float(scores.mean()), 3) if len(scores) else None,
        "percent_above_0_3": round(100 * float((scores > 0.3).mean()), 1) if len(scores) else None,
        "n_scored": len(scores),
        "n_unscored": n_unscored,
        "unscored_text": "every analysed family has labelled commits on both platforms"
        if not n_unscored
        else f"{n_unscored} families have no labelled commit on one platform: their "
        "similarity is undefined, and they are counted, not scored",
    }


#: numbers.json keys of the similarity x shared-contributors designs (stats.CONTRIBUTOR_DESIGNS).
CONTRIBUTOR_TEST_KEYS = {
    "study_computed": "chi2_similarity_contributors",
    "study_text": "chi2_similarity_contributors_text",
    "three_levels": "chi2_similarity_contributors_robustness",
}
ALPHA = 0.05


def significance(p) -> str:
    """ "significant" or "not significant" at :data:`ALPHA` (None where untested)."""
    if p is None or pd.isna(p):
        return "not testable"
    return "significant" if float(p) < ALPHA else "not significant"


def contributor_test_numbers(tests: pd.DataFrame) -> dict:
    """Each design's chi-square, dof, p, V and n, and whether it is significant."""
    out = {}
    for row in tests.to_dict("records"):
        key = CONTRIBUTOR_TEST_KEYS[row["design"]]
        out[key] = {k: row[k] for k in ("chi2", "p", "cramers_v")}
        out[key] |= {k: int(row[k]) for k in ("dof", "n")}
        out[key]["significance"] = significance(row["p"])
    return out


def _int_sum(df: pd.DataFrame, column: str):
    return int(df[column].sum()) if column in df and df[column].notna().any() else None


def _shares(table: pd.DataFrame, column: str) -> dict:
    return {
        slug(k): {"n": int(n), "percent": float(p)}
        for k, n, p in zip(table[column], table["n"], table["percent"], strict=True)
    }
