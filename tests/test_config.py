"""A malformed config fails before any job runs, with a message naming the key."""

import re
from dataclasses import fields

import pytest
from helpers import REPO
from helpers.workflow import copy_workflow, load_config, snakemake

from ptlmsync.config import coerce_cli_strings, load_schema

SCHEMA_PATH = REPO / "workflow/schemas/config.schema.yaml"
SCHEMA = load_schema(SCHEMA_PATH)


def test_cli_strings_are_parsed_where_the_schema_wants_numbers():
    config = {
        "sync": {"window_days": "7", "phase_split": "0.25"},
        "source": "demo",
        "snapshot_dir": "123",
        "demo": {"n_families": "many"},
        "crawl": {"max_models": "null", "nlp_pipeline_tags": ["fill-mask", "7"]},
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
    assert config["crawl"]["max_models"] is None
    assert config["crawl"]["nlp_pipeline_tags"] == ["fill-mask", "7"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("config")
    copy_workflow(work)
    return work


def dry_run(workdir, *args):
    return snakemake(workdir, "-n", *args, cores=1, check=False, timeout=120)


def validate_as_the_snakefile_does(overrides: dict) -> dict:
    """config/config.yaml with ``overrides`` merged in as ``--configfile`` merges a
    second file, then coerced and validated as the Snakefile does, in this process."""
    from snakemake.utils import update_config, validate

    from ptlmsync.config import check_renamed_keys

    config = load_config()
    update_config(config, overrides)
    check_renamed_keys(config)
    coerce_cli_strings(config, SCHEMA)
    validate(config, str(SCHEMA_PATH))
    return config


BAD_CONFIGS = {
    "window_dayz": {"sync": {"window_dayz": 14}},  # unknown key
    "window_days": {"sync": {"window_days": "fortnight"}},  # wrong type
    "rare_max_periods": {"sync": {"rare_max_periods": -1}},  # negative threshold
    "sourse": {"sourse": "demo"},  # unknown top-level key
    "source": {"source": "web"},  # not one of the choices
    "family_batches": {"family_batches": 0},  # below the minimum of 1
    "max_tokens": {"topics": {"max_tokens": 4}},  # too few word pieces to embed
    "sensitivity_windows": {"sync": {"sensitivity_windows": [7, 14, 7]}},  # repeated
}


@pytest.mark.parametrize(("named", "edit"), BAD_CONFIGS.items(), ids=BAD_CONFIGS.keys())
def test_bad_config_is_rejected_naming_the_key(named, edit):
    from snakemake.exceptions import WorkflowError

    with pytest.raises(WorkflowError) as err:
        validate_as_the_snakefile_does(edit)
    message = str(err.value)
    assert "Error validating config" in message and named in message


def test_the_shipped_config_is_valid():
    config = validate_as_the_snakefile_does({})
    assert config["source"] == "demo"


def test_a_bad_config_file_fails_the_workflow_before_any_job_naming_the_key(workdir, tmp_path):
    """The Snakefile validates at all: one bad config through Snakemake itself."""
    import yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(BAD_CONFIGS["window_dayz"]))
    result = dry_run(workdir, "--configfile", "config/config.yaml", str(bad))
    assert result.returncode != 0
    output = result.output
    assert "Error validating config" in output and "window_dayz" in output
    assert "rule collect_snapshot" not in output
    assert not (workdir / "results").exists()


def test_good_config_with_cli_override_is_accepted(workdir):
    result = dry_run(workdir, "--config", "sync={window_days: 7}")
    assert result.returncode == 0, result.stderr


# a dry run of the whole workflow under each profile (9 s each): with the workflow runs,
# out of make test-fast
@pytest.mark.workflow
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


@pytest.mark.parametrize(
    ("old", "new", "config"),
    [
        ("collect", "crawl", {"collect": {"min_downloads": 5}}),
        ("sync.frequent_min_run", "sync.frequent_min_streak", {"sync": {"frequent_min_run": 4}}),
        ("label.runs", "label.repeats", {"label": {"runs": 10}}),
        ("label.statistics_run", "label.statistics_repeat", {"label": {"statistics_run": 1}}),
    ],
)
def test_a_renamed_key_fails_naming_the_new_key(old, new, config):
    from ptlmsync.config import check_renamed_keys

    with pytest.raises(ValueError, match=re.escape(f"'{old}' was renamed '{new}'")):
        check_renamed_keys(config)
    check_renamed_keys({"crawl": {}, "sync": {"frequent_min_streak": 4}})  # the new keys pass


def test_options_take_the_schemas_defaults_and_reject_unknown_keys():
    from ptlmsync.config import options_from_config, schema_defaults
    from ptlmsync.crawl.options import CrawlOptions
    from ptlmsync.sync import SyncParams
    from ptlmsync.topics import TopicParams

    for cls, block in ((CrawlOptions, "crawl"), (SyncParams, "sync"), (TopicParams, "topics")):
        defaults = schema_defaults(block)
        built = cls()
        for field in fields(cls):
            expected = defaults[field.name]
            got = getattr(built, field.name)
            assert (list(got) if isinstance(got, tuple) else got) == expected, field.name
    assert CrawlOptions.from_config({"hf_backend": "api"}).hf_backend == "api"
    assert CrawlOptions.from_config({}).hf_backend == "git"  # the schema's default
    with pytest.raises(ValueError, match=r"crawl\.hf_backnd"):
        options_from_config(CrawlOptions, "crawl", {"hf_backnd": "api"})


def test_the_schema_offers_exactly_the_sources_the_code_knows():
    from ptlmsync.vocab import SOURCE_LABELS, Source

    assert set(load_schema()["properties"]["source"]["enum"]) == set(Source)
    assert set(SOURCE_LABELS) == set(Source)


def test_every_label_key_is_declared_to_change_the_labels_or_not():
    from dataclasses import fields

    from ptlmsync.label.options import LabelOptions

    keys = set(load_schema()["properties"]["label"]["properties"])
    changes, leaves = set(LabelOptions.CHANGES_LABELS), set(LabelOptions.LEAVES_LABELS)
    assert not changes & leaves
    assert keys == changes | leaves  # a new key needs a decision
    assert {f.name for f in fields(LabelOptions)} == keys
