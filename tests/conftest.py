"""Fixtures shared by the test modules; plain helpers live in ``tests/helpers``."""

from pathlib import Path

import pytest
from helpers import SHARED


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED / "data").exists():
        pytest.skip("../shared/data is absent (the study's data is not in this checkout)")
    return SHARED / "data"
