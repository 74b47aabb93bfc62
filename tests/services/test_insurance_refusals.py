"""Issue 11, "Refusals" (in the services, so the CLI and the TUI give the same answer): an
insurance payment whose paid + write-off is more than what is left on the procedure (what is
already posted on it counts: a second check must not overpay; not one cent over), a
supplemental payment that overpays, a deductible above the allowed fee. Refused with the
numbers in one line, nothing written; the overpayments post only with ``confirm_credit``."""
from __future__ import annotations

import pytest

from store import services
from store.services import CreditRefused, EobLine, ServiceError
from svc_helpers import line, pid, refused

pay = services.enter_insurance_payment


@pytest.fixture
def received(db):
    """James's scaling X1 (260.00): Delta (PPO, primary) paid 144.00 and wrote off 80.00:
    36.00 is left on it; Aetna's secondary claim is released (unsent)."""
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", provider="DOC1", date="2026-03-02")
    primary, secondary = services.create_claims(db, james)
    services.send_claim(db, primary)
    pay(db, [EobLine(primary, x1, 14400, writeoff=8000)], amount=14400, date="2026-03-20")
    return james, x1, primary, secondary


def test_refusal_a_second_check_counts_what_is_already_posted(db, received):
    james, x1, _, secondary = received
    message = refused(db, pay, [EobLine(secondary, x1, 5000)], amount=5000, match="credit")
    assert message == ("procedure PR1: the check pays 50.00 and writes off 0.00 but 36.00 is "
                       "left on it; the account would show a credit of 14.00: confirm the "
                       "credit to post it")


def test_refusal_not_one_cent_over(db, received):
    _, x1, _, secondary = received
    with pytest.raises(CreditRefused) as one_cent:
        pay(db, [EobLine(secondary, x1, 3601)], amount=3601)
    assert one_cent.value.credit == 1
    pay(db, [EobLine(secondary, x1, 3600)], amount=3600)  # exactly what is left: posted
    assert line(db, x1, "P2")["paid_cents"] == 3600


def test_refusal_a_supplemental_payment_that_overpays(db, received):
    _, x1, primary, _ = received
    refused(db, pay, [EobLine(primary, x1, 3700)], amount=3700,
            match="pays 37.00 and writes off 0.00 but 36.00 is left on it; the account would "
                  "show a credit of 1.00")
    pay(db, [EobLine(primary, x1, -1000)], amount=-1000)  # taking money back is never refused


def test_refusal_counts_the_patients_payments_on_the_procedure(db, received):
    james, x1, _, secondary = received
    services.post_payment(db, james, 3000, "cash", procedure=x1)
    refused(db, pay, [EobLine(secondary, x1, 3600)], amount=3600,
            match="36.00 and writes off 0.00 but 6.00 is left on it; the account would show "
                  "a credit of 30.00")


def test_refusal_confirmed_the_credit_posts_and_the_account_shows_it(db, received):
    james, x1, _, secondary = received
    pay(db, [EobLine(secondary, x1, 5000)], amount=5000, confirm_credit=True)
    assert line(db, x1, "P2")["paid_cents"] == 5000
    assert services.patient_balance(db, james).total == -1400


def test_refusal_a_first_check_with_a_write_off_past_the_charge(db):
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", provider="DOC1", date="2026-03-02")
    primary, _ = services.create_claims(db, james)
    refused(db, pay, [EobLine(primary, x1, 14400, writeoff=11601)], amount=14400,
            match="writes off 116.01 but 260.00 is left on it; the account would show a "
                  "credit of 0.01")
    pay(db, [EobLine(primary, x1, 14400, writeoff=11600)], amount=14400)  # to the cent: fine


def test_refusal_a_deductible_above_the_allowed_fee(db):
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", provider="DOC1", date="2026-03-02")
    primary, _ = services.create_claims(db, james)
    # Delta's allowed fee for D4341 is 180.00: a deductible above it is an entry error,
    # refused even when a credit would be confirmed
    for confirm in (False, True):
        refused(db, pay, [EobLine(primary, x1, 0, deductible=18001)], amount=0,
                confirm_credit=confirm,
                match="the deductible 180.01 on procedure PR1 is more than its allowed fee 180.00")
    pay(db, [EobLine(primary, x1, 0, deductible=18000)], amount=0)
    refused(db, pay, [EobLine(primary, x1, 0, deductible=1)], amount=0,  # supplemental: adds up
            match="the deductible 180.01")


def test_refusal_is_a_service_error_with_the_numbers(db, received):
    _, x1, _, secondary = received
    with pytest.raises(ServiceError, match=r"36\.00 is left"):
        pay(db, [EobLine(secondary, x1, 9999)], amount=9999)
