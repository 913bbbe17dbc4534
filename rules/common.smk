from pathlib import Path

import pandas as pd

from ptlmsync.demo import TRUTH_FILE
from ptlmsync.stages import TABLES, available_figures

DEMO_TRUTH = f"results/snapshot/{TRUTH_FILE}"
#: True when the run re-analyses the original study's published intermediate files.
REPLICATION = config["source"] == "replication"
#: Tables the data does not allow (no raw commits or labels in the published files).
UNAVAILABLE = (
    [*TABLES["change_types"], *TABLES["topics"], "spearman_contributors"]
    if REPLICATION
    else []
)
if REPLICATION and not config["replication_dir"]:
    raise ValueError(
        "config key 'replication_dir': required when source is 'replication'"
    )


wildcard_constraints:
    family=r"[A-Za-z0-9_.-]+",
    batch=r"\d+",


#: Family batches: the per-family work runs in this many jobs (snapshot.family_batch).
BATCHES = range(config["family_batches"])


def per_batch(pattern):
    """``pattern`` expanded over every family batch."""
    return expand(pattern, batch=BATCHES)


def final_outputs():
    outputs = ["results/paper/paper.pdf", "results/paper/paper.html"]
    return outputs if REPLICATION else [*outputs, "results/figures/timelines"]


def coding_params():
    """The sync: keys that change the coding (not validation or sensitivity settings)."""
    from ptlmsync.sync import SyncParams

    return {key: config["sync"][key] for key in SyncParams.config_keys()}


def manual_codes():
    """Manually coded families to validate against; on the demo, its designed codes."""
    if config["sync"]["validation_table"]:
        return config["sync"]["validation_table"]
    if config["source"] == "demo":
        return DEMO_TRUTH
    return []


def tables(*groups):
    return [f"results/tables/{name}.csv" for g in groups for name in TABLES[g]]


def figure_files(ext="png"):
    return [f"results/figures/{name}.{ext}" for name in available_figures(UNAVAILABLE)]


def crawled(name):
    """Input function: one crawled part per family of the frozen live family list."""

    def inputs(wildcards):
        listing = checkpoints.select_models.get().output.families
        names = pd.read_csv(listing)["family"]
        return [f"results/collect/families/{f}/{name}" for f in names]

    return inputs


def source_snapshot():
    """The snapshot files the source provides (so a changed snapshot re-runs the
    workflow): the crawl's assembled snapshot (live) or the files in snapshot_dir."""
    names = ["models.csv", "hf_commits.parquet", "gh_commits.parquet"]
    if config["source"] == "live":
        return [f"results/collect/snapshot/{name}" for name in names]
    if config["source"] == "snapshot" and config["snapshot_dir"]:
        return [str(Path(config["snapshot_dir"]) / name) for name in names]
    return []


def labelling_params():
    """The label: keys that change the labels (not the gold table or statistics run)."""
    keys = ("backend", "runs", "batch_size", "gemini", "openai_compatible")
    return {key: config["label"][key] for key in keys}


def gold_labels():
    """Manually labelled commits; on the demo, its known change types."""
    if config["label"]["gold_table"]:
        return config["label"]["gold_table"]
    if config["source"] == "demo":
        return DEMO_TRUTH
    return []
