"""Shared fixtures: the demo office as a Practice (read with the practice-file parser, no
database) with its claim procedures."""
from __future__ import annotations

import pytest

from estimator.engine import estimate_practice
from statement_fixtures import ROOT


@pytest.fixture(scope="session")
def demo():
    """(practice, estimates) of sample_data/demo.json."""
    from store.files.practice_file import load_practice_file

    practice = load_practice_file(ROOT / "sample_data" / "demo.json").practice
    return practice, estimate_practice(practice)
