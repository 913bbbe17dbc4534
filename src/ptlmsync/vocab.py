"""The project's controlled vocabulary: platforms, lags, sync types, intensities, patterns.

This module is the one place that spells a pattern name; everything else looks
names up here.
"""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    GH = "GH"
    HF = "HF"


class Lag(StrEnum):
    SIMULTANEOUS = "Simultaneous"
    GH_FIRST = "GH first"
    HF_FIRST = "HF first"
    NO_DATA = "No data"


class SyncType(StrEnum):
    CS = "CS"  # complete: every HF variant's periods lie within GH's periods
    PS = "PS"  # partial: HF and GH periods intersect
    VS = "VS"  # cross-variant: >= 3 variants co-active in >= 3 periods, no GH overlap
    AS = "AS"  # none
    NA = "NA"  # not applicable: no dated HF commits (or no dated commits at all)


class Intensity(StrEnum):
    R = "R"  # rare
    S = "S"  # sporadic
    F = "F"  # frequent
    NA = "NA"


UNNAMED = "Unnamed"
NOT_APPLICABLE = "Not applicable"

#: Pattern code (sync type + intensity) -> pattern name (docs/method.md, section 3).
#: VS families are reported as Sporadic disjoint, as in the study's data.
PATTERN_NAMES: dict[str, str] = {
    "CSR": "Rare synchronisation",
    "CSS": "Intermittent",
    "CSF": "Frequent",
    "PSS": "Disperse",
    "PSR": "Sparse",
    "PSF": "Dense partial",
    "ASS": "Sporadic disjoint",
    "ASR": "Rare disjoint",
    "VSS": "Sporadic disjoint",
}

#: The eight named patterns in the order the paper lists them.
PATTERN_ORDER: list[str] = [
    "Frequent",
    "Intermittent",
    "Rare synchronisation",
    "Dense partial",
    "Disperse",
    "Sparse",
    "Sporadic disjoint",
    "Rare disjoint",
]

#: The lags of analysed families (every one has commits on both platforms, so "No data"
#: never occurs; a table would still keep it as a row of its own).
LAG_ORDER: list[str] = [lag.value for lag in Lag if lag is not Lag.NO_DATA]

AGE_GROUPS: list[str] = ["Recent", "Intermediate", "Matured"]

#: How switch events are grouped for the days-to-the-other-platform analysis.
SWITCH_GROUPINGS: dict[str, list[str]] = {
    "lag": LAG_ORDER,
    "pattern": PATTERN_ORDER,
    "age": AGE_GROUPS,
}

#: The original study's period length in days (docs/method.md, section 3).
STUDY_WINDOW_DAYS = 14

#: The original study's spellings of lags (its ``Lagged`` column and manual codes).
LAG_ALIASES: dict[str, str] = {
    "upstream first": Lag.GH_FIRST.value,
    "downstream first": Lag.HF_FIRST.value,
    "no lag": Lag.SIMULTANEOUS.value,
}


#: The original study's pattern names (its ``names``/``pattern_names`` columns, with or
#: without the " Pattern" suffix, including its typo "Rare Disjoing") -> ours.
STUDY_PATTERN_NAMES: dict[str, str] = {
    "frequent alignment": "Frequent",
    "intermittent alignment": "Intermittent",
    "rare alignment": "Rare synchronisation",
    "dense partial alignment": "Dense partial",
    "dispersed alignment": "Disperse",
    "sparse alignment": "Sparse",
    "sporadic disjoint": "Sporadic disjoint",
    "rare disjoint": "Rare disjoint",
    "rare disjoing": "Rare disjoint",
}

#: The study's maturity groups -> ours.
STUDY_AGE_GROUPS: dict[str, str] = {f"{g.lower()}-families": g for g in AGE_GROUPS}


def normalise_study_pattern(name: str) -> str:
    key = name.strip().lower().removesuffix(" pattern").strip()
    try:
        return STUDY_PATTERN_NAMES[key]
    except KeyError:
        raise ValueError(f"unknown pattern name {name!r}") from None


def normalise_lag(value: str) -> str:
    """A lag in the project's vocabulary, from ours or the study's spelling."""
    for lag in Lag:
        if lag.value.lower() == value.strip().lower():
            return lag.value
    try:
        return LAG_ALIASES[value.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown lag {value!r}; expected one of {LAG_ORDER}") from None


def pattern_code(sync_type: str, intensity: str) -> str:
    """The family's code: sync type + intensity (e.g. ``CSF``); ``NA`` when not applicable."""
    if SyncType(sync_type) is SyncType.NA or Intensity(intensity) is Intensity.NA:
        return "NA"
    return f"{sync_type}{intensity}"


def pattern_name(code: str) -> str:
    """Name of a pattern code; impossible combinations get the stable name ``Unnamed``."""
    if code == "NA":
        return NOT_APPLICABLE
    return PATTERN_NAMES.get(code, UNNAMED)


def slug(name: str) -> str:
    """A stable key for a vocabulary value (``"GH first"`` -> ``"gh_first"``)."""
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
