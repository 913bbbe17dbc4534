"""Stage-contract tables: validation on read names the file, column and rows."""

import pandas as pd
import pytest

from ptlmsync.schemas import TableError, read_gh_commits, read_hf_commits, read_models

MODELS_CSV = (
    "model_id,family,github_repo,downloads,likes,pipeline_tag,library,created_at,last_modified\n"
    """org/a,org__code,org/code,12000,3,fill-mask,transformers,2023-01-01T00:00:00Z,2023-02-01T00:00:00Z
org/b,org__code,org/code,15000,0,,transformers,2023-01-05T10:00:00+02:00,2023-03-01
"""
)


def test_valid_models_csv_is_read_with_utc_dates(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text(MODELS_CSV)
    models = read_models(path)
    assert str(models["created_at"].dtype) == "datetime64[us, UTC]" or "UTC" in str(
        models["created_at"].dtype
    )
    assert models["created_at"][1] == pd.Timestamp("2023-01-05 08:00", tz="UTC")
    assert models["downloads"].tolist() == [12000, 15000]


def test_negative_downloads_name_file_column_and_line(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text(MODELS_CSV.replace("15000,0", "-5,0"))
    with pytest.raises(TableError) as err:
        read_models(path)
    msg = str(err.value)
    assert "models.csv" in msg and "'downloads'" in msg and "line 3" in msg


def test_bad_date_names_the_line(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text(MODELS_CSV.replace("2023-03-01", "yesterday"))
    with pytest.raises(TableError, match=r"models.csv: column 'last_modified'.*line 3"):
        read_models(path)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "models.csv"
    pd.read_csv(pd.io.common.StringIO(MODELS_CSV)).drop(columns="github_repo").to_csv(
        path, index=False
    )
    with pytest.raises(TableError, match="github_repo"):
        read_models(path)


def test_duplicate_commits_are_rejected_with_rows(tmp_path):
    path = tmp_path / "gh_commits.parquet"
    pd.DataFrame(
        {
            "github_repo": ["o/r", "o/r"],
            "sha": ["abc", "abc"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
            "message": ["x", "y"],
            "author": ["a", "b"],
        }
    ).to_parquet(path)
    with pytest.raises(TableError, match=r"(?s)gh_commits.parquet.*rows 0, 1"):
        read_gh_commits(path)


def test_hf_commits_accept_missing_dates_and_reject_bad_model_ids(tmp_path):
    path = tmp_path / "hf_commits.parquet"
    df = pd.DataFrame(
        {
            "model_id": ["o/m", "o/m"],
            "commit_id": ["1", "2"],
            "date": pd.to_datetime(["2024-01-01", None], utc=True),
            "title": ["Upload", "x"],
            "message": ["", None],
            "authors": ["u", None],
        }
    )
    df.to_parquet(path)
    assert read_hf_commits(path)["date"].isna().sum() == 1
    df.assign(model_id=["o/m", "no-slash"]).to_parquet(path)
    with pytest.raises(TableError, match=r"'model_id'.*row 1"):
        read_hf_commits(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(TableError, match="missing"):
        read_models(tmp_path / "nope.csv")
