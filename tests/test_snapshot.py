"""The snapshot stage: a user's snapshot directory in, per-family tables and codes out."""

import json

import pandas as pd
import pytest
from helpers.frames import model_row

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


@pytest.fixture
def snapshot(tmp_path):
    models = [
        model_row("a/one", "a/code"),
        model_row("a/two", "a/code"),  # GH and HF commits
        model_row("b/only-hf", "b/code"),  # no GH commits
        model_row("c/silent", "c/code"),  # neither: no commits at all
        model_row("d/gh-only", "d/code"),  # GH commits, none on HF
    ]
    hf = {
        "model_id": ["a/one", "a/one", "b/only-hf"],
        "commit_id": ["h1", "h2", "h3"],
        "date": ["2023-01-02T10:00:00Z", None, "2023-03-01T23:30:00-05:00"],
        "title": ["Upload", "Update README.md", "initial commit"],
        "message": ["", None, ""],
        "authors": ["ann", "ann", "bo"],
    }
    gh = {
        "github_repo": ["a/code", "a/code", "d/code"],
        "sha": ["s1", "s2", "s3"],
        "date": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-02-02"], utc=True),
        "message": ["init", "Fix <b>bug</b> in `x`", "init"],
        "author": ["ann", "cy", "dee"],
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
    # only a family with dated commits on both platforms is analysed
    assert listing.set_index("family")["n_models"].to_dict() == {"a__code": 2}
    by_family = read_batches(batches, listing["family"])
    a = by_family["a__code"]
    assert sorted(a["platform"]) == ["GH", "GH", "HF", "HF"]
    assert "Fix bug in x" in a["text"].tolist()  # HTML removed, inline code words kept
    # each family's commits sit in the batch its id hashes to, and only there
    for b, path in enumerate(batches):
        in_file = set(pd.read_parquet(path)["family"])
        assert in_file == {f for f in in_file if listing.set_index("family").loc[f, "batch"] == b}


def test_family_batch_is_a_stable_hash():
    # CRC-32 of "123456789" is the standard check value 0xCBF43926: last hex digit 6,
    # and its decimal 3421780262 has digit sum 35, so it is 2 mod 3
    assert family_batch("123456789", 16) == 6
    assert family_batch("123456789", 3) == 2
    assert family_batch("123456789", 1) == 0


def test_families_without_commits_on_both_platforms_are_left_out_with_their_reason(
    snapshot, tmp_path
):
    # the crawl could not read b's repository: its reason is the crawl's status, not
    # "HF first" (it has HF commits only because its GH side is unknown)
    pd.DataFrame(
        {
            "family": ["a__code", "b__code", "c__code", "d__code"],
            "platform": ["GH"] * 4,
            "target": ["a/code", "b/code", "c/code", "d/code"],
            "status": ["ok", "not_found", "empty_repository", "ok"],
        }
    ).to_csv(snapshot / "status.csv", index=False)
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    listing = split_families(
        tmp_path / "out",
        [tmp_path / "one.parquet"],
        tmp_path / "families.csv",
        excluded_out=tmp_path / "excluded.csv",
    )
    excluded = pd.read_csv(tmp_path / "excluded.csv").set_index("family")["reason"]
    assert excluded.to_dict() == {
        "b__code": "not_found",
        "c__code": "empty_repository",
        "d__code": "no HF commits",
    }
    assert listing["family"].tolist() == ["a__code"]
    assert set(pd.read_parquet(tmp_path / "one.parquet")["family"]) == {"a__code"}
    out = tmp_path / "coded.json"
    code_sync_batch(
        commits=tmp_path / "one.parquet",
        family_list=tmp_path / "families.csv",
        batch=0,
        coded=out,
        params={},
    )
    rows = {r["family"]["family"]: r["family"] for r in json.loads(out.read_text())}
    assert sorted(rows) == ["a__code"]
    assert rows["a__code"]["lag"] == "Simultaneous"  # the undated HF commit is dropped


def test_without_crawl_statuses_a_missing_side_is_named_by_platform(snapshot, tmp_path):
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    split_families(
        tmp_path / "out",
        [tmp_path / "one.parquet"],
        tmp_path / "families.csv",
        exclude=["a__code"],
        excluded_out=tmp_path / "excluded.csv",
    )
    excluded = pd.read_csv(tmp_path / "excluded.csv").set_index("family")["reason"]
    assert excluded.to_dict() == {
        "a__code": "excluded by the configuration",
        "b__code": "no GH commits",
        "c__code": "no GH commits",
        "d__code": "no HF commits",
    }


def test_a_sensitivity_window_codes_every_family_as_the_coding_would(snapshot, tmp_path):
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    split_families(tmp_path / "out", [tmp_path / "one.parquet"], tmp_path / "families.csv")
    # the window comes from the job's wildcard (a string), the rest from the config
    paths = {"family_list": tmp_path / "families.csv", "batches": [tmp_path / "one.parquet"]}
    code_sync_window(**paths, coded=tmp_path / "w14.csv", window="14", params={})
    table = read_codes(tmp_path / "w14.csv").set_index("family")
    assert table.columns.tolist() == ["window_days", "lag", "code", "pattern"]
    assert sorted(table.index) == ["a__code"]  # the analysed families only
    assert (table["window_days"] == 14).all()
    # the code of the run's own coding (see the test above)
    assert table.loc["a__code", "lag"] == "Simultaneous"


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


def contributors_of(snapshot_dir, tmp_path) -> dict:
    """The contributor sets the sync stage records per family, from a snapshot directory."""
    out = tmp_path / "out"
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot_dir)}, out)
    return contributors_of_dir(out, tmp_path)


def test_hf_profile_links_and_gh_logins_reach_the_contributor_analysis(snapshot, tmp_path):
    gh = pd.read_parquet(snapshot / "gh_commits.parquet")
    # a login; a name GitHub links to no account; d's author (d has no HF commits)
    gh["author"] = ["ann-gh", "Cy Young", "dee"]
    gh["author_identity"] = ["login", "no_account", "login"]
    gh.to_parquet(snapshot / "gh_commits.parquet")
    users = pd.DataFrame({"hf_user": ["ann", "bo"], "github_login": ["ann-gh", ""]})
    users.to_csv(snapshot / "hf_users.csv", index=False)
    sets = contributors_of(snapshot, tmp_path)
    assert sets["a__code"]["shared_authors"] == ["ann-gh"]  # HF ann's profile links ann-gh
    assert sets["a__code"]["shared_status"] == "available"
    assert sets["a__code"]["n_hf_authors_linked"] == 1
    commits = pd.read_parquet(tmp_path / "one.parquet").set_index("key")
    assert commits.loc["h1", ["author_github", "author_identity"]].tolist() == ["ann-gh", "profile"]
    assert commits.loc["s1", ["author_github", "author_identity"]].tolist() == ["ann-gh", "login"]
    assert pd.isna(commits.loc["s2", "author_github"])


def test_a_snapshot_without_logins_says_shared_contributors_are_unavailable(snapshot, tmp_path):
    # the fixture's GH "ann" and HF "ann" look alike, but nothing says they are one account
    sets = contributors_of(snapshot, tmp_path)
    assert sets["a__code"]["shared_status"] == (
        "unavailable: no GitHub logins for GH authors; no HF profile data for HF authors"
    )
    assert not (tmp_path / "out" / "hf_users.csv").exists()


def test_a_profile_table_is_never_left_from_an_earlier_snapshot(snapshot, tmp_path):
    pd.DataFrame({"hf_user": ["ann"], "github_login": ["x"]}).to_csv(
        snapshot / "hf_users.csv", index=False
    )
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    assert (tmp_path / "out" / "hf_users.csv").exists()
    (snapshot / "hf_users.csv").unlink()
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, tmp_path / "out")
    assert not (tmp_path / "out" / "hf_users.csv").exists()


def test_the_demo_gives_logins_and_profiles_so_its_shared_contributors_are_known(tmp_path):
    params = {"n_families": 6, "seed": 3, "extraction_date": "2025-06-30"}
    collect_snapshot({"source": "demo", "demo": params}, tmp_path / "out")
    users = pd.read_csv(tmp_path / "out" / "hf_users.csv", keep_default_na=False)
    linked = users[users["github_login"] != ""]
    assert (linked["hf_user"] == linked["github_login"]).all() and len(linked)
    sets = contributors_of_dir(tmp_path / "out", tmp_path)
    assert {s["shared_status"] for s in sets.values()} == {"available"}
    assert {len(s["shared_authors"]) > 0 for s in sets.values()} == {True, False}


def contributors_of_dir(out, tmp_path) -> dict:
    split_families(out, [tmp_path / "one.parquet"], tmp_path / "families.csv")
    coded = tmp_path / "coded.json"
    code_sync_batch(
        commits=tmp_path / "one.parquet",
        family_list=tmp_path / "families.csv",
        batch=0,
        coded=coded,
        params={},
    )
    return {r["family"]["family"]: r["contributors"] for r in json.loads(coded.read_text())}
