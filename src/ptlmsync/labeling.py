"""Commit labelling with the 15 change types (METHOD.md section 2).

The default labeller is offline: ordered keyword rules read from the taxonomy file.
"""

from __future__ import annotations

from ptlmsync.taxonomy import keyword_rules, load_taxonomy


def rule_label(text: str) -> str:
    """The first change type (in the taxonomy's rule order) whose keywords match ``text``."""
    for name, pattern in keyword_rules():
        if pattern.search(text):
            return name
    return load_taxonomy().fallback
