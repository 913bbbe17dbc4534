"""Requests of a remote labeller at study size, against a local OpenAI-compatible server.

Builds the study-size snapshot of benchmarks/study_size.py (340 families, ~140,000 GH
commits with real messages, ~17,000 HF commits), then, with the openai_compatible
labeller pointed at the test suite's local LLM server, answering as the labeller tests'
honest model does (the offline rules' type, or Model Structure):

1. `snakemake label_plan`: the plan, which must make no request;
2. the labelling (up to labels/usage.csv): the requests the server saw, against the
   plan's (per shard and run ceil(texts / commits_per_request)) and against
   ceil(distinct texts / commits_per_request) per run, the bound without shards;
3. the labelling forced again (-R label_text_shard): it must ask nothing.

Usage: python benchmarks/label_requests.py [--families 340] [--runs 2] [--chunk 50]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from study_size import build_snapshot, timed, workflow_copy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from helpers.fake_servers import FakeLLM  # noqa: E402
from helpers.labels import honest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=340)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=50, help="label.commits_per_request")
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared")),
    )
    args = parser.parse_args()
    source = args.shared / "data" / "github_commits.parquet"
    if not source.exists():
        parser.error(f"{source}: missing; the benchmark draws its GH messages from it")
    messages = pd.read_parquet(source, columns=["message"])["message"].to_numpy()
    with tempfile.TemporaryDirectory() as tmp, FakeLLM(honest) as llm:
        root = Path(tmp)
        per_family = (140_000 // args.families, 17_000 // args.families)
        size = build_snapshot(root / "snapshot", args.families, *per_family, messages)
        work = workflow_copy(root)
        label = (
            f"label={{backend: openai_compatible, repeats: {args.runs}, "
            f"commits_per_request: {args.chunk}, "
            f"openai_compatible: {{model: local, base_url: '{llm.url}/v1'}}}}"
        )
        config = ["--config", "source=snapshot", f"snapshot_dir={root / 'snapshot'}", label]
        planning = timed(work, *config, "--", "label_plan")
        plan = pd.read_csv(next(work.glob("results/*/labels/plan.csv")))
        asked_while_planning = llm.total
        usage_file = next(work.glob("results/*/labels/plan.csv")).with_name("usage.csv")
        target = str(usage_file.relative_to(work))
        start = time.perf_counter()
        labelling = timed(work, *config, "--", target)
        seconds = time.perf_counter() - start
        usage = pd.read_csv(usage_file)
        first = llm.total
        timed(work, *config, "-R", "label_text_shard", "--", target)
        rerun = llm.total - first
    distinct = int(plan["distinct_texts"].iloc[0])
    print(f"snapshot: {size}")
    print(f"distinct texts per run: {distinct}; runs: {args.runs}; chunk: {args.chunk}")
    print(
        f"plan: {int(plan['requests'].sum())} requests, "
        f"{int(plan['input_tokens'].sum())} input / {int(plan['output_tokens'].sum())} output "
        f"tokens ({plan['token_count'].iloc[0]}); requests while planning: "
        f"{asked_while_planning}; {planning['wall_s']} s"
    )
    print(
        f"labelling: {int(usage['requests'].sum())} requests in usage.csv, {first} seen by "
        f"the server, {int(usage['client_retries'].sum())} client retries; "
        f"{labelling['wall_s']} s ({seconds:.0f} s), peak RSS {labelling['peak_rss_mb']} MB"
    )
    print(
        f"bound without shards: {args.runs * math.ceil(distinct / args.chunk)} requests "
        f"(ceil(distinct / chunk) per run); the 16 shards add at most 16 per run"
    )
    print(f"re-run with -R label_text_shard: {rerun} requests")


if __name__ == "__main__":
    main()
