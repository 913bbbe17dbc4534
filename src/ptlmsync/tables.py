"""One function per table of a ``tabulate_*`` rule or of ``compile_numbers``, named as
the table (its declaration, :data:`ptlmsync.outputs.TABLES`, says which rule writes it).

Each takes the rule's :class:`RuleInputs`, which reads an input file the first time a
table asks for it, and returns the table. :func:`make_tables` makes every table a rule
declares, in declaration order, so a table may use one made before it
(``data.table(name)``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import pandas as pd

from ptlmsync import stats
from ptlmsync.comparison import (
    CANNOT,
    DIFFERS,
    DOES_NOT_HOLD,
    EXPLAINED,
    HOLDS,
    MATCHES,
    REPRODUCED,
    UNEXPLAINED,
    check_claims,
    claim_numbers,
    compare_with_study,
    comparison_numbers,
    figure_group,
    figure_label,
    study_numbers,
)
from ptlmsync.contributors import shared_level
from ptlmsync.demo import AUTOSYNC_WINDOW
from ptlmsync.outputs import TABLES
from ptlmsync.vocab import (
    LAG_ORDER,
    PATTERN_NAMES,
    PATTERN_ORDER,
    SWITCH_GROUPINGS,
    Platform,
)


class RuleInputs:
    """A rule's inputs (file paths by name) and parameters, read when first used."""

    def __init__(self, paths: dict, params: dict | None = None, **values):
        # an optional input the source has none of is empty: left out
        self.paths = {name: path for name, path in paths.items() if path}
        self.params = dict(params or {})
        self.__dict__.update(values)  # values the rule computed (numbers, tables_dir)
        self._made: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        """A table of this rule, made once."""
        if name not in self._made:
            self._made[name] = globals()[name](self)
        return self._made[name]

    @cached_property
    def every_label(self) -> pd.DataFrame:
        """Every commit's label of the statistics repeat, Unlabelled included."""
        from ptlmsync.label.reading import read_labels

        return read_labels(self.paths["labels"], self.params.get("statistics_repeat", "majority"))

    @cached_property
    def labels(self) -> pd.DataFrame:
        """The labelled commits (the Unlabelled left out of every change-type statistic)."""
        from ptlmsync.label.reading import labelled_only

        return labelled_only(self.every_label)

    @cached_property
    def families(self) -> pd.DataFrame:
        return pd.read_csv(self.paths["families"])

    @cached_property
    def contributors(self) -> pd.DataFrame:
        return pd.read_csv(self.paths["contributors"])

    @cached_property
    def similarity(self) -> pd.DataFrame:
        """The similarity scores with their unscored reason ("" where scored; the study's
        published scores have no such column)."""
        sim = pd.read_csv(self.paths["similarity"], dtype={"unscored_reason": str})
        if "unscored_reason" not in sim:
            sim["unscored_reason"] = ""
        sim["unscored_reason"] = sim["unscored_reason"].fillna("")
        return sim

    @cached_property
    def scores(self) -> pd.DataFrame:
        return stats.scored(self.similarity)

    @cached_property
    def switches(self) -> pd.DataFrame:
        return pd.read_csv(self.paths["switches"])

    @cached_property
    def family_means(self) -> pd.DataFrame:
        """One value per family: the robustness unit of the switch tests."""
        return stats.per_family_days(self.switches)


def make_tables(rule: str, data: RuleInputs, outputs: list[str]) -> dict[str, pd.DataFrame]:
    """Every table ``rule`` declares and ``outputs`` asks for, written to its path."""
    from ptlmsync.outputs import write_tables

    wanted = {Path(p).stem for p in outputs}
    made = {t.name: data.table(t.name) for t in TABLES if t.rule == rule and t.name in wanted}
    write_tables(made, outputs)
    return made


# --- tabulate_change_types: change types per platform, maturity group and pattern -------


def unlabelled_commits(data: RuleInputs) -> pd.DataFrame:
    return stats.unlabelled_commits(data.every_label)


def change_types_by_platform(data: RuleInputs) -> pd.DataFrame:
    return stats.change_types_by_platform(data.labels)


def change_types_by_maturity(data: RuleInputs) -> pd.DataFrame:
    return stats.change_types_by_maturity(data.labels, data.families)


def chi2_change_types_by_maturity(data: RuleInputs) -> pd.DataFrame:
    return stats.chi2_change_types_by_maturity(data.table("change_types_by_maturity"))


def pattern_change_types_gh(data: RuleInputs) -> pd.DataFrame:
    return stats.pattern_change_types_gh(data.labels, data.families)


def pattern_change_types_hf(data: RuleInputs) -> pd.DataFrame:
    return stats.pattern_change_types_hf(data.labels, data.families)


def chi2_pattern_platform(data: RuleInputs) -> pd.DataFrame:
    return stats.chi2_pattern_platform(data.labels, data.families)


# --- tabulate_similarity: over the families with a score ------------------------------


def similarity(data: RuleInputs) -> pd.DataFrame:
    """Every family, the unscored with their reason."""
    return data.similarity[stats.SIMILARITY_COLUMNS]


def similarity_histogram(data: RuleInputs) -> pd.DataFrame:
    return stats.similarity_histogram(data.scores["jaccard"])


def similarity_by_maturity(data: RuleInputs) -> pd.DataFrame:
    ages = data.families.set_index("family")["maturity"]
    return stats.similarity_by(data.scores, ages, "maturity", stats.MATURITY_GROUPS)


def chi2_similarity_maturity(data: RuleInputs) -> pd.DataFrame:
    ages = data.families.set_index("family")["maturity"]
    return pd.DataFrame([stats.chi2_similarity_by(data.scores, ages, stats.MATURITY_GROUPS)])


def similarity_by_contributors(data: RuleInputs) -> pd.DataFrame:
    known = data.contributors.dropna(subset=["n_shared_authors"]).set_index("family")
    levels = known["n_shared_authors"].map(shared_level)
    return stats.similarity_by(data.scores, levels, "shared_contributors", stats.SHARED_LEVELS)


def chi2_similarity_contributors(data: RuleInputs) -> pd.DataFrame:
    return stats.chi2_similarity_contributors(data.scores, data.contributors)


# --- tabulate_patterns: lag and pattern distributions ---------------------------------


def lag_distribution(data: RuleInputs) -> pd.DataFrame:
    return stats.distribution(data.families["lag"], LAG_ORDER, "lag")


def lag_by_maturity(data: RuleInputs) -> pd.DataFrame:
    return stats.crosstab(data.families, "lag", LAG_ORDER)


def pattern_distribution(data: RuleInputs) -> pd.DataFrame:
    return stats.distribution(data.families["pattern"], PATTERN_ORDER, "pattern")


def pattern_by_maturity(data: RuleInputs) -> pd.DataFrame:
    return stats.crosstab(data.families, "pattern", PATTERN_ORDER)


def pattern_by_release(data: RuleInputs) -> pd.DataFrame:
    return stats.pattern_by_release(data.families, PATTERN_ORDER)


def contributors_by_pattern(data: RuleInputs) -> pd.DataFrame:
    return stats.contributors_by_pattern(data.families, data.contributors)


def spearman_contributors(data: RuleInputs) -> pd.DataFrame:
    return stats.spearman_contributors(data.families, data.contributors)


# --- tabulate_switches: days to the other platform; Kruskal-Wallis and Dunn ----------
# The tests compare the named groups only, as the study did (an "Unnamed" pattern stays
# in the summary tables, outside the tests); the study's unit is the switch event, the
# per-family means are the robustness check.


def _switch_days(data: RuleInputs, grouping: str) -> pd.DataFrame:
    return stats.switch_days_by(data.switches, data.families, grouping, SWITCH_GROUPINGS[grouping])


def _named(data: RuleInputs, grouping: str) -> pd.DataFrame:
    """The families in a named group of ``grouping``."""
    return data.families[data.families[grouping].isin(SWITCH_GROUPINGS[grouping])]


def switch_days_by_lag(data: RuleInputs) -> pd.DataFrame:
    return _switch_days(data, "lag")


def switch_days_by_pattern(data: RuleInputs) -> pd.DataFrame:
    return _switch_days(data, "pattern")


def switch_days_by_maturity(data: RuleInputs) -> pd.DataFrame:
    return _switch_days(data, "maturity")


def kruskal(data: RuleInputs) -> pd.DataFrame:
    """Per grouping: the test over switch events, then over family means."""
    rows = [
        {"unit": unit, **stats.kruskal(values, _named(data, grouping), grouping)}
        for grouping in SWITCH_GROUPINGS
        for unit, values in (("switch event", data.switches), ("family mean", data.family_means))
    ]
    return pd.DataFrame(rows, columns=["unit", "grouping", "H", "dof", "p", "epsilon2", "n"])


def dunn_lag(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.switches, _named(data, "lag"), "lag")


def dunn_pattern(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.switches, _named(data, "pattern"), "pattern")


def dunn_maturity(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.switches, _named(data, "maturity"), "maturity")


def dunn_lag_per_family(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.family_means, _named(data, "lag"), "lag")


def dunn_pattern_per_family(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.family_means, _named(data, "pattern"), "pattern")


def dunn_maturity_per_family(data: RuleInputs) -> pd.DataFrame:
    return stats.dunn(data.family_means, _named(data, "maturity"), "maturity")


#: The samples of the time to the other platform: per direction (switch events) and one
#: value per family (the median of its events).
SWITCH_SAMPLES = ("GH→HF", "HF→GH", "family median")


def _switch_samples(data: RuleInputs) -> dict[str, pd.Series]:
    s = data.switches
    return {
        "GH→HF": s.loc[(s["source"] == Platform.GH) & (s["target"] == Platform.HF), "days"],
        "HF→GH": s.loc[(s["source"] == Platform.HF) & (s["target"] == Platform.GH), "days"],
        "family median": s.groupby("family")["days"].median(),
    }


def switch_days_distribution(data: RuleInputs) -> pd.DataFrame:
    """Days to the other platform as distributions (whole days, as the switch events
    count them): per direction over the switch events, and over the families' medians;
    quartiles, the 90th percentile, the shares on the same day and after more than 30
    days, and the share of all days held by the longest tenth of the values."""
    rows = []
    every = {"all events": data.switches["days"], **_switch_samples(data)}
    for sample, days in every.items():
        days = days.dropna().astype(float).sort_values()
        if days.empty:
            continue
        top = days.iloc[int(len(days) * 0.9) :]
        rows.append(
            {
                "sample": sample,
                "n": len(days),
                "mean": days.mean(),
                "q1": days.quantile(0.25),
                "median": days.median(),
                "q3": days.quantile(0.75),
                "p90": days.quantile(0.9),
                "percent_same_day": 100 * float((days == 0).mean()),  # a median of 0.5 is not
                "percent_over_30": 100 * float((days > 30).mean()),
                "percent_days_longest_tenth": 100 * float(top.sum() / days.sum())
                if days.sum()
                else 0.0,
            }
        )
    return pd.DataFrame(rows)


def switch_direction_test(data: RuleInputs) -> pd.DataFrame:
    """Whether one platform follows the other more slowly, family by family: each
    family with switch events in both directions gives its mean days GH→HF and HF→GH;
    a two-sided Wilcoxon signed-rank test over those pairs (families, not events, as the
    unit), with the matched-pairs rank-biserial r (positive: GH→HF slower)."""
    return stats.paired_direction_test(data.switches)


def switch_days_ecdf(data: RuleInputs) -> pd.DataFrame:
    """The empirical cumulative distribution of each sample: the share of values at most
    ``days`` at every distinct value."""
    rows = []
    for sample, days in _switch_samples(data).items():
        days = days.dropna().astype(float)
        if days.empty:
            continue
        counts = days.value_counts().sort_index()
        share = 100 * counts.cumsum() / len(days)
        rows += [
            {"sample": sample, "days": d, "cumulative_percent": c}
            for d, c in zip(counts.index, share, strict=True)
        ]
    return pd.DataFrame(rows, columns=["sample", "days", "cumulative_percent"])


# --- compile_numbers: made after numbers.json's figures (data.numbers, data.tables_dir) --


#: The study's published files (its replication package's ``dataset/`` folder): what each
#: holds, what it feeds in this run, and whether the run recomputes that or takes it as
#: the study published it.
PUBLISHED_FILES = (
    (
        "complete_dataset.csv",
        "HF models with their family: the analysed families' and the excluded ones'",
        "families' models and ages",
        "recomputed by this run",
    ),
    (
        "must_exclude_from_all_analysis.csv",
        "the families the study excluded, by some of their HF models (one row each)",
        "the exclusions",
        "taken as the study published it",
    ),
    (
        "grouped_data_RQ2.csv",
        "each family's lag, pattern and maturity group",
        "every share, cross-table and grouping of the tests",
        "taken as the study published it",
    ),
    (
        "GH_HF_commit_time_differences.csv",
        "switch events with their days",
        "days to the other platform, Kruskal–Wallis and Dunn tests",
        "events taken as published; statistics recomputed",
    ),
    (
        "family_similarity_scores.csv",
        "each family's Jaccard similarity",
        "similarity histogram, terciles and their tests",
        "scores taken as published; statistics recomputed",
    ),
    (
        "family_author_comparison.csv",
        "each family's authors per platform",
        "contributor counts, shared contributors and their test",
        "recomputed by this run",
    ),
    (
        "RQ2_early_late_pattern.csv",
        "each family's early and late pattern",
        "the change of pattern with age",
        "taken as the study published it",
    ),
    (
        "unique_sample_families.csv",
        "the study's automatic and manual codes of a sample",
        "the agreement of the two codings",
        "recomputed by this run",
    ),
    (
        "all_auto_and_manual_patterns.csv",
        "automatic and manual codes of every family",
        "nothing (the sample file holds the manual codes)",
        "not used",
    ),
    (
        "dunn_test_results.csv",
        "the study's Dunn p-values",
        "the check of this run's Dunn p-values",
        "compared with this run's",
    ),
)


def data_inputs(data: RuleInputs) -> pd.DataFrame:
    """What the run's data are made of: the study's published files (rows, what each
    feeds, recomputed or taken as published), or the tables of the snapshot a demo,
    live or snapshot run analyses."""
    n = data.numbers
    if n.get("source") == "replication":
        directory = Path(data.paths["study_files"])
        rows = []
        for name, holds, feeds, use in PUBLISHED_FILES:
            path = directory / name
            count = sum(1 for _ in path.open()) - 1 if path.exists() else None
            rows.append({"input": name, "rows": count, "holds": holds, "feeds": feeds, "use": use})
        return pd.DataFrame(rows)
    origin = "generated by the workflow" if n.get("demo") else "collected"
    rows = [
        (
            "models",
            n.get("n_models"),
            "HF models with family and GH repository",
            "families, maturity",
            origin,
        ),
        (
            "GH commits",
            n.get("n_gh_commits"),
            "dated commits with message and author",
            "coding, switches, labels, contributors",
            origin,
        ),
        (
            "HF commits",
            n.get("n_hf_commits"),
            "dated commits with message and author",
            "coding, switches, labels, contributors",
            origin,
        ),
    ]
    if n.get("demo"):
        rows += [
            (
                "designed codes",
                n.get("n_families"),
                "each family's designed pattern and lag",
                "the check of the coding",
                origin,
            ),
            (
                "designed types",
                n.get("n_gh_commits", 0) + n.get("n_hf_commits", 0),
                "each commit's designed change type",
                "the check of the labels",
                origin,
            ),
        ]
    return pd.DataFrame(rows, columns=["input", "rows", "holds", "feeds", "use"])


#: The demo self-test's columns: a quantity the generator designs, its designed value,
#: this run's value, and whether they agree.
SELF_TEST_COLUMNS = ["quantity", "designed", "measured", "agrees"]


def demo_self_test(data: RuleInputs) -> pd.DataFrame:
    """The demo as a self-test: each quantity the generator designs (families per
    pattern and lag, each family's pattern and lag, each commit's change type, the
    families a sync bot mirrors and its commits) beside what this run measured. Empty
    outside the demo, whose data have no design."""
    path = data.paths.get("demo_truth")
    truth = pd.read_parquet(path) if path else pd.DataFrame()
    if truth.empty:
        return pd.DataFrame(columns=SELF_TEST_COLUMNS)
    designed = truth.groupby("family")[["design_code", "design_lag"]].first()
    designed["pattern"] = designed["design_code"].map(PATTERN_NAMES)
    coded = data.families.set_index("family")[["code", "pattern", "lag"]]
    rows = [
        (f"families: {name}", _count(designed["pattern"], name), _count(coded["pattern"], name))
        for name in PATTERN_ORDER
    ]
    rows += [
        (f"families: {lag}", _count(designed["design_lag"], lag), _count(coded["lag"], lag))
        for lag in LAG_ORDER
    ]
    both = designed.drop(columns="pattern").join(coded, how="inner")
    for what, design, code in (("pattern", "design_code", "code"), ("lag", "design_lag", "lag")):
        same = int((both[design] == both[code]).sum())
        rows.append((f"families coded with their designed {what}", len(designed), same))
    kappas = data.numbers.get("labels", {}).get("kappa", {})
    rows += [
        (f"{p} labels: kappa with the designed types", 1.0, kappas.get(p, {}).get("mean"))
        for p in (Platform.GH, Platform.HF)
    ]
    bot = truth[truth["design_sync_bot"].astype(bool)]
    automated = data.numbers.get("rq4", {}).get("automated", {})
    rows += [
        ("families a sync bot mirrors", bot["family"].nunique(), automated.get("n_families")),
        ("HF commits of the sync bot", len(bot), automated.get("n_sync_commits")),
        (
            "sync bot commits found to follow the GH commit they name within "
            f"{AUTOSYNC_WINDOW.days} days",
            len(bot),
            _mirrors_in_window(data.paths.get("automated_commits")),
        ),
    ]
    # object columns: counts stay integers beside the kappas
    table = pd.DataFrame(rows, columns=SELF_TEST_COLUMNS[:3], dtype=object)
    table["agrees"] = [
        "yes" if m is not None and float(d) == float(m) else "no"
        for d, m in zip(table["designed"], table["measured"], strict=True)
    ]
    return table


def _mirrors_in_window(automated_commits) -> int | None:
    """Sync commits the run linked to the GH commit they name, dated 0 to
    AUTOSYNC_WINDOW days after it (the generator mirrors only within that window): a
    check of the linking and of the delays (None without the run's table)."""
    if not automated_commits:
        return None
    found = pd.read_csv(automated_commits)
    synced = found[found["sync"].astype(bool)]  # as automation.sync_commit_dates reads it
    delays = pd.to_numeric(synced["delay_days"], errors="coerce")
    return int((synced["linked_sha"].notna() & delays.between(0, AUTOSYNC_WINDOW.days)).sum())


def _self_test_numbers(table: pd.DataFrame) -> dict:
    """How many of the self-test's quantities agree, in a sentence's words."""
    n, agree = len(table), int((table["agrees"] == "yes").sum())
    text = f"all {n} agree" if agree == n else f"{agree} of the {n} agree"
    return {"n": n, "n_agree": agree, "text": text if n else "none was designed"}


def _count(values: pd.Series, value) -> int:
    return int((values == value).sum())


def funnel(data: RuleInputs) -> pd.DataFrame:
    """The data-collection funnel as far as the run knows it."""
    from ptlmsync.numbers import funnel as funnel_table

    links = data.paths.get("crawl_links")
    return funnel_table(data.numbers, pd.read_csv(links) if links else None)


def comparison_with_study(data: RuleInputs) -> pd.DataFrame:
    """Every published figure of the study beside this run's, with its status."""
    return compare_with_study(data.numbers, data.tables_dir, data.families, data.contributors)


def claims_with_study(data: RuleInputs) -> pd.DataFrame:
    """Every qualitative claim of the study with this run's verdict and evidence."""
    return check_claims(
        data.numbers, data.tables_dir, data.families, data.contributors, data.switches
    )


#: How the paper names the groups of the comparison (comparison.RQS), in its order.
COMPARISON_QUESTIONS = {
    "dataset": "Data set",
    "method": "Method (coding, labelling, maturity groups)",
    "RQ1": "RQ1 change types and similarity",
    "RQ2": "RQ2 lag and patterns",
    "RQ3": "RQ3 time to the other platform, contributors",
    "RQ4": "RQ4 propagation and automation (the study's RQ3 remark)",
}


#: comparison_by_rq's column of each figure verdict.
FIGURE_VERDICT_COLUMNS = {
    "reproduced": REPRODUCED,
    "differs_explained": EXPLAINED,
    "differs_unexplained": UNEXPLAINED,
    "cannot_be_checked": CANNOT,
}


def comparison_by_rq(data: RuleInputs) -> pd.DataFrame:
    """Per research question: the study's figures by verdict (reproduced, differing
    explained or unexplained, not checkable), and its claims holding, not holding and not
    checkable."""

    figures, claims = data.table("comparison_with_study"), data.table("claims_with_study")
    rows = []
    for rq, question in COMPARISON_QUESTIONS.items():
        f, c = figures[figures["rq"] == rq], claims[claims["rq"] == rq]
        if f.empty and c.empty:  # no empty row
            continue
        rows.append(
            {
                "question": question,
                "figures": len(f),
                **{
                    column: int((f["verdict"] == verdict).sum())
                    for column, verdict in FIGURE_VERDICT_COLUMNS.items()
                },
                "claims": len(c),
                "holding": int((c["verdict"] == HOLDS).sum()),
                "not_holding": int((c["verdict"] == DOES_NOT_HOLD).sum()),
                "not_checkable": int((c["verdict"] == CANNOT).sum()),
            }
        )
    return pd.DataFrame(rows)


def note_pieces(key: str, note: str) -> list[str]:
    """A comparison row's note as its parts: the study's own note on the figure, then what
    the run adds (why it differs, why it cannot compute the figure)."""

    own = study_numbers().set_index("key")["note"].get(key, "")
    note = note or ""
    if own and note.startswith(own):
        rest = note[len(own) :].removeprefix("; ")
        return [own, *([rest] if rest else [])]
    return [note] if note else []


def comparison_notes(data: RuleInputs) -> pd.DataFrame:
    """The notes of the compared figures, each once, numbered in the order the paper
    meets them: the differing figures first, then the matching ones."""

    table = data.table("comparison_with_study")
    ordered = pd.concat([table[table["status"] == DIFFERS], table[table["status"] == MATCHES]])
    pieces = [
        p
        for key, note in zip(ordered["key"], ordered["note"], strict=True)
        for p in note_pieces(key, note)
    ]
    unique = list(dict.fromkeys(pieces))
    return pd.DataFrame({"note": range(1, len(unique) + 1), "text": unique})


def note_refs(data: RuleInputs, key: str, note: str) -> str:
    """The numbers of a comparison row's notes ("1, 3"; "" without a note)."""
    numbers = dict(
        zip(
            data.table("comparison_notes")["text"],
            data.table("comparison_notes")["note"],
            strict=True,
        )
    )
    return ", ".join(str(numbers[p]) for p in note_pieces(key, note) if p in numbers)


#: Columns of comparison_differences.
DIFFERENCE_COLUMNS = ["figures", "differing", "explained", "unexplained", "largest", "notes"]


def difference_unit(unit: str) -> str:
    """A figure's unit as the unit of a difference: percentages differ in percentage
    points; "contributors (median per family)" is counted in contributors."""
    unit = str(unit)
    return "percentage points" if unit.startswith("%") else unit.split(" (")[0]


def comparison_differences(data: RuleInputs) -> pd.DataFrame:
    """The differing figures by kind (comparison.figure_group): how many of the kind's
    compared figures differ, how many of those the published files explain, the largest
    difference with its unit, and the numbers of their notes."""

    table = data.table("comparison_with_study")
    compared = table[table["status"].isin([MATCHES, DIFFERS])].assign(
        group=lambda t: t["key"].map(figure_group)
    )
    rows = []
    for group, rows_of in compared.groupby("group", sort=False):
        differing = rows_of[rows_of["status"] == DIFFERS]
        if differing.empty:
            continue
        refs = dict.fromkeys(
            r
            for k, n in zip(differing["key"], differing["note"], strict=True)
            for r in note_refs(data, k, n).split(", ")
            if r
        )
        rows.append(
            {
                "figures": figure_label(differing["key"].iloc[0]) if len(differing) == 1 else group,
                "differing": f"{len(differing)} of {len(rows_of)}",
                "explained": int((differing["verdict"] == EXPLAINED).sum()),
                "unexplained": int((differing["verdict"] == UNEXPLAINED).sum()),
                "largest": largest_difference(differing),
                "notes": ", ".join(refs),
            }
        )
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def largest_difference(differing: pd.DataFrame) -> str:
    """The largest absolute difference with its unit ("–" where no difference is a
    number, as between two dates)."""
    sizes = pd.to_numeric(differing["difference"], errors="coerce").abs()
    if sizes.isna().all():
        return "–"
    size, unit = float(sizes.max()), difference_unit(differing.loc[sizes.idxmax(), "unit"])
    return f"{size:.3g} {unit.removesuffix('s') if size == 1 else unit}"


#: numbers.json entries that summarise a table of compile_numbers: table -> (key, function)
SUMMARIES: dict[str, tuple[str, Callable[[pd.DataFrame], dict]]] = {
    "comparison_with_study": ("comparison", comparison_numbers),
    "claims_with_study": ("claims", claim_numbers),
    "demo_self_test": ("self_test", _self_test_numbers),
}
