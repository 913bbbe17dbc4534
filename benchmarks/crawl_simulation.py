"""Benchmark: a study-size live crawl against local servers (no network).

1,000 models, 300 GitHub repositories and 150,000 commits are served by the test suite's
fake Hub and GitHub (tests/helpers/fake_servers.py, the real wire formats on 127.0.0.1). The
crawl runs twice into the same raw cache; it prints the requests made against the
minimum the page sizes allow, and the wall times. Usage:

    python benchmarks/crawl_simulation.py [N_MODELS] [N_REPOS] [N_COMMITS]
"""

import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers.fake_servers import FakeGitHub, FakeHub, crawl_config, gh_commit, hf_commit, hub_model

from ptlmsync.stages.crawl import crawl_all

HF_PAGE, GH_PAGE, LIST_PAGE = 50, 100, 1000


def build(n_models: int, n_repos: int, n_commits: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_hf = n_commits * 17 // 150  # the study's mix: about 17k HF of 150k commits
    repo_of = rng.integers(0, n_repos, size=n_models)
    models = [
        hub_model(
            f"org{repo_of[i]}/model-{i}",
            10_000_000 - i,
            1,
            created="2023-01-01",
            modified="2024-01-01",
        )
        for i in range(n_models)
    ]
    cards = {m["id"]: f"Code at https://github.com/{m['author']}/code" for m in models}
    hf_sizes = rng.multinomial(n_hf - n_models, np.ones(n_models) / n_models) + 1
    users = [f"user{u}" for u in range(200)]
    commits = {
        m["id"]: [
            hf_commit(i * 10_000 + j, users[(i + j) % 200], 1 + j % 28) for j in range(hf_sizes[i])
        ]
        for i, m in enumerate(models)
    }
    linked = sorted(set(repo_of))
    gh_sizes = (
        rng.multinomial(n_commits - n_hf - len(linked), np.ones(len(linked)) / len(linked)) + 1
    )
    repos = {
        f"org{r}/code": [gh_commit(r * 100_000 + j, day=1 + j % 28) for j in range(s)]
        for r, s in zip(linked, gh_sizes, strict=True)
    }
    minimum = (
        math.ceil(n_models / LIST_PAGE)
        + n_models
        + len(users)
        + sum(math.ceil(s / HF_PAGE) for s in hf_sizes)
        + sum(math.ceil(s / GH_PAGE) for s in gh_sizes)
    )
    hub = FakeHub(models, cards, commits, page_size=HF_PAGE)
    hub.list_page_size = LIST_PAGE
    return hub, FakeGitHub(repos), minimum, len(linked)


def main() -> None:
    defaults = ["1000", "300", "150000"]
    n_models, n_repos, n_commits = (int(a) for a in [*sys.argv[1:], *defaults][:3])
    hub, github, minimum, n_linked = build(n_models, n_repos, n_commits)
    crawl = crawl_config(hub, github)
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for run in ("first", "second"):
            before, start = hub.total + github.total, time.perf_counter()
            crawl_all(crawl, [], tmp)
            rows.append((run, hub.total + github.total - before, time.perf_counter() - start))
    hub.close()
    github.close()
    print(f"models={n_models} repos={n_linked} commits={n_commits} minimum_requests={minimum}")
    for run, requests, wall in rows:
        extra = 100 * (requests - minimum) / minimum if run == "first" else float("nan")
        print(f"{run:>6} run: requests={requests} ({extra:+.1f} % vs minimum) wall_s={wall:.1f}")


if __name__ == "__main__":
    main()
