"""Label agreement: kappa per run, mean and spread, precision/recall, confusion matrix."""

import pandas as pd
import pytest

from ptlmsync.label.checks import agreement, read_gold
from ptlmsync.schemas import TableError

GOLD = pd.DataFrame(
    {
        "platform": ["GH"] * 4,
        "key": list("abcd"),
        "label": ["Sharing", "Sharing", "Input Data", "Input Data"],
    }
)


def labels(run, predicted):
    return pd.DataFrame(
        {
            "platform": "GH",
            "family": "f",
            "repository": "GH",
            "key": list("abcd"),
            "label": predicted,
            "repeat": run,
        }
    )


def test_kappa_per_run_mean_spread_and_confusion():
    runs = pd.concat(
        [
            labels(1, ["Sharing", "Sharing", "Input Data", "Input Data"]),  # kappa 1
            labels(2, ["Sharing", "Input Data", "Input Data", "Input Data"]),  # kappa 0.5
            labels(3, ["Sharing", "Sharing", "Input Data", "Sharing"]),  # kappa 0.5
        ]
    )
    validation, confusion = agreement(runs, GOLD)
    v = validation.set_index(["measure", "repeat"])["value"]
    assert v[("kappa", 1)] == 1.0 and v[("kappa", 2)] == pytest.approx(0.5)
    means = validation[validation["measure"] == "kappa_mean"]["value"]
    assert means.iloc[0] == pytest.approx(2 / 3)
    sd = validation[validation["measure"] == "kappa_sd"]["value"].iloc[0]
    assert sd == pytest.approx(((1 / 3) ** 2 + 2 * (1 / 6) ** 2) ** 0.5 / 3**0.5)
    # majority: a S, b S (S,I,S), c I, d I (I,I,S) -> all right
    assert confusion.set_index(["gold", "predicted"])["n"].to_dict() == {
        ("Input Data", "Input Data"): 2,
        ("Sharing", "Sharing"): 2,
    }
    recall = validation[(validation["measure"] == "recall")].set_index("change_type")["value"]
    assert recall.to_dict() == {"Input Data": 1.0, "Sharing": 1.0}


def test_coverage_and_kappa_over_the_labelled_commits_by_hand():
    # run 1: d Unlabelled -> coverage 3/4; on a, b, c: gold S S I vs S I I ->
    # po = 2/3, pe = (2/3)(1/3) + (1/3)(2/3) = 4/9, kappa = (2/3 - 4/9) / (5/9) = 0.4
    # run 2: a, b Unlabelled -> coverage 2/4; on c, d: I I vs I I -> one category: 1.0
    runs = pd.concat(
        [
            labels(1, ["Sharing", "Input Data", "Input Data", "Unlabelled"]),
            labels(2, ["Unlabelled", "Unlabelled", "Input Data", "Input Data"]),
        ]
    )
    validation, _ = agreement(runs, GOLD)
    v = validation.set_index(["measure", "repeat"])["value"]
    assert v[("coverage", 1)] == 0.75 and v[("coverage", 2)] == 0.5
    assert v[("kappa", 1)] == pytest.approx(0.4) and v[("kappa", 2)] == 1.0
    per_platform = validation[validation["repeat"].isna()].set_index("measure")["value"]
    assert per_platform["coverage_mean"] == 0.625
    assert per_platform["kappa_mean"] == pytest.approx(0.7)
    # majority (ties: run 1): a S, b I, c I, d Unlabelled -> Sharing recall 1/2 (d is a miss
    # of Input Data: recall 1/2); Unlabelled is no change type of its own
    recall = validation[(validation["measure"] == "recall")].set_index("change_type")["value"]
    assert recall.to_dict() == {"Input Data": 0.5, "Sharing": 0.5}


def test_gold_table_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("platform,key,label\nGH,a,Sharing\nGL,b,Sharing\n")
    with pytest.raises(TableError, match=r"gold.csv: .*\n  column 'platform'.* at line 3"):
        read_gold(path)
    path.write_text("platform,key,label\nGH,a,bug fix\nHF,b,Nonsense\n")
    with pytest.raises(TableError, match=r"column 'label'.* at line 3; values \['Nonsense'\]"):
        read_gold(path)
    path.write_text("platform,key,label\nGH,a,bug fix\n")
    assert read_gold(path)["label"].tolist() == ["Model Structure"]
