"""Benchmark: synchronisation coding of many families in one process.

Builds N random families (GH + 1-12 HF series, commits over up to 6 years) with C
commits in total, then codes every family and its switch events, and prints the CPU
and wall time. Usage: python benchmarks/sync_coding.py [N_FAMILIES] [N_COMMITS]
"""

import sys
import time

import numpy as np
import pandas as pd

from ptlmsync.sync import SyncParams, code_family, switch_events


def random_families(n_families: int, n_commits: int, seed: int = 0) -> list[pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.multinomial(n_commits - n_families, np.ones(n_families) / n_families) + 1
    start = pd.Timestamp("2019-01-01", tz="UTC")
    families = []
    for i, size in enumerate(sizes):
        n_models = int(rng.integers(1, 13))
        series = rng.choice(["GH", *[f"o/m{j}" for j in range(n_models)]], size=size, p=None)
        seconds = rng.integers(0, 6 * 365 * 86400, size=size)
        families.append(
            pd.DataFrame(
                {
                    "family": f"f{i}",
                    "platform": np.where(series == "GH", "GH", "HF"),
                    "repository": series,
                    "key": [f"k{j}" for j in range(size)],
                    "date": start + pd.to_timedelta(seconds, unit="s"),
                    "text": "",
                    "author": "",
                }
            )
        )
    return families


def main() -> None:
    n_families = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    n_commits = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    families = random_families(n_families, n_commits)
    params = SyncParams()
    cpu, wall = time.process_time(), time.perf_counter()
    for commits in families:
        code_family(commits, params)
        switch_events(commits, params)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"families={n_families} commits={n_commits} cpu_s={cpu:.2f} wall_s={wall:.2f} "
        f"per_family_ms={1000 * wall / n_families:.2f}"
    )


if __name__ == "__main__":
    main()
