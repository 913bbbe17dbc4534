"""Every scalar the paper quotes, under stable keys (``numbers.json``): pure functions
over the statistics tables and the stage tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ptlmsync.crawl.records import count_actions
from ptlmsync.demo import marker_of
from ptlmsync.outputs import unavailable_analyses
from ptlmsync.vocab import MATURITY_GROUPS, SOURCE_LABELS, Platform, slug


def _statistics_text(statistics_repeat, repeats: int) -> str:
    if repeats == 1:
        return "its labels"
    if statistics_repeat == "majority":
        return "the majority vote across repeats, ties broken by the first"
    return f"the labels of repeat {statistics_repeat}"


def label_numbers(validation: pd.DataFrame, usage: pd.DataFrame, label_config: dict) -> dict:
    def stat(measure, platform):
        v = validation[(validation["measure"] == measure) & (validation["platform"] == platform)]
        return round(float(v["value"].iloc[0]), 3) if len(v) else None

    from ptlmsync.label.options import LabelOptions

    options = LabelOptions.from_config(
        {k: v for k, v in label_config.items() if k != "gold_is_demo"}
    )
    model = options.backend_spec.get("model", "rule-based")
    if options.backend != "offline":
        model += f", {options.prompt} prompt"
    return {
        "labeller": f"{options.backend} ({model})",
        "repeats": options.repeats,
        "repeats_text": "one labelling"
        if options.repeats == 1
        else f"{options.repeats} independent labellings",
        "statistics": _statistics_text(options.statistics_repeat, options.repeats),
        "gold": "the demo's known change types"
        if label_config.get("gold_is_demo")
        else options.gold_table or "none",
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
            for p in (Platform.GH, Platform.HF)
        },
        "remote": options.backend != "offline",
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
        # groups (platform x change type) with at least one topic
        "n_groups_with_topic": 0
        if table is None
        else int(
            table.loc[table["rank"] > 0, ["platform", "change_type"]].drop_duplicates().shape[0]
        ),
        "n_groups": 0
        if table is None
        else int(table[["platform", "change_type"]].drop_duplicates().shape[0]),
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


def _percent(value: float) -> str:
    """A share as the paper prints every number (``paper.format_value``)."""
    from ptlmsync.paper import format_value

    return format_value(float(value))


def sensitivity_numbers(summary: pd.DataFrame | None, window: int) -> dict:
    if summary is None:
        return dict.fromkeys(
            ["windows", "text", "max_percent_changed", "max_changed_window", "min_percent_changed"]
        )
    others = summary[summary["window_days"] != window]
    worst = others.sort_values("percent_pattern_changed").iloc[-1] if len(others) else None
    numbers = {
        "windows": ", ".join(str(w) for w in summary["window_days"]),
        "max_percent_changed": float(worst["percent_pattern_changed"]) if len(others) else 0.0,
        "max_changed_window": int(worst["window_days"]) if len(others) else window,
        "min_percent_changed": float(others["percent_pattern_changed"].min())
        if len(others)
        else 0.0,
    }
    numbers["text"] = (
        f"between {_percent(numbers['min_percent_changed'])}% and "
        f"{_percent(numbers['max_percent_changed'])}% "
        f"of the families change pattern (most at {numbers['max_changed_window']} days)"
        if numbers["max_percent_changed"] > 0
        else "no family changes pattern at any of these lengths"
    )
    return numbers


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


def resolution_words(setting: str) -> str:
    """A resolution row's label in words: "GH full, HF day" -> "full timestamps on GH
    and dates to the day on HF"."""
    words = {"full": "full timestamps", "day": "dates to the day"}
    parts = dict(part.split() for part in setting.split(", "))
    if len(set(parts.values())) == 1:
        return f"{words[next(iter(parts.values()))]} on both platforms"
    return " and ".join(f"{words[r]} on {platform}" for platform, r in parts.items())


def resolution_numbers(table: pd.DataFrame | None) -> dict:
    """The largest change of the time-resolution robustness check (None without commits)."""
    if table is None or len(table) < 2:
        keys = ["configured", "configured_text", "text", "max_percent_changed"]
        more = ["max_changed_setting", "max_lag_percent_changed", "max_switches_changed"]
        return dict.fromkeys([*keys, *more, "n_switches"])
    others = table.iloc[1:]  # the first row is the configured resolution
    worst = others.sort_values("percent_pattern_changed", kind="stable").iloc[-1]
    pattern, lag = (
        float(worst["percent_pattern_changed"]),
        float(others["percent_lag_changed"].max()),
    )
    return {
        "configured": table["resolution"].iloc[0],
        "configured_text": resolution_words(table["resolution"].iloc[0]),
        "text": f"at most {_percent(pattern)}% of the families change pattern (with "
        f"{worst['resolution']}) and at most {_percent(lag)}% change lag"
        if pattern or lag
        else "no family changes pattern or lag",
        "max_percent_changed": pattern,
        "max_changed_setting": worst["resolution"],
        "max_lag_percent_changed": lag,
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
            "linked_text": _linked_text(
                int(synced["n_linked"].sum()), int(synced["n_sync_hf"].sum())
            ),
            "median_delay_days": float(delays.median()) if len(delays) else None,
            "n_negative_delay": int(synced["n_negative_delay"].sum())
            if "n_negative_delay" in synced
            else 0,
            "negative_delay_text": _negative_delay_text(
                int(synced["n_negative_delay"].sum()) if "n_negative_delay" in synced else 0
            ),
            "n_tool_families": int((automated["n_automated_hf"] > 0).sum()),
        },
        "versus": {
            group.replace(" ", "_"): _group(versus[versus["group"] == group])
            for group in ("automated sync", "other")
        }
        | {
            "p": float(versus["p"].iloc[0]) if len(versus) else None,
            "rank_biserial": float(versus["rank_biserial"].iloc[0])
            if len(versus) and "rank_biserial" in versus
            else None,
        },
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


def shared_contributor_numbers(contributors: pd.DataFrame, n_families: int) -> dict:
    """Families whose shared contributors are known, those where they cannot be (their
    GitHub logins are not all known) and those the contributor table lacks (of the
    ``n_families`` analysed): counted, never taken as "none"."""
    known = contributors["n_shared_authors"].notna()
    status = contributors.get("shared_status", pd.Series("available", contributors.index))
    reasons = status[~known].fillna("unavailable").str.removeprefix("unavailable: ")
    n_known, n_unavailable = int(known.sum()), int((~known).sum())
    n_absent = max(0, n_families - len(contributors))
    why = "; ".join(f"{n} {reason}" for reason, n in reasons.value_counts().sort_index().items())
    absent = (
        f"; {n_absent} of the {n_families} analysed families have no row in the contributor table"
        if n_absent
        else ""
    )
    text = f"they are known for {'' if n_unavailable or n_absent else 'all '}{n_known} families"
    if n_unavailable:
        text += (
            f" and unknown for {n_unavailable}, whose authors' GitHub logins cannot all be "
            f"known ({why}): those are left out of the figure and the tests, not counted as "
            "sharing none"
        )
    return {
        "n_known": n_known,
        "n_unavailable": n_unavailable,
        "n_absent": n_absent,
        "unavailable_text": why or "none",
        "text": text + absent,
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


def run_table(tables_dir: Path, name: str, unavailable=()) -> pd.DataFrame | None:
    """The run's table ``name``; None where the run wrote none (or an empty file), or
    where it is among the ``unavailable``."""
    path = Path(tables_dir) / f"{name}.csv"
    if name in unavailable or not path.exists():
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:  # a table without columns (e.g. no groups to test)
        return None


def run_numbers(meta, families, switches, tables_dir: Path, unavailable: list[str]) -> dict:
    """Every scalar of the run's data and statistics tables the paper quotes, under
    stable keys (``compile_numbers`` adds the checks and the configuration)."""

    def table(name):
        return run_table(tables_dir, name, unavailable)

    return {
        **_source_numbers(meta, unavailable),
        **_size_numbers(families, switches),
        **_code_numbers(table, switches),
        **_change_type_numbers(table),
        **_test_numbers(table),
        **_release_phase_direction_numbers(table, families, switches),
    }


def _source_numbers(meta: dict, unavailable: list[str]) -> dict:
    return {
        "source": meta["source"],
        "source_label": SOURCE_LABELS.get(meta["source"], meta["source"]),
        "demo": bool(meta.get("demo")),
        "published_files": bool(meta.get("published_files")),
        "marker": marker_of(meta),
        "extraction_date": meta["extraction_date"],
        "unavailable": unavailable_analyses(unavailable),
        # RQ4 needs the commits' files and messages: said where the question is asked
        "rq4_availability": " (not answered here: this run's data hold no commits)"
        if "propagation" in unavailable
        else "",
    }


def abstract_lead(numbers: dict) -> str:
    """The abstract's sentence on what the run analyses: a replication, or on demo data
    a self-test with its count of designed quantities that agree."""
    analysed = f"{numbers['n_families']:,} model families ({numbers['n_models']:,} HF models)"
    if not numbers.get("demo"):
        return (
            "Replicating the study of Ajibode, Bangash, Adams and Hassan (2025), we analyse "
            f"{analysed} from {numbers['source_label']}."
        )
    test = numbers.get("self_test") or {}
    agreed = (
        f"; of the {test['n']} quantities its generator designs, {test['n_agree']} agree "
        "with this run's measurements"
        if test.get("n")
        else ""
    )
    return (
        "This self-test of a workflow that replicates the study of Ajibode, Bangash, Adams "
        f"and Hassan (2025) runs every analysis on {analysed} the workflow generates{agreed}."
    )


def _size_numbers(families: pd.DataFrame, switches: pd.DataFrame) -> dict:
    return {
        "n_families": len(families),
        "n_models": int(families["n_models"].sum()),
        "n_gh_commits": _int_sum(families, "n_gh_commits"),
        "n_hf_commits": _int_sum(families, "n_hf_commits"),
        "n_switches": len(switches),
        "busiest_tenth": busiest_tenth(switches["family"]),
    }


def busiest_tenth(event_families: pd.Series) -> dict:
    """The tenth of the families with the most switch events (at least one family) and
    the share of all events they hold: how far per-event tests weigh a few families."""
    per_family = event_families.value_counts()
    if per_family.empty:
        return {"n_families": 0, "percent_events": None}
    k = max(1, round(len(per_family) / 10))
    return {
        "n_families": k,
        "percent_events": round(100 * float(per_family.iloc[:k].sum()) / len(event_families), 1),
    }


def _code_numbers(table, switches: pd.DataFrame) -> dict:
    """The shares of each lag and pattern, the most common pattern, the switch days."""
    pattern = table("pattern_distribution")
    top = pattern.sort_values("n", ascending=False).iloc[0]
    return {
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


def _change_type_numbers(table) -> dict:
    """The labelled and excluded commits and each platform's most common change type."""
    ct = table("change_types_by_platform")
    if ct is None:
        return {}
    n_unlabelled = int(table("unlabelled_commits")["n_unlabelled"].sum())
    return {
        "n_labelled": int(ct["n"].sum()),
        "n_unlabelled_excluded": n_unlabelled,
        "unlabelled_text": f"{n_unlabelled:,} commits stayed Unlabelled — no rule decided "
        "them, or the answers about them stayed invalid; they are counted with their "
        "reason, never given a default type, and excluded from every change-type statistic"
        if n_unlabelled
        else "No commit stayed Unlabelled",
        "unlabelled_clause": f"{n_unlabelled:,} commits stayed Unlabelled and are left out "
        "of the change-type statistics, so the shares describe the labelled commits"
        if n_unlabelled
        else "no commit stayed Unlabelled, so the shares describe every commit",
        "top_change_type": {
            platform: {"name": top_type["change_type"], "percent": float(top_type["percent"])}
            for platform, group in ct.groupby("platform")
            for top_type in [group.sort_values("n", ascending=False).iloc[0]]
        },
    }


def _test_numbers(table) -> dict:
    """Similarity, and the tests: Kruskal-Wallis, chi-square by maturity, the contributor
    test, Spearman."""
    numbers = {}
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
    chi2_age = table("chi2_change_types_by_maturity")
    if chi2_age is not None:
        by_group = {r["maturity"]: r for r in chi2_age.to_dict("records")}
        numbers["chi2_change_types_by_maturity"] = {  # every group, n/a where it has no test
            slug(g): {
                k: by_group.get(g, {}).get(k)
                for k in ("chi2", "dof", "p_bonferroni", "cramers_v", "n")
            }
            for g in MATURITY_GROUPS
        }
    chi2_contrib = table("chi2_similarity_contributors")
    if chi2_contrib is not None and len(chi2_contrib):
        numbers |= contributor_test_numbers(chi2_contrib)
    spearman = table("spearman_contributors")
    if spearman is not None:
        numbers["spearman"] = {
            r["platform"]: {"rho": r["rho"], "p": r["p"]} for r in spearman.to_dict("records")
        }
    return numbers


def _release_phase_direction_numbers(table, families, switches) -> dict:
    """Single-model families, families whose code changes between phases, and the switch
    events by direction."""
    release = table("pattern_by_release")
    phased = families.dropna(subset=["early_code", "late_code"])
    changed = int((phased["early_code"] != phased["late_code"]).sum())
    directions = switches.groupby(["source", "target"])["days"].agg(["size", "mean"])

    def direction(a: str, b: str) -> dict:
        found = (a, b) in directions.index
        return {
            "n": int(directions.loc[(a, b), "size"]) if found else 0,
            "mean_days": round(float(directions.loc[(a, b), "mean"]), 1) if found else None,
        }

    return {
        "single_model_percent": round(
            float(release.loc[release["release"] == "single", "percent_of_all"].sum()), 1
        ),
        "phases": {
            "n_families": len(phased),
            "n_changed": changed,
            "percent_changed": round(100 * changed / len(phased), 1) if len(phased) else None,
        },
        "switch_direction": {
            f"{a.lower()}_to_{b.lower()}": direction(a, b)
            for a, b in ((Platform.GH, Platform.HF), (Platform.HF, Platform.GH))
        },
    }


def _threshold_text(scores: pd.Series) -> str:
    """The share of scores above 0.3, and the share from 0.3 on (what a histogram whose
    bins hold their lower edge counts) where a score lies exactly at 0.3."""
    if not len(scores):
        return "no family has a score"
    above = round(100 * float((scores > 0.3).mean()), 1)
    at = int((scores == 0.3).sum())
    if not at:
        return f"{above}% of them lie above 0.3 (none exactly at 0.3)"
    from_ = round(100 * float((scores >= 0.3).mean()), 1)
    return (
        f"{above}% of them lie above 0.3 and {from_}% at 0.3 or above ({at} "
        f"{'family scores' if at == 1 else 'families score'} exactly 0.3; each histogram "
        "bar holds its lower edge)"
    )


def similarity_numbers(jaccard: pd.Series) -> dict:
    """Mean and share above 0.3 over the families with a score; how many have none."""
    scores = jaccard.dropna()
    n_unscored = int(jaccard.isna().sum())
    return {
        "mean": round(float(scores.mean()), 3) if len(scores) else None,
        "percent_above_0_3": round(100 * float((scores > 0.3).mean()), 1) if len(scores) else None,
        # the histogram's bins hold their lower edge: its bars from 0.3 on count this share
        "percent_from_0_3": round(100 * float((scores >= 0.3).mean()), 1) if len(scores) else None,
        "n_scored": len(scores),
        "n_unscored": n_unscored,
        "threshold_text": _threshold_text(scores),
        "unscored_text": "every analysed family has a score"
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


# --- sentences the paper states as conclusions: computed, never typed -------------------


def _and(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" ("none" for none)."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plain_reason(why: str) -> str:
    """Why a figure is not computable, without the run's table names."""
    import re

    needs = re.search(r"\(it needs (.+)\)$", why)
    if needs:
        return f"they need {needs.group(1)}"
    if "holds no commits" in why:
        return "the data hold no commits"
    if "extraction date" in why:
        return "the files carry no extraction date of their own"
    if re.search(r"has no labels\.", why):
        return "the data hold no commit labels"
    return why


def comparison_text(figures: pd.DataFrame, claims: pd.DataFrame, demo: bool) -> dict:
    """The comparison with the original study in sentences (``comparison_with_study`` and
    ``claims_with_study``): the abstract's, the kinds of figure that differ, the figures
    not computable with their reasons, and the claims by verdict."""
    from ptlmsync.comparison import (
        CANNOT,
        DIFFERS,
        DOES_NOT_HOLD,
        HOLDS,
        MATCHES,
        claim_label,
        figure_group,
    )

    compared = figures[figures["status"].isin([MATCHES, DIFFERS])]
    kinds = compared.assign(kind=compared["key"].map(figure_group))
    differing = [
        f"{kind} ({int((rows['status'] == DIFFERS).sum())} of {len(rows)})"
        for kind, rows in kinds.groupby("kind", sort=False)
        if (rows["status"] == DIFFERS).any()
    ]
    missing = figures[~figures["status"].isin([MATCHES, DIFFERS])]
    reasons = missing["note"].str.extract(r"not computable by this run: ([^;]+)")[0]
    by_reason: dict[str, list[str]] = {}
    for key, why in zip(missing["key"], reasons.fillna(""), strict=True):
        by_reason.setdefault(_plain_reason(why), []).append(figure_group(key))
    not_computable = "; ".join(
        _and([f"{g} ({groups.count(g)})" for g in dict.fromkeys(groups)]) + f": {reason}"
        for reason, groups in by_reason.items()
    )
    verdicts = {
        v: [claim_label(k) for k in claims.loc[claims["verdict"] == v, "key"]]
        for v in (HOLDS, DOES_NOT_HOLD, CANNOT)
    }
    n_diff, n_comp = int((figures["status"] == DIFFERS).sum()), len(compared)
    unexplained = int(
        figures.loc[figures["status"] == DIFFERS, "note"]
        .str.contains("no explanation recorded")
        .sum()
    )
    differs = figures["status"] == DIFFERS
    reproduced = int((differs & figures["reproduced_the_studys_way"].astype(bool)).sum())
    n_cannot = len(figures) - n_comp
    abstract = (
        "As the data are synthetic, no figure of this run is compared with the original study's."
        if demo
        else f"Of the original study's {len(figures)} published figures, {n_comp} can be "
        f"checked with this run's data: {n_comp - n_diff} are reproduced at the study's "
        f"printed precision, {reproduced} differ in a way its published files explain "
        f"(computed the study's way, they give its value) and {n_diff - reproduced} differ "
        "unexplained"
        + (f" ({unexplained} of them without any reason found)" if unexplained else "")
        + f"; {n_cannot} cannot be checked with these data."
        + (f" The differences concern {_and(differing)}." if differing else "")
        + f" Of its {len(claims)} qualitative claims, {len(verdicts[HOLDS])} hold, "
        f"{len(verdicts[DOES_NOT_HOLD])} do not"
        + (f" ({_and(verdicts[DOES_NOT_HOLD])})" if verdicts[DOES_NOT_HOLD] else "")
        + f" and {len(verdicts[CANNOT])} cannot be checked with these data. The study's "
        "figures and claims are transcribed from its paper."
    )
    return {
        "abstract": abstract,
        "differing": _and(differing),
        "not_computable": not_computable or "none",
        "claims_holding": _and(verdicts[HOLDS]),
        "claims_not_holding": _and(verdicts[DOES_NOT_HOLD]),
        "claims_not_checkable": _and(verdicts[CANNOT]),
        # each claim's verdict and the figures that decide it, by its key with "_" for "."
        "verdict": {
            k.replace(".", "_"): v for k, v in zip(claims["key"], claims["verdict"], strict=True)
        },
        "evidence": {
            k.replace(".", "_"): str(e)
            for k, e in zip(claims["key"], claims.get("evidence", [""] * len(claims)), strict=True)
        },
    }


#: How the paper names the switch groupings in a sentence.
GROUPING_WORDS = {"pattern": "patterns", "lag": "lags", "maturity": "maturity groups"}


def _p_stated(p) -> str:
    """ "p < 0.001" or "p = 0.0412", as the paper states p-values (``paper.p_stated``)."""
    from ptlmsync.paper import p_stated

    if p is None or pd.isna(p):
        return "no p-value"
    return p_stated(float(p))


def _significant(p) -> bool | None:
    return None if p is None or pd.isna(p) else bool(float(p) < ALPHA)


def findings_numbers(tables_dir: Path) -> dict:
    """The conclusions the paper draws, as sentences computed from the run's tables, so
    that contrary data give contrary sentences (each None where the run lacks the table)."""

    def table(name):
        return run_table(tables_dir, name)

    found: dict = {}
    chi2 = table("chi2_change_types_by_maturity")
    if chi2 is not None and len(chi2):
        differ = chi2.loc[chi2["p_bonferroni"] < ALPHA, "maturity"].tolist()
        same = chi2.loc[~(chi2["p_bonferroni"] < ALPHA), "maturity"].tolist()
        found["change_types_by_maturity"] = (
            "differs significantly between the platforms in every maturity group"
            if not same
            else "differs significantly between the platforms in no maturity group"
            if not differ
            else f"differs significantly between the platforms in the {_and(differ)} "
            f"group{'s' if len(differ) > 1 else ''}, not in the {_and(same)} "
            f"group{'s' if len(same) > 1 else ''}"
        )
    found |= _switch_findings(table)
    found |= _similarity_findings(table)
    found |= _figure_findings(table)
    return found


def _linked_text(n_linked: int, n_sync: int) -> str:
    """How many of the sync commits name a GH commit, as the subject of a sentence."""
    if n_sync and n_linked == n_sync:
        return f"All {n_sync:,} of these commits"
    return f"{n_linked:,} of these {n_sync:,} commits"


def _negative_delay_text(n: int) -> str:
    """The linked sync commits dated before the GH commit they name, in words."""
    if not n:
        return "no HF commit is dated before the GH commit it names"
    commits = (
        "HF commit is dated before the GH commit it names"
        if n == 1
        else ("HF commits are dated before the GH commit they name")
    )
    return (
        f"{n:,} {commits}, as author dates are set where a commit is written, not when it is pushed"
    )


def _direction_test_text(test: pd.DataFrame | None) -> str:
    """The per-family paired test of the two directions, as a clause (empty without one)."""
    if test is None or test.empty or pd.isna(test["p"].iloc[0]):
        return ""
    row = test.iloc[0]
    verdict = "significant" if _significant(row["p"]) else "not significant"
    return (
        f"; per family ({int(row['n_families'])} families with events both ways, their "
        f"median of mean days {row['median_gh_to_hf']:.1f} GH→HF against "
        f"{row['median_hf_to_gh']:.1f} HF→GH), the difference is {verdict} (Wilcoxon "
        f"signed-rank, {_p_stated(row['p'])}, rank-biserial r = {row['rank_biserial']:.3f}; "
        "r > 0 where GH→HF takes longer)"
    )


#: A mean at least this many times the median (or above a median of 0) is said to
#: describe the tail of the switch days rather than the typical event.
TAIL_RATIO = 1.5


def _tail_driven(mean: float, median: float) -> bool:
    return mean > 0 if median <= 0 else mean / median >= TAIL_RATIO


def _mean_against_median(mean: float, median: float) -> str:
    """How far the mean lies from the median, in words a reader can check."""
    if median <= 0 and mean <= 0:
        return "mean and median are both 0 days"
    said = (
        f"the mean, {mean:.1f} days, is {mean / median:.1f} times the median"
        if median > 0
        else f"the mean, {mean:.1f} days, lies above a median of 0"
    )
    if _tail_driven(mean, median):
        return said + ", so the means describe the tail more than the typical event"
    return said + ", so mean and median describe the events alike"


def _tail_consequence(mean: float, median: float) -> str:
    """What the mean against the median means for the study's group means."""
    if _tail_driven(mean, median):
        return (
            f"with a mean of {mean:.1f} days against a median of {median:.1f}, a group's mean "
            "tells how long its slowest events take more than how soon the other platform "
            "typically follows, and its median is the better summary"
        )
    return (
        f"with a mean of {mean:.1f} days against a median of {median:.1f}, means and medians "
        "tell the same story"
    )


def _top_by(rows: pd.DataFrame, group: str, category: str, value: str) -> list[str]:
    """Per group (in order of appearance), its category with the largest value; every
    category sharing that value is named ("A and B (tied) among ... (25.0% each)")."""
    out = []
    for g, part in rows.groupby(group, sort=False):
        part = part[part[value] > 0]
        if not len(part):
            continue
        largest = part[value].max()
        tops = part.loc[part[value] == largest, category].astype(str).tolist()
        if len(tops) == 1:
            out.append(f"{tops[0]} among {g} families ({largest:.1f}%)")
        else:
            out.append(f"{_and(tops)} (tied) among {g} families ({largest:.1f}% each)")
    return out


#: How the text names the families of one and of several models.
RELEASE_WORDS = {"single": "single-model", "multiple": "multi-model"}


def _figure_findings(table) -> dict:
    """What the figures of lags, patterns and contributors by group show, in words."""
    found: dict = {}
    lag_by_maturity = table("lag_by_maturity")
    if lag_by_maturity is not None and len(lag_by_maturity):
        gh = lag_by_maturity[lag_by_maturity["lag"] == "GH first"]
        found["lag_by_maturity"] = (
            "GH is active first in "
            + _and(
                [
                    f"{p:.1f}% of the {g}"
                    for g, p in zip(gh["maturity"], gh["percent_within_maturity"], strict=True)
                ]
            )
            + " families"
        )
    pattern_by_maturity = table("pattern_by_maturity")
    if pattern_by_maturity is not None and len(pattern_by_maturity):
        found["pattern_by_maturity"] = "the most common pattern is " + _and(
            _top_by(pattern_by_maturity, "maturity", "pattern", "percent_within_maturity")
        )
    release = table("pattern_by_release")
    if release is not None and len(release):
        # shares within each release group, as the maturity groups' are
        within = 100 * release["n"] / release.groupby("release")["n"].transform("sum")
        found["pattern_by_release"] = "the most common pattern is " + _and(
            _top_by(
                release.assign(
                    release=release["release"].map(RELEASE_WORDS), percent_within=within
                ),
                "release",
                "pattern",
                "percent_within",
            )
        )
    contributors = table("contributors_by_pattern")
    if contributors is not None and len(contributors):
        parts = []
        for platform, rows in contributors.dropna(subset=["median"]).groupby("platform"):
            low, top = rows["median"].min(), rows["median"].max()

            def holding(value, rows=rows):  # every pattern at that value: ties named
                return _and(rows.loc[rows["median"] == value, "pattern"].tolist())

            parts.append(
                f"on {platform} the median family has from {low:g} ({holding(low)}) "
                f"to {top:g} ({holding(top)}) contributors"
            )
        found["contributors"] = "; ".join(parts)
    return found


def _switch_findings(table) -> dict:
    found: dict = {}
    kruskal = table("kruskal")
    if kruskal is not None and len(kruskal):
        verdict = {
            (r["unit"], r["grouping"]): _significant(r["p"]) for r in kruskal.to_dict("records")
        }
        groupings = [g for g in GROUPING_WORDS if ("switch event", g) in verdict]

        def across(unit: str, significant: bool) -> list[str]:
            return [GROUPING_WORDS[g] for g in groupings if verdict.get((unit, g)) is significant]

        event_yes, event_no = across("switch event", True), across("switch event", False)
        found["switch_tests"] = (
            "per switch event, the days differ significantly across "
            + _and(event_yes)
            + (f" but not across {_and(event_no)}" if event_no else "")
            if event_yes
            else "per switch event, the days differ significantly across none of the groupings"
        )
        agree = [
            g for g in groupings if verdict[("switch event", g)] == verdict.get(("family mean", g))
        ]
        disagree = [g for g in groupings if g not in agree]
        only_events = [
            GROUPING_WORDS[g]
            for g in disagree
            if verdict[("switch event", g)] and not verdict.get(("family mean", g))
        ]
        n_families = kruskal.loc[kruskal["unit"] == "family mean", "n"].max()
        found["robustness"] = (
            "with one value per family the Kruskal–Wallis tests reach the same verdict for "
            "every grouping"
            if not disagree
            else "with one value per family the Kruskal–Wallis tests reach the same verdict "
            "for "
            + (_and([GROUPING_WORDS[g] for g in agree]) if agree else "no grouping")
            + " but not for "
            + _and([GROUPING_WORDS[g] for g in disagree])
            + (
                f"; the differences across {_and(only_events)} may rest on the many events "
                f"of a few families, or be too small to show over {n_families:,.0f} families"
                if only_events
                else ""
            )
        )
    by_lag = table("switch_days_by_lag")
    if by_lag is not None and (by_lag["n_switches"] > 0).any():
        ranked = by_lag[by_lag["n_switches"] > 0].sort_values("mean_days", ascending=False)
        found["lag_ranking"] = _and(
            [
                f"{g} ({d:.1f} days)"
                for g, d in zip(ranked["group"], ranked["mean_days"], strict=True)
            ]
        )
        found["slowest_lag"] = ranked["group"].iloc[0]
    dist = table("switch_days_distribution")
    if dist is not None and len(dist):
        rows = dist.set_index("sample")
        if {"GH→HF", "HF→GH"} <= set(rows.index):
            a, b = rows.loc["GH→HF"], rows.loc["HF→GH"]
            slower, faster = ("GH→HF", "HF→GH") if a["mean"] >= b["mean"] else ("HF→GH", "GH→HF")
            s, f = rows.loc[slower], rows.loc[faster]
            medians = "and in the median" if s["median"] > f["median"] else "but not in the median"
            found["direction"] = (
                f"{'HF' if slower == 'GH→HF' else 'GH'} takes longer to follow "
                f"{'GH' if slower == 'GH→HF' else 'HF'} than the other way round on average "
                f"({s['mean']:.1f} against {f['mean']:.1f} days) {medians} "
                f"({s['median']:.0f} against {f['median']:.0f} days)"
                + _direction_test_text(table("switch_direction_test"))
            )
        if "all events" in rows.index:
            every = rows.loc["all events"]
            found["tail_consequence"] = _tail_consequence(every["mean"], every["median"])
            found["tail"] = (
                f"{every['percent_same_day']:.1f}% of the switch events fall on the same day "
                f"and the median is {every['median']:.1f} days, while the longest tenth of the "
                f"events holds {every['percent_days_longest_tenth']:.1f}% of all their days: "
                + _mean_against_median(every["mean"], every["median"])
            )
    dunn = {
        unit: table(name)
        for unit, name in (("event", "dunn_pattern"), ("family", "dunn_pattern_per_family"))
    }
    counts = {}
    for unit, matrix in dunn.items():
        if matrix is None or matrix.empty:
            continue
        m = matrix.set_index("group")
        values = [
            m.iloc[i, j]
            for i in range(len(m))
            for j in range(i)
            if j < m.shape[1] and pd.notna(m.iloc[i, j])
        ]
        counts[unit] = (sum(v < ALPHA for v in values), len(values))
    if "event" in counts:
        k, n = counts["event"]
        text = f"{k} of the {n} pairs of patterns differ significantly per switch event"
        if "family" in counts:
            text += f", {counts['family'][0]} of {counts['family'][1]} per family mean"
        found["dunn_pattern"] = text
    else:
        found["dunn_pattern"] = "no two patterns have switch events to compare"
    return found


def _maturity_test_text(test) -> str:
    """The chi-square test of similarity level x maturity, as the clause that says
    whether the groups' differences exceed chance ("" where the run has no test)."""
    if test is None or not len(test) or pd.isna(test["p"].iloc[0]):
        return ""
    from ptlmsync.paper import format_value

    row = test.iloc[0]
    stated = (
        f"chi-square = {format_value(row['chi2'])}, dof {int(row['dof'])}, "
        f"{_p_stated(row['p'])}, Cramér's V = {format_value(row['cramers_v'], 'cramers_v')}"
    )
    if _significant(row["p"]):
        return f"; the similarity level depends significantly on maturity ({stated})"
    return (
        f", but the similarity level does not depend significantly on maturity ({stated}): "
        "the difference between the groups may be chance"
    )


def _similarity_findings(table) -> dict:
    found: dict = {}
    by_age = table("similarity_by_maturity")
    if by_age is not None and len(by_age):
        high = by_age[by_age["similarity_level"] == "high"]
        if len(high) and "percent_within_maturity" in high:
            ordered = high.sort_values("percent_within_maturity", ascending=False)
            top = ordered.iloc[0]
            tie = (
                len(ordered) > 1
                and ordered["percent_within_maturity"].iloc[1] == top["percent_within_maturity"]
            )
            found["similarity_peak"] = (
                "no maturity group has more families of high similarity than every other"
                if tie
                else f"high similarity is most common among {top['maturity']} families "
                f"({top['percent_within_maturity']:.1f}%)"
            ) + _maturity_test_text(table("chi2_similarity_maturity"))
    tests = table("chi2_similarity_contributors")
    if tests is not None and len(tests):
        verdicts = {r["design"]: _significant(r["p"]) for r in tests.to_dict("records")}
        study = verdicts.get("study_computed")
        others = [d for d in verdicts if d != "study_computed"]
        agree = all(verdicts[d] == study for d in others)
        words = {"study_text": "the design the text describes", "three_levels": "the 3 × 3 table"}
        found["contributor_designs"] = (
            "the robustness checks reach the same verdict"
            if agree
            else "the robustness checks do not all agree with it: "
            + _and(
                [
                    f"{words.get(d, d)} is {'significant' if verdicts[d] else 'not significant'}"
                    for d in others
                ]
            )
            + ", so the association depends on how the contributor groups are drawn"
        )
    spearman = table("spearman_contributors")
    if spearman is not None and len(spearman):
        parts = []
        for r in spearman.to_dict("records"):
            if pd.isna(r["rho"]):
                continue
            sign = "negative" if r["rho"] < 0 else "positive"
            sig = "significant" if _significant(r["p"]) else "not significant"
            parts.append((f"{sign} and {sig}", r["platform"]))
        if len(parts) == 2 and parts[0][0] == parts[1][0]:
            found["spearman"] = f"{parts[0][0]} on both platforms"
        else:
            found["spearman"] = _and([f"{w} on {p}" for w, p in parts]) if parts else "undefined"
    return found
