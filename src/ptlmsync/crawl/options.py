"""The crawl's options (config block ``crawl:``), with the schema's defaults."""

from __future__ import annotations

from dataclasses import dataclass

from ptlmsync.config import options_from_config, schema_defaults

_DEFAULTS = schema_defaults("crawl")


@dataclass(frozen=True)
class CrawlOptions:
    """Where and how the live crawl asks the Hub and GitHub (README, "Live runs")."""

    hf_endpoint: str | None = _DEFAULTS["hf_endpoint"]
    github_api_url: str | None = _DEFAULTS["github_api_url"]
    github_clone_url: str = _DEFAULTS["github_clone_url"]
    github_backend: str = _DEFAULTS["github_backend"]
    hf_backend: str = _DEFAULTS["hf_backend"]
    hf_clone_url: str | None = _DEFAULTS["hf_clone_url"]
    min_downloads: int = _DEFAULTS["min_downloads"]
    nlp_pipeline_tags: tuple[str, ...] = tuple(_DEFAULTS["nlp_pipeline_tags"])
    max_models: int | None = _DEFAULTS["max_models"]
    models: tuple[str, ...] = tuple(_DEFAULTS["models"])
    manual_links: str | None = _DEFAULTS["manual_links"]

    def __post_init__(self):
        for name in ("nlp_pipeline_tags", "models"):  # YAML lists
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @classmethod
    def from_config(cls, crawl: dict | CrawlOptions | None) -> CrawlOptions:
        """The options of a ``crawl:`` block (the schema's defaults for missing keys)."""
        if isinstance(crawl, cls):
            return crawl
        return options_from_config(cls, "crawl", crawl)
