"""A malformed config fails before any job runs, with a message naming the key."""

import re
import subprocess
import sys

import pytest
from conftest import REPO, copy_workflow

from ptlmsync.config import coerce_cli_strings, load_schema

SCHEMA = load_schema(REPO / "workflow/schemas/config.schema.yaml")


def test_cli_strings_are_parsed_where_the_schema_wants_numbers():
    config = {
        "sync": {"window_days": "7", "phase_split": "0.25"},
        "source": "demo",
        "snapshot_dir": "123",
        "demo": {"n_families": "many"},
        "collect": {"max_models": "null", "nlp_pipeline_tags": ["fill-mask", "7"]},
        "topics": {"platform_words": ["hub", "42"]},
    }
    config["sync"]["sensitivity_windows"] = ["7", "14", "week"]
    coerce_cli_strings(config, SCHEMA)
    assert config["sync"] == {
        "window_days": 7,
        "phase_split": 0.25,
        # list items too; one that does not parse is left for the schema to reject
        "sensitivity_windows": [7, 14, "week"],
    }
    assert config["topics"]["platform_words"] == ["hub", "42"]  # string items stay strings
    assert config["snapshot_dir"] == "123"  # a string-typed key stays a string
    assert config["demo"]["n_families"] == "many"  # left for the schema to reject
    assert config["collect"]["max_models"] is None
    assert config["collect"]["nlp_pipeline_tags"] == ["fill-mask", "7"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("config")
    copy_workflow(work)
    return work


def dry_run(workdir, *args):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--cores", "1", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        ("sync:\n  window_dayz: 14\n", "window_dayz"),  # unknown key
        ("sync:\n  window_days: fortnight\n", "window_days"),  # wrong type
        ("sync:\n  rare_max_periods: -1\n", "rare_max_periods"),  # negative threshold
        ("sourse: demo\n", "sourse"),  # unknown top-level key
        ("source: web\n", "source"),  # not one of the choices
        ("family_batches: 0\n", "family_batches"),  # below the minimum of 1
        ("topics:\n  max_tokens: 4\n", "max_tokens"),  # too few word pieces to embed
        ("sync:\n  sensitivity_windows: [7, 14, 7]\n", "sensitivity_windows"),  # repeated
    ],
)
def test_bad_config_fails_before_any_job_naming_the_key(workdir, edit, named):
    bad = workdir / "bad.yaml"
    bad.write_text(edit)
    result = dry_run(workdir, "--configfile", "config/config.yaml", str(bad))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Error validating config" in output and named in output
    assert "rule collect_snapshot" not in output
    assert not (workdir / "results").exists()


def test_good_config_with_cli_override_is_accepted(workdir):
    result = dry_run(workdir, "--config", "sync={window_days: 7}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("profile", ["slurm", "cluster-generic"])
def test_cluster_profiles_dry_run(workdir, profile):
    import shutil

    shutil.copytree(REPO / "profiles", workdir / "profiles", dirs_exist_ok=True)
    result = dry_run(workdir, "--profile", f"profiles/{profile}")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout + result.stderr
    assert "collect_snapshot" in out
    # the profile raises family_batches for the cluster: 256 label and sync jobs
    assert re.search(r"^label_batch\s+256$", out, flags=re.M)
    assert re.search(r"^code_sync_batch\s+256$", out, flags=re.M)
