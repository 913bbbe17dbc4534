"""The declaration of a run's tables and figures (ptlmsync.outputs) against the places
that must agree with it: the README's tables contract, the paper's includes, the rules
and the table functions."""

import re
from pathlib import Path

from ptlmsync import outputs, tables

REPO = Path(__file__).resolve().parents[1]


def readme_contract() -> list[str]:
    """The names in the first column of the README's tables contract."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Tables contract", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| ([\w.]+) \|", section, re.MULTILINE)


def test_the_readme_contract_lists_exactly_the_declared_tables():
    listed = readme_contract()
    assert len(listed) == len(set(listed)), "a table listed twice"
    assert set(listed) - {"table", "numbers.json"} == {t.name for t in outputs.TABLES}


def test_every_table_the_paper_shows_is_included_and_every_include_is_declared():
    index = (REPO / "paper/index.qmd").read_text()
    included = set(re.findall(r"\{\{< include _tables/(\w+)\.md >\}\}", index))
    assert included == set(outputs.paper_tables())


def test_every_declared_rule_exists_and_every_made_table_has_its_function():
    rules = "".join(p.read_text() for p in (REPO / "rules").glob("*.smk"))
    defined = set(re.findall(r"^rule (\w+):", rules, re.MULTILINE))
    for declared in (*outputs.TABLES, *outputs.FIGURES):
        assert declared.rule in defined, declared
    made = [t for t in outputs.TABLES if t.rule.startswith("tabulate_")]
    made += [t for t in outputs.TABLES if t.rule == "compile_numbers"]
    for declared in made:
        assert callable(getattr(tables, declared.name, None)), declared.name


def test_tables_needing_commits_are_left_out_where_the_data_has_none():
    with_commits = outputs.tables_of("tabulate_patterns")
    without = outputs.tables_of("tabulate_patterns", commits=False)
    assert set(with_commits) - set(without) == {"spearman_contributors"}
    assert "window_sensitivity" not in outputs.run_tables(commits=False)
    assert "comparison_with_study" not in outputs.run_tables(but=("compile_numbers",))
    assert "propagation" not in outputs.figures_of(commits=False)
    assert outputs.unavailable_analyses(["kruskal"]) == "none"  # needs no commits


def test_a_significance_matrix_is_shown_as_one():
    shown = outputs.paper_tables()
    assert shown["dunn_pattern"].matrix and not shown["kruskal"].matrix
    assert shown["comparison_with_study"].full_precision
