"""Configuration helpers used by the Snakefile before the schema validation."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from functools import cache
from pathlib import Path

import yaml

#: The JSON schema of config/config.yaml: types, ranges and every key's default (the one
#: place defaults are kept; the options classes take theirs from it). Package data, so
#: the defaults are known wherever the package is installed; workflow/schemas/ links to
#: it for Snakemake.
SCHEMA = Path(__file__).resolve().parent / "data" / "config.schema.yaml"

#: Config keys that were renamed: old dotted key -> new dotted key.
RENAMED_KEYS = {
    "collect": "crawl",
    "label.runs": "label.repeats",
    "label.statistics_run": "label.statistics_repeat",
    "sync.frequent_min_run": "sync.frequent_min_streak",
    "sync.vs_min_variants": "sync.vs_min_models",
}

_SCALARS = {"integer": int, "number": float, "boolean": bool}


def coerce_cli_strings(config: dict, schema: dict) -> dict:
    """Parse strings that Snakemake's ``--config`` left unparsed, where the schema wants a scalar.

    ``--config sync='{window_days: 7}'`` reaches the workflow as ``{"window_days": "7"}``
    (Snakemake reads nested values with YAML's BaseLoader), and a list as a list of
    strings. Only values (and list items) whose schema type is integer, number or boolean
    are parsed; anything that does not parse is left as it is, so the schema validation
    still names the key.
    """
    properties = schema.get("properties", {})
    for key, value in config.items():
        config[key] = _coerce(value, properties.get(key, {}))
    return config


def _coerce(value, spec: dict):
    """``value`` parsed where its ``spec`` wants a scalar (list items by ``items``)."""
    if isinstance(value, dict):
        return coerce_cli_strings(value, spec)
    if isinstance(value, list):
        return [_coerce(item, spec.get("items", {})) for item in value]
    if value == "null" and "null" in _types(spec):
        return None
    if isinstance(value, str) and _wants_scalar(spec):
        parsed = yaml.safe_load(value)
        if isinstance(parsed, int | float | bool):
            return parsed
    return value


def _types(spec: dict) -> list[str]:
    types = spec.get("type", [])
    return [types] if isinstance(types, str) else types


def _wants_scalar(spec: dict) -> bool:
    types = _types(spec)
    return "string" not in types and any(t in _SCALARS for t in types)


def load_schema(path: str | Path = SCHEMA) -> dict:
    return yaml.safe_load(Path(path).read_text())


@cache
def schema_defaults(block: str) -> dict:
    """The default of every key of the config block ``block``, from the schema."""
    properties = load_schema()["properties"][block]["properties"]
    return {key: spec.get("default") for key, spec in properties.items()}


def options_from_config(cls, block: str, values: dict | None):
    """The options dataclass ``cls`` from the config block ``block``: the block's values
    over the schema's defaults. A key the schema does not know fails with its name."""
    values = dict(values or {})
    unknown = sorted(set(values) - set(schema_defaults(block)))
    if unknown:
        raise ValueError(f"config keys {[f'{block}.{k}' for k in unknown]}: unknown")
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in {**schema_defaults(block), **values}.items() if k in known})


def check_renamed_keys(config: dict) -> None:
    """Fail on a key that was renamed, naming the new key (before the schema check,
    whose message would only say the old key is not allowed)."""
    for old, new in RENAMED_KEYS.items():
        node = config
        for part in old.split("."):
            node = node.get(part) if isinstance(node, dict) and part in node else None
            if node is None:
                break
        if node is not None:
            raise ValueError(f"config key '{old}' was renamed '{new}': rename it in your config")


def run_name(config: dict) -> str:
    """The run's directory name under ``results/``: ``run_name`` if set, else derived from
    the source (``demo``, ``replication``, ``live``, ``snapshot-<hash of snapshot_dir>``),
    so that two sources in one work directory never share a file."""
    if config.get("run_name"):
        return config["run_name"]
    source = config["source"]
    if source == "snapshot":
        where = str(Path(config.get("snapshot_dir") or "").expanduser().resolve())
        return f"snapshot-{hashlib.sha256(where.encode()).hexdigest()[:8]}"
    return source


#: The caches under ``cache_dir``, shared by every run: what costs time or money to get.
CACHES = {
    "http": "raw HTTP answers of the Hub and GitHub, keyed by request",
    "clones": "blob-less bare clones of GitHub repositories",
    "labels": "remote labellers' answers by text hash, keyed by labeller, prompt, run and text",
    "embeddings": "sentence embeddings, keyed by model, length, backend and message hash",
    "study": "the original study's published files, per commit of its repository",
}


def cache_paths(config: dict) -> dict[str, str]:
    """The directory of each cache of :data:`CACHES` under ``config['cache_dir']``."""
    root = Path(config["cache_dir"]).expanduser()
    return {name: str(root / name) for name in CACHES}
