"""Aggregate statistics (docs/method.md, section 4): small pure functions over the stage tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ptlmsync.label.taxonomy import UNLABELLED, load_taxonomy
from ptlmsync.vocab import MATURITY_GROUPS, Platform


def value_terciles(values: pd.Series, labels: list[str]) -> pd.Series:
    """Tercile binning by value (``pandas.qcut(values, 3)`` semantics): cut at the 1/3 and
    2/3 quantiles (linear interpolation), bins closed on the right, so equal values always
    share a group and groups may differ in size (or be empty where ties span a cut)."""
    if values.dropna().empty:
        return pd.Series(np.nan, index=values.index, dtype="object")
    low, high = values.quantile([1 / 3, 2 / 3])
    group = (values > low).astype(int) + (values > high).astype(int)
    return group.map(dict(enumerate(labels))).where(values.notna())


def maturity_groups(age_days: pd.Series) -> pd.Series:
    """Maturity groups (Recent / Intermediate / Matured): value terciles of family age."""
    return value_terciles(age_days, MATURITY_GROUPS)


def family_ages(models: pd.DataFrame, extraction_date: str) -> pd.Series:
    """Mean age in days (HF creation to extraction) of each family's models."""
    extraction = pd.Timestamp(extraction_date, tz="UTC")
    age = (extraction - models["created_at"]).dt.days
    return age.groupby(models["family"]).mean().rename("age_days")


def share(counts: pd.Series) -> pd.Series:
    total = counts.sum()
    return (100 * counts / total).round(2) if total else counts * 0.0


def distribution(values: pd.Series, categories: list[str], name: str) -> pd.DataFrame:
    """Counts and percentages of ``values`` over fixed ``categories`` (zeros kept; values
    outside them, e.g. "Unnamed" or "Not applicable", kept as rows of their own).

    One denominator rule for every table: every unit counts, in its own row, and the
    ``denominator`` column says of how many units a percentage is.
    """
    counts = values.value_counts().reindex(categories, fill_value=0)
    extra = values.value_counts().drop(categories, errors="ignore")
    counts = pd.concat([counts, extra])
    return pd.DataFrame(
        {
            name: counts.index,
            "n": counts.to_numpy(),
            "percent": share(counts).to_numpy(),
            "denominator": int(counts.sum()),
        }
    )


def crosstab(df: pd.DataFrame, row: str, categories: list[str]) -> pd.DataFrame:
    """``row`` x maturity group counts, with percentages within each maturity group and of all.

    Rows outside ``categories`` are kept (the same denominators as :func:`distribution`);
    ``n_maturity`` and ``n_all`` are the denominators of the two percentages.
    """
    table = df.groupby([row, "maturity"]).size().rename("n").reset_index()
    extra = [v for v in table[row].unique() if v not in categories]
    full = pd.MultiIndex.from_product(
        [[*categories, *extra], MATURITY_GROUPS], names=[row, "maturity"]
    )
    table = table.set_index([row, "maturity"]).reindex(full, fill_value=0).reset_index()
    within = table.groupby("maturity")["n"].transform("sum")
    table["percent_within_maturity"] = (
        (100 * table["n"] / within.where(within > 0)).fillna(0).round(2)
    )
    table["percent_of_all"] = share(table["n"]).to_numpy()
    table["n_maturity"] = within.astype(int)
    table["n_all"] = int(table["n"].sum())
    return table


def majority_labels(labels: pd.DataFrame) -> pd.DataFrame:
    """One label per commit: the most frequent across repeats, ties broken by repeat 1."""
    ids = [c for c in ("platform", "family", "repository", "key") if c in labels.columns]
    counts = (
        labels.groupby([*ids, "label"])
        .agg(votes=("repeat", "size"), first_repeat=("repeat", "min"))
        .reset_index()
    )
    counts = counts.sort_values(["votes", "first_repeat"], ascending=[False, True], kind="stable")
    return counts.drop_duplicates(ids)[[*ids, "label"]].reset_index(drop=True)


def change_types_by_platform(labels: pd.DataFrame) -> pd.DataFrame:
    names = load_taxonomy().names
    parts = []
    for platform in (Platform.GH, Platform.HF):
        d = distribution(labels.loc[labels["platform"] == platform, "label"], names, "change_type")
        parts.append(d.assign(platform=platform))
    return pd.concat(parts, ignore_index=True)[["platform", "change_type", "n", "percent"]]


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; undefined (NaN) where either set is empty: a platform without a
    labelled commit says nothing about similarity (not 0, and two empty sets not 1)."""
    return len(a & b) / len(a | b) if a and b else float("nan")


SIMILARITY_COLUMNS = ["family", "jaccard", "unscored_reason"]


def similarity(labels: pd.DataFrame, families: list[str]) -> pd.DataFrame:
    """Jaccard index of the change-type sets on GH and HF, per family; families without a
    labelled commit on a platform are kept, unscored, with the reason."""
    sets = labels.groupby(["family", "platform"])["label"].agg(set)
    rows = []
    for f in families:
        gh, hf = sets.get((f, Platform.GH), set()), sets.get((f, Platform.HF), set())
        missing = [p for p, types in ((Platform.GH, gh), (Platform.HF, hf)) if not types]
        reason = f"no labelled {' or '.join(missing)} commit" if missing else ""
        rows.append((f, jaccard(gh, hf), reason))
    return pd.DataFrame(rows, columns=SIMILARITY_COLUMNS)


def scored(similarity_: pd.DataFrame) -> pd.DataFrame:
    """The families with a similarity score (the unscored are counted, never scored)."""
    return similarity_.dropna(subset=["jaccard"]).reset_index(drop=True)


def similarity_histogram(scores: pd.Series, bins: int = 10) -> pd.DataFrame:
    """Ten 0.1-wide bins [0, 0.1), …, [0.9, 1.0] (the last bin includes 1.0)."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.minimum((scores.to_numpy() * bins).astype(int), bins - 1)
    counts = pd.Series(np.bincount(idx, minlength=bins) if len(idx) else np.zeros(bins, int))
    return pd.DataFrame(
        {
            "bin_start": edges[:-1].round(1),
            "bin_end": edges[1:].round(1),
            "n": counts.to_numpy(),
            "percent": share(counts).to_numpy(),
            "denominator": int(counts.sum()),
        }
    )


def switch_days_by(
    switches: pd.DataFrame, families: pd.DataFrame, grouping: str, categories: list[str]
) -> pd.DataFrame:
    """Switch events summarised per group of the family attribute ``grouping``."""
    joined = switches.merge(families[["family", grouping]], on="family", how="inner")
    summary = joined.groupby(grouping).agg(
        n_switches=("days", "size"),
        n_families=("family", "nunique"),
        mean_days=("days", "mean"),
        median_days=("days", "median"),
    )
    present = [c for c in categories if c in summary.index]
    summary = summary.reindex(present + [c for c in summary.index if c not in categories])
    return summary.round(2).rename_axis("group").reset_index()


def per_family_days(switches: pd.DataFrame) -> pd.DataFrame:
    """One value per family: the mean days of its switch events (the unit of the
    robustness check, so that a few busy families do not dominate the tests)."""
    means = switches.groupby("family", sort=True)["days"].mean()
    return means.rename("days").reset_index()


def kruskal(switches: pd.DataFrame, families: pd.DataFrame, grouping: str) -> dict:
    """Kruskal–Wallis H test of switch days across the groups of ``grouping``, with its
    effect size epsilon² = H / (n - 1) for n values (Tomczak and Tomczak 2014; the
    (H - k + 1) / (n - k) sometimes given under that name is eta² based on H)."""
    joined = switches.merge(families[["family", grouping]], on="family", how="inner")
    groups = [g["days"].to_numpy() for _, g in joined.groupby(grouping) if len(g)]
    n = int(sum(len(g) for g in groups))
    if len(groups) < 2 or len(np.unique(np.concatenate(groups))) < 2:
        return {
            "grouping": grouping,
            "H": np.nan,
            "dof": len(groups) - 1,
            "p": np.nan,
            "epsilon2": np.nan,
            "n": n,
        }
    from scipy.stats import kruskal as kruskal_wallis  # scipy.stats: ~0.5 s to import

    h, p = kruskal_wallis(*groups)
    return {
        "grouping": grouping,
        "H": round(float(h), 4),
        "dof": len(groups) - 1,
        "p": float(p),
        "epsilon2": round(float(h) / (n - 1), 4),
        "n": n,
    }


# --- tests of independence ----------------------------------------------------------


def cramers_v(chi2: float, n: int, shape: tuple[int, int]) -> float:
    """Cramér's V = sqrt(chi2 / (n (min(r, c) - 1)))."""
    k = min(shape) - 1
    return float(np.sqrt(chi2 / (n * k))) if n and k > 0 else float("nan")


def chi2_test(table: pd.DataFrame) -> dict:
    """Chi-square test of independence of a contingency table (all-zero rows/columns dropped)."""
    t = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    n = int(t.to_numpy().sum())
    if t.shape[0] < 2 or t.shape[1] < 2:
        return {"chi2": np.nan, "dof": 0, "p": np.nan, "cramers_v": np.nan, "n": n}
    from scipy.stats import chi2_contingency

    chi2, p, dof, _ = chi2_contingency(t.to_numpy(), correction=False)
    return {
        "chi2": round(float(chi2), 4),
        "dof": int(dof),
        "p": float(p),
        "cramers_v": round(cramers_v(chi2, n, t.shape), 4),
        "n": n,
    }


def bonferroni(p: pd.Series) -> pd.Series:
    return (p * p.notna().sum()).clip(upper=1.0)


# --- change types -------------------------------------------------------------------


def change_types_by_maturity(labels: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """Share of each change type per maturity group and platform."""
    names = load_taxonomy().names
    joined = labels.merge(families[["family", "maturity"]], on="family")
    parts = []
    for (group, platform), g in joined.groupby(["maturity", "platform"]):
        d = distribution(g["label"], names, "change_type")
        parts.append(d.assign(maturity=group, platform=platform))
    columns = ["maturity", "platform", "change_type", "n", "percent"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def chi2_change_types_by_maturity(by_age: pd.DataFrame) -> pd.DataFrame:
    """Per maturity group, a type x platform chi-square test; Bonferroni over the groups."""
    rows = []
    for group in [g for g in MATURITY_GROUPS if g in set(by_age["maturity"])]:
        g = by_age[by_age["maturity"] == group]
        table = g.pivot_table(index="change_type", columns="platform", values="n", fill_value=0)
        rows.append({"maturity": group, **chi2_test(table)})
    out = pd.DataFrame(rows, columns=["maturity", "chi2", "dof", "p", "cramers_v", "n"])
    out.insert(4, "p_bonferroni", bonferroni(out["p"]))
    return out


def pattern_change_types_gh(labels: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """GH: share of each change type among the commits of each pattern's families."""
    gh = labels[labels["platform"] == Platform.GH].merge(
        families[["family", "pattern"]], on="family"
    )
    counts = gh.groupby(["pattern", "label"]).size().rename("n").reset_index()
    counts["percent"] = (100 * counts["n"] / counts.groupby("pattern")["n"].transform("sum")).round(
        2
    )
    return counts.rename(columns={"label": "change_type"})


def pattern_change_types_hf(labels: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """HF: each model's share of each change type, then the median per pattern."""
    names = load_taxonomy().names
    hf = labels[labels["platform"] == Platform.HF].merge(
        families[["family", "pattern"]], on="family"
    )
    if hf.empty:
        return pd.DataFrame(columns=["pattern", "change_type", "n_models", "median_percent"])
    per_model = pd.crosstab([hf["pattern"], hf["repository"]], hf["label"]).reindex(
        columns=names, fill_value=0
    )
    shares = 100 * per_model.div(per_model.sum(axis=1), axis=0)
    median = shares.groupby(level="pattern").median().round(2)
    n_models = shares.groupby(level="pattern").size()
    long = median.reset_index().melt(
        id_vars="pattern", var_name="change_type", value_name="median_percent"
    )
    long.insert(2, "n_models", long["pattern"].map(n_models))
    return long


def chi2_pattern_platform(labels: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """Per pattern, a 2 x 4 (platform x category) chi-square test."""
    tax = load_taxonomy()
    joined = labels.merge(families[["family", "pattern"]], on="family")
    joined["category"] = joined["label"].map(tax.category_of)
    rows = []
    for pattern, g in joined.groupby("pattern"):
        table = pd.crosstab(g["platform"], g["category"]).reindex(
            index=[Platform.GH, Platform.HF], columns=tax.categories, fill_value=0
        )
        rows.append({"pattern": pattern, **chi2_test(table)})
    out = pd.DataFrame(rows, columns=["pattern", "chi2", "dof", "p", "cramers_v", "n"])
    out.insert(4, "p_bonferroni", bonferroni(out["p"]))
    return out


# --- similarity ---------------------------------------------------------------------

SIMILARITY_LEVELS = ["low", "moderate", "high"]
SHARED_LEVELS = ["none", "single", "multiple"]


def similarity_levels(scores: pd.Series) -> pd.Series:
    """Similarity levels (low / moderate / high): value terciles of the Jaccard score."""
    return value_terciles(scores, SIMILARITY_LEVELS)


def similarity_by(
    similarity_: pd.DataFrame, other: pd.Series, name: str, categories: list[str]
) -> pd.DataFrame:
    """Similarity level x ``name`` counts with percentages within each ``name`` group."""
    df = pd.DataFrame(
        {
            "similarity_level": similarity_levels(similarity_["jaccard"]),
            name: similarity_["family"].map(other),
        }
    ).dropna()
    full = pd.MultiIndex.from_product(
        [SIMILARITY_LEVELS, categories], names=["similarity_level", name]
    )
    t = df.groupby(["similarity_level", name]).size().reindex(full, fill_value=0)
    t = t.rename("n").reset_index()
    within = t.groupby(name)["n"].transform("sum")
    t[f"percent_within_{name.removesuffix('_group')}"] = (
        (100 * t["n"] / within.where(within > 0)).fillna(0).round(2)
    )
    t["denominator"] = within.astype(int)
    return t


def chi2_similarity_by(similarity_: pd.DataFrame, other: pd.Series, categories: list[str]) -> dict:
    """Chi-square test of similarity level x the groups ``other`` gives each family (a
    family outside ``other`` is left out): whether a group's share of high or low
    similarity is more than chance."""
    counts = similarity_by(similarity_, other, "group", categories)
    return chi2_test(counts.pivot(index="similarity_level", columns="group", values="n"))


#: The similarity x shared-contributors tests, the study's own first. ``study_computed``
#: is the test as the study's published files reproduce it to every printed digit
#: (chi2 6.38, p 0.0412, V 0.140, n 325): "single" = 0 or 1 shared contributors,
#: "multiple" = more, and a family absent from the contributor table counts as
#: "multiple" (its comparison ``<= 1`` fails on a missing count). The robustness checks:
#: ``study_text``, the design the study's text describes (single = 1, multiple = more;
#: families sharing none outside), and ``three_levels`` (none / single / multiple).
CONTRIBUTOR_DESIGNS: dict[str, list[str]] = {
    "study_computed": ["single", "multiple"],
    "study_text": ["single", "multiple"],
    "three_levels": SHARED_LEVELS,
}


def contributor_groups(n_shared: pd.Series, absent: pd.Series, design: str) -> pd.Series:
    """Each family's group in ``design`` (missing where the design leaves it out).

    ``n_shared``: shared contributors per family (NaN where unknown); ``absent``: the
    family has no row in the contributor table at all (only ``study_computed`` groups it).
    Families whose count is unknown for another reason are outside every design."""
    known = n_shared.notna()
    if design == "study_computed":
        group = pd.Series(np.where(n_shared <= 1, "single", "multiple"), index=n_shared.index)
        return group.where(known | absent)
    if design == "study_text":
        group = pd.Series(np.where(n_shared == 1, "single", "multiple"), index=n_shared.index)
        return group.where(known & (n_shared > 0))
    if design == "three_levels":
        group = pd.Series(
            np.select([n_shared == 0, n_shared == 1], ["none", "single"], "multiple"),
            index=n_shared.index,
        )
        return group.where(known)
    raise ValueError(f"unknown contributor design {design!r}; one of {list(CONTRIBUTOR_DESIGNS)}")


def chi2_similarity_contributors(
    similarity_: pd.DataFrame, contributors: pd.DataFrame
) -> pd.DataFrame:
    """Chi-square test of similarity level x shared contributors in each design of
    :data:`CONTRIBUTOR_DESIGNS`, over the scored families (``contributors``: family,
    n_shared_authors — NaN where unknown)."""
    families = similarity_["family"]
    levels = similarity_levels(similarity_["jaccard"]).to_numpy()
    shared = families.map(contributors.set_index("family")["n_shared_authors"]).astype(float)
    missing = ~families.isin(set(contributors["family"]))
    rows = []
    for design, categories in CONTRIBUTOR_DESIGNS.items():
        group = contributor_groups(shared, missing, design).to_numpy()
        table = (
            pd.crosstab(levels, group)
            .reindex(index=SIMILARITY_LEVELS, columns=categories, fill_value=0)
            .fillna(0)
        )
        rows.append({"design": design, **chi2_test(table)})
    return pd.DataFrame(rows, columns=["design", "chi2", "dof", "p", "cramers_v", "n"])


# --- patterns -----------------------------------------------------------------------


def pattern_by_release(families: pd.DataFrame, patterns: list[str]) -> pd.DataFrame:
    t = families.groupby(["pattern", "release"]).size()
    full = pd.MultiIndex.from_product(
        [patterns, ["single", "multiple"]], names=["pattern", "release"]
    )
    extra = [i for i in t.index if i not in full]
    t = (
        t.reindex(
            full.append(pd.MultiIndex.from_tuples(extra, names=full.names)) if extra else full,
            fill_value=0,
        )
        .rename("n")
        .reset_index()
    )
    t["percent_of_all"] = share(t["n"]).to_numpy()
    t["denominator"] = int(t["n"].sum())
    return t


def contributors_by_pattern(families: pd.DataFrame, contributors: pd.DataFrame) -> pd.DataFrame:
    """Distinct contributors per family and platform, summarised per pattern."""
    joined = families[["family", "pattern"]].merge(contributors, on="family")
    rows = []
    for pattern, g in joined.groupby("pattern"):
        for platform, col in ((Platform.GH, "n_gh_authors"), (Platform.HF, "n_hf_authors")):
            v = g[col]
            rows.append(
                {
                    "pattern": pattern,
                    "platform": platform,
                    "n_families": len(v),
                    "median": float(v.median()),
                    "q1": float(v.quantile(0.25)),
                    "q3": float(v.quantile(0.75)),
                    "mean": round(float(v.mean()), 2),
                }
            )
    return pd.DataFrame(
        rows, columns=["pattern", "platform", "n_families", "median", "q1", "q3", "mean"]
    )


def pattern_coactivity_rank(families: pd.DataFrame) -> pd.Series:
    """Patterns ranked by their mean number of co-active periods (1 = fewest)."""
    return families.groupby("pattern")["n_coactive_periods"].mean().rank(method="average")


def spearman_contributors(families: pd.DataFrame, contributors: pd.DataFrame) -> pd.DataFrame:
    """Spearman's rho between a family's pattern rank (by co-activity) and its contributors."""
    rank = pattern_coactivity_rank(families)
    joined = families[["family", "pattern"]].merge(contributors, on="family")
    joined["pattern_rank"] = joined["pattern"].map(rank)
    rows = []
    for platform, col in ((Platform.GH, "n_gh_authors"), (Platform.HF, "n_hf_authors")):
        if len(joined) < 3 or joined["pattern_rank"].nunique() < 2 or joined[col].nunique() < 2:
            rho, p = np.nan, np.nan
        else:
            from scipy.stats import spearmanr

            rho, p = spearmanr(joined["pattern_rank"], joined[col])
        rows.append(
            {"platform": platform, "rho": round(float(rho), 4), "p": float(p), "n": len(joined)}
        )
    return pd.DataFrame(rows)


# --- switches -----------------------------------------------------------------------


def dunn(switches: pd.DataFrame, families: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Dunn's test with Bonferroni-adjusted p-values between the groups of ``grouping``."""
    import scikit_posthocs as sp

    joined = switches.merge(families[["family", grouping]], on="family").dropna(subset=[grouping])
    if joined[grouping].nunique() < 2:
        return pd.DataFrame()
    matrix = sp.posthoc_dunn(joined, val_col="days", group_col=grouping, p_adjust="bonferroni")
    return matrix.rename_axis("group").reset_index()


def unlabelled_commits(labels: pd.DataFrame) -> pd.DataFrame:
    """Per platform, the commits excluded from the change-type statistics as unlabelled."""
    counts = labels.assign(unlabelled=labels["label"] == UNLABELLED).groupby("platform")
    table = counts["unlabelled"].agg(n_commits="size", n_unlabelled="sum")
    table = (
        table.reindex([Platform.GH, Platform.HF], fill_value=0)
        .rename_axis("platform")
        .reset_index()
    )
    table["percent_unlabelled"] = (
        (100 * table["n_unlabelled"] / table["n_commits"].where(table["n_commits"] > 0))
        .fillna(0.0)
        .round(2)
    )
    return table


#: The paired direction test's columns (tables.switch_direction_test).
DIRECTION_TEST_COLUMNS = [
    "n_families",
    "median_gh_to_hf",
    "median_hf_to_gh",
    "wilcoxon_w",
    "p",
    "rank_biserial",
]


def paired_direction_test(switches: pd.DataFrame) -> pd.DataFrame:
    """Per family with events in both directions, its mean days GH→HF against HF→GH:
    the two-sided Wilcoxon signed-rank test over the families (zero differences dropped,
    as scipy's default) and the matched-pairs rank-biserial r = (R+ − R−) / (R+ + R−)
    over the ranks of the non-zero differences (GH→HF minus HF→GH). One row; the test
    columns empty where fewer than two families differ."""
    from scipy.stats import rankdata, wilcoxon

    means = switches.groupby(["family", "source"])["days"].mean().unstack()
    pairs = means.dropna(subset=[c for c in ("GH", "HF") if c in means]) if len(means) else means
    if not {"GH", "HF"} <= set(pairs.columns) or pairs.empty:
        return pd.DataFrame([[0, None, None, None, None, None]], columns=DIRECTION_TEST_COLUMNS)
    # source GH: the next commit is on HF, so column GH holds the GH→HF days
    diff = (pairs["GH"] - pairs["HF"]).to_numpy()
    nonzero = diff[diff != 0]
    row = [len(pairs), float(pairs["GH"].median()), float(pairs["HF"].median())]
    if len(nonzero) < 2:
        return pd.DataFrame([[*row, None, None, None]], columns=DIRECTION_TEST_COLUMNS)
    w, p = wilcoxon(pairs["GH"], pairs["HF"], alternative="two-sided")
    ranks = rankdata(abs(nonzero))
    plus, minus = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
    r = round(float((plus - minus) / (plus + minus)), 3)
    return pd.DataFrame([[*row, float(w), float(p), r]], columns=DIRECTION_TEST_COLUMNS)
