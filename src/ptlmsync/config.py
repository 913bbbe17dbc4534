"""Configuration helpers used by the Snakefile before the schema validation."""

from __future__ import annotations

from pathlib import Path

import yaml

_SCALARS = {"integer": int, "number": float, "boolean": bool}


def coerce_cli_strings(config: dict, schema: dict) -> dict:
    """Parse strings that Snakemake's ``--config`` left unparsed, where the schema wants a scalar.

    ``--config sync='{window_days: 7}'`` reaches the workflow as ``{"window_days": "7"}``
    (Snakemake reads nested values with YAML's BaseLoader). Only values whose schema type
    is integer, number or boolean are parsed; anything that does not parse is left as it
    is, so the schema validation still names the key.
    """
    properties = schema.get("properties", {})
    for key, value in config.items():
        spec = properties.get(key, {})
        if isinstance(value, dict):
            coerce_cli_strings(value, spec)
        elif value == "null" and "null" in _types(spec):
            config[key] = None
        elif isinstance(value, str) and _wants_scalar(spec):
            parsed = yaml.safe_load(value)
            if isinstance(parsed, int | float | bool):
                config[key] = parsed
    return config


def _types(spec: dict) -> list[str]:
    types = spec.get("type", [])
    return [types] if isinstance(types, str) else types


def _wants_scalar(spec: dict) -> bool:
    types = _types(spec)
    return "string" not in types and any(t in _SCALARS for t in types)


def load_schema(path: str | Path) -> dict:
    return yaml.safe_load(Path(path).read_text())
