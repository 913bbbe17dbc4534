"""The study's figures, each drawn from the statistics table of the same name (the
plotting primitives are in :mod:`ptlmsync.figures`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from ptlmsync import figures
from ptlmsync.vocab import PATTERN_ORDER, SWITCH_GROUPINGS, Platform

FAMILY_SHARE = "% of families"
MATURITY_SHARE = "% of families in maturity group"
#: Pattern x change type heat maps drawn from the table of the same name: (value, label).
HEATMAP_FIGURES: dict[str, tuple[str, str]] = {
    "pattern_change_types_gh": ("percent", "% of the pattern's GH commits"),
    "pattern_change_types_hf": ("median_percent", "median % of a model's HF commits"),
}
#: Bar charts drawn from the table of the same name: (x, y, hue, y-axis label); pattern
#: charts are horizontal, so that pattern names never collide.
BAR_FIGURES: dict[str, tuple[str, str, str | None, str]] = {
    "similarity_by_maturity": (
        "similarity_level",
        "percent_within_maturity",
        "maturity",
        MATURITY_SHARE,
    ),
    "similarity_by_contributors": (
        "similarity_level",
        "percent_within_shared_contributors",
        "shared_contributors",
        "% of families with these shared contributors",
    ),
    "lag_distribution": ("lag", "percent", None, FAMILY_SHARE),
    "lag_by_maturity": ("lag", "percent_within_maturity", "maturity", MATURITY_SHARE),
    "pattern_distribution": ("pattern", "percent", None, FAMILY_SHARE),
    "pattern_by_maturity": ("pattern", "percent_within_maturity", "maturity", MATURITY_SHARE),
    "pattern_by_release": ("pattern", "percent_of_all", "release", FAMILY_SHARE),
}


def plot_study_figures(
    tables_dir, families_csv, contributors_csv, marker: str, figures_dir, names: list[str]
) -> None:
    """The figures ``names`` (keys of :data:`ptlmsync.outputs.FIGURES`) from the tables."""
    tables, out = Path(tables_dir), Path(figures_dir)

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
        "change_types_by_maturity": lambda: figures.faceted_bars(
            t("change_types_by_maturity"),
            "change_type",
            "percent",
            "maturity",
            "platform",
            fig("change_types_by_maturity"),
            marker,
            ylabel="% of commits",
            horizontal=True,
        ),
        "similarity_histogram": lambda: _similarity_histogram(t, fig, marker),
        "contributors_by_pattern": lambda: _contributor_boxes(
            families_csv, contributors_csv, fig, marker
        ),
        "switch_days": lambda: _switch_days(t, fig, marker),
        "switch_days_ecdf": lambda: figures.ecdf(
            t("switch_days_ecdf"),
            fig("switch_days_ecdf"),
            marker,
            xlabel="days to the next commit on the other platform (symmetric log scale)",
        ),
        "propagation": lambda: _propagation(t, fig, marker),
    }
    plots |= {name: partial(_bar_figure, name, t, fig, marker) for name in BAR_FIGURES}
    plots |= {name: partial(_heatmap_figure, name, t, fig, marker) for name in HEATMAP_FIGURES}
    for name in names:
        plots[name]()


def _propagation(t, fig, marker) -> None:
    table = t("propagation")
    if table.empty:  # no file data: the figure says so instead of showing nothing
        figures.note(fig("propagation"), marker, "No commit in this run lists its files.")
        return
    figures.bar_chart(
        table,
        "kind",
        "percent_propagated",
        fig("propagation"),
        marker,
        hue="direction",
        ylabel="% of changes followed on the other platform",
        horizontal=True,
    )


def _bar_figure(name, t, fig, marker) -> None:
    x, y, hue, ylabel = BAR_FIGURES[name]
    figures.bar_chart(
        t(name), x, y, fig(name), marker, hue=hue, ylabel=ylabel, horizontal=x == "pattern"
    )


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
    long["platform"] = long["platform"].map(
        {"n_gh_authors": Platform.GH, "n_hf_authors": Platform.HF}
    )
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
