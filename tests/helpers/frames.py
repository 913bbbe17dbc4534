"""Small commit and model tables built by hand."""

import pandas as pd

T0 = pd.Timestamp("2024-01-01 00:00", tz="UTC")


def make_commits(*rows, family: str = "fam") -> pd.DataFrame:
    """Family commits from (repository, days after T0[, extra hours]); repository "GH" or
    a model id.

    A day of ``None`` gives a commit without a date.
    """
    records = []
    for i, row in enumerate(rows):
        repository, days, *hours = row
        date = pd.NaT if days is None else T0 + pd.Timedelta(days=days, hours=sum(hours))
        platform = "GH" if repository == "GH" else "HF"
        records.append((family, platform, repository, f"c{i}", date, "text", "someone"))
    df = pd.DataFrame(
        records, columns=["family", "platform", "repository", "key", "date", "text", "author"]
    )
    df["date"] = pd.to_datetime(df["date"], utc=True)
    return df


def model_row(model_id: str, repo: str, last_modified: str = "2023-06-01T00:00:00+02:00") -> dict:
    """One row of a snapshot's models.csv (the family derived from ``repo``)."""
    from ptlmsync.snapshot import family_id

    return {
        "model_id": model_id,
        "family": family_id(repo),
        "github_repo": repo,
        "downloads": 20000,
        "likes": 1,
        "pipeline_tag": "fill-mask",
        "library": "transformers",
        "created_at": "2023-01-01T00:00:00Z",
        "last_modified": last_modified,
    }
