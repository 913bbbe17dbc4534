"""One platform record at a time: a malformed commit is repaired or dropped on its own,
never taking the good commits of its model or repository with it (README, "Live crawl").

The rule, the same for both platforms:

- **dropped**: a record that cannot be identified (not an object, no commit id or sha,
  an id seen before in the same listing) or whose text is not text (an object or a
  list where a title or message belongs);
- **repaired**, and kept: a field of the wrong scalar type (a number where text
  belongs: written as text), a missing or unreadable date (kept without a date, as the
  stage contract allows), authors in an unexpected shape (the user names that can be
  read; none otherwise).

Every dropped or repaired record is one row of ``rejected.csv``: platform, target
(model or repository), record (commit id, or ``#<position>`` without one), field,
reason and action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

import pandas as pd

REJECTED_COLUMNS = ["platform", "target", "record", "field", "reason", "action"]


class CrawlStatus(StrEnum):
    """What the crawl got for one model or repository (``crawl/status.csv``)."""

    OK = "ok"
    NO_COMMITS = "no_commits"  # a model without commits
    EMPTY_REPOSITORY = "empty_repository"  # a repository without commits
    NOT_FOUND = "not_found"
    UNAUTHORIZED = "unauthorized"  # private, or a token without access
    GATED = "gated"  # a gated model the token may not read
    ERROR = "error"  # an error that survived the retries


class Crawled(NamedTuple):
    """What one model's or one repository's crawl returns."""

    commits: pd.DataFrame
    status: str
    rejected: pd.DataFrame


def no_rejections() -> pd.DataFrame:
    return pd.DataFrame(columns=REJECTED_COLUMNS)


def nothing(status: str, columns: list[str]) -> Crawled:
    """No commits, for a status that answers without a listing (not_found, gated, …)."""
    return Crawled(pd.DataFrame(columns=columns), status, no_rejections())


def read_listing(platform: str, target: str, items: list, parse, columns: list[str]) -> Crawled:
    """A listing's raw items checked one by one (``parse``: :func:`hf_row` or
    :func:`gh_row`): the kept commits, status ``ok`` or ``no_commits``, the rejections."""
    check = RecordChecker(platform, target)
    for position, item in enumerate(items):
        check.add(position, item, parse)
    commits = pd.DataFrame(check.rows, columns=columns)
    commits["date"] = pd.to_datetime(commits["date"], utc=True)
    status = CrawlStatus.OK if len(commits) else CrawlStatus.NO_COMMITS
    return Crawled(commits, status, check.rejected())


def count_actions(rejected: pd.DataFrame) -> tuple[int, int]:
    """(records dropped, records kept after a repair): a record counts once however many
    of its fields were repaired, and a repaired record later dropped counts as dropped."""
    record = ["platform", "target", "record"]
    dropped = rejected.loc[rejected["action"] == "dropped", record].drop_duplicates()
    repaired = rejected.loc[rejected["action"] == "repaired", record].drop_duplicates()
    kept = repaired.merge(dropped, how="left", on=record, indicator=True)
    return len(dropped), int((kept["_merge"] == "left_only").sum())


class _Drop(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field_name, reason


@dataclass
class RecordChecker:
    """Checks the records of one listing (one model's or one repository's commits)."""

    platform: str
    target: str
    rows: list[dict] = field(default_factory=list)
    _log: list[dict] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _record: str = ""

    def add(self, position: int, raw, parse) -> None:
        """Parse one raw record with ``parse(raw, checker)``; keep, repair or drop it."""
        self._record = f"#{position}"
        try:
            if not isinstance(raw, dict):
                raise _Drop("", f"record is {type(raw).__name__}, not an object")
            row = parse(raw, self)
        except _Drop as drop:
            self._note(drop.field, drop.reason, "dropped")
            return
        self.rows.append(row)

    def identity(self, value, field_name: str) -> str:
        """The record's commit id: a non-empty string, unique in the listing."""
        if not isinstance(value, str) or not value.strip():
            raise _Drop(field_name, f"no commit id ({value!r})")
        self._record = value
        if value in self._seen:
            raise _Drop(field_name, "commit id repeated in the listing")
        self._seen.add(value)
        return value

    def text(self, value, field_name: str) -> str | None:
        """Text as text; a number or boolean written as text (repaired); None stays None."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            self.repaired(field_name, f"{type(value).__name__} {value!r} where text belongs")
            return str(value)
        raise _Drop(field_name, f"{type(value).__name__} where text belongs")

    def date(self, value, field_name: str) -> pd.Timestamp | None:
        """A UTC timestamp; a missing or unreadable date is kept as missing (repaired)."""
        parsed = (
            pd.to_datetime(value, utc=True, errors="coerce", format="ISO8601")
            if isinstance(value, str)
            else None
        )
        if parsed is None or pd.isna(parsed):
            self.repaired(field_name, f"date missing or unreadable ({value!r}); kept undated")
            return None
        return parsed

    def repaired(self, field_name: str, reason: str) -> None:
        self._note(field_name, reason, "repaired")

    def _note(self, field_name: str, reason: str, action: str) -> None:
        self._log.append(
            {
                "platform": self.platform,
                "target": self.target,
                "record": self._record,
                "field": field_name,
                "reason": reason,
                "action": action,
            }
        )

    def rejected(self) -> pd.DataFrame:
        return pd.DataFrame(self._log, columns=REJECTED_COLUMNS)


def hf_row(model_id: str):
    """The parser of one HF commit (the Hub's ``/api/models/{id}/commits/main`` items)."""

    def parse(raw: dict, check: RecordChecker) -> dict:
        return {
            "model_id": model_id,
            "commit_id": check.identity(raw.get("id"), "id"),
            "date": check.date(raw.get("date"), "date"),
            "title": check.text(raw.get("title"), "title"),
            "message": check.text(raw.get("message"), "message"),
            "authors": ",".join(_hf_authors(raw.get("authors"), check)),
        }

    return parse


def _hf_authors(value, check: RecordChecker) -> list[str]:
    """``[{"user": name}, …]``; a bare name or a list of names is read (repaired)."""
    if value is None:
        return []
    if isinstance(value, str):
        check.repaired("authors", "authors given as a string")
        return [value] if value else []
    if not isinstance(value, list):
        check.repaired("authors", f"authors given as {type(value).__name__}; none kept")
        return []
    names = []
    for author in value:
        name = author.get("user") if isinstance(author, dict) else author
        if isinstance(name, str) and name:
            names.append(name)
        else:
            check.repaired("authors", f"author {author!r} has no user name; left out")
    return names


def gh_row(github_repo: str):
    """The parser of one GitHub commit (the REST API's ``/repos/{repo}/commits`` items)."""

    def parse(raw: dict, check: RecordChecker) -> dict:
        sha = check.identity(raw.get("sha"), "sha")
        commit = _object(raw.get("commit"), "commit", check)
        author = _object(commit.get("author"), "commit.author", check)
        account = raw.get("author")
        login = account.get("login") if isinstance(account, dict) else None
        if account is not None and not isinstance(account, dict):
            check.repaired("author", f"author given as {type(account).__name__}; login unknown")
        parents = raw.get("parents")
        login = check.text(login, "author.login")
        return {
            "github_repo": github_repo,
            "sha": sha,
            "date": check.date(author.get("date"), "commit.author.date"),
            "message": check.text(commit.get("message"), "commit.message"),
            "author": login or check.text(author.get("name"), "commit.author.name"),
            # ``author: null``: GitHub links no account to the commit's e-mail
            "author_identity": "login" if login else "no_account" if account is None else "name",
            "n_parents": len(parents) if isinstance(parents, list) else 0,
        }

    return parse


def _object(value, field_name: str, check: RecordChecker) -> dict:
    if isinstance(value, dict):
        return value
    if value is not None:
        check.repaired(field_name, f"{type(value).__name__} where an object belongs; ignored")
    return {}
