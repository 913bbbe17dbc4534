"""The link heuristic on card snippets, and the manual links table."""

import pytest

from ptlmsync.crawl.links import (
    Decision,
    github_links,
    link_model,
    read_manual_links,
    resolve_link,
)
from ptlmsync.schemas import TableError


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("see https://github.com/Org/Repo.git.", ["Org/Repo"]),
        (
            "[code](https://github.com/org/repo/tree/main/src) and "
            "<a href='http://www.GitHub.com/org/repo/blob/x.py#L3'>x</a>",
            ["org/repo"],
        ),
        ("github.com/org/repo?tab=readme, github.com/sponsors/org", ["org/repo"]),
        ("`https://github.com/a/b` then (https://github.com/c/d)", ["a/b", "c/d"]),
        ("no links here, only https://huggingface.co/org/model", []),
    ],
)
def test_github_links_are_normalised(card, expected):
    assert github_links(card) == expected


@pytest.mark.parametrize(
    ("model_id", "card", "decision", "repo"),
    [
        # the owner's repository wins over unrelated links
        (
            "acme/bert-small",
            "Code: https://github.com/acme/bert. Based on https://github.com/google-research/bert",
            Decision.LINKED,
            "acme/bert",
        ),
        # no link at all
        ("acme/bert-small", "A fine model.", Decision.UNLINKED, None),
        # links to several of the owner's repositories
        (
            "acme/bert-small",
            "https://github.com/acme/bert and https://github.com/acme/tools",
            Decision.AMBIGUOUS,
            None,
        ),
        # upper-case owner in the link, /tree/main path and .git suffix
        (
            "acme/bert-small",
            "[repo](https://github.com/ACME/bert.git/tree/main)",
            Decision.LINKED,
            "ACME/bert",
        ),
        # owner segment absent: fall back to the name segment
        (
            "someuser/llama-tool",
            "https://github.com/research-lab/llama-tool-code https://github.com/other/thing",
            Decision.LINKED,
            "research-lab/llama-tool-code",
        ),
        # neither segment: nothing kept
        ("someuser/model", "https://github.com/other/thing", Decision.UNLINKED, None),
        # HTML and markdown links to the same repository count once
        (
            "acme/x",
            '<a href="https://github.com/acme/x-code">c</a> [c](github.com/acme/x-code)',
            Decision.LINKED,
            "acme/x-code",
        ),
    ],
)
def test_link_decisions(model_id, card, decision, repo):
    result = link_model(model_id, card)
    assert (result.decision, result.github_repo) == (decision, repo)


def test_manual_table_overrides_the_heuristic(tmp_path):
    path = tmp_path / "manual_links.csv"
    path.write_text(
        "model_id,github_repo,action,note\n"
        "acme/bert-small,acme/bert,link,from the paper\n"
        "acme/spam,,exclude,not a language model\n"
    )
    manual = read_manual_links(path)
    ambiguous = link_model("acme/bert-small", "github.com/acme/bert github.com/acme/tools")
    resolved = resolve_link(ambiguous, manual)
    assert (resolved.decision, resolved.github_repo) == (Decision.MANUAL, "acme/bert")
    excluded = resolve_link(link_model("acme/spam", "github.com/acme/spam"), manual)
    assert excluded.decision is Decision.EXCLUDED
    assert read_manual_links(tmp_path / "absent.csv") == {}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("acme/x,acme/x,lnk,", r"column 'action': isin.* at line 3; values \['lnk'\]"),
        ("acme/x,,link,", r"action 'link' needs github_repo as owner/repo: failed at line 3"),
        ("not-an-id,acme/x,link,", r"column 'model_id': str_matches.* at line 3"),
        ("acme/ok,acme/ok,link,", r"column 'model_id': field_uniqueness failed at lines 2, 3"),
    ],
)
def test_malformed_manual_rows_name_file_line_and_reason(tmp_path, row, reason):
    path = tmp_path / "manual_links.csv"
    path.write_text(f"model_id,github_repo,action,note\nacme/ok,acme/ok,link,\n{row}\n")
    with pytest.raises(TableError, match=reason):
        read_manual_links(path)


def test_one_spelling_per_repository_whatever_the_case_of_the_links():
    import pandas as pd

    from ptlmsync.crawl.links import canonical_repos

    repos = pd.Series(
        ["eleutherai/Pythia", "EleutherAI/pythia", "EleutherAI/pythia", "acme/bert", "Acme/Bert"]
    )
    # the spelling most links use wins; on a tie the one that sorts first ("Acme" < "acme")
    assert canonical_repos(repos).tolist() == [
        "EleutherAI/pythia",
        "EleutherAI/pythia",
        "EleutherAI/pythia",
        "Acme/Bert",
        "Acme/Bert",
    ]
    # the same links in another order give the same spellings
    shuffled = repos.iloc[[4, 2, 0, 3, 1]]
    assert canonical_repos(shuffled).to_dict() == canonical_repos(repos).to_dict()
    assert canonical_repos(pd.Series([], dtype=str)).empty
