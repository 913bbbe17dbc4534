"""The embedded demo dataset: a deterministic, seeded, fictional snapshot (no network).

Every family is named ``demo-…`` and every table made from it is marked as demo
data. Timelines are designed per family so that every lag value and every pattern
occurs (at the study's 14-day window); each design is checked against the coding
before it is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ptlmsync.sync import SyncParams, code_family
from ptlmsync.vocab import Lag, Platform

DEMO_MARKER = "SYNTHETIC DEMO DATA"
TRUTH_FILE = "demo_truth.parquet"  # the demo's designed codes and change types


def is_demo_truth(path) -> bool:
    """Whether ``path`` is the demo's truth table (used where manual codes or gold go)."""
    return Path(str(path)).name == TRUTH_FILE


TRUTH_COLUMNS = [
    "family",
    "platform",
    "repository",
    "key",
    "change_type",
    "design_code",
    "design_lag",
    "design_sync_bot",  # the HF commit is the sync bot's mirror of a GH commit
]
DESIGN_WINDOW_DAYS = 14  # the demo's timelines are designed for the study's window

# (pattern code, lag) designs, cycled so that a run of >= 18 families has all of them;
# after the first cycle the study's frequent patterns are drawn more often.
DESIGNS: list[tuple[str, Lag]] = [
    ("CSF", Lag.SIMULTANEOUS),
    ("PSS", Lag.GH_FIRST),
    ("ASR", Lag.HF_FIRST),
    ("CSS", Lag.GH_FIRST),
    ("PSR", Lag.HF_FIRST),
    ("VSS", Lag.GH_FIRST),
    ("CSR", Lag.SIMULTANEOUS),
    ("PSF", Lag.GH_FIRST),
    ("ASS", Lag.HF_FIRST),
    ("PSS", Lag.SIMULTANEOUS),
    ("CSF", Lag.GH_FIRST),
    ("PSR", Lag.GH_FIRST),
    ("ASS", Lag.GH_FIRST),
    ("CSS", Lag.SIMULTANEOUS),
    ("PSF", Lag.HF_FIRST),
    ("ASR", Lag.GH_FIRST),
    ("CSR", Lag.GH_FIRST),
    ("PSS", Lag.HF_FIRST),
]
EXTRA_WEIGHTS: dict[tuple[str, Lag], float] = {
    ("PSS", Lag.GH_FIRST): 4,
    ("PSR", Lag.GH_FIRST): 2,
    ("CSF", Lag.GH_FIRST): 2,
    ("ASR", Lag.GH_FIRST): 2,
    ("PSF", Lag.GH_FIRST): 1,
    ("CSS", Lag.GH_FIRST): 1,
    ("ASS", Lag.HF_FIRST): 1,
    ("PSS", Lag.HF_FIRST): 1,
    ("CSR", Lag.SIMULTANEOUS): 1,
}

STEMS = [
    "aurora",
    "basalt",
    "cobalt",
    "delta",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lumen",
    "meadow",
    "nimbus",
    "onyx",
    "pylon",
    "quartz",
    "raven",
    "sable",
    "tundra",
    "umber",
    "vesper",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
    "alder",
    "birch",
    "cedar",
    "dune",
    "echo",
    "flint",
    "glacier",
    "heron",
    "iris",
    "jade",
    "kelp",
    "lotus",
    "marble",
    "nova",
    "orchid",
    "pebble",
    "quill",
    "reef",
    "slate",
    "thistle",
    "upland",
    "violet",
    "wren",
    "yew",
]
SIZES = [
    "small",
    "base",
    "large",
    "xl",
    "7b",
    "13b",
    "instruct",
    "chat",
    "int8",
    "awq",
    "gguf",
    "multilingual",
]
PIPELINE_TAGS = [
    "text-generation",
    "fill-mask",
    "text-classification",
    "feature-extraction",
    "text2text-generation",
    "sentence-similarity",
    "token-classification",
    "question-answering",
    "summarization",
    "translation",
]
DATASETS = ["GLUE", "SQuAD", "MMLU", "HellaSwag", "WikiText", "XNLI"]
DEPS = ["einops", "accelerate", "sentencepiece", "flash-attn", "bitsandbytes", "datasets"]

# Share of each change type per platform (GH code-heavy, HF upload/config-heavy).
GH_TYPE_WEIGHTS = {
    "Model Structure": 24,
    "External Documentation": 14,
    "Training Infrastructure": 10,
    "Project Metadata": 9,
    "Validation Infrastructure": 8,
    "Preprocessing": 6,
    "Parameter Tuning": 4,
    "Pipeline Performance": 5,
    "Input Data": 4,
    "Output Data": 3,
    "Internal Documentation": 3,
    "Sharing": 3,
    "Add Dependency": 3,
    "Update Dependency": 3,
    "Remove Dependency": 1,
}
HF_TYPE_WEIGHTS = {
    "Sharing": 24,
    "External Documentation": 24,
    "Model Structure": 12,
    "Parameter Tuning": 10,
    "Preprocessing": 9,
    "Validation Infrastructure": 6,
    "Project Metadata": 4,
    "Training Infrastructure": 2,
    "Input Data": 2,
    "Output Data": 1,
    "Pipeline Performance": 2,
    "Internal Documentation": 1,
    "Add Dependency": 1,
    "Update Dependency": 1,
    "Remove Dependency": 1,
}


@dataclass(frozen=True)
class DemoSnapshot:
    models: pd.DataFrame
    hf_commits: pd.DataFrame
    gh_commits: pd.DataFrame
    truth: pd.DataFrame  # TRUTH_COLUMNS: each commit's designed type and family codes


@cache
def demo_files() -> dict[str, dict[str, list[str]]]:
    text = resources.files("ptlmsync").joinpath("data/demo_files.yaml").read_text()
    return yaml.safe_load(text)


#: Every AUTOSYNC_EVERY-th demo family mirrors GH to HF by a sync bot (RQ4).
AUTOSYNC_EVERY = 6
AUTOSYNC_WINDOW = pd.Timedelta(days=14)


def _files_of(platform: str, change_type: str, key: str, stem: str) -> str:
    """One entry of the type's files, chosen from the commit key (no shared draws)."""
    choices = demo_files()[platform][change_type]
    return choices[int(key[:8], 16) % len(choices)].replace("{stem}", stem)


def _mirror_by_bot(gh: pd.DataFrame, hf: pd.DataFrame, github_repo: str) -> pd.Series:
    """The HF commits a sync bot made: each HF commit that follows a GH commit within
    AUTOSYNC_WINDOW becomes 'Auto Sync from git://…/commit/<sha>' of the latest such GH
    commit, with its files (two in three, chosen from the HF key). Returns the mask."""
    gh = gh.sort_values("date")
    mirrored = pd.Series(False, index=hf.index)
    for i, row in hf.iterrows():
        window = (gh["date"] <= row["date"]) & (gh["date"] > row["date"] - AUTOSYNC_WINDOW)
        if not window.any() or int(row["commit_id"][:8], 16) % 3 == 0:
            continue
        source = gh[window].iloc[-1]
        hf.loc[i, "title"] = (
            f"Auto Sync from git://github.com/{github_repo}.git/commit/{source['sha']}"
        )
        hf.loc[i, "files"] = source["files"]
        hf.loc[i, "authors"] = "hf-sync-bot"
        mirrored[i] = True
    return mirrored


@cache
def demo_messages() -> dict[str, dict[str, list[str]]]:
    text = resources.files("ptlmsync").joinpath("data/demo_messages.yaml").read_text()
    return yaml.safe_load(text)


# --- timeline designs ---------------------------------------------------------------


def _spaced(rng, start: int, count: int, allowed: set[int]) -> list[int]:
    """``count`` periods from ``allowed`` at least 2 apart (so they never form a run)."""
    chosen: list[int] = []
    for p in sorted(allowed):
        if p >= start and (not chosen or p - chosen[-1] >= 2):
            chosen.append(p)
    rng.shuffle(chosen)
    return sorted(chosen[:count])


def _pick(rng, pool: set[int], low: int, high: int) -> set[int]:
    pool_list = sorted(pool)
    k = int(rng.integers(low, high + 1))
    return set(rng.choice(pool_list, size=min(k, len(pool_list)), replace=False).tolist())


def design_timeline(code: str, lag: Lag, n_models: int, length: int, rng) -> tuple[set, list]:
    """GH periods and one period set per HF model for a target pattern code and lag."""
    sync, intensity = code[:2], code[2]
    gh_start = 0 if lag in (Lag.SIMULTANEOUS, Lag.GH_FIRST) else int(rng.integers(1, 4))
    hf_start = 0 if lag in (Lag.SIMULTANEOUS, Lag.HF_FIRST) else int(rng.integers(1, 4))
    periods = set(range(length))
    if sync in ("AS", "VS"):
        # HF lives in its own zone of periods, disjoint from GH.
        zone = {p for p in periods if p >= hf_start and p % 3 == (hf_start % 3)}
        if lag is Lag.GH_FIRST:
            zone.discard(0)
        gh = {p for p in periods if p >= gh_start and p not in zone and rng.random() < 0.6}
        gh.add(min(p for p in periods if p >= gh_start and p not in zone))
        return gh, _disjoint_models(sync, intensity, n_models, zone, hf_start, rng)
    late = max(gh_start, hf_start) + 8
    holes = {p for p in periods if p >= late and rng.random() < 0.3}
    holes.add(int(rng.integers(late, length)))  # at least one period with HF but no GH
    if lag is Lag.HF_FIRST:
        holes |= set(range(gh_start))
    gh = {p for p in periods if p >= gh_start} - holes
    if rng.random() < 0.5:  # GH often goes quiet for a while
        quiet = int(rng.integers(length // 2, length))
        gh -= {p for p in gh if p > quiet and p not in holes and rng.random() < 0.7}
    models = _overlapping_models(sync, intensity, n_models, gh, holes, hf_start, rng)
    return gh, models


def _overlapping_models(sync, intensity, n, gh, holes, hf_start, rng) -> list[set]:
    inside = {p for p in gh if p >= hf_start}
    outside = {p for p in holes if p >= hf_start}
    first = {hf_start}
    if intensity == "F":
        start = max(hf_start, min(gh))
        run = set(range(start, start + int(rng.integers(5, 9))))
        gh |= run
        inside |= run
        outside -= run
        v0 = run | first
    elif intensity == "S":
        v0 = first | set(_spaced(rng, hf_start + 2, int(rng.integers(3, 6)), inside | outside))
    else:
        v0 = first | _pick(rng, inside - first, 1 if sync == "PS" else 0, 1)
    if sync == "PS":
        v0 = v0 | ({min(outside)} if outside and hf_start not in holes else set())
        if intensity != "F":
            v0 = set(sorted(v0)[:3]) if intensity == "R" else v0
    if sync == "CS":
        gh |= v0
    others = [_pick(rng, inside, 1, 3) for _ in range(n - 1)]
    if intensity == "S":  # keep every run of overlap below the frequent threshold
        others = [set(_spaced(rng, hf_start, len(o), o)) or o for o in others]
    return [v0, *others]


def _disjoint_models(sync, intensity, n, zone, hf_start, rng) -> list[set]:
    zone_list = sorted(zone)
    if sync == "VS":
        crowd = set(zone_list[1:4])
        v = [crowd | {zone_list[0]} for _ in range(3)]
        v[0] = v[0] | {zone_list[5]}
        return v + [{p} for p in rng.choice(zone_list[6:], size=n - 3).tolist()]
    # one model per slice of the zone: no period with 3 models, so never VS
    size0 = int(rng.integers(4, 6)) if intensity == "S" else int(rng.integers(1, 4))
    models = [set(zone_list[:size0])]
    cursor = size0
    for j in range(n - 1):
        k = int(rng.integers(1, 4))
        # once the zone is used up, models share periods two at a time (never three)
        chunk = zone_list[cursor : cursor + k] or [zone_list[(j // 2) % len(zone_list)]]
        models.append(set(chunk))
        cursor += k
    return models


# --- commits and models -------------------------------------------------------------


def _fill(template: str, rng, name: str) -> str:
    return template.format(
        module=name.replace("-", "_"),
        name=name.capitalize(),
        version=f"{rng.integers(0, 3)}.{rng.integers(0, 20)}.{rng.integers(0, 10)}",
        n=int(rng.integers(2, 900)),
        dataset=rng.choice(DATASETS),
        dep=rng.choice(DEPS),
    )


def _draw_type(rng, weights: dict[str, float]) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _dates_in(rng, t0: pd.Timestamp, period: int, n: int, window: int) -> list[pd.Timestamp]:
    seconds = rng.integers(0, window * 86400 - 1, size=n)
    return [t0 + pd.Timedelta(days=period * window, seconds=int(s)) for s in sorted(seconds)]


def generate_demo(
    n_families: int = 48, seed: int = 42, extraction_date: str = "2025-06-30"
) -> DemoSnapshot:
    """The demo snapshot; identical for identical arguments."""
    if not 1 <= n_families <= len(STEMS) * 4:
        raise ValueError(f"demo.n_families must be between 1 and {len(STEMS) * 4}")
    rng = np.random.default_rng(seed)
    extraction = pd.Timestamp(extraction_date, tz="UTC")
    designs = list(DESIGNS)
    extras = list(EXTRA_WEIGHTS)
    weights = np.array(list(EXTRA_WEIGHTS.values()), dtype=float)
    while len(designs) < n_families:
        designs.append(extras[int(rng.choice(len(extras), p=weights / weights.sum()))])
    parts = [_demo_family(i, *designs[i], rng, extraction) for i in range(n_families)]
    models, hf, gh, truth = (pd.concat(p, ignore_index=True) for p in zip(*parts, strict=True))
    return DemoSnapshot(models=models, hf_commits=hf, gh_commits=gh, truth=truth)


def _demo_family(i: int, code: str, lag: Lag, rng, extraction: pd.Timestamp):
    stem = STEMS[i % len(STEMS)] + ("" if i < len(STEMS) else f"{i // len(STEMS) + 1}")
    owner, repo = f"demo-lab-{i:02d}", f"demo-{stem}"
    github_repo = f"{owner}/{repo}"
    family = f"{owner}__{repo}"
    n_models = int(rng.integers(3, 13)) if code == "VSS" else int(rng.integers(1, 13))
    length = int(rng.integers(40 if code == "VSS" else 16, 150))  # 0.6 to 5.7 years
    for _attempt in range(200):
        gh_p, hf_p = design_timeline(code, lag, n_models, length, rng)
        commits = _timeline_commits(gh_p, hf_p, extraction, length, rng)
        row = code_family(commits, SyncParams(window_days=DESIGN_WINDOW_DAYS))
        if row["code"] == code and row["lag"] == lag.value:
            break
    else:  # pragma: no cover - the designs are constructive; this guards edits to them
        raise RuntimeError(f"demo: could not design a {code}/{lag} timeline for {family}")
    gh_authors, hf_authors = _authors(i, rng)
    model_ids = [f"{owner}/{repo}-{SIZES[j]}" for j in range(n_models)]
    commits["repository"] = commits["repository"].map(
        lambda s: s if s == Platform.GH else model_ids[int(s[1:])]
    )
    gh_rows, hf_rows, truth = [], [], []
    for c in commits.itertuples(index=False):
        platform = Platform.GH if c.repository == Platform.GH else Platform.HF
        ctype = _draw_type(rng, GH_TYPE_WEIGHTS if platform == Platform.GH else HF_TYPE_WEIGHTS)
        message = _fill(rng.choice(demo_messages()[platform][ctype]), rng, stem)
        key = rng.bytes(20).hex()
        files = _files_of(platform, ctype, key, stem)
        if platform == Platform.GH:
            gh_rows.append((github_repo, key, c.date, message, rng.choice(gh_authors), files))
        else:
            authors = rng.choice(hf_authors)
            hf_rows.append((c.repository, key, c.date, message, "", authors, files))
        truth.append((family, platform, c.repository, key, ctype, code, lag.value, False))
    gh = pd.DataFrame(gh_rows, columns=["github_repo", "sha", "date", "message", "author", "files"])
    hf = pd.DataFrame(
        hf_rows, columns=["model_id", "commit_id", "date", "title", "message", "authors", "files"]
    )
    if i % AUTOSYNC_EVERY == AUTOSYNC_EVERY - 1:
        mirrored = set(hf.loc[_mirror_by_bot(gh, hf, github_repo), "commit_id"])
        truth = [(*t[:4], "Sharing", *t[5:7], True) if t[3] in mirrored else t for t in truth]
    first_last = hf.groupby("model_id")["date"].agg(["min", "max"])
    models = pd.DataFrame(
        {
            "model_id": model_ids,
            "family": family,
            "github_repo": github_repo,
            "downloads": (10_000 * np.exp(rng.gamma(1.5, 1.6, size=n_models))).astype("int64"),
            "likes": rng.integers(0, 2_000, size=n_models).astype("int64"),
            "pipeline_tag": rng.choice(PIPELINE_TAGS),
            "library": "transformers",
            "created_at": first_last.loc[model_ids, "min"].to_numpy(),
            "last_modified": first_last.loc[model_ids, "max"].to_numpy(),
        }
    )
    return models, hf, gh, pd.DataFrame(truth, columns=TRUTH_COLUMNS)


def _timeline_commits(gh_p, hf_p, extraction, length, rng) -> pd.DataFrame:
    """Dated commits for the designed periods; the family's first commit is exactly ``t0``."""
    window = DESIGN_WINDOW_DAYS
    t0 = extraction - pd.Timedelta(days=length * window + int(rng.integers(20, 200)))
    t0 = t0.floor("s")
    rows = []
    for p in sorted(gh_p):
        rows += [(Platform.GH, d) for d in _dates_in(rng, t0, p, int(rng.integers(1, 6)), window)]
    for v, ps in enumerate(hf_p):
        for p in sorted(ps):
            rows += [(f"v{v}", d) for d in _dates_in(rng, t0, p, int(rng.integers(1, 3)), window)]
    commits = pd.DataFrame(rows, columns=["repository", "date"])
    # Pin the earliest commit to t0 so designed period 0 is the coding's period 0.
    first = commits["date"].idxmin()
    commits.loc[first, "date"] = t0
    commits["platform"] = np.where(commits["repository"] == Platform.GH, Platform.GH, Platform.HF)
    commits["key"] = [f"k{i}" for i in range(len(commits))]
    return commits.sort_values("date", kind="stable").reset_index(drop=True)


def _authors(i: int, rng) -> tuple[list[str], list[str]]:
    """GH logins and HF user names; families alternate none / one / several shared people."""
    n_gh = int(rng.integers(2, 16))
    gh = [f"demo-dev-{i:02d}-{j}" for j in range(n_gh)]
    n_shared = [0, 1, min(3, n_gh)][i % 3]
    hf = gh[:n_shared] + [f"demo-hf-user-{i:02d}-{j}" for j in range(int(rng.integers(1, 4)))]
    return gh, hf


def marker_of(meta: dict) -> str:
    """The text stamped on every output made from demo data ("" for real data)."""
    return meta.get("marker") or (DEMO_MARKER if meta.get("demo") else "")
