"""Figure helpers write PNG and PDF, stamp demo data, and keep long labels apart."""

import pandas as pd

from ptlmsync import figures


def test_short_labels_keep_both_ends():
    assert figures._short("org/short") == "short"
    label = figures._short("org/" + "x" * 40 + "-variant-07")
    assert len(label) <= 32 and label.endswith("variant-07") and "…" in label


def test_every_helper_writes_png_and_pdf(tmp_path):
    table = pd.DataFrame(
        {
            "pattern": ["Frequent", "Sparse"] * 2,
            "n": [1, 2, 3, 4],
            "platform": ["GH", "GH", "HF", "HF"],
            "change_type": ["Sharing", "Input Data"] * 2,
        }
    )
    figures.bar_chart(table, "pattern", "n", tmp_path / "a.png", "DEMO", hue="platform")
    figures.faceted_bars(table, "pattern", "n", None, "platform", tmp_path / "b.png")
    figures.heatmap(table, "pattern", "change_type", "n", tmp_path / "c.png")
    figures.box_by_group(table, "pattern", "n", "platform", tmp_path / "d.png")
    figures.timeline({0, 1, 5}, {"o/m": {1, 7}}, "title", tmp_path / "e.png", "DEMO")
    for name in "abcde":
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    for name in "abcd":
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "e.pdf").exists()  # timelines: one per family, PNG only


def test_the_layout_check_finds_overlapping_text_and_a_legend_over_data():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "a long label here")
    ax.text(0.52, 0.5, "another long label")
    assert any("overlaps" in p for p in figures.layout_problems(fig))
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["a", "b"], [1, 1], label="bars")
    ax.legend(loc="center")  # right over the bars
    assert any("covers data" in p for p in figures.layout_problems(fig))
    plt.close(fig)


def test_helpers_leave_no_layout_problem_and_stamp_demo_data_in_the_margin(tmp_path):
    long = pd.DataFrame(
        {
            "pattern": ["Frequent", "Rare synchronisation", "Sporadic disjoint", "Rare disjoint"],
            "n": [10, 20, 2500, 3],
            "platform": ["GH", "GH", "HF", "HF"],
        }
    )
    figures.PROBLEMS.clear()
    figures.bar_chart(long, "pattern", "n", tmp_path / "a.png", "DEMO", hue="platform")
    figures.bar_chart(long, "pattern", "n", tmp_path / "b.png", "DEMO", horizontal=True)
    figures.box_by_group(long, "pattern", "n", "platform", tmp_path / "c.png", "DEMO")
    assert figures.PROBLEMS == []
    assert figures.palette(long, "pattern")["Frequent"] == figures.COLOURS["Frequent"]


def test_a_histogram_has_one_colour_and_keeps_its_empty_bins():
    import matplotlib.pyplot as plt

    hist = pd.DataFrame({"bin": ["0.0–0.5", "0.5–1.0", "1.0–1.5"], "percent": [60.0, 0.0, 40.0]})
    fig, ax = plt.subplots()
    figures._bars(ax, figures.without_empty(hist, "bin", "percent"), "bin", "percent", None, False)
    # three bins, the empty one kept; every bar the histogram colour, none a category's
    assert [t.get_text() for t in ax.get_xticklabels()] == list(hist["bin"])
    colours = {tuple(round(c, 3) for c in bar.get_facecolor()[:3]) for bar in ax.patches}
    assert colours == {
        tuple(round(int(figures.HISTOGRAM_COLOUR[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))
    }
    plt.close(fig)
