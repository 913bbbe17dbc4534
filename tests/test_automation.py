"""Automated synchronisation: which messages name a sync (real-looking negatives and
positives), signed delays, and the comparison of automated families with the others
without the switch events the sync commits make."""

import pandas as pd
import pytest

from ptlmsync.automation import (
    automated_commits,
    automated_sync_by_family,
    automated_vs_other,
    first_rule,
    sync_commit_dates,
    without_sync_switches,
)
from ptlmsync.stats import per_family_days

SHA = "abc1234def5678"


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("HF", "Add GitHub Actions badge to README"),
        ("HF", "Add GitHub Actions badge to the model card"),
        ("HF", "Fix typo, see https://github.com/org/repo/commit/abc1234 for context"),
        ("HF", "Update README with GitHub link"),
        ("HF", "Code: https://github.com/org/repo (see commit github.com/org/repo/commit/abc1234)"),
        ("HF", "Update config.json to match github.com/org/repo/commit/abc1234"),
        ("HF", "Link the GitHub repository and the paper"),
        ("HF", "Synchronise tokenizer settings with the paper"),
        ("GH", "Fix push to hub for sharded checkpoints"),
        ("GH", "Add push_to_hub support to the trainer"),
        ("GH", "Sync modeling code with Hugging Face transformers"),
        ("GH", "Revert the config, see https://huggingface.co/org/m/commit/abc1234"),
        ("GH", "Update the Hugging Face Hub badge"),
    ],
)
def test_a_mention_or_a_cited_commit_is_no_sync(platform, message):
    assert first_rule(platform, message, "alice") is None


@pytest.mark.parametrize(
    ("platform", "message", "rule", "sha"),
    [
        (
            "HF",
            f"Auto Sync from git://github.com/org/repo.git/commit/{SHA}",
            "auto sync from git",
            SHA,
        ),
        ("HF", f"from git://github.com/org/repo.git/commit/{SHA}", "git commit reference", SHA),
        ("HF", f"git://github.com/org/repo.git/commit/{SHA}\n", "git commit reference", SHA),
        ("HF", f"Mirror of github.com/org/repo/commit/{SHA}", "github commit url", SHA),
        (
            "HF",
            f"Sync with https://github.com/org/repo/commit/{SHA}",
            "github commit url",
            SHA,
        ),
        ("HF", "Sync from GitHub", "sync from github", None),
        ("HF", "Synced with the GitHub repository (weights unchanged)", "sync from github", None),
        ("HF", "Mirrored from GitHub", "sync from github", None),
        ("HF", "[hub-sync] update config.json", "sync from github", None),
        ("GH", "Sync with the Hugging Face Hub", "sync to the hub", None),
        ("GH", "Synced tokenizer files to the Hub", None, None),  # names no direction
        (
            "GH",
            f"Mirror of huggingface.co/org/model/commit/{SHA}",
            "hub commit reference",
            SHA,
        ),
    ],
)
def test_a_message_that_says_it_is_a_sync_names_one(platform, message, rule, sha):
    found = first_rule(platform, message, "alice")
    if rule is None:
        assert found is None
        return
    assert found is not None and found[0]["name"] == rule and found[0]["sync"]
    assert found[1] == sha


def test_a_bot_author_is_automation_but_no_sync():
    rule, sha = first_rule("HF", "Update config.json", "github-actions[bot]")
    assert rule["name"] == "bot author" and not rule["sync"] and sha is None


def commits(*rows) -> pd.DataFrame:
    """Family commits from (family, platform, key, date, text)."""
    df = pd.DataFrame(rows, columns=["family", "platform", "key", "date", "text"])
    df["date"] = pd.to_datetime(df["date"], utc=True)
    return df.assign(repository=df["platform"], author="someone")


GH_A, GH_B = "a" * 40, "b" * 40


def mirrored_family() -> pd.DataFrame:
    """GH A (day 0), its mirror M (day 1), GH B (day 3), a hand-made HF commit H (day
    10), and a mirror N of B dated a day BEFORE B (day 2)."""
    return commits(
        ("f", "GH", GH_A, "2024-01-01", "Add tokenizer"),
        ("f", "HF", "m", "2024-01-02", f"Auto Sync from git://github.com/o/r.git/commit/{GH_A}"),
        ("f", "GH", GH_B, "2024-01-04", "Fix config"),
        ("f", "HF", "n", "2024-01-03", f"Auto Sync from git://github.com/o/r.git/commit/{GH_B}"),
        ("f", "HF", "h", "2024-01-11", "Update README.md"),
    )


def test_delays_keep_their_sign():
    found = automated_commits(mirrored_family()).set_index("key")
    # m follows A by one day; n is dated one day before B, the commit it names
    assert found.loc["m", "delay_days"] == 1.0 and found.loc["n", "delay_days"] == -1.0
    families = pd.DataFrame({"family": ["f"], "pattern": ["Frequent"]})
    row = automated_sync_by_family(
        automated_commits(mirrored_family()), mirrored_family(), families
    )
    # delays 1 and -1: median 0; one negative
    assert row[
        ["n_sync_hf", "n_linked", "median_delay_days", "n_negative_delay"]
    ].values.tolist() == [[2, 2, 0.0, 1]]


def switches_of(*rows) -> pd.DataFrame:
    """Switch events as sync/switches.csv holds them (dates as ISO text)."""
    return pd.DataFrame(
        rows, columns=["family", "source", "target", "prev_commit", "next_commit", "days"]
    )


def test_the_switch_events_a_mirror_makes_are_left_out():
    family = mirrored_family()
    dates = sync_commit_dates(automated_commits(family), family)
    assert sorted(dates["date"].dt.day) == [2, 3]  # m (01-02) and n (01-03)
    switches = switches_of(
        ("f", "GH", "HF", "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", 1),  # A->m
        ("f", "HF", "GH", "2024-01-03T00:00:00+00:00", "2024-01-04T00:00:00+00:00", 1),  # n->B
        ("f", "GH", "HF", "2024-01-04T00:00:00+00:00", "2024-01-11T00:00:00+00:00", 7),  # B->h
        ("g", "GH", "HF", "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", 1),  # other
    )
    kept = without_sync_switches(switches, dates)
    # A->m: m is a sync commit (next, on HF); n->B: n is one (prev, on HF); B->h and the
    # other family's event (same dates, but not its sync commit) stay
    assert kept[["family", "days"]].values.tolist() == [["f", 7], ["g", 1]]
    assert without_sync_switches(switches, dates.iloc[:0]).equals(switches)


def test_a_mirror_is_found_at_the_switch_events_day_resolution():
    family = commits(
        ("f", "GH", GH_A, "2024-01-01T08:00:00", "Add tokenizer"),
        ("f", "HF", "m", "2024-01-01T13:30:00", f"Sync with https://github.com/o/r/commit/{GH_A}"),
    )
    # sync.hf_time_resolution: day puts every HF time at midnight
    switches = switches_of(
        ("f", "GH", "HF", "2024-01-01T08:00:00+00:00", "2024-01-01T00:00:00+00:00", 0)
    )
    found = automated_commits(family)
    assert len(without_sync_switches(switches, sync_commit_dates(found, family))) == 1
    day = sync_commit_dates(found, family, {"GH": "full", "HF": "day"})
    assert without_sync_switches(switches, day).empty


def test_only_families_with_days_are_tested():
    by_family = pd.DataFrame({"family": ["a", "b"], "n_sync_hf": [3, 1]})
    families = pd.DataFrame(
        {
            "family": list("abcdef"),
            "pattern": ["Frequent", "Frequent", "Disperse", "Disperse", "Sparse", "Sparse"],
        }
    )
    # b's only switch events were its mirrors' (left out); f has none at all
    days = pd.DataFrame({"family": list("acde"), "days": [1.0, 10.0, 20.0, 30.0]})
    table = automated_vs_other(by_family, families, days).set_index("group")
    assert table["n_group"].to_dict() == {"automated sync": 2, "other": 4}
    assert table["n_families"].to_dict() == {"automated sync": 1, "other": 3}
    # {1} vs {10, 20, 30}: U = 0; the single value takes each of 4 ranks with
    # probability 1 / 4, so the exact two-sided p = 2 * 1 / 4 = 0.5
    assert table.loc["other", "mannwhitney_u"] == 0.0
    assert table.loc["other", "p"] == pytest.approx(0.5)
    # r = 2U / (n1 n2) - 1 = 0 / 3 - 1: every automated value below every other one
    assert table.loc["other", "rank_biserial"] == -1.0
    # the patterns describe every family of the group: Frequent 2 of 2; Disperse and
    # Sparse tie at 2 of 4 in "other" (the first counted)
    assert table.loc["automated sync", "percent_top_pattern"] == 100.0
    assert table.loc["other", "percent_top_pattern"] == 50.0


def test_without_automated_families_nothing_is_tested():
    families = pd.DataFrame({"family": ["c", "d"], "pattern": ["Disperse", "Sparse"]})
    days = pd.DataFrame({"family": ["c"], "days": [4.0]})
    table = automated_vs_other(pd.DataFrame({"family": [], "n_sync_hf": []}), families, days)
    assert table["group"].tolist() == ["other"]
    assert table["n_group"].tolist() == [2] and table["n_families"].tolist() == [1]
    assert table["p"].isna().all() and table["rank_biserial"].isna().all()


def test_left_out_switch_events_change_the_family_means_by_hand():
    switches = switches_of(
        ("f", "GH", "HF", "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00", 1),
        ("f", "GH", "HF", "2024-01-04T00:00:00+00:00", "2024-01-11T00:00:00+00:00", 7),
    )
    dates = pd.DataFrame(
        {"family": ["f"], "platform": ["HF"], "date": [pd.Timestamp("2024-01-02", tz="UTC")]}
    )
    # with the mirror's event: mean (1 + 7) / 2 = 4; without it: 7
    assert per_family_days(switches)["days"].tolist() == [4.0]
    assert per_family_days(without_sync_switches(switches, dates))["days"].tolist() == [7.0]
