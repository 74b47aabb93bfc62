"""The account header (above the card) and totals (under it), as plain Text.

Names are cleaned and never parsed as markup; amounts are formatted by
`estimator.money.fmt_grouped` only.
"""
from __future__ import annotations

from rich.text import Text

from estimator.ledger_types import CardTotals
from estimator.money import fmt_grouped
from estimator.text import clean
from tui.ports import AccountView, PlanBenefit

LABEL = "dim"
STRONG = "bold"


def _pair(text: Text, label: str, value: str, *, gap: str = "  ") -> None:
    if text.plain:
        text.append(gap)
    text.append(f"{label} ", LABEL)
    text.append(value, STRONG)


def header_text(view: AccountView, *, wide: bool = False) -> Text:
    """Patient, guarantor and family; balance split; aging; insurance remaining.

    ``wide`` (a 140+ column terminal) puts family, aging and plans on fewer lines.
    """
    s = view.summary
    out = Text(end="")
    out.append(clean(s.name), "bold reverse")
    out.append(f"  #{clean(s.patient_id)}", LABEL)
    _pair(out, "Guarantor", clean(s.guarantor_name), gap="   ")
    if len(s.members) > 1:
        out.append("   " if wide else "\n")
        out.append_text(_family(view))
    out.append("\n")
    out.append_text(_balance_line(view))
    out.append("   " if wide else "\n")
    out.append_text(_aging_line(view))
    for i, benefit in enumerate(view.benefits):
        out.append("   " if wide and i else "\n")
        out.append_text(benefit_line(benefit))
    return out


def _family(view: AccountView) -> Text:
    s = view.summary
    line = Text()
    line.append("Family ", LABEL)
    for i, (member_id, name) in enumerate(s.members):
        if i:
            line.append(" · ", LABEL)
        line.append(clean(name), "bold underline" if member_id == s.patient_id else "")
    line.append("  (, . switch)", LABEL)
    return line


def _balance_line(view: AccountView) -> Text:
    b = view.summary.balance
    line = Text()
    _pair(line, "Balance", fmt_grouped(b.total))
    # What the carriers are expected to pay apart from what they will write off (issue 11).
    _pair(line, "Ins est", fmt_grouped(b.ins_est))
    _pair(line, "W/O est", fmt_grouped(b.writeoff_est))
    _pair(line, "Pt est", fmt_grouped(b.patient))
    # "Family" (as on Find patient): the line with W/O est still fits 80 columns
    _pair(line, "Family", fmt_grouped(view.summary.family_total), gap="   ")
    return line


def _aging_line(view: AccountView) -> Text:
    a = view.summary.aging
    line = Text()
    line.append("Aging", LABEL)
    for label, cents in (("0-30", a.current), ("31-60", a.d31_60), ("61-90", a.d61_90),
                         ("90+", a.over_90)):
        _pair(line, label, fmt_grouped(cents))
    return line


def benefit_line(benefit: PlanBenefit) -> Text:
    """``Ins 1 Delta PPO  max used 500.00  left 1,000.00  deductible left 0.00``."""
    line = Text()
    line.append("Ins ", LABEL)
    line.append(clean(benefit.label), STRONG)
    for label, cents in (("max used", benefit.annual_max_used), ("left", benefit.remaining),
                         ("deductible left", benefit.deductible_left)):
        _pair(line, label, fmt_grouped(cents, blank="n/a"))
    return line


def totals_text(totals: CardTotals, *, wide: bool = False) -> Text:
    """Card totals and appointment statistics (two lines; the "Totals" label only when wide)."""
    out = Text(end="")
    if wide:
        out.append("Totals", LABEL)
    for label, cents in (("Billed", totals.billed), ("UCR", totals.ucr), ("Paid", totals.paid),
                         ("Adjust", totals.adjust), ("Balance", totals.balance)):
        _pair(out, label, fmt_grouped(cents))
    out.append("\nAppointments", LABEL)
    kept = "n/a" if totals.percent_kept is None else f"{totals.percent_kept}%"
    for label, value in (("cancelled", str(totals.cancelled)), ("failed", str(totals.failed)),
                         ("kept", str(totals.kept)), ("percent kept", kept)):
        out.append(f"  {label} ", LABEL)
        out.append(value, STRONG)
    return out
