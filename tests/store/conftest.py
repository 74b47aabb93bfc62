"""Fixtures for the store tests: databases and practices."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from estimator import model as m
from store.db import open_database

SCENARIOS = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS.rglob("*.json"))


@pytest.fixture(autouse=True)
def _on_each_engine(engine):
    """Every test here runs on SQLite and on PostgreSQL (tests/conftest.py)."""


@pytest.fixture
def db():
    database = open_database(":memory:")
    yield database
    database.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "office" / "dentledger.db")


@pytest.fixture
def file_db(db_path):
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def load_scenario():
    """``load(path) -> Practice`` through the real parser (skips until it exists)."""
    def load(path: Path) -> m.Practice:
        practice_file = pytest.importorskip("store.files.practice_file")
        return practice_file.load_practice_file(path).practice
    return load


@pytest.fixture(name="rich_practice")
def rich_practice_fixture() -> m.Practice:
    return rich_practice()


def d(text: str) -> date:
    return date.fromisoformat(text)


def rich_practice() -> m.Practice:
    """A small practice that sets every field the importer and exporter carry (rows without a
    stamp get the import's; the split payment leaves 10.00 unallocated)."""
    desk = m.Stamp(datetime(2026, 2, 16, 14, 5, 9), "maria", "FRONT2", "Main")
    fees = m.frozen_map({"D1110": 9500, "D2740": 98000, "D2750": 90000})
    plan = m.Plan(
        id="P1", carrier="DELTA", subscriber="SMITH_J", type="ppo", fee_schedule="PPO",
        allowed_fee_schedule="UCR", copay_schedule="COPAY",
        coverage=m.frozen_map({"preventive": 100, "crowns": 50, "restorative": 0}),
        code_coverage=m.frozen_map({"D2750": 40}), annual_max=150000, family_annual_max=0,
        category_limits=m.frozen_map({"orthodontics": 150000}),
        category_family_limits=m.frozen_map({"orthodontics": 300000}),
        code_limits=m.frozen_map({"D2740": 50000}), deductible=5000, family_deductible=15000,
        category_deductibles=m.frozen_map({"preventive": 0}),
        code_deductibles=m.frozen_map({"D2740": 2500}), deductible_waived_on=("diagnostic",),
        deductible_before_percent=False, renew_month=7,
        frequency=(m.FrequencyLimit(2, "benefit_year", code="D1110"),
                   m.FrequencyLimit(1, "years", category="diagnostic_xray", count=3)),
        exclusions=("D9999",), allow_substitution=False, substitution_writeoffs=False,
        cob_rule="carve_out", employer="Acme", group_number="G-1", note="verify yearly",
        claims_use_ucr=True)
    plan2 = m.Plan(id="P2", carrier="MEDI", subscriber="SMITH_A", type="flat_copay",
                   same_plan_as="P1", claims_use_ucr=False)
    return m.Practice(
        as_of=d("2026-03-10"),
        preferences=m.Preferences(ins_ppo_sec_writeoffs=True, ins_est_recalc_received=True),
        providers=(m.Provider("DOC1", "Reyes, Ana", "UCR"), m.Provider("HYG", "Lee, Bo")),
        procedure_codes=(
            m.ProcedureCode("D1110", "preventive", "Cleaning"),
            m.ProcedureCode("D2740", "crowns", "Crown", ("general", "crowns"), "D2750", "molar"),
            m.ProcedureCode("D2750", "crowns", "Crown, PFM"),
        ),
        fee_schedules=(m.FeeSchedule("UCR", "office", "Office", fees),
                       m.FeeSchedule("PPO", "allowed", "", m.frozen_map({"D2740": 80000})),
                       m.FeeSchedule("COPAY", "copay", "Copays", m.frozen_map({"D1110": 1000}))),
        carriers=(m.Carrier("DELTA", "Delta Dental", "WO-DELTA", "94276"),
                  m.Carrier("MEDI", "Medicaid")),
        plans=(plan, plan2),
        patients=(
            m.Patient("SMITH_J", "Smith, John", d("1970-05-01"), "SMITH_J",
                      (m.Coverage("P1", 1, subscriber_id="XJ1"),),
                      (m.BenefitUsed("P1", 20000, 5000),)),
            m.Patient("SMITH_A", "Smith, Anna", d("1975-02-03"), "SMITH_J",
                      (m.Coverage("P2", 1), m.Coverage("P1", 2, pending=True))),
            m.Patient("CHER", "Cher", d("1946-05-20"), "CHER"),
        ),
        procedures=(
            m.Procedure("X1", "SMITH_J", "D2740", d("2026-01-20"), 135000, "DOC1", "complete",
                        tooth="14", surface="MOD", tp_order=2,
                        overrides=(m.Override("P1", percent=60, ins_est=70000, allowed=90000,
                                              copay=1000, deductible=0, paid_other_ins=5,
                                              writeoff_est=3, deductible_before_percent=True),),
                        completed=d("2026-02-01"), visits=(d("2026-01-27"), d("2026-02-01")),
                        note="seat next visit"),
            m.Procedure("X2", "SMITH_A", "D1110", d("2026-01-21"), 9500, "HYG", "complete",
                        units=2, no_bill=("P1",),
                        overrides=(m.Override("P2", deductible_before_percent=False),)),
            m.Procedure("X3", "SMITH_A", "D2750", d("2026-03-01"), 90000, "DOC1", "planned",
                        tp_order=1),
            m.Procedure("X4", "CHER", "D1110", d("2026-03-02"), 9500, "HYG", "complete",
                        stamp=m.Stamp(datetime(2026, 3, 2, 8, 0, 0), "bo")),
        ),
        claims=(
            m.Claim("C1", "P1", ("X1",), "received", d("2026-01-20"), kind="primary",
                    claim_no="A-1", sent_date=d("2026-01-21")),
            m.Claim("C2", "P2", ("X2",), "sent", d("2026-01-21")),
            m.Claim("PA1", "P2", ("X3",), "preauth", d("2026-02-20"), preauth_no="PRE-9"),
            m.Claim("C3", "P1", ("X3",), "hold", d("2026-03-01"), kind="secondary"),
        ),
        claim_payments=(
            m.ClaimPayment("C1", d("2026-02-12"), (m.ClaimPaymentLine("X1", 49000, 37000, 5000),),
                           check_no="70011", bank_no="021",
                           stamp=m.Stamp(datetime(2026, 2, 12, 11, 30, 0), "maria", "BACK1")),
            m.ClaimPayment("C1", d("2026-03-05"),
                           (m.ClaimPaymentLine("X1", -1000, 0, 0, denied=True, remarks="N130"),)),
        ),
        patient_payments=(
            m.PatientPayment("SMITH_J", d("2026-02-16"), 49000, "check", "1045", "011",
                             procedure="X1", note="thanks", stamp=desk),
            m.PatientPayment("SMITH_A", d("2026-02-17"), -500, "cash"),
            m.PatientPayment("SMITH_A", d("2026-02-18"), 5000, "card",
                             allocations=(m.Allocation("X2", 3000), m.Allocation("X3", 1000))),
        ),
        adjustments=(
            m.Adjustment("SMITH_J", d("2026-02-20"), -2000, "COURTESY", "X1", "courtesy"),
            m.Adjustment("CHER", d("2026-03-03"), 500, "FIN", stamp=desk),
        ),
        appointments=(m.Appointment("SMITH_J", d("2026-01-20"), "kept"),
                      m.Appointment("CHER", d("2026-03-02"), "failed")),
        adjustment_codes=(m.AdjustmentCode("COURTESY", "courtesy", "Professional courtesy"),),
        ledger_notes=(m.LedgerNote("SMITH_J", d("2026-02-01"), "called about balance", desk),),
        lock_date=d("2025-12-31"),
    )
