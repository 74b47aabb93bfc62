"""The 835 writer: what it writes passes pyx12's validation against the 5010 guide with no
complaint, and reads back as the data it was given."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from era import read_era
from era.build import Envelope, build_835
from era.model import Patient, ProviderAdjustment
from remit_helpers import adj, clp, demo_claim, era_patient, interest, payment, svc

DAY = date(2026, 11, 9)


def _round_trip(remittances, envelope=Envelope()):
    era = read_era(build_835(remittances, envelope).encode(), name="built.835")
    assert era.validated and [str(w) for w in era.warnings] == []
    return era.remittances


def test_every_feature_the_writer_knows_validates_and_reads_back():
    many_reasons = [adj(f"CO-{r}", 100) for r in ("45", "253", "59", "94", "131", "42", "97")]
    claims = [
        clp("R1", [svc("D0120", -6500, -5200, adj("CO-45", -1300), day=DAY)], status="22"),
        clp("R1", [svc("D0120", 6500, 5000, adj("CO-45", 1500), day=DAY)]),
        clp("D1", [svc("D4341", 30000, 0, adj("PR-204", 30000), day=DAY, units=Decimal(4),
                       remarks=("M86", "N130"))], status="4"),
        clp("S1", [svc("D2150", 19500, 8000, adj("CO-45", 5500), adj("PR-2", 6000), day=DAY,
                       billed_code="D2392", modifiers=("GZ",), allowed=14000,
                       control_number="P88")]),
        clp("M1", [svc("D2740", 110000, 110000 - 700, *many_reasons, day=DAY)]),
        replace(clp("CL", [svc("D1110", 11500, 11500, day=DAY)], adjustments=[adj("CO-45", 2500)],
                    paid=9000),
                insured=Patient("NGUYEN", "HOA", "ML1"), remarks=("MA01",),
                date_to=DAY, received=date(2026, 11, 20)),
    ]
    plb = [interest(100 + i) for i in range(5)] + [ProviderAdjustment("WO", 2500, "OVP-1")]
    pay = payment(claims, plb=plb, method="ACH")
    (got,) = _round_trip([pay])
    assert replace(got, provider_adjustments=()) == replace(pay, provider_adjustments=())
    assert [(p.reason, p.amount, p.reference) for p in got.provider_adjustments] == [
        (p.reason, p.amount, p.reference) for p in plb]
    assert len(got.claims[4].lines[0].adjustments) == 7  # seven reasons, on two CAS segments


def test_more_than_six_provider_adjustments_take_a_second_plb():
    """The guide lets PLB repeat (pyx12 4.0 complains of a second FOOTER loop: its
    complaint, not the file's, so only the data is checked here)."""
    plb = [interest(100 + i) for i in range(7)] + [ProviderAdjustment("WO", 2500, "OVP-1")]
    text = build_835([payment([clp("C1", [svc("D0120", 6500, 6500, day=DAY)])], plb=plb)])
    assert text.count("~PLB*") == 2
    (got,) = read_era(text.encode(), name="plb.835").remittances
    assert [(p.reason, p.amount) for p in got.provider_adjustments] == [
        (p.reason, p.amount) for p in plb]


def test_a_debit_and_an_advice_without_payment_read_back():
    debit = payment([clp("R1", [svc("D0120", -6500, -5200, adj("CO-45", -1300), day=DAY)],
                         status="22")], trace="DEBIT1", method="ACH")
    advice = replace(payment([], trace="NOPAY1", control="0002"), handling="H", method="NON")
    got = _round_trip([debit, advice])
    assert got == (debit, advice) and got[0].amount == -5200


def test_an_era_written_from_the_demo_offices_sent_claims():
    """The MetLife claims the demo office has sent, paid at 80% of the fee."""
    pays = []
    for file_id in ("C0225", "C0227", "C0228"):
        ours = demo_claim(file_id)
        lines = [svc(ln.code, ln.fee, ln.fee * 8 // 10, adj("CO-45", ln.fee - ln.fee * 8 // 10),
                     day=ln.date) for ln in ours.lines]
        pays.append(clp(ours.sent_id, lines, patient=era_patient(ours)))
    pay = payment(pays, plb=[interest(250)])
    (got,) = _round_trip([pay], Envelope(newline=True, sender="METLIFE"))
    assert got == pay
    assert [len(c.lines) for c in got.claims] == [1, 2, 3]
