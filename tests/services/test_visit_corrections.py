"""The treatment plan's order, correcting a procedure (date, provider, overrides,
do-not-bill) and the estimator's preview of a change, which writes nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from estimator import model as m
from store import services
from store.read.estimate_preview import preview
from store.read.treatment_plan import treatment_plan
from store.services import estimate_terms, treatment_plans
from svc_helpers import audit, line, pid, refused, snapshot

TODAY = date(2026, 3, 2)


def _planned(db, n: int = 3):
    james = pid(db, "WILSON_J")
    codes = ("D4341", "D2392", "D1110")[:n]
    return james, [services.add_procedure(db, james, c, provider="DOC1", planned=True)
                   for c in codes]


def test_treatment_plan_lines_totals_and_maximum(db):
    james, procs = _planned(db)
    plan = treatment_plan(db, james, TODAY)
    assert [ln.key for ln in plan.lines] == [str(p) for p in procs]
    assert [c.label for c in plan.plans] == ["Delta Dental", "Aetna"]
    first = plan.lines[0]
    assert first.plans[0].ins_est == line(db, procs[0], "P1")["ins_est_cents"]
    assert first.plans[1].ins_est == line(db, procs[0], "P2")["ins_est_cents"]
    assert first.patient_portion == first.charge - first.insurance - first.writeoff
    assert plan.charge == sum(ln.charge for ln in plan.lines)
    assert plan.ins_est[0] == sum(ln.plans[0].ins_est for ln in plan.lines)
    assert plan.patient_portion == sum(ln.patient_portion for ln in plan.lines)
    delta = plan.plans[0]
    assert delta.annual_max_left == 150000  # nothing used yet this year
    assert delta.left_after == 150000 - plan.ins_est[0]


def test_reorder_the_plan(db):
    james, procs = _planned(db)
    treatment_plans.move_planned(db, procs[2], -2)
    assert treatment_plans.planned_order(db, james) == [procs[2], procs[0], procs[1]]
    assert db.execute_sql("SELECT tp_order FROM procedure WHERE id = ?", (procs[2],)).fetchone() \
        == (1,)
    treatment_plans.set_plan_order(db, james, [procs[1], procs[0], procs[2]])
    assert [int(ln.key) for ln in treatment_plan(db, james, TODAY).lines] == \
        [procs[1], procs[0], procs[2]]
    assert audit(db, "plan_order")
    refused(db, treatment_plans.move_planned, procs[1], -1, match="cannot move -1")
    refused(db, treatment_plans.move_planned, procs[1], 1.5, match="whole number")
    refused(db, treatment_plans.set_plan_order, james, [procs[0]], match="exactly once")
    done = services.add_procedure(db, james, "D1110", provider="DOC1")
    refused(db, treatment_plans.move_planned, done, 1, match="not planned work")


def test_the_plan_order_is_the_estimation_order(db):
    """The annual maximum goes to the first lines: moving a line first gives it the money."""
    james = pid(db, "WILSON_J")
    db.execute_sql("UPDATE plan SET annual_max_cents = 20000 WHERE file_id = 'P1'")
    a = services.add_procedure(db, james, "D4341", provider="DOC1", planned=True)
    b = services.add_procedure(db, james, "D4341", provider="DOC1", planned=True)
    assert line(db, b, "P1")["ins_est_cents"] < line(db, a, "P1")["ins_est_cents"]
    treatment_plans.move_planned(db, b, -1)
    assert line(db, b, "P1")["ins_est_cents"] > line(db, a, "P1")["ins_est_cents"]
    plan = treatment_plan(db, james, TODAY)
    assert plan.plans[0].over_max == 1 and plan.plans[0].left_after == 0


def test_change_date_and_provider(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D2392", provider="DOC1", date="2026-02-20")
    services.change_procedure(db, proc, date="2026-02-21", provider="DOC2")
    assert db.execute_sql("SELECT date, provider_id, completed FROM procedure WHERE id = ?",
                          (proc,)).fetchone() == ("2026-02-21", pid(db, "DOC2", "provider"), None)
    refused(db, services.change_procedure, proc, date="2026-02-21", match="nothing changed")
    refused(db, services.change_procedure, proc, provider="DOC9", match="no provider")
    refused(db, services.change_procedure, proc, date="21/02/2026", match="not a date")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.change_procedure, proc, provider="DOC1", match="lock date")


def test_a_billed_procedure_keeps_its_date(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D2392", provider="DOC1")
    services.create_claims(db, james)
    refused(db, services.change_procedure, proc, date="2026-03-01", match="on a claim")
    services.change_procedure(db, proc, provider="DOC2")  # the provider may still be corrected


def test_overrides_set_clear_and_refusals(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", provider="DOC1")
    delta = pid(db, "P1", "plan")
    estimate_terms.set_overrides(db, proc, delta, {"percent": 100, "writeoff_est": 1000})
    got = db.execute_sql("SELECT override_percent, override_writeoff_est_cents FROM claim_proc "
                         "WHERE procedure_id = ? AND plan_id = ?", (proc, delta)).fetchone()
    assert got == (100, 1000)
    assert line(db, proc, "P1")["writeoff_est_cents"] == 1000
    estimate_terms.set_overrides(db, proc, delta, {"percent": None, "writeoff_est": None})
    assert line(db, proc, "P1")["writeoff_est_cents"] == 8000
    for values, match in (({"percent": 101}, "0-100"), ({"allowed": -5}, "negative"),
                          ({"allowed": 1.5}, "whole number of cents"), ({"colour": 1}, "no override"),
                          ({}, "name the overrides")):
        refused(db, estimate_terms.set_overrides, proc, delta, values, match=match)
    refused(db, estimate_terms.set_overrides, proc, 99999, {"percent": 5}, match="no line")


def test_do_not_bill(db):
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", provider="DOC1")
    aetna = pid(db, "P2", "plan")
    estimate_terms.set_no_bill(db, proc, aetna, True)
    assert line(db, proc, "P2")["ins_est_cents"] == 0
    primary, *held = services.create_claims(db, james)
    assert held == []  # nothing billed to Aetna
    refused(db, estimate_terms.set_no_bill, proc, pid(db, "P1", "plan"), True,
            match="on a claim")
    refused(db, estimate_terms.set_no_bill, proc, aetna, "no", match="yes or no")


def test_received_lines_are_final(db):
    from store.services import EobLine
    james = pid(db, "WILSON_J")
    proc = services.add_procedure(db, james, "D4341", provider="DOC1")
    primary, _ = services.create_claims(db, james)
    services.enter_insurance_payment(db, [EobLine(primary, proc, 10000)], amount=10000)
    refused(db, estimate_terms.set_overrides, proc, pid(db, "P1", "plan"), {"percent": 50},
            match="estimate is final")


def test_preview_writes_nothing_and_matches_the_posting(db):
    james, (proc,) = _planned(db, 1)
    before = snapshot(db)

    def cheaper(p, ids):
        return replace(p, fee=10000)
    shown = preview(db, james, proc, cheaper, TODAY)
    assert snapshot(db) == before
    assert shown.charge_before == 26000 and shown.charge_after == 10000
    assert [ln.label for ln in shown.lines] == ["1 Delta Dental", "2 Aetna"]
    services.edit_fee(db, proc, 10000)
    assert shown.lines[0].after == (line(db, proc, "P1")["ins_est_cents"],
                                    line(db, proc, "P1")["writeoff_est_cents"])
    assert shown.portion_after == treatment_plan(db, james, TODAY).lines[0].patient_portion


def test_preview_of_work_not_posted_yet(db):
    james = pid(db, "WILSON_J")

    def new(_old, ids):
        return m.Procedure("(new)", ids.practice_id("patient", james), "D4341", TODAY, 26000,
                           ids.practice_id("provider", pid(db, "DOC1", "provider")), "complete")
    shown = preview(db, james, None, new, TODAY)
    proc = services.add_procedure(db, james, "D4341", provider="DOC1")
    assert shown.lines[0].after == (line(db, proc, "P1")["ins_est_cents"],
                                    line(db, proc, "P1")["writeoff_est_cents"])
    assert shown.portion_before == 0 and shown.moves_money
