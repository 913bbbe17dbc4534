"""The paper's fallback renderer: shortcodes, cross-references and a real PDF."""

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptlmsync.paper import PaperError, format_value, render, resolve, variables

REPO = Path(__file__).resolve().parents[1]
NUMBERS = {
    "n_families": 12,
    "demo": True,
    "marker": "SYNTHETIC DEMO DATA",
    "source": "demo",
    "extraction_date": "2025-06-30",
    "lag": {"gh_first": {"percent": 41.67}},
    "missing": None,
}


def test_variables_are_formatted_for_print():
    v = variables(NUMBERS)
    assert v["n_families"] == "12" and v["lag"]["gh_first"]["percent"] == "41.7"
    assert v["missing"] == "n/a" and v["demo"] == "yes"
    assert format_value(1234567) == "1,234,567" and format_value(0.00123) == "0.00123"
    # effect sizes: three decimals, whatever their size
    assert (
        format_value(0.0156, "epsilon2") == "0.016" and format_value(0.008, "epsilon2") == "0.008"
    )
    assert (
        format_value(0.14, "cramers_v") == "0.140"
        and format_value(-1.0, "rank_biserial") == "-1.000"
    )
    # a year keeps its digits together ("from 2016 on", never "2,016")
    assert variables({"sync": {"min_year": 2016, "n": 2016}})["sync"] == {
        "min_year": "2016",
        "n": "2,016",
    }


def test_validation_paragraph_flags_exactly_one(tmp_path):
    from ptlmsync.paper import validation_flags

    cases = {
        "validation-applies": {"n_families": 181, "applies": True},
        "validation-other-window": {"n_families": 48, "applies": False},
        "validation-none": {"n_families": 0, "applies": False},
    }
    for expected, validation in cases.items():
        flags = validation_flags(validation)
        assert [k for k, v in flags.items() if v] == [expected]


def test_resolve_vars_includes_and_cross_references(tmp_path):
    (tmp_path / "_t.md").write_text("| a |\n|---|\n| 1 |\n")
    body = (
        "We have {{< var n_families >}} families ({{< var lag.gh_first.percent >}}%).\n"
        "See @fig-b, @fig-a and @tbl-x.\n"
        "![A](a.png){#fig-a width=50%}\n![B](b.png){#fig-b}\n"
        "{{< include _t.md >}}\n\n: X {#tbl-x}\n"
    )
    out = resolve(body, tmp_path, variables(NUMBERS))
    assert "We have 12 families (41.7%)." in out
    assert "See Figure 2, Figure 1 and Table 1." in out
    assert "| 1 |" in out and "{#" not in out and "{{<" not in out


def test_html_captions_are_numbered_and_references_link_to_them(tmp_path):
    (tmp_path / "_t.md").write_text("| a |\n|---|\n| 1 |\n")
    body = (
        "See @fig-b, @fig-a and @tbl-x.\n"
        "![A](a.png){#fig-a width=50%}\n![B](b.png){#fig-b}\n"
        "{{< include _t.md >}}\n\n: X {#tbl-x}\n"
    )
    out = resolve(body, tmp_path, variables(NUMBERS), html=True)
    assert "See [Figure 2](#fig-b), [Figure 1](#fig-a) and [Table 1](#tbl-x)." in out
    assert "![Figure 1: A](a.png){#fig-a width=50%}" in out
    assert "![Figure 2: B](b.png){#fig-b}" in out
    assert "[]{#tbl-x}\n\n: Table 1: X" in out


def test_unknown_variable_and_dangling_reference_fail_loudly(tmp_path):
    with pytest.raises(PaperError, match="nope"):
        resolve("{{< var nope >}}", tmp_path, {})
    with pytest.raises(PaperError, match="lag"):
        resolve("{{< var lag >}}", tmp_path, variables(NUMBERS))
    with pytest.raises(PaperError, match="fig-zzz"):
        resolve("See @fig-zzz.", tmp_path, {})


def test_fallback_renders_a_pdf_with_numbers_and_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paper, tables, figures = tmp_path / "paper", tmp_path / "tables", tmp_path / "figures"
    for d in (paper, tables, figures):
        d.mkdir()
    (paper / "index.qmd").write_text(
        "---\ntitle: Test paper\n---\n\n# Results\n\nThere are {{< var n_families >}} "
        "families (@fig-one).\n\n![One figure.](figures/one.png){#fig-one width=40%}\n"
    )
    plt.plot([0, 1], [0, 1])
    plt.savefig(figures / "one.png")
    plt.close()
    (tables / "numbers.json").write_text(json.dumps(NUMBERS))
    used = render(
        paper,
        tables,
        figures,
        tmp_path / "build",
        tmp_path / "p.pdf",
        tmp_path / "p.html",
        renderer="fallback",
        paper_tables={},
    )
    assert used.startswith("fallback")
    reader = PdfReader(tmp_path / "p.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "There are 12 families (Figure 1)" in text
    assert "SYNTHETIC DEMO DATA" in text
    assert sum(len(page.images) for page in reader.pages) == 1
    assert "There are 12 families" in (tmp_path / "p.html").read_text()
    # demo data: marked in the title (and the PDF's metadata), the captions and a
    # running header on every page
    assert reader.metadata.title.startswith("SYNTHETIC DEMO DATA: Test paper")
    assert all("SYNTHETIC DEMO DATA" in page.extract_text() for page in reader.pages)
    assert "SYNTHETIC DEMO DATA. One figure." in " ".join(text.split())


def test_p_values_print_below_0_001_as_such_and_never_in_scientific_notation():
    from ptlmsync.paper import substitute

    assert format_value(8.829e-186, "p") == "< 0.001" and format_value(7.23e-05, "p") == "< 0.001"
    assert format_value(0.04118870764, "p") == "0.0412" and format_value(0.7761, "p") == "0.776"
    assert format_value(0.00279, "p_bonferroni") == "0.00279"
    assert format_value(1.0, "p") == "1" and format_value(None, "p") == "n/a"
    assert format_value(0.00123) == "0.00123"  # not a p-value: as before
    numbers = variables({"k": {"p": 1e-30, "H": 250.27}, "s": {"p": 0.5}})
    text = substitute("H = {{< var k.H >}} (p = {{< var k.p >}}; p =\n{{< var s.p >}})", numbers)
    assert text == "H = 250.3 (p < 0.001; p =\n0.5)"


def test_table_cells_have_the_texts_precision(tmp_path):
    from ptlmsync.paper import markdown_table

    csv = tmp_path / "kruskal.csv"
    csv.write_text(
        "unit,grouping,H,dof,p,epsilon2,n\n"
        "switch event,pattern,883.3189,7,8.829e-186,0.5812,1516\n"
        "family mean,lag,12.3456,2,0.0412,0.0123,48\n"
    )
    table = markdown_table(csv, ["unit", "grouping", "H", "dof", "p", "epsilon2", "n"])
    assert "e-" not in table and "ε²" in table.splitlines()[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert rows[0][2:] == ["883.3", "7", "< 0.001", "0.581", "1,516"]  # separators as in the text
    assert rows[1][2:] == ["12.3", "2", "0.0412", "0.012", "48"]  # effect sizes: three decimals
    assert table.splitlines()[1].count(":|") + table.splitlines()[1].endswith(":|") >= 1


def test_kruskal_reports_epsilon_squared():
    import pandas as pd

    from ptlmsync import stats

    switches = pd.DataFrame({"family": ["f", "f", "g", "h", "h"], "days": [1, 3, 10, 20, 30]})
    fam = pd.DataFrame({"family": ["f", "g", "h"], "lag": ["A", "A", "B"]})
    k = stats.kruskal(switches, fam, "lag")
    # H = 3.0 (ranks A = {1,2,3}, B = {4,5}), k = 2 groups, n = 5 values:
    # epsilon² = H / (n - 1) = 3 / 4 (not eta²_H = (H - k + 1) / (n - k) = 2/3)
    assert k["H"] == pytest.approx(3.0) and k["epsilon2"] == pytest.approx(0.75)


def test_conditional_blocks_nest_as_in_quarto():
    from ptlmsync.paper import apply_conditions

    body = (
        'A\n\n::: {.content-visible when-meta="outer"}\nB\n\n'
        '::: {.content-hidden when-meta="demo"}\nC\n:::\n\nD\n:::\n\nE\n'
    )
    shown = apply_conditions(body, {"outer": True, "demo": True}).split()
    assert shown == ["A", "B", "D", "E"]
    assert apply_conditions(body, {"outer": True, "demo": False}).split() == list("ABCDE")
    assert apply_conditions(body, {"outer": False, "demo": False}).split() == ["A", "E"]


def test_a_wide_table_gets_the_column_widths_it_asks_for():
    from ptlmsync.paper import with_widths

    table = "| a | b |\n|:--|--:|\n| 1 | 2 |"
    assert with_widths(table, [6, 4]).splitlines()[1] == "|:-----|---:|"


def test_table_headers_can_wrap_and_values_stay_as_they_are(tmp_path):
    from ptlmsync.paper import markdown_table

    csv = tmp_path / "window_sensitivity.csv"  # a table without set widths
    csv.write_text("resolution,n_pattern_changed\nGH day_x,3\n")
    table = markdown_table(csv, ["resolution", "n_pattern_changed"])
    headers = [cell.strip() for cell in table.splitlines()[0].split("|")[1:3]]
    assert headers == ["resolution", "n pattern changed"]
    assert "GH day_x" in table  # only the headers change


def test_a_column_with_one_value_in_every_row_is_left_out_where_marked(tmp_path):
    from ptlmsync.paper import markdown_table

    csv = tmp_path / "data_inputs.csv"
    csv.write_text("input,rows,use\nmodels,3,collected\ncommits,9,collected\n")
    same = markdown_table(csv, ["input", "rows", "use"], (50, 20, 30), False, ("use",))
    assert "use" not in same.splitlines()[0] and "collected" not in same
    assert same.splitlines()[1].count("|") == 3  # two columns, their two widths
    csv.write_text("input,rows,use\nmodels,3,collected\ncommits,9,recomputed\n")
    varied = markdown_table(csv, ["input", "rows", "use"], (50, 20, 30), False, ("use",))
    assert "recomputed" in varied


def test_unavailable_analyses_are_named_in_words():
    from ptlmsync.outputs import needing_commits, unavailable_analyses

    assert unavailable_analyses([]) == "none"
    assert unavailable_analyses(["topics"]) == "the topics of each change type"
    words = unavailable_analyses(needing_commits())
    assert "RQ4" in words and "_" not in words  # no table names in the prose


def test_the_pdf_keeps_each_figure_s_width_as_quarto_does(tmp_path):
    out = resolve("See @fig-a.\n![A](a.png){#fig-a width=50%}\n![B](b.png){#fig-b}\n", tmp_path, {})
    assert "![A](a.png){width=50%}" in out and "![B](b.png)\n" in out and "{#" not in out


def test_robustness_sentences_follow_their_numbers_including_zero():
    import pandas as pd

    from ptlmsync.numbers import resolution_numbers, sensitivity_numbers

    summary = pd.DataFrame({"window_days": [7, 14, 21], "percent_pattern_changed": [12.5, 0, 4]})
    assert sensitivity_numbers(summary, 14)["text"] == (
        "between 4.0% and 12.5% of the families change pattern (most at 7 days)"
    )
    none = summary.assign(percent_pattern_changed=0.0)
    assert sensitivity_numbers(none, 14)["text"] == (
        "no family changes pattern at any of these lengths"
    )
    table = pd.DataFrame(
        {
            "resolution": ["GH full, HF full", "GH day, HF day"],
            "percent_pattern_changed": [0.0, 0.0],
            "percent_lag_changed": [0.0, 0.0],
        }
    )
    assert resolution_numbers(table)["text"] == "no family changes pattern or lag"
    assert resolution_numbers(table)["configured_text"] == "full timestamps on both platforms"
    assert resolution_numbers(table.iloc[::-1])["configured_text"] == (
        "dates to the day on both platforms"
    )
    mixed = resolution_numbers(table.assign(resolution=["GH full, HF day", "GH day, HF day"]))
    assert mixed["configured_text"] == "full timestamps on GH and dates to the day on HF"
    table.loc[1, "percent_lag_changed"] = 0.5
    assert resolution_numbers(table)["text"] == (
        # zero as every number of the paper prints it (paper.format_value)
        "at most 0% of the families change pattern (with GH day, HF day) and at most 0.5% "
        "change lag"
    )


def test_a_significance_matrix_prints_p_as_the_text_does(tmp_path):
    from ptlmsync.paper import significance_matrix

    csv = tmp_path / "dunn.csv"
    # Bonferroni-adjusted p between three lags; 0.0496 must not print as a bold "0.050"
    csv.write_text(
        "group,GH first,HF first,Simultaneous\n"
        "GH first,1.0,0.0496,0.0004\n"
        "HF first,0.0496,1.0,0.5\n"
        "Simultaneous,0.0004,0.5,1.0\n"
    )
    text = significance_matrix(csv)
    assert "**0.0496**" in text and "**< 0.001**" in text and "0.5 " in text
    assert "0.050" not in text and "**0.5" not in text


def test_the_run_names_its_workflow_version_and_only_the_seeds_it_drew(tmp_path, monkeypatch):
    from importlib.metadata import version

    from ptlmsync.stages.paper import reproduction_text, workflow_version

    monkeypatch.chdir(tmp_path)  # not a git checkout: the version alone
    assert workflow_version() == f"ptlm-sync {version('ptlmsync')}"
    run = {"propagation": {"seed": 7}, "topics": {"seed": 3}, "unavailable": []}
    assert reproduction_text(run, {"demo": True, "seed": 42}).endswith(
        ", with the demo generator's seed 42, the null model's seed 7, the topic models' seed 3"
    )
    published = {**run, "unavailable": ["propagation", "topics"]}
    assert reproduction_text(published, {"seed": 42}) == workflow_version()


def test_a_checkout_names_its_commit_and_local_changes(tmp_path, monkeypatch):
    import subprocess

    from ptlmsync.stages.paper import workflow_version

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.txt").write_text("1")
    subprocess.run([*git, "-C", str(tmp_path), "add", "a.txt"], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-qm", "a"], check=True)
    head = subprocess.run(
        ["git", "-C", str(tmp_path), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    monkeypatch.chdir(tmp_path)
    assert workflow_version().endswith(f"at commit {head}")
    (tmp_path / "a.txt").write_text("2")
    assert workflow_version().endswith(f"at commit {head} with local changes")


def test_the_abstract_says_replication_or_self_test():
    from ptlmsync.numbers import abstract_lead

    run = {"n_families": 1200, "n_models": 3, "source_label": "a snapshot"}
    assert abstract_lead(run) == (
        "Replicating the study of Ajibode, Bangash, Adams and Hassan (2025), we analyse "
        "1,200 model families (3 HF models) from a snapshot."
    )
    demo = abstract_lead({**run, "demo": True, "self_test": {"n": 17, "n_agree": 16}})
    assert "self-test" in demo and "of the 17 quantities its generator designs, 16 agree" in demo
    assert "Replicating" not in demo


def test_the_runs_figures_print_at_the_studys_precision():
    from ptlmsync.paper import at_study_precision

    assert at_study_precision(1, "1.00", False) == "1.00"
    assert at_study_precision(0.95612, "0.96", False) == "0.96"
    assert at_study_precision(77.54, "77", True) == "77.5"  # not 78 beside 77
    assert at_study_precision(181, "177", True) == "181"
    assert at_study_precision("2024-09-01", "2024-08-01", True) == "2024-09-01"


def test_a_long_tables_caption_stays_with_its_first_rows(tmp_path):
    """The preamble both renderers include: a caption above a long table that would be
    left at the bottom of a page moves to the next page with the table's first rows."""
    import typst

    preamble = (REPO / "paper/typst-preamble.typ").read_text()
    rows = ", ".join(f"[row {i}]" for i in range(160))  # 160 cells: a long table
    (tmp_path / "t.typ").write_text(
        "#set page(height: 200pt, width: 300pt)\n"
        "#show figure.where(kind: table): set figure.caption(position: top)\n"
        f"{preamble}\n#lorem(60)\n\n"
        f"#figure(table(columns: 2, {rows}), caption: [CAPTIONTEXT], kind: table)\n"
    )
    typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"))
    pages = [p.extract_text() for p in PdfReader(tmp_path / "t.pdf").pages]
    with_caption = next(i for i, page in enumerate(pages) if "CAPTIONTEXT" in page)
    assert "row 0" in pages[with_caption]


def test_an_empty_text_cell_prints_as_a_dash(tmp_path):
    from ptlmsync.paper import markdown_table

    csv = tmp_path / "claims_with_study.csv"
    csv.write_text("claim,verdict,per_family\na,holds,holds\nb,holds,\n")
    table = markdown_table(csv, ["claim", "verdict", "per_family"])
    assert "nan" not in table and table.splitlines()[-1].split("|")[3].strip() == "–"


def test_the_null_models_p_value_floor_by_hand():
    import pandas as pd

    from ptlmsync.stages.paper import propagation_p_floor

    # 18 rows, 1,000 draws: 18 / 1,001 = 0.018
    assert propagation_p_floor(pd.DataFrame({"kind": range(18)}), 1000) == 0.018
    assert propagation_p_floor(pd.DataFrame({"kind": range(18)}), 9) == 1.0  # capped
    assert propagation_p_floor(pd.DataFrame(), 1000) is None
    assert propagation_p_floor(None, 1000) is None


def test_the_study_dunn_sentence_follows_the_comparison():
    from ptlmsync.stages.paper import study_dunn_text

    assert "disagrees with the study's own computation" in study_dunn_text(
        {"n_pairs": 28, "n_equal": 28}
    )
    assert study_dunn_text({"n_pairs": 28, "n_equal": 20}) == (
        "this run's p-values equal the study's published matrix in 20 of 28 pairs"
    )


def test_rq4_is_marked_where_the_data_hold_no_commits():
    from ptlmsync.numbers import _source_numbers

    meta = {"source": "replication", "extraction_date": "2025-01-01"}
    assert "not answered here" in _source_numbers(meta, ["propagation"])["rq4_availability"]
    assert _source_numbers({**meta, "source": "demo"}, [])["rq4_availability"] == ""
