"""The whole workflow on a small demo, in a fresh directory, as a user would run it."""

import json
import re
import subprocess

import pandas as pd
import pytest
from helpers import REPO, SHARED
from helpers.workflow import copy_run, copy_workflow, edit_config, planned_jobs, snakemake
from pypdf import PdfReader

pytestmark = pytest.mark.workflow

N_FAMILIES = 18  # the smallest demo with every pattern and lag design
BATCHES = 4
DEMO, REPLICATION = "results/demo", "results/replication"
TOPICS_LOG = f"{DEMO}/logs/stats/extract_topics.log"
EMBED_LOG = f"{DEMO}/logs/stats/embed_topic_texts.log"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("workflow")
    copy_workflow(work)
    # the demo's messages are templates: with its family names removed, a topic group
    # of 18 families has 2-12 distinct messages, so the run fits topics from 5 on (the
    # default, 15, is set for real data)
    topics = {"min_documents": 5}
    edit_config(
        work, {"demo": {"n_families": N_FAMILIES}, "family_batches": BATCHES, "topics": topics}
    )
    snakemake(work)
    return work


def test_paper_pdf_and_html_exist_and_say_demo(run):
    pdf = run / DEMO / "paper/paper.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text).replace("\u2019", "'")
    assert "SYNTHETIC DEMO DATA" in text
    numbers = json.loads((run / DEMO / "tables/numbers.json").read_text())
    n = numbers["n_families"]
    assert f"runs every analysis on {n} model families ({numbers['n_models']} HF models)" in text
    top = numbers["top_pattern"]
    assert f"{top['name']} ({top['n']} of {n} families" in text
    assert "{{<" not in text and "??" not in text
    # the figures the manuscript shows on this source (its conditional blocks applied)
    n_figures = (run / DEMO / "paper/build/index.md").read_text().count("](figures/")
    assert n_figures >= 4  # change types, similarity, timelines, the ECDF
    assert sum(len(p.images) for p in PdfReader(pdf).pages) == n_figures
    kappa = numbers["sync_validation"]
    assert f"the coding with {kappa['reference']} ({kappa['n_families']} families)" in text
    assert "SYNTHETIC DEMO DATA" in (run / DEMO / "paper/paper.html").read_text()


def test_the_demo_paper_is_marked_on_every_page_and_gives_no_advice(run):
    reader = PdfReader(run / DEMO / "paper/paper.pdf")
    assert reader.metadata.title.startswith("SYNTHETIC DEMO DATA: ")
    pages = [re.sub(r"\s+", " ", p.extract_text()).replace("\u2019", "'") for p in reader.pages]
    unmarked = [i for i, page in enumerate(pages, start=1) if "SYNTHETIC DEMO DATA" not in page]
    assert not unmarked, f"pages without the demo mark: {unmarked}"
    text = " ".join(pages)
    captions = re.findall(r"(?:Figure|Table) \d+: (.{30})", text)
    assert captions and all(c.startswith("SYNTHETIC DEMO DATA") for c in captions), captions
    # no file path in the prose or the captions; no p-value in scientific notation
    assert "results/" not in text and ".csv" not in text
    assert not re.search(r"\d(?:\.\d+)?e-\d", text)
    # no empty category in a table or figure (the lag "No data" never has a family)
    assert "No data" not in text
    # no advice to maintainers, no comparison with the study's findings; the labels'
    # kappa against the demo's designed types is called what it is
    assert "For model maintainers" not in text and "found no evidence" not in text
    assert "agreement by construction" in text


def test_the_demo_checks_the_study_hand_labels_without_their_files(run):
    validation = pd.read_csv(run / DEMO / "labels/validation_study.csv")
    assert validation["n_matched"].tolist() == [0, 0]  # fictional families: files not read
    pdf = run / DEMO / "paper/paper.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text).replace("\u2019", "'")
    assert "none of the study's hand-labelled commits are in this run." in text
    numbers = json.loads((run / DEMO / "tables/numbers.json").read_text())
    coverage = numbers["unlabelled_kinds"]["GH"]["coverage_percent"]
    # every demo commit is labelled: the paper says so once, without a sentence per platform
    assert coverage == 100.0 and "No commit stayed Unlabelled" in text
    assert "On GH the labeller labelled" not in text
    assert (run / DEMO / "labels/unlabelled_by_kind.csv").exists()


def test_tables_are_consistent(run):
    tables = run / DEMO / "tables"
    families = pd.read_csv(run / DEMO / "sync/family_codes.csv")
    assert len(families) == N_FAMILIES
    assert pd.read_csv(tables / "lag_distribution.csv")["n"].sum() == N_FAMILIES
    assert pd.read_csv(tables / "pattern_distribution.csv")["n"].sum() == N_FAMILIES
    assert pd.read_csv(tables / "pattern_by_maturity.csv")["n"].sum() == N_FAMILIES
    ct = pd.read_csv(tables / "change_types_by_platform.csv")
    assert ct.groupby("platform")["n"].sum().to_dict() == {
        "GH": families["n_gh_commits"].sum(),
        "HF": families["n_hf_commits"].sum(),
    }
    switches = pd.read_csv(run / DEMO / "sync/switches.csv")
    by_lag = pd.read_csv(tables / "switch_days_by_lag.csv")
    assert by_lag["n_switches"].sum() == len(switches) > 0
    assert set(families["maturity"]) == {"Recent", "Intermediate", "Matured"}
    meta = json.loads((tables / "metadata.json").read_text())
    assert meta["demo"] is True and meta["marker"] == "SYNTHETIC DEMO DATA"


def test_every_contract_table_and_figure_exists_and_is_not_empty(run):
    from ptlmsync.outputs import TABLES, figures_of

    for declared in TABLES:
        if declared.name == "excluded_families":  # the demo leaves no family out
            continue
        table = pd.read_csv(run / DEMO / "tables" / f"{declared.name}.csv")
        assert len(table) > 0, declared.name
    for name in figures_of("plot_figures"):
        for ext in ("png", "pdf"):
            assert (run / DEMO / "figures" / f"{name}.{ext}").stat().st_size > 1000, name


def test_the_snakemake_report_builds_without_warnings(run):
    out = snakemake(run, "--report", f"{DEMO}/report.html").output
    assert "WARNING" not in out and (run / DEMO / "report.html").stat().st_size > 10_000


def test_rerun_schedules_nothing(run):
    out = snakemake(run, "-n").output
    assert "Nothing to be done" in out


def test_moving_the_caches_reruns_nothing(run, tmp_path):
    # the cache location is not a parameter of any result
    assert "Nothing to be done" in snakemake(run, "-n", "--config", f"cache_dir={tmp_path}").output


def test_window_change_reruns_sync_stats_paper_only(run):
    out = snakemake(run, "-n", "--config", "sync={window_days: 7}").output
    jobs = planned_jobs(out)
    assert jobs["code_sync_batch"] == str(BATCHES)
    for rule in (
        "aggregate_sync",
        "tabulate_patterns",
        "tabulate_switches",
        "trace_propagation",
        "compile_numbers",
        "plot_figures",
        "plot_timeline_panel",
        "render_paper",
        "analyse_window_sensitivity",
        "analyse_resolution_sensitivity",
    ):
        assert jobs[rule] == "1"
    # the sensitivity windows, the automated commits and the label similarity do not
    # depend on window_days; the per-family timelines are made on request only
    for rule in (
        "collect_snapshot",
        "label_batch",
        "extract_topics",
        "validate_labels",
        "code_sync_window",
        "find_automated_commits",
        "score_similarity",
        "plot_family_timelines",
    ):
        assert rule not in jobs


def test_a_new_sensitivity_window_codes_that_window_only(run):
    windows = "sync={sensitivity_windows: [7, 14, 21, 28, 35]}"
    out = snakemake(run, "-n", "--config", windows).output
    jobs = planned_jobs(out)
    assert jobs["code_sync_window"] == jobs["analyse_window_sensitivity"] == "1"
    assert jobs["render_paper"] == "1"
    for rule in ("code_sync_batch", "aggregate_sync", "analyse_resolution_sensitivity"):
        assert rule not in jobs


def test_the_cost_plan_settings_rerun_nothing_of_the_default_run(run):
    prices = "label={plan: {input_price_per_million_tokens: 0.5, tokenizer: t.json}}"
    assert "Nothing to be done" in snakemake(run, "-n", "--config", prices).output


def test_the_embedding_backend_reruns_topics_and_paper_only(run):
    out = snakemake(run, "-n", "--config", "topics={embedding_backend: onnx-int8}").output
    jobs = planned_jobs(out)
    assert jobs["extract_topics"] == jobs["compile_numbers"] == jobs["render_paper"] == "1"
    for rule in ("label_text_shard", "label_batch", "code_sync_batch", "aggregate_sync"):
        assert rule not in jobs


def test_fewer_family_batches_resplit_the_families(run):
    # the batch files 0..1 exist already; they must still be rewritten for 2 batches
    out = snakemake(run, "-n", "--config", "family_batches=2").output
    jobs = planned_jobs(out)
    assert jobs["collect_snapshot"] == "1"
    assert jobs["label_batch"] == jobs["code_sync_batch"] == "2"


def test_labels_are_validated_and_counted(run):
    validation = pd.read_csv(run / DEMO / "labels/validation.csv")
    kappa = validation[validation["measure"] == "kappa_mean"].set_index("platform")["value"]
    assert set(kappa.index) == {"GH", "HF"} and (kappa > 0.5).all()
    coverage = validation[validation["measure"] == "coverage_mean"].set_index("platform")
    assert (coverage["value"] > 0.9).all()
    usage = pd.read_csv(run / DEMO / "labels/usage.csv")
    assert usage["requests"].sum() == 0  # the offline labeller asks no one
    unlabelled = pd.read_csv(run / DEMO / "tables/unlabelled_commits.csv")
    assert usage["unlabelled"].sum() == unlabelled["n_unlabelled"].sum()
    confusion = pd.read_csv(run / DEMO / "labels/confusion.csv")
    families = pd.read_csv(run / DEMO / "sync/family_codes.csv")
    total = families["n_gh_commits"].sum() + families["n_hf_commits"].sum()
    assert confusion["n"].sum() == total


def test_sync_outputs_per_family(run):
    families = pd.read_csv(run / DEMO / "sync/family_codes.csv")
    # one timeline per family on request only, without re-running anything else
    assert not (run / DEMO / "figures/timelines").exists()
    jobs = planned_jobs(snakemake(run, "plot_family_timelines").output)
    assert set(jobs) == {"plot_family_timelines", "total"}
    timelines = sorted(p.stem for p in (run / DEMO / "figures/timelines").glob("*.png"))
    assert timelines == sorted(families["family"])
    validation = pd.read_csv(run / DEMO / "sync/validation.csv").set_index("measure")
    assert validation.loc["kappa_code", "value"] == 1.0  # the demo's designed codes
    sensitivity = pd.read_csv(run / DEMO / "tables/window_sensitivity.csv")
    assert sensitivity["window_days"].tolist() == [7, 14, 21, 28]
    assert (sensitivity["n_families"] == N_FAMILIES).all()


def test_a_replaced_snapshot_table_reruns_the_collect_rule(run, tmp_path):
    import shutil

    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for name in ("models.csv", "hf_commits.parquet", "gh_commits.parquet"):
        shutil.copyfile(run / DEMO / "snapshot" / name, snapshot / name)
    (tmp_path / "work").mkdir()
    work = copy_workflow(tmp_path / "work")
    config = ("--config", "source=snapshot", f"snapshot_dir={snapshot}", "run_name=snapshot-test")
    target = "results/snapshot-test/snapshot/family_list.csv"
    snakemake(work, target, *config)  # --config takes every argument after it
    assert "Nothing to be done" in snakemake(work, "-n", target, *config).output
    models = pd.read_csv(snapshot / "models.csv")
    models.iloc[:-1].to_csv(snapshot / "models.csv", index=False)  # a model fewer
    out = snakemake(work, "-n", target, *config).output
    assert "collect_snapshot" in out and "Updated input files" in out


@pytest.fixture(scope="module")
def replication_run(run):
    """The replication run in the demo's work directory (after the demo run)."""
    package = SHARED / "data" / "replication"
    if not package.exists():
        pytest.skip("../shared/data/replication is absent (the study's published files)")
    snakemake(run, "--config", "source=replication", f"replication_dir={package}")
    return run


def test_replication_run_reanalyses_published_data(replication_run):
    tables = replication_run / REPLICATION / "tables"
    families = pd.read_csv(replication_run / REPLICATION / "sync/family_codes.csv")
    assert len(families) == 325
    assert pd.read_csv(tables / "lag_distribution.csv")["n"].sum() == 325
    meta = json.loads((tables / "metadata.json").read_text())
    assert meta["source"] == "replication" and not meta["demo"]
    assert "topics" in meta["unavailable"] and "topics" not in meta["tables"]
    pdf = replication_run / REPLICATION / "paper/paper.pdf"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "SYNTHETIC DEMO DATA" not in text
    assert not PdfReader(pdf).metadata.title.startswith("SYNTHETIC")
    assert not re.search(r"\d(?:\.\d+)?e-\d", text)  # p-values: "< 0.001", never 8.8e-186
    assert "ε² = " in text and "p < 0.001" in text
    assert "325 families" in text and "so the analyses that need them are not reported" in text
    assert "{{<" not in text
    # the coding validation reaches the replication paper
    assert "its files hold both codes (172 families analysed" in text.replace("\u2019", "'")
    assert "Original study vs this run" in text and "Ajibode" in text


def test_replication_reproduces_the_study_or_says_why_not(replication_run):
    tables = replication_run / REPLICATION / "tables"
    comparison = pd.read_csv(tables / "comparison_with_study.csv", keep_default_na=False)
    assert len(comparison) >= 30
    differing = comparison[~comparison["matches"].astype(bool)]
    assert not differing["note"].str.contains("no explanation recorded").any(), differing
    for key in ("lag_distribution.GH first", "pattern_distribution.Disperse"):
        assert bool(comparison.set_index("key").loc[key, "matches"])
    tests = pd.read_csv(tables / "chi2_similarity_contributors.csv").set_index("design")
    # the study's contributor test reproduced exactly (chi2 6.38, p 0.0412, V 0.140, n 325)
    computed = tests.loc["study_computed"]
    assert (computed["dof"], computed["n"]) == (2, 325)
    assert (round(computed["chi2"], 2), round(computed["p"], 4)) == (6.38, 0.0412)
    assert (tests.loc["study_text", "n"], tests.loc["three_levels", "dof"]) == (204, 4)
    # every difference from the study's published figures has a checked reason (the
    # histogram's floating-point bin edges, the maturity groups, the contributor medians
    # read off a plot, the similarity share printed rounded down)
    differing = comparison[comparison["status"] == "differs"]
    assert "similarity.percent_above_0.3" in set(differing["key"])
    assert not differing["note"].str.contains("no explanation recorded").any()
    assert (comparison["status"] != "not computable").sum() >= 80
    claims = pd.read_csv(tables / "claims_with_study.csv")
    assert len(claims) == 10 and set(claims["verdict"]) <= {
        "holds",
        "does not hold",
        "cannot be checked",
    }
    excluded = pd.read_csv(tables / "excluded_families.csv")
    assert len(excluded) == 13 and set(excluded["reason"]) == {"excluded by the study"}
    kruskal = pd.read_csv(tables / "kruskal.csv")
    assert set(kruskal["unit"]) == {"switch event", "family mean"}


def files_under(path):
    return {p.relative_to(path) for p in path.rglob("*") if p.is_file()}


def test_two_sources_in_one_work_directory_never_share_a_file(run, replication_run):
    assert sorted(p.name for p in (run / "results").iterdir()) == ["demo", "replication"]
    for stray in ("logs", "benchmarks", "report.html"):
        assert not (run / stray).exists(), stray  # every output lives under results/<run>/
    demo_files = files_under(run / DEMO)
    replication_files = files_under(run / REPLICATION)
    assert "paper/paper.pdf" in {str(p) for p in replication_files}
    assert not any("demo_truth" in str(p) for p in replication_files)
    for name, files in (("demo", demo_files), ("replication", replication_files)):
        meta = json.loads((run / "results" / name / "tables/metadata.json").read_text())
        tables = run / "results" / name / "tables"
        assert meta["run_name"] == name
        assert meta["tables"] == sorted(p.stem for p in tables.glob("*.csv"))
        figures = run / "results" / name / "figures"
        assert meta["figures"] == sorted(p.stem for p in figures.glob("*.png"))
        assert len(files) > 50
    meta = json.loads((run / REPLICATION / "tables/metadata.json").read_text())
    assert "window_sensitivity" not in meta["tables"] and meta["source"] == "replication"


@pytest.mark.parametrize("source", ["demo", "replication"])
def test_no_figure_has_overlapping_text_or_a_legend_over_data(run, source, request):
    if source == "demo":
        run_dir = run / DEMO
    else:
        run_dir = request.getfixturevalue("replication_run") / REPLICATION
    logs = " ".join(p.read_text() for p in (run_dir / "logs").rglob("*.log"))
    assert "plot_figures" in " ".join(str(p) for p in (run_dir / "logs").rglob("*.log"))
    assert " overlaps " not in logs and "covers data" not in logs


def paper_text(run_dir) -> str:
    """The rendered HTML paper as plain text."""
    import html

    page = (run_dir / "paper/paper.html").read_text()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


TEMPLATE_SLIPS = {
    "an unresolved shortcode": r"\{\{<",
    "an unresolved reference": r"\?@|@(?:fig|tbl)-",
    "a '(s)' plural": r"\w\(s\)",
    # years of this century (2,000-2,049); "1,000 draws" is a count, not a year
    "a thousands separator in a year": r"\b(?:19|20)\d\b,\d|\b2,0[0-4]\d\b",
    "a missing number": r"\bn/a\b|\bNone\b|\bnan\b",
}


@pytest.mark.parametrize("source", ["demo", "replication"])
def test_the_paper_reads_without_template_slips(run, source, request):
    run_dir = (
        run / DEMO if source == "demo" else request.getfixturevalue("replication_run") / REPLICATION
    )
    text = paper_text(run_dir)
    for slip, pattern in TEMPLATE_SLIPS.items():
        found = re.search(pattern, text)
        assert found is None, (
            f"{source}: {slip}: …{text[max(0, found.start() - 60) : found.end() + 40]}…"
        )
    numbered = re.findall(r"(Figure|Table) \d+:", text)
    assert "Figure" in numbered and "Table" in numbered  # HTML captions are numbered
    for section in (
        "Introduction",
        "Background and related work",
        "Study design",
        "Discussion",
        "Threats to validity",
        "Conclusion",
        "Data and code availability",
    ):
        assert section in text, f"{source}: no section {section!r}"
    if source == "replication":
        assert "re-analyses the published intermediate files of the original study" in text
        assert "Ajibode et al." in text and "Original study vs this run" in text


def test_after_make_clean_a_rerun_embeds_nothing(run, tmp_path):
    first = re.search(r": (\d+) embedded now", (run / EMBED_LOG).read_text())
    assert int(first.group(1)) > 0  # the first run embedded the messages, ahead of the fit
    assert "; 0 texts embedded" in (run / TOPICS_LOG).read_text()  # which found them cached
    # make clean deletes results/, which the other tests read: in a copy of the run
    work = copy_run(run, tmp_path / "run")
    subprocess.run(["make", "-f", str(REPO / "Makefile"), "clean"], cwd=work, check=True)
    assert not (work / "results").exists() and (work / "resources/cache/embeddings").is_dir()
    snakemake(work)
    assert ": 0 embedded now" in (work / EMBED_LOG).read_text()
    assert "; 0 texts embedded" in (work / TOPICS_LOG).read_text()
    assert (work / DEMO / "paper/paper.pdf").exists()
