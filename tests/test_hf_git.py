"""Files per commit from git on both platforms, and the HF git backend, on real local
repositories (served over file://, with and without partial-clone support)."""

import shutil

import pandas as pd
import pytest
from helpers.fake_servers import FakeHub, hf_commit, hub_model
from helpers.git import build_remote, git, make_repo, publish

from ptlmsync.crawl.gitlog import clone_bare, read_commits, read_files
from ptlmsync.schemas import read_hf_commits
from ptlmsync.stages.crawl import crawl_all

LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 1340000000\n"
)


def test_files_of_every_commit_without_fetching_a_blob(tmp_path):
    remote = build_remote(tmp_path)
    clone = clone_bare(f"{remote}/owner/repo.git", tmp_path / "clone")
    shutil.move(tmp_path / "remote", tmp_path / "gone")  # a blob fetch would now fail
    commits = read_commits(clone, "owner/repo").set_index("message")
    assert commits.loc["Initial commit\n\nwith a body", "files"] == "A\ta.txt"
    assert commits.loc["Add feature", "files"] == "A\tb.txt"
    assert commits.loc["Fix README", "files"] == "A\tc.txt"
    assert commits.loc["Merge branch 'feature'", "files"] == "A\tb.txt"  # vs first parent
    assert commits.loc["", "files"] == ""  # an empty commit changed nothing
    assert len(read_files(clone, "owner/repo")) == len(commits)


def make_model_repo(root, model_id: str, allow_filter: bool = True) -> None:
    """A Hub-like model repository: web-UI and upload commits, an LFS pointer, a rename."""
    work = make_repo(
        root / "work" / model_id,
        dict(
            message="initial commit",
            files={".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"},
            date="2024-01-01T10:00:00+00:00",
        ),
        dict(
            message="Upload LlamaForCausalLM\n\nweights and tokenizer",
            files={"model.safetensors": LFS_POINTER, "config.json": "{}", "tokenizer.json": "{}"},
            date="2024-01-02T10:00:00+00:00",
        ),
        dict(
            message="Update README.md",
            files={"README.md": "# card", "config.json": '{"a": 1}'},
            date="2024-01-03T10:00:00+00:00",
        ),
        dict(
            message="rename tokenizer",  # a git mv: the old name removed, the new one added
            files={"tokenizer.json": None, "tokenizer_v2.json": "{}"},
            date="2024-01-04T10:00:00+00:00",
        ),
    )
    publish(work, root / "hub" / model_id, allow_filter=allow_filter)


def git_crawl_config(hub, tmp_path) -> dict:
    """The ``crawl:`` config that lists models on ``hub`` and clones them from the
    local model repositories (GitHub: a base without repositories)."""
    return {
        "hf_endpoint": hub.url,
        "hf_backend": "git",
        "hf_clone_url": f"file://{tmp_path / 'hub'}",
        "github_backend": "git",
        "github_clone_url": f"file://{tmp_path / 'nowhere'}",
        "min_downloads": 1,
        "nlp_pipeline_tags": ["text-generation"],
        "manual_links": None,
    }


@pytest.mark.parametrize("allow_filter", [True, False])
def test_the_hf_git_backend_reads_commits_and_files(tmp_path, allow_filter):
    make_model_repo(tmp_path, "acme/bert-small", allow_filter)
    models = [hub_model("acme/bert-small", 90_000), hub_model("acme/gone", 80_000)]
    cards = {m["id"]: "https://github.com/acme/bert" for m in models}
    with FakeHub(models, cards, {"acme/bert-small": [hf_commit(0)]}) as hub:
        crawl = git_crawl_config(hub, tmp_path)
        snapshot = crawl_all(crawl, [], tmp_path / "crawl")
        asked = [p for p in hub.requests if "/commits/" in p]
    assert asked == []  # the commits came from git, not from the Hub's API
    hf = read_hf_commits(snapshot / "hf_commits.parquet").set_index("title")
    assert list(hf.index) == [
        "rename tokenizer",
        "Update README.md",
        "Upload LlamaForCausalLM",
        "initial commit",
    ]
    assert hf.loc["Upload LlamaForCausalLM", "message"] == "weights and tokenizer"
    assert hf.loc["Upload LlamaForCausalLM", "files"].split("\n") == [
        "A\tconfig.json",
        "A\tmodel.safetensors",
        "A\ttokenizer.json",
    ]
    assert hf.loc["rename tokenizer", "files"] == "D\ttokenizer.json\nA\ttokenizer_v2.json"
    assert (hf["authors"] == "Ada Lovelace").all()
    status = pd.read_csv(tmp_path / "crawl" / "status.csv").set_index("target")["status"]
    assert status["acme/bert-small"] == "ok" and status["acme/gone"] == "not_found"
    clones = tmp_path / "crawl" / "clones" / "hf"
    assert sorted(str(p.relative_to(clones)) for p in clones.glob("*/*")) == ["acme/bert-small"]


def test_a_rerun_asks_git_nothing_until_the_http_cache_is_deleted(tmp_path):
    make_model_repo(tmp_path, "acme/bert-small")
    models = [hub_model("acme/bert-small", 90_000)]
    with FakeHub(models, {"acme/bert-small": "https://github.com/acme/bert"}, {}) as hub:
        crawl = git_crawl_config(hub, tmp_path)

        def titles():
            snapshot = crawl_all(crawl, [], tmp_path / "crawl")
            return sorted(pd.read_parquet(snapshot / "hf_commits.parquet")["title"])

        first = titles()
        shutil.move(tmp_path / "hub", tmp_path / "away")  # any fetch would now fail
        assert titles() == first  # the clone was used as it is: no request
        shutil.move(tmp_path / "away", tmp_path / "hub")
        work = tmp_path / "work" / "acme/bert-small"
        (work / "README.md").write_text("# card, v2")
        git(work, "commit", "--quiet", "-am", "Update README.md again")
        git(work, "push", "--quiet", str(tmp_path / "hub" / "acme/bert-small"), "main")
        assert titles() == first  # still the cached answer
        shutil.rmtree(tmp_path / "crawl" / "raw")  # ask the platforms again
        assert titles() == sorted([*first, "Update README.md again"])
