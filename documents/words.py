"""What both outputs print the same way: formats, labels, and the rows of the summary blocks.

Money goes through the one formatter (`estimator.money.fmt_grouped`); dates are printed the
way a US patient reads them (MM/DD/YYYY) by `day`, the only date format of the documents.
"""
from __future__ import annotations

from datetime import date

from estimator.ledger_types import Aging
from estimator.money import Cents, fmt_grouped
from estimator.statement_types import PatientActivity, Statement, Walkout

AGING_LABELS = ("0-30 days", "31-60 days", "61-90 days", "Over 90 days")


def money(cents: Cents | None) -> str:
    return fmt_grouped(cents)


def signed(cents: Cents) -> str:
    """"+180.00" / "-24.00" / "0.00": a line of the reconciliation."""
    return ("+" if cents > 0 else "") + fmt_grouped(cents)


def day(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"  # MM/DD/YYYY (strftime is slower)


def period(st: Statement) -> str:
    return f"Account activity from {day(st.period_start)} through {day(st.statement_date)}"


def totals_rows(st: Statement) -> list[tuple[str, str]]:
    """previous + charges - payments - insurance payments - write-offs +/- adjustments = new."""
    t = st.totals
    return [
        ("Previous balance", money(t.previous_balance)),
        ("Charges", signed(t.charges)),
        ("Payments", signed(-t.payments)),
        ("Insurance payments", signed(-t.insurance_payments)),
        ("Write-offs", signed(-t.writeoffs)),
        ("Adjustments", signed(t.adjustments)),
        ("New balance", money(t.new_balance)),
    ]


def aging_values(aging: Aging) -> tuple[str, str, str, str]:
    return (money(aging.current), money(aging.d31_60), money(aging.d61_90), money(aging.over_90))


def amount_due(st: Statement) -> tuple[str, str]:
    """The boxed figure: the amount due now, or the family's credit (never a negative due)."""
    if st.credit:
        return "Credit balance", money(st.credit)
    return "Amount due now", money(st.amount_due)


def due_note(st: Statement) -> str:
    if st.credit and st.new_balance < 0:
        return "No payment is due: your account has a credit."
    if st.credit:
        return "No payment is due: once insurance pays as estimated, your account will have a credit."
    if st.amount_due == 0:
        return "No payment is due."
    return ""


def pending_row(st: Statement) -> tuple[str, str]:
    return "Estimated insurance pending", money(st.insurance_pending)


def patient_summary(activity: PatientActivity) -> str:
    """The line under a member's transactions."""
    text = f"Balance {money(activity.new_balance)}"
    if activity.insurance_pending:
        text += (f" = insurance pending {money(activity.insurance_pending)}"
                 f" + patient portion {money(activity.patient_portion)}")
    return text


def walkout_totals(w: Walkout) -> list[tuple[str, str]]:
    return [
        ("Today's charges", money(w.charges)),
        ("Estimated insurance", money(w.insurance)),
        ("Estimated write-offs", money(w.writeoffs)),
        ("Your portion of today's work", money(w.patient_portion)),
        ("Paid today", money(w.paid_today)),
    ]


def walkout_balance(w: Walkout) -> list[tuple[str, str]]:
    return [
        ("Your account balance", money(w.balance.total)),
        ("Insurance pending", money(w.balance.insurance)),
        ("Your estimated balance", money(w.balance.patient)),
        ("Family balance", money(w.family_balance)),
    ]
