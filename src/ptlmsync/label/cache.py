"""The label cache on disk: answers keyed by (labeller, version, repeat, text hash), one
file per text-hash prefix (the hash's first byte), and the text shards that own them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ptlmsync.text import text_hash

if TYPE_CHECKING:
    from ptlmsync.label.backends import Labeller


def shard_of(text_hash: str, n_shards: int) -> int:
    """The text shard of a text hash: its first byte modulo the shard count, so each
    cache file (one per first byte) belongs to exactly one shard."""
    return int(text_hash[:2], 16) % n_shards


def open_prefix_caches(cache_dir, shard: int, n_shards: int) -> LabelCache:
    """The cached answers of one shard: the cache files of its hash prefixes, merged."""
    merged = LabelCache(Path(cache_dir) / f"shard-{shard}")
    for prefix in range(256):
        if prefix % n_shards != shard:
            continue
        path = Path(cache_dir) / f"{prefix:02x}.parquet"
        if path.exists():
            merged.entries.update(LabelCache.open(path).entries)
    merged.n_saved = len(merged.entries)
    return merged


def save_prefix_caches(merged: LabelCache, cache_dir) -> None:
    """Write the merged answers back, one file per hash prefix (only changed files)."""
    if len(merged.entries) == merged.n_saved:
        return
    by_prefix: dict[str, dict] = {}
    for key, answer in merged.entries.items():
        by_prefix.setdefault(key.rsplit("|", 1)[-1][:2], {})[key] = answer
    for prefix, entries in by_prefix.items():
        path = Path(cache_dir) / f"{prefix}.parquet"
        old = LabelCache.open(path)
        if len(old.entries) == len(entries):
            continue
        LabelCache(path, entries, n_saved=-1).save()
    merged.n_saved = len(merged.entries)


@dataclass
class LabelCache:
    """Labels on disk keyed by (labeller, model, prompt version, repeat, text hash)."""

    path: Path
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Entries the file on disk holds (entries are only ever added).
    n_saved: int = 0

    @classmethod
    def open(cls, path: str | Path) -> LabelCache:
        path = Path(path)
        cache = cls(path)
        if path.exists():
            df = pd.read_parquet(path)
            cache.entries = dict(
                zip(df["key"], zip(df["label"], df["reason"], strict=True), strict=True)
            )
            cache.n_saved = len(cache.entries)
        return cache

    @staticmethod
    def key(labeller: Labeller, repeat: int, text: str) -> str:
        return f"{labeller.name}|{labeller.version}|{repeat}|{text_hash(text)}"

    def save(self) -> None:
        """Write the entries, when there are new ones."""
        if len(self.entries) == self.n_saved:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [(k, lab, reason) for k, (lab, reason) in self.entries.items()]
        pd.DataFrame(rows, columns=["key", "label", "reason"]).to_parquet(self.path, index=False)
        self.n_saved = len(self.entries)
