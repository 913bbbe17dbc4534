"""Figures in one consistent style; demo data is stamped on every figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ptlmsync.stats import SHARED_LEVELS, SIMILARITY_LEVELS
from ptlmsync.taxonomy import load_taxonomy
from ptlmsync.vocab import AGE_GROUPS, PATTERN_ORDER

#: Category orders for legends (hue) so that every figure lists groups the same way.
HUE_ORDERS = {
    "age_group": AGE_GROUPS,
    "similarity_level": SIMILARITY_LEVELS,
    "shared_contributors": SHARED_LEVELS,
    "release": ["single", "multiple"],
    "platform": ["GH", "HF"],
}


def _hue_order(table: pd.DataFrame, hue: str | None):
    if hue is None or hue not in HUE_ORDERS:
        return None
    return [h for h in HUE_ORDERS[hue] if h in set(table[hue])]


STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "figure.dpi": 150,
    "savefig.bbox": "tight",
}


def _finish(fig, path: Path, marker: str, pdf: bool = True) -> None:
    if marker:  # above the axes, where it never hides data or tick labels
        fig.suptitle(marker, x=0.99, ha="right", color="firebrick", fontsize=8, fontweight="bold")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    if pdf:  # publication figures also as PDF; the per-family timelines only as PNG
        fig.savefig(path.with_suffix(".pdf"))
    plt.close(fig)


def _bars(ax, data: pd.DataFrame, x: str, y: str, hue: str | None, horizontal: bool) -> None:
    """Seaborn bars; without ``hue`` each category gets its own colour and no legend."""
    sns.barplot(
        data=data,
        x=y if horizontal else x,
        y=x if horizontal else y,
        hue=hue or x,
        hue_order=_hue_order(data, hue),
        legend=hue is not None,
        orient="h" if horizontal else "v",
        palette="deep",
        ax=ax,
    )


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
        _bars(ax, table, x, y, hue, horizontal)
        if horizontal:
            ax.set(xlabel=ylabel, ylabel=xlabel)
        else:
            ax.set(xlabel=xlabel, ylabel=ylabel)
            ax.tick_params(axis="x", rotation=30)
            plt.setp(ax.get_xticklabels(), ha="right")
        _finish(fig, Path(path), marker)


def note(path: Path, marker: str, text: str) -> None:
    """A figure that states why it has no data."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.3, 1.2))
        ax.axis("off")
        ax.text(0.5, 0.5, text, ha="center", va="center")
        _finish(fig, Path(path), marker)


def timeline(
    gh: set[int],
    hf: dict[str, set[int]],
    title: str,
    path: Path,
    marker: str = "",
    window_days: int = 14,
) -> None:
    """One row per HF variant plus GH, a dot per active period, a dashed line per co-active one."""
    rows = ["GH", *hf]
    coactive = sorted(gh & set().union(*hf.values())) if hf else []
    last = max([*gh, *(p for ps in hf.values() for p in ps)], default=0)
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.22 * len(rows)))
        for p in coactive:
            ax.axvline(p, color="0.55", linestyle="--", linewidth=0.6, zorder=0)
        for y, name in enumerate(rows):
            periods = sorted(gh if name == "GH" else hf[name])
            color = "tab:blue" if name == "GH" else "tab:orange"
            ax.scatter(periods, [y] * len(periods), s=9, color=color, zorder=2)
        ax.set_yticks(range(len(rows)), [_short(r) for r in rows], fontsize=6.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(-1, last + 1)
        ax.set_xlabel(f"period ({window_days}-day windows since the family's first commit)")
        ax.set_title(title, fontsize=9, loc="left")
        ax.grid(visible=False)
        _finish(fig, Path(path), marker, pdf=False)


def _short(name: str, width: int = 32) -> str:
    """A model id without its owner, shortened in the middle (variants differ at the end)."""
    name = name.split("/", 1)[-1]
    if len(name) <= width:
        return name
    keep = (width - 1) // 2
    return f"{name[:keep]}…{name[-keep:]}"


def faceted_bars(
    table: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None,
    col: str,
    path: Path,
    marker: str = "",
    ylabel: str = "",
    horizontal: bool = False,
) -> None:
    """Bar charts side by side, one panel per value of ``col``."""
    panels = list(dict.fromkeys(table[col]))
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        height = max(3.0, 0.26 * table[x].nunique()) if horizontal else 3.0
        fig, axes = plt.subplots(1, len(panels), figsize=(7.2, height), sharey=True, squeeze=False)
        for ax, panel in zip(axes[0], panels, strict=True):
            data = table[table[col] == panel]
            _bars(ax, data, x, y, hue, horizontal)
            if horizontal:
                ax.set(xlabel=ylabel, ylabel="")
            else:
                ax.set(xlabel="", ylabel=ylabel)
                ax.tick_params(axis="x", rotation=35)
                plt.setp(ax.get_xticklabels(), ha="right")
            ax.set_title(str(panel))
            if ax.get_legend() and ax is not axes[0][-1]:
                ax.get_legend().remove()
        _finish(fig, Path(path), marker)


def heatmap(
    table: pd.DataFrame,
    index: str,
    columns: str,
    values: str,
    path: Path,
    marker: str = "",
    label: str = "",
) -> None:
    """A pattern x change-type heat map with the value written in each cell."""
    matrix = table.pivot_table(index=index, columns=columns, values=values, fill_value=0)
    rows = [p for p in PATTERN_ORDER if p in matrix.index] + [
        p for p in matrix.index if p not in PATTERN_ORDER
    ]
    matrix = matrix.reindex(index=rows, columns=load_taxonomy().names, fill_value=0)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(matrix) + 2.6))
        sns.heatmap(
            matrix,
            annot=True,
            fmt=".0f",
            cmap="Blues",
            ax=ax,
            cbar_kws={"label": label},
            annot_kws={"fontsize": 6.5},
        )
        ax.set(xlabel="", ylabel="")
        plt.setp(ax.get_xticklabels(), rotation=40, ha="right")
        _finish(fig, Path(path), marker)


def box_by_group(
    table: pd.DataFrame, x: str, y: str, col: str, path: Path, marker: str = "", ylabel: str = ""
) -> None:
    """Box plots of ``y`` per ``x``, one panel per value of ``col``."""
    panels = list(dict.fromkeys(table[col]))
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        fig, axes = plt.subplots(1, len(panels), figsize=(7.2, 3.2), squeeze=False)
        for ax, panel in zip(axes[0], panels, strict=True):
            sns.boxplot(
                data=table[table[col] == panel], x=x, y=y, ax=ax, color="tab:blue", fliersize=2
            )
            ax.set(title=str(panel), xlabel="", ylabel=ylabel)
            ax.tick_params(axis="x", rotation=35)
            plt.setp(ax.get_xticklabels(), ha="right")
        _finish(fig, Path(path), marker)
