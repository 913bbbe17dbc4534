"""Agreement of two raters on the same items: Cohen's kappa, the one implementation
behind the coding check (lag and code against manual codes), the labels against a gold
table or the study's labels, and two annotators against each other."""

from __future__ import annotations

import pandas as pd


def kappa(a: pd.Series, b: pd.Series) -> float:
    """Cohen's kappa; 1.0 when both raters use one and the same category throughout."""
    if len(a) == 0:
        return float("nan")
    if a.nunique() == 1 and b.nunique() == 1:
        return 1.0 if a.iloc[0] == b.iloc[0] else 0.0
    from sklearn.metrics import cohen_kappa_score  # 0.7 s to import: only where kappa is asked

    return float(cohen_kappa_score(a, b))
