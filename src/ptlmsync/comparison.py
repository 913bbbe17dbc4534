"""Original study vs this run: every published headline figure the run's data allows,
beside the run's own value, with a note wherever the two differ.

The study's figures are transcribed in ``data/study_numbers.csv`` (with its own notes on
where the study's text and data disagree). A figure *matches* when the run's value,
rounded to the study's printed precision, equals it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

COMPARISON_COLUMNS = ["key", "study", "this_run", "difference", "matches", "unit", "note"]

#: Why the study's published files give another value than the study's text, where the
#: reason is known (checked on those files; docs/method.md, section 7). Attached only to
#: a run whose inputs are exactly those files (their SHA-256), never to other data.
KNOWN_DIFFERENCES = {
    "similarity.percent_above_0.3": (
        "the published scores give 77.5 %; the study's text prints 77 (rounded down)"
    ),
}


def study_numbers() -> pd.DataFrame:
    """The study's published figures: key, value (as printed), unit, where_in_study, note."""
    path = resources.files("ptlmsync").joinpath("data/study_numbers.csv")
    with resources.as_file(path) as csv:
        table = pd.read_csv(csv, comment="#", dtype=str, keep_default_na=False)
    return table


def decimals(printed: str) -> int:
    """Decimal places of a printed number ("0.0412" -> 4, "325" -> 0)."""
    return len(printed.split(".")[1]) if "." in printed else 0


class RunFigures:
    """The run's value for each key of the study's table (None where the run has none)."""

    def __init__(self, numbers: dict, tables_dir: str | Path):
        self.numbers = numbers
        self.tables = Path(tables_dir)
        self._read: dict[str, pd.DataFrame | None] = {}  # each table read once

    def _table(self, name: str) -> pd.DataFrame | None:
        if name not in self._read:
            path = self.tables / f"{name}.csv"
            self._read[name] = pd.read_csv(path) if path.exists() else None
        return self._read[name]

    def _number(self, *path: str):
        node = self.numbers
        for part in path:
            if not isinstance(node, dict) or node.get(part) is None:
                return None
            node = node[part]
        return node

    def _cell(self, table: str, where: dict, column: str):
        t = self._table(table)
        if t is None:
            return None
        for col, value in where.items():
            t = t[t[col] == value]
        return float(t[column].iloc[0]) if len(t) else None

    def value(self, key: str):
        """The run's figure for a key of the study's table (one branch per kind of key)."""
        head, _, rest = key.partition(".")
        if head == "dataset":
            return self._number(rest)
        if head == "labels":  # labels.kappa.<platform>: the mean over runs
            return self._number(head, *rest.split("."), "mean")
        if head == "sync_validation":
            return self._number(head, rest)
        if head == "change_types":
            platform, change_type = rest.split(".", 1)
            where = {"platform": platform, "change_type": change_type}
            return self._cell("change_types_by_platform", where, "percent")
        if head == "chi2_change_types_by_age":
            group, stat = rest.rsplit(".", 1)
            return self._cell(head, {"age_group": group}, stat)
        if head == "similarity" and rest == "percent_above_0.3":
            return self._number("similarity", "percent_above_0_3")
        if head == "chi2_similarity_contributors":
            return self._number(head, rest)
        if head in ("lag_distribution", "pattern_distribution"):
            column = head.removesuffix("_distribution")
            return self._cell(head, {column: rest}, "percent")
        if head == "chi2_pattern_platform":
            pattern, stat = rest.rsplit(".", 1)
            return self._cell(head, {"pattern": pattern}, stat)
        if head.startswith("switch_days_by_"):
            return self._cell(head, {"group": rest}, "mean_days")
        return None


def compare_with_study(numbers: dict, tables_dir: str | Path) -> pd.DataFrame:
    """One row per study figure that this run also has: study, this_run, difference,
    whether they match at the study's printed precision, and the note."""
    figures = RunFigures(numbers, tables_dir)
    demo = bool(numbers.get("demo"))
    published_files = bool(numbers.get("published_files"))
    rows = []
    for published in study_numbers().itertuples(index=False):
        value = figures.value(published.key)
        if value is None or pd.isna(value):
            continue
        study = float(published.value)
        places = decimals(published.value)
        matches = round(float(value), places) == study
        rows.append(
            {
                "key": published.key,
                "study": study,
                "this_run": round(float(value), max(places, 2) + 1),
                "difference": round(float(value) - study, max(places, 2) + 1),
                "matches": matches,
                "unit": published.unit,
                "note": _note(published, matches, demo, published_files),
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _note(published, matches: bool, demo: bool, published_files: bool) -> str:
    """The study's own note on the figure, and why this run differs where it does: a
    known reason only where the run's inputs are the study's published files."""
    notes = [published.note] if published.note else []
    if demo:
        notes.append("synthetic demo data: not comparable with the study")
    elif not matches:
        known = [
            text
            for prefix, text in KNOWN_DIFFERENCES.items()
            if published_files and published.key.startswith(prefix)
        ]
        notes += known or ["differs from the study; no explanation recorded"]
    return "; ".join(notes)


def comparison_numbers(table: pd.DataFrame) -> dict:
    """Counts for the paper's text."""
    return {
        "n_compared": len(table),
        "n_matching": int(table["matches"].sum()) if len(table) else 0,
        "n_differing": int((~table["matches"]).sum()) if len(table) else 0,
        "keys_differing": ", ".join(table.loc[~table["matches"], "key"]) or "none",
    }
