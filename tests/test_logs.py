"""Scripts log to the rule's log file: records, progress bars on stderr, exceptions."""

import logging
import sys

import pytest
from tqdm import tqdm

from ptlmsync.logs import log_to


def test_records_progress_and_errors_reach_the_log(tmp_path):
    path = tmp_path / "logs" / "rule.log"
    with pytest.raises(ValueError), log_to(path):
        logging.getLogger("ptlmsync.test").info("summary line")
        for _ in tqdm(range(3), desc="family-x"):
            pass
        print("to stderr", file=sys.stderr)
        raise ValueError("bad input in file.csv")
    text = path.read_text()
    assert "summary line" in text and "family-x" in text and "to stderr" in text
    assert "bad input in file.csv" in text
    with log_to(path):
        pass
    assert "summary line" not in path.read_text()  # each run starts a fresh log
