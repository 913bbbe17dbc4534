"""Text cleaning, the taxonomy file and the offline rule labeller."""

import pandas as pd
import pytest

from ptlmsync.label_rules import rule_label
from ptlmsync.labellers import LabelCache, OfflineLabeller, label_commits, make_labeller
from ptlmsync.taxonomy import load_taxonomy
from ptlmsync.text import clean_text, hf_commit_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Fix  bug\n\nin   `forward()`", "Fix bug in"),
        ("<p>Update <b>README</b></p>", "Update README"),
        ("before\n```python\nx = 1\n```\nafter", "before after"),
        ("ﬁx ＡＢＣ", "fix ABC"),  # NFKC
        (None, ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_hf_text_is_title_plus_message_without_repeats():
    assert hf_commit_text("Upload", "Upload") == "Upload"
    assert hf_commit_text("Update README.md", "adds usage") == "Update README.md adds usage"
    assert hf_commit_text(None, None) == ""


def test_taxonomy_has_fifteen_types_in_four_categories():
    tax = load_taxonomy()
    assert len(tax.names) == 15
    assert sorted(tax.categories) == ["data", "dependency", "maintenance", "meta-program"]
    assert tax.category_of("Sharing") == "meta-program"
    assert tax.normalise("bug fix") == "Model Structure"
    assert tax.normalise("  sharing ") == "Sharing"
    with pytest.raises(ValueError, match="not a change type"):
        tax.normalise("Refactoring")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Update README.md", "External Documentation"),
        ("Upload folder using huggingface_hub", "Sharing"),
        ("Update tokenizer_config.json", "Preprocessing"),
        ("Update config.json", "Parameter Tuning"),
        ("Bump transformers to 4.40", "Update Dependency"),
        ("Remove dependency on apex", "Remove Dependency"),
        ("Add evaluation results", "Validation Infrastructure"),
        ("Something unexpected", "Model Structure"),
    ],
)
def test_rule_label(text, label):
    assert rule_label(text) == label


def test_label_commits_repeats_runs_and_rejects_unknown_backends(tmp_path):
    commits = pd.DataFrame(
        {
            "platform": ["HF", "HF"],
            "family": "f",
            "series": "o/m",
            "key": ["a", "b"],
            "text": ["Update README.md"] * 2,
        }
    )
    cache = LabelCache(tmp_path / "cache.parquet")
    labels, usage = label_commits(commits, OfflineLabeller(), 3, cache)
    assert len(labels) == 6 and set(labels["run"]) == {1, 2, 3}
    assert set(labels["label"]) == {"External Documentation"}
    assert usage["requests"].tolist() == [1, 1, 1]  # identical texts: one question per run
    with pytest.raises(ValueError, match=r"label\.backend"):
        make_labeller({"backend": "oracle"})


def test_missing_cells_are_empty_text():
    assert clean_text(float("nan")) == "" and clean_text(pd.NA) == ""
    assert hf_commit_text("Upload", float("nan")) == "Upload"
