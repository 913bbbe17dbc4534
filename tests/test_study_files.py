"""Fetching the study's published files: against a local file host serving them."""

import pytest
from helpers.fake_servers import FakeFileHost
from helpers.workflow import copy_workflow, snakemake

from ptlmsync.study_files import (
    STUDY_COMMIT,
    STUDY_FILES,
    STUDY_REPOSITORY,
    StudyFilesError,
    fetch_study_files,
    lf_digest,
)

PREFIX = f"/{STUDY_REPOSITORY}/{STUDY_COMMIT}/dataset"


@pytest.fixture
def published(shared_data):
    """The ten files as the repository serves them (CRLF line endings)."""
    files = {}
    for name in STUDY_FILES:
        text = (shared_data / "replication" / name).read_bytes().replace(b"\r\n", b"\n")
        files[name] = text.replace(b"\n", b"\r\n")
    return files


def test_the_files_are_fetched_verified_and_kept_with_lf_endings(published, tmp_path):
    with FakeFileHost(published, PREFIX) as host:
        out = fetch_study_files(host.base_url, tmp_path / "study")
        assert host.total == len(STUDY_FILES)
        fetch_study_files(host.base_url, tmp_path / "study")  # verified copies: no request
        assert host.total == len(STUDY_FILES)
    for name, digest in STUDY_FILES.items():
        content = (out / name).read_bytes()
        assert b"\r\n" not in content and lf_digest(content)[1] == digest


def test_a_changed_file_is_rejected_naming_it(published, tmp_path):
    published["grouped_data_RQ2.csv"] += b"extra,row\r\n"
    with FakeFileHost(published, PREFIX) as host, pytest.raises(StudyFilesError) as err:
        fetch_study_files(host.base_url, tmp_path / "study")
    assert "grouped_data_RQ2.csv" in str(err.value) and "SHA-256" in str(err.value)
    assert not (tmp_path / "study" / "grouped_data_RQ2.csv").exists()


def test_a_missing_file_names_the_url(published, tmp_path):
    del published["dunn_test_results.csv"]
    with FakeFileHost(published, PREFIX) as host, pytest.raises(StudyFilesError) as err:
        fetch_study_files(host.base_url, tmp_path / "study")
    assert "dunn_test_results.csv" in str(err.value) and "404" in str(err.value)


def test_offline_the_error_says_how_to_proceed(tmp_path):
    # a port nobody listens on: the connection is refused at once
    with FakeFileHost({}, PREFIX) as host:
        url = host.base_url
    with pytest.raises(StudyFilesError) as err:
        fetch_study_files(url, tmp_path / "study", timeout=5)
    message = str(err.value)
    assert "cannot download" in message and "replication_dir" in message
    assert STUDY_REPOSITORY in message


@pytest.mark.workflow
def test_a_replication_run_without_replication_dir_fetches_the_files(published, tmp_path):
    (tmp_path / "work").mkdir()
    work = copy_workflow(tmp_path / "work")
    with FakeFileHost(published, PREFIX) as host:
        config = ["source=replication", f"replication_url={host.base_url}"]
        target = "results/replication/sync/family_codes.csv"
        snakemake(work, target, "--config", *config)
        assert host.total == len(STUDY_FILES)
    fetched = work / "resources/cache/study" / STUDY_COMMIT
    assert sorted(p.name for p in fetched.glob("*.csv")) == sorted(STUDY_FILES)
    assert len((work / target).read_text().splitlines()) == 326  # 325 families + header
