"""Benchmark: how long Snakemake takes to plan a live run of N families (default 30,000).

The family list is frozen as `select_models` writes it (models.csv, links.csv,
selected_families.csv, extraction.json under results/live/crawl/, two models per family), so the
checkpoint is done and `snakemake -n` plans every per-family crawl job and everything
after it. Prints the wall time and peak memory of the plan (GNU time). No network.

    python benchmarks/live_dag.py [N_FAMILIES]
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers.workflow import copy_workflow


def freeze_family_list(work: Path, n_families: int) -> None:
    crawl = work / "results" / "live" / "crawl"
    crawl.mkdir(parents=True)
    repos = [f"org{i}/code{i}" for i in range(n_families)]
    models = pd.DataFrame(
        {
            "model_id": [f"org{i}/model-{i}-{j}" for i in range(n_families) for j in (0, 1)],
            "family": [f"org{i}__code{i}" for i in range(n_families) for _ in (0, 1)],
            "github_repo": [r for r in repos for _ in (0, 1)],
            "downloads": 20_000,
            "likes": 0,
            "pipeline_tag": "text-generation",
            "library": "transformers",
            "created_at": "2024-01-01T00:00:00Z",
            "last_modified": "2024-06-01T00:00:00Z",
        }
    )
    models.to_csv(crawl / "models.csv", index=False)
    links = models[["model_id", "github_repo"]].assign(
        links_found=models["github_repo"], links_kept=models["github_repo"], decision="linked"
    )
    links.to_csv(crawl / "links.csv", index=False)
    families = models.groupby("family").agg(
        github_repo=("github_repo", "first"), n_models=("model_id", "size")
    )
    families.reset_index().to_csv(crawl / "selected_families.csv", index=False)
    pd.DataFrame(columns=["platform", "target", "record", "field", "reason", "action"]).to_csv(
        crawl / "listing_rejected.csv", index=False
    )
    (crawl / "extraction.json").write_text(json.dumps({"extraction_date": "2025-06-30"}))


def main() -> None:
    n_families = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    with tempfile.TemporaryDirectory() as scratch:
        work = copy_workflow(Path(scratch))
        freeze_family_list(work, n_families)
        start = time.perf_counter()
        result = subprocess.run(
            [
                "/usr/bin/time",
                "-v",
                sys.executable,
                "-m",
                "snakemake",
                "-n",
                "--quiet",
                "rules",
                "--config",
                "source=live",
            ],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak = next(
            (
                line.split(":")[-1].strip()
                for line in result.stderr.splitlines()
                if "Maximum resident" in line
            ),
            "?",
        )
        print(f"{n_families} families: snakemake -n in {seconds:.1f} s, peak RSS {peak} kB")
        print("\n".join(result.stdout.strip().splitlines()[-12:]))
        if result.returncode:
            print(result.stderr[-3000:])


if __name__ == "__main__":
    main()
