"""Stage ``crawl`` (rules/crawl.smk, ``source: live``): select and link models (freezes
the family list), crawl one family's commits (the fan-out), assemble the snapshot
directory that the collect stage reads."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ptlmsync.crawl import github_api, gitlog, hub
from ptlmsync.crawl.http_cache import RawCache
from ptlmsync.crawl.links import (
    Decision,
    LinkResult,
    canonical_repos,
    link_model,
    read_manual_links,
    resolve_link,
)
from ptlmsync.schemas import CRAWLED_GH_COLUMNS, MODEL_COLUMNS
from ptlmsync.snapshot import family_id

log = logging.getLogger(__name__)

STATUS_COLUMNS = ["family", "platform", "target", "status"]


def select_and_link(
    collect: dict, exclude: list[str], raw_dir, models_out, links_out, families_out, extraction_out
) -> pd.DataFrame:
    """Selected models, every link decision (for audit) and the frozen family list."""
    extraction = pd.Timestamp.now(tz="UTC").date().isoformat()  # the day of the listing
    api = hub.hf_api(hub.hf_endpoint(collect.get("hf_endpoint")), RawCache(raw_dir))
    models = hub.select_models(
        api,
        collect["nlp_pipeline_tags"],
        collect["min_downloads"],
        collect.get("max_models"),
        collect.get("models") or None,
    )
    manual = read_manual_links(collect["manual_links"]) if collect.get("manual_links") else {}
    results = [
        _link(api, m, manual) for m in tqdm(models["model_id"], desc="model cards", mininterval=5)
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
    Path(extraction_out).write_text(json.dumps({"extraction_date": extraction}))
    log.info("%d models selected, %d linked, %d families", len(links), len(linked), len(families))
    return families


def _link(api, model_id: str, manual: dict) -> LinkResult:
    """The link decision of one model; a refused card (private or gated) is reported as
    ``unauthorized`` (a manual link still applies) and the selection goes on."""
    try:
        card = hub.fetch_card(api, model_id) or ""
    except hub.CardRefused as err:
        log.warning("%s", err)
        return resolve_link(LinkResult(model_id, (), (), Decision.UNAUTHORIZED, None), manual)
    return resolve_link(link_model(model_id, card), manual)


def crawl_family(
    family: str,
    models_csv,
    collect: dict,
    raw_dir,
    clone_dir,
    hf_out,
    gh_out,
    status_out,
    users_out,
) -> None:
    """One family's HF and GH commits; failures become typed statuses, never a crash."""
    models = pd.read_csv(models_csv)
    models = models[models["family"] == family]
    github_repo = models["github_repo"].iloc[0]
    cache = RawCache(raw_dir)
    api = hub.hf_api(hub.hf_endpoint(collect.get("hf_endpoint")), cache)
    statuses, hf_parts = [], []
    for model_id in tqdm(models["model_id"], desc=family, mininterval=5):
        commits, status = _guarded(
            lambda m=model_id: hub.hf_commits(api, m), model_id, hub.HF_COMMIT_COLUMNS
        )
        hf_parts.append(commits)
        statuses.append((family, "HF", model_id, status))
    hf_all = pd.concat(hf_parts, ignore_index=True)
    users = sorted({u for a in hf_all["authors"].dropna() for u in str(a).split(",") if u})
    logins = [hub.github_login_of(api, u) for u in users]
    pd.DataFrame({"hf_user": users, "github_login": logins}).to_csv(users_out, index=False)
    gh, status = _guarded(
        lambda: _gh_commits(github_repo, collect, cache, Path(clone_dir) / family),
        github_repo,
        CRAWLED_GH_COLUMNS,
    )
    statuses.append((family, "GH", github_repo, status))
    hf_all.to_parquet(hf_out, index=False)
    gh.drop(columns="n_parents").to_parquet(gh_out, index=False)
    pd.DataFrame(statuses, columns=STATUS_COLUMNS).to_csv(status_out, index=False)
    log.info(
        "%s: %d HF commits, %d GH commits (%s)",
        family,
        sum(len(p) for p in hf_parts),
        len(gh),
        status,
    )


def _guarded(fetch, target: str, columns: list[str]):
    """Run one fetch; an error that survived the retries becomes status ``error``, so one
    bad model or repository never stops its family, nor the other families."""
    try:
        return fetch()
    except Exception as err:
        log.error("%s: %s: %s", target, type(err).__name__, err)
        return pd.DataFrame(columns=columns), "error"


def _gh_commits(github_repo: str, collect: dict, cache: RawCache, clone_path: Path):
    if collect["github_backend"] == "git":
        url = gitlog.clone_url(collect["github_clone_url"], github_repo)
        try:
            commits = gitlog.read_log(gitlog.clone_bare(url, clone_path), github_repo)
            # a repository without commits is what the API calls empty (409)
            return commits, "ok" if len(commits) else "empty_repository"
        except gitlog.GitError as err:
            log.warning("%s", err)
            return pd.DataFrame(columns=CRAWLED_GH_COLUMNS), "not_found"
    client = github_api.github_client(collect.get("github_api_url"), cache)
    return github_api.gh_commits(client, github_repo)


def assemble_snapshot(
    models_csv,
    extraction_json,
    hf_parts,
    gh_parts,
    status_parts,
    user_parts,
    out_dir,
    status_out,
) -> None:
    """The snapshot directory (stage contract) from the per-family parts."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    models = pd.read_csv(models_csv)
    models.to_csv(out / "models.csv", index=False)
    pd.concat([pd.read_parquet(p) for p in hf_parts], ignore_index=True).to_parquet(
        out / "hf_commits.parquet", index=False
    )
    pd.concat([pd.read_parquet(p) for p in gh_parts], ignore_index=True).to_parquet(
        out / "gh_commits.parquet", index=False
    )
    users = pd.concat([pd.read_csv(p) for p in user_parts], ignore_index=True)
    users.drop_duplicates("hf_user").to_csv(out / "hf_users.csv", index=False)
    status = pd.concat([pd.read_csv(p) for p in status_parts], ignore_index=True)
    status.to_csv(status_out, index=False)
    extraction = json.loads(Path(extraction_json).read_text())["extraction_date"]
    (out / "snapshot.json").write_text(
        json.dumps({"source": "live", "demo": False, "marker": "", "extraction_date": extraction})
    )
    log.info(
        "snapshot: %d models, statuses %s", len(models), status["status"].value_counts().to_dict()
    )


def crawl_all(collect: dict, exclude: list[str], root: str | Path) -> Path:
    """The three crawl stages in one process (what the rules do; for scripts and tests).

    Returns the snapshot directory ``<root>/snapshot``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    paths = {n: root / n for n in ("models.csv", "links.csv", "families.csv", "extraction.json")}
    families = select_and_link(collect, exclude, root / "raw", *paths.values())
    parts = []
    for family in families["family"]:
        d = root / "families" / family
        d.mkdir(parents=True, exist_ok=True)
        files = [
            d / n
            for n in ("hf_commits.parquet", "gh_commits.parquet", "status.csv", "hf_users.csv")
        ]
        crawl_family(family, paths["models.csv"], collect, root / "raw", root / "clones", *files)
        parts.append(files)
    hf, gh, status, users = (
        (list(p) for p in zip(*parts, strict=True)) if parts else ([], [], [], [])
    )
    assemble_snapshot(
        paths["models.csv"],
        paths["extraction.json"],
        hf,
        gh,
        status,
        users,
        root / "snapshot",
        root / "status.csv",
    )
    return root / "snapshot"
