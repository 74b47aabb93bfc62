"""Procedures: plan, post, complete, re-price, delete, and every refusal."""
from __future__ import annotations

import json

from store import services
from svc_helpers import audit, line, pid, refused


def _proc(db, proc_id: int) -> dict:
    cols = ("status", "fee_cents", "units", "tooth", "surface", "date", "completed",
            "provider_id", "entered_by")
    row = db.execute_sql(f"SELECT {', '.join(cols)} FROM procedure WHERE id = ?",
                         (proc_id,)).fetchone()
    return dict(zip(cols, row))


def test_plan_takes_the_providers_office_fee_and_creates_a_line_per_plan(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", planned=True, provider="DOC1")
    row = _proc(db, proc)
    assert (row["status"], row["fee_cents"], row["date"]) == ("planned", 26000, "2026-03-02")
    primary, secondary = line(db, proc, "P1"), line(db, proc, "P2")
    assert (primary["status"], primary["coverage_order"]) == ("estimate", 1)
    assert (secondary["status"], secondary["coverage_order"]) == ("estimate", 2)
    # estimated at once: PPO (180 - 50 deductible) x 80%, write-off 260 - 180
    assert (primary["ins_est_cents"], primary["writeoff_est_cents"]) == (10400, 8000)
    assert json.loads(audit(db, "plan_procedure")[-1][6])["fee"] == 26000


def test_post_completed_work_with_tooth_surface_units_and_completion_date(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D2392", fee=17500, provider=pid(db, "DOC2", "provider"),
                                  tooth="30", surface=" MO ", units=2, date="2026-03-02",
                                  completed="2026-02-27")
    row = _proc(db, proc)
    assert row == {"status": "complete", "fee_cents": 17500, "units": 2, "tooth": "30",
                   "surface": "MO", "date": "2026-03-02", "completed": "2026-02-27",
                   "provider_id": pid(db, "DOC2", "provider"), "entered_by": "maria"}
    assert services.patient_balance(db, james).total == 35000


def test_no_coverage_means_no_claim_procedures(db):
    tom = pid(db, "PAGE_T")
    proc = services.add_procedure(db, tom, "D1110", provider="DOC1")
    assert db.execute_sql("SELECT count(*) FROM claim_proc WHERE procedure_id = ?",
                          (proc,)).fetchone()[0] == 0
    assert services.patient_balance(db, tom).patient == 9500


def test_provider_defaults_to_the_patients_latest_provider(db):
    tom = pid(db, "PAGE_T")
    refused(db, services.add_procedure, tom, "D1110", match="name the provider")
    services.add_procedure(db, tom, "D1110", provider="DOC2")
    proc = services.add_procedure(db, tom, "D2392")
    assert _proc(db, proc)["provider_id"] == pid(db, "DOC2", "provider")


def test_complete_planned_work(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", planned=True, provider="DOC1",
                                  date="2026-02-01")
    assert services.patient_balance(db, james).total == 0  # planned work is not owed
    services.complete_procedure(db, proc, date="2026-03-02", completed="2026-03-01")
    row = _proc(db, proc)
    assert (row["status"], row["date"], row["completed"]) == ("complete", "2026-03-02", "2026-03-01")
    assert services.patient_balance(db, james).total == 26000
    refused(db, services.complete_procedure, proc, match="already complete")


def test_edit_fee_re_estimates(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", provider="DOC1")
    services.edit_fee(db, proc, 20000)
    assert _proc(db, proc)["fee_cents"] == 20000
    assert line(db, proc, "P1")["writeoff_est_cents"] == 2000  # 200 - 180
    refused(db, services.edit_fee, proc, -1, match="negative")


def test_delete_unpaid_work(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", planned=True, provider="DOC1")
    services.delete_procedure(db, proc)
    assert _proc(db, proc)["status"] == "deleted"
    assert line(db, proc, "P1") is None
    refused(db, services.delete_procedure, proc, match="was deleted")
    refused(db, services.complete_procedure, proc, match="was deleted")
    refused(db, services.edit_fee, proc, 100, match="was deleted")


def test_delete_refused_when_money_or_a_claim_touches_it(db):
    james = pid(db, "WILSON_J")
    paid = services.add_procedure(db, james, "D1110", provider="DOC1")
    services.post_payment(db, james, 500, "cash", procedure=paid)
    refused(db, services.delete_procedure, paid, match="patient payment")
    adjusted = services.add_procedure(db, james, "D1110", provider="DOC1")
    services.post_adjustment(db, james, -500, "COURTESY", procedure=adjusted)
    refused(db, services.delete_procedure, adjusted, match="adjustment")
    billed = services.add_procedure(db, james, "D2392", provider="DOC1")
    services.create_claims(db, james, [billed])
    refused(db, services.delete_procedure, billed, match="claim")


def test_refusals(db):
    james = pid(db, "WILSON_J")
    refused(db, services.add_procedure, 9999, "D1110", provider="DOC1", match="no patient")
    refused(db, services.add_procedure, james, "D0000", provider="DOC1", match="procedure code")
    refused(db, services.add_procedure, james, "D1110", provider="NOPE", match="no provider")
    refused(db, services.add_procedure, james, "D1110", fee=-100, provider="DOC1",
            match="negative")
    refused(db, services.add_procedure, james, "D1110", units=0, provider="DOC1", match="units")
    refused(db, services.add_procedure, james, "D9110", provider="DOC1", match="no fee for D9110")
    refused(db, services.add_procedure, james, "D1110", provider="DOC1", date="2026-13-01",
            match="not a date")
    refused(db, services.complete_procedure, 9999, match="no procedure")
    refused(db, services.edit_fee, 9999, 100, match="no procedure")
    refused(db, services.delete_procedure, 9999, match="no procedure")


def test_lock_date_guards_completed_work(db):
    james = pid(db, "WILSON_J")
    old = services.add_procedure(db, james, "D1110", provider="DOC1", date="2026-02-10")
    planned = services.add_procedure(db, james, "D1110", provider="DOC1", planned=True,
                                     date="2026-02-10")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.add_procedure, james, "D1110", provider="DOC1", date="2026-02-28",
            match="lock date")
    refused(db, services.edit_fee, old, 100, match="lock date")
    refused(db, services.delete_procedure, old, match="lock date")
    refused(db, services.complete_procedure, planned, date="2026-02-20", match="lock date")
    # planned work is not on the ledger: it can still be planned, re-priced and completed today
    services.add_procedure(db, james, "D1110", provider="DOC1", planned=True, date="2026-02-01")
    services.edit_fee(db, planned, 9000)
    services.complete_procedure(db, planned)
