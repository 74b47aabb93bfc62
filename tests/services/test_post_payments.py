"""Patient payments: methods, allocation (oldest first or as split), credit, refunds."""
from __future__ import annotations

import json

from store import services
from store.services.payments import allocations_of
from svc_helpers import audit, pid, refused


def _two_visits(db):
    """Claire (one 50% plan): scaling on 2026-02-10 (she owes 260 - (260 - 50) x 50% =
    155.00), a cleaning on 2026-02-20 (covered in full), a restoration on 2026-03-01
    (owes 180 - 90 = 90.00)."""
    claire = pid(db, "WILSON_C")
    first = services.add_procedure(db, claire, "D4341", provider="DOC1", date="2026-02-10")
    clean = services.add_procedure(db, claire, "D1110", provider="DOC1", date="2026-02-20")
    second = services.add_procedure(db, claire, "D2392", provider="DOC1", date="2026-03-01")
    return claire, first, clean, second


def test_oldest_first_then_credit(db):
    claire, first, clean, second = _two_visits(db)
    owed = services.patient_balance(db, claire)
    assert owed.patient == 15500 + 9000
    pay = services.post_payment(db, claire, 30000, "check", check_no="1001", bank_no="BK-77")
    assert allocations_of(db, pay) == [(first, 15500), (second, 9000)]
    row = db.execute_sql("SELECT method, check_no, bank_no, amount_cents, date FROM "
                         "patient_payment WHERE id = ?", (pay,)).fetchone()
    assert row == ("check", "1001", "BK-77", 30000, "2026-03-02")
    after = services.patient_balance(db, claire)
    assert after.total == owed.total - 30000
    assert after.patient == -5500  # a credit on the account
    detail = json.loads(audit(db, "patient_payment")[-1][6])
    assert detail["unallocated"] == 5500


def test_a_second_payment_continues_where_the_first_stopped(db):
    claire, first, clean, second = _two_visits(db)
    services.post_payment(db, claire, 15000, "cash")
    pay = services.post_payment(db, claire, 5000, "cash")
    assert allocations_of(db, pay) == [(first, 500), (second, 4500)]


def test_whole_payment_on_one_procedure_and_a_split(db):
    claire, first, clean, second = _two_visits(db)
    one = services.post_payment(db, claire, 2400, "card", procedure=second)
    assert allocations_of(db, one) == [(second, 2400)]
    split = services.post_payment(db, claire, 3000, "cash", allocations=[(first, 1000),
                                                                       (second, 1500)])
    assert allocations_of(db, split) == [(first, 1000), (second, 1500)]  # 5.00 left as credit


def test_refund_is_a_negative_payment(db):
    james = pid(db, "WILSON_J")
    services.post_payment(db, james, 5000, "cash")
    refund = services.post_payment(db, james, -5000, "check", check_no="R1")
    assert allocations_of(db, refund) == []
    assert services.patient_balance(db, james).total == 0
    assert audit(db, "refund")


def test_refusals(db):
    claire, first, clean, second = _two_visits(db)
    james = pid(db, "WILSON_J")
    refused(db, services.post_payment, 9999, 100, "cash", match="no patient")
    refused(db, services.post_payment, james, 100, "cash", procedure=first,
            match="another patient")
    refused(db, services.post_payment, claire, 0, "cash", match="0.00")
    refused(db, services.post_payment, claire, 100, "bitcoin", match="method")
    refused(db, services.post_payment, claire, 1.5, "cash", match="cents")
    refused(db, services.post_payment, claire, 100, "cash", procedure=9999, match="no procedure")
    refused(db, services.post_payment, claire, 100, "cash", allocations=[(first, 60), (second, 60)],
            match="more than the payment")
    refused(db, services.post_payment, claire, 100, "cash", allocations=[(first, -10)],
            match="sign")
    refused(db, services.post_payment, claire, 100, "cash", allocations=[(first, 10), (first, 10)],
            match="twice")
    refused(db, services.post_payment, claire, 100, "cash", procedure=first,
            allocations=[(first, 10)], match="not both")
    gone = services.add_procedure(db, claire, "D1110", provider="DOC1", planned=True)
    services.delete_procedure(db, gone)
    refused(db, services.post_payment, claire, 100, "cash", procedure=gone, match="deleted")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.post_payment, claire, 100, "cash", date="2026-02-28", match="lock date")
