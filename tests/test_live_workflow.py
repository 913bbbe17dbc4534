"""source: live end to end, against a local Hub and local git remotes (no network)."""

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO
from helpers.fake_servers import FakeGitHub, FakeHub, FakeLLM, gh_commit, hf_commit, hub_model
from helpers.git import ADA, git, make_repo, publish
from helpers.labels import GH_HEADER, HF_HEADER, honest, text_of
from helpers.workflow import copy_run, copy_workflow, snakemake

pytestmark = pytest.mark.workflow

MODELS = [
    hub_model(f"acme/bert-{size}", d, 1, "fill-mask", modified="2024-03-01")
    for size, d in (("base", 90_000), ("large", 50_000))
] + [
    hub_model("lab/gpt-tiny", 30_000, created="2024-01-10", modified="2024-03-01"),
    hub_model("lab/no-card", 20_000, created="2024-01-10", modified="2024-03-01"),
    hub_model("zoo/t5-mini", 15_000, created="2024-01-10", modified="2024-03-01"),
    # its card links a repository no remote has: the crawl answers not_found
    hub_model("void/llm-small", 12_000, created="2024-01-10", modified="2024-03-01"),
]
CARDS = {
    "acme/bert-base": "Code: https://github.com/acme/bert",
    "acme/bert-large": "[code](https://github.com/acme/bert/tree/main)",
    "lab/gpt-tiny": "See <a href='https://github.com/lab/gpt.git'>repo</a>",
    "zoo/t5-mini": "https://github.com/zoo/t5",
    "void/llm-small": "https://github.com/void/llm",
}
COMMITS = {
    "acme/bert-base": [hf_commit(i, day=i + 2) for i in range(4)],
    "acme/bert-large": [hf_commit(10 + i, day=20 + i) for i in range(2)],
    "lab/gpt-tiny": [hf_commit(20, "bob", day=15), hf_commit(21, "carol", day=16)],
    "zoo/t5-mini": [hf_commit(30, "zed", day=9)],
    "void/llm-small": [hf_commit(40, "zed", day=3), hf_commit(41, "zed", day=30)],
}
# Contributors. HF profiles: alice links alice-gh, carol carol-gh, zed zed-gh; bob none.
# GH (git backend): acme/bert's day-2 commit is Alice's, from her noreply address (login
# alice-gh, no request); lab/gpt's commits are Carol's, whose e-mail GitHub links to
# carol-gh (one request); GitHub links Ada's e-mail to no account; zoo/t5 is not on
# GitHub at all (404), so Zed stays a name and that family's shared contributors are
# unavailable. Shared: acme__bert alice-gh, lab__gpt carol-gh, zoo__t5 unknown.
ALICE = ("Alice A", "7+alice-gh@users.noreply.github.com")
CAROL = ("Carol C", "carol@example.org")
ZED = ("Zed Z", "zed@example.org")
PROFILES = {
    "alice": {"fullname": "Alice", "details": "I code at https://github.com/alice-gh"},
    "carol": {"fullname": "Carol", "socials": [{"url": "https://github.com/carol-gh"}]},
    "zed": {"fullname": "Zed", "details": "github.com/zed-gh"},
}
LOGINS = {ADA[1]: None, ALICE[1]: "alice-gh", CAROL[1]: "carol-gh"}


def make_remote(root, repo, days, authors=None):
    """A bare git remote of ``repo``, one empty commit per day (by ``authors[day]``, else
    Ada); returns the commits as GitHub's REST API lists them (newest first)."""
    commits = [
        dict(
            message=f"Change on day {day}",
            date=f"2024-01-{day:02d}T08:00:00+00:00",
            author=(authors or {}).get(day, ADA),
        )
        for day in days
    ]
    work = make_repo(root / "work" / repo, *commits)
    bare = publish(work, root / "remote" / f"{repo}.git")
    log = [line.split() for line in git(bare, "log", "--format=%H %ae").decode().splitlines()]
    return [gh_commit(i, LOGINS.get(email), sha=sha) for i, (sha, email) in enumerate(log)]


def run(work, hub_url, remote, llm_url, *extra, github_url=""):
    collect = (
        f"crawl={{hf_endpoint: '{hub_url}', github_clone_url: 'file://{remote}', "
        f"github_api_url: '{github_url}', "
        "min_downloads: 10000, manual_links: null, hf_backend: api}"
    )
    label = (
        "label={backend: openai_compatible, "
        f"openai_compatible: {{model: local, base_url: '{llm_url}/v1'}}}}"
    )
    # the study's hand labels (offline: a local folder; files of its format, no commit)
    study = work / "study-labels"
    if not study.exists():
        study.mkdir()
        (study / "GH_160_with_labels.csv").write_text(GH_HEADER + "\n")
        (study / "HF_160_with_labels.csv").write_text(HF_HEADER + "\n")
    config = ["--config", "source=live", collect, label, f"study_labels_dir={study}"]
    # with a token the git backend asks GitHub for logins
    snakemake(work, *config, *extra, env={"GITHUB_TOKEN": "test-token"})


def honest_except_day_21(items):
    """Labels every commit, except the GH commit of day 21: answered with a type outside
    the taxonomy every time, so the labeller gives up and records it as Unlabelled."""
    answer = json.loads(honest(items))
    for item, given in zip(items, answer, strict=True):
        if "day 21" in text_of(item):
            given["label"] = "Refactoring"
    return json.dumps(answer)


@dataclass
class Live:
    """The live run's work directory and servers, and what the run asked the servers."""

    work: Path
    root: Path
    hub: FakeHub
    llm: FakeLLM
    github: FakeGitHub
    llm_total: int  # requests the LLM had answered when the run ended
    github_requests: Counter  # GitHub's requests by path when the run ended

    def rerun(self, work: Path, *extra: str) -> None:
        """The live run again in ``work`` against the same servers."""
        remote, urls = self.root / "remote", {"github_url": self.github.url}
        run(work, self.hub.url, remote, self.llm.url, *extra, **urls)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    repos = {
        "acme/bert": make_remote(root, "acme/bert", [1, 2, 3, 21], {2: ALICE}),
        "lab/gpt": make_remote(root, "lab/gpt", [12, 14], {12: CAROL, 14: CAROL}),
    }
    make_remote(root, "zoo/t5", [5, 8], {5: ZED, 8: ZED})  # a remote GitHub does not know
    hub = FakeHub(MODELS, CARDS, COMMITS, page_size=2, profiles=PROFILES)
    (root / "workflow").mkdir()
    work = copy_workflow(root / "workflow")
    with FakeLLM(honest_except_day_21) as llm, FakeGitHub(repos) as github:
        remote, urls = root / "remote", {"github_url": github.url}
        run(work, hub.url, remote, llm.url, "--", "label_plan", **urls)  # the bill first
        assert llm.total == 0
        run(work, hub.url, remote, llm.url, **urls)
        yield Live(work, root, hub, llm, github, llm.total, Counter(github.requests))
    hub.close()


RUN = "results/live"


def test_live_run_collects_links_and_codes_families(live):
    work = live.work
    links = pd.read_csv(work / RUN / "crawl/links.csv").set_index("model_id")
    assert links.loc["acme/bert-large", "github_repo"] == "acme/bert"
    assert links.loc["lab/no-card", "decision"] == "unlinked"
    families = pd.read_csv(work / RUN / "sync/family_codes.csv").set_index("family")
    assert families.loc["acme__bert", "n_models"] == 2
    assert families.loc["acme__bert", "n_gh_commits"] == 4
    assert families.loc["lab__gpt", "n_hf_commits"] == 2
    status = pd.read_csv(work / RUN / "crawl/status.csv").set_index("target")["status"]
    assert status["void/llm"] == "not_found"
    assert set(status.drop("void/llm")) == {"ok"}
    # the family whose GH repository could not be read is left out with the crawl's
    # status, not coded "HF first": no pattern, no switch event, no similarity score
    excluded = pd.read_csv(work / RUN / "tables/excluded_families.csv")
    assert excluded.to_dict("list") == {"family": ["void__llm"], "reason": ["not_found"]}
    assert "void__llm" not in set(families.index)
    for table in ("sync/switches.csv", "sync/similarity.csv", "sync/contributors.csv"):
        assert "void__llm" not in set(pd.read_csv(work / RUN / table)["family"]), table
    funnel = pd.read_csv(work / RUN / "tables/funnel.csv").set_index("step")["n"]
    assert funnel["families left out: 1 not_found"] == 1
    meta = json.loads((work / RUN / "snapshot/snapshot.json").read_text())
    assert meta["source"] == "live" and not meta["demo"]
    assert (work / RUN / "paper/paper.pdf").stat().st_size > 10_000
    crawl = json.loads((work / RUN / "tables/numbers.json").read_text())["crawl"]
    assert (crawl["n_targets"], crawl["n_ok"], crawl["n_dropped"]) == (9, 8, 0)
    assert live.llm_total > 0  # the commits were labelled by the (local) remote labeller


def test_shared_contributors_are_found_by_github_login_through_hf_profiles(live):
    work = live.work
    contributors = pd.read_csv(work / RUN / "sync/contributors.csv").set_index("family")
    bert, gpt, t5 = (contributors.loc[f] for f in ("acme__bert", "lab__gpt", "zoo__t5"))
    # Alice: HF profile link = the login of her noreply address on GH
    assert (bert["shared_authors"], bert["n_shared_authors"]) == ("alice-gh", 1)
    assert bert["gh_authors"] == "Ada Lovelace;alice-gh"  # Ada: no GitHub account
    assert (bert["n_gh_authors_login"], bert["n_gh_authors_name_only"]) == (1, 0)
    # Carol: HF profile link = the login GitHub gives her git e-mail
    assert (gpt["shared_authors"], gpt["n_shared_authors"]) == ("carol-gh", 1)
    assert (gpt["hf_authors"], gpt["n_hf_authors_linked"]) == ("bob;carol", 1)
    assert (bert["shared_status"], gpt["shared_status"]) == ("available", "available")
    # Zed's login cannot be known: unavailable, never "none"
    assert t5["shared_status"] == "unavailable: no GitHub logins for GH authors"
    assert pd.isna(t5["n_shared_authors"]) and t5["gh_authors"] == "Zed Z"
    # the statistics count the two families whose shared contributors are known
    by_level = pd.read_csv(work / RUN / "tables/similarity_by_contributors.csv")
    assert by_level.groupby("shared_contributors")["n"].sum().to_dict() == {
        "multiple": 0,
        "none": 0,
        "single": 2,
    }
    # measured: one request per e-mail asked (Ada's, Carol's, Zed's: 404), none for Alice
    assert sorted(p.split("/commits/")[0] for p in live.github_requests) == [
        "/repos/acme/bert",
        "/repos/lab/gpt",
        "/repos/zoo/t5",
    ]
    assert live.github_requests.total() == 3


def test_the_plan_came_before_the_bill_and_the_paper_states_the_bill(live):
    work = live.work
    plan = pd.read_csv(work / RUN / "labels/plan.csv")
    families = pd.read_csv(work / RUN / "sync/family_codes.csv")
    n_commits = families[["n_gh_commits", "n_hf_commits"]].sum().sum()
    # every message is distinct here; with 50 per request, one request per shard used
    assert plan.loc[0, "distinct_texts"] == n_commits and plan.loc[0, "cached_texts"] == 0
    assert 1 <= plan.loc[0, "requests"] <= n_commits
    labels = json.loads((work / RUN / "tables/numbers.json").read_text())["labels"]
    assert labels["requests"] == live.llm_total  # usage counts every request the server saw
    # the day-21 commit is answered wrongly and re-asked: requests the plan cannot foresee
    assert labels["invalid_answers"] > 0 and labels["requests"] > plan.loc[0, "requests"]
    html = (work / RUN / "paper/paper.html").read_text()
    assert f"Labelling made {labels['requests']} requests" in html


def test_an_unlabelled_commit_is_counted_and_left_out_of_every_change_type_statistic(live):
    work = live.work
    families = pd.read_csv(work / RUN / "sync/family_codes.csv")
    unlabelled = pd.read_csv(work / RUN / "tables/unlabelled_commits.csv").set_index("platform")
    assert unlabelled.loc["GH", "n_unlabelled"] == 1 and unlabelled.loc["HF", "n_unlabelled"] == 0
    shares = pd.read_csv(work / RUN / "tables/change_types_by_platform.csv")
    assert shares.groupby("platform")["n"].sum()["GH"] == families["n_gh_commits"].sum() - 1
    assert "Unlabelled" not in set(shares["change_type"])
    by_pattern = pd.read_csv(work / RUN / "tables/pattern_change_types_gh.csv")
    assert by_pattern["n"].sum() == families["n_gh_commits"].sum() - 1
    numbers = json.loads((work / RUN / "tables/numbers.json").read_text())
    assert numbers["n_unlabelled_excluded"] == 1


def test_after_make_clean_a_rerun_asks_neither_hub_nor_github_nor_the_llm(live, tmp_path):
    hub, llm, github = live.hub, live.llm, live.github
    work = copy_run(live.work, tmp_path / "run")  # make clean deletes what others read
    asked = hub.total, llm.total, github.total
    subprocess.run(["make", "-f", str(REPO / "Makefile"), "clean"], cwd=work, check=True)
    assert not (work / "results").exists() and (work / "resources/cache").is_dir()
    live.rerun(work)
    assert (hub.total, llm.total, github.total) == asked
    assert re.search(r"acme/bert", (work / RUN / "crawl/links.csv").read_text())


def test_a_changed_selection_leaves_no_stale_part_in_the_snapshot(live, tmp_path, monkeypatch):
    """The Hub no longer lists a model: re-running the selection re-crawls its family."""
    work = copy_run(live.work, tmp_path / "run")  # the other tests read the first crawl
    monkeypatch.setattr(live.hub, "models", [m for m in MODELS if m["id"] != "acme/bert-large"])
    shutil.rmtree(work / "resources/cache/http")  # else the old listing is answered
    target = f"{RUN}/crawl/status.csv"
    live.rerun(work, "-R", "select_models", "--", target)
    snapshot = work / RUN / "crawl/snapshot"
    assert "acme/bert-large" not in pd.read_csv(snapshot / "models.csv")["model_id"].tolist()
    hf = pd.read_parquet(snapshot / "hf_commits.parquet")
    assert sorted(set(hf["model_id"])) == [
        "acme/bert-base",
        "lab/gpt-tiny",
        "void/llm-small",
        "zoo/t5-mini",
    ]
    assert "acme/bert-large" not in pd.read_csv(work / target)["target"].tolist()
