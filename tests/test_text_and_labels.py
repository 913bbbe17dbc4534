"""Text cleaning, the taxonomy file and the offline rule labeller."""

import pandas as pd
import pytest

from ptlmsync.label_rules import rule_label
from ptlmsync.labellers import make_labeller
from ptlmsync.taxonomy import load_taxonomy
from ptlmsync.text import clean_text, hf_commit_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Fix  bug\n\nin   `forward()`", "Fix bug in forward()"),  # inline code kept
        ("Adding `safetensors` variant", "Adding safetensors variant"),
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
        # the study's definitions where intuition differs (docs/method.md, section 2)
        ("Auto Sync from git://github.com/01-ai/Yi.git/commit/0123abcd", "Sharing"),
        ("ci: run the unit tests on Python 3.12", "Sharing"),  # CI/CD is Sharing
        ("Update .github/workflows/release.yml", "Sharing"),
        ("Merge branch 'main' of hf.co:org/model", "Sharing"),
        ("initial commit", "Project Metadata"),
        ("first private commit", "Project Metadata"),
        ("Update generation_config.json", "Parameter Tuning"),
        ("Upload LlamaForCausalLM", "Model Structure"),  # weights
        ("Upload model.safetensors", "Model Structure"),
        ("Training in progress, step 500", "Training Infrastructure"),
        ("Upload GGUF quants (Q4_K_M)", "Output Data"),
        ("Add chat template", "Preprocessing"),
        ('Revert "Update config.json"', "Parameter Tuning"),  # what the revert undoes
        ("Adding `safetensors` variant", "Model Structure"),  # inline code text kept
        # real Hub messages the issue tracker names
        ("add common files", "Sharing"),
        ("Update pytorch_model.bin", "Model Structure"),
        ("add diagram", "External Documentation"),
        ("Auto Sync from git://github.com/01-ai/Yi.git/commit/043a50fe5a24ce5f", "Sharing"),
    ],
)
def test_rule_label(text, label):
    assert rule_label(clean_text(text))[0] == label


@pytest.mark.parametrize("text", ["Something unexpected", "update", "20220501", "..."])
def test_no_rule_no_label(text):
    assert rule_label(clean_text(text)) is None  # never a default type


def label_by_shards(tmp_path, commits: pd.DataFrame, runs: int):
    """The offline labeller's jobs as the workflow runs them (one text shard, then the
    batch's join): the labels of every commit and run, and the shard's usage."""
    from ptlmsync.stages.label import label_family_batch, label_text_shard

    config = {"backend": "offline", "runs": runs, "commits_per_request": 50}
    batch = tmp_path / "batch.parquet"
    commits.assign(date=pd.Timestamp("2024-01-01", tz="UTC"), author="dev").to_parquet(batch)
    shard, usage, labels = (tmp_path / n for n in ("shard.parquet", "usage.csv", "labels.parquet"))
    label_text_shard(
        batches=[batch],
        shard=0,
        n_shards=1,
        labels=shard,
        usage=usage,
        cache_dir=tmp_path / "cache",
        label_config=config,
    )
    label_family_batch(commits=batch, shards=[shard], labels=labels, label_config=config)
    return pd.read_parquet(labels), pd.read_csv(usage)


def test_labelling_repeats_runs_and_rejects_unknown_backends(tmp_path):
    commits = pd.DataFrame(
        {
            "platform": ["HF", "HF"],
            "family": "f",
            "series": "o/m",
            "key": ["a", "b"],
            "text": ["Update README.md"] * 2,
        }
    )
    labels, usage = label_by_shards(tmp_path, commits, runs=3)
    assert len(labels) == 6 and set(labels["run"]) == {1, 2, 3}
    assert set(labels["label"]) == {"External Documentation"}
    assert usage["requests"].tolist() == [0, 0, 0]  # the offline labeller asks no one
    with pytest.raises(ValueError, match=r"label\.backend"):
        make_labeller({"backend": "oracle"})


def test_missing_cells_are_empty_text():
    assert clean_text(float("nan")) == "" and clean_text(pd.NA) == ""
    assert hf_commit_text("Upload", float("nan")) == "Upload"


def test_files_decide_what_no_rule_decides(tmp_path):
    commits = pd.DataFrame(
        {
            "platform": ["HF", "HF", "HF", "HF"],
            "family": "f",
            "series": "o/m",
            "key": list("abcd"),
            "text": ["update", "update", "update", "Update README.md"],
            "files": [
                "M\tREADME.md",  # one kind: the card -> External Documentation
                "M\ttokenizer.json\nM\tREADME.md",  # two kinds: stays Unlabelled
                None,  # unknown: stays Unlabelled
                "M\ttokenizer.json",  # a rule decides first: the message wins
            ],
        }
    )
    labels, usage = label_by_shards(tmp_path, commits, runs=1)
    assert labels["label"].tolist() == [
        "External Documentation",
        "Unlabelled",
        "Unlabelled",
        "External Documentation",
    ]
    assert usage["unlabelled"].tolist() == [1]  # distinct texts the rules left: "update"
