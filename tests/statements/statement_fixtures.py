"""Constants the statement tests share (imported by name: the test folders are not packages)."""
from __future__ import annotations

from pathlib import Path

from estimator.statement_types import Party

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT.parent / "shared" / "scenarios"
if not SCENARIOS.exists():  # tests/scenarios is a copy of the shared folder
    SCENARIOS = ROOT / "tests" / "scenarios"

OFFICE = Party("Bright Smiles Dental", ("1200 Main Street, Suite 4", "Springfield, IL 62701"), "(217) 555-0100")
