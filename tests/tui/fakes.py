"""An in-memory FrontDesk for the TUI tests, built from hand-made ledger card rows.

Patients:
- P1 "Smith, John": a dozen hand-made lines, two plans, family P1/P2/P3.
- P2 "[bold]Smith[/]": markup-looking name, 6,000 generated lines.
- P3 "[@click=app.quit]x[/]": a name that would quit the app if parsed as markup.
- P4 an OSC escape ("\\x1b]2;evil\\x07") in the name, a cell and the line detail.
`FakeFrontDesk.big(n)` adds patient "BIG" with ``n`` generated lines (made on demand).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Sequence

from estimator.ledger_types import (
    AccountSummary, Aging, Balance, CardRow, CardTotals, card_columns,
)
from estimator.money import fmt_grouped
from tui.ports import AccountView, DetailSection, LineDetail, PatientHit, PlanBenefit

EVIL = "\x1b]2;evil\x07"
MONEY_KEYS = {"billed", "ucr", "paid", "adjust", "balance", "proc_bal", "pt_bal", "ins_bal",
              "ins1_bal", "ins2_bal", "orig_charge", "orig_patient", "orig_insurance",
              "ins1_est", "ins2_est"}


def row(kind: str, ref: str, day: date, marker: str = "", **cells: str | int) -> CardRow:
    """A card row posted on ``day``; int cells are cents (formatted here, kept in ``values``)."""
    text = {"posted": day.isoformat()}
    values = {}
    for key, value in cells.items():
        if isinstance(value, int):
            values[key] = value
            text[key] = fmt_grouped(value)
        else:
            text[key] = value
    return CardRow(kind, ref, day, marker, text, values)


def smith_rows() -> list[CardRow]:
    d1, d2, d3, d4 = date(2024, 1, 8), date(2024, 2, 12), date(2024, 3, 4), date(2024, 4, 22)
    return [
        row("procedure", "procedure:1", d1, "=", code="0D0120", complete=d1.isoformat(),
            ins_code="D0120", provider="DDS1", service="Periodic oral evaluation",
            billed=5500, ucr=6000, paid=5500, adjust=0, balance=0, ins1_claim="Received"),
        row("procedure", "procedure:2", d1, "I", code="0D1110", complete=d1.isoformat(),
            ins_code="D1110", provider="HYG1", service="Prophylaxis - adult",
            billed=9500, ucr=10000, paid=0, adjust=0, balance=9500, proc_bal=9500, ins_bal=9500,
            ins1_bal=9500, orig_charge=9500, orig_insurance=9500, ins1_est=9500, ins1_claim="Sent"),
        row("day_summary", "", d1, posted="", service="Day total", billed=15000, ucr=16000,
            paid=5500, adjust=0, balance=9500),
        row("procedure", "procedure:3", d2, "S", code="0D2392", complete=d2.isoformat(),
            ins_code="D2392", provider="DDS1", tooth="14", surface="MO",
            service="Resin composite - two surfaces, posterior", billed=21000, ucr=22000, paid=0,
            adjust=0, balance=21000, proc_bal=21000, pt_bal=4200, ins_bal=16800, ins1_bal=12600,
            ins2_bal=4200, orig_charge=21000, orig_patient=4200, orig_insurance=16800,
            ins1_claim="Sent", ins2_claim="Hold"),
        row("insurance_payment", "claim_payment:C1:1", d2, "=", code="1D0120",
            service="Delta Dental payment", paid=-5500, notes="EOB 2024-02-10",
            check_no="448120", payment_by="Check"),
        row("patient_payment", "patient_payment:1", d2, "=", code="3", service="Patient payment",
            paid=-2000, payment_by="Card"),
        row("day_summary", "", d2, posted="", service="Day total", billed=21000, ucr=22000,
            paid=-7500, adjust=0, balance=21000),
        row("procedure", "procedure:4", d3, "P", code="0D2740", complete=d3.isoformat(),
            ins_code="D2740", provider="DDS1", tooth="30", service="Crown - porcelain/ceramic",
            billed=120000, ucr=125000, paid=0, adjust=0, balance=60000, proc_bal=60000,
            pt_bal=60000, orig_charge=120000, orig_patient=60000, orig_insurance=60000,
            ins1_est=60000, ins1_claim="Denied"),
        row("adjustment", "adjustment:1", d3, "D", code="9", service="Courtesy discount",
            adjust=-5000),
        row("day_summary", "", d3, posted="", service="Day total", billed=120000, ucr=125000,
            paid=0, adjust=-5000, balance=60000),
        row("procedure", "procedure:5", d4, "C", code="0CONV", service="Balance from old system",
            billed=3000, balance=3000),
        row("note", "note:1", d4, "", code="", service="Called about the crown; will pay in May"),
    ]


def generated_row(i: int, start: date = date(2010, 1, 4)) -> CardRow:
    """Line ``i`` of a long card: 3 lines and a day summary per posted date."""
    day, pos = divmod(i, 4)
    posted = start + timedelta(days=day * 3)
    marker = "PIS=DC"[day % 6]
    if pos == 3:
        return row("day_summary", "", posted, posted="", service="Day total",
                   billed=10000 + day, paid=-4000, adjust=0, balance=6000 + day)
    kind, code = (("procedure", f"0D{1000 + day % 9000}"), ("insurance_payment", "1"),
                  ("patient_payment", "3"))[pos]
    return row(kind, f"{kind}:{i}", posted, marker, code=code, provider="DDS1",
               service=f"Line {i + 1}", billed=10000 + day if pos == 0 else 0,
               paid=-2000 if pos else 0, balance=6000 + day if pos == 0 else 0,
               ins1_claim="Sent" if pos == 0 else "")


@dataclass
class FakeAccount:
    summary: AccountSummary
    n_plans: int
    count: int
    get_row: Callable[[int], CardRow]
    days: list[tuple[date, int]]
    benefits: tuple[PlanBenefit, ...] = ()
    birthdate: date | None = None


def _days_of(rows: Sequence[CardRow]) -> list[tuple[date, int]]:
    days: list[tuple[date, int]] = []
    for i, r in enumerate(rows):
        if not days or days[-1][0] != r.posted:
            days.append((r.posted, i))
    return days


@dataclass
class FakeFrontDesk:
    """In-memory FrontDesk; counts the rows the card asks for."""
    accounts: dict[str, FakeAccount] = field(default_factory=dict)
    rev: int = 1
    row_calls: list[tuple[str, int, int]] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)

    @property
    def rows_requested(self) -> int:
        return sum(stop - start for _, start, stop in self.row_calls)

    # --- the FrontDesk protocol ---------------------------------------------

    def search(self, text: str, limit: int = 50, *, inactive: bool = False) -> list[PatientHit]:
        self.searches.append(text)
        needle = text.strip().lower()
        found = sorted((a for pid, a in self.accounts.items()
                        if needle in a.summary.name.lower() or needle == pid.lower()),
                       key=lambda a: a.summary.name.lower())
        return [self._hit(a) for a in found[:limit]]

    def account(self, patient_id: str) -> AccountView:
        a = self.accounts[patient_id]
        return AccountView(a.summary, a.n_plans, a.benefits, self._totals(a), a.count,
                           card_columns(a.n_plans))

    def rows(self, patient_id: str, start: int, stop: int) -> Sequence[CardRow]:
        a = self.accounts[patient_id]
        start, stop = max(0, start), min(stop, a.count)
        self.row_calls.append((patient_id, start, stop))
        return [a.get_row(i) for i in range(start, stop)]

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        return self.accounts[patient_id].days

    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        evil = patient_id == "P4"
        return LineDetail(
            title=f"Line {ref}" + (EVIL if evil else ""),
            sections=(
                DetailSection("Procedure", (("Code", "D2392"), ("Tooth", "14"), ("Fee", "210.00"),
                                            ("Note", "[bold]not bold[/]" + (EVIL if evil else "")))),
                DetailSection("Claim procedures", (("Ins 1 Delta Dental PPO", "est 126.00"),
                                                   ("Ins 2 Aetna", "est 42.00"))),
            ),
            explanation=("Ins 1: allowed 180.00 x 80% = 144.00; deductible 18.00 -> 126.00",
                         "Ins 2: standard COB: 168.00 - 126.00 = 42.00"),
        )

    def revision(self) -> int:
        return self.rev

    # --- helpers --------------------------------------------------------------

    def _hit(self, a: FakeAccount) -> PatientHit:
        s = a.summary
        return PatientHit(s.patient_id, s.name, a.birthdate, s.guarantor_name, s.balance.total,
                          s.balance.patient, s.family_total)

    @staticmethod
    def _totals(a: FakeAccount) -> CardTotals:
        return CardTotals(billed=178500, ucr=189000, paid=-7500, adjust=-5000, balance=93500,
                          cancelled=1, failed=0, kept=7, percent_kept=87)

    def add(self, pid: str, name: str, rows: Sequence[CardRow] | None = None, *,
            count: int = 0, get_row: Callable[[int], CardRow] | None = None,
            guarantor: tuple[str, str] = ("P1", "Smith, John"), members=(), n_plans: int = 1,
            benefits: tuple[PlanBenefit, ...] = (), birthdate: date | None = None) -> None:
        if rows is not None:
            count, get_row, days = len(rows), rows.__getitem__, _days_of(rows)
        else:
            days = [(generated_row(i).posted, i) for i in range(0, count, 4)]
        summary = AccountSummary(pid, name, guarantor[0], guarantor[1],
                                 tuple(members) or ((pid, name),), Balance(93500, 30100, 63400),
                                 250000, Aging(60000, 20000, 10000, 3500))
        self.accounts[pid] = FakeAccount(summary, n_plans, count, get_row, days, benefits,
                                         birthdate)

    def post(self, pid: str, new_row: CardRow) -> None:
        """A posting "at another terminal": the card gets one more line and the revision moves."""
        a = self.accounts[pid]
        old_get, old_count = a.get_row, a.count
        a.get_row = lambda i: new_row if i == old_count else old_get(i)
        a.count += 1
        self.rev += 1

    @classmethod
    def sample(cls) -> FakeFrontDesk:
        desk = cls()
        family = (("P1", "Smith, John"), ("P2", "[bold]Smith[/]"), ("P3", "[@click=app.quit]x[/]"))
        benefits = (PlanBenefit("1 Delta Dental PPO", 45000, 105000, 0),
                    PlanBenefit("2 Aetna", 0, None, 5000))
        desk.add("P1", "Smith, John", smith_rows(), members=family, n_plans=2, benefits=benefits,
                 birthdate=date(1980, 5, 17))
        desk.add("P2", "[bold]Smith[/]", count=6000, get_row=generated_row, members=family,
                 birthdate=date(2012, 9, 1))
        desk.add("P3", "[@click=app.quit]x[/]", smith_rows()[:3], members=family,
                 birthdate=date(2015, 2, 28))
        evil_rows = [row("procedure", "procedure:9", date(2024, 5, 1), "P", code="0D0140",
                         service="Limited exam" + EVIL, notes=EVIL, billed=8000, balance=8000)]
        desk.add("P4", "Jones" + EVIL + ", Ann", evil_rows, guarantor=("P4", "Jones, Ann"),
                 birthdate=date(1975, 12, 3))
        return desk

    @classmethod
    def big(cls, n: int) -> FakeFrontDesk:
        desk = cls.sample()
        desk.add("BIG", "Bigcard, Bertha", count=n, get_row=generated_row,
                 guarantor=("BIG", "Bigcard, Bertha"))
        return desk
