"""Label agreement: kappa per run, mean and spread, precision/recall, confusion matrix."""

import pandas as pd
import pytest

from ptlmsync.label_checks import agreement, read_gold
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
            "series": "GH",
            "key": list("abcd"),
            "label": predicted,
            "run": run,
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
    v = validation.set_index(["measure", "run"])["value"]
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


def test_gold_table_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("platform,key,label\nGH,a,Sharing\nGL,b,Sharing\n")
    with pytest.raises(TableError, match=r"gold.csv: line 3: column 'platform'"):
        read_gold(path)
    path.write_text("platform,key,label\nGH,a,bug fix\nHF,b,Nonsense\n")
    with pytest.raises(TableError, match=r"line 3: column 'label'"):
        read_gold(path)
    path.write_text("platform,key,label\nGH,a,bug fix\n")
    assert read_gold(path)["label"].tolist() == ["Model Structure"]
