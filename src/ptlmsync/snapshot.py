"""The snapshot of a run (``results/<run>/snapshot/``) from the configured source.

A snapshot directory holds ``models.csv``, ``hf_commits.parquet``, ``gh_commits.parquet``
and ``snapshot.json`` (source, extraction date, demo flag). This module also splits it
into a fixed number of family batches (a family's batch is a hash of its id, the same in
every run); the batch tables are all the per-family rules read.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import zlib
from pathlib import Path

import pandas as pd

from ptlmsync import demo
from ptlmsync.schemas import (
    FAMILY_COMMITS,
    TableError,
    read_gh_commits,
    read_hf_commits,
    read_models,
    validate,
)
from ptlmsync.text import clean_text, hf_commit_text

log = logging.getLogger(__name__)

SOURCES = ("demo", "snapshot", "live")
SNAPSHOT_FILES = ("models.csv", "hf_commits.parquet", "gh_commits.parquet")
HF_USERS = "hf_users.csv"


def family_id(github_repo: str) -> str:
    """Deterministic, file-safe family id of a GH repo: ``owner__repo``."""
    owner, _, repo = github_repo.strip().partition("/")
    return re.sub(r"[^A-Za-z0-9_.-]", "-", f"{owner}__{repo}")


def collect_snapshot(config: dict, out_dir: str | Path, live_dir: str | Path | None = None) -> dict:
    """Write the snapshot of ``config['source']`` to ``out_dir``; return its metadata.

    For ``live``, ``live_dir`` is the snapshot the crawl rules assembled.
    """
    source = config["source"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if source == "demo":
        meta = _write_demo(config["demo"], out)
    elif source == "snapshot":
        meta = _copy_snapshot(config.get("snapshot_dir"), out)
    elif source == "live":
        if live_dir is None:
            raise ValueError("source 'live': the crawl's snapshot directory is missing")
        meta = _copy_snapshot(live_dir, out) | {"source": "live"}
    else:  # the config schema already restricts this; guard direct calls
        raise ValueError(f"config key 'source': expected one of {SOURCES}, got {source!r}")
    if not (out / demo.TRUTH_FILE).exists():  # declared output: empty unless demo
        pd.DataFrame(columns=demo.TRUTH_COLUMNS).to_parquet(out / demo.TRUTH_FILE)
    models = read_models(out / "models.csv")
    excluded = set(config.get("exclude_families") or [])
    meta |= {
        "n_models": len(models),
        "n_families": int(models["family"].nunique()),
        "excluded_families": sorted(excluded & set(models["family"])),
    }
    (out / "snapshot.json").write_text(json.dumps(meta, indent=2, default=str))
    return meta


def _write_demo(params: dict, out: Path) -> dict:
    snap = demo.generate_demo(params["n_families"], params["seed"], params["extraction_date"])
    _iso(snap.models, ["created_at", "last_modified"]).to_csv(out / "models.csv", index=False)
    snap.hf_commits.to_parquet(out / "hf_commits.parquet", index=False)
    snap.gh_commits.to_parquet(out / "gh_commits.parquet", index=False)
    snap.truth.to_parquet(out / demo.TRUTH_FILE, index=False)
    return {
        "source": "demo",
        "demo": True,
        "marker": demo.DEMO_MARKER,
        "extraction_date": params["extraction_date"],
        "seed": params["seed"],
    }


def _copy_snapshot(snapshot_dir: str | None, out: Path) -> dict:
    if not snapshot_dir:
        raise TableError("config key 'snapshot_dir': required when source is 'snapshot'")
    src = Path(snapshot_dir)
    for name in SNAPSHOT_FILES:
        if not (src / name).exists():
            raise TableError(f"{src / name}: missing; a snapshot directory needs {SNAPSHOT_FILES}")
    models = read_models(src / "models.csv")  # validate before anything is written
    read_hf_commits(src / "hf_commits.parquet")
    read_gh_commits(src / "gh_commits.parquet")
    for name in SNAPSHOT_FILES:
        shutil.copyfile(src / name, out / name)
    if (src / HF_USERS).exists():  # optional: HF user -> GitHub login from HF profiles
        shutil.copyfile(src / HF_USERS, out / HF_USERS)
    given = (
        json.loads((src / "snapshot.json").read_text()) if (src / "snapshot.json").exists() else {}
    )
    extraction = given.get("extraction_date") or models["last_modified"].max().date().isoformat()
    return {
        "source": "snapshot",
        "demo": bool(given.get("demo", False)),
        "marker": given.get("marker", ""),
        "extraction_date": extraction,
        "snapshot_dir": str(src),
    }


def _iso(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    df = df.copy()
    for col in columns:
        df[col] = df[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df


def family_commits(
    models: pd.DataFrame, hf: pd.DataFrame, gh: pd.DataFrame, hf_users: dict[str, str] | None = None
) -> pd.DataFrame:
    """All commits of all families in the per-family schema (family, platform, series, …).

    ``author_github`` holds GitHub logins: the author on GH; on HF, per author (same
    order, comma-separated, empty where unmatched) the login its HF profile links.
    """
    _check_one_repo_per_family(models)
    family_of_model = models.set_index("model_id")["family"]
    family_of_repo = models.drop_duplicates("github_repo").set_index("github_repo")["family"]
    hf_part = pd.DataFrame(
        {
            "family": hf["model_id"].map(family_of_model),
            "platform": "HF",
            "series": hf["model_id"],
            "key": hf["commit_id"],
            "date": hf["date"],
            "text": [hf_commit_text(t, m) for t, m in zip(hf["title"], hf["message"], strict=True)],
            "author": hf["authors"],
            "files": hf.get("files"),
        }
    )
    gh_part = pd.DataFrame(
        {
            "family": gh["github_repo"].map(family_of_repo),
            "platform": "GH",
            "series": "GH",
            "key": gh["sha"],
            "date": gh["date"],
            "text": [clean_text(m) for m in gh["message"]],
            "author": gh["author"],
            "files": gh.get("files"),
        }
    )
    unknown = hf_part["family"].isna().sum()
    if unknown:
        log.warning("%d HF commits belong to models not in models.csv; ignored", unknown)
    both = pd.concat([hf_part, gh_part], ignore_index=True).dropna(subset=["family"])
    return validate(both, FAMILY_COMMITS, "family commits")


def _logins(authors, hf_users: dict[str, str]) -> str | None:
    if not isinstance(authors, str) or not authors:
        return None
    return ",".join(hf_users.get(a.strip(), "") or "" for a in authors.split(","))


def read_hf_users(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    users = pd.read_csv(path, dtype=str).dropna(subset=["github_login"])
    return dict(zip(users["hf_user"], users["github_login"], strict=True))


def _check_one_repo_per_family(models: pd.DataFrame) -> None:
    repos = models.groupby("family")["github_repo"].nunique()
    bad = repos[repos > 1]
    if len(bad):
        raise TableError(
            f"models.csv: column 'family': families with several github_repo "
            f"values: {bad.index.tolist()[:5]}; a family is one GH repo"
        )


def family_batch(family: str, n_batches: int) -> int:
    """The batch of a family: stable across runs, machines and family-set changes."""
    return zlib.crc32(family.encode()) % n_batches


def split_families(
    snapshot_dir: str | Path,
    batch_paths: list[str | Path],
    family_list: str | Path,
    exclude: list[str] | None = None,
) -> pd.DataFrame:
    """Write batch ``b``'s families' commits to ``batch_paths[b]`` and the frozen family
    list (family, github_repo, n_models, batch); return the list."""
    snap = Path(snapshot_dir)
    models = read_models(snap / "models.csv")
    models = models[~models["family"].isin(exclude or [])]
    commits = family_commits(
        models,
        read_hf_commits(snap / "hf_commits.parquet"),
        read_gh_commits(snap / "gh_commits.parquet"),
        read_hf_users(snap / HF_USERS),
    )
    families = (
        models.groupby("family", sort=True)
        .agg(github_repo=("github_repo", "first"), n_models=("model_id", "size"))
        .reset_index()
    )
    n_batches = len(batch_paths)
    families["batch"] = [family_batch(f, n_batches) for f in families["family"]]
    batch_of = families.set_index("family")["batch"]
    in_batch = commits["family"].map(batch_of)
    for b, path in enumerate(batch_paths):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        commits[in_batch == b].to_parquet(path, index=False)
    families.to_csv(family_list, index=False)
    return families


def read_meta(snapshot_json: str | Path) -> dict:
    """The snapshot's metadata (``snapshot.json``)."""
    return json.loads(Path(snapshot_json).read_text())
