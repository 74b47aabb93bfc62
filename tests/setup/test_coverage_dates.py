"""Coverage dates through the set-up service on the demo office: adding a plan today never turns
years of paid history into insurance-owed lines (issue 11, done-when); the dates are refused when
the coverage would end before it starts; claims bill the first covering plan as the primary."""
from __future__ import annotations

from datetime import date

import pytest

from store.family.loader import load_line_estimates
from store.desks.frontdesk import DbFrontDesk
from store.services import patient_balance
from store.services import setup as svc
from store.services.common import ServiceError

TODAY = date(2026, 11, 20)  # the fixed clock of tests/setup


def refused(db, call, *args, match: str, **kw) -> None:
    """The service refuses and the coverage is as it was."""
    table = "SELECT * FROM patient_coverage ORDER BY id"
    before = db.execute_sql(table).fetchall()
    with pytest.raises(ServiceError, match=match):
        call(db, *args, **kw)
    assert db.execute_sql(table).fetchall() == before


def snapshot(db, pid, patient: str):
    """What a patient's history shows: their lines of work dated before today, their balance,
    and their ledger card rows posted before today."""
    patient_db = pid(db, patient)
    family = db.execute_sql("SELECT coalesce(guarantor_id, id) FROM patient WHERE id = ?",
                            (patient_db,)).fetchone()[0]
    dated = dict(db.execute_sql("SELECT file_id, date FROM procedure WHERE patient_id = ?",
                                (patient_db,)).fetchall())
    lines = {key: line for key, line in load_line_estimates(db, family).items()
             if key[0] in dated and date.fromisoformat(dated[key[0]]) < TODAY}
    rows = [(r.kind, r.ref, r.posted, dict(r.cells), dict(r.values))
            for r in DbFrontDesk(db).card(patient).rows if r.posted < TODAY]
    return lines, patient_balance(db, patient_db), rows


@pytest.mark.parametrize("patient, plan", [
    ("FAM01_P10", "PL_MET_BH"),     # years of history, no insurance until today
    ("FAM01_P5", "PL_GUARD_NF"),    # years of history under Delta: a secondary added today
])
def test_adding_a_plan_today_leaves_every_earlier_line_as_it_was(db, pid, patient, plan):
    lines, balance, rows = snapshot(db, pid, patient)
    assert len({posted.year for _, _, posted, _, _ in rows}) > 3   # years of history
    svc.add_coverage(db, pid(db, patient), pid(db, plan, "plan"))   # effective: today
    assert snapshot(db, pid, patient) == (lines, balance, rows)


def test_a_plan_covering_any_date_would_re_bill_the_history(db, pid):
    """The same change without a start date re-estimates years of work (what used to happen)."""
    lines, balance, _ = snapshot(db, pid, "FAM01_P10")
    svc.add_coverage(db, pid(db, "FAM01_P10"), pid(db, "PL_MET_BH", "plan"), effective=None)
    after_lines, after, _ = snapshot(db, pid, "FAM01_P10")
    assert after.total == balance.total and after.insurance > balance.insurance
    assert len(after_lines) > len(lines)


def test_coverage_dates_are_stored_and_refused_when_they_end_before_they_start(db, pid):
    patient, plan = pid(db, "FAM01_P10"), pid(db, "PL_MET_BH", "plan")
    refused(db, svc.add_coverage, patient, plan, effective="2026-11-20", terminated="2026-11-19",
            match="cannot end")
    refused(db, svc.add_coverage, patient, plan, effective="20/11/2026", match="not a date")
    svc.add_coverage(db, patient, plan, effective="2026-01-01")
    row = "SELECT effective, terminated FROM patient_coverage WHERE patient_id = ? AND plan_id = ?"
    assert db.execute_sql(row, (patient, plan)).fetchone() == ("2026-01-01", None)
    refused(db, svc.set_coverage_dates, patient, plan, terminated="2025-12-31", match="cannot end")
    svc.set_coverage_dates(db, patient, plan, terminated="2026-06-30")
    assert db.execute_sql(row, (patient, plan)).fetchone() == ("2026-01-01", "2026-06-30")
    svc.set_coverage_dates(db, patient, plan, effective=None, terminated=None)
    assert db.execute_sql(row, (patient, plan)).fetchone() == (None, None)


def test_the_first_covering_plan_is_billed_as_the_primary(db, pid):
    """Delta ended yesterday and Guardian (secondary in the coverage order) starts today: today's
    work has only a Guardian line, which acts as the primary (its claim is not held)."""
    from store import services
    patient = pid(db, "FAM01_P5")
    delta, guardian = pid(db, "PL_DELTA_RH", "plan"), pid(db, "PL_GUARD_NF", "plan")
    svc.set_coverage_dates(db, patient, delta, terminated="2026-11-19")
    svc.add_coverage(db, patient, guardian)
    proc = services.add_procedure(db, patient, "D1110", provider="DDS1")
    plans = db.execute_sql("SELECT plan_id FROM claim_proc WHERE procedure_id = ?", (proc,)).fetchall()
    assert plans == [(guardian,)]
    (claim,) = services.create_claims(db, patient, [proc])
    assert db.execute_sql("SELECT plan_id, kind, status FROM claim WHERE id = ?",
                          (claim,)).fetchone() == (guardian, None, "unsent")
