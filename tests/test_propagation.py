"""Artefact kinds, propagation events against chance, drift and automated
synchronisation, on hand-built families whose answers were worked out by hand, and the
null model's calibration and power on seeded random processes."""

import numpy as np
import pandas as pd
import pytest

from ptlmsync.artefacts import kind_of
from ptlmsync.automation import automated_commits, automated_sync_by_family, match
from ptlmsync.propagation import (
    CHANGE_COLUMNS,
    PROPAGATION_COLUMNS,
    Propagation,
    changes,
    counted_changes,
    drift,
    greedy_match,
    propagation_events,
    propagation_table,
    trace,
)

T0 = pd.Timestamp("2024-01-01", tz="UTC")
OBSERVED = ["n_changes", "n_propagated", "percent_propagated", "median_days"]

G1, G2, G3 = "a" * 40, "b" * 40, "c" * 40
UNKNOWN_SHA = "git://github.com/o/code.git/commit/ddddddd"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("model.safetensors", "weights"),
        ("model-00001-of-00002.safetensors", "weights"),
        ("model.safetensors.index.json", "weights"),
        ("pytorch_model.bin", "weights"),
        ("training_args.bin", "training"),  # a .bin that is no weight
        ("config.json", "model config"),
        ("1_Pooling/config.json", "model config"),
        ("generation_config.json", "model config"),
        ("tokenizer_config.json", "tokenizer"),
        ("tokenizer.model", "tokenizer"),
        ("vocab.txt", "tokenizer"),
        ("merges.txt", "tokenizer"),
        ("README.md", "model card / docs"),
        ("docs/source/en/index.md", "model card / docs"),
        ("modeling_llama.py", "model code"),
        ("src/llama/model.py", "model code"),
        ("scripts/train_sft.py", "training"),
        ("tests/test_model.py", "evaluation"),
        ("requirements.txt", "dependencies"),
        ("pyproject.toml", "dependencies"),
        (".github/workflows/release.yml", "ci/automation"),
        (".gitattributes", "other"),
        ("LICENSE", "other"),
    ],
)
def test_artefact_kinds_of_real_paths(path, kind):
    assert kind_of(path) == kind


def family() -> pd.DataFrame:
    rows = [
        ("GH", "GH", G1, "2024-01-01", "M\tconfig.json", "Tune the config", "ada"),
        ("GH", "GH", G2, "2024-01-10", "M\tREADME.md", "Document it", "dependabot[bot]"),
        ("GH", "GH", G3, "2024-03-10", "M\tconfig.json\nM\tsrc/model.py", "More", "ada"),
        ("HF", "o/m", "h1", "2024-01-03", "M\tconfig.json", "Update config.json", "bob"),
        ("HF", "o/m", "h2", "2024-01-05", "M\tREADME.md", "Update README.md", "bob"),
        ("HF", "o/m", "h3", "2024-03-01", "M\tmodel.safetensors", "Upload model", "bob"),
        (
            "HF",
            "o/m",
            "h4",
            "2024-01-01T12:00:00",
            None,
            f"Auto Sync from git://github.com/o/code.git/commit/{G1[:12]}",
            "hf-sync-bot",
        ),
        ("HF", "o/m", "h5", "2024-01-02", None, "Upload folder using huggingface_hub", "bob"),
        (
            "HF",
            "o/m",
            "h6",
            "2024-01-02",
            None,
            f"sync from {UNKNOWN_SHA}",
            "x",
        ),
    ]
    df = pd.DataFrame(
        rows, columns=["platform", "repository", "key", "date", "files", "text", "author"]
    )
    df["date"] = pd.to_datetime(df["date"], utc=True, format="ISO8601")
    return df.assign(family="f")


def test_propagation_by_hand():
    events = propagation_events(changes(family()), max_days=14)
    # model config: GH 01-01 -> HF 01-03 (2 days); GH 03-10 -> nothing; HF 01-03 -> GH
    # 03-10 (67 days > 14). docs: GH 01-10 -> no later HF docs; HF 01-05 -> GH 01-10 (5).
    # model code (GH only) and weights (HF only) are on one platform: no events.
    assert list(propagation_table(events).columns) == PROPAGATION_COLUMNS
    table = propagation_table(events).set_index(["kind", "direction"])
    assert sorted(table.index) == [
        ("model card / docs", "GH→HF"),
        ("model card / docs", "HF→GH"),
        ("model config", "GH→HF"),
        ("model config", "HF→GH"),
    ]
    assert table.loc[("model config", "GH→HF"), OBSERVED].tolist() == [2, 1, 50.0, 2.0]
    assert table.loc[("model card / docs", "HF→GH"), OBSERVED].tolist() == [1, 1, 100.0, 5.0]
    # no null draws: nothing is beyond chance, the null columns are empty
    assert not table["beyond_chance"].any() and table["expected_percent"].isna().all()
    assert table.loc[("model config", "HF→GH"), "n_propagated"] == 0
    assert pd.isna(table.loc[("model config", "HF→GH"), "median_days"])


def test_drift_by_hand():
    commits = family()
    table = drift(commits, changes(commits)).set_index("kind")
    # the last HF commit is 03-01; GH changed config and code on 03-10
    assert sorted(table.index) == ["model code", "model config"]
    assert table.loc["model config", "n_gh_changes"] == 1
    assert table.loc["model code", "last_hf_commit"] == pd.Timestamp("2024-03-01", tz="UTC")
    # the Hub held a config (h1, 01-03) but never model code: only the config may be
    # missing there
    assert table["hf_ever_held"].to_dict() == {"model code": False, "model config": True}
    assert drift(commits, changes(commits).iloc[:0]).empty


def test_no_files_no_changes():
    assert changes(family().assign(files=None)).empty
    assert propagation_table(propagation_events(changes(family().assign(files=None)), 14)).empty


def test_automated_commits_are_found_linked_and_timed():
    commits = family()
    found = automated_commits(commits).set_index("key")
    assert found.loc["h4", "rule"] == "auto sync from git"
    # h4 (01-01 12:00) mirrors G1 (01-01 00:00): half a day later
    assert found.loc["h4", "linked_sha"] == G1 and found.loc["h4", "delay_days"] == 0.5
    assert found.loc["h5", "rule"] == "huggingface_hub upload default"
    assert pd.isna(found.loc["h6", "linked_sha"])  # names no commit of the family
    assert found.loc[G2, "rule"] == "bot author"
    assert sorted(found.index) == sorted(["h4", "h5", "h6", G2])
    families = pd.DataFrame({"family": ["f"], "pattern": ["Dense partial"]})
    per_family = automated_sync_by_family(automated_commits(commits), commits, families)
    row = per_family.iloc[0]
    # 6 HF commits, of which h4, h5, h6 automated (50 %), one linked at 0.5 days
    assert (row["n_hf_commits"], row["n_automated_hf"], row["n_linked"]) == (6, 3, 1)
    assert row["percent_automated_hf"] == 50.0 and row["median_delay_days"] == 0.5
    assert row["n_negative_delay"] == 0


def test_the_automated_commits_table_reads_back_as_written(tmp_path):
    # the table is written by one job and read by another (trace_propagation)
    from ptlmsync.automation import read_automated_commits

    commits = family()
    families = pd.DataFrame({"family": ["f"], "pattern": ["Dense partial"]})
    found = automated_commits(commits)
    found.to_csv(tmp_path / "a.csv", index=False)
    back = read_automated_commits(tmp_path / "a.csv")
    pd.testing.assert_frame_equal(back, found, check_dtype=False)
    assert back["sync"].dtype == bool and back["key"].tolist() == found["key"].tolist()
    pd.testing.assert_frame_equal(
        automated_sync_by_family(back, commits, families),
        automated_sync_by_family(found, commits, families),
    )
    found.iloc[:0].to_csv(tmp_path / "none.csv", index=False)
    none = read_automated_commits(tmp_path / "none.csv")
    assert none.empty and automated_sync_by_family(none, commits, families).empty


def test_a_plain_message_is_not_automation():
    assert match("HF", "Update README.md", "alice") is None
    assert match("GH", "Fix tokenizer", "alice") is None


def test_rq4_numbers_by_hand():
    from ptlmsync.numbers import propagation_numbers

    columns = [*OBSERVED[:1], *OBSERVED[1:], "expected_percent", "excess", "beyond_chance"]
    table = pd.DataFrame(
        [
            ("tokenizer", "GH→HF", 20, 10, 50.0, 3.0, 10.0, 40.0, True),
            ("weights", "GH→HF", 5, 5, 100.0, 1.0, 20.0, 80.0, True),  # < 10 changes
            ("model config", "GH→HF", 10, 2, 20.0, 6.0, 25.0, -5.0, False),
            ("dependencies", "GH→HF", 10, 8, 80.0, 2.0, 60.0, 20.0, False),
            ("tokenizer", "HF→GH", 4, 1, 25.0, 9.0, 30.0, -5.0, False),
        ],
        columns=["kind", "direction", *columns],
    )
    automated = pd.DataFrame(
        {
            "family": ["a", "b", "c"],
            "n_automated_hf": [3, 2, 1],
            "n_sync_hf": [3, 1, 0],
            "n_linked": [2, 0, 0],
            "median_delay_days": [0.5, None, None],
            "n_negative_delay": [1, 0, 0],
        }
    )
    drift_table = pd.DataFrame(
        {
            "family": ["a", "a", "b", "c", "c"],
            "kind": ["tokenizer", "weights", "weights", "ci/automation", "training"],
            "hf_ever_held": [True, True, True, False, False],
        }
    )
    versus = pd.DataFrame(
        {
            "group": ["automated sync", "other"],
            "n_families": [2, 3],
            "median_family_days": [1.5, 20.0],
            "top_pattern": ["Frequent", "Disperse"],
            "percent_top_pattern": [100.0, 66.7],
            "p": [0.2, 0.2],
        }
    )
    got = propagation_numbers(table, automated, drift_table, versus)
    assert got["files_available"]
    # GH→HF: 45 changes, 25 propagated -> 55.6 %; chance: (20*10 + 5*20 + 10*25 + 10*60)
    # / 45 = 1150 / 45 = 25.6 %. Beyond chance: tokenizer and weights; of those with at
    # least ten changes, tokenizer (excess 40). Dependencies has the larger share (80 %)
    # but is not beyond chance, so it is not "top".
    assert got["gh_to_hf"] == {
        "n_changes": 45,
        "n_propagated": 25,
        "percent": 55.6,
        "expected_percent": 25.6,
        "n_kinds": 4,
        "n_beyond_chance": 2,
        "kinds_beyond_chance": "tokenizer, weights",
        "kinds_chance": "dependencies, model config",
        "top_kind": "tokenizer",
        "top_percent": 50.0,
        "top_excess": 40.0,
        "top_median_days": 3.0,
    }
    assert got["hf_to_gh"]["percent"] == 25.0 and got["hf_to_gh"]["top_kind"] is None
    assert got["hf_to_gh"]["kinds_beyond_chance"] == "none"
    assert got["automated"] == {
        "n_families": 2,
        "n_sync_commits": 4,
        "n_linked": 2,
        "linked_text": "2 of these 4 commits",
        "median_delay_days": 0.5,
        "n_negative_delay": 1,
        "negative_delay_text": "1 HF commit is dated before the GH commit it names, as "
        "author dates are set where a commit is written, not when it is pushed",
        "n_tool_families": 3,
    }
    # held by the Hub: a (tokenizer, weights) and b (weights) -> 2 families, weights
    # most often; never held: c (ci/automation, training; a tie, the first counted)
    assert got["drift"] == {
        "n_families": 2,
        "top_kind": "weights",
        "kinds": "weights, tokenizer",
        "n_families_never_held": 1,
        "top_kind_never_held": "ci/automation",
        "kinds_never_held": "ci/automation, training",
    }
    assert got["versus"]["automated_sync"]["median_days"] == 1.5 and got["versus"]["p"] == 0.2
    assert got["versus"]["other"]["n_families"] == 3
    empty = propagation_numbers(
        table.iloc[:0], automated.iloc[:0], drift_table.iloc[:0], versus.iloc[:0]
    )
    assert not empty["files_available"] and empty["gh_to_hf"]["percent"] is None
    assert empty["gh_to_hf"]["expected_percent"] is None
    assert empty["drift"]["n_families_never_held"] == 0
    assert empty["drift"]["kinds_never_held"] == "none"


def test_automated_families_against_the_others_by_hand():
    from ptlmsync.automation import automated_vs_other

    by_family = pd.DataFrame({"family": ["a", "b", "c"], "n_sync_hf": [2, 1, 0]})
    families = pd.DataFrame(
        {
            "family": list("abcde"),
            "pattern": ["Frequent", "Frequent", "Disperse", "Disperse", "Sparse"],
        }
    )
    days = pd.DataFrame({"family": list("abcde"), "days": [1.0, 2.0, 10.0, 20.0, 30.0]})
    table = automated_vs_other(by_family, families, days).set_index("group")
    # automated a, b: days 1, 2 (median 1.5), both Frequent; others c, d, e: 10, 20, 30
    # (median 20), Disperse 2 of 3. Mann-Whitney U of {1, 2} vs {10, 20, 30}: U = 0,
    # exact two-sided p = 2 / C(5, 2) = 0.2
    assert table.loc["automated sync", ["n_families", "median_family_days"]].tolist() == [2, 1.5]
    assert table.loc["automated sync", "top_pattern"] == "Frequent"
    assert table.loc["other", "percent_top_pattern"] == pytest.approx(66.7)
    assert table.loc["other", "mannwhitney_u"] == 0.0
    assert table.loc["other", "p"] == pytest.approx(0.2)


def test_the_funnel_by_hand():
    from ptlmsync.numbers import funnel

    numbers = {"n_models": 5, "n_families": 2, "n_gh_commits": 40, "n_hf_commits": None}
    links = pd.DataFrame({"decision": ["linked", "manual", "unlinked", "ambiguous"]})
    table = funnel(numbers, links)
    assert table.values.tolist() == [
        ["NLP models listed with at least the minimum downloads", 4],
        ["models linked to a GitHub repository", 2],
        ["models in the analysed families", 5],
        ["analysed families (one GitHub repository each)", 2],
        ["GH commits", 40],  # HF commits unknown: no row
    ]
    assert len(funnel(numbers, None)) == 3


# --- events: one-to-one answers, same-second pairs, one HF change per day --------------


def change_rows(*rows, family="f") -> pd.DataFrame:
    """Changes from (platform, repository, key, days after T0, kind)."""
    records = [
        (family, platform, repository, key, T0 + pd.Timedelta(days=days), kind)
        for platform, repository, key, days, kind in rows
    ]
    return pd.DataFrame(records, columns=CHANGE_COLUMNS)


def test_five_gh_edits_then_one_hf_edit_are_one_propagation():
    gh = [("GH", "GH", f"g{i}", i / 10, "model config") for i in range(5)]
    traced = trace(change_rows(*gh, ("HF", "o/m", "h", 1.0, "model config")), max_days=14)
    table = propagation_table(traced).set_index("direction")
    # one HF edit answers one GH edit (the earliest, after 1 day), not five
    assert table.loc["GH→HF", OBSERVED].tolist() == [5, 1, 20.0, 1.0]
    events = traced.events.set_index("key")
    assert events.loc["g0", "answer_key"] == "h" and events["propagated"].sum() == 1
    # the HF edit has no later GH config edit
    assert table.loc["HF→GH", ["n_changes", "n_propagated"]].tolist() == [1, 0]


def test_each_source_takes_the_earliest_free_answer_in_its_window():
    # GH 0 and 10; HF 12 and 13 (max 14 days): GH 0 takes HF 12, GH 10 takes HF 13
    # (delays 12 and 3, median 7.5); HF 12 and 13 have no later GH change
    rows = change_rows(
        ("GH", "GH", "g0", 0, "tokenizer"),
        ("GH", "GH", "g10", 10, "tokenizer"),
        ("HF", "o/m", "h12", 12, "tokenizer"),
        ("HF", "o/m", "h13", 13, "tokenizer"),
    )
    traced = trace(rows, max_days=14)
    table = propagation_table(traced).set_index("direction")
    assert table.loc["GH→HF", OBSERVED].tolist() == [2, 2, 100.0, 7.5]
    answers = traced.events.set_index("key")["answer_key"]
    assert (answers["g0"], answers["g10"]) == ("h12", "h13")
    # a window of 2.5 days: GH 10 finds HF 12 only; GH 0 finds nothing
    table = propagation_table(trace(rows, max_days=2.5)).set_index("direction")
    assert table.loc["GH→HF", OBSERVED].tolist() == [2, 1, 50.0, 2.0]


def test_changes_at_the_same_second_answer_neither_direction():
    same = change_rows(("GH", "GH", "g", 1.5, "tokenizer"), ("HF", "o/m", "h", 1.5, "tokenizer"))
    table = propagation_table(trace(same, max_days=14)).set_index("direction")
    assert table["n_propagated"].to_dict() == {"GH→HF": 0, "HF→GH": 0}
    # one second later on HF: GH→HF answered after 1 s, HF→GH not
    later = same.assign(date=same["date"] + pd.to_timedelta([0, 1], unit="s"))
    table = propagation_table(trace(later, max_days=14)).set_index("direction")
    assert table["n_propagated"].to_dict() == {"GH→HF": 1, "HF→GH": 0}
    assert table.loc["GH→HF", "median_days"] == round(1 / 86_400, 2)


def test_hf_changes_of_one_kind_on_one_day_across_models_are_one_change():
    day = 1  # 2024-01-02
    rows = change_rows(
        ("GH", "GH", "g1", 0, "model config"),  # 01-01 00:00
        ("GH", "GH", "g2", day + 0.5, "model config"),  # 01-02 12:00
        ("HF", "o/m-s", "s1", day + 8 / 24, "model config"),  # 01-02 08:00
        ("HF", "o/m-b", "b1", day + 9 / 24, "model config"),  # 01-02 09:00
        ("HF", "o/m-l", "l1", day + 23.5 / 24, "model config"),  # 01-02 23:30
        ("HF", "o/m-s", "s2", day + 1 + 0.5 / 24, "model config"),  # 01-03 00:30: next day
    )
    counted = counted_changes(rows)
    hf = counted[counted["platform"] == "HF"].set_index("key")
    assert hf["n_commits"].to_dict() == {"s1": 3, "s2": 1}
    assert hf.loc["s1", "date"] == T0 + pd.Timedelta(days=day, hours=8)
    traced = trace(rows, max_days=14)
    table = propagation_table(traced).set_index("direction")
    # GH 01-01 -> HF 01-02 08:00 (1 1/3 days); GH 01-02 12:00 -> HF 01-03 00:30 (0.52)
    assert table.loc["GH→HF", OBSERVED].tolist() == [2, 2, 100.0, round((4 / 3 + 12.5 / 24) / 2, 2)]
    # HF 01-02 (one change for three commits) -> GH 01-02 12:00 (4 hours); HF 01-03 none
    assert table.loc["HF→GH", OBSERVED].tolist() == [2, 1, 50.0, round(4 / 24, 2)]


# --- the null model ------------------------------------------------------------------


def null_example() -> pd.DataFrame:
    """GH config at day 0, HF config at day 1, and GH training at day 9 (on GH only: it
    is no event, but makes the family's active period nine days long)."""
    return change_rows(
        ("GH", "GH", "g", 0, "model config"),
        ("HF", "o/m", "h", 1, "model config"),
        ("GH", "GH", "t", 9, "training"),
    )


def test_the_null_model_by_hand():
    draws = 2000
    table = propagation_table(trace(null_example(), 3, draws=draws, seed=7))
    table = table.set_index("direction")
    # GH→HF: the HF change lands uniformly on the 9-day circle; it answers the GH change
    # at day 0 when it lands in (0, 3] days: 3 / 9 of the draws. Observed: answered (100 %).
    row = table.loc["GH→HF"]
    assert row["expected_percent"] == pytest.approx(100 / 3, abs=3.5)  # ~3 standard errors
    assert row["excess"] == pytest.approx(100 - 100 / 3, abs=3.5)
    # the null's 2.5 % / 97.5 % shares are 0 and 100: excess from 100 - 100 to 100 - 0
    assert (row["excess_low"], row["excess_high"]) == (0.0, 100.0)
    # p: (1 + draws answering it) / (1 + draws), about 1 / 3; Bonferroni over two rows
    assert row["p_value"] == pytest.approx(1 / 3, abs=0.035)
    assert row["p_bonferroni"] == pytest.approx(min(1, 2 * row["p_value"]), abs=1e-6)
    assert not row["beyond_chance"]
    # HF→GH: the GH change (day 0) lands in (1, 4] days in 3 / 9 of the draws; observed
    # 0 %, so every draw answers at least as many: p = (1 + 2000) / (1 + 2000) = 1
    row = table.loc["HF→GH"]
    assert row["percent_propagated"] == 0.0 and row["p_value"] == 1.0
    assert row["expected_percent"] == pytest.approx(100 / 3, abs=3.5)
    assert (row["excess_low"], row["excess_high"]) == (-100.0, 0.0)


def test_the_null_draws_are_seeded():
    def null(seed):
        return trace(null_example(), 3, draws=50, seed=seed).null

    assert np.array_equal(null(1), null(1))
    assert not np.array_equal(null(1), null(2))
    assert null(1).shape == (2, 50)  # two groups (config, both directions), 50 draws


def test_the_vectorised_matching_equals_the_definition():
    """greedy_match against the definition written out: per group and shift, sources in
    time order each take the earliest free target in (s, s + horizon]."""

    def by_definition(sources, targets, circle, shift, horizon):
        free = sorted((t + shift) % circle for t in targets)
        answered = 0
        for s in sorted(sources):
            hit = next((t for t in free if s < t <= s + horizon), None)
            if hit is not None:
                free.remove(hit)
                answered += 1
        return answered

    rng = np.random.default_rng(3)
    for _ in range(60):
        n_groups = int(rng.integers(1, 4))
        circle = rng.integers(1, 50, size=n_groups)
        parts = {"src": ([], []), "tgt": ([], [])}
        for g in range(n_groups):
            for side in parts:
                times = sorted(rng.integers(0, circle[g], size=int(rng.integers(1, 9))))
                parts[side][0].extend([g] * len(times))
                parts[side][1].extend(times)
        shifts = rng.integers(0, circle[:, None], size=(n_groups, 5))
        horizon = int(rng.integers(0, 20))
        arrays = [np.array(a, dtype=np.int64) for side in parts.values() for a in side]
        _, _, counts = greedy_match(*arrays, circle, shifts, horizon)
        for g in range(n_groups):
            src = [t for gg, t in zip(*parts["src"], strict=True) if gg == g]
            tgt = [t for gg, t in zip(*parts["tgt"], strict=True) if gg == g]
            for d in range(5):
                assert counts[g, d] == by_definition(src, tgt, circle[g], shifts[g, d], horizon)


def random_changes(seed: int, gh_gap: float, hf_gap=None, planted=None, families=25, prefix="f"):
    """Families over two years with one change kind: GH changes at random times (one
    per ``gh_gap`` days on average); HF changes either independent of them (one per
    ``hf_gap`` days) or a ``planted`` share of the GH changes followed within 3 days."""
    rng = np.random.default_rng(seed)
    span, rows = 730.0, {"family": [], "platform": [], "days": []}
    for f in range(families):
        gh = rng.uniform(0, span, rng.poisson(span / gh_gap))
        if planted is None:
            hf = rng.uniform(0, span, rng.poisson(span / hf_gap))
        else:
            follow = rng.random(len(gh)) < planted
            hf = gh[follow] + rng.uniform(0, 3, follow.sum())
        for platform, days in (("GH", gh), ("HF", hf)):
            rows["family"] += [f"{prefix}{f}"] * len(days)
            rows["platform"] += [platform] * len(days)
            rows["days"] += days.tolist()
    out = pd.DataFrame(rows)
    return out.assign(
        repository=out["platform"],
        key=[f"{p}{i}" for i, p in enumerate(out["platform"])],
        date=T0 + pd.to_timedelta(out["days"], unit="D"),
        kind="model config",
    )[CHANGE_COLUMNS]


def test_two_independent_processes_are_indistinguishable_from_chance():
    # one change a week on each platform, 14 days: most changes are "answered" by
    # chance. 40 seeds of 10 families each, traced at once (each family has its own
    # shifts), then tested seed by seed (Bonferroni over the seed's two rows)
    seeds = range(40)
    rows = [random_changes(seed, 7, 7, families=10, prefix=f"s{seed}-") for seed in seeds]
    traced = trace(pd.concat(rows, ignore_index=True), 14, draws=99, seed=0)
    flagged, excess, observed = 0, [], []
    event_seed = traced.events["family"].str.split("-").str[0]
    group_seed = traced.groups["family"].str.split("-").str[0].to_numpy()
    for seed in seeds:
        mine = group_seed == f"s{seed}"
        part = Propagation(
            traced.events[event_seed == f"s{seed}"], traced.groups[mine], traced.null[mine]
        )
        table = propagation_table(part)
        flagged += bool(table["beyond_chance"].any())
        excess += table["excess"].tolist()
        observed += table["percent_propagated"].tolist()
    assert np.mean(observed) > 50  # what the naive count would call propagation
    assert flagged <= 0.05 * len(seeds)  # no significant excess in >= 95 % of seeds
    assert abs(np.mean(excess)) < 2  # the null's expected share is the observed one's


def test_a_planted_process_is_beyond_chance_and_its_share_recovered():
    # one GH change a month; 60 % followed on HF within 3 days (max_days 3). By hand: HF
    # changes come at 0.6 / 30 a day, so chance answers about 1 - exp(-0.06) = 6 % of
    # the GH changes; the excess is about 60 - 6 = 54, within 10 points of 60.
    for seed in (1, 2, 3):
        traced = trace(random_changes(seed, 30, planted=0.6), 3, draws=199, seed=seed)
        row = propagation_table(traced).set_index("direction").loc["GH→HF"]
        assert row["beyond_chance"] and row["p_value"] == pytest.approx(1 / 200)
        assert row["expected_percent"] == pytest.approx(6, abs=3)
        assert row["excess"] == pytest.approx(60, abs=10)
        assert row["excess_low"] > 0


def test_the_pattern_table_corrects_over_its_own_rows():
    rows = random_changes(4, 30, planted=0.6, families=6)
    traced = trace(rows, 3, draws=199, seed=4)
    pattern = {f"f{i}": ("Frequent" if i < 3 else "Sparse") for i in range(6)}
    for part in (traced.events, traced.groups):
        part["pattern"] = part["family"].map(pattern)
    table = propagation_table(traced, by=["pattern"])
    assert table[["pattern", "direction"]].values.tolist() == [
        ["Frequent", "GH→HF"],
        ["Frequent", "HF→GH"],
        ["Sparse", "GH→HF"],
        ["Sparse", "HF→GH"],
    ]
    # the per-pattern rows add up to the whole, draw by draw
    whole = propagation_table(traced).set_index("direction")
    assert table.groupby("direction")["n_changes"].sum().to_dict() == whole["n_changes"].to_dict()
    assert (table["p_bonferroni"] == np.minimum(1, (4 * table["p_value"]).round(6))).all()
