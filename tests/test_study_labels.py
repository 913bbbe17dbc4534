"""The study's hand-labelled commits as a check of a run's labels, on small fabricated
files of the study's format (the real files are never copied here), and the Unlabelled
commits by the artefact kind of their files."""

import hashlib

import pandas as pd
import pytest
from helpers.fake_servers import FakeFileHost
from helpers.frames import model_row
from helpers.labels import GH_HEADER, HF_HEADER
from helpers.workflow import copy_workflow, snakemake

from ptlmsync.label.checks import (
    FILES_UNKNOWN,
    NO_FILES,
    main_kind,
    unlabelled_by_kind,
    unlabelled_kind_numbers,
)
from ptlmsync.snapshot import collect_snapshot, split_families
from ptlmsync.stages.label import validate_study_labels
from ptlmsync.study_files import (
    STUDY_LABEL_FILES,
    STUDY_REPOSITORY,
    StudyFilesError,
    fetch_study_labels,
    lf_digest,
)
from ptlmsync.study_labels import (
    GH_FILE,
    HF_FILE,
    NONE_IN_RUN,
    NOT_IN_DATA,
    map_label,
    message_key,
    study_label_numbers,
)

H = {i: str(i) * 40 for i in range(1, 7)}  # HF commit ids "111…", "222…", …


def gh_row(repo, date, message, manual, gemini=None):
    return (
        f"acme;https://github.com/{repo};Ann;ann;{date};acme_bert;Sparse Alignment;"
        f"{message};{manual};{manual};{gemini or manual}"
    )


def hf_row(commit_id, title, manual, gemini):
    return (
        f"acme;acme/bert-small;1/1/2023;1/1/2024;acme_bert;110;small;20000;1;transformers;"
        f"fill-mask;https://github.com/Acme/BERT;{title};;{commit_id};1/5/2024;ann;README.md;"
        f"Sparse Alignment;{title.lower()};some words;{manual};{manual};{gemini}"
    )


#: Four GH rows: two commits of the run (one only after cleaning: trailer e-mail, case,
#: line breaks), a near miss by one day, and the first commit's message and date in
#: another repository (which the run holds too).
DOCS = "external documentation"
GH_ROWS = [
    gh_row("acme/bert", "2024-01-05 10:00:00+00:00", "update readme.md", DOCS),
    gh_row(
        "Acme/BERT",
        "2024-01-06 11:30:15+00:00",
        "fix tokenizer signed-off-by: ann",
        "preprocessing",
        "model structure",
    ),
    gh_row("Acme/BERT", "2024-01-08 09:00:00+00:00", "add demo", DOCS),
    gh_row("zoo/t5", "2024-01-05 10:00:00+00:00", "update readme.md", DOCS),
]
#: Six HF rows: five commits of the run by id (one id in capitals; one labelled with a
#: name outside the taxonomy), and a near miss whose id differs in its last character.
HF_ROWS = [
    hf_row(H[1], "Upload folder using huggingface_hub", "sharing", "sharing"),
    hf_row(H[2].upper(), "Update README.md", "external documentation", "external documentation"),
    hf_row(H[3], "Update tokenizer.json", "preprocessing", "sharing"),
    hf_row(H[4], "Upload model", "model structure", "sharing"),
    hf_row(H[5], "Refactor", "refactoring", "model structure"),
    hf_row(H[6][:-1] + "7", "Update config.json", "parameter tuning", "parameter tuning"),
]
#: This run's labels of its commits (by key).
RUN_LABELS = {
    "g1": "External Documentation",
    "g2": "Model Structure",
    "g3": "External Documentation",
    "z1": "External Documentation",
    H[1]: "Sharing",
    H[2]: "External Documentation",
    H[3]: "Model Structure",
    H[4]: "Unlabelled",
    H[5]: "Model Structure",
    H[6]: "Parameter Tuning",
}


def study_files(lines_of=None) -> dict[str, bytes]:
    """The two fabricated files as the repository serves them (CRLF line endings)."""
    lines_of = lines_of or {GH_FILE: [GH_HEADER, *GH_ROWS], HF_FILE: [HF_HEADER, *HF_ROWS]}
    return {name: ("\r\n".join(lines) + "\r\n").encode() for name, lines in lines_of.items()}


LAST_MODIFIED = "2024-06-01T00:00:00Z"


@pytest.fixture
def study_dir(tmp_path):
    folder = tmp_path / "study-labels"
    folder.mkdir()
    for name, content in study_files().items():
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture
def snapshot(tmp_path):
    """Two families: Acme/BERT (two HF models) and zoo/t5, with commits some of which
    the fabricated study files labelled."""
    path = tmp_path / "snapshot"
    path.mkdir()
    models = [
        model_row("acme/bert-small", "Acme/BERT", LAST_MODIFIED),
        model_row("acme/bert-large", "Acme/BERT", LAST_MODIFIED),
    ]
    models.append(model_row("zoo/t5-base", "zoo/t5", LAST_MODIFIED))
    pd.DataFrame(models).to_csv(path / "models.csv", index=False)
    hf_ids = [H[i] for i in range(1, 7)]
    pd.DataFrame(
        {
            "model_id": ["acme/bert-small"] * 4 + ["acme/bert-large", "zoo/t5-base"],
            "commit_id": hf_ids,
            "date": ["2024-01-05T12:00:00Z"] * 6,
            "title": [
                "Upload folder using huggingface_hub",
                "Update README.md",
                "Update tokenizer.json",
                "Upload model",
                "Refactor",
                "Update config.json",
            ],
            "message": [""] * 6,
            "authors": ["ann"] * 6,
            "files": ["A\tmodel.safetensors"] * 6,
        }
    ).to_parquet(path / "hf_commits.parquet")
    pd.DataFrame(
        {
            "github_repo": ["Acme/BERT", "Acme/BERT", "Acme/BERT", "zoo/t5"],
            "sha": ["g1", "g2", "g3", "z1"],
            "date": pd.to_datetime(
                [
                    "2024-01-05T10:00:00Z",
                    "2024-01-06T11:30:15.400Z",  # the study's date is cut to the second
                    "2024-01-07T09:00:00Z",  # the study's "add demo" is a day later
                    "2024-01-04T10:00:00Z",
                ],
                utc=True,
                format="ISO8601",
            ),
            "message": [
                "Update README.md",
                "Fix tokenizer\n\nSigned-off-by: Ann <ann@acme.org>",
                "Add demo",
                "Update README.md",
            ],
            "author": ["ann"] * 4,
            "files": ["M\tREADME.md"] * 4,
        }
    ).to_parquet(path / "gh_commits.parquet")
    return path


@pytest.fixture
def run(snapshot, tmp_path):
    """The snapshot collected and split as the workflow does, and a label batch."""
    out = tmp_path / "run"
    collect_snapshot({"source": "snapshot", "snapshot_dir": str(snapshot)}, out / "snapshot")
    batches = [out / "batches" / f"{b}.parquet" for b in range(2)]
    split_families(out / "snapshot", batches, out / "families.csv")
    commits = pd.concat([pd.read_parquet(b) for b in batches], ignore_index=True)
    labels = commits[["platform", "family", "repository", "key"]].assign(
        label=commits["key"].map(RUN_LABELS), labeller="offline:test", repeat=1, reason=""
    )
    labels.to_parquet(out / "labels.parquet", index=False)
    return {"batches": batches, "families": out / "families.csv", "labels": out / "labels.parquet"}


def check(run, study_dir, tmp_path):
    validation = validate_study_labels(
        labels=[run["labels"]],
        batches=run["batches"],
        family_list=run["families"],
        study_dir=study_dir,
        validation_out=tmp_path / "validation_study.csv",
        disagreements_out=tmp_path / "validation_study_disagreements.csv",
    )
    return validation.set_index("platform"), pd.read_csv(
        tmp_path / "validation_study_disagreements.csv"
    )


def test_figures_against_the_hand_labels_worked_out_by_hand(run, study_dir, tmp_path):
    validation, disagreements = check(run, study_dir, tmp_path)
    hf = validation.loc["HF"]
    # 5 of 6 rows are commits of the run; "refactoring" is no change type: rejected.
    # The other 4 — manual S, E, P, M; this run S, E, MS, Unlabelled — coverage 3/4.
    # Over the 3 labelled: accuracy 2/3; kappa: p_o = 2/3, p_e = 2/9, (4/9)/(7/9) = 4/7.
    # Gemini on the same 3 (S, E, S against S, E, P): accuracy 2/3; p_e = 1/3, kappa 1/2.
    assert (hf["n_study"], hf["n_matched"], hf["n_rejected"], hf["n_labelled"]) == (6, 5, 1, 3)
    assert hf["coverage"] == 0.75
    assert hf["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert hf["kappa"] == pytest.approx(4 / 7, abs=1e-4)
    assert hf["gemini_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert hf["gemini_kappa"] == pytest.approx(0.5, abs=1e-4)
    gh = validation.loc["GH"]
    # 2 of 4 rows match (manual E, P; this run E, MS; Gemini E, MS): coverage 1,
    # accuracy 1/2, kappa (1/2 - 1/4) / (3/4) = 1/3, Gemini the same.
    assert (gh["n_study"], gh["n_matched"], gh["n_rejected"], gh["n_labelled"]) == (4, 2, 0, 2)
    assert gh["coverage"] == 1.0 and gh["accuracy"] == 0.5
    assert gh["kappa"] == pytest.approx(1 / 3, abs=1e-4)
    assert gh["gemini_kappa"] == pytest.approx(1 / 3, abs=1e-4)
    assert gh["labeller"] == "offline:test" and gh["note"] == ""
    reasons = dict(zip(disagreements["key"], disagreements["reason"], strict=True))
    assert reasons == {
        "g2": "labels differ",
        H[3]: "labels differ",
        H[4]: "Unlabelled by this run",
        H[5]: "rejected: the study's label 'refactoring' is not a change type",
    }
    numbers = study_label_numbers(validation.reset_index())
    assert numbers["any"] and numbers["HF"]["kappa"] == 0.571
    assert numbers["HF"]["coverage_percent"] == 75.0 and numbers["GH"]["n_matched"] == 2
    text = numbers["text"]
    assert "2 of its 4 GH commits" in text and "5 of its 6 HF commits" in text
    assert "Cohen's kappa 0.571 and 66.7% agreement" in text


def test_matching_hf_by_id_and_gh_by_repository_message_and_date(run, study_dir, tmp_path):
    _, disagreements = check(run, study_dir, tmp_path)
    matched = pd.read_csv(tmp_path / "validation_study.csv").set_index("platform")
    # HF: by id, case-insensitive; the id one character off is not matched
    assert matched.loc["HF", "n_matched"] == 5
    assert H[6] not in set(disagreements["key"])
    # GH: g1 (repository spelt in another case), g2 (same message once cleaned, date to
    # the second); not g3 (a day off), not z1 (the message and date of g1, in zoo/t5 on
    # another day), nor g1 twice (the zoo/t5 row names another repository)
    assert matched.loc["GH", "n_matched"] == 2
    assert message_key("Fix tokenizer\n\nSigned-off-by: Ann <ann@acme.org>") == (
        "fix tokenizer signed-off-by: ann"
    )
    assert message_key("Adding `safetensors`  variant") == "adding safetensors variant"


def test_labels_map_case_insensitively_and_others_are_rejected():
    assert map_label("external documentation") == "External Documentation"
    assert map_label("pipeline_performance") == "Pipeline Performance"
    assert map_label("refactoring") is None and map_label("") is None


def test_a_run_without_study_commits_says_so(run, tmp_path):
    validation, disagreements = check(run, None, tmp_path)  # the demo: files not read
    assert validation["n_matched"].tolist() == [0, 0] and disagreements.empty
    assert (validation["note"] == NOT_IN_DATA).all()
    numbers = study_label_numbers(validation.reset_index())
    assert not numbers["any"]
    assert "none of the study's hand-labelled commits are in this run." in numbers["text"]


def test_unmatched_files_give_no_figures(run, tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    empty = study_files({GH_FILE: [GH_HEADER], HF_FILE: [HF_HEADER]})
    for name, content in empty.items():
        (folder / name).write_bytes(content)
    validation, _ = check(run, folder, tmp_path)
    assert validation["n_matched"].tolist() == [0, 0]
    assert validation["kappa"].isna().all()
    assert study_label_numbers(validation.reset_index())["text"] == NONE_IN_RUN


# --- fetching: pinned commit per file, SHA-256 of the LF text, an offline message ---

PREFIX = f"/{STUDY_REPOSITORY}"
COMMITS = {GH_FILE: "a" * 40, HF_FILE: "b" * 40}


def fabricated(files: dict[str, bytes]) -> tuple[dict, dict]:
    """(what the host serves under <commit>/dataset/<name>, name -> (commit, digest))."""
    served = {f"{COMMITS[name]}/dataset/{name}": content for name, content in files.items()}
    pins = {name: (COMMITS[name], lf_digest(content)[1]) for name, content in files.items()}
    return served, pins


def test_the_pins_name_each_file_at_its_own_commit():
    assert STUDY_LABEL_FILES[GH_FILE][0] == "a84aaf0b2181cd5c0c36e212c0379c4998c297e5"
    assert STUDY_LABEL_FILES[HF_FILE][0] == "33ca068898113e0a38b7c871b7f0f6753faa4028"
    for _, digest in STUDY_LABEL_FILES.values():
        assert len(digest) == 64 and int(digest, 16) >= 0


def test_the_files_are_fetched_from_their_commits_verified_and_kept(tmp_path):
    served, pins = fabricated(study_files())
    with FakeFileHost(served, PREFIX) as host:
        out = fetch_study_labels(tmp_path / "labels", base_url=host.base_url, files=pins)
        assert host.total == 2
        fetch_study_labels(tmp_path / "labels", base_url=host.base_url, files=pins)
        assert host.total == 2  # verified copies: no request
    for name, (_, digest) in pins.items():
        content = (out / name).read_bytes()
        assert b"\r\n" not in content
        assert hashlib.sha256(content).hexdigest() == digest


def test_a_changed_file_is_rejected_naming_it(tmp_path):
    served, pins = fabricated(study_files())
    served[f"{COMMITS[HF_FILE]}/dataset/{HF_FILE}"] += b"extra;row\r\n"
    with FakeFileHost(served, PREFIX) as host, pytest.raises(StudyFilesError) as err:
        fetch_study_labels(tmp_path / "labels", base_url=host.base_url, files=pins)
    assert HF_FILE in str(err.value) and "SHA-256" in str(err.value)
    assert not (tmp_path / "labels" / HF_FILE).exists()


def test_offline_the_error_says_what_to_download_and_which_key_to_set(tmp_path):
    with FakeFileHost({}, PREFIX) as host:  # a port nobody listens on once closed
        url = host.base_url
    with pytest.raises(StudyFilesError) as err:
        fetch_study_labels(tmp_path / "labels", base_url=url, timeout=5)
    message = str(err.value)
    assert "cannot download" in message and "study_labels_dir" in message
    assert GH_FILE in message and HF_FILE in message and STUDY_REPOSITORY in message
    assert "a84aaf0" in message and "33ca068" in message


# --- the Unlabelled commits by the artefact kind of their files ---


def test_unlabelled_commits_by_the_kind_of_their_files():
    labels = pd.DataFrame(
        {
            "platform": ["GH"] * 6 + ["HF"] * 2,
            "key": ["a", "b", "c", "d", "e", "f", "h1", "h2"],
            "label": ["Unlabelled"] * 5 + ["Sharing", "Sharing", "Model Structure"],
        }
    )
    commits = pd.DataFrame(
        {
            "platform": ["GH"] * 6 + ["HF"] * 2,
            "key": ["a", "b", "c", "d", "e", "f", "h1", "h2"],
            "files": [
                "M\tREADME.md\nA\tdocs/usage.md",  # docs only
                "A\tmodel.safetensors\nA\tpytorch_model.bin\nM\tREADME.md",  # mostly weights
                None,  # files unknown (an API backend)
                "",  # changed nothing
                "M\tLICENSE",  # a kind that suggests no type
                "M\tREADME.md",
                None,
                None,
            ],
        }
    )
    table = unlabelled_by_kind(labels, commits)
    gh = table[table["platform"] == "GH"].set_index("kind")
    docs = gh.loc["model card / docs"]
    assert (docs["likely_type"], docs["n_unlabelled"], docs["n_single_kind"]) == (
        "External Documentation",
        1,
        1,
    )
    assert gh.loc["weights", ["likely_type", "n_single_kind"]].tolist() == ["Model Structure", 0]
    assert gh.loc["other", "likely_type"] == "" and gh.loc[FILES_UNKNOWN, "n_unlabelled"] == 1
    assert gh["percent"].sum() == pytest.approx(100) and (gh["n_commits"] == 6).all()
    hf = table[table["platform"] == "HF"]
    assert hf["n_unlabelled"].tolist() == [0]  # every HF commit labelled: one row says so
    numbers = unlabelled_kind_numbers(table)
    assert numbers["GH"]["coverage_percent"] == pytest.approx(16.7)
    assert numbers["GH"]["likely_types"] == {"External Documentation": 1, "Model Structure": 1}
    assert (numbers["GH"]["n_no_type"], numbers["GH"]["n_files_unknown"]) == (1, 1)
    assert numbers["GH"]["n_no_files"] == 1
    assert "On HF the labeller labelled 100.0% of the 2 commits." in numbers["text"]
    said = "would most likely have been External Documentation (1) and Model Structure (1)"
    assert said in numbers["text"]
    # every commit labelled on both platforms: no sentence (the paper says so once)
    assert unlabelled_kind_numbers(hf)["text"] == ""
    assert main_kind("M\tmodeling_x.py\nM\tREADME.md") == "model card / docs"  # tie: file order
    assert main_kind(None) == FILES_UNKNOWN and main_kind("") == NO_FILES


# --- the workflow: which runs need the files ---


@pytest.mark.workflow
def test_the_demo_needs_no_file_and_a_snapshot_run_fetches_or_reads_them(
    snapshot, study_dir, tmp_path
):
    (tmp_path / "work").mkdir()
    work = copy_workflow(tmp_path / "work")
    demo = snakemake(work, "-n", "results/demo/labels/validation_study.csv").stdout
    assert "validate_study_labels" in demo and "fetch_study_labels" not in demo
    config = ["source=snapshot", f"snapshot_dir={snapshot}", "run_name=snap", "family_batches=2"]
    target = "results/snap/labels/validation_study.csv"
    assert "fetch_study_labels" in snakemake(work, "-n", target, "--config", *config).stdout
    config.append(f"study_labels_dir={study_dir}")  # a local folder takes precedence
    assert "fetch_study_labels" not in snakemake(work, "-n", target, "--config", *config).stdout
    snakemake(work, target, "results/snap/labels/unlabelled_by_kind.csv", "--config", *config)
    validation = pd.read_csv(work / target).set_index("platform")
    assert validation["n_matched"].to_dict() == {"GH": 2, "HF": 5}
    assert validation.loc["HF", "matched_by"] == "commit id"
