"""The snapshot stage: a user's snapshot directory in, per-family tables and codes out."""

import json

import pandas as pd
import pytest

from ptlmsync.schemas import TableError, read_batches
from ptlmsync.snapshot import (
    collect_snapshot,
    family_batch,
    family_id,
    split_families,
)
from ptlmsync.stages.sync import code_sync_batch, code_sync_window
from ptlmsync.sync_checks import read_codes


def write_snapshot(path, models, hf, gh):
    path.mkdir()
    pd.DataFrame(models).to_csv(path / "models.csv", index=False)
    pd.DataFrame(hf).to_parquet(path / "hf_commits.parquet")
    pd.DataFrame(gh).to_parquet(path / "gh_commits.parquet")
    return path


def model(model_id, repo):
    return {
        "model_id": model_id,
        "family": family_id(repo),
        "github_repo": repo,
        "downloads": 20000,
        "likes": 1,
        "pipeline_tag": "fill-mask",
        "library": "transformers",
        "created_at": "2023-01-01T00:00:00Z",
        "last_modified": "2023-06-01T00:00:00+02:00",
    }


@pytest.fixture
def snapshot(tmp_path):
    models = [
        model("a/one", "a/code"),
        model("a/two", "a/code"),  # GH and HF commits
        model("b/only-hf", "b/code"),  # no GH commits
        model("c/silent", "c/code"),
    ]  # neither: no commits at all
    hf = {
        "model_id": ["a/one", "a/one", "b/only-hf"],
        "commit_id": ["h1", "h2", "h3"],
        "date": ["2023-01-02T10:00:00Z", None, "2023-03-01T23:30:00-05:00"],
        "title": ["Upload", "Update README.md", "initial commit"],
        "message": ["", None, ""],
        "authors": ["ann", "ann", "bo"],
    }
    gh = {
        "github_repo": ["a/code", "a/code"],
        "sha": ["s1", "s2"],
        "date": pd.to_datetime(["2023-01-01", "2023-02-01"], utc=True),
        "message": ["init", "Fix <b>bug</b> in `x`"],
        "author": ["ann", "cy"],
    }
    return write_snapshot(tmp_path / "snap", models, hf, gh)


def test_snapshot_source_copies_validates_and_splits(snapshot, tmp_path):
    meta = collect_snapshot(
        {"source": "snapshot", "snapshot_dir": str(snapshot), "exclude_families": []},
        tmp_path / "out",
    )
    assert meta["source"] == "snapshot" and not meta["demo"]
    assert meta["extraction_date"] == "2023-05-31"  # latest last_modified, in UTC
    batches = [tmp_path / "b" / f"{b}.parquet" for b in range(2)]
    listing = split_families(tmp_path / "out", batches, tmp_path / "families.csv")
    assert listing.set_index("family")["n_models"].to_dict() == {
        "a__code": 2,
        "b__code": 1,
        "c__code": 1,
    }
    by_family = read_batches(batches, listing["family"])
    a = by_family["a__code"]
    assert sorted(a["platform"]) == ["GH", "GH", "HF", "HF"]
    assert "Fix bug in x" in a["text"].tolist()  # HTML removed, inline code words kept
    # each family's commits sit in the batch its id hashes to, and only there
    for b, path in enumerate(batches):
        in_file = set(pd.read_parquet(path)["family"])
        assert in_file == {f for f in in_file if listing.set_index("family").loc[f, "batch"] == b}
    assert by_family["c__code"].empty  # listed, no commits


def test_family_batch_is_a_stable_hash():
    # CRC-32 of "123456789" is the standard check value 0xCBF43926: last hex digit 6,
    # and its decimal 3421780262 has digit sum 35, so it is 2 mod 3
    assert family_batch("123456789", 16) == 6
    assert family_batch("123456789", 3) == 2
    assert family_batch("123456789", 1) == 0


def test_families_with_missing_platforms_still_get_rows(snapshot, tmp_path):
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    split_families(tmp_path / "out", [tmp_path / "one.parquet"], tmp_path / "families.csv")
    out = tmp_path / "coded.json"
    code_sync_batch(
        commits=tmp_path / "one.parquet",
        family_list=tmp_path / "families.csv",
        batch=0,
        coded=out,
        params={},
    )
    rows = {r["family"]["family"]: r["family"] for r in json.loads(out.read_text())}
    assert sorted(rows) == ["a__code", "b__code", "c__code"]
    assert rows["a__code"]["lag"] == "Simultaneous"  # the undated HF commit is dropped
    assert (rows["b__code"]["lag"], rows["b__code"]["code"]) == ("HF first", "ASR")
    assert (rows["c__code"]["lag"], rows["c__code"]["code"]) == ("No data", "NA")


def test_a_sensitivity_window_codes_every_family_as_the_coding_would(snapshot, tmp_path):
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    split_families(tmp_path / "out", [tmp_path / "one.parquet"], tmp_path / "families.csv")
    # the window comes from the job's wildcard (a string), the rest from the config
    paths = {"family_list": tmp_path / "families.csv", "batches": [tmp_path / "one.parquet"]}
    code_sync_window(**paths, coded=tmp_path / "w14.csv", window="14", params={})
    table = read_codes(tmp_path / "w14.csv").set_index("family")
    assert table.columns.tolist() == ["window_days", "lag", "code", "pattern"]
    assert sorted(table.index) == ["a__code", "b__code", "c__code"]
    assert (table["window_days"] == 14).all()
    # the same codes as test_families_with_missing_platforms_still_get_rows
    assert table.loc["a__code", "lag"] == "Simultaneous"
    assert table.loc["b__code", ["lag", "code"]].tolist() == ["HF first", "ASR"]
    assert table.loc["c__code", ["lag", "code"]].tolist() == ["No data", "NA"]


def test_excluded_families_are_dropped(snapshot, tmp_path):
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    listing = split_families(
        tmp_path / "out", [tmp_path / "one.parquet"], tmp_path / "families.csv", exclude=["b__code"]
    )
    assert "b__code" not in set(listing["family"])
    assert "b__code" not in set(pd.read_parquet(tmp_path / "one.parquet")["family"])


def test_bad_snapshot_fails_before_anything_is_written(snapshot, tmp_path):
    models = pd.read_csv(snapshot / "models.csv")
    models.loc[1, "github_repo"] = "a/other"  # one family, two repos
    models.to_csv(snapshot / "models.csv", index=False)
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    with pytest.raises(TableError, match="several github_repo"):
        split_families(tmp_path / "out", tmp_path / "fam", tmp_path / "families.csv")
    (snapshot / "gh_commits.parquet").unlink()
    with pytest.raises(TableError, match=r"gh_commits\.parquet: missing"):
        collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out2")
    assert not (tmp_path / "out2" / "models.csv").exists()


def test_live_source_needs_the_crawled_snapshot(snapshot, tmp_path):
    with pytest.raises(ValueError, match="crawl's snapshot directory"):
        collect_snapshot({"source": "live"}, tmp_path / "a")
    meta = collect_snapshot({"source": "live"}, tmp_path / "b", live_dir=snapshot)
    assert meta["source"] == "live"


def test_family_ids_are_file_safe():
    assert family_id("Owner/Repo.Name") == "Owner__Repo.Name"
    assert family_id("o/r e+x") == "o__r-e-x"
