"""Artefact kinds, propagation events, drift and automated synchronisation, on a
hand-built family whose answers were worked out by hand."""

import pandas as pd
import pytest

from ptlmsync.automation import automated_commits, automated_sync_by_family, match
from ptlmsync.propagation import (
    PROPAGATION_COLUMNS,
    changes,
    drift,
    kind_of,
    propagation_events,
    propagation_table,
)

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
        rows, columns=["platform", "series", "key", "date", "files", "text", "author"]
    )
    df["date"] = pd.to_datetime(df["date"], utc=True, format="ISO8601")
    return df.assign(family="f")


def test_propagation_by_hand():
    events = propagation_events(changes(family()), max_days=14)
    # model config: GH 01-01 -> HF 01-03 (2 days); GH 03-10 -> nothing; HF 01-03 -> GH
    # 03-10 (67 days > 14). docs: GH 01-10 -> no later HF docs; HF 01-05 -> GH 01-10 (5).
    # model code (GH only) and weights (HF only) are on one platform: no events.
    table = propagation_table(events).set_index(["kind", "direction"])
    assert sorted(table.index) == [
        ("model card / docs", "GH→HF"),
        ("model card / docs", "HF→GH"),
        ("model config", "GH→HF"),
        ("model config", "HF→GH"),
    ]
    assert table.loc[("model config", "GH→HF")].tolist() == [2, 1, 50.0, 2.0]
    assert table.loc[("model card / docs", "HF→GH")].tolist() == [1, 1, 100.0, 5.0]
    assert table.loc[("model config", "HF→GH"), "n_propagated"] == 0
    assert pd.isna(table.loc[("model config", "HF→GH"), "median_days"])


def test_drift_by_hand():
    commits = family()
    table = drift(commits, changes(commits)).set_index("kind")
    # the last HF commit is 03-01; GH changed config and code on 03-10
    assert sorted(table.index) == ["model code", "model config"]
    assert table.loc["model config", "n_gh_changes"] == 1
    assert table.loc["model code", "last_hf_commit"] == pd.Timestamp("2024-03-01", tz="UTC")


def test_no_files_no_changes():
    assert changes(family().assign(files=None)).empty
    assert propagation_table(propagation_events(changes(family().assign(files=None)), 14)).empty


def test_automated_commits_are_found_linked_and_timed():
    commits = family()
    found = automated_commits(commits).set_index("key")
    assert found.loc["h4", "rule"] == "auto sync from git"
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

    table = pd.DataFrame(
        [
            ("tokenizer", "GH→HF", 20, 10, 50.0, 3.0),
            ("weights", "GH→HF", 5, 5, 100.0, 1.0),  # fewer than ten changes: not "top"
            ("model config", "GH→HF", 10, 2, 20.0, 6.0),
            ("tokenizer", "HF→GH", 4, 1, 25.0, 9.0),
        ],
        columns=PROPAGATION_COLUMNS,
    )
    automated = pd.DataFrame(
        {
            "family": ["a", "b", "c"],
            "n_automated_hf": [3, 2, 1],
            "n_sync_hf": [3, 1, 0],
            "n_linked": [2, 0, 0],
            "median_delay_days": [0.5, None, None],
        }
    )
    drift_table = pd.DataFrame(
        {"family": ["a", "a", "b"], "kind": ["tokenizer", "weights", "weights"]}
    )
    versus = pd.DataFrame(
        {
            "group": ["automated sync", "other"],
            "median_family_days": [1.5, 20.0],
            "top_pattern": ["Frequent", "Disperse"],
            "percent_top_pattern": [100.0, 66.7],
            "p": [0.2, 0.2],
        }
    )
    got = propagation_numbers(table, automated, drift_table, versus)
    assert got["files_available"]
    # GH→HF: 35 changes, 17 propagated -> 48.6 %; top among >= 10 changes: tokenizer 50 %
    assert got["gh_to_hf"] == {
        "n_changes": 35,
        "n_propagated": 17,
        "percent": 48.6,
        "top_kind": "tokenizer",
        "top_percent": 50.0,
        "top_median_days": 3.0,
    }
    assert got["hf_to_gh"]["percent"] == 25.0 and got["hf_to_gh"]["top_kind"] is None
    assert got["automated"] == {
        "n_families": 2,
        "n_sync_commits": 4,
        "n_linked": 2,
        "median_delay_days": 0.5,
        "n_tool_families": 3,
    }
    assert got["drift"] == {"n_families": 2, "top_kind": "weights"}
    assert got["versus"]["automated_sync"]["median_days"] == 1.5 and got["versus"]["p"] == 0.2
    empty = propagation_numbers(
        table.iloc[:0], automated.iloc[:0], drift_table.iloc[:0], versus.iloc[:0]
    )
    assert not empty["files_available"] and empty["gh_to_hf"]["percent"] is None


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
        ["families (one GitHub repository each)", 2],
        ["GH commits", 40],  # HF commits unknown: no row
    ]
    assert len(funnel(numbers, None)) == 3
