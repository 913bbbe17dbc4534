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
from ptlmsync.crawl.records import CrawlStatus
from ptlmsync.schemas import (
    FAMILY_COMMITS,
    TableError,
    read_gh_commits,
    read_hf_commits,
    read_models,
    validate,
)
from ptlmsync.text import clean_text, hf_commit_text
from ptlmsync.vocab import Platform, Source

log = logging.getLogger(__name__)

#: The sources whose snapshot this module collects (the replication has its own stage).
SOURCES = (Source.DEMO, Source.SNAPSHOT, Source.LIVE)
SNAPSHOT_FILES = ("models.csv", "hf_commits.parquet", "gh_commits.parquet")
HF_USERS = "hf_users.csv"
#: The crawl's status of every repository (optional in a snapshot directory).
STATUS = "status.csv"


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
    write_meta(out / "snapshot.json", meta)
    return meta


def _write_demo(params: dict, out: Path) -> dict:
    snap = demo.generate_demo(params["n_families"], params["seed"], params["extraction_date"])
    _iso(snap.models, ["created_at", "last_modified"]).to_csv(out / "models.csv", index=False)
    snap.hf_commits.to_parquet(out / "hf_commits.parquet", index=False)
    # the demo's GH authors are GitHub logins, and an HF user named like one of them is
    # that person: their (fictional) HF profile links that login; the others link none
    gh = snap.gh_commits.assign(author_identity="login")
    gh.to_parquet(out / "gh_commits.parquet", index=False)
    hf_users = sorted({u for a in snap.hf_commits["authors"].dropna() for u in a.split(",") if u})
    logins = set(gh["author"])
    pd.DataFrame(
        {"hf_user": hf_users, "github_login": [u if u in logins else "" for u in hf_users]}
    ).to_csv(out / HF_USERS, index=False)
    snap.truth.to_parquet(out / demo.TRUTH_FILE, index=False)
    return snapshot_metadata(Source.DEMO, params["extraction_date"], seed=params["seed"])


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
    for optional in (STATUS,):  # the crawl's statuses: why a repository has no commits
        if (src / optional).exists():
            shutil.copyfile(src / optional, out / optional)
        else:
            (out / optional).unlink(missing_ok=True)
    if (src / HF_USERS).exists():  # optional: HF user -> GitHub login from HF profiles
        shutil.copyfile(src / HF_USERS, out / HF_USERS)
    else:  # never one left from an earlier snapshot
        (out / HF_USERS).unlink(missing_ok=True)
    given = (
        json.loads((src / "snapshot.json").read_text()) if (src / "snapshot.json").exists() else {}
    )
    extraction = given.get("extraction_date") or models["last_modified"].max().date().isoformat()
    return snapshot_metadata(
        Source.SNAPSHOT,
        extraction,
        demo_data=given.get("demo", False),
        marker=given.get("marker", ""),
        snapshot_dir=str(src),
    )


def _iso(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    df = df.copy()
    for col in columns:
        df[col] = df[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df


def family_commits(
    models: pd.DataFrame, hf: pd.DataFrame, gh: pd.DataFrame, hf_users: dict[str, str] | None = None
) -> pd.DataFrame:
    """All commits of all families in the per-family schema (family, platform, repository, …).

    ``author_github`` and ``author_identity`` say what is known of the authors' GitHub
    accounts. GH: the login where ``gh_commits`` marks the author as one (its
    ``author_identity``; without that column every author is a name only). HF: per author
    (comma-separated, aligned with ``author``) the login the user's HF profile links
    (``hf_users``: every user whose profile was read, "" where it links none), with
    identity ``profile``; a user not in ``hf_users`` has identity ``name``.
    """
    _check_one_repo_per_family(models)
    family_of_model = models.set_index("model_id")["family"]
    family_of_repo = models.drop_duplicates("github_repo").set_index("github_repo")["family"]
    hf_users = hf_users or {}
    hf_part = pd.DataFrame(
        {
            "family": hf["model_id"].map(family_of_model),
            "platform": Platform.HF,
            "repository": hf["model_id"],
            "key": hf["commit_id"],
            "date": hf["date"],
            "text": [hf_commit_text(t, m) for t, m in zip(hf["title"], hf["message"], strict=True)],
            "author": hf["authors"],
            "author_github": [_hf_logins(a, hf_users) for a in hf["authors"]],
            "author_identity": [_hf_identities(a, hf_users) for a in hf["authors"]],
            "files": hf.get("files"),
        }
    )
    identity = gh["author_identity"] if "author_identity" in gh else pd.Series("name", gh.index)
    identity = identity.where(gh["author"].notna())
    gh_part = pd.DataFrame(
        {
            "family": gh["github_repo"].map(family_of_repo),
            "platform": Platform.GH,
            "repository": Platform.GH,
            "key": gh["sha"],
            "date": gh["date"],
            "text": [clean_text(m) for m in gh["message"]],
            "author": gh["author"],
            "author_github": gh["author"].where(identity == "login"),
            "author_identity": identity,
            "files": gh.get("files"),
        }
    )
    unknown = hf_part["family"].isna().sum()
    if unknown:
        log.warning("%d HF commits belong to models not in models.csv; ignored", unknown)
    both = pd.concat([hf_part, gh_part], ignore_index=True).dropna(subset=["family"])
    return validate(both, FAMILY_COMMITS, "family commits")


def _split(authors) -> list[str]:
    return [a.strip() for a in authors.split(",")] if isinstance(authors, str) and authors else []


def _hf_logins(authors, hf_users: dict[str, str]) -> str | None:
    """The logins the authors' HF profiles link, aligned with the authors ("" for none)."""
    users = _split(authors)
    return ",".join(hf_users.get(a) or "" for a in users) if users else None


def _hf_identities(authors, hf_users: dict[str, str]) -> str | None:
    users = _split(authors)
    return ",".join("profile" if a in hf_users else "name" for a in users) if users else None


def read_hf_users(path: Path) -> dict[str, str]:
    """HF user -> the GitHub login its profile links ("" for none), for every user whose
    profile was read; {} without the file."""
    if not path.exists():
        return {}
    users = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(users["hf_user"], users["github_login"].str.strip(), strict=True))


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
    excluded_out: str | Path | None = None,
) -> pd.DataFrame:
    """Write batch ``b``'s families' commits to ``batch_paths[b]`` and the frozen family
    list (family, github_repo, n_models, batch) of the families every analysis uses;
    return the list. The families left out (configured exclusions, and families without
    dated commits on both platforms) go to ``excluded_out`` (family, reason)."""
    snap = Path(snapshot_dir)
    models = read_models(snap / "models.csv")
    commits = family_commits(
        models,
        read_hf_commits(snap / "hf_commits.parquet"),
        read_gh_commits(snap / "gh_commits.parquet"),
        read_hf_users(snap / HF_USERS),
    )
    reasons = exclusion_reasons(models, commits, exclude or [], read_gh_statuses(snap / STATUS))
    if excluded_out is not None:
        reasons.to_csv(excluded_out, index=False)
    models = models[~models["family"].isin(reasons["family"])]
    commits = commits[commits["family"].isin(models["family"])]
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


#: Why a family is left out of every analysis (``tables/excluded_families.csv``).
EXCLUDED_COLUMNS = ["family", "reason"]
CONFIGURED_EXCLUSION = "excluded by the configuration"
NO_GH_COMMITS, NO_HF_COMMITS = "no GH commits", "no HF commits"


def exclusion_reasons(
    models: pd.DataFrame, commits: pd.DataFrame, exclude: list[str], gh_status: dict[str, str]
) -> pd.DataFrame:
    """The families no analysis may use, with their reason: those the configuration
    excludes, then those without a dated commit on GH (the crawl's status of the
    repository where it failed: ``not_found``, ``unauthorized``, ``empty_repository``,
    ``error``; else "no GH commits") or on HF ("no HF commits"). Missing data is never
    coded as a pattern: a family whose GH side is unknown is not "HF first"."""
    dated = commits[commits["date"].notna()].groupby(["family", "platform"]).size()
    rows = []
    for family in sorted(models["family"].unique()):
        if family in set(exclude):
            reason = CONFIGURED_EXCLUSION
        elif (family, Platform.GH) not in dated.index:
            status = gh_status.get(family, CrawlStatus.OK)
            reason = status if status != CrawlStatus.OK else NO_GH_COMMITS
        elif (family, Platform.HF) not in dated.index:
            reason = NO_HF_COMMITS
        else:
            continue
        rows.append((family, reason))
    return pd.DataFrame(rows, columns=EXCLUDED_COLUMNS)


def read_gh_statuses(path: Path) -> dict[str, str]:
    """Family -> the crawl's status of its GH repository (``status.csv``; optional in a
    snapshot directory, written by the live crawl)."""
    if not path.exists():
        return {}
    status = pd.read_csv(path, dtype=str)
    missing = {"family", "platform", "status"} - set(status.columns)
    if missing:
        raise TableError(f"{path}: missing columns {sorted(missing)}")
    gh = status[status["platform"] == Platform.GH]
    return dict(zip(gh["family"], gh["status"], strict=True))


def snapshot_metadata(
    source: str,
    extraction_date: str,
    *,
    demo_data: bool | None = None,
    marker: str | None = None,
    **details,
) -> dict:
    """The metadata of a run's data (``snapshot.json``, the one place it is built): its
    source, whether it is demo data and the mark its outputs carry (by default: the
    demo's mark for the demo, none otherwise), the extraction date, and the source's
    ``details``."""
    is_demo = source == Source.DEMO if demo_data is None else bool(demo_data)
    if marker is None:
        marker = demo.DEMO_MARKER if is_demo else ""
    return {
        "source": str(source),
        "demo": is_demo,
        "marker": marker,
        "extraction_date": extraction_date,
        **details,
    }


def write_meta(path: str | Path, meta: dict) -> None:
    Path(path).write_text(json.dumps(meta, indent=2, default=str))


def read_meta(snapshot_json: str | Path) -> dict:
    """The snapshot's metadata (``snapshot.json``)."""
    return json.loads(Path(snapshot_json).read_text())
