"""What a statement lists and how, on a small family worked by hand; statements dated in the
past; the walk-out statement; refusals."""
from __future__ import annotations


import pytest

from estimator import ledger
from estimator.ledger_asof import as_of
from estimator.model import PatientPayment
from estimator.statement import StatementError, build_statement, default_period_start, mailing_name
from estimator.statement_types import ADJUSTMENT, CHARGE, INSURANCE_PAYMENT, PAYMENT, WRITEOFF, Party
from estimator.walkout import build_walkout
from statement_fixtures import OFFICE, d, family


def statement(day=d(30), **kw):
    practice, estimates = family()
    return build_statement(practice, estimates, "KID", statement_date=day, office=OFFICE, **kw)


def test_lines_per_patient_with_kinds_codes_and_descriptions():
    st = statement()
    assert [a.name for a in st.patients] == ["Lee, Ann", "Lee, Kid"]
    ann, kid = st.patients
    assert [(ln.date, ln.kind, ln.code, ln.description, ln.tooth, ln.amount) for ln in ann.lines] == [
        (d(1), CHARGE, "D2391", "Composite, one surface", "30 O", 15000),
        (d(15), INSURANCE_PAYMENT, "D2391", "Delta Dental payment", "", -9000),
        (d(15), WRITEOFF, "", "Write-off Delta Dental (D2391)", "", -2000),
        (d(20), PAYMENT, "", "Payment (D2391), check #1042", "", -4000),
    ]
    assert [(ln.kind, ln.description, ln.amount) for ln in kid.lines] == [
        (CHARGE, "Prophylaxis, adult", 8000),
        (ADJUSTMENT, "Professional courtesy (D1110)", -1000),
        (WRITEOFF, "Small balance write-off", -500),
    ]
    assert (ann.new_balance, kid.new_balance, kid.insurance_pending) == (0, 6500, 0)


def test_charges_and_credits_columns():
    ann = statement().patients[0]
    assert [(ln.charge, ln.credit) for ln in ann.lines] == [(15000, None), (None, 9000), (None, 2000), (None, 4000)]


def test_totals_and_amount_due_of_the_month():
    st = statement()
    t = st.totals
    assert (t.previous_balance, t.charges, t.payments, t.insurance_payments, t.writeoffs, t.adjustments,
            t.new_balance) == (0, 23000, 4000, 9000, 2500, -1000, 6500)
    assert (st.period_start, st.insurance_pending, st.amount_due, st.credit) == (d(1), 0, 6500, 0)
    assert st.aging.current == 6500 and st.aging.total == 6500
    assert (st.guarantor.name, st.account_no, st.guarantor_id) == ("Ann Lee", "ANN", "ANN")


def test_a_statement_dated_before_the_insurance_check_counts_it_as_pending():
    st = statement(d(10))
    assert [ln.kind for ln in st.lines] == [CHARGE]
    assert (st.new_balance, st.insurance_pending, st.amount_due) == (15000, 12000, 3000)
    assert [a.patient_id for a in st.patients] == ["ANN"]  # KID has nothing yet


def test_a_statement_dated_after_the_check_and_before_the_payment():
    st = statement(d(16))
    assert (st.new_balance, st.insurance_pending, st.amount_due) == (4000, 0, 4000)


def test_the_period_after_a_previous_statement_starts_the_next_day():
    start = default_period_start(d(16))
    assert start == d(17)
    st = statement(period_start=start)
    t = st.totals
    assert t.previous_balance == statement(d(16)).new_balance == 4000
    assert [ln.date for ln in st.lines] == [d(20), d(25), d(28), d(29)]
    assert t.previous_balance + sum(ln.amount for ln in st.lines) == t.new_balance == 6500
    assert default_period_start(None) is None


def test_past_day_changes_nothing_when_nothing_came_later():
    practice, estimates = family()
    assert as_of(practice, estimates, d(30)) == (practice, estimates)


def test_a_credit_is_shown_as_a_credit_not_a_negative_due():
    practice, estimates = family()
    overpaid = practice.patient_payments + (PatientPayment("KID", d(30), 10000, "cash"),)
    from dataclasses import replace
    st = build_statement(replace(practice, patient_payments=overpaid), estimates, "ANN",
                         statement_date=d(30), office=OFFICE)
    assert (st.new_balance, st.amount_due, st.credit) == (-3500, 0, 3500)


def test_refusals():
    with pytest.raises(StatementError, match="after the statement date"):
        statement(d(10), period_start=d(11))
    practice, estimates = family()
    with pytest.raises(StatementError, match="no patient 'NOPE'"):
        build_statement(practice, estimates, "NOPE", statement_date=d(30), office=OFFICE)


def test_text_fields_are_cleaned_and_the_address_kept():
    practice, estimates = family()
    st = build_statement(practice, estimates, "ANN", statement_date=d(30),
                         office=Party("Bright\x1b[2J Smiles", ("1 Main\u202e St",), "555\x07"),
                         guarantor=Party("Ann Lee", ("9 Elm St\r\n", "Town, ST 00001")),
                         message="Thank you!\nCall\x1b us.", account_no="A-1\x00")
    assert st.office == Party("Bright\u241b[2J Smiles", ("1 Main\ufffd St",), "555\u2407")
    assert st.guarantor.address == ("9 Elm St\u2424", "Town, ST 00001")
    assert (st.message, st.account_no) == ("Thank you!\nCall\u241b us.", "A-1\u2400")


def test_mailing_name():
    assert mailing_name("Delgado, Rosa") == "Rosa Delgado"
    assert mailing_name("Cher") == "Cher"


# --- walk-out ---------------------------------------------------------------------------

def test_walkout_of_the_visit_with_each_plans_share():
    practice, estimates = family()
    wo = build_walkout(practice, estimates, "ANN", d(1), office=OFFICE)
    (proc,) = wo.procedures
    assert (proc.code, proc.description, proc.tooth, proc.charge, proc.patient_portion) == (
        "D2391", "Composite, one surface", "30 O", 15000, 3000)
    (share,) = proc.plans
    # At the end of the visit the claim was not paid: the estimate, not the later payment.
    assert (share.order, share.plan_name, share.insurance, share.writeoff) == (1, "Delta Dental", 10000, 2000)
    assert (wo.charges, wo.insurance, wo.writeoffs, wo.patient_portion, wo.paid_today) == (
        15000, 10000, 2000, 3000, 0)
    assert (wo.balance.total, wo.balance.insurance, wo.balance.patient, wo.family_balance) == (
        15000, 12000, 3000, 15000)


def test_walkout_after_the_check_shows_what_was_received():
    practice, estimates = family()
    wo = build_walkout(practice, estimates, "ANN", d(20), office=OFFICE)
    assert wo.procedures == ()
    assert [(ln.kind, ln.amount) for ln in wo.paid] == [(PAYMENT, -4000)]
    assert wo.paid_today == 4000 and wo.balance.total == 0


def test_walkout_refused_for_a_day_without_anything():
    practice, estimates = family()
    with pytest.raises(StatementError, match="nothing was posted for Lee, Ann on 2026-06-21"):
        build_walkout(practice, estimates, "ANN", d(21), office=OFFICE)


def test_demo_walkouts_agree_with_the_ledger(demo):
    practice, estimates = demo
    visits = sorted({(p.date, p.patient) for p in practice.procedures if p.status == "complete"})[-15:]
    for day, patient in visits:
        wo = build_walkout(practice, estimates, patient, day, office=OFFICE)
        then = as_of(practice, estimates, day)
        ids = [p.id for p in then[0].procedures if p.patient == patient and p.date == day
               and p.status == "complete"]
        assert wo.patient_portion == sum(ledger.patient_portion(*then, pid) for pid in ids)
        assert wo.balance == ledger.balances(*then)[patient]
        adjustments = sum(a.amount for a in then[0].adjustments if a.procedure in ids)
        assert wo.patient_portion == wo.charges - wo.insurance - wo.writeoffs + adjustments
    assert visits
