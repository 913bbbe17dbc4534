"""The one way the tests run Snakemake: in a copy of the workflow, as a user would."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from helpers import REPO

WORKFLOW_PARTS = ("Snakefile", "rules", "workflow", "config", "envs", "paper")


def copy_workflow(dest: Path) -> Path:
    """The workflow's files (as in a fresh clone) copied to ``dest``."""
    for part in WORKFLOW_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copyfile(src, dest / part)
    return dest


def copy_run(work: Path, dest: Path) -> Path:
    """A work directory that has run (results, caches, Snakemake's records) copied to
    ``dest`` with its timestamps, for a test that changes or deletes what others read."""
    shutil.copytree(work, dest, symlinks=True)
    return dest


class Result(subprocess.CompletedProcess):
    @property
    def output(self) -> str:
        """What Snakemake printed, stdout then stderr."""
        return self.stdout + self.stderr


def snakemake(
    workdir: Path,
    *args: str,
    check: bool = True,
    cores: int = 2,
    timeout: float = 900,
    env: dict | None = None,
    python_options: tuple[str, ...] = (),
) -> Result:
    """``python -m snakemake --cores <cores> <args>`` in ``workdir``, output captured.

    With ``check`` a failed run fails the test with the end of its output. ``env`` adds
    to (not replaces) the environment; ``python_options`` go before ``-m``, e.g.
    ``("-X", "importtime")``.
    """
    result = subprocess.run(
        [sys.executable, *python_options, "-m", "snakemake", "--cores", str(cores), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    result = Result(result.args, result.returncode, result.stdout, result.stderr)
    if check:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def planned_jobs(dry_run_output: str) -> dict[str, str]:
    """Jobs per rule from the "Job stats" table of ``snakemake -n``."""
    stats = dry_run_output[dry_run_output.index("Job stats") :].split("Reasons")[0]
    return dict(re.findall(r"^(\w+)\s+(\d+)$", stats, flags=re.M))


def load_config(path: Path = REPO / "config/config.yaml") -> dict:
    return yaml.safe_load(path.read_text())


def set_keys(config: dict, changes: dict, where: str = "") -> dict:
    """``changes`` (nested like the config) written into ``config``; every key must
    exist already, so a misspelt or renamed key fails here instead of changing nothing."""
    for key, value in changes.items():
        assert key in config, f"no key {where}{key} in the config"
        if isinstance(value, dict):
            set_keys(config[key], value, f"{where}{key}.")
        else:
            config[key] = value
    return config


def edit_config(workdir: Path, changes: dict) -> dict:
    """The work directory's config/config.yaml with ``changes`` set (see :func:`set_keys`)."""
    path = workdir / "config" / "config.yaml"
    config = set_keys(load_config(path), changes)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return config
