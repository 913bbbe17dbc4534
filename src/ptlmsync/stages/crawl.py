"""Stage ``crawl`` (rules/crawl.smk, ``source: live``): select and link models (freezes
the family list), crawl one family's commits (the fan-out), assemble the snapshot
directory that the collect stage reads (config block ``crawl:``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ptlmsync.crawl import hub
from ptlmsync.crawl.fetch import guarded, link_decision, model_commits, repository_commits
from ptlmsync.crawl.http_cache import RawCache
from ptlmsync.crawl.links import Decision, canonical_repos, read_manual_links
from ptlmsync.crawl.options import CrawlOptions
from ptlmsync.crawl.records import Crawled, count_actions, no_rejections
from ptlmsync.schemas import CRAWLED_GH_COLUMNS, MODEL_COLUMNS
from ptlmsync.snapshot import family_id, snapshot_metadata, write_meta
from ptlmsync.vocab import Platform, Source

log = logging.getLogger(__name__)

#: One row per model and repository crawled: its status, the commits kept, and the
#: records dropped and repaired (one record counts once however many fields it had).
STATUS_COLUMNS = ["family", "platform", "target", "status", "n_commits", "n_dropped", "n_repaired"]


def select_models(
    crawl: dict | CrawlOptions,
    exclude: list[str],
    raw_dir,
    models_out,
    links_out,
    families_out,
    extraction_out,
    rejected_out,
) -> pd.DataFrame:
    """Selected models, every link decision (for audit), the frozen family list and the
    listing entries rejected (``rejected_out``)."""
    options = CrawlOptions.from_config(crawl)
    extraction = pd.Timestamp.now(tz="UTC").date().isoformat()  # the day of the listing
    api = hub.hf_api(hub.hf_endpoint(options.hf_endpoint), RawCache(raw_dir))
    models, rejected = hub.select_models(
        api,
        list(options.nlp_pipeline_tags),
        options.min_downloads,
        options.max_models,
        list(options.models) or None,
    )
    manual = read_manual_links(options.manual_links) if options.manual_links else {}
    results = [
        link_decision(api, m, manual)
        for m in tqdm(models["model_id"], desc="model cards", mininterval=5)
    ]
    links = pd.DataFrame(
        [
            {
                "model_id": r.model_id,
                "links_found": " ".join(r.found),
                "links_kept": " ".join(r.kept),
                "decision": r.decision.value,
                "github_repo": r.github_repo or "",
            }
            for r in results
        ],
        columns=["model_id", "links_found", "links_kept", "decision", "github_repo"],
    )
    linked_rows = links["github_repo"] != ""
    links.loc[linked_rows, "github_repo"] = canonical_repos(links.loc[linked_rows, "github_repo"])
    links.to_csv(links_out, index=False)
    linked = links[links["decision"].isin([Decision.LINKED, Decision.MANUAL])]
    models = models.merge(linked[["model_id", "github_repo"]], on="model_id")
    models["family"] = models["github_repo"].map(family_id)
    models = models[~models["family"].isin(exclude or [])]
    for col in ("created_at", "last_modified"):
        models[col] = pd.to_datetime(models[col], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    models[MODEL_COLUMNS].to_csv(models_out, index=False)
    families = (
        models.groupby("family")
        .agg(github_repo=("github_repo", "first"), n_models=("model_id", "size"))
        .reset_index()
    )
    families.to_csv(families_out, index=False)
    rejected.to_csv(rejected_out, index=False)
    Path(extraction_out).write_text(json.dumps({"extraction_date": extraction}))
    log.info("%d models selected, %d linked, %d families", len(links), len(linked), len(families))
    return families


def crawl_family(
    family: str,
    models_csv,
    crawl: dict | CrawlOptions,
    raw_dir,
    clone_dir,
    hf_out,
    gh_out,
    status_out,
    users_out,
    rejected_out,
) -> None:
    """One family's HF and GH commits; failures become typed statuses, never a crash, and
    malformed records are repaired or dropped one by one (``rejected_out``)."""
    options = CrawlOptions.from_config(crawl)
    models = pd.read_csv(models_csv)
    models = models[models["family"] == family]
    github_repo = models["github_repo"].iloc[0]
    cache = RawCache(raw_dir)
    api = hub.hf_api(hub.hf_endpoint(options.hf_endpoint), cache)
    crawled = [
        (
            Platform.HF,
            m,
            guarded(
                lambda m=m: model_commits(m, options, api, clone_dir, cache),
                m,
                hub.HF_COMMIT_COLUMNS,
            ),
        )
        for m in tqdm(models["model_id"], desc=family, mininterval=5)
    ]
    hf_all = pd.concat([c.commits for _, _, c in crawled], ignore_index=True)
    # profiles are read for Hub users only: a git author name (a display name) is not one
    is_user = hf_all.pop("author_is_user") if "author_is_user" in hf_all else None
    named = hf_all["authors"] if is_user is None else hf_all.loc[is_user.ne(False), "authors"]
    users = sorted({u for a in named.dropna() for u in str(a).split(",") if u})
    logins = [hub.github_login_of(api, u) for u in users]
    pd.DataFrame({"hf_user": users, "github_login": logins}).to_csv(users_out, index=False)
    gh = guarded(
        lambda: repository_commits(github_repo, options, cache, Path(clone_dir) / "gh" / family),
        github_repo,
        CRAWLED_GH_COLUMNS,
    )
    crawled.append((Platform.GH, github_repo, gh))
    hf_all.to_parquet(hf_out, index=False)
    gh.commits.drop(columns="n_parents").to_parquet(gh_out, index=False)
    statuses = pd.DataFrame(
        [_status_row(family, platform, target, c) for platform, target, c in crawled],
        columns=STATUS_COLUMNS,
    )
    statuses.to_csv(status_out, index=False)
    rejected = [c.rejected for _, _, c in crawled if len(c.rejected)]
    (pd.concat(rejected, ignore_index=True) if rejected else no_rejections()).to_csv(
        rejected_out, index=False
    )
    log.info(
        "%s: %d HF commits, %d GH commits (%s), %d records dropped, %d repaired",
        family,
        len(hf_all),
        len(gh.commits),
        gh.status,
        statuses["n_dropped"].sum(),
        statuses["n_repaired"].sum(),
    )


def _status_row(family: str, platform: str, target: str, crawled: Crawled) -> tuple:
    n_dropped, n_repaired = count_actions(crawled.rejected)
    return (family, platform, target, crawled.status, len(crawled.commits), n_dropped, n_repaired)


def assemble_live_snapshot(
    models_csv,
    extraction_json,
    listing_rejected,
    hf_parts,
    gh_parts,
    status_parts,
    user_parts,
    rejected_parts,
    out_dir,
    status_out,
    rejected_out,
) -> None:
    """The snapshot directory (stage contract) from the per-family parts, with every
    status and every repaired or dropped record of the crawl in one table each."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    models = pd.read_csv(models_csv)
    status = pd.concat([pd.read_csv(p) for p in status_parts], ignore_index=True)
    check_parts_match_models(status, models)
    models.to_csv(out / "models.csv", index=False)
    _concat_parquet(hf_parts).to_parquet(out / "hf_commits.parquet", index=False)
    _concat_parquet(gh_parts).to_parquet(out / "gh_commits.parquet", index=False)
    users = pd.concat([pd.read_csv(p) for p in user_parts], ignore_index=True)
    users.drop_duplicates("hf_user").to_csv(out / "hf_users.csv", index=False)
    status.to_csv(status_out, index=False)
    rejected = [pd.read_csv(p) for p in [listing_rejected, *rejected_parts]]
    pd.concat(rejected, ignore_index=True).to_csv(rejected_out, index=False)
    extraction = json.loads(Path(extraction_json).read_text())["extraction_date"]
    write_meta(out / "snapshot.json", snapshot_metadata(Source.LIVE, extraction))
    log.info(
        "snapshot: %d models, statuses %s", len(models), status["status"].value_counts().to_dict()
    )


def _concat_parquet(paths) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def check_parts_match_models(status: pd.DataFrame, models: pd.DataFrame) -> None:
    """Every per-family part was crawled for the family's current models and repository:
    a part left from an older selection would mix two crawls in one snapshot."""
    crawled = status.groupby("family")["target"].agg(frozenset)
    for family, group in models.groupby("family"):
        expected = frozenset([*group["model_id"], group["github_repo"].iloc[0]])
        if crawled.get(family) != expected:
            raise ValueError(
                f"crawl part of family {family!r} is stale: it covers "
                f"{sorted(crawled.get(family, frozenset()))}, the selection "
                f"{sorted(expected)}; re-run its crawl_family job"
            )


#: One family's crawl parts, in the order of crawl_family's outputs.
PART_FILES = (
    "hf_commits.parquet",
    "gh_commits.parquet",
    "status.csv",
    "hf_users.csv",
    "rejected.csv",
)


def crawl_all(crawl: dict | CrawlOptions, exclude: list[str], root: str | Path) -> Path:
    """The three crawl stages in one process (what the rules do; for scripts and tests).

    Returns the snapshot directory ``<root>/snapshot``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    names = (
        "models.csv",
        "links.csv",
        "selected_families.csv",
        "extraction.json",
        "listing_rejected.csv",
    )
    paths = {n: root / n for n in names}
    families = select_models(crawl, exclude, root / "raw", *paths.values())
    parts = []
    for family in families["family"]:
        d = root / "families" / family
        d.mkdir(parents=True, exist_ok=True)
        files = [d / n for n in PART_FILES]
        crawl_family(family, paths["models.csv"], crawl, root / "raw", root / "clones", *files)
        parts.append(files)
    hf, gh, status, users, rejected = (
        (list(p) for p in zip(*parts, strict=True)) if parts else ([], [], [], [], [])
    )
    assemble_live_snapshot(
        paths["models.csv"],
        paths["extraction.json"],
        paths["listing_rejected.csv"],
        hf,
        gh,
        status,
        users,
        rejected,
        root / "snapshot",
        root / "status.csv",
        root / "rejected.csv",
    )
    return root / "snapshot"
