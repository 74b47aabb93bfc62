"""A payment the desk posts oldest first over two procedures: the export carries its split
and its stamp, and the ledger card's Proc Bal and Detail columns follow them."""
from __future__ import annotations

from datetime import date

from estimator import model as m
from store import services
from store.files.exporter import export_practice
from store.desks.frontdesk import DbFrontDesk
from store.files.practice_file import dumps_practice, parse_practice_text
from store.family.ids import IdMap
from store.services.payments import allocations_of
from svc_helpers import ACTOR, NOW, pid

DESK = m.Stamp(NOW, ACTOR.user, ACTOR.workstation, ACTOR.location)


def _claire_two_visits(db):
    """Claire owes 155.00 of the scaling (2026-02-10) and 90.00 of the restoration
    (2026-03-01); the cleaning in between is covered in full."""
    claire = pid(db, "WILSON_C")
    first = services.add_procedure(db, claire, "D4341", provider="DOC1", date="2026-02-10")
    services.add_procedure(db, claire, "D1110", provider="DOC1", date="2026-02-20")
    second = services.add_procedure(db, claire, "D2392", provider="DOC1", date="2026-03-01")
    return claire, first, second


def _payment_of(practice: m.Practice, amount: int) -> m.PatientPayment:
    return next(p for p in practice.patient_payments
                if p.patient == "WILSON_C" and p.amount == amount)


def test_oldest_first_split_is_exported_and_each_proc_bal_is_right(db):
    claire, first, second = _claire_two_visits(db)
    pay = services.post_payment(db, claire, 20000, "check", check_no="1001")
    assert allocations_of(db, pay) == [(first, 15500), (second, 4500)]
    x1, x2 = IdMap.generated("procedure", first), IdMap.generated("procedure", second)

    exported = export_practice(db)
    payment = _payment_of(exported, 20000)
    assert payment.procedure is None
    assert payment.allocations == (m.Allocation(x1, 15500), m.Allocation(x2, 4500))
    assert payment.stamp == DESK
    assert parse_practice_text(dumps_practice(exported)).practice == exported

    card = DbFrontDesk(db, today=lambda: date(2026, 3, 2)).card("WILSON_C")
    rows = {r.ref: r for r in card.rows if r.kind == "procedure"}
    scaling, filling = rows[f"procedure:{x1}"], rows[f"procedure:{x2}"]
    # 260.00 - 155.00 paid: insurance's 105.00 estimate is what is left
    assert (scaling.values["proc_bal"], scaling.values["ins_bal"], scaling.values["pt_bal"]) == \
        (10500, 10500, 0)
    assert scaling.marker == "I"
    # 180.00 - 45.00 paid: insurance 90.00, the patient 45.00
    assert (filling.values["proc_bal"], filling.values["ins_bal"], filling.values["pt_bal"]) == \
        (13500, 9000, 4500)
    assert filling.marker == "S"
    assert card.summary.balance.patient == 4500


def test_the_card_shows_who_posted_the_payment_and_when(db):
    claire, _, _ = _claire_two_visits(db)
    services.post_payment(db, claire, 20000, "check")
    card = DbFrontDesk(db, today=lambda: date(2026, 3, 2)).card("WILSON_C")
    pay = next(r for r in card.rows if r.kind == "patient_payment")
    assert [pay.cells.get(k) for k in ("trans_date", "trans_time", "user", "location")] == \
        ["2026-03-02", "09:30:00", "maria", "Main St"]
    procedures = [r for r in card.rows if r.kind == "procedure"]
    assert {r.cells["user"] for r in procedures} == {"maria"}


def test_a_reversed_split_exports_as_a_negative_split(db):
    claire, first, second = _claire_two_visits(db)
    pay = services.post_payment(db, claire, 20000, "check")
    services.reverse_payment(db, pay)
    back = _payment_of(export_practice(db), -20000)
    assert [a.amount for a in back.allocations] == [-15500, -4500]
    card = DbFrontDesk(db, today=lambda: date(2026, 3, 2)).card("WILSON_C")
    rows = {r.ref: r for r in card.rows if r.kind == "procedure"}
    assert rows[f"procedure:{IdMap.generated('procedure', first)}"].values["pt_bal"] == 15500
