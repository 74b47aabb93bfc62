"""The ledger card's vocabulary: column groups, columns, rows, balances, totals.

Plain frozen data shared by the ledger arithmetic (`estimator.ledger`), the
headless renderer (`cli.ledger_text`) and the TUI. Money is integer cents.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from .frozen import EMPTY

GROUPS = ("Main", "Current", "Original", "Claim Status", "Detail")

# Posted and Code stay on screen while the rest of the card scrolls sideways.
FIXED_COLUMNS = ("posted", "code")

MAX_PLANS = 4  # primary .. quaternary

# Row kinds.
PROCEDURE = "procedure"
PATIENT_PAYMENT = "patient_payment"
INSURANCE_PAYMENT = "insurance_payment"
ADJUSTMENT = "adjustment"
DAY_SUMMARY = "day_summary"
NOTE = "note"
STATEMENT = "statement"  # a statement sent to the family (on the guarantor's card; no money)
ROW_KINDS = (PROCEDURE, PATIENT_PAYMENT, INSURANCE_PAYMENT, ADJUSTMENT, DAY_SUMMARY, NOTE, STATEMENT)
TEXT_KINDS = (NOTE, STATEMENT)  # lines that read across the card and carry no money

# Markers: who owes what is left on the line (the code colour, for terminals without colour).
PATIENT_OWES = "P"
INSURANCE_OWES = "I"
SPLIT = "S"
PAID_IN_FULL = "="
DENIED = "D"
CONVERTED = "C"
MARKERS = (PATIENT_OWES, INSURANCE_OWES, SPLIT, PAID_IN_FULL, DENIED, CONVERTED, "")

# Stable order within a posted date (then by id / file order). The store's ledger_entry table
# sorts by the same numbers (store/derived/ledger_entries.py), so keep them in step.
PRIORITY = {"procedure": 0, "insurance_payment": 1, "writeoff": 2, "capitation": 3,
            "patient_payment": 4, "adjustment": 5, "note": 6, "statement": 7}

# Money columns summed by day summaries and totals.
SUMMED_COLUMNS = ("billed", "ucr", "paid", "adjust", "balance")


@dataclass(frozen=True)
class Column:
    key: str      # snake_case; also the JSON / CSV key
    title: str
    group: str    # one of GROUPS
    width: int
    align: str = "left"  # "right" for money


def _money(key: str, title: str, group: str, width: int = 10) -> Column:
    return Column(key, title, group, width, "right")


# What a card's cells need, when the store knows it (`card_columns(widths=...)`): "money" is
# the widest amount on the card (``-12,345.67`` is 10), "claim_no" the longest claim number.
MONEY_WIDTH = "money"
CLAIM_NO_WIDTH = "claim_no"
CLAIM_NO_KEYS = ("claim_no", "claim_no1", "claim_no2", "claim_no3", "claim_no4")


def _sized(col: Column, widths: Mapping[str, int]) -> Column:
    """``col`` at least as wide as its title, and as wide as the card's content where the store
    measured it (amounts are never cut; claim numbers neither)."""
    width = col.width
    if col.align == "right" and MONEY_WIDTH in widths:
        width = widths[MONEY_WIDTH]
    elif col.key in CLAIM_NO_KEYS and CLAIM_NO_WIDTH in widths:
        width = max(width, widths[CLAIM_NO_WIDTH])
    width = max(width, len(col.title))
    return col if width == col.width else Column(col.key, col.title, col.group, width, col.align)


def card_columns(n_plans: int, widths: Mapping[str, int] | None = None,
                 location: bool = True) -> tuple[Column, ...]:
    """Every column of the card, group by group; ``Ins N`` columns for N <= n_plans (1..4).
    ``location``: the Location column, which appears only where several locations have been
    set up (a group of practices).

    ``widths`` (`MONEY_WIDTH`, `CLAIM_NO_WIDTH`): what the card's content needs, measured by
    the store; without it money columns are 10 wide (``-99,999.99``) and the screen shows
    ``#`` marks for a wider amount."""
    n = max(1, min(MAX_PLANS, n_plans))
    plans = range(1, n + 1)
    main = (
        Column("posted", "Posted", "Main", 10),
        Column("complete", "Complete", "Main", 10),
        Column("code", "Code", "Main", 10),
        Column("ins_code", "Insurance", "Main", 9),
        Column("provider", "Provider", "Main", 8),
        Column("tooth", "Tth", "Main", 4),
        Column("surface", "Surf/Rt", "Main", 7),
        _money("billed", "Billed", "Main"),
        _money("ucr", "UCR", "Main"),
        _money("paid", "Paid", "Main"),
        _money("adjust", "Adjust", "Main"),
        _money("balance", "Balance", "Main"),
        Column("service", "Service", "Main", 30),
    )
    current = (
        _money("proc_bal", "Proc Bal", "Current"),
        _money("pt_bal", "Pt Bal", "Current"),
        _money("ins_bal", "Ins Bal", "Current"),
        _money("wo_bal", "W/O Est", "Current"),  # expected write-off: never what a carrier pays
        *(_money(f"ins{n}_bal", f"Ins {n} Bal", "Current") for n in plans),
    )
    original = (
        _money("orig_charge", "Charge", "Original"),
        _money("orig_patient", "Patient", "Original"),
        _money("orig_insurance", "Insurance", "Original"),
        _money("orig_writeoff", "W/O Est", "Original"),
        *(_money(f"ins{n}_est", f"Ins {n} Est", "Original") for n in plans),
    )
    claim_status = tuple(Column(f"ins{n}_claim", f"Ins {n} Claim", "Claim Status", 13) for n in plans)
    # Free text (notes, service) is cut with "…" on the card and shown whole, wrapped, in the
    # line's detail (Enter); numbers people read back (check, claim) get room for the usual ones.
    detail = (
        Column("notes", "Notes", "Detail", 30),
        Column("payment_by", "Payment By", "Detail", 10),
        Column("check_no", "Check #", "Detail", 14),
        Column("bank_no", "Bank #", "Detail", 12),
        Column("preauth_no", "Pre Auth #", "Detail", 12),
        Column("trans_date", "Trans Date", "Detail", 10),
        Column("trans_time", "Trans Time", "Detail", 10),
        Column("user", "User", "Detail", 8),
        *((Column("location", "Location", "Detail", 10),) if location else ()),
        Column("claim_no", "Claim No", "Detail", 12),
        *(Column(f"claim_no{n}", f"Claim No {n}", "Detail", 12) for n in plans),
    )
    every = main + current + original + claim_status + detail
    return tuple(_sized(c, widths or {}) for c in every)


@dataclass(frozen=True)
class CardRow:
    kind: str          # ROW_KINDS
    ref: str           # what Enter opens: "procedure:<id>", "patient_payment:<n>",
    #                    "claim_payment:<claim id>:<proc id>", "adjustment:<n>", "note:<n>",
    #                    "statement:<n>", "" for summaries
    posted: date
    marker: str        # MARKERS
    cells: Mapping[str, str] = field(default_factory=lambda: EMPTY)   # column key -> display text
    values: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # column key -> cents (money cells)

    @property
    def is_money(self) -> bool:
        """A row that carries money (not a summary, a note, a statement sent or a later visit)."""
        return self.kind not in (DAY_SUMMARY, *TEXT_KINDS) and bool(self.values)


@dataclass(frozen=True)
class Aging:
    current: int   # 0-30 days
    d31_60: int
    d61_90: int
    over_90: int

    @property
    def total(self) -> int:
        return self.current + self.d31_60 + self.d61_90 + self.over_90


@dataclass(frozen=True)
class Balance:
    total: int       # the account balance
    insurance: int   # what insurance is still expected to cover: estimates + write-off estimates
    patient: int     # total - insurance
    writeoff_est: int = 0  # the part of `insurance` expected to be written off, not paid

    @property
    def ins_est(self) -> int:
        """What the carriers are expected to pay (the screens' "Ins est", apart from W/O est)."""
        return self.insurance - self.writeoff_est


@dataclass(frozen=True)
class OriginalSplit:
    """A completed procedure's split as estimated when the work was posted, frozen then
    (the card's Original group): its charge and each plan's (estimate, write-off estimate)."""
    charge: int
    estimates: Mapping[str, tuple[int, int]] = field(default_factory=lambda: EMPTY)  # plan id ->


@dataclass(frozen=True)
class AccountSummary:
    patient_id: str
    name: str
    guarantor_id: str
    guarantor_name: str
    members: tuple[tuple[str, str], ...]  # (patient id, name) of the family
    balance: Balance
    family_total: int
    aging: Aging


@dataclass(frozen=True)
class CardTotals:
    billed: int
    ucr: int
    paid: int
    adjust: int
    balance: int
    cancelled: int
    failed: int
    kept: int
    percent_kept: int | None  # None when there are no kept/cancelled/failed appointments


@dataclass(frozen=True)
class LedgerCard:
    summary: AccountSummary
    columns: tuple[Column, ...]
    rows: tuple[CardRow, ...]
    totals: CardTotals
