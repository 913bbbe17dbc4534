"""Clients of the live crawl: the Hub, GitHub (API and git), the raw-answer cache, the
link heuristic and retries, and one target's fetch by the configured backend
(:mod:`.fetch`) (docs/method.md, section 1). The crawl stage is
:mod:`ptlmsync.stages.crawl`."""
