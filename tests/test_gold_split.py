"""The held-out split of the labelled sets is by group (repository, title template)."""

from pathlib import Path

import pandas as pd
import pytest

from ptlmsync.label.checks import held_out_split, scores, title_template

GOLD = Path(__file__).parent / "data" / "gold_gh_commit_labels.csv"


def test_the_gh_gold_split_is_by_repository_and_follows_the_rule():
    gold = pd.read_csv(GOLD)
    assert (gold["split"] == gold["repo"].map(held_out_split)).all()
    assert (gold.groupby("repo")["split"].nunique() == 1).all()  # no repository in both


def test_title_templates_group_identical_hub_titles():
    assert title_template("Update README.md (#12)") == title_template("update README.md")
    assert title_template("Upload checkpoint-1500") == title_template("Upload checkpoint-3000")
    assert title_template("Update config.json") != title_template("Update README.md")


def test_scores_by_hand():
    gold = pd.Series(["Sharing", "Sharing", "Input Data", "Input Data"])
    predicted = pd.Series(["Sharing", "Input Data", "Input Data", "Unlabelled"])
    got = scores(gold, predicted)
    # coverage 3/4; on the labelled three: po 2/3, pe 4/9 -> kappa 0.4; accuracy 2/3
    assert got["coverage"] == 0.75 and got["n"] == 4
    assert got["kappa"] == pytest.approx(0.4) and got["accuracy"] == pytest.approx(2 / 3)


def blind_annotation():
    """benchmarks/blind_annotation.py, the blind-label packet and merge."""
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "blind_annotation.py"
    spec = importlib.util.spec_from_file_location("blind_annotation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_blind_packet_draws_new_commits_by_kind_and_repository():
    kit = blind_annotation()
    assert kit.kind_of("Creado con Colaboratory") == "colab"
    assert kit.kind_of("Add web_demo.py.") == "demo, app or course"
    assert kit.kind_of("Add skeleton") == "terse"
    assert kit.kind_of("Port the attention layer to the new cache interface") is None
    messages = ["Add cli_demo.py.", "Fix demo", "update demo", "Add skeleton", "Bump deps"]
    commits = pd.DataFrame(
        [(f"org/r{r}", f"{r}{i:039d}", m) for r in range(4) for i, m in enumerate(messages)],
        columns=["repo", "sha", "message"],
    )
    gold = commits.iloc[:1][["repo", "sha"]]
    drawn = kit.draw(commits.assign(message=commits["message"] + commits["repo"]), gold, 10)
    drawn_keys = set(zip(drawn["repo"], drawn["sha"], strict=True))
    assert not drawn_keys & set(zip(gold["repo"], gold["sha"], strict=True))
    hard = drawn[drawn["kind"] != "random"]
    assert hard.groupby(["kind", "repo"]).size().max() <= 2
    assert (drawn["split"] == drawn["repo"].map(held_out_split)).all()


def test_blind_merge_keeps_agreed_labels_and_the_repository_split():
    kit = blind_annotation()
    key = pd.DataFrame({"id": ["c1", "c2", "c3"], "repo": ["a/x", "b/y", "a/x"]})
    key["sha"] = ["1" * 40, "2" * 40, "3" * 40]
    a = pd.DataFrame({"id": ["c1", "c2", "c3"], "label": ["Sharing", "sharing", "Input Data"]})
    b = pd.DataFrame({"id": ["c1", "c2", "c3"], "label": ["Sharing", "Sharing", "bug fix"]})
    agreement, agreed = kit.merge_answers(key, a, b)
    assert agreed["sha"].tolist() == ["1" * 40, "2" * 40]  # c3: they disagree
    assert agreement == pytest.approx(0.4)  # po 2/3, pe 4/9 (a: S S I, b: S S M)
    assert (agreed["split"] == agreed["repo"].map(held_out_split)).all()
    gold = pd.DataFrame(
        {
            "repo": ["a/x", "a/x", "c/z"],
            "sha": ["1" * 40, "3" * 40, "4" * 40],
            "label": ["Model Structure", "Input Data", "Sharing"],
        }
    )
    gold["split"] = gold["repo"].map(held_out_split)
    updated = kit.updated_gold(gold, agreed, key)
    # c1 re-labelled, c2 added, c3 contested (asked, no agreement) dropped, c/z untouched
    assert updated["sha"].tolist() == ["1" * 40, "2" * 40, "4" * 40]
    assert updated["label"].tolist() == ["Sharing", "Sharing", "Sharing"]
    assert updated["source"].tolist() == ["blind", "blind", "project"]


def test_blind_instructions_are_the_study_tables_only():
    kit = blind_annotation()
    method = (
        "# M\n## 2. Label commits\ntext\n\n| type | meaning |\n|---|---|\n| Sharing | s |\n\n"
        "more\n\n| type | examples |\n|---|---|\n| Sharing | `x` |\n\nThe study reached 0.72.\n"
        "## 3. Next\n| other | table |\n"
    )
    tables = kit.study_tables(method)
    assert "| Sharing | s |" in tables and "| Sharing | `x` |" in tables
    assert "0.72" not in tables and "other" not in tables
