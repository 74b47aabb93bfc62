"""Issue 11, "Original group": the split estimated when the work was posted, frozen then (the
claim procedures' ``orig_*`` and the procedure's ``orig_charge_cents``, migration 6). Whatever
happens later (a check, a secondary re-estimated, a plan added, a new fee) the card's
Original group keeps it; its patient share is never below 0."""
from __future__ import annotations

from datetime import date

from store import services
from store.desks.frontdesk import DbFrontDesk
from store.services import setup
from svc_helpers import pid

ORIGINAL = ("orig_charge", "orig_patient", "orig_insurance", "orig_writeoff", "ins1_est", "ins2_est")


def procedure_row(db, patient: str, proc_id: int):
    desk = DbFrontDesk(db, today=lambda: date(2026, 6, 1))
    view = desk.account(patient)
    rows = [r for r in desk.rows(patient, 0, view.row_count) if r.ref == f"procedure:PR{proc_id}"]
    return rows[0]


def original(row) -> dict:
    return {k: row.values[k] for k in ORIGINAL if k in row.values}


def test_original_split_is_frozen_when_the_work_is_posted(db):
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", date="2026-02-20", planned=True,
                                provider="DOC1")
    assert db.execute_sql("SELECT orig_charge_cents FROM procedure WHERE id = ?",
                          (x1,)).fetchone() == (None,)  # planned: not posted yet
    services.complete_procedure(db, x1, date="2026-03-02")
    at_posting = original(procedure_row(db, "WILSON_J", x1))
    current = procedure_row(db, "WILSON_J", x1).values
    assert at_posting["orig_charge"] == 26000
    assert at_posting["orig_insurance"] == current["ins_bal"]  # nothing happened since
    assert at_posting["orig_patient"] >= 0
    assert at_posting["orig_patient"] + at_posting["orig_insurance"] + at_posting["orig_writeoff"] \
        == 26000

    # the primary pays more than estimated; the secondary is re-estimated from it
    primary, secondary = services.create_claims(db, james, date="2026-03-02")
    services.send_claim(db, primary, date="2026-03-03")
    services.enter_insurance_payment(
        db, [services.EobLine(primary, x1, paid=14400, writeoff=8000)], amount=14400,
        date="2026-03-20")
    services.edit_fee(db, x1, 30000)  # a new fee after posting does not change the original
    later = procedure_row(db, "WILSON_J", x1)
    assert original(later) == at_posting
    assert later.values["billed"] == 30000


def test_original_split_a_plan_added_later_was_not_part_of_it(db):
    tom = pid(db, "PAGE_T")  # no insurance when the work is posted
    x1 = services.add_procedure(db, tom, "D4341", date="2026-02-20", provider="DOC1")
    assert original(procedure_row(db, "PAGE_T", x1)) == {
        "orig_charge": 26000, "orig_patient": 26000, "orig_insurance": 0, "orig_writeoff": 0}
    setup.add_coverage(db, tom, pid(db, "P1", "plan"), effective="2026-01-01")
    row = procedure_row(db, "PAGE_T", x1)
    assert row.values["ins_bal"] > 0  # the plan covers the work now ...
    assert original(row) == {  # ... but it was not in the split when the work was posted
        "orig_charge": 26000, "orig_patient": 26000, "orig_insurance": 0, "orig_writeoff": 0,
        "ins1_est": 0}
