"""Each run has its own directory, the caches live outside it, and a DAG parse stays light."""

import re

import jsonschema
import pytest
from helpers import REPO
from helpers.workflow import copy_workflow, snakemake

from ptlmsync.config import CACHES, cache_paths, load_schema, run_name

SCHEMA = load_schema(REPO / "workflow/schemas/config.schema.yaml")
HEAVY = ("matplotlib", "seaborn", "scipy", "sklearn", "torch", "bertopic")


def test_run_name_is_derived_from_the_source_unless_set(tmp_path):
    assert run_name({"source": "demo"}) == "demo"
    assert run_name({"source": "replication", "run_name": None}) == "replication"
    assert run_name({"source": "live"}) == "live"
    assert run_name({"source": "demo", "run_name": "pilot"}) == "pilot"
    a, b = tmp_path / "a", tmp_path / "b"
    name_a = run_name({"source": "snapshot", "snapshot_dir": str(a)})
    assert re.fullmatch(r"snapshot-[0-9a-f]{8}", name_a)
    assert name_a != run_name({"source": "snapshot", "snapshot_dir": str(b)})
    # the same directory spelt differently is the same run
    assert name_a == run_name({"source": "snapshot", "snapshot_dir": f"{tmp_path}/x/../a"})


@pytest.mark.parametrize("bad", ["../escape", "a/b", "", "with space"])
def test_a_run_name_that_is_not_a_file_name_is_rejected(bad):
    with pytest.raises(
        jsonschema.ValidationError, match=r"does not match|should be non-empty|is too short"
    ):
        jsonschema.validate({"run_name": bad}, SCHEMA)


def test_caches_live_under_cache_dir_with_home_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = cache_paths({"cache_dir": "~/.cache/ptlm-sync"})
    assert set(paths) == set(CACHES) == {"http", "clones", "labels", "embeddings", "study"}
    assert paths["labels"] == f"{tmp_path}/.cache/ptlm-sync/labels"
    assert cache_paths({"cache_dir": "resources/cache"})["http"] == "resources/cache/http"


def imported_modules(workdir, *args) -> set[str]:
    """Top-level modules a ``snakemake -n`` imports (python -X importtime)."""
    python_options = ("-X", "importtime")
    result = snakemake(workdir, "-n", *args, cores=1, timeout=300, python_options=python_options)
    lines = re.findall(r"^import time:.*\|\s*(\S+)$", result.stderr, flags=re.M)
    return {name.strip().split(".")[0] for name in lines}


@pytest.mark.parametrize("source", ["demo", "replication"])
def test_a_dry_run_imports_no_plotting_statistics_or_model_library(tmp_path, source):
    work = copy_workflow(tmp_path)
    args = ["--config", "source=replication", f"replication_dir={tmp_path}"]
    modules = imported_modules(work, *(args if source == "replication" else []))
    assert "ptlmsync" in modules and "pandas" in modules  # the parse was measured
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_the_code_cites_the_projects_own_method_document():
    method = (REPO / "docs/method.md").read_text()
    sections = set(re.findall(r"^## (\d+)\.", method, flags=re.M))
    assert sections == {str(n) for n in range(1, len(sections) + 1)}  # numbered 1, 2, …
    cited = []
    sources = [*REPO.glob("src/ptlmsync/**/*.py"), *REPO.glob("tests/**/*.py")]
    for path in [*sources, REPO / "README.md"]:
        text = path.read_text()
        assert "METHOD" + ".md" not in text, f"{path} cites a file outside the repository"
        cited += re.findall(r"docs/method\.md, section (\d+)", text)
    assert cited and set(cited) <= sections
