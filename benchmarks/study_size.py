"""Study-size benchmark of the whole workflow: cold, no-op, incremental and growth runs.

Builds an offline snapshot of study size (by default 340 families, ~1,000 HF models,
~140,000 GH commits whose messages are drawn from the real messages in
../shared/data/github_commits.parquet, read here and never copied, and ~17,000 HF commits
from the demo's templates; timelines designed to mix every pattern), then times the
workflow on it with /usr/bin/time -v (cold, no-op, window changes to 7 days and to
10 days, growth) and prints one table (wall, CPU, peak RSS, jobs) and
the fitted growth exponent. Usage:

    python benchmarks/study_size.py [--families 340] [--growth 100,300,1000,3000] [--keep DIR]
        [--set 'topics={embedding_backend: onnx-int8}']
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ptlmsync import demo
from ptlmsync.schemas import MODEL_COLUMNS

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_PARTS = ("Snakefile", "rules", "workflow", "config", "envs", "paper")


def _pad(series: pd.DataFrame, n: int, rng) -> pd.DataFrame:
    """At least ``n`` commits: copies of the series' own commits, each moved by under an
    hour, so the active periods (and with them the coding) stay as designed."""
    extra = max(0, n - len(series))
    if not extra or series.empty:
        return series
    more = series.sample(n=extra, replace=True, random_state=int(rng.integers(1e9)))
    jitter = pd.to_timedelta(rng.integers(0, 3600, size=extra), unit="s")
    return pd.concat([series, more.assign(date=more["date"] + jitter)])


def no_study_labels(folder: Path) -> Path:
    """The study's two hand-label files with their columns and no commit: the synthetic
    snapshot holds none of the study's commits, and the run must not need the network."""
    from ptlmsync.study_labels import STUDY_COLUMNS

    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, manual, gemini in STUDY_COLUMNS.values():
        (folder / name).write_text(";".join([*columns, manual, gemini]) + "\n")
    return folder


def build_snapshot(
    out: Path,
    n_families: int,
    gh_per_family: int,
    hf_per_family: int,
    messages: np.ndarray,
    seed: int = 0,
) -> dict:
    """A snapshot directory in the stage-contract format; returns its size."""
    rng = np.random.default_rng(seed)
    extraction = pd.Timestamp("2025-06-30", tz="UTC")
    models, hf_rows, gh_rows = [], [], []
    for i in range(n_families):
        code, lag = demo.DESIGNS[i % len(demo.DESIGNS)]
        n_models = int(rng.integers(3 if code == "VSS" else 1, 6))
        length = int(rng.integers(40 if code == "VSS" else 16, 150))
        gh_p, hf_p = demo.design_timeline(code, lag, n_models, length, rng)
        commits = demo._timeline_commits(gh_p, hf_p, extraction, length, rng)
        gh = _pad(commits[commits["repository"] == "GH"], gh_per_family, rng)
        owner, repo = f"bench-{i:04d}", f"model-{i:04d}"
        ids = [f"{owner}/{repo}-v{v}" for v in range(n_models)]
        for v, model_id in enumerate(ids):
            series = _pad(commits[commits["repository"] == f"v{v}"], hf_per_family // n_models, rng)
            created = series["date"].min()
            models.append(
                (
                    model_id,
                    f"{owner}__{repo}",
                    f"{owner}/{repo}",
                    50_000,
                    1,
                    "text-generation",
                    "transformers",
                    created,
                    series["date"].max(),
                )
            )
            templates = demo.demo_messages()["HF"]
            types = list(templates)
            for k, date in enumerate(series["date"]):
                title = templates[types[int(rng.integers(len(types)))]][0]
                hf_rows.append((model_id, f"{i}-{v}-{k}", date, title, "", "user"))
        picked = messages[rng.integers(0, len(messages), size=len(gh))]
        gh_rows += [
            (f"{owner}/{repo}", f"{i:04d}{k:036d}", d, m, f"dev{k % 7}")
            for k, (d, m) in enumerate(zip(gh["date"], picked, strict=True))
        ]
    out.mkdir(parents=True)
    pd.DataFrame(
        models,
        columns=MODEL_COLUMNS,
    ).to_csv(out / "models.csv", index=False)
    hf = pd.DataFrame(
        hf_rows, columns=["model_id", "commit_id", "date", "title", "message", "authors"]
    )
    hf.to_parquet(out / "hf_commits.parquet", index=False)
    gh = pd.DataFrame(gh_rows, columns=["github_repo", "sha", "date", "message", "author"])
    gh.to_parquet(out / "gh_commits.parquet", index=False)
    (out / "snapshot.json").write_text(
        json.dumps({"extraction_date": "2025-06-30", "demo": True, "marker": "BENCHMARK DATA"})
    )
    return {
        "families": n_families,
        "models": len(models),
        "gh_commits": len(gh),
        "hf_commits": len(hf),
    }


def timed(work: Path, *args: str) -> dict:
    """Run snakemake under /usr/bin/time -v; wall, CPU, peak RSS and jobs run."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "snakemake", "--cores", "2", *args]
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=work, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    err = result.stderr
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    steps = re.findall(r"(\d+) of (\d+) steps", err + result.stdout)
    jobs = int(steps[-1][1]) if steps else 0
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_rss_mb": rss // 1024,
        "jobs": jobs,
    }


def time_by_rule(work: Path, since: float = 0.0) -> pd.DataFrame:
    """Wall and CPU seconds per rule from the Snakemake ``benchmark:`` files of a run
    (those written after ``since``, a time stamp: the jobs of the last run)."""
    rows = []
    for tsv in (work / "results").glob("*/benchmarks/*/*.tsv"):  # results/<run>/benchmarks
        if tsv.stat().st_mtime < since:
            continue
        first = pd.read_csv(tsv, sep="\t").iloc[0]
        name = re.sub(r"-\d+$", "", tsv.stem)  # batch-7 -> batch
        rows.append(
            {
                "rule": f"{tsv.parent.name}/{name}",
                "s": first["s"],
                "cpu_s": first["cpu_time"],
                "rss_mb": first["max_rss"],
            }
        )
    table = (
        pd.DataFrame(rows)
        .groupby("rule")
        .agg(
            jobs=("s", "size"),
            wall_s=("s", "sum"),
            cpu_s=("cpu_s", "sum"),
            max_rss_mb=("rss_mb", "max"),
        )
    )
    return table.sort_values("wall_s", ascending=False).round(1)


def workflow_copy(root: Path) -> Path:
    work = root / "work"
    work.mkdir()
    for part in WORKFLOW_PARTS:
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, work / part)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=340)
    parser.add_argument("--gh-commits", type=int, default=140_000)
    parser.add_argument("--hf-commits", type=int, default=17_000)
    parser.add_argument("--growth", default="100,300,1000,3000")
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("PTLMSYNC_SHARED", REPO.parent / "shared")),
        help="the study data folder (default: $PTLMSYNC_SHARED, else ../shared)",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this (new) directory and keep it, for profiling"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        help="a config item for every run, e.g. 'topics={embedding_backend: onnx-int8}'",
    )
    args = parser.parse_args()
    source = args.shared / "data" / "github_commits.parquet"
    if not source.exists():
        parser.error(f"{source}: missing; the benchmark draws its GH messages from it")
    messages = pd.read_parquet(source, columns=["message"])["message"].to_numpy()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        size = build_snapshot(
            root / "snapshot",
            args.families,
            args.gh_commits // args.families,
            args.hf_commits // args.families,
            messages,
        )
        work = workflow_copy(root)
        labels = no_study_labels(root / "study-labels")
        config = [
            "--config",
            "source=snapshot",
            f"snapshot_dir={root / 'snapshot'}",
            f"study_labels_dir={labels}",
            *args.set,
        ]
        rows.append({"run": "cold", **size, **timed(work, *config)})
        by_rule = time_by_rule(work)
        rows.append({"run": "no-op", **size, **timed(work, *config)})
        started = time.time()
        rows.append(
            {
                "run": "incremental (window 7)",
                **size,
                **timed(work, *config, "sync={window_days: 7}"),
            }
        )
        by_rule_window = time_by_rule(work, since=started)
        # a window outside sync.sensitivity_windows: no sensitivity window is re-coded
        rows.append(
            {
                "run": "incremental (window 10)",
                **size,
                **timed(work, *config, "sync={window_days: 10}"),
            }
        )
        for n in (int(x) for x in args.growth.split(",") if x):
            sub = root / f"growth-{n}"
            sub.mkdir()
            per = max(20, args.gh_commits // max(n, args.families))
            gsize = build_snapshot(
                sub / "snapshot", n, per, args.hf_commits // max(n, args.families), messages, seed=n
            )
            gwork = workflow_copy(sub)
            rows.append(
                {
                    "run": f"growth {n}",
                    **gsize,
                    **timed(
                        gwork,
                        "--config",
                        "source=snapshot",
                        f"snapshot_dir={sub / 'snapshot'}",
                        f"study_labels_dir={labels}",
                        *args.set,
                    ),
                }
            )
    print("cold run, by rule (sums over the rule's jobs; jobs overlap on 2 cores):")
    print(by_rule.head(12).to_string())
    print("window change, by rule:")
    print(by_rule_window.head(12).to_string())
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    growth = table[table["run"].str.startswith("growth") & (table["families"] >= 300)]
    if len(growth) >= 2:
        slope = np.polyfit(np.log(growth["families"]), np.log(growth["wall_s"]), 1)[0]
        print(f"growth exponent (wall time vs families, >= 300 families): {slope:.2f}")
    else:
        print("growth exponent: needs two growth sizes of at least 300 families")


if __name__ == "__main__":
    main()
