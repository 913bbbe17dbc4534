"""source: live end to end, against a local Hub and local git remotes (no network)."""

import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO, copy_workflow
from fake_servers import FakeHub, FakeLLM, hf_commit, hub_model
from test_gitlog import git
from test_labellers import honest, text_of

pytestmark = pytest.mark.workflow

MODELS = [
    hub_model(f"acme/bert-{size}", d, 1, "fill-mask", modified="2024-03-01")
    for size, d in (("base", 90_000), ("large", 50_000))
] + [
    hub_model("lab/gpt-tiny", 30_000, created="2024-01-10", modified="2024-03-01"),
    hub_model("lab/no-card", 20_000, created="2024-01-10", modified="2024-03-01"),
]
CARDS = {
    "acme/bert-base": "Code: https://github.com/acme/bert",
    "acme/bert-large": "[code](https://github.com/acme/bert/tree/main)",
    "lab/gpt-tiny": "See <a href='https://github.com/lab/gpt.git'>repo</a>",
}
COMMITS = {
    "acme/bert-base": [hf_commit(i, day=i + 2) for i in range(4)],
    "acme/bert-large": [hf_commit(10 + i, day=20 + i) for i in range(2)],
    "lab/gpt-tiny": [hf_commit(20, "bob", day=15)],
}


def make_remote(root, repo, days):
    work = root / "work" / repo
    work.mkdir(parents=True)
    git(work, "init", "--quiet", "--initial-branch=main")
    for day in days:
        git(
            work,
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            f"Change on day {day}",
            date=f"2024-01-{day:02d}T08:00:00+00:00",
        )
    bare = root / "remote" / f"{repo}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "--quiet", "--bare", str(work), str(bare)], check=True)
    git(bare, "config", "uploadpack.allowFilter", "true")


def run(work, hub_url, remote, llm_url, *extra):
    collect = (
        f"collect={{hf_endpoint: '{hub_url}', github_clone_url: 'file://{remote}', "
        "min_downloads: 10000, manual_links: null, hf_backend: api}"
    )
    label = (
        "label={backend: openai_compatible, "
        f"openai_compatible: {{model: local, base_url: '{llm_url}/v1'}}}}"
    )
    config = ["--config", "source=live", collect, label]
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *config, *extra],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def honest_except_day_21(items):
    """Labels every commit, except the GH commit of day 21: answered with a type outside
    the taxonomy every time, so the labeller gives up and records it as Unlabelled."""
    answer = json.loads(honest(items))
    for item, given in zip(items, answer, strict=True):
        if "day 21" in text_of(item):
            given["label"] = "Refactoring"
    return json.dumps(answer)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    make_remote(root, "acme/bert", [1, 2, 3, 21])
    make_remote(root, "lab/gpt", [12, 14])
    profiles = {"alice": {"fullname": "Alice", "details": "I code at https://github.com/alice-gh"}}
    hub = FakeHub(MODELS, CARDS, COMMITS, page_size=2, profiles=profiles)
    (root / "workflow").mkdir()
    work = copy_workflow(root / "workflow")
    with FakeLLM(honest_except_day_21) as llm:
        run(work, hub.url, root / "remote", llm.url, "--", "label_plan")  # the bill first
        assert llm.total == 0
        run(work, hub.url, root / "remote", llm.url)
        yield work, hub, llm, root
    hub.close()


RUN = "results/live"


def test_live_run_collects_links_and_codes_families(live):
    work, _, llm, _ = live
    links = pd.read_csv(work / RUN / "crawl/links.csv").set_index("model_id")
    assert links.loc["acme/bert-large", "github_repo"] == "acme/bert"
    assert links.loc["lab/no-card", "decision"] == "unlinked"
    families = pd.read_csv(work / RUN / "sync/families.csv").set_index("family")
    assert families.loc["acme__bert", "n_models"] == 2
    assert families.loc["acme__bert", "n_gh_commits"] == 4
    assert families.loc["lab__gpt", "n_hf_commits"] == 1
    users = pd.read_csv(work / RUN / "snapshot/hf_users.csv").set_index("hf_user")
    assert users.loc["alice", "github_login"] == "alice-gh"
    assert users["github_login"].isna().sum() == 1  # bob's profile links no GitHub account
    status = pd.read_csv(work / RUN / "crawl/status.csv")
    assert set(status["status"]) == {"ok"}
    meta = json.loads((work / RUN / "snapshot/snapshot.json").read_text())
    assert meta["source"] == "live" and not meta["demo"]
    assert (work / RUN / "paper/paper.pdf").stat().st_size > 10_000
    crawl = json.loads((work / RUN / "tables/numbers.json").read_text())["crawl"]
    assert (crawl["n_targets"], crawl["n_ok"], crawl["n_dropped"]) == (5, 5, 0)
    assert llm.total > 0  # the commits were labelled by the (local) remote labeller


def test_the_plan_came_before_the_bill_and_the_paper_states_the_bill(live):
    work, _, llm, _ = live
    plan = pd.read_csv(work / RUN / "labels/plan.csv")
    families = pd.read_csv(work / RUN / "sync/families.csv")
    n_commits = families[["n_gh_commits", "n_hf_commits"]].sum().sum()
    # every message is distinct here; with 50 per request, one request per shard used
    assert plan.loc[0, "distinct_texts"] == n_commits and plan.loc[0, "cached_texts"] == 0
    assert 1 <= plan.loc[0, "requests"] <= n_commits
    labels = json.loads((work / RUN / "tables/numbers.json").read_text())["labels"]
    assert labels["requests"] == llm.total  # usage counts every request the server saw
    # the day-21 commit is answered wrongly and re-asked: requests the plan cannot foresee
    assert labels["invalid_answers"] > 0 and labels["requests"] > plan.loc[0, "requests"]
    html = (work / RUN / "paper/paper.html").read_text()
    assert f"Labelling made {labels['requests']} requests" in html


def test_an_unlabelled_commit_is_counted_and_left_out_of_every_change_type_statistic(live):
    work = live[0]
    families = pd.read_csv(work / RUN / "sync/families.csv")
    unlabelled = pd.read_csv(work / RUN / "tables/unlabelled_commits.csv").set_index("platform")
    assert unlabelled.loc["GH", "n_unlabelled"] == 1 and unlabelled.loc["HF", "n_unlabelled"] == 0
    shares = pd.read_csv(work / RUN / "tables/change_types_by_platform.csv")
    assert shares.groupby("platform")["n"].sum()["GH"] == families["n_gh_commits"].sum() - 1
    assert "Unlabelled" not in set(shares["change_type"])
    by_pattern = pd.read_csv(work / RUN / "tables/pattern_change_types_gh.csv")
    assert by_pattern["n"].sum() == families["n_gh_commits"].sum() - 1
    numbers = json.loads((work / RUN / "tables/numbers.json").read_text())
    assert numbers["n_unlabelled_excluded"] == 1


def test_after_make_clean_a_rerun_asks_neither_hub_nor_github_nor_the_llm(live):
    work, hub, llm, root = live
    asked_hub, asked_llm = hub.total, llm.total
    subprocess.run(["make", "-f", str(REPO / "Makefile"), "clean"], cwd=work, check=True)
    assert not (work / "results").exists() and (work / "resources/cache").is_dir()
    run(work, hub.url, root / "remote", llm.url)
    assert (hub.total, llm.total) == (asked_hub, asked_llm)
    assert re.search(r"acme/bert", (work / RUN / "crawl/links.csv").read_text())


def test_a_changed_selection_leaves_no_stale_part_in_the_snapshot(live):
    """The Hub no longer lists a model: re-running the selection re-crawls its family."""
    work, hub, llm, root = live
    hub.models = [m for m in MODELS if m["id"] != "acme/bert-large"]
    shutil.rmtree(work / "resources/cache/http")  # else the old listing is answered
    target = f"{RUN}/crawl/status.csv"
    run(work, hub.url, root / "remote", llm.url, "-R", "select_models", "--", target)
    snapshot = work / RUN / "crawl/snapshot"
    assert "acme/bert-large" not in pd.read_csv(snapshot / "models.csv")["model_id"].tolist()
    hf = pd.read_parquet(snapshot / "hf_commits.parquet")
    assert sorted(set(hf["model_id"])) == ["acme/bert-base", "lab/gpt-tiny"]
    assert "acme/bert-large" not in pd.read_csv(work / target)["target"].tolist()
