"""pyx12 segments -> `Remittance` dataclasses, in file order.

pyx12 has split the file; this walks its segments once, keeping the current payment,
claim and service line (the 835's loops: header 1000A/1000B, claim 2100, line 2110), and
reads each element by its position in the guide. It then checks the 835's balancing
rules, which the guide states but pyx12 does not test, and warns where they fail:
a line's charge minus its adjustments is what it paid, a claim's too, the lines add up to
the claim, and the claims minus the provider-level adjustments to the payment.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from estimator.money import Cents, MoneyError, fmt, to_cents

from .model import (
    Adjustment, EraClaim, EraError, EraWarning, Party, Patient, ProviderAdjustment,
    Remittance, ServiceLine,
)

_CAS_TRIPLETS = range(2, 20, 3)   # CAS02/03/04 .. CAS17/18/19: reason, amount, quantity
_PLB_PAIRS = range(3, 15, 2)      # PLB03/04 .. PLB13/14: reason:reference, amount
_MOA_REMARKS = range(3, 8)        # MOA03..MOA07
_MIA_REMARKS = (5, 20, 21, 22, 23, 24)


def assemble(segments, name: str):
    """(remittances, the transaction set ids seen, warnings) from numbered pyx12 segments."""
    builder = _Builder(name)
    for number, seg in segments:
        builder.feed(number, seg)
    builder.close_remittance()
    return builder.remittances, builder.found, builder.warnings


def value(seg, pos: int, sub: int | None = None) -> str:
    """Element `pos` (or its component `sub`) of a pyx12 segment, '' when absent."""
    # Straight to pyx12's parsed elements: `Segment.get_value` parses a reference
    # designator on every call, which cost more than the rest of the reading.
    elements = seg.elements
    if pos > len(elements):
        return ""
    composite = elements[pos - 1]
    if sub is None:
        return composite.format().strip()
    parts = composite.elements
    return parts[sub - 1].value.strip() if sub <= len(parts) else ""


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.remittances: list[Remittance] = []
        self.found: list[str] = []
        self.warnings: list[EraWarning] = []
        self.version = ""
        self.pay: dict | None = None    # the payment being read (ST..SE)
        self.party: str | None = None  # N1 loop we are in: PR or PE
        self.claim: dict | None = None
        self.line: dict | None = None
        self.no = 0

    def feed(self, number: int, seg) -> None:
        self.no = number
        seg_id = seg.get_seg_id()
        if seg_id == "GS":
            self.version = value(seg, 8)
        elif seg_id == "ST":
            self.open_remittance(seg)
        elif seg_id == "SE":
            self.close_remittance()
        elif self.pay is not None:
            handler = getattr(self, f"_{seg_id}", None)
            if handler is not None:
                handler(seg)

    # --- the payment ------------------------------------------------------------------

    def open_remittance(self, seg) -> None:
        self.close_remittance()
        kind = value(seg, 1)
        self.found.append(kind)
        if kind != "835":
            self.warn(f"transaction set {kind} skipped: not an 835")
            return
        self.pay = dict(control_number=value(seg, 2), version=self.version, handling="",
                        amount=0, method="", date=None, trace_number="", payer=Party(""),
                        payee=Party(""), claims=[], provider_adjustments=[], segment=self.no)
        self.party = None

    def close_remittance(self) -> None:
        self.close_claim()
        if self.pay is None:
            return
        pay, self.pay = self.pay, None
        pay["claims"] = tuple(pay["claims"])
        pay["provider_adjustments"] = tuple(pay["provider_adjustments"])
        remittance = Remittance(**pay)
        self._check_payment(remittance)
        self.remittances.append(remittance)

    def _BPR(self, seg) -> None:
        amount = self.money(seg, 2)
        self.pay.update(handling=value(seg, 1), method=value(seg, 4), date=self.date(seg, 16),
                        amount=-amount if value(seg, 3) == "D" else amount)

    def _TRN(self, seg) -> None:
        if not self.pay["trace_number"]:
            self.pay.update(trace_number=value(seg, 2), originator_id=value(seg, 3) or None)

    def _N1(self, seg) -> None:
        self.party = {"PR": "payer", "PE": "payee"}.get(value(seg, 1))
        if self.party and self.claim is None:
            self.pay[self.party] = Party(value(seg, 2), value(seg, 3) or None, value(seg, 4) or None)

    def _REF(self, seg) -> None:
        if self.line is not None:
            if value(seg, 1) == "6R":
                self.line["control_number"] = value(seg, 2) or None
        elif self.claim is None and self.party == "payer" and value(seg, 1) == "2U":
            payer = self.pay["payer"]
            if payer.id is None:
                self.pay["payer"] = replace(payer, id_qualifier="2U", id=value(seg, 2) or None)

    def _DTM(self, seg) -> None:
        qualifier = value(seg, 1)
        if self.line is not None:
            if qualifier in ("472", "150"):
                self.line["date"] = self.date(seg, 2)
        elif self.claim is not None:
            key = {"232": "date", "233": "date_to", "050": "received"}.get(qualifier)
            if key:
                self.claim[key] = self.date(seg, 2)
        elif qualifier == "405":
            self.pay["production_date"] = self.date(seg, 2)

    def _PLB(self, seg) -> None:
        self.close_claim()
        fiscal = self.date(seg, 2)
        for pos in _PLB_PAIRS:
            reason = value(seg, pos, 1)
            if not reason:
                continue
            self.pay["provider_adjustments"].append(ProviderAdjustment(
                reason, self.money(seg, pos + 1), value(seg, pos, 2) or None,
                value(seg, 1) or None, fiscal, self.no))

    # --- claims and lines -------------------------------------------------------------

    def _CLP(self, seg) -> None:
        self.close_claim()
        self.claim = dict(
            claim_id=value(seg, 1), status=value(seg, 2), billed=self.money(seg, 3),
            paid=self.money(seg, 4), patient_responsibility=self.money(seg, 5),
            filing_code=value(seg, 6) or None, payer_claim_no=value(seg, 7) or None,
            adjustments=[], remarks=[], lines=[], segment=self.no)

    def close_claim(self) -> None:
        self.close_line()
        if self.claim is None:
            return
        claim, self.claim = self.claim, None
        dates = [ln.date for ln in claim["lines"] if ln.date]
        if claim.get("date") is None:
            claim["date"] = min(dates) if dates else None
        claim["lines"] = tuple(ln if ln.date else replace(ln, date=claim["date"])
                               for ln in claim["lines"])
        claim["adjustments"] = tuple(claim["adjustments"])
        claim["remarks"] = tuple(claim["remarks"])
        era_claim = EraClaim(**claim)
        self._check_claim(era_claim)
        self.pay["claims"].append(era_claim)

    def _NM1(self, seg) -> None:
        if self.claim is None or self.line is not None:
            return
        person = Patient(value(seg, 3), value(seg, 4), value(seg, 9) or None)
        if value(seg, 1) == "QC":
            self.claim["patient"] = person
        elif value(seg, 1) == "IL":
            self.claim["insured"] = person

    def _MOA(self, seg) -> None:
        self._remarks(seg, _MOA_REMARKS)

    def _MIA(self, seg) -> None:
        self._remarks(seg, _MIA_REMARKS)

    def _remarks(self, seg, positions) -> None:
        if self.claim is not None:
            self.claim["remarks"] += [v for v in (value(seg, p) for p in positions) if v]

    def _SVC(self, seg) -> None:
        if self.claim is None:
            return
        self.close_line()
        code = value(seg, 1, 2)
        units = value(seg, 5)
        self.line = dict(
            qualifier=value(seg, 1, 1), code=code, billed_code=value(seg, 6, 2) or code,
            modifiers=tuple(m for m in (value(seg, 1, k) for k in range(3, 7)) if m),
            billed=self.money(seg, 2), paid=self.money(seg, 3),
            units=self.quantity(units) if units else Decimal(1),
            adjustments=[], remarks=[], segment=self.no)

    def close_line(self) -> None:
        if self.line is None:
            return
        line, self.line = self.line, None
        line["adjustments"] = tuple(line["adjustments"])
        line["remarks"] = tuple(line["remarks"])
        service = ServiceLine(**line)
        self._check_line(service)
        self.claim["lines"].append(service)

    def _CAS(self, seg) -> None:
        target = self.line if self.line is not None else self.claim
        if target is None:
            return
        group = value(seg, 1)
        for pos in _CAS_TRIPLETS:
            reason = value(seg, pos)
            if reason:
                qty = value(seg, pos + 2)
                target["adjustments"].append(Adjustment(
                    group, reason, self.money(seg, pos + 1), self.quantity(qty) if qty else None))

    def _AMT(self, seg) -> None:
        if self.line is not None and value(seg, 1) == "B6":
            self.line["allowed"] = self.money(seg, 2)

    def _LQ(self, seg) -> None:
        if self.line is not None and value(seg, 1) == "HE" and value(seg, 2):
            self.line["remarks"].append(value(seg, 2))

    # --- values -----------------------------------------------------------------------

    def money(self, seg, pos: int) -> Cents:
        """An amount in cents (empty = 0); more than two decimals refuses the file: an
        amount we cannot post exactly is not an amount to guess at."""
        text = value(seg, pos)
        if not text:
            return 0
        try:
            return to_cents(text)
        except MoneyError as exc:
            raise EraError(f"{self.name}: segment {self.no} {seg.get_seg_id()}{pos:02d}: "
                           f"{exc}") from None

    def quantity(self, text: str) -> Decimal | None:
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.warn(f"{text!r} is not a number of units")
            return None
        return number

    def date(self, seg, pos: int) -> date | None:
        text = value(seg, pos)
        if not text:
            return None
        try:
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            self.warn(f"{seg.get_seg_id()}{pos:02d} {text!r} is not a date (CCYYMMDD)")
            return None

    def warn(self, text: str) -> None:
        self.warnings.append(EraWarning(self.no, text))

    # --- the 835's balancing rules ----------------------------------------------------

    def _check_line(self, line: ServiceLine) -> None:
        adjusted = line.billed - sum(a.amount for a in line.adjustments)
        if adjusted != line.paid:
            self.warnings.append(EraWarning(line.segment, (
                f"service line {line.code}: charge {fmt(line.billed)} minus adjustments is "
                f"{fmt(adjusted)} but it pays {fmt(line.paid)}")))

    def _check_claim(self, claim: EraClaim) -> None:
        # The guide: the lines pay the claim, less what the claim-level CAS takes.
        level = sum(a.amount for a in claim.adjustments)
        lines_paid = sum(ln.paid for ln in claim.lines)
        if claim.lines and lines_paid - level != claim.paid:
            less = f" less claim adjustments {fmt(level)}" if level else ""
            self.warnings.append(EraWarning(claim.segment, (
                f"claim {claim.claim_id}: its lines pay {fmt(lines_paid)}{less} but the "
                f"claim pays {fmt(claim.paid)}")))
        adjustments = sum(a.amount for a in claim.adjustments) + sum(
            a.amount for ln in claim.lines for a in ln.adjustments)
        if claim.billed - adjustments != claim.paid:
            self.warnings.append(EraWarning(claim.segment, (
                f"claim {claim.claim_id}: charge {fmt(claim.billed)} minus adjustments is "
                f"{fmt(claim.billed - adjustments)} but it pays {fmt(claim.paid)}")))

    def _check_payment(self, pay: Remittance) -> None:
        expected = pay.claims_paid - pay.provider_adjustment_total
        if expected != pay.amount:
            self.warnings.append(EraWarning(pay.segment, (
                f"payment {pay.trace_number}: the claims pay {fmt(pay.claims_paid)} and the "
                f"provider adjustments take {fmt(pay.provider_adjustment_total)}, "
                f"which is {fmt(expected)}, but the payment is {fmt(pay.amount)}")))
