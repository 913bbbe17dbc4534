"""Figures in one consistent style; demo data is stamped on every figure."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.text
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns

from ptlmsync.label.taxonomy import load_taxonomy
from ptlmsync.stats import SHARED_LEVELS, SIMILARITY_LEVELS
from ptlmsync.vocab import MATURITY_GROUPS, PATTERN_NAMES, PATTERN_ORDER, Platform

log = logging.getLogger(__name__)

#: Category orders (legends and axes) so that every figure lists groups the same way.
HUE_ORDERS = {
    "maturity": MATURITY_GROUPS,
    "similarity_level": SIMILARITY_LEVELS,
    "shared_contributors": SHARED_LEVELS,
    "release": ["single", "multiple"],
    "platform": [Platform.GH, Platform.HF],
    "pattern": PATTERN_ORDER,
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

#: Okabe & Ito's colour-blind-safe palette.
OKABE_ITO = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
#: Grey, for the category that stands for none (Okabe & Ito's extended palette).
GREY = "#999999"
#: One colour per category, the same in every figure: platforms (and directions by their
#: source), patterns, lags (GH first and HF first in their platform's colour), maturity
#: groups, similarity levels, shared contributors, single- and multi-model releases and
#: the per-family sample of the time to the other platform.
COLOURS: dict[str, str] = {
    Platform.GH: OKABE_ITO[0],
    Platform.HF: OKABE_ITO[1],
    "GH→HF": OKABE_ITO[0],
    "HF→GH": OKABE_ITO[1],
    "family median": OKABE_ITO[7],
    **dict(zip(PATTERN_ORDER, OKABE_ITO, strict=True)),
    "GH first": OKABE_ITO[0],
    "HF first": OKABE_ITO[1],
    "Simultaneous": OKABE_ITO[2],
    "Recent": OKABE_ITO[4],
    "Intermediate": OKABE_ITO[3],
    "Matured": OKABE_ITO[5],
    "low": OKABE_ITO[4],
    "moderate": OKABE_ITO[2],
    "high": OKABE_ITO[5],
    "none": GREY,
    "single": OKABE_ITO[4],
    "multiple": OKABE_ITO[0],
}

#: Legend titles in words, by the column they show.
LEGEND_TITLES = {
    "maturity": "maturity",
    "shared_contributors": "shared contributors",
    "release": "models",
    "platform": "platform",
    "direction": "direction",
}

#: Layout problems found in the figures drawn so far (overlapping text, a legend over
#: data); :func:`_finish` also logs them. The figure tests require it to stay empty.
PROBLEMS: list[str] = []


def palette(table: pd.DataFrame, column: str) -> dict[str, str] | str:
    """The fixed colours where every value of ``column`` has one, else Okabe & Ito's."""
    values = [str(v) for v in dict.fromkeys(table[column])]
    if all(v in COLOURS for v in values):
        return {v: COLOURS[v] for v in values}
    return {v: OKABE_ITO[i % len(OKABE_ITO)] for i, v in enumerate(values)}


def layout_problems(fig) -> list[str]:
    """Texts whose boxes overlap, and legends that cover plotted bars or points."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [
        t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()
    ]
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    problems = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if box_a.overlaps(box_b) and _area(box_a, box_b) > 4:
                problems.append(f"text {a.get_text()!r} overlaps {b.get_text()!r}")
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        frame = legend.get_window_extent(renderer)
        for artist in [*ax.patches, *ax.collections]:
            extent = artist.get_window_extent(renderer)
            if extent.width > 0 and frame.overlaps(extent) and _area(frame, extent) > 4:
                problems.append(f"legend of {ax.get_title() or 'a panel'!r} covers data")
                break
    return problems


def _area(a, b) -> float:
    """The area (square pixels) two boxes share."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0) * max(height, 0)


def _finish(fig, path: Path, marker: str, pdf: bool = True) -> None:
    for ax in fig.axes:  # legends beside the data, never over it
        legend = ax.get_legend()
        if legend is not None:
            title = legend.get_title().get_text()
            sns.move_legend(
                ax,
                "upper left",
                bbox_to_anchor=(1.01, 1.0),
                frameon=False,
                title=LEGEND_TITLES.get(title, title),
            )
    if marker:  # in the bottom margin, under every panel and label
        fig.canvas.draw()
        bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
        fig.text(
            1.0,
            bottom - 0.02,
            marker,
            ha="right",
            va="top",
            color="firebrick",
            fontsize=8,
            fontweight="bold",
            transform=fig.transFigure,
        )
    problems = layout_problems(fig)
    for problem in problems:
        log.warning("%s: %s", path.name, problem)
    PROBLEMS.extend(f"{path.name}: {problem}" for problem in problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the check drew the figure, so its tight box is known: savefig's "tight" would draw
    # it once more to find the same box
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    fig.savefig(path, bbox_inches=box)
    if pdf:  # publication figures also as PDF; the per-family timelines only as PNG
        fig.savefig(path.with_suffix(".pdf"), bbox_inches=box)
    plt.close(fig)


#: The one colour of a histogram's bars: bins are not categories, so they take no
#: category's colour.
HISTOGRAM_COLOUR = "#4D4D4D"


def _bars(ax, data: pd.DataFrame, x: str, y: str, hue: str | None, horizontal: bool) -> None:
    """Seaborn bars; without ``hue`` each category gets its own colour and no legend, and
    the bins of a histogram one colour."""
    if x in BINNED and hue is None:
        sns.barplot(
            data=data,
            x=x,
            y=y,
            order=list(dict.fromkeys(data[x])),
            color=HISTOGRAM_COLOUR,
            ax=ax,
        )
        return
    sns.barplot(
        data=data,
        x=y if horizontal else x,
        y=x if horizontal else y,
        hue=hue or x,
        hue_order=_hue_order(data, hue),
        order=_hue_order(data, x),  # categories in the paper's order where it has one
        legend=hue is not None,
        orient="h" if horizontal else "v",
        palette=palette(data, hue or x),
        ax=ax,
    )


#: Axes whose categories are bins of a continuous scale: an empty bin stays (a gap in a
#: histogram is information, not an empty category).
BINNED = {"bin"}


def without_empty(table: pd.DataFrame, x: str, y: str, col: str | None = None) -> pd.DataFrame:
    """``table`` without the categories of ``x`` (within each panel ``col``) that have no
    value anywhere: no empty category in a figure."""
    if x in BINNED or table.empty:
        return table
    keys = [col, x] if col else [x]
    filled = table.groupby(keys, sort=False)[y].transform(lambda v: v.fillna(0).abs().sum() > 0)
    return table[filled.astype(bool)]


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
    table = without_empty(table, x, y)
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        height = max(2.8, 0.28 * table[x].nunique()) if horizontal else 3.2
        fig, ax = plt.subplots(figsize=(6.3, height))
        _bars(ax, table, x, y, hue, horizontal)
        if horizontal:
            ax.set(xlabel=ylabel, ylabel=xlabel)
        else:
            ax.set(xlabel=xlabel, ylabel=ylabel)
            longest = max((len(str(v)) for v in table[x]), default=0)
            # long labels, or many that would touch: slanted
            if longest > 10 or longest * table[x].nunique() > 60:
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
    """One row per HF model plus GH, a dot per active period, a dashed line per co-active one."""
    rows = [Platform.GH, *hf]
    coactive = sorted(gh & set().union(*hf.values())) if hf else []
    last = max([*gh, *(p for ps in hf.values() for p in ps)], default=0)
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.22 * len(rows)))
        for p in coactive:
            ax.axvline(p, color="0.55", linestyle="--", linewidth=0.6, zorder=0)
        for y, name in enumerate(rows):
            periods = sorted(gh if name == Platform.GH else hf[name])
            color = COLOURS[Platform.GH] if name == Platform.GH else COLOURS[Platform.HF]
            ax.scatter(periods, [y] * len(periods), s=9, color=color, zorder=2)
        ax.set_yticks(range(len(rows)), [_short(r) for r in rows], fontsize=6.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(-1, last + 1)
        ax.set_xlabel(f"period ({window_days}-day windows since the family's first commit)")
        ax.set_title(title, fontsize=9, loc="left")
        ax.grid(visible=False)
        _finish(fig, Path(path), marker, pdf=False)


def timeline_panel(
    rows: list[tuple[str, set[int], set[int]]], path: Path, marker: str = "", window_days: int = 14
) -> None:
    """One small timeline per row (title, GH periods, HF periods of any model): a dot
    per active period, a dashed line per co-active one; each panel its own time axis."""
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        fig, axes = plt.subplots(len(rows), 1, figsize=(7.2, 0.85 * len(rows) + 0.5))
        for ax, (title, gh, hf) in zip(np.atleast_1d(axes), rows, strict=True):
            for p in sorted(gh & hf):
                ax.axvline(p, color="0.6", linestyle="--", linewidth=0.6, zorder=0)
            for y, (name, periods) in enumerate(((Platform.GH, gh), (Platform.HF, hf))):
                ax.scatter(sorted(periods), [y] * len(periods), s=8, color=COLOURS[name])
            ax.set_yticks([0, 1], [Platform.GH, Platform.HF])
            ax.set_ylim(1.6, -0.6)
            ax.set_xlim(-1, max([*gh, *hf], default=0) + 1)
            ax.set_title(title, fontsize=8, loc="left")
            ax.grid(visible=False)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(6, integer=True))
        np.atleast_1d(axes)[-1].set_xlabel(
            f"period ({window_days}-day windows since the family's first commit)"
        )
        fig.tight_layout()
        _finish(fig, Path(path), marker)


def _short(name: str, width: int = 32) -> str:
    """A model id without its owner, shortened in the middle (models differ at the end)."""
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
    """Horizontal bar charts, one panel per value of ``col``: side by side when the
    panels share their categories, else stacked, each with its own."""
    table = without_empty(table, x, y, col)
    panels = list(dict.fromkeys(table[col]))
    shared = len({frozenset(table.loc[table[col] == p, x]) for p in panels}) == 1
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        if shared:
            height = max(3.0, 0.26 * table[x].nunique())
            fig, axes = plt.subplots(1, len(panels), figsize=(7.2, height), sharey=True)
        else:
            sizes = [table.loc[table[col] == p, x].nunique() for p in panels]
            fig, axes = plt.subplots(
                len(panels),
                1,
                figsize=(6.3, 0.9 + 0.3 * sum(sizes)),
                gridspec_kw={"height_ratios": sizes},
            )
        axes = list(np.atleast_1d(axes))
        for ax, panel in zip(axes, panels, strict=True):
            _bars(ax, table[table[col] == panel], x, y, hue, horizontal=True)
            ax.set(xlabel=ylabel if (shared or ax is axes[-1]) else "", ylabel="")
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
            ax.set_title(str(panel), loc="left" if not shared else "center")
            if ax.get_legend() and ax is not axes[-1]:
                ax.get_legend().remove()
        fig.tight_layout()
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
    """A change-type x pattern heat map with the value written in each cell; patterns
    are columns, labelled by their codes (horizontal labels never collide)."""
    matrix = table.pivot_table(index=index, columns=columns, values=values, fill_value=0)
    patterns = [p for p in PATTERN_ORDER if p in matrix.index] + [
        p for p in matrix.index if p not in PATTERN_ORDER
    ]
    matrix = matrix.reindex(index=patterns, columns=load_taxonomy().names, fill_value=0).T
    # no empty category: change types no pattern has, patterns without commits
    matrix = matrix.loc[(matrix != 0).any(axis=1), (matrix != 0).any(axis=0)]
    codes = {name: code for code, name in reversed(list(PATTERN_NAMES.items()))}
    matrix.columns = [codes.get(p, p) for p in matrix.columns]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.8, 0.3 * len(matrix) + 1.2))
        sns.heatmap(
            matrix,
            annot=True,
            fmt=".0f",
            cmap="Blues",
            ax=ax,
            cbar_kws={"label": label},
            annot_kws={"fontsize": 6.5},
        )
        ax.set(xlabel="pattern (code)", ylabel="")
        plt.setp(ax.get_xticklabels(), rotation=0)
        _finish(fig, Path(path), marker)


def box_by_group(
    table: pd.DataFrame, x: str, y: str, col: str, path: Path, marker: str = "", ylabel: str = ""
) -> None:
    """Horizontal box plots of counts ``y`` per ``x``, one panel per value of ``col`` (in
    its colour where it has one), stacked; a log axis where the counts span two orders
    of magnitude."""
    panels = list(dict.fromkeys(table[col]))
    positive = table.loc[table[y] > 0, y]
    log = len(positive) > 0 and positive.max() / positive.min() >= 100
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        rows = table[x].nunique()
        fig, axes = plt.subplots(
            len(panels), 1, figsize=(6.3, len(panels) * (0.26 * rows + 0.9)), squeeze=False
        )
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            sns.boxplot(
                data=table[table[col] == panel],
                x=y,
                y=x,
                ax=ax,
                color=COLOURS.get(str(panel), OKABE_ITO[0]),
                fliersize=2,
                orient="h",
            )
            _scale(ax, log)
            ax.set(title=str(panel), ylabel="")
            ax.set(
                xlabel=ylabel + (" (symmetric log scale)" if log else "")
                if ax is axes[-1, 0]
                else ""
            )
        fig.tight_layout()
        _finish(fig, Path(path), marker)


def _scale(ax, log: bool) -> None:
    """A count axis from 0: logarithmic above 1 (linear below), or linear with few ticks."""
    if log:  # counts: nothing below zero
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
        ax.xaxis.set_major_locator(matplotlib.ticker.SymmetricalLogLocator(base=10, linthresh=1))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    else:
        ax.set_xlim(left=0)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5, integer=True))


def ecdf(table: pd.DataFrame, path: Path, marker: str = "", xlabel: str = "") -> None:
    """Empirical cumulative distributions (``sample``, ``days``, ``cumulative_percent``)
    as steps, one colour per sample; a symmetric-log day axis (zero days included)."""
    if table.empty:
        note(Path(path), marker, "No switch events in this run.")
        return
    with plt.rc_context(STYLE), sns.axes_style("whitegrid"):
        fig, ax = plt.subplots(figsize=(6.3, 3.0))
        for sample, rows in table.groupby("sample", sort=False):
            days = [0.0, *rows["days"]] if rows["days"].iloc[0] > 0 else list(rows["days"])
            share = (
                [0.0, *rows["cumulative_percent"]]
                if len(days) > len(rows)
                else list(rows["cumulative_percent"])
            )
            ax.step(days, share, where="post", label=str(sample), color=COLOURS.get(str(sample)))
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set(xlabel=xlabel, ylabel="% of values at most x days", ylim=(0, 100))
        ax.legend(title="sample")
        _finish(fig, Path(path), marker)
