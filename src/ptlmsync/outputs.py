"""The tables and figures of a run, declared once: an interface of the workflow.

Each :class:`Table` says which rule writes it, whether it needs raw commits (the study's
published files have none), which analysis it belongs to and how the paper shows it.
The rules' outputs, the paper's inputs and table formats, ``metadata.json`` and the
list of analyses a run cannot make are all derived from :data:`TABLES` and
:data:`FIGURES`. A table of a ``tabulate_*`` rule or of ``compile_numbers`` is made by
the function of the same name in :mod:`ptlmsync.tables`; so a new table for the paper
is its function there, its declaration here and the sentence of ``paper/index.qmd``
that includes it.

This module imports nothing heavy, so the Snakefile can list the rules' outputs without
loading plotting or statistics libraries (a DAG parse, ``snakemake -n`` included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Shown:
    """How the paper shows a table: ``columns`` of a pipe table (the rest stay in the
    CSV), their relative ``widths`` in percent where a text column is long (pandoc
    sizes the columns of a wide table by the dashes of its separator line), every digit
    (``full_precision``) or four significant ones, or a group × group ``matrix`` of
    p-values."""

    columns: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()
    full_precision: bool = False
    matrix: bool = False
    #: columns left out where every row holds the same value (it says nothing per row)
    dropped_if_constant: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of ``results/<run>/tables/``."""

    name: str
    rule: str
    #: what the table is about, in words; a run whose data lacks raw commits or labels
    #: (the study's published files) lists it among the analyses it cannot make
    needs_commits: str = ""
    paper: Shown | None = None


@dataclass(frozen=True)
class Figure:
    """A figure of ``results/<run>/figures/`` and the tables it is drawn from."""

    name: str
    rule: str
    tables: tuple[str, ...] = ()
    needs_commits: bool = False


SWITCH_COLUMNS = ("group", "n_switches", "n_families", "mean_days", "median_days")
CHANGE_TYPES = "the change types of each platform, maturity group and pattern (RQ1, RQ2)"
TOPICS = "the topics of each change type"
PROPAGATION = "what propagates and automated synchronisation (RQ4)"
SPEARMAN = "the rank correlation of patterns and contributors"
ROBUSTNESS = "the codes' sensitivity to the period length and the time resolution"

TABLES: tuple[Table, ...] = (
    # written by import_replication where the source is the study's published files
    Table("excluded_families", "collect_snapshot"),
    Table("unlabelled_commits", "tabulate_change_types", CHANGE_TYPES),
    Table("change_types_by_platform", "tabulate_change_types", CHANGE_TYPES),
    Table("change_types_by_maturity", "tabulate_change_types", CHANGE_TYPES),
    Table(
        "chi2_change_types_by_maturity",
        "tabulate_change_types",
        CHANGE_TYPES,
        Shown(("maturity", "chi2", "dof", "p_bonferroni", "cramers_v")),
    ),
    Table("pattern_change_types_gh", "tabulate_change_types", CHANGE_TYPES),
    Table("pattern_change_types_hf", "tabulate_change_types", CHANGE_TYPES),
    Table("chi2_pattern_platform", "tabulate_change_types", CHANGE_TYPES),
    Table("similarity", "tabulate_similarity"),
    Table("similarity_histogram", "tabulate_similarity"),
    Table("similarity_by_maturity", "tabulate_similarity"),
    Table("chi2_similarity_maturity", "tabulate_similarity"),
    Table("similarity_by_contributors", "tabulate_similarity"),
    Table("chi2_similarity_contributors", "tabulate_similarity"),
    Table("lag_distribution", "tabulate_patterns", paper=Shown(("lag", "n", "percent"))),
    Table("lag_by_maturity", "tabulate_patterns"),
    Table("pattern_distribution", "tabulate_patterns", paper=Shown(("pattern", "n", "percent"))),
    Table("pattern_by_maturity", "tabulate_patterns"),
    Table("pattern_by_release", "tabulate_patterns"),
    Table("contributors_by_pattern", "tabulate_patterns"),
    Table("spearman_contributors", "tabulate_patterns", SPEARMAN),
    Table("switch_days_by_lag", "tabulate_switches", paper=Shown(SWITCH_COLUMNS)),
    Table("switch_days_by_pattern", "tabulate_switches", paper=Shown(SWITCH_COLUMNS)),
    Table("switch_days_by_maturity", "tabulate_switches", paper=Shown(SWITCH_COLUMNS)),
    Table(
        "kruskal",
        "tabulate_switches",
        paper=Shown(("unit", "grouping", "H", "dof", "p", "epsilon2", "n")),
    ),
    Table("dunn_lag", "tabulate_switches"),
    Table("dunn_pattern", "tabulate_switches", paper=Shown(matrix=True)),
    Table("dunn_maturity", "tabulate_switches"),
    Table("dunn_lag_per_family", "tabulate_switches"),
    Table("dunn_pattern_per_family", "tabulate_switches", paper=Shown(matrix=True)),
    Table("dunn_maturity_per_family", "tabulate_switches"),
    Table(
        "switch_days_distribution",
        "tabulate_switches",
        paper=Shown(
            (
                "sample",
                "n",
                "q1",
                "median",
                "q3",
                "p90",
                "mean",
                "percent_same_day",
                "percent_over_30",
                "percent_days_longest_tenth",
            ),
            widths=(14, 7, 7, 8, 7, 7, 8, 12, 12, 18),
        ),
    ),
    Table("switch_days_ecdf", "tabulate_switches"),
    Table("switch_direction_test", "tabulate_switches"),
    Table(
        "topics",
        "extract_topics",
        TOPICS,
        Shown(
            ("platform", "change_type", "terms", "percent", "coherence", "stability", "example"),
            widths=(6, 15, 25, 9, 10, 10, 25),
        ),
    ),
    Table(
        "propagation",
        "trace_propagation",
        PROPAGATION,
        # observed share, chance share (null model), excess, the Bonferroni p-value and
        # the verdict; the chance interval, raw counts, p and delays stay in the CSV
        # (eleven columns do not fit a page)
        Shown(
            (
                "kind",
                "direction",
                "n_changes",
                "percent_propagated",
                "expected_percent",
                "excess",
                "p_bonferroni",
                "beyond_chance",
            ),
            widths=(20, 11, 11, 12, 12, 10, 12, 12),
        ),
    ),
    Table("propagation_by_pattern", "trace_propagation", PROPAGATION),
    Table("automated_sync", "trace_propagation", PROPAGATION),
    Table("automated_vs_other", "trace_propagation", PROPAGATION),
    Table(
        "window_sensitivity",
        "analyse_window_sensitivity",
        ROBUSTNESS,
        Shown(
            (
                "window_days",
                "n_families",
                "n_pattern_changed",
                "percent_pattern_changed",
                "n_lag_changed",
            )
        ),
    ),
    Table(
        "resolution_sensitivity",
        "analyse_resolution_sensitivity",
        ROBUSTNESS,
        # the resolution in one line; each count or share wide enough for its header
        Shown(
            (
                "resolution",
                "n_families",
                "percent_pattern_changed",
                "percent_lag_changed",
                "n_switches",
                "mean_switch_days",
                "n_switches_changed",
            ),
            widths=(18, 9, 14, 14, 11, 12, 22),
        ),
    ),
    Table("funnel", "compile_numbers", paper=Shown(("step", "n"))),
    Table(
        "demo_self_test",
        "compile_numbers",
        paper=Shown(("quantity", "designed", "measured", "agrees"), widths=(55, 15, 15, 15)),
    ),
    Table(
        "data_inputs",
        "compile_numbers",
        paper=Shown(
            ("input", "rows", "holds", "feeds", "use"),
            widths=(31, 6, 22, 23, 18),
            dropped_if_constant=("use",),
        ),
    ),
    Table(
        "claims_with_study",
        "compile_numbers",
        paper=Shown(("claim", "verdict", "per_family", "evidence"), widths=(36, 11, 11, 42)),
    ),
    # printed with every digit: the study's figures are compared digit by digit (the
    # paper's appendix: the compared figures by label, their notes by number)
    Table(
        "comparison_with_study",
        "compile_numbers",
        paper=Shown(
            ("rq", "key", "study", "this_run", "verdict", "note"),
            widths=(9, 42, 9, 9, 22, 9),
            full_precision=True,
        ),
    ),
    # the comparison as the paper's main text shows it: per research question, the
    # differing figures by kind, and the notes of the compared figures, each once
    Table(
        "comparison_by_rq",
        "compile_numbers",
        paper=Shown(
            (
                "question",
                "figures",
                "reproduced",
                "differs_explained",
                "differs_unexplained",
                "cannot_be_checked",
                "claims",
                "holding",
                "not_holding",
                "not_checkable",
            ),
            widths=(24, 7, 9, 10, 11, 9, 7, 7, 8, 8),
        ),
    ),
    Table("comparison_notes", "compile_numbers", paper=Shown(("note", "text"), widths=(6, 94))),
    Table(
        "comparison_differences",
        "compile_numbers",
        paper=Shown(
            ("figures", "differing", "explained", "unexplained", "largest", "notes"),
            widths=(36, 11, 11, 12, 18, 12),
            full_precision=True,
        ),
    ),
)

FIGURES: tuple[Figure, ...] = (
    *(
        Figure(name, "plot_figures", (name,), needs_commits=True)
        for name in (
            "change_types_by_platform",
            "change_types_by_maturity",
            "pattern_change_types_gh",
            "pattern_change_types_hf",
        )
    ),
    *(
        Figure(name, "plot_figures", (name,))
        for name in (
            "similarity_histogram",
            "similarity_by_maturity",
            "similarity_by_contributors",
            "lag_distribution",
            "lag_by_maturity",
            "pattern_distribution",
            "pattern_by_maturity",
            "pattern_by_release",
            "contributors_by_pattern",
        )
    ),
    Figure(
        "switch_days",
        "plot_figures",
        ("switch_days_by_lag", "switch_days_by_pattern", "switch_days_by_maturity"),
    ),
    Figure("switch_days_ecdf", "plot_figures", ("switch_days_ecdf",)),
    Figure("propagation", "plot_figures", ("propagation",), needs_commits=True),
    Figure("sensitivity_patterns", "analyse_window_sensitivity", needs_commits=True),
    Figure("timelines_by_pattern", "plot_timeline_panel", needs_commits=True),
)

_BY_NAME = {table.name: table for table in TABLES}


def table(name: str) -> Table:
    """The declaration of the table ``name``."""
    return _BY_NAME[name]


def tables_of(rule: str, commits: bool = True) -> list[str]:
    """The tables ``rule`` writes; without those that need raw commits where the run's
    data has none (``commits=False``)."""
    return [t.name for t in TABLES if t.rule == rule and (commits or not t.needs_commits)]


def run_tables(commits: bool = True, but: tuple[str, ...] = ()) -> list[str]:
    """Every table a run writes (that its data allows), except those of the rules ``but``."""
    return [t.name for t in TABLES if t.rule not in but and (commits or not t.needs_commits)]


def needing_commits() -> list[str]:
    """The tables that need raw commits or labels, which the study's published files lack."""
    return [t.name for t in TABLES if t.needs_commits]


def unavailable_analyses(unavailable_tables: list[str]) -> str:
    """The analyses a run cannot make, in words ("none" where it can make them all)."""
    named = [
        t.needs_commits for t in TABLES if t.name in set(unavailable_tables) and t.needs_commits
    ]
    return "; ".join(dict.fromkeys(named)) if named else "none"


def figures_of(rule: str | None = None, commits: bool = True) -> list[str]:
    """The figures ``rule`` draws (every rule's where None) that the run's data allows."""
    return [
        f.name
        for f in FIGURES
        if (rule is None or f.rule == rule) and (commits or not f.needs_commits)
    ]


def paper_tables() -> dict[str, Shown]:
    """The tables the paper shows, with how it shows them."""
    return {t.name: t.paper for t in TABLES if t.paper is not None}


def write_tables(tables: dict[str, pd.DataFrame], declared: list[str]) -> None:
    """Write each declared output from the table of the same name. Tables the rule does
    not declare (those the run's data does not allow) are not written; a declared output
    without a table is a programming error."""
    paths = {Path(p).stem: Path(p) for p in declared}
    missing = set(paths) - set(tables)
    if missing:
        raise ValueError(f"outputs {sorted(missing)} have no table (tables: {sorted(tables)})")
    for name, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tables[name].to_csv(path, index=False)
