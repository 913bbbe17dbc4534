"""Figures in one consistent style; demo data is stamped on every figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "figure.dpi": 150,
    "savefig.bbox": "tight",
}


def _finish(fig, path: Path, marker: str) -> None:
    if marker:  # above the axes, where it never hides data or tick labels
        fig.suptitle(marker, x=0.99, ha="right", color="firebrick", fontsize=8, fontweight="bold")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def bar_chart(
    table: pd.DataFrame,
    x: str,
    y: str,
    path: Path,
    marker: str = "",
    hue: str | None = None,
    xlabel: str = "",
    ylabel: str = "% of families",
    horizontal: bool = False,
) -> None:
    """A bar chart of ``table`` (one bar per row, optionally grouped by ``hue``)."""
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        height = max(2.8, 0.28 * table[x].nunique()) if horizontal else 3.2
        fig, ax = plt.subplots(figsize=(6.3, height))
        if horizontal:
            sns.barplot(data=table, y=x, x=y, hue=hue, ax=ax, orient="h", palette="deep")
            ax.set(xlabel=ylabel, ylabel=xlabel)
        else:
            sns.barplot(data=table, x=x, y=y, hue=hue, ax=ax, palette="deep")
            ax.set(xlabel=xlabel, ylabel=ylabel)
            ax.tick_params(axis="x", rotation=30)
            plt.setp(ax.get_xticklabels(), ha="right")
        if hue is None and ax.get_legend():
            ax.get_legend().remove()
        _finish(fig, Path(path), marker)
