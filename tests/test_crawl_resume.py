"""Kill a crawl after k requests (SIGKILL), resume it, and compare with an uninterrupted one."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from helpers.fake_servers import FakeGitHub, FakeHub, crawl_config, gh_commit, hf_commit, hub_model

from ptlmsync.stages.crawl import crawl_all

N_MODELS = 12


def servers():
    models = [hub_model(f"org{i % 4}/model-{i}", 100_000 - i, likes=i) for i in range(N_MODELS)]
    cards = {m["id"]: f"Code: https://github.com/{m['author']}/code" for m in models}
    commits = {
        m["id"]: [hf_commit(100 * i + j, day=1 + j) for j in range(5)] for i, m in enumerate(models)
    }
    repos = {
        f"org{k}/code": [gh_commit(1000 * k + j, day=1 + j % 28) for j in range(7)]
        for k in range(4)
    }
    return FakeHub(models, cards, commits, page_size=3), FakeGitHub(repos)


def read_snapshot(path):
    return {
        name: pd.read_parquet(path / name)
        .sort_values(list(pd.read_parquet(path / name).columns[:2]))
        .reset_index(drop=True)
        for name in ("hf_commits.parquet", "gh_commits.parquet")
    } | {"models": pd.read_csv(path / "models.csv")}


@pytest.mark.slow
def test_killed_crawl_resumes_without_repeating_requests(tmp_path):
    hub, github = servers()
    try:
        reference = read_snapshot(
            crawl_all(crawl_config(hub, github), [], tmp_path / "uninterrupted")
        )
        minimum = hub.total + github.total
        hub.requests.clear()
        github.requests.clear()

        script = (
            "import json, sys; from ptlmsync.stages.crawl import crawl_all; "
            "crawl_all(json.loads(sys.argv[1]), [], sys.argv[2])"
        )
        args = [
            sys.executable,
            "-c",
            script,
            json.dumps(crawl_config(hub, github)),
            str(tmp_path / "resumed"),
        ]
        proc = subprocess.Popen(args, env={**os.environ, "GITHUB_TOKEN": "", "HF_TOKEN": ""})
        k = minimum // 2

        def kill_after_k(total):
            if total + github.total >= k and proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)

        hub.on_request = kill_after_k
        deadline = time.time() + 120
        while proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert proc.returncode == -signal.SIGKILL
        hub.on_request = None
        first = hub.total + github.total
        assert first < minimum

        resumed = read_snapshot(crawl_all(crawl_config(hub, github), [], tmp_path / "resumed"))
        for name, table in reference.items():
            pd.testing.assert_frame_equal(resumed[name], table, check_like=True, obj=name)
        repeats = [p for p, n in (hub.requests + github.requests).items() if n > 1]
        assert len(repeats) <= 1  # at most the request in flight when the process died
        assert hub.total + github.total <= minimum + 1

        before = hub.total + github.total
        crawl_all(crawl_config(hub, github), [], tmp_path / "resumed")
        assert hub.total + github.total == before  # a re-run makes zero requests
    finally:
        hub.close()
        github.close()
