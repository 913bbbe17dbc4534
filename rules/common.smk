from pathlib import Path

import pandas as pd

from ptlmsync.config import cache_paths, run_name
from ptlmsync.study_files import STUDY_COMMIT, study_labels_cache
from ptlmsync.demo import TRUTH_FILE
from ptlmsync import outputs
from ptlmsync.vocab import STUDY_WINDOW_DAYS

#: Every output of this run lives under results/<run>/ (config key run_name).
RUN = run_name(config)
RUN_DIR = f"results/{RUN}"
#: Caches shared by all runs (config key cache_dir), outside results/.
CACHE = cache_paths(config)
DEMO_TRUTH = f"{RUN_DIR}/snapshot/{TRUTH_FILE}"
#: True when the run re-analyses the original study's published intermediate files.
REPLICATION = config["source"] == "replication"
LIVE = config["source"] == "live"
#: Whether the run's data has raw commits and labels (the study's published files have
#: none, so the analyses that need them are unavailable).
HAS_COMMITS = not REPLICATION
UNAVAILABLE = [] if HAS_COMMITS else outputs.needing_commits()
#: The study's published files: replication_dir, else fetched into the cache.
STUDY_FILES_DIR = config["replication_dir"] or f"{CACHE['study']}/{STUDY_COMMIT}"
#: The study's hand-labelled commits (README, "Where the study's files come from"):
#: study_labels_dir, else fetched into <cache_dir>/study/ (rule fetch_study_labels).
STUDY_LABELS_DIR = config["study_labels_dir"] or str(study_labels_cache(CACHE["study"]))


wildcard_constraints:
    family=r"[A-Za-z0-9_.-]+",
    batch=r"\d+",
    shard=r"\d+",
    window=r"\d+",


#: Family batches: the per-family work runs in this many jobs (snapshot.family_batch).
BATCHES = range(config["family_batches"])


def result(path):
    """``path`` inside this run's directory (wildcards such as {batch} kept as they are)."""
    return f"{RUN_DIR}/{path}"


def log_file(stage, name):
    return result(f"logs/{stage}/{name}.log")


def benchmark_file(stage, name):
    return result(f"benchmarks/{stage}/{name}.tsv")


def per_batch(path):
    """This run's ``path`` expanded over every family batch."""
    return expand(result(path), batch=BATCHES)


def per_shard(path):
    """This run's ``path`` expanded over every text shard of the labelling."""
    return expand(result(path), shard=range(config["label"]["text_shards"]))


def final_outputs():
    return [result("paper/paper.pdf"), result("paper/paper.html")]


def coding_params(without=()):
    """The sync: keys that change the coding (not validation or sensitivity settings),
    except those ``without``."""
    from ptlmsync.sync import SyncParams

    keys = [key for key in SyncParams.config_keys() if key not in without]
    return {key: config["sync"][key] for key in keys}


def manual_codes():
    """Manually coded families to validate against; on the demo, its designed codes."""
    if config["sync"]["validation_table"]:
        return config["sync"]["validation_table"]
    if config["source"] == "demo":
        return DEMO_TRUTH
    return []


def reference_window_days():
    """The window at which the reference codes of the validation were made: the demo's
    designed codes and the study's manual codes at 14 days, a user's table at
    sync.validation_window_days."""
    from ptlmsync.demo import DESIGN_WINDOW_DAYS

    if config["sync"]["validation_table"]:
        return config["sync"]["validation_window_days"]
    return DESIGN_WINDOW_DAYS if config["source"] == "demo" else STUDY_WINDOW_DAYS


def reference_resolution():
    """The time resolution of the reference codes where it is known: the demo's designed
    codes use the generated timestamps; a user's table and the study's sample (which this
    run does not re-code) are not checked."""
    if config["source"] == "demo" and not config["sync"]["validation_table"]:
        return "GH full, HF full"
    return None


def propagation_params():
    """The propagation: options (ptlmsync.propagation.PropagationParams) with max_days
    resolved (null: one sync window), so a window change re-runs propagation only where
    the window is its answer time."""
    from dataclasses import asdict

    from ptlmsync.propagation import PropagationParams

    params = PropagationParams.from_config(config["propagation"])
    return {
        **asdict(params),
        "max_days": params.answer_days(config["sync"]["window_days"]),
    }


def table_file(name):
    return result(f"tables/{name}.csv")


def tables_of_rule(rule):
    """The tables ``rule`` writes (ptlmsync.outputs.TABLES) that the run's data allows."""
    return [table_file(name) for name in outputs.tables_of(rule, HAS_COMMITS)]


def run_tables(but=()):
    """Every table this run writes, except those of the rules ``but``."""
    return [table_file(name) for name in outputs.run_tables(HAS_COMMITS, but)]


def figures_of_rule(rule=None):
    """The names of the figures ``rule`` draws (every rule's where None)."""
    return outputs.figures_of(rule, HAS_COMMITS)


def figure_files(rule=None, ext="png"):
    return [result(f"figures/{name}.{ext}") for name in figures_of_rule(rule)]


def figure_tables():
    """The tables plot_figures draws from."""
    names = outputs.figures_of("plot_figures", HAS_COMMITS)
    return [table_file(t) for f in outputs.FIGURES if f.name in names for t in f.tables]


def with_commits(path):
    """``path`` where the run's data has raw commits and labels, else no input."""
    return path if HAS_COMMITS else []


def if_replication(path):
    """``path`` in a replication run (the study's published files), else no input."""
    return path if REPLICATION else []


def if_crawled(path):
    """``path`` in a live run (the crawl's own files), else no input."""
    return path if LIVE else []


def paper_run_params():
    """What compile_numbers reports of the run's configuration (the cost plan's prices
    and tokenizer say nothing the paper prints)."""
    topic_keys = (
        "embedding_model",
        "embedding_backend",
        "stability_seeds",
        "stable_share",
        "seed",
    )
    return {
        "name": RUN,
        "sync": coding_params(),
        "label": {
            **{k: v for k, v in config["label"].items() if k != "plan"},
            "gold_is_demo": gold_labels() == DEMO_TRUTH,
        },
        "topics": {key: config["topics"][key] for key in topic_keys},
        "unavailable": UNAVAILABLE,
        "reference_window_days": reference_window_days(),
        "reference_resolution": reference_resolution(),
        "propagation": propagation_params(),
        "figures": figures_of_rule(),
    }


def crawled(name):
    """Input function: one crawled part per family of the frozen live family list."""

    def inputs(wildcards):
        listing = checkpoints.select_models.get().output.families
        names = pd.read_csv(listing)["family"]
        return [result(f"crawl/families/{f}/{name}") for f in names]

    return inputs


def source_snapshot():
    """The snapshot files the source provides (so a changed snapshot re-runs the
    workflow): the crawl's assembled snapshot (live) or the files in snapshot_dir."""
    names = ["models.csv", "hf_commits.parquet", "gh_commits.parquet"]
    if LIVE:
        return [result(f"crawl/snapshot/{name}") for name in names]
    if config["source"] == "snapshot" and config["snapshot_dir"]:
        directory = Path(config["snapshot_dir"])
        # the optional tables too, where the directory has them (HF profile links; the
        # crawl's statuses), so that a change of them re-runs the workflow
        optional = [directory / name for name in ("hf_users.csv", "status.csv")]
        return [str(directory / name) for name in names] + [
            str(path) for path in optional if path.exists()
        ]
    return []


def labelling_params():
    """The label: keys that change the labels (LabelOptions.CHANGES_LABELS)."""
    from ptlmsync.label.options import LabelOptions

    return LabelOptions.labelling_keys(config["label"])


def study_labels():
    """The folder of the study's hand labels where the run can hold a study commit: a
    live or snapshot run, or any run given study_labels_dir; not the demo, whose families
    are fictional (the check says so without reading the files, and works offline)."""
    if config["study_labels_dir"] or config["source"] in ("live", "snapshot"):
        return STUDY_LABELS_DIR
    return []


def gold_labels():
    """Manually labelled commits; on the demo, its known change types."""
    if config["label"]["gold_table"]:
        return config["label"]["gold_table"]
    if config["source"] == "demo":
        return DEMO_TRUTH
    return []
