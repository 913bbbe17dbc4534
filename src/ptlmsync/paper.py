"""Render the Quarto manuscript in ``paper/`` from the workflow's results.

The paper's sources are copied to a build directory next to generated files:
``_variables.yml`` (every number, from ``numbers.json``), ``_metadata.yml`` (the
source-aware subtitle), ``_tables/*.md`` (tables from ``results/<run>/tables/``) and
``figures/``. Then ``quarto render`` runs where Quarto is installed; elsewhere a
fallback resolves the manuscript's shortcodes and cross-references itself and
renders with pandoc (pypandoc_binary) to Typst and the typst package to PDF.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ptlmsync import outputs
from ptlmsync.demo import DEMO_MARKER
from ptlmsync.vocab import LAG_ORDER, MATURITY_GROUPS, PATTERN_NAMES, PATTERN_ORDER, Source

log = logging.getLogger(__name__)

VAR = re.compile(r"\{\{<\s*var\s+([\w.]+)\s*>\}\}")
INCLUDE = re.compile(r"\{\{<\s*include\s+(\S+)\s*>\}\}")
FIG_ID = re.compile(r"\{#(fig-[\w-]+)[^}]*\}")
FIG_ATTRS = re.compile(r"\{#(fig-[\w-]+)([^}]*)\}")
TBL_ID = re.compile(r"\{#(tbl-[\w-]+)\}")
XREF = re.compile(r"@((?:fig|tbl)-[\w-]+)")
FIG_CAPTION = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)\{#(fig-[\w-]+)")
TBL_CAPTION = re.compile(r"^: (.*?) \{#(tbl-[\w-]+)\}", re.MULTILINE)
#: A conditional block with no fenced div inside (nested blocks resolve innermost first).
CONDITIONAL = re.compile(
    r"^::: *\{\.content-(visible|hidden) +when-meta=\"([\w-]+)\"\} *\n"
    r"((?:(?!:::).*\n)*?)^::: *$\n?",
    re.MULTILINE,
)


#: The demo's banner at the top of every HTML page (both renderers include it).
DEMO_BANNER = "demo-banner.html"


class PaperError(RuntimeError):
    """The manuscript uses something the results do not define."""


def is_p_value(key: str) -> bool:
    """Whether a key or column holds a p-value (``p``, ``p_bonferroni``, ``…_p``)."""
    return key == "p" or key.startswith("p_") or key.endswith("_p")


def format_p(value) -> str:
    """A p-value as printed: ``< 0.001`` below 0.001, else three significant digits."""
    return "< 0.001" if value < 0.001 else f"{value:.3g}"


#: Effect sizes and correlations, printed with three decimals wherever they appear
#: (0.016 beside 0.008, never 0.0156 beside 0.008).
EFFECT_SIZES = ("epsilon2", "cramers_v", "rho", "rank_biserial", "kappa")


def is_effect_size(key: str) -> bool:
    return any(key == e or key.startswith(f"{e}_") for e in EFFECT_SIZES)


def format_value(value, key: str = "") -> str:
    """A number as printed: thousands separators, one decimal from 1 on, three
    significant digits below; effect sizes with three decimals; years (keys ending in
    ``year``) as they are; p-values (see ``format_p``) never in scientific notation."""
    if key.endswith("year") and isinstance(value, int):
        return str(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if is_p_value(key) and isinstance(value, float | int) and not isinstance(value, bool):
        return format_p(value)
    if is_effect_size(key) and isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.3f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def variables(numbers: dict) -> dict:
    """``numbers.json`` with every leaf formatted for print (nested keys kept). Each
    p-value ``k`` also has ``k_stated``, the whole statement ("p < 0.001", "p = 0.0412"),
    so that the text never writes "p = " before a value that carries its own relation
    (Quarto substitutes variables verbatim)."""
    out = {}
    for k, v in numbers.items():
        if isinstance(v, dict):
            out[k] = variables(v)
            continue
        out[k] = format_value(v, k)
        if is_p_value(k) and not k.endswith("_stated"):
            out[f"{k}_stated"] = p_stated(v)
    return out


def p_stated(value) -> str:
    """A p-value as a statement: "p < 0.001", "p = 0.0412" ("p n/a" where undefined)."""
    if value is None or isinstance(value, bool) or not isinstance(value, float | int):
        return "p n/a" if value is None else f"p = {value}"
    if pd.isna(value):
        return "p n/a"
    return f"p {format_p(value)}" if value < 0.001 else f"p = {format_p(value)}"


def lookup(tree: dict, dotted: str):
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise PaperError(f"paper uses {{{{< var {dotted} >}}}}, which numbers.json lacks")
        node = node[part]
    if isinstance(node, dict):
        raise PaperError(f"paper variable {dotted!r} names a group, not a number")
    return node


def subtitle(numbers: dict) -> str:
    if numbers.get("demo"):
        return (
            f"{numbers.get('marker') or DEMO_MARKER}: a self-test of the workflow on its "
            "embedded synthetic dataset, which is mined from no repository"
        )
    if numbers["source"] == "replication":
        return "A re-analysis of the original study's published files"
    return f"Results computed on {numbers['source']} data extracted {numbers['extraction_date']}"


def with_widths(table: str, widths: list[int]) -> str:
    """A pipe table whose separator line gives each column ``widths[i]`` dashes."""
    lines = table.splitlines()
    cells = lines[1].strip("|").split("|")
    aligned = [
        (":" if c.strip().startswith(":") else "-")
        + "-" * (w - 2)
        + (":" if c.strip().endswith(":") else "-")
        for c, w in zip(cells, widths, strict=True)
    ]
    lines[1] = "|" + "|".join(aligned) + "|"
    return "\n".join(lines)


def significance_matrix(csv_path: Path) -> str:
    """A Dunn table as a lower-triangle matrix of adjusted p-values (groups in the
    paper's order, patterns abbreviated by their codes, which the caption explains;
    p < 0.05 in bold)."""
    try:
        df = pd.read_csv(csv_path).set_index("group")
    except pd.errors.EmptyDataError:  # fewer than two groups: nothing to compare
        return "*(No two groups with switch events to compare in this run.)*"
    order = [g for g in [*PATTERN_ORDER, *LAG_ORDER, *MATURITY_GROUPS] if g in df.index]
    groups = order + [g for g in df.index if g not in order]
    df = df.loc[groups, groups]
    codes = {name: code for code, name in reversed(list(PATTERN_NAMES.items()))}
    short = {g: codes.get(g, g) for g in groups}
    rows = [
        [short[row], *(_p_cell(df.loc[row, col]) for col in groups[:i])]
        + [""] * (len(groups) - 1 - i)
        for i, row in enumerate(groups)
        if i > 0
    ]
    table = pd.DataFrame(rows, columns=["", *(short[c] for c in groups[:-1])])
    return table.to_markdown(index=False, disable_numparse=True)


def _p_cell(p) -> str:
    """A matrix cell: the p-value as the text prints it (three significant digits, so
    that a bold value never reads 0.050), bold below 0.05; a dash where undefined."""
    if pd.isna(p):
        return "–"
    text = format_p(p)
    return f"**{text}**" if p < 0.05 else text


def markdown_table(
    csv_path: Path,
    columns: list[str],
    widths: tuple[int, ...] = (),
    full_precision=False,
    dropped_if_constant: tuple[str, ...] = (),
) -> str:
    """The table's ``columns`` as a pipe table (``Shown`` in ptlmsync.outputs)."""
    # the study's figures as it printed them ("0.140", never 0.14)
    df = pd.read_csv(csv_path, keep_default_na=False, na_values=[""], dtype={"study": str})
    if "note" in df:
        df["note"] = df["note"].fillna("")
    if csv_path.stem == "comparison_with_study":
        df = comparison_rows(df, csv_path.parent)
    for column in ("evidence", "text"):
        if column in df:
            df[column] = df[column].fillna("").map(plain)
    empty = EMPTY_WHEN.get(csv_path.stem)
    if empty and empty in df:  # no empty category in a table
        df = df[df[empty] > 0]
    if csv_path.stem == "topics":  # the largest topic of each group with one
        df = df[df["rank"] == 1].assign(
            terms=lambda d: d["terms"].map(lambda t: ", ".join(str(t).split(", ")[:5])),
            example=lambda d: d["examples"].fillna("").map(lambda e: e.split(" | ")[0][:80]),
        )
        # the matched share under other seeds (topics.stability), † where unstable
        # (none where the run measured no stability)
        df["stability"] = [
            None if pd.isna(share) else f"{share:.2f}" + ("" if _true(ok) else " †")
            for share, ok in zip(
                df.get("stability", pd.Series(None, index=df.index, dtype=float)),
                df.get("stable", pd.Series(None, index=df.index, dtype=object)),
                strict=True,
            )
        ]
    constant = [c for c in dropped_if_constant if c in df and df[c].nunique(dropna=False) == 1]
    if constant:
        widths = tuple(w for c, w in zip(columns, widths, strict=False) if c not in constant)
        columns = [c for c in columns if c not in constant]
    shown = df[columns].astype(object).where(df[columns].notna(), None)  # "–", never "nan"
    numeric = [
        (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
        or is_p_value(c)
        for c in columns
    ]
    for column in columns:
        shown[column] = _table_cells(shown[column], column, full_precision)
    # headers with spaces wrap in a narrow column; "n_pattern_changed" would run over
    # its neighbours in the PDF
    shown.columns = [TABLE_HEADERS.get(c, c.replace("_", " ")) for c in columns]
    table = shown.to_markdown(
        index=False,
        missingval="–",
        disable_numparse=True,
        colalign=["right" if n else "left" for n in numeric],
    )
    return with_widths(table, list(widths)) if widths else table


#: Headers printed otherwise than their column's name.
TABLE_HEADERS = {
    "epsilon2": "ε²",
    "p_bonferroni": "p (Bonferroni)",
    "cramers_v": "Cramér's V",
    "key": "figure",
    "rq": "question",
    "this_run": "this run",
    "p90": "90th pct.",
    "q1": "1st quartile",
    "q3": "3rd quartile",
    "percent_same_day": "% same day",
    "percent_over_30": "% over 30 days",
    "percent_days_longest_tenth": "% of days in the longest tenth",
    "largest_difference": "largest difference",
    "not_computable": "not computable",
    "not_holding": "not holding",
    "not_checkable": "not checkable",
}

#: Tables whose rows with nothing in a count column are left out of the paper (an
#: empty category), by that column.
EMPTY_WHEN = {
    "lag_distribution": "n",
    "pattern_distribution": "n",
    "switch_days_by_lag": "n_switches",
    "switch_days_by_pattern": "n_switches",
    "switch_days_by_maturity": "n_switches",
}

#: Research questions as the comparison's appendix names them.
RQ_SHORT = {"dataset": "data", "method": "method"}


def comparison_rows(df: pd.DataFrame, tables_dir: Path) -> pd.DataFrame:
    """The comparison's appendix: the compared figures (those not computable are named
    in a sentence) in the order of the research questions, each by its label
    (ptlmsync.comparison.figure_label), its notes by their numbers in the notes table."""
    from ptlmsync.comparison import DIFFERS, MATCHES, RQS, figure_label
    from ptlmsync.tables import note_pieces

    notes_csv = tables_dir / "comparison_notes.csv"
    numbers = {}
    if notes_csv.exists():
        notes = pd.read_csv(notes_csv, keep_default_na=False)
        numbers = dict(zip(notes["text"], notes["note"], strict=True))
    df = df[df["status"].isin([MATCHES, DIFFERS])].copy()
    df["order"] = df["rq"].map({rq: i for i, rq in enumerate(RQS)})
    df = df.sort_values("order", kind="stable")
    df["note"] = [
        ", ".join(str(numbers[p]) for p in note_pieces(k, n) if p in numbers)
        for k, n in zip(df["key"], df["note"], strict=True)
    ]
    df["this_run"] = [
        at_study_precision(run, study, status == DIFFERS)
        for run, study, status in zip(df["this_run"], df["study"], df["status"], strict=True)
    ]
    df["key"] = df["key"].map(figure_label)
    df["rq"] = df["rq"].map(lambda rq: RQ_SHORT.get(rq, rq))
    return df


def at_study_precision(run, study: str, differs: bool) -> str:
    """The run's value printed with the decimals the study printed ("1.00" beside "1.00",
    not "1"), one more where rounding would make a differing value look equal or hide
    its fraction (77.5 beside the study's 77, not 78); text (a date) as it is."""
    from ptlmsync.comparison import decimals

    try:
        value = float(run)
    except (TypeError, ValueError):
        return str(run)
    places = decimals(str(study))
    text = f"{value:.{places}f}"
    if differs and float(text) != value:
        text = f"{value:.{places + 1}f}"
    return text


def plain(text: str) -> str:
    """A note or evidence without the run's table and key names."""
    text = re.sub(r"the run wrote no \w+ table \(it needs ([^)]*)\)", r"not without \1", text)
    text = re.sub(r"checked under [\w.]+", "checked by the claim on automation", text)
    return text


def _table_cells(values: pd.Series, column: str, full: bool) -> pd.Series:
    """A column's cells as printed, with the precision of the text's numbers
    (``format_value``): p-values by ``format_p``, a column of whole numbers as whole
    numbers with thousands separators, yes / no for booleans, and the study comparison's
    figures with every digit (never in scientific notation)."""

    def number(v):
        if isinstance(v, bool | np.bool_) or not isinstance(v, float | int | np.number):
            return None
        return None if pd.isna(v) else float(v)

    numbers = [number(v) for v in values]
    whole = all(v.is_integer() for v in numbers if v is not None)
    # one precision per quantity: a column with a value from 1 on prints every value with
    # one decimal (mean days 0.9 beside 127.4, never 0.87 beside 127.4)
    large = any(abs(v) >= 1 for v in numbers if v is not None)

    def positional(v: float, digits: int) -> str:
        return np.format_float_positional(float(f"{v:.{digits}g}"), trim="-")

    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None  # printed as "–", never "nan"
        if isinstance(v, bool | np.bool_):
            return "yes" if v else "no"
        x = number(v)
        if x is None:
            return v
        if is_p_value(column):
            return format_p(x)
        if is_effect_size(column) and not full:
            return f"{x:.3f}"
        if full:
            return positional(x, 6)
        if whole:  # thousands separators, as in the text
            return f"{int(x):,}"
        return f"{x:.1f}" if large or x == 0 else positional(x, 3)

    printed = values.map(cell).astype(object)
    return printed.where(printed.notna(), None)  # map turns None into NaN


def _true(value) -> bool:
    """A boolean cell of a CSV read back (True, "True" or "true")."""
    return str(value).lower() == "true"


def validation_flags(validation: dict) -> dict:
    """Which of the three validation paragraphs applies (exactly one is true)."""
    compared = bool(validation.get("n_families"))
    applies = compared and bool(validation.get("applies"))
    return {
        "validation-applies": applies,
        "validation-other-window": compared and not applies,
        "validation-none": not compared,
    }


def prepare_build(paper_dir, tables_dir, figures_dir, build_dir, paper_tables=None) -> Path:
    """Copy the sources and write the generated inputs; return the build directory."""
    build = Path(build_dir).resolve()
    if build.exists():
        shutil.rmtree(build)
    shutil.copytree(paper_dir, build)
    shutil.copytree(figures_dir, build / "figures")
    numbers = json.loads((Path(tables_dir) / "numbers.json").read_text())
    (build / "_variables.yml").write_text(yaml.safe_dump(variables(numbers), sort_keys=False))
    meta = {
        "subtitle": subtitle(numbers),
        # flags for the manuscript's conditional content (when-meta)
        "labels-available": bool(numbers.get("labels_available", True)),
        "commits-available": bool(numbers.get("commits_available", True)),
        "demo": bool(numbers.get("demo", False)),
        "crawled": "crawl" in numbers,
        "labeller-remote": bool((numbers.get("labels") or {}).get("remote")),
        "files-available": bool((numbers.get("rq4") or {}).get("files_available")),
        "automated-sync": bool(
            ((numbers.get("rq4") or {}).get("automated") or {}).get("n_families")
        ),
        "commits-no-files": bool(numbers.get("commits_available", True))
        and not (numbers.get("rq4") or {}).get("files_available"),
        "comparable": not numbers.get("demo", False),
        "unlabelled-commits": bool(numbers.get("n_unlabelled_excluded")),
        "topic-stability": bool((numbers.get("topics") or {}).get("stability_measured")),
        "topics-found": bool((numbers.get("topics") or {}).get("n_groups_with_topic")),
        # the offline rules labelling the demo's commits, whose messages the generator
        # wrote from the rules' own vocabulary: agreement by construction
        "labels-by-construction": bool(numbers.get("demo"))
        and bool(numbers.get("labels_available", True))
        and not (numbers.get("labels") or {}).get("remote"),
        # one flag per data source, for the manuscript's source-specific text
        **{f"source-{name}": numbers.get("source") == name for name in Source},
        **validation_flags(numbers.get("sync_validation") or {}),
    }
    (build / "_metadata.yml").write_text(yaml.safe_dump(meta))
    if numbers.get("demo"):
        mark_demo(build, numbers.get("marker") or DEMO_MARKER)
    (build / "_tables").mkdir()
    for stem, shown in (outputs.paper_tables() if paper_tables is None else paper_tables).items():
        csv = Path(tables_dir) / f"{stem}.csv"
        if csv.exists():
            (build / "_tables" / f"{stem}.md").write_text(table_text(csv, shown) + "\n")
    return build


def table_text(csv: Path, shown: outputs.Shown) -> str:
    """A table as the paper shows it: a significance matrix or a pipe table."""
    if shown.matrix:
        return significance_matrix(csv)
    return markdown_table(
        csv, list(shown.columns), shown.widths, shown.full_precision, shown.dropped_if_constant
    )


def mark_demo(build: Path, marker: str) -> None:
    """Mark the build's manuscript as made from demo data: the title (and so the PDF's
    metadata), every figure and table caption, and a running header on every page of
    the PDF (appended to the Typst preamble both renderers include)."""
    qmd = build / "index.qmd"
    front, body = split_front_matter(qmd.read_text())
    front["title"] = f"{marker}: {front.get('title') or 'ptlm-sync'}"
    # the HTML's "running header": a banner that stays at the top of the window
    (build / DEMO_BANNER).write_text(
        '<div style="position: sticky; top: 0; z-index: 10; background: #fff4f4; '
        "color: #a00000; text-align: center; font-size: 0.8em; padding: 0.2em; "
        f'border-bottom: 1px solid #a00000;">{marker} — generated by the workflow, mined '
        "from no repository</div>\n"
    )
    front.setdefault("format", {}).setdefault("html", {})["include-before-body"] = DEMO_BANNER
    body = FIG_CAPTION.sub(
        lambda m: f"![{marker}. {m.group(1)}]({m.group(2)}){{#{m.group(3)}", body
    )
    body = TBL_CAPTION.sub(lambda m: f": {marker}. {m.group(1)} {{#{m.group(2)}}}", body)
    front_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    qmd.write_text(f"---\n{front_text}---{body}")
    header = json.dumps(
        f"{marker} — generated by the workflow, mined from no repository", ensure_ascii=False
    )
    preamble = build / "typst-preamble.typ"
    existing = preamble.read_text() if preamble.exists() else ""
    preamble.write_text(
        existing + "\n// demo data: a running header on every page\n"
        f'#set page(header: align(center, text(size: 8pt, fill: rgb("#a00000"), {header})))\n'
    )


def render(
    paper_dir,
    tables_dir,
    figures_dir,
    build_dir,
    pdf_out,
    html_out,
    renderer: str = "auto",
    paper_tables: dict | None = None,
) -> str:
    """Render the paper to ``pdf_out`` and ``html_out``; return the renderer used."""
    build = prepare_build(paper_dir, tables_dir, figures_dir, build_dir, paper_tables)
    use_quarto = renderer == "quarto" or (renderer == "auto" and shutil.which("quarto"))
    if use_quarto:
        _render_quarto(build)
        used = "quarto"
    else:
        _render_fallback(build)
        used = "fallback (pandoc + typst)"
    shutil.copyfile(build / "index.pdf", pdf_out)
    shutil.copyfile(build / "index.html", html_out)
    log.info("paper rendered with %s", used)
    return used


def _render_quarto(build: Path) -> None:
    for fmt in ("typst", "html"):
        subprocess.run(["quarto", "render", "index.qmd", "--to", fmt], cwd=build, check=True)


# --- the fallback renderer ----------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    _, front, body = text.split("---", 2)
    return yaml.safe_load(front) or {}, body


def apply_conditions(body: str, meta: dict) -> str:
    """Keep or drop ``::: {.content-visible|hidden when-meta="key"}`` blocks, as Quarto does."""

    def keep(match: re.Match) -> str:
        kind, key, content = match.groups()
        if key not in meta:
            raise PaperError(f"paper: when-meta={key!r} names no metadata key")
        shown = bool(meta[key]) if kind == "visible" else not bool(meta[key])
        return content if shown else ""

    while True:  # innermost blocks first, until none is left
        body, n = CONDITIONAL.subn(keep, body)
        if not n:
            break
    left = re.search(r"^:::.*content-(visible|hidden).*$", body, re.MULTILINE)
    if left:
        raise PaperError(f"paper: a conditional block the fallback cannot read: {left[0]!r}")
    return body


def substitute(text: str, numbers: dict) -> str:
    """``var`` shortcodes replaced by their values; "p = < 0.001" reads "p < 0.001"."""
    text = VAR.sub(lambda m: str(lookup(numbers, m.group(1))), text)
    return re.sub(r"=(\s+)< 0\.001", r"<\g<1>0.001", text)


def resolve(body: str, build: Path, numbers: dict, html: bool = False) -> str:
    """Resolve includes, ``var`` shortcodes and figure/table cross-references.

    Typst numbers captions itself; for HTML (``html``) the captions get their numbers
    ("Figure 3: …") and every cross-reference links to its figure or table, as Quarto's
    HTML does."""
    body = INCLUDE.sub(lambda m: (build / m.group(1)).read_text(), body)
    body = substitute(body, numbers)
    labels = {}
    for pattern, name in ((FIG_ID, "Figure"), (TBL_ID, "Table")):
        for i, ident in enumerate(dict.fromkeys(pattern.findall(body)), start=1):
            labels[ident] = f"{name} {i}"
    missing = sorted(set(XREF.findall(body)) - set(labels))
    if missing:
        raise PaperError(f"paper cross-references undefined labels: {missing}")
    if html:
        body = FIG_CAPTION.sub(
            lambda m: f"![{labels[m.group(3)]}: {m.group(1)}]({m.group(2)}){{#{m.group(3)}",
            body,
        )
        body = TBL_CAPTION.sub(
            lambda m: f"[]{{#{m.group(2)}}}\n\n: {labels[m.group(2)]}: {m.group(1)}", body
        )
        return XREF.sub(lambda m: f"[{labels[m.group(1)]}](#{m.group(1)})", body)
    # the figure's label goes (Typst numbers it), its width stays, as in Quarto's PDF
    body = FIG_ATTRS.sub(lambda m: f"{{{m.group(2).strip()}}}" if m.group(2).strip() else "", body)
    body = TBL_ID.sub("", body)
    return XREF.sub(lambda m: labels[m.group(1)], body)


def quarto_page(build: Path) -> dict:
    """The page Quarto would set for the Typst PDF (``_quarto.yml``'s ``format.typst``:
    paper size, margins, font size) as pandoc's Typst template variables."""
    project = build / "_quarto.yml"
    if not project.exists():
        return {}
    typst_format = ((yaml.safe_load(project.read_text()) or {}).get("format") or {}).get("typst")
    if not isinstance(typst_format, dict):
        return {}
    return {k: typst_format[k] for k in ("papersize", "margin", "fontsize") if k in typst_format}


def _render_fallback(build: Path) -> None:
    import pypandoc
    import typst

    front, body = split_front_matter((build / "index.qmd").read_text())
    front |= yaml.safe_load((build / "_metadata.yml").read_text())
    front.pop("format", None)
    front = quarto_page(build) | front
    numbers = yaml.safe_load((build / "_variables.yml").read_text())
    if "abstract" in front:
        front["abstract"] = substitute(front["abstract"], numbers)
    body = apply_conditions(body, front)
    md, html_md = build / "index.md", build / "index-html.md"
    for path, html in ((md, False), (html_md, True)):
        text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n"
        text += resolve(body, build, numbers, html=html)
        leftover = re.findall(r"\{\{<.*?>\}\}", text)
        if leftover:
            raise PaperError(
                f"paper: shortcodes the fallback renderer does not support: {leftover}"
            )
        path.write_text(text)
    common = ["--standalone", "--citeproc", f"--resource-path={build}"]
    preamble = build / "typst-preamble.typ"  # the same file Quarto includes
    header = [f"--include-in-header={preamble}"] if preamble.exists() else []
    banner = build / DEMO_BANNER  # demo data: marked at the top of the HTML page too
    banner = [f"--include-before-body={banner}"] if banner.exists() else []
    pypandoc.convert_file(
        str(md),
        "typst",
        outputfile=str(build / "index.typ"),
        extra_args=[*common, *header],
        cworkdir=str(build),
    )
    typst.compile(str(build / "index.typ"), output=str(build / "index.pdf"), root=str(build))
    pypandoc.convert_file(
        str(html_md),
        "html",
        outputfile=str(build / "index.html"),
        extra_args=[*common, "--embed-resources", "--mathml", *banner],
        cworkdir=str(build),
    )
