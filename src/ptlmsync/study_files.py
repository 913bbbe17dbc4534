"""The original study's published intermediate files, fetched from its public replication
repository at a pinned commit and checked against their SHA-256 before use.

The hashes are of the files with line endings normalised to LF (the repository's and
other copies differ only in CRLF vs LF), so either spelling verifies; the cached copy is
written with LF endings.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import requests

log = logging.getLogger(__name__)

STUDY_REPOSITORY = "SAILResearch/replication-25-synchronization-Patterns"
STUDY_COMMIT = "8239b80c81d47ca083d29c309e1c91bf65cfd24c"
#: The ten files of the repository's ``dataset/`` folder: SHA-256 of their LF text.
STUDY_FILES = {
    "GH_HF_commit_time_differences.csv": (
        "bdbb26b238dc491dcea6dde408a3d91342e329e4ccdca891c6b3c49075fae21f"
    ),
    "RQ2_early_late_pattern.csv": (
        "246aa9b129d1e2f322574790a340d80ecc61846139cbac1b335bc3a79b29089a"
    ),
    "all_auto_and_manual_patterns.csv": (
        "e17093501023ab4ffe1eb54c3d51d61576453f80ed94f33fba5c64c0a9d49065"
    ),
    "complete_dataset.csv": "7adf3b90fb252ba53a31c94c28bdf2da584a98dc6c825cfdc7fa40bbeafaac59",
    "dunn_test_results.csv": "0e6d4cf83ea2b6f9253e0343153b8359f2b563b2309d5c3b51907bc27bb4a1df",
    "family_author_comparison.csv": (
        "e64a2df4ce9a0106fb668787ffaa383f20f4ac656eb056c0a62ddfd426856f90"
    ),
    "family_similarity_scores.csv": (
        "b0237783027e33693c8d8351cae4bd287ee1db9efa47152fa45abbb39b9e7a8a"
    ),
    "grouped_data_RQ2.csv": "3e4be1fd1dc4f7215b67703b8f7ca0fef5984beafbe6cc124a9fa9cff442cfff",
    "must_exclude_from_all_analysis.csv": (
        "5148e867d6882a1e384e2fbb24a00cb38d76a407d890aedd03ea599fc338d420"
    ),
    "unique_sample_families.csv": (
        "52b3e30366ff7e6ff5a46f7c5d163836f4e410f0105c06dbc531ae279e796627"
    ),
}


#: The study's hand labels of 160 GH and 160 HF commits (manual, second annotator and
#: Gemini columns), in the repository's history at their own commits, not at
#: :data:`STUDY_COMMIT`: file name -> (commit, SHA-256 of the LF text). The digests were
#: computed from the text of the files as stored at those commits (a download that
#: differs is rejected by name).
STUDY_LABEL_FILES = {
    "GH_160_with_labels.csv": (
        "a84aaf0b2181cd5c0c36e212c0379c4998c297e5",
        "24fa68d56621d7f955ecbfc21cced816d9dfcba505be3c79885bff5c28793e3e",
    ),
    "HF_160_with_labels.csv": (
        "33ca068898113e0a38b7c871b7f0f6753faa4028",
        "b1611a04b9f85e5a1003cc5fc2c22aec4ce51553693a7258cd77340c926a8dee",
    ),
}


class StudyFilesError(RuntimeError):
    """A study file could not be fetched or is not the published one."""


def default_url() -> str:
    """The ``dataset/`` folder of the study's repository at the pinned commit."""
    return f"https://raw.githubusercontent.com/{STUDY_REPOSITORY}/{STUDY_COMMIT}/dataset"


def lf_digest(content: bytes) -> tuple[bytes, str]:
    """The content with LF line endings and its SHA-256."""
    text = content.replace(b"\r\n", b"\n")
    return text, hashlib.sha256(text).hexdigest()


def fetch_study_files(base_url: str | None, dest_dir: str | Path, timeout: float = 60) -> Path:
    """Download every study file into ``dest_dir`` (skipping verified copies already
    there), check its SHA-256, and return ``dest_dir``. Errors name the file and the URL
    and say how to proceed offline."""
    base = (base_url or default_url()).rstrip("/")
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with requests.Session() as session:
        for name, expected in STUDY_FILES.items():
            _fetch_verified(session, f"{base}/{name}", dest / name, expected, timeout)
    return dest


def _fetch_verified(
    session: requests.Session,
    url: str,
    target: Path,
    expected: str,
    timeout: float,
    offline: str = "",
) -> None:
    """Download ``url`` to ``target`` (LF line endings) unless a verified copy is there;
    a file whose SHA-256 is not ``expected`` is rejected by name and never written."""
    if target.exists() and lf_digest(target.read_bytes())[1] == expected:
        return
    text, digest = lf_digest(_download(session, url, timeout, offline))
    if digest != expected:
        raise StudyFilesError(
            f"{url}: SHA-256 {digest} of the downloaded file is not the published "
            f"file's {expected}; the file was not used"
        )
    partial = target.with_suffix(".part")
    partial.write_bytes(text)
    partial.replace(target)
    log.info("fetched %s (%d bytes, SHA-256 verified)", target.name, len(text))


def _download(session: requests.Session, url: str, timeout: float, offline: str = "") -> bytes:
    try:
        response = session.get(url, timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as err:
        offline = offline or (
            f"download the folder dataset/ of github.com/{STUDY_REPOSITORY} (commit "
            f"{STUDY_COMMIT[:7]}) and set the config key replication_dir to it"
        )
        raise StudyFilesError(
            f"cannot download {url}: {err}. Without network access, {offline}"
        ) from None
    return response.content


def study_labels_url() -> str:
    """The raw files of the study's repository (``<url>/<commit>/dataset/<name>``)."""
    return f"https://raw.githubusercontent.com/{STUDY_REPOSITORY}"


def study_labels_cache(study_cache: str | Path) -> Path:
    """Where the fetched hand labels are kept: ``<cache_dir>/study/labels-<commits>``."""
    commits = "-".join(commit[:7] for commit, _ in STUDY_LABEL_FILES.values())
    return Path(study_cache) / f"labels-{commits}"


def fetch_study_labels(
    dest_dir: str | Path,
    base_url: str | None = None,
    files: dict[str, tuple[str, str]] | None = None,
    timeout: float = 60,
) -> Path:
    """Download the study's hand-labelled commits into ``dest_dir`` (each file from its
    own commit, ``<base_url>/<commit>/dataset/<name>``), check their SHA-256 (of the LF
    text; ``files`` maps name -> (commit, digest), default :data:`STUDY_LABEL_FILES`),
    keep verified copies with LF endings, and return ``dest_dir``. Offline, the error says
    what to download and which config key to set."""
    base = (base_url or study_labels_url()).rstrip("/")
    files = STUDY_LABEL_FILES if files is None else files
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    offline = (
        "download "
        + " and ".join(f"{name} (commit {commit[:7]})" for name, (commit, _) in files.items())
        + f" from the folder dataset/ of github.com/{STUDY_REPOSITORY} into one folder and "
        "set the config key study_labels_dir to it"
    )
    with requests.Session() as session:
        for name, (commit, expected) in files.items():
            url = f"{base}/{commit}/dataset/{name}"
            _fetch_verified(session, url, dest / name, expected, timeout, offline)
    return dest


def are_published_files(directory: str | Path) -> bool:
    """Whether ``directory`` holds every study file exactly as published (SHA-256 of the
    LF text): notes that explain a known property of those files apply only then."""
    directory = Path(directory)
    return all(
        (directory / name).exists() and lf_digest((directory / name).read_bytes())[1] == digest
        for name, digest in STUDY_FILES.items()
    )
