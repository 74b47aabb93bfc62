"""Claims: primary + secondary on hold, selection, do-not-bill, send/queue/status, preauth."""
from __future__ import annotations

import json

from store import services
from svc_helpers import audit, claim_status, line, pid, refused


def _claims(db) -> list[tuple]:
    return db.execute_sql("SELECT id, plan_id, kind, status, claim_no, date, entered_by "
                          "FROM claim ORDER BY id").fetchall()


def _done(db, patient, code="D4341", **kw):
    return services.add_procedure(db, patient, code, provider="DOC1", **kw)


def test_primary_unsent_and_secondary_on_hold(db):
    james = pid(db, "WILSON_J")
    a, b = _done(db, james, date="2026-02-10"), _done(db, james, "D2392", date="2026-02-01")
    _done(db, james, planned=True)  # planned work is not billed
    made = services.create_claims(db, james)
    p1, p2 = pid(db, "P1", "plan"), pid(db, "P2", "plan")
    assert _claims(db) == [
        (made[0], p1, None, "unsent", f"C{made[0]:06d}", "2026-03-02", "maria"),
        (made[1], p2, "secondary", "hold", f"C{made[1]:06d}", "2026-03-02", "maria")]
    # lines in date order; on the claim, not received yet
    assert (line(db, b, "P1")["claim_seq"], line(db, a, "P1")["claim_seq"]) == (1, 2)
    for proc in (a, b):
        for plan, claim in (("P1", made[0]), ("P2", made[1])):
            ln = line(db, proc, plan)
            assert (ln["claim_id"], ln["status"]) == (claim, "not_received")
    assert json.loads(audit(db, "create_claims")[-1][6])["claims"] == made
    refused(db, services.create_claims, james, match="no completed work left")


def test_selected_procedures_only(db):
    james = pid(db, "WILSON_J")
    a, b = _done(db, james), _done(db, james, "D2392")
    made = services.create_claims(db, james, [b])
    assert line(db, a, "P1")["claim_id"] is None
    assert line(db, b, "P1")["claim_id"] == made[0]
    refused(db, services.create_claims, james, [b], match="nothing left to bill")
    planned = _done(db, james, planned=True)
    refused(db, services.create_claims, james, [a, planned], match="planned work")


def test_one_plan_gives_one_claim(db):
    claire = pid(db, "WILSON_C")
    _done(db, claire)
    made = services.create_claims(db, claire)
    assert len(made) == 1 and claim_status(db, made[0]) == "unsent"


def test_do_not_bill_lines_stay_off_and_do_not_hold_the_secondary(db):
    james = pid(db, "WILSON_J")
    a = _done(db, james)
    db.execute_sql("UPDATE claim_proc SET no_bill = TRUE WHERE procedure_id = ? AND plan_id = ?",
                   (a, pid(db, "P1", "plan")))
    made = services.create_claims(db, james)
    assert len(made) == 1
    assert _claims(db)[0][1:4] == (pid(db, "P2", "plan"), "secondary", "unsent")
    assert line(db, a, "P1")["claim_id"] is None


def test_send_queue_and_status(db):
    james = pid(db, "WILSON_J")
    _done(db, james)
    primary, secondary = services.create_claims(db, james)
    refused(db, services.send_claim, secondary, match="on hold")
    services.queue_claim(db, primary)
    assert claim_status(db, primary) == "queued"
    services.send_claim(db, primary, date="2026-03-03")
    assert db.execute_sql("SELECT status, sent_date FROM claim WHERE id = ?",
                          (primary,)).fetchone() == ("sent", "2026-03-03")
    refused(db, services.send_claim, primary, match="cannot be sent")
    services.set_claim_status(db, secondary, "unsent")
    services.set_claim_status(db, secondary, "hold")
    refused(db, services.set_claim_status, secondary, "received", match="becomes received")
    refused(db, services.send_claim, 9999, match="no claim")
    assert [r[3] for r in audit(db)][-4:] == ["claim_status", "send_claim", "claim_status",
                                             "claim_status"]


def test_refusals(db):
    james, tom = pid(db, "WILSON_J"), pid(db, "PAGE_T")
    _done(db, tom)
    refused(db, services.create_claims, tom, match="no insurance coverage")
    refused(db, services.create_claims, 9999, match="no patient")
    refused(db, services.create_claims, james, match="no completed work")
    toms = _done(db, tom)
    refused(db, services.create_claims, james, [toms], match="another patient")
    refused(db, services.create_claims, james, [9999], match="no procedure")
    _done(db, james)
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.create_claims, james, date="2026-02-01", match="lock date")


def test_preauth_links_lines_and_keeps_estimates(db):
    james = pid(db, "WILSON_J")
    plan = _done(db, james, planned=True)
    before = line(db, plan, "P1")
    pre = services.create_preauth(db, james, [plan])
    after = line(db, plan, "P1")
    assert claim_status(db, pre) == "preauth"
    assert (after["preauth_id"], after["claim_id"]) == (pre, None)
    assert (after["ins_est_cents"], after["writeoff_est_cents"]) == \
        (before["ins_est_cents"], before["writeoff_est_cents"])
    refused(db, services.create_preauth, james, [plan], match="already on a pre-authorization")
    refused(db, services.send_claim, pre, match="pre-authorization")
    # to the secondary plan on request
    services.create_preauth(db, james, [plan], plan=pid(db, "P2", "plan"))
    assert line(db, plan, "P2")["preauth_id"] is not None
    refused(db, services.create_preauth, james, [plan], plan=9999, match="does not cover")
    refused(db, services.create_preauth, pid(db, "PAGE_T"), [plan], match="no insurance")
