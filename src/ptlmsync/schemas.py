"""Schemas of the stage-contract tables, validated on every read.

Errors name the file, the column and the offending rows (CSV: file line numbers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ptlmsync.vocab import Platform

# owner/name; neither part may be "." or "..", so that an id can never name a path
# outside the directory it is joined to
GH_REPO_PATTERN = r"^(?!\.\.?/)[A-Za-z0-9_.-]+/(?!\.\.?$)[A-Za-z0-9_.-]+$"
FAMILY_PATTERN = r"^[A-Za-z0-9_.-]+$"

UTC_DATE = pd.DatetimeTZDtype(tz="UTC")


def is_repo_id(value) -> bool:
    """``owner/name`` as the Hub and GitHub spell ids (:data:`GH_REPO_PATTERN`)."""
    return isinstance(value, str) and re.match(GH_REPO_PATTERN, value) is not None


class TableError(ValueError):
    """A table does not follow the stage contract."""


def _str(nullable: bool = False, **kw) -> pa.Column:
    return pa.Column(str, nullable=nullable, **kw)


MODELS = pa.DataFrameSchema(
    {
        "model_id": _str(checks=pa.Check.str_matches(GH_REPO_PATTERN), unique=True),
        "family": _str(checks=pa.Check.str_matches(FAMILY_PATTERN)),
        "github_repo": _str(checks=pa.Check.str_matches(GH_REPO_PATTERN)),
        "downloads": pa.Column("int64", pa.Check.ge(0)),
        "likes": pa.Column("int64", pa.Check.ge(0)),
        "pipeline_tag": _str(nullable=True),
        "library": _str(nullable=True),
        "created_at": pa.Column(UTC_DATE),
        "last_modified": pa.Column(UTC_DATE),
    },
    strict="filter",
    name="models",
)

#: The columns of models.csv, in order.
MODEL_COLUMNS: list[str] = list(MODELS.columns)

HF_COMMITS = pa.DataFrameSchema(
    {
        "model_id": _str(checks=pa.Check.str_matches(GH_REPO_PATTERN)),
        "commit_id": _str(),
        "date": pa.Column(UTC_DATE, nullable=True),
        "title": _str(nullable=True),
        "message": _str(nullable=True),
        "authors": _str(nullable=True),
        # the files the commit changed ("<A|M|D|T>\t<path>" lines); missing where unknown
        "files": _str(nullable=True, required=False),
    },
    unique=["model_id", "commit_id"],
    strict="filter",
    name="hf_commits",
)

#: What a GH commit's ``author`` is: a GitHub ``login``; the author's name where GitHub
#: links ``no_account`` to the commit (asked); or a ``name`` only (the login not known).
GH_AUTHOR_IDENTITIES = ["login", "no_account", "name"]

GH_COMMITS = pa.DataFrameSchema(
    {
        "github_repo": _str(checks=pa.Check.str_matches(GH_REPO_PATTERN)),
        "sha": _str(),
        "date": pa.Column(UTC_DATE, nullable=True),
        "message": _str(nullable=True),
        "author": _str(nullable=True),
        # optional; missing column: every author is a name only (no GitHub login known)
        "author_identity": _str(
            nullable=True, required=False, checks=pa.Check.isin(GH_AUTHOR_IDENTITIES)
        ),
        "files": _str(nullable=True, required=False),  # as in hf_commits
    },
    unique=["github_repo", "sha"],
    strict="filter",
    name="gh_commits",
)
#: GH commits as both crawl backends (git log, REST API) return them: the gh_commits
#: columns and the number of parents (the crawl tells merge commits apart by it).
CRAWLED_GH_COLUMNS = [*GH_COMMITS.columns, "n_parents"]

#: One family's commits on both platforms, as the per-family rules read them.
FAMILY_COMMITS = pa.DataFrameSchema(
    {
        "family": _str(),
        "platform": _str(checks=pa.Check.isin([Platform.GH, Platform.HF])),
        "repository": _str(),  # "GH" or the HF model id
        "key": _str(),  # sha or commit id
        "date": pa.Column(UTC_DATE, nullable=True),
        "text": _str(),
        "author": _str(nullable=True),
        # GitHub logins of the authors: GH, the author where ``author_identity`` is
        # ``login``; HF, per author (comma-separated, aligned with ``author``) the login
        # the user's HF profile links, empty where it links none or was not read
        "author_github": _str(nullable=True, required=False),
        # GH: login | no_account | name (GH_AUTHOR_IDENTITIES); HF, per author (aligned):
        # ``profile`` (the HF profile was read) or ``name`` (not read: no login knowable)
        "author_identity": _str(nullable=True, required=False),
        # the files the commit changed ("<A|M|D|T>\t<path>" lines); missing where unknown
        "files": _str(nullable=True, required=False),
    },
    strict=True,
    name="family_commits",
)

# --- reference tables a user supplies (gold labels, manual codes, manual links) --------


def normalised(values: pd.Series, normalise) -> pd.Series:
    """``values`` in the project's spelling where ``normalise`` knows them; the others as
    they are, so that the schema's check names their lines."""

    def one(value):
        try:
            return normalise(str(value))
        except ValueError:
            return value

    return values.map(one)


def gold_labels_schema(change_types: list[str]) -> pa.DataFrameSchema:
    """Manually labelled commits (``label.gold_table``): platform, key, label."""
    return pa.DataFrameSchema(
        {
            "platform": _str(checks=pa.Check.isin([Platform.GH, Platform.HF])),
            "key": _str(),
            "label": _str(checks=pa.Check.isin(change_types)),
        },
        strict="filter",
        name="gold_labels",
    )


def manual_codes_schema(lags: list[str], is_code) -> pa.DataFrameSchema:
    """Manually coded families (``sync.validation_table``): family, lag, code."""
    return pa.DataFrameSchema(
        {
            "family": _str(),
            "lag": _str(checks=pa.Check.isin(lags)),
            "code": _str(checks=pa.Check(is_code, element_wise=True, name="pattern code")),
        },
        strict="filter",
        name="manual_codes",
    )


def _links_have_a_repo(df: pd.DataFrame) -> pd.Series:
    repo = df["github_repo"].fillna("").astype(str)
    return (df["action"] != "link") | repo.str.match(GH_REPO_PATTERN)


#: Manual links (``crawl.manual_links``): model_id, github_repo, action, note.
MANUAL_LINKS = pa.DataFrameSchema(
    {
        "model_id": _str(checks=pa.Check.str_matches(GH_REPO_PATTERN), unique=True),
        "github_repo": _str(nullable=True),
        "action": _str(checks=pa.Check.isin(["link", "exclude"])),
        "note": _str(nullable=True),
    },
    checks=pa.Check(_links_have_a_repo, name="action 'link' needs github_repo as owner/repo"),
    strict="filter",
    name="manual_links",
)


_DATE_COLUMNS = {
    "models": ["created_at", "last_modified"],
    "hf_commits": ["date"],
    "gh_commits": ["date"],
    "family_commits": ["date"],
}


def _coerce_dates(df: pd.DataFrame, columns: list[str], where: str) -> pd.DataFrame:
    """Parse ISO 8601 strings / naive or aware timestamps into UTC; name unparseable rows."""
    df = df.copy()
    for col in columns:
        if col not in df.columns:
            continue
        parsed = pd.to_datetime(df[col], utc=True, errors="coerce", format="ISO8601")
        bad = parsed.isna() & df[col].notna()
        if bad.any():
            rows = _row_labels(df.index[bad], where)
            raise TableError(
                f"{where}: column {col!r}: expected an ISO 8601 date, got "
                f"{df.loc[bad, col].head(3).tolist()} at {rows}"
            )
        df[col] = parsed.astype(UTC_DATE)
    return df


def _row_labels(index, where: str, limit: int = 10) -> str:
    """Human row references: file line numbers for CSV (header is line 1), else row numbers."""
    positions = [int(i) for i in list(index)[:limit]]
    more = f" (+{len(index) - limit} more)" if len(index) > limit else ""
    word, offset = ("line", 2) if where.endswith(".csv") else ("row", 0)
    word += "s" if len(index) > 1 else ""
    return f"{word} " + ", ".join(str(p + offset) for p in positions) + more


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, where: str) -> pd.DataFrame:
    """Coerce dates and validate ``df``; raise :class:`TableError` naming file, column, rows."""
    df = _coerce_dates(df.reset_index(drop=True), _DATE_COLUMNS.get(schema.name, []), where)
    for col, spec in schema.columns.items():
        if col in df.columns and "str" in str(spec.dtype) and df[col].isna().all():
            df[col] = df[col].astype(spec.dtype.type)  # an all-missing text column (NaN)
    try:
        return schema.validate(df, lazy=True)
    except SchemaErrors as err:
        raise TableError(_describe(err, where)) from None


def _describe(err: SchemaErrors, where: str) -> str:
    cases = err.failure_cases
    lines = [f"{where}: does not follow the {err.schema.name} table contract:"]
    missing = cases[cases["check"] == "column_in_dataframe"]
    if len(missing):
        lines.append(f"  missing columns {missing['failure_case'].tolist()}")
    across = cases["check"].isin([check.name for check in err.schema.checks])
    # a check across columns is reported by pandera once per column: said once, by lines
    for check, group in cases[across].groupby("check", sort=False):
        rows = group["index"].dropna().drop_duplicates()
        lines.append(f"  {check}: failed at {_row_labels(rows, where)}")
    rest = cases[~across & (cases["check"] != "column_in_dataframe")]
    for (column, check), group in rest.groupby(["column", "check"], dropna=False, sort=False):
        rows = group["index"].dropna()
        at = f" at {_row_labels(rows, where)}" if len(rows) else ""
        values = group["failure_case"].head(3).tolist()
        lines.append(f"  column {column!r}: {check} failed{at}; values {values}")
    return "\n".join(lines)


def read_table(path: str | Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise TableError(f"{path}: missing; expected the {schema.name} table")
    df = (
        pd.read_csv(path, dtype_backend="numpy_nullable")
        if path.suffix == ".csv"
        else (pd.read_parquet(path))
    )
    return validate(df, schema, str(path))


def read_models(path: str | Path) -> pd.DataFrame:
    return read_table(path, MODELS)


def read_hf_commits(path: str | Path) -> pd.DataFrame:
    return read_table(path, HF_COMMITS)


def read_gh_commits(path: str | Path) -> pd.DataFrame:
    return read_table(path, GH_COMMITS)


def read_family_commits(path: str | Path) -> pd.DataFrame:
    return read_table(path, FAMILY_COMMITS)


def read_commits(paths) -> pd.DataFrame:
    """Every commit of the family-batch tables ``paths`` in one table, by family (the
    order of :func:`read_batches`)."""
    commits = pd.concat([read_family_commits(p) for p in paths], ignore_index=True)
    return commits.sort_values("family", kind="stable").reset_index(drop=True)


def read_batches(paths, families=()) -> dict[str, pd.DataFrame]:
    """Commits per family from family-batch tables; each of ``families`` is present, with
    an empty table when it has no commits."""
    commits = pd.concat([read_family_commits(p) for p in paths], ignore_index=True)
    by_family = {f: c.reset_index(drop=True) for f, c in commits.groupby("family", sort=True)}
    return {**{f: commits.iloc[0:0] for f in families}, **by_family}
