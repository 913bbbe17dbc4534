"""Original study vs this run: every published figure of the study beside the run's own
value (or the reason the run cannot have it), and the study's qualitative claims with a
verdict computed from the run's tables.

The study's figures are transcribed in ``data/study_numbers.csv`` (124 figures, with the
study's own notes on where its text and data disagree) and its claims in
``data/study_claims.csv``. A figure *matches* when the run's value, rounded to the study's
printed precision (or to the coarser step the text rounds to), equals it. Each figure and
claim carries the research question of this project's paper it belongs to (``rq``), so
the paper can count them per question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from itertools import combinations, pairwise
from pathlib import Path

import pandas as pd

from ptlmsync import stats
from ptlmsync.paper import format_value, p_stated
from ptlmsync.vocab import MATURITY_GROUPS, PATTERN_ORDER, Platform

COMPARISON_COLUMNS = [
    "key",
    "rq",
    "study",
    "this_run",
    "difference",
    "matches",
    "status",
    # a difference the published files reproduce when computed the study's way
    "reproduced_the_studys_way",
    "verdict",
    "unit",
    "where_in_study",
    "note",
]
CLAIM_COLUMNS = ["key", "rq", "claim", "verdict", "per_family", "evidence", "where_in_study"]

#: A figure's status: compared (matching or differing) or not computable by the run.
MATCHES, DIFFERS, NOT_COMPUTABLE = "matches", "differs", "not computable"
#: A claim's verdict.
HOLDS, DOES_NOT_HOLD, CANNOT = "holds", "does not hold", "cannot be checked"
VERDICTS = (HOLDS, DOES_NOT_HOLD, CANNOT)
#: A figure's verdict: reproduced; differing, where the published files give the study's
#: value when computed its way (explained) or not (unexplained); or not checkable here.
REPRODUCED, EXPLAINED, UNEXPLAINED = "reproduced", "differs, explained", "differs, unexplained"
FIGURE_VERDICTS = (REPRODUCED, EXPLAINED, UNEXPLAINED, CANNOT)
#: Where a figure or claim belongs: this project's research questions, or the dataset and
#: method the study describes.
RQS = ("dataset", "method", "RQ1", "RQ2", "RQ3", "RQ4")

#: Significance level of the study's tests (Bonferroni-adjusted p-values for Dunn).
ALPHA = 0.05
#: |rho| from which a correlation counts as "strong" (the usual convention).
STRONG_RHO = 0.7

#: Why the study's published files give another value than the study's text, where the
#: reason is known (checked on those files; docs/method.md, section 7). Keys are figure
#: keys or prefixes ending in ".". Attached only to a run whose inputs are exactly those
#: files (their SHA-256), never to other data.
KNOWN_DIFFERENCES = {
    "similarity.percent_above_0.3": (
        "the published scores give 77.5 %; the study's text prints 77 (rounded down)"
    ),
    **dict.fromkeys(
        ("sync_validation.n_sampled", "sync_validation.n_misclassified"),
        "the published manually coded sample holds 181 families, 172 of them analysed; their "
        "automatic and manual codes differ for 6 families by code and 5 by pattern name",
    ),
    "similarity_histogram.": (
        "in the published scores 8 families score exactly 0.3, 10 exactly 0.6 and 2 exactly "
        "0.7 (the edges were a hair above 0.3, 0.6 and 0.7); binned so, the published "
        "scores give every bar of the study's histogram"
    ),
    "maturity.": (
        "the run takes the published maturity groups as given (the published maturity "
        "column: 110 / 110 / 105 families aged 0-116.2 / 117-440 / 452-1867 days); the "
        "text's 109 / 108 / 109 families (326 in all) aged 1-113 / 116-430 / 436-1867 days "
        "do not match them; value terciles of the published ages (109 / 108 / 108 "
        "families, 0-113.4 / 116.2-436 / 439-1867 days) come closest — the text's first "
        "two counts and, rounded, its first two bounds — but not in every figure"
    ),
    **{
        f"contributors_median.GH.{pattern}": (
            "the published contributor file lists unmatched GitHub authors as one placeholder "
            "author 'Unknown', which this run does not count; counted, the file gives the "
            "study's median"
        )
        for pattern in ("Disperse", "Frequent", "Rare synchronisation", "Sporadic disjoint")
    },
    **dict.fromkeys(
        ("contributors_median.GH.Intermittent", "contributors_median.GH.Dense partial"),
        "counting the published file's placeholder author 'Unknown' too gives 25 "
        "(Intermittent) and 27.5 (Dense partial), still not the study's figures (read off its "
        "plot, 'approximately'): not reproducible from the published files",
    ),
    "contributors_median.HF.": (
        "the published contributor file's HF authors (linked GitHub profiles) give medians "
        "one below the study's for six patterns and 3.5 / 7 (the study 6.5 / 6) for "
        "Frequent / Dense partial: the study's HF counts are not reproducible from its "
        "published files (it read them off its plot, 'approximately')"
    ),
}

#: The known differences the published files reproduce when computed the study's way
#: (its floating-point bin edges, its rounding, its counting of unknown authors): figure
#: keys or prefixes ending in ".". The other known differences the published files
#: cannot reproduce at all.
REPRODUCED_THE_STUDYS_WAY = (
    "similarity.percent_above_0.3",
    "similarity_histogram.",
    *(
        f"contributors_median.GH.{pattern}"
        for pattern in ("Disperse", "Frequent", "Rare synchronisation", "Sporadic disjoint")
    ),
)


def _matches_key(key: str, entry: str) -> bool:
    """``key`` is the figure ``entry`` names, or under the prefix ``entry`` ("x.")."""
    return key == entry or (entry.endswith(".") and key.startswith(entry))


#: Why a run may lack a table (named in the reason a figure is not computable).
TABLE_NEEDS = {
    "change_types_by_platform": "change-type labels of commits",
    "chi2_change_types_by_maturity": "change-type labels of commits",
    "chi2_pattern_platform": "change-type labels of commits",
    "similarity": "change-type labels of commits or the study's similarity scores",
    "spearman_contributors": "each family's co-active periods, counted from its commits",
    "automated_sync": "the commits' messages and authors",
}

#: Pattern pairs the study reports as not significantly different (Dunn, Bonferroni):
#: the text beside its Table 3, and the pairs its Table 3 marks x (the two disagree).
STUDY_NOT_SIGNIFICANT = {
    "dunn_pattern.not_significant": [
        ("Frequent", "Intermittent"),
        ("Frequent", "Rare synchronisation"),
        ("Dense partial", "Disperse"),
        ("Dense partial", "Rare synchronisation"),
        ("Rare disjoint", "Sporadic disjoint"),
    ],
    "dunn_pattern.table3_not_significant": [
        ("Dense partial", "Rare disjoint"),
        ("Disperse", "Sparse"),
        ("Frequent", "Intermittent"),
        ("Intermittent", "Rare disjoint"),
        ("Rare synchronisation", "Sporadic disjoint"),
    ],
}


def _data_file(name: str) -> pd.DataFrame:
    path = resources.files("ptlmsync").joinpath(f"data/{name}")
    with resources.as_file(path) as csv:
        return pd.read_csv(csv, comment="#", dtype=str, keep_default_na=False)


def study_numbers() -> pd.DataFrame:
    """The study's published figures: key, value (as printed), unit, where_in_study, rq,
    rounded_to, note."""
    return _data_file("study_numbers.csv")


def study_claims() -> pd.DataFrame:
    """The study's qualitative claims: key, claim, where_in_study, rq."""
    return _data_file("study_claims.csv")


def decimals(printed: str) -> int:
    """Decimal places of a printed number ("0.0412" -> 4, "325" -> 0)."""
    return len(printed.split(".")[1]) if "." in printed else 0


def _frame(table) -> pd.DataFrame | None:
    """A table given as a DataFrame, a CSV path or None."""
    if table is None or isinstance(table, pd.DataFrame):
        return table
    return pd.read_csv(table)


class RunFigures:
    """The run's value for each key of the study's table, or why the run has none.

    ``families`` (sync/family_codes.csv: family, age_days, maturity) gives the maturity
    groups' sizes and age bounds; ``contributors`` (sync/contributors.csv: family,
    n_shared_authors) the study's contributor groups; ``switches`` (sync/switches.csv:
    family, source, target, days) the switch events by direction. All are optional
    (DataFrame or path): without them, the figures that need them are not computable."""

    def __init__(
        self,
        numbers: dict,
        tables_dir: str | Path,
        families=None,
        contributors=None,
        switches=None,
    ):
        self.numbers = numbers
        self.tables = Path(tables_dir)
        self.families = _frame(families)
        self.contributors = _frame(contributors)
        self.switches = _frame(switches)
        self._read: dict[str, pd.DataFrame | None] = {}  # each table read once

    # --- reading ------------------------------------------------------------------------

    def _table(self, name: str) -> pd.DataFrame | None:
        if name not in self._read:
            path = self.tables / f"{name}.csv"
            try:
                self._read[name] = pd.read_csv(path) if path.exists() else None
            except pd.errors.EmptyDataError:
                self._read[name] = pd.DataFrame()
        return self._read[name]

    def table(self, name: str) -> tuple[pd.DataFrame | None, str]:
        """A non-empty table of the run, or None and why the run has none."""
        t = self._table(name)
        if t is None:
            need = TABLE_NEEDS.get(name)
            return None, f"the run wrote no {name} table" + (f" (it needs {need})" if need else "")
        if t.empty:
            return None, f"the run's {name} table is empty"
        return t, ""

    def number(self, *path: str):
        """A value of numbers.json (None where absent or null)."""
        node = self.numbers
        for part in path:
            if not isinstance(node, dict) or node.get(part) is None:
                return None
            node = node[part]
        return node

    def _from_numbers(self, *path: str):
        value = self.number(*path)
        return (value, "") if value is not None else (None, f"the run has no {'.'.join(path)}")

    def _rows(self, name: str, where: dict) -> tuple[pd.DataFrame | None, str]:
        t, why = self.table(name)
        if t is None:
            return None, why
        for col, value in where.items():
            if col not in t:
                return None, f"the run's {name} table has no column {col}"
            t = t[t[col] == value]
        if t.empty:
            cells = ", ".join(f"{c} = {v}" for c, v in where.items())
            return None, f"the run's {name} table has no row with {cells}"
        return t, ""

    def _cell(self, name: str, where: dict, column: str):
        rows, why = self._rows(name, where)
        if rows is None:
            return None, why
        if column not in rows:
            return None, f"the run's {name} table has no column {column}"
        value = rows[column].iloc[0]
        return (float(value), "") if pd.notna(value) else (None, f"{column} is undefined")

    def _share(self, name: str, where: dict, denominator: str = "denominator"):
        """Percent of a row's n in its denominator (from the counts, never from a rounded
        percentage, where the table has them)."""
        rows, why = self._rows(name, where)
        if rows is None:
            return None, why
        row = rows.iloc[0]
        if "n" not in row or denominator not in row:
            return float(row["percent"]), ""
        if not row[denominator]:
            return None, "no family in the group"
        return 100 * float(row["n"]) / float(row[denominator]), ""

    # --- one branch per kind of key (the study's keys mapped in one place) ---------------

    def figure(self, key: str) -> tuple[object, str]:
        """(the run's value, "") or (None, why the run cannot have it)."""
        head, _, rest = key.partition(".")
        parts = rest.split(".")
        if head == "dataset":
            return self._dataset(rest)
        if head == "labels":  # labels.kappa.<platform>: the mean over runs
            return self._from_numbers(head, *parts, "mean")
        if head == "sync_validation":
            if self.number(head, "applies") is False:
                setting = self.number(head, "setting") or "another setting"
                return None, f"the run's coding ({setting}) is not the reference codes' setting"
            # the study names the cross-variant VSS like ASS: its "misclassified" are
            # the families whose pattern name differs
            return self._from_numbers(
                head, {"n_misclassified": "n_pattern_name_disagreements"}.get(rest, rest)
            )
        if head == "change_types":
            platform, change_type = rest.split(".", 1)
            return self._change_type_share(platform, change_type)
        if head in ("chi2_change_types_by_maturity", "chi2_pattern_platform"):
            group, stat = rest.rsplit(".", 1)
            column = "maturity" if head == "chi2_change_types_by_maturity" else "pattern"
            return self._cell(head, {column: group}, stat)
        if head == "similarity" and rest == "percent_above_0.3":
            return self._from_numbers("similarity", "percent_above_0_3")
        if head == "chi2_similarity_contributors":  # the study's own design
            return self._from_numbers(head, rest)
        if head in ("lag_distribution", "pattern_distribution"):
            return self._share(head, {head.removesuffix("_distribution"): rest})
        if head.startswith("switch_days_by_"):
            return self._cell(head, {"group": rest}, "mean_days")
        if head == "maturity":
            return self._maturity(*parts)
        if head == "similarity_histogram":
            return self._histogram_bin(float(rest.split("-")[0]))
        if head == "similarity_by_maturity":
            group, level = parts
            return self._share(head, {"similarity_level": level, "maturity": group})
        if head == "similarity_by_contributors":
            return self._similarity_by_contributor_group(*parts)
        if head == "pattern_by_maturity":
            group, pattern = rest.split(".", 1)
            where = {"pattern": pattern, "maturity": group}
            return self._share(head, where, "n_maturity")
        if head == "lag_by_maturity":
            group, lag = rest.split(".", 1)
            return self._share(head, {"lag": lag, "maturity": group}, "n_all")
        if head == "pattern_by_release":
            release, pattern = rest.split(".", 1)
            return self._share(head, {"pattern": pattern, "release": release})
        if head == "contributors_median":
            platform, pattern = rest.split(".", 1)
            where = {"pattern": pattern, "platform": platform}
            return self._cell("contributors_by_pattern", where, "median")
        if head == "spearman_contributors_pattern":
            return self._cell("spearman_contributors", {"platform": parts[0]}, parts[1])
        return None, f"no rule maps the study's key {key!r} to the run's tables"

    def value(self, key: str):
        """The run's figure for a key of the study's table (None where it has none)."""
        return self.figure(key)[0]

    def _dataset(self, name: str):
        if name == "extraction_date":
            date = self.number("extraction_date")
            if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                return date, ""
            return None, f"the run has no extraction date of its own ({date or 'none'})"
        value, why = self._from_numbers(name)
        if value is None and name in ("n_gh_commits", "n_hf_commits"):
            why = "the run's source holds no commits"
        return value, why

    def _change_type_share(self, platform: str, change_type: str):
        rows, why = self._rows("change_types_by_platform", {"platform": platform})
        if rows is None:
            return None, why
        if "n" not in rows:
            return self._cell(
                "change_types_by_platform",
                {"platform": platform, "change_type": change_type},
                "percent",
            )
        n = rows.loc[rows["change_type"] == change_type, "n"].sum()
        return 100 * float(n) / float(rows["n"].sum()), ""

    def _maturity(self, stat: str, group: str):
        if self.families is None:
            return None, "the comparison was given no family table (sync/family_codes.csv)"
        if self.families.empty:
            return None, "the run's family table is empty"
        ages = self.families.loc[self.families["maturity"] == group, "age_days"]
        if stat == "n_families":
            return len(ages), ""
        ages = ages.dropna()
        if ages.empty:
            return None, f"no family with an age in the {group} group"
        return float(ages.min() if stat == "min_age_days" else ages.max()), ""

    def _histogram_bin(self, start: float):
        t, why = self.table("similarity_histogram")
        if t is None:
            return None, why
        rows = t[t["bin_start"].round(1) == round(start, 1)]
        if rows.empty:
            return None, f"the run's histogram has no bin from {start}"
        return self._share("similarity_histogram", {"bin_start": rows["bin_start"].iloc[0]})

    def study_contributor_groups(self) -> tuple[pd.DataFrame | None, str]:
        """Similarity level x the study's contributor groups (its computed design: single =
        0 or 1 shared contributors, multiple = more or absent from the contributor table),
        over the scored families: counts with similarity levels as rows."""
        if self.contributors is None:
            return None, "the comparison was given no contributor table (sync/contributors.csv)"
        sim, why = self.table("similarity")
        if sim is None:
            return None, why
        scores = stats.scored(sim)
        if scores.empty:
            return None, "no family has a similarity score"
        shared = (
            scores["family"]
            .map(self.contributors.set_index("family")["n_shared_authors"])
            .astype(float)
        )
        absent = ~scores["family"].isin(set(self.contributors["family"]))
        group = stats.contributor_groups(shared, absent, "study_computed")
        levels = stats.similarity_levels(scores["jaccard"])
        counts = pd.crosstab(levels, group).reindex(
            index=stats.SIMILARITY_LEVELS, columns=["single", "multiple"], fill_value=0
        )
        return counts.fillna(0), ""

    def _similarity_by_contributor_group(self, group: str, level: str):
        counts, why = self.study_contributor_groups()
        if counts is None:
            return None, why
        total = counts[group].sum()
        if not total:
            return None, f"no scored family in the {group} group"
        return 100 * float(counts.loc[level, group]) / float(total), ""


# --- figures ------------------------------------------------------------------------------


def _matches(value: float, printed: str, rounded_to: str) -> bool:
    study = float(printed)
    if rounded_to:
        step = float(rounded_to)
        return round(value / step) * step == study
    return round(value, decimals(printed)) == study


def compare_with_study(
    numbers: dict, tables_dir: str | Path, families=None, contributors=None
) -> pd.DataFrame:
    """One row per figure of the study (all 124): the study's value (as printed), the run's
    (rounded to one digit more than the study prints; a date for the extraction date), their
    difference, whether they match at the study's printed precision, the status (matches /
    differs / not computable) and a note (the study's own, why the run differs where that
    is known, or why the run cannot have the figure).

    ``families`` and ``contributors`` (DataFrames or paths of sync/family_codes.csv and
    sync/contributors.csv) give the maturity groups and the study's contributor groups."""
    figures = RunFigures(numbers, tables_dir, families, contributors)
    demo = bool(numbers.get("demo"))
    published_files = bool(numbers.get("published_files"))
    rows = []
    for published in study_numbers().itertuples(index=False):
        value, why = figures.figure(published.key)
        row = {
            "key": published.key,
            "rq": published.rq,
            "study": published.value,  # as printed: its decimals are the study's precision
            "this_run": None,
            "difference": None,
            "matches": pd.NA,
            "status": NOT_COMPUTABLE,
            "unit": published.unit,
            "where_in_study": published.where_in_study,
        }
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            if published.unit == "date":
                row["this_run"] = str(value)
                row["matches"] = str(value) == published.value
            else:
                places = max(decimals(published.value), 2) + 1
                row["this_run"] = round(float(value), places)
                row["difference"] = round(float(value) - float(published.value), places)
                row["matches"] = _matches(float(value), published.value, published.rounded_to)
            row["status"] = MATCHES if row["matches"] else DIFFERS
        row["note"] = _note(published, row["status"], why, demo, published_files)
        row["reproduced_the_studys_way"] = (
            row["status"] == DIFFERS
            and published_files
            and not demo
            and any(_matches_key(published.key, e) for e in REPRODUCED_THE_STUDYS_WAY)
        )
        row["verdict"] = figure_verdict(row["status"], row["reproduced_the_studys_way"])
        rows.append(row)
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    table["matches"] = table["matches"].astype("boolean")
    return table


def figure_verdict(status: str, reproduced_the_studys_way: bool) -> str:
    """A compared figure's verdict from its status (:data:`FIGURE_VERDICTS`)."""
    if status == MATCHES:
        return REPRODUCED
    if status == DIFFERS:
        return EXPLAINED if reproduced_the_studys_way else UNEXPLAINED
    return CANNOT


def _note(published, status: str, why: str, demo: bool, published_files: bool) -> str:
    """The study's own note on the figure, and why this run differs where it does (a known
    reason only where the run's inputs are the study's published files) or cannot have it."""
    notes = [published.note] if published.note else []
    if status == NOT_COMPUTABLE:
        notes.append(f"not computable by this run: {why}")
    if demo:
        notes.append("synthetic demo data: not comparable with the study")
    elif status == DIFFERS:
        known = [
            text
            for key, text in KNOWN_DIFFERENCES.items()
            if published_files
            and (published.key == key or (key.endswith(".") and published.key.startswith(key)))
        ]
        notes += known or ["differs from the study; no explanation recorded"]
    return "; ".join(notes)


# --- claims -------------------------------------------------------------------------------


def _verdict(checks: list[bool | None]) -> str:
    """Any contrary finding refutes the claim; it holds only where every part is checked."""
    if any(c is False for c in checks):
        return DOES_NOT_HOLD
    if checks and all(c is True for c in checks):
        return HOLDS
    return CANNOT


def _pair(a: str, b: str) -> str:
    return f"{a} vs {b}"


def _dunn_pairs(figures: RunFigures, name: str) -> tuple[dict[frozenset, float], str]:
    """Bonferroni-adjusted Dunn p-values of a run's matrix, by unordered pair."""
    t, why = figures.table(name)
    if t is None:
        return {}, why
    matrix = t.set_index("group")
    pairs = {}
    for a, b in combinations(matrix.index, 2):
        if b in matrix.columns and pd.notna(matrix.loc[a, b]):
            pairs[frozenset((a, b))] = float(matrix.loc[a, b])
    return pairs, ""


def _dunn_against(pairs: dict, claimed: dict) -> tuple[list, list[str], list[str]]:
    """Each pattern pair checked against the claim (significant unless claimed not):
    the checks, the pairs against the claim (with p) and the pairs without a p-value."""
    checks, wrong, missing = [], [], []
    for a, b in combinations(PATTERN_ORDER, 2):
        p = pairs.get(frozenset((a, b)))
        if p is None:
            checks.append(None)
            missing.append(_pair(a, b))
            continue
        expected_significant = frozenset((a, b)) not in claimed
        ok = (p < ALPHA) == expected_significant
        checks.append(ok)
        if not ok:
            said = "significant" if expected_significant else "not significant"
            wrong.append(f"{_pair(a, b)} ({p_stated(p)}; the claim: {said})")
    return checks, wrong, missing


def dunn_against_published(published: pd.DataFrame, run: pd.DataFrame) -> dict:
    """This run's Dunn p-values between patterns (per switch event) against the matrix
    the study published (its first column names the rows; its pattern names are mapped
    to ours): pairs compared, pairs equal to 1e-9 relative, pairs with the same verdict
    at ALPHA, and the largest absolute difference."""
    from ptlmsync.vocab import STUDY_PATTERN_NAMES

    def ours(name: str) -> str:
        key = str(name).lower().removesuffix(" pattern").strip()
        return STUDY_PATTERN_NAMES.get(key, name)

    theirs = published.set_index(published.columns[0]).rename(index=ours, columns=ours)
    mine = run.set_index("group")
    common = [g for g in PATTERN_ORDER if g in theirs.index and g in mine.index]
    pairs = [
        (float(theirs.loc[a, b]), float(mine.loc[a, b]))
        for a, b in combinations(common, 2)
        if pd.notna(theirs.loc[a, b]) and pd.notna(mine.loc[a, b])
    ]
    if not pairs:
        return {"n_pairs": 0, "n_equal": 0, "n_same_verdict": 0, "max_difference": None}
    return {
        "n_pairs": len(pairs),
        "n_equal": sum(abs(t - m) <= 1e-9 * max(abs(t), abs(m), 1e-300) for t, m in pairs),
        "n_same_verdict": sum((t < ALPHA) == (m < ALPHA) for t, m in pairs),
        "max_difference": max(abs(t - m) for t, m in pairs),
    }


#: Per family, the pairs against a claim are named up to this many (else counted): the
#: per-event pairs, which decide the verdict, are always named.
MAX_PAIRS_NAMED = 5


def _check_dunn_patterns(figures: RunFigures, key: str) -> tuple[str, str, str]:
    """The study's list of pattern pairs whose days do not differ, per switch event (the
    study's unit, which decides the verdict) and per family mean (its own verdict)."""
    claimed = {frozenset(p): p for p in STUDY_NOT_SIGNIFICANT[key]}
    pairs, why = _dunn_pairs(figures, "dunn_pattern")
    if not pairs:
        return CANNOT, why
    checks, wrong, missing = _dunn_against(pairs, claimed)
    n_checked = sum(c is not None for c in checks)
    evidence = (
        f"Dunn's test between patterns (switch events, Bonferroni-adjusted): "
        f"{n_checked - len(wrong)} of {n_checked} pairs as the claim says"
        + (f"; against it: {'; '.join(wrong)}" if wrong else "")
    )
    if missing:
        evidence += f"; pairs without a p-value in this run: {'; '.join(missing)}"
    per_family, _ = _dunn_pairs(figures, "dunn_pattern_per_family")
    family_verdict = CANNOT
    if per_family:
        family_checks, wrong_family, _ = _dunn_against(per_family, claimed)
        family_verdict = _verdict(family_checks)
        n = len(wrong_family)
        evidence += f"; per family mean: {n} pair{'' if n == 1 else 's'} against the claim" + (
            f" ({'; '.join(wrong_family)})" if 0 < len(wrong_family) <= MAX_PAIRS_NAMED else ""
        )
    return _verdict(checks), evidence, family_verdict


def _kruskal_row(figures: RunFigures, grouping: str, unit: str = "switch event"):
    rows, _ = figures._rows("kruskal", {"unit": unit, "grouping": grouping})
    return None if rows is None else rows.iloc[0]


def _check_groups_differ(figures: RunFigures, grouping: str, ranking: list[str] | None):
    """Kruskal-Wallis across the groups (switch events), the ranking of their mean days
    where the claim gives one, and every Dunn pair significant."""
    checks, evidence = [], []
    test = _kruskal_row(figures, grouping)
    if test is None:
        checks.append(None)
        evidence.append("no Kruskal-Wallis test of switch events in this run")
    else:
        checks.append(bool(test["p"] < ALPHA))
        effect = test.get("epsilon2")
        evidence.append(
            f"Kruskal-Wallis H = {test['H']:.2f}, {p_stated(test['p'])}"
            + (
                ""
                if effect is None or pd.isna(effect)
                else f", ε² = {format_value(effect, 'epsilon2')}"
            )
            + " (switch events)"
        )
    if ranking:
        means = {}
        for group in ranking:
            value, _ = figures._cell(f"switch_days_by_{grouping}", {"group": group}, "mean_days")
            means[group] = value
        if any(v is None for v in means.values()):
            checks.append(None)
            evidence.append("mean days missing for some group")
        else:
            ordered = all(means[a] > means[b] for a, b in pairwise(ranking))
            checks.append(ordered)
            evidence.append(
                "mean days "
                + ", ".join(f"{g} {means[g]:.2f}" for g in ranking)
                + ("" if ordered else " (not the claimed order)")
            )
    pairs, _ = _dunn_pairs(figures, f"dunn_{grouping}")
    groups = ranking or MATURITY_GROUPS
    dunn = []
    for a, b in combinations(groups, 2):
        p = pairs.get(frozenset((a, b)))
        checks.append(None if p is None else p < ALPHA)
        dunn.append(f"{_pair(a, b)} {'no p-value' if p is None else p_stated(p)}")
    evidence.append("Dunn (Bonferroni-adjusted): " + "; ".join(dunn))
    # per family mean (its own verdict; the study's unit decides the claim's): the
    # Kruskal-Wallis test and the pairs with one value per family, the ranking as above
    per_family, _ = _dunn_pairs(figures, f"dunn_{grouping}_per_family")
    family_test = _kruskal_row(figures, grouping, unit="family mean")
    family_checks = [None if family_test is None else bool(family_test["p"] < ALPHA)]
    family_checks += checks[1:2] if ranking else []
    if per_family:
        apart = [
            _pair(a, b)
            for a, b in combinations(groups, 2)
            if per_family.get(frozenset((a, b)), 1.0) < ALPHA
        ]
        n = len(list(combinations(groups, 2)))
        family_checks += [
            None if per_family.get(frozenset(pair)) is None else per_family[frozenset(pair)] < ALPHA
            for pair in combinations(groups, 2)
        ]
        evidence.append(
            f"per family mean, {len(apart)} of {n} pairs differ significantly"
            + (f" ({'; '.join(apart)})" if apart else "")
        )
    else:
        family_checks.append(None)
    return _verdict(checks), "; ".join(evidence), _verdict(family_checks)


def _check_lag_groups(figures: RunFigures, key: str):
    return _check_groups_differ(figures, "lag", ["HF first", "GH first", "Simultaneous"])


def _check_maturity_groups(figures: RunFigures, key: str):
    return _check_groups_differ(figures, "maturity", None)


def _check_gh_first_days(figures: RunFigures, key: str):
    """The claim as the study states it: the GH-first families' time from GH to HF, that
    is their GH-to-HF switch events; their mean over both directions is told beside it
    (the study's 15.82 is that mean)."""
    study = study_numbers().set_index("key").loc["switch_days_by_lag.GH first", "value"]
    mean, _ = figures._cell("switch_days_by_lag", {"group": "GH first"}, "mean_days")
    both = "" if mean is None else f"; their mean over both directions is {mean:.2f} days"
    s, f = figures.switches, figures.families
    if s is None or f is None or not {"source", "target", "days"} <= set(s.columns):
        return CANNOT, "the run has no switch events by direction" + both
    gh_first = set(f.loc[f["lag"] == "GH first", "family"])
    to_hf = s.loc[s["family"].isin(gh_first) & (s["source"] == "GH") & (s["target"] == "HF")]
    if to_hf.empty:
        return CANNOT, "no GH-first family has a GH-to-HF switch event" + both
    directed = float(to_hf["days"].mean())
    evidence = (
        f"the GH-first families' {len(to_hf):,} GH-to-HF switch events take "
        f"{directed:.2f} days on average{both}; the study: {study}"
    )
    return _verdict([_matches(directed, study, "")]), evidence


def _check_average_delay(figures: RunFigures, key: str):
    study = study_numbers().set_index("key").loc["switch_days_by_lag.Simultaneous", "value"]
    t, why = figures.table("switch_days_by_lag")
    if t is None:
        return CANNOT, why
    events = t[t["n_switches"] > 0]
    if events.empty:
        return CANNOT, "the run has no switch events"
    mean = float((events["n_switches"] * events["mean_days"]).sum() / events["n_switches"].sum())
    simultaneous, _ = figures._cell("switch_days_by_lag", {"group": "Simultaneous"}, "mean_days")
    evidence = (
        f"the mean over all {events['n_switches'].sum():,.0f} switch events is {mean:.2f} days"
        f" (from the lag groups' means); {study} days is the Simultaneous group's mean in the "
        f"study (this run: {'none' if simultaneous is None else f'{simultaneous:.2f}'}); "
        "whether synchronisation is manual is checked under automation.evidence"
    )
    return _verdict([_matches(mean, study, "")]), evidence


def _check_automation(figures: RunFigures, key: str):
    t, why = figures.table("automated_sync")
    if t is None:
        return CANNOT, why
    synced = t[t["n_sync_hf"] > 0]
    evidence = (
        f"{len(synced)} of {len(t)} families have HF commits made by a synchronisation tool "
        f"({int(synced['n_sync_hf'].sum())} commits, {int(synced['n_linked'].sum())} naming "
        "the GH commit they mirror)"
    )
    if len(synced):
        evidence += ": " + ", ".join(synced["family"].head(5)) + (", …" if len(synced) > 5 else "")
    return _verdict([synced.empty]), evidence


def _check_similarity_peak(figures: RunFigures, key: str):
    shares = {}
    for group in MATURITY_GROUPS:
        value, why = figures._share(
            "similarity_by_maturity", {"similarity_level": "high", "maturity": group}
        )
        if value is None:
            return CANNOT, why
        shares[group] = value
    peak = max(shares, key=shares.get)
    unique = sorted(shares.values())[-1] > sorted(shares.values())[-2]
    evidence = "share of families with high similarity (top tercile): " + ", ".join(
        f"{g} {v:.1f}%" for g, v in shares.items()
    )
    test, _ = figures.table("chi2_similarity_maturity")
    if test is not None and len(test) and pd.notna(test["p"].iloc[0]):
        # a peak the test cannot tell from chance is reported, not hidden in "holds"
        evidence += (
            f"; similarity level x maturity: chi-square {p_stated(test['p'].iloc[0])}"
            f", V = {format_value(test['cramers_v'].iloc[0], 'cramers_v')}"
        )
    return _verdict([peak == "Intermediate" and unique]), evidence


def _check_contributors_similarity(figures: RunFigures, key: str):
    checks, evidence = [], []
    counts, why = figures.study_contributor_groups()
    if counts is None:
        checks.append(None)
        evidence.append(why)
    else:
        share = 100 * counts / counts.sum().where(counts.sum() > 0)
        multiple_high, multiple_low = share.loc["high", "multiple"], share.loc["low", "multiple"]
        single_high = share.loc["high", "single"]
        if pd.isna(multiple_high) or pd.isna(single_high):
            checks.append(None)
            evidence.append("a contributor group has no scored family")
        else:
            checks.append(bool(multiple_high > multiple_low and multiple_high > single_high))
            evidence.append(
                f"multiple shared contributors ({int(counts['multiple'].sum())} families): "
                f"{multiple_high:.1f}% high vs {multiple_low:.1f}% low similarity; single "
                f"({int(counts['single'].sum())} families): {single_high:.1f}% high"
            )
    p = figures.number("chi2_similarity_contributors", "p")
    if p is None:
        checks.append(None)
        evidence.append("no chi-square test of the study's design in this run")
    else:
        checks.append(p < ALPHA)
        evidence.append(f"chi-square (the study's design) {p_stated(p)}")
    # the verdict is the study's own design's; the other designs say how much it rests on
    for key_, design in (
        ("chi2_similarity_contributors_text", "the design its text describes"),
        ("chi2_similarity_contributors_robustness", "the 3 x 3 table with 'none'"),
    ):
        other = figures.number(key_, "p")
        if other is not None:
            evidence.append(f"{design}: {p_stated(other)}")
    return _verdict(checks), "; ".join(evidence)


def _check_spearman(figures: RunFigures, key: str):
    checks, evidence = [], []
    for platform in (Platform.HF, Platform.GH):
        rows, why = figures._rows("spearman_contributors", {"platform": platform})
        if rows is None or pd.isna(rows["rho"].iloc[0]):
            checks.append(None)
            evidence.append(f"{platform}: {why or 'rho undefined'}")
            continue
        rho, p = float(rows["rho"].iloc[0]), float(rows["p"].iloc[0])
        checks.append(rho <= -STRONG_RHO and p < 0.001)
        evidence.append(f"{platform}: rho = {format_value(rho, 'rho')}, {p_stated(p)}")
    return _verdict(checks), "; ".join(evidence) + f" (strong: rho ≤ -{STRONG_RHO})"


#: One check per claim of data/study_claims.csv: (verdict, evidence) from the run.
CLAIM_CHECKS = {
    "dunn_pattern.not_significant": _check_dunn_patterns,
    "dunn_pattern.table3_not_significant": _check_dunn_patterns,
    "kruskal_lag.all_pairs_significant": _check_lag_groups,
    "kruskal_maturity.all_pairs_significant": _check_maturity_groups,
    "switch_days.gh_to_hf": _check_gh_first_days,
    "switch_days.average_delay": _check_average_delay,
    "automation.evidence": _check_automation,
    "maturity.similarity_peak": _check_similarity_peak,
    "contributors.similarity": _check_contributors_similarity,
    "spearman_contributors.negative": _check_spearman,
}


def check_claims(
    numbers: dict, tables_dir: str | Path, families=None, contributors=None, switches=None
) -> pd.DataFrame:
    """One row per claim of the study: key, rq, claim, verdict (holds / does not hold /
    cannot be checked), evidence (the run's figures that decide it) and where_in_study.
    Inputs as for :func:`compare_with_study`."""
    figures = RunFigures(numbers, tables_dir, families, contributors, switches)
    rows = []
    for claim in study_claims().itertuples(index=False):
        # a check of a claim the study decided per switch event also gives the verdict
        # with one value per family ("" where the claim has no such unit)
        verdict, evidence, *per_family = CLAIM_CHECKS[claim.key](figures, claim.key)
        if numbers.get("demo"):
            evidence += " (synthetic demo data)"
        rows.append(
            {
                "key": claim.key,
                "rq": claim.rq,
                "claim": claim.claim,
                "verdict": verdict,
                "per_family": per_family[0] if per_family else "",
                "evidence": evidence,
                "where_in_study": claim.where_in_study,
            }
        )
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


# --- counts for the paper -----------------------------------------------------------------


def _figure_counts(table: pd.DataFrame) -> dict:
    status = table["status"]
    return {
        "n_figures": len(table),
        "n_compared": int((status != NOT_COMPUTABLE).sum()),
        "n_matching": int((status == MATCHES).sum()),
        "n_differing": int((status == DIFFERS).sum()),
        "n_differing_reproduced_the_studys_way": int(
            ((status == DIFFERS) & table["reproduced_the_studys_way"].astype(bool)).sum()
        ),
        "n_not_computable": int((status == NOT_COMPUTABLE).sum()),
    }


def _claim_counts(claims: pd.DataFrame) -> dict:
    verdict = claims["verdict"]
    return {
        "n_claims": len(claims),
        "n_holds": int((verdict == HOLDS).sum()),
        "n_does_not_hold": int((verdict == DOES_NOT_HOLD).sum()),
        "n_cannot_be_checked": int((verdict == CANNOT).sum()),
    }


def comparison_numbers(table: pd.DataFrame, claims: pd.DataFrame | None = None) -> dict:
    """Counts for the paper's text: figures compared / matching / differing / not
    computable, overall and by research question (``by_rq``), and (given the claims) the
    verdicts under ``claims`` (:func:`claim_numbers`)."""
    differing = table.loc[table["status"] == DIFFERS, "key"]
    counts = {
        **_figure_counts(table),
        "keys_differing": ", ".join(differing) or "none",
        "by_rq": {rq: _figure_counts(table[table["rq"] == rq]) for rq in RQS},
    }
    if claims is not None:
        counts["claims"] = claim_numbers(claims)
    return counts


def claim_numbers(claims: pd.DataFrame) -> dict:
    """Counts of the claims' verdicts (holds / does not hold / cannot be checked), the keys
    with each verdict, the counts by research question (``by_rq``), and of the claims the
    study decided per switch event, how many hold with one value per family too."""
    per_event = claims[claims["per_family"].fillna("") != ""] if "per_family" in claims else []
    held = per_event[per_event["verdict"] == HOLDS] if len(per_event) else per_event
    return {
        **_claim_counts(claims),
        "n_per_event": len(per_event),
        "n_holds_per_event": len(held),
        "n_holds_per_family_too": int((held["per_family"] == HOLDS).sum()) if len(held) else 0,
        **{
            f"keys_{verdict.replace(' ', '_')}": ", ".join(
                claims.loc[claims["verdict"] == verdict, "key"]
            )
            or "none"
            for verdict in VERDICTS
        },
        "by_rq": {rq: _claim_counts(claims[claims["rq"] == rq]) for rq in RQS},
    }


# --- labels for the paper -----------------------------------------------------------------

#: Per kind of key (its first part): how the paper names one figure (from the key's other
#: parts) and the kind as a whole (where figures are listed in a sentence). One place.
FIGURE_LABELS: dict[str, tuple[Callable[[list[str]], str], str]] = {
    "dataset": (
        lambda p: {
            "n_families": "families analysed",
            "n_models": "HF models",
            "n_gh_commits": "GH commits",
            "n_hf_commits": "HF commits",
            "extraction_date": "extraction date",
        }.get(p[0], p[0]),
        "the data set's size",
    ),
    "labels": (lambda p: f"labelling kappa, {p[-1]}", "the labelling kappas"),
    "sync_validation": (
        lambda p: {
            "kappa_lag": "coding kappa, lag",
            "kappa_code": "coding kappa, pattern",
            "n_sampled": "coding check: families sampled",
            "n_misclassified": "coding check: families misclassified",
        }.get(p[0], p[0]),
        "the coding check",
    ),
    "change_types": (lambda p: f"{p[0]} commits: {p[1]} (%)", "the change-type shares"),
    "chi2_change_types_by_maturity": (
        lambda p: f"type × platform, {p[0]}: " + ("χ²" if p[1] == "chi2" else "Cramér's V"),
        "the change-type tests by maturity",
    ),
    "similarity": (lambda p: "families with similarity > 0.3 (%)", "the share above 0.3"),
    "chi2_similarity_contributors": (
        lambda p: (
            "similarity × contributors: "
            + {"chi2": "χ²", "p": "p", "cramers_v": "Cramér's V"}.get(p[0], p[0])
        ),
        "the similarity × contributors test",
    ),
    "lag_distribution": (lambda p: f"{p[0]} (% of families)", "the lag shares"),
    "pattern_distribution": (lambda p: f"{p[0]} (% of families)", "the pattern shares"),
    "chi2_pattern_platform": (
        lambda p: f"platform × category, {p[0]}: χ²",
        "the platform × category tests per pattern",
    ),
    "switch_days_by_lag": (lambda p: f"mean days, {p[0]}", "the mean days by lag"),
    "switch_days_by_pattern": (lambda p: f"mean days, {p[0]}", "the mean days by pattern"),
    "switch_days_by_maturity": (lambda p: f"mean days, {p[0]}", "the mean days by maturity"),
    "maturity": (
        lambda p: (
            f"{p[1]}: "
            + {"n_families": "families", "min_age_days": "min. age (days)"}.get(
                p[0], "max. age (days)"
            )
        ),
        "the maturity groups",
    ),
    "similarity_histogram": (
        lambda p: f"similarity {p[0]}–{p[1]} (% of families)",
        "the similarity histogram",
    ),
    "similarity_by_maturity": (
        lambda p: f"{p[0]}: {p[1]} similarity (%)",
        "the similarity levels by maturity",
    ),
    "similarity_by_contributors": (
        lambda p: (
            f"{p[0]} shared contributor{'s' if p[0] == 'multiple' else ''}: {p[1]} similarity (%)"
        ),
        "the similarity levels by contributors",
    ),
    "pattern_by_maturity": (lambda p: f"{p[0]}: {p[1]} (% of group)", "the patterns by maturity"),
    "lag_by_maturity": (lambda p: f"{p[0]} & {p[1]} (% of all)", "the lags by maturity"),
    "pattern_by_release": (
        lambda p: f"{'single' if p[0] == 'single' else 'multi'}-model & {p[1]} (% of all)",
        "the patterns by release",
    ),
    "contributors_median": (
        lambda p: f"median {p[0]} contributors, {p[1]}",
        "the contributor medians",
    ),
    "spearman_contributors_pattern": (
        lambda p: f"Spearman's ρ, {p[0]}",
        "the Spearman correlations",
    ),
}


def _key_parts(key: str) -> tuple[str, list[str]]:
    """A key's kind and its other parts (group names may hold dots: "0.0-0.1")."""
    head, _, rest = key.partition(".")
    if head == "similarity_histogram":
        return head, rest.split("-")
    if head in ("similarity", "dataset") or not rest:
        return head, [rest]
    if head in ("change_types", "contributors_median", "spearman_contributors_pattern"):
        return head, rest.split(".", 1)
    if head in ("chi2_change_types_by_maturity", "chi2_pattern_platform"):
        return head, rest.rsplit(".", 1)
    if head in ("pattern_by_maturity", "lag_by_maturity", "pattern_by_release", "maturity"):
        return head, rest.split(".", 1)
    return head, rest.split(".")


def figure_label(key: str) -> str:
    """How the paper names one of the study's figures ("mean days, GH first")."""
    head, parts = _key_parts(key)
    if head not in FIGURE_LABELS:
        return key
    return FIGURE_LABELS[head][0](parts)


def figure_group(key: str) -> str:
    """The kind of figure a key belongs to, in words ("the similarity histogram")."""
    head, parts = _key_parts(key)
    if head == "dataset":  # the data set's size, its commits and its date are told apart
        return {
            "n_gh_commits": "the commit counts",
            "n_hf_commits": "the commit counts",
            "extraction_date": "the extraction date",
        }.get(parts[0], FIGURE_LABELS[head][1])
    return FIGURE_LABELS.get(head, (None, head))[1]


#: How the paper names each claim of data/study_claims.csv in a sentence.
CLAIM_LABELS = {
    "dunn_pattern.not_significant": "the text's list of pattern pairs whose days do not differ",
    "dunn_pattern.table3_not_significant": "the list of such pairs in the study's Table 3",
    "kruskal_lag.all_pairs_significant": "that the days differ between every two lags",
    "kruskal_maturity.all_pairs_significant": (
        "that the days differ between every two maturity groups"
    ),
    "switch_days.gh_to_hf": "the GH-first families' 15.82 days",
    "switch_days.average_delay": "an average delay of 9.32 days",
    "automation.evidence": "that no family synchronises automatically",
    "maturity.similarity_peak": "that similarity peaks in the Intermediate group",
    "contributors.similarity": "that shared contributors go with higher similarity",
    "spearman_contributors.negative": "a strong negative correlation of patterns and contributors",
}


def claim_label(key: str) -> str:
    """How the paper names one of the study's claims in a sentence."""
    return CLAIM_LABELS.get(key, key)
