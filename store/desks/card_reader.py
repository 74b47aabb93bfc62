"""An account's ledger card over the database: the read side `store.desks.frontdesk` hands
accounts to (imported on the first account opened, so Find patient starts without it).

An opened account never loads its ledger: the card's lines are `ledger_entry` rows
(`store.derived.ledger_entries`, kept current by every posting), so its size, day index, totals
and header are SQL sums over them (`store.read.ledger_summary`, cached until anything is
posted: the database's revision moves), and `rows` reads only the window asked for
(`store.read.ledger_window`), building it with the same pure code as
`estimator.ledger.build_card`.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Callable, Sequence

from estimator.ledger import LedgerCard
from estimator.ledger_balance import portion_of
from estimator.ledger_codes import claim_number
from estimator.ledger_index import LedgerIndex
from estimator.ledger_rows import day_summary_row
from estimator.ledger_types import AccountSummary, CardRow, CardTotals, card_columns
from estimator.money import fmt_grouped
from estimator.views import AccountView, DetailSection, LineDetail, procedure_detail

from ..connection import Database, snapshot
from ..derived.ledger_entries import ADJUSTMENT, INSURANCE, NOTE, PATIENT_PAYMENT, STATEMENT
from ..family.ids import display_name, guarantor_of, load_id_map
from ..read import ledger_summary
from ..read.ledger_summary import Day
from ..read.ledger_window import ENTRY_COLUMNS, ORDER, Window

CACHED_CARDS = 4     # open cards kept (per revision): memory stays flat
PRINT_CHUNK = 2_000  # entries per window when the whole card is printed


@dataclass
class _Card:
    """One patient's card as of one revision: its shape and header, never its lines."""
    revision: int
    db_id: int
    members: list[int]       # the family's patients (database ids)
    days: list[Day]
    starts: list[int]        # first row of each day
    view: AccountView


class CardReader:
    """Cards by patient, cached per database revision (`DbFrontDesk.revision`)."""

    def __init__(self, db: Database, *, today: Callable[[], date],
                 revision: Callable[[], int], patient_db_id: Callable[[str | int], int],
                 db_id: Callable[[str, str], int | None]):
        self.db = db
        self.today = today
        self.revision = revision
        self.patient_db_id = patient_db_id
        self._db_id = db_id
        self._cards: OrderedDict[int, _Card] = OrderedDict()

    def _card(self, patient_id: str | int) -> _Card:
        db_id = self.patient_db_id(patient_id)
        revision = self.revision()
        card = self._cards.get(db_id)
        if card is None or card.revision != revision:
            card = self._cards[db_id] = self._open(db_id, revision)
            while len(self._cards) > CACHED_CARDS:
                self._cards.popitem(last=False)
        self._cards.move_to_end(db_id)
        return card

    def _open(self, db_id: int, revision: int) -> _Card:
        """Sums of the family's ledger entries: the card's shape, totals and header."""
        today = self.today()
        gid = guarantor_of(self.db, db_id)
        family = self.db.execute_sql(
            "SELECT id, last_name, first_name, coalesce(guarantor_id, id) FROM patient "
            "WHERE id = ? OR guarantor_id = ? ORDER BY id", (gid, gid)).fetchall()
        members = [row[0] for row in family]
        ids = load_id_map(self.db, kinds=("patient",),
                          where={"patient": f"id IN ({','.join(map(str, members))})"})
        pid = ids.practice_id("patient", db_id)
        names = {i: display_name(last, first) for i, last, first, _ in family}
        accounts = ledger_summary.accounts(self.db, members, today)
        # The family on the header: everyone with the patient's guarantor (`LedgerIndex.family_of`).
        kin = [i for i, _, _, g in family if g == gid]
        gpid = ids.to_practice["patient"].get(gid, "")
        kin.sort(key=lambda i: (ids.practice_id("patient", i) != gpid, names[i],
                                ids.practice_id("patient", i)))
        account = accounts[db_id]
        summary = AccountSummary(
            patient_id=pid, name=names[db_id], guarantor_id=gpid,
            guarantor_name=names.get(gid, ""),
            members=tuple((ids.practice_id("patient", i), names[i]) for i in kin),
            balance=account.balance, family_total=sum(accounts[i].total for i in kin),
            aging=ledger_summary.family_aging([accounts[i] for i in kin]))
        n_plans = ledger_summary.plan_count(self.db, db_id, account)
        starts = [0, *accumulate(day.rows for day in account.days)]
        view = AccountView(
            summary=summary, n_plans=n_plans,
            benefits=ledger_summary.benefits(self.db, db_id, members, today),
            totals=ledger_summary.card_totals(self.db, db_id, account.days),
            row_count=starts[-1],
            columns=card_columns(n_plans, ledger_summary.content_widths(self.db, members,
                                                                        account.days),
                                 location=self._locations() > 1))
        return _Card(revision, db_id, members, account.days, starts[:-1], view)

    def _locations(self) -> int:
        """Locations set up (the Location column appears only for a group of several)."""
        return self.db.execute_sql("SELECT count(*) FROM location").fetchone()[0]

    def _snapshot(self):
        """One read transaction: a card's several statements see one state of the database
        even when another workstation commits meanwhile (WAL readers never block writers)."""
        return snapshot(self.db)

    def account(self, patient_id: str) -> AccountView:
        with self._snapshot():
            return self._card(patient_id).view

    def rows(self, patient_id: str, start: int, stop: int) -> Sequence[CardRow]:
        with self._snapshot():
            return self._rows(self._card(patient_id), start, stop)

    def _rows(self, card: _Card, start: int, stop: int) -> list[CardRow]:
        """Rows ``start:stop``: the window's ledger entries (read by key, then offset within
        its first day) with the day summary lines put after their days."""
        start, stop = max(0, start), min(stop, card.view.row_count)
        if start >= stop:
            return []
        first = bisect_right(card.starts, start) - 1
        slots: list[tuple[Day, bool]] = []  # (day, True: an entry / False: its summary)
        d, pos = first, start
        while pos < stop:
            day, local = card.days[d], pos - card.starts[d]
            take = min(stop - pos, day.rows - local)
            slots += [(day, k < day.entries) for k in range(local, local + take)]
            pos, d = pos + take, d + 1
        wanted = sum(is_entry for _, is_entry in slots)
        skip = min(start - card.starts[first], card.days[first].entries)
        entries = self.db.execute_sql(
            f"SELECT {ENTRY_COLUMNS} FROM ledger_entry e WHERE e.patient_id = ? AND e.posted >= ? "
            f"ORDER BY {ORDER} LIMIT ? OFFSET ?",
            (card.db_id, card.days[first].posted.isoformat(), wanted, skip)).fetchall()
        built = iter(Window(self.db, card.db_id, entries).rows() if entries else ())
        return [next(built) if is_entry else day_summary_row(day.posted, day.money, day.sums)
                for day, is_entry in slots]

    def totals(self, patient_id: str, start: date | None, end: date | None) -> CardTotals:
        """The totals line over the days posted from ``start`` to ``end`` (None: open)."""
        with self._snapshot():
            card = self._card(patient_id)
            days = [d for d in card.days if (start is None or d.posted >= start)
                    and (end is None or d.posted <= end)]
            return ledger_summary.card_totals(self.db, card.db_id, days)

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        with self._snapshot():
            card = self._card(patient_id)
        return [(day.posted, start) for day, start in zip(card.days, card.starts)]

    def card(self, patient_id: str | int) -> LedgerCard:
        """The whole card (printing: `dentledger ledger`), read window by window."""
        with self._snapshot():
            card = self._card(patient_id)
            view = card.view
            rows: list[CardRow] = []
            for start in range(0, view.row_count, PRINT_CHUNK):
                rows += self._rows(card, start, start + PRINT_CHUNK)
        return LedgerCard(view.summary, view.columns, tuple(rows), view.totals)

    # -- line detail ---------------------------------------------------------------
    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        with self._snapshot():
            return self._line_detail(self._card(patient_id), ref)

    def _line_detail(self, card: _Card, ref: str) -> LineDetail:
        kind, _, key = ref.partition(":")
        if kind == "procedure":
            proc = self._db_id("procedure", key)
            if proc is None or not self._in_family(card, proc):
                raise KeyError(ref)
            return _procedure_detail(Window(self.db, card.db_id, procedures=[proc]), key)
        entry = self._entry(card, kind, key)
        if entry is None:
            raise KeyError(ref)
        row = Window(self.db, card.db_id, [entry]).rows()[0]
        titles = {c.key: c.title for c in card.view.columns}
        fields = tuple((titles.get(k, k), fmt_grouped(row.values[k]) if k in row.values else v)
                       for k, v in row.cells.items() if v)
        return LineDetail(title=f"{row.kind.replace('_', ' ').title()} {row.posted}",
                          sections=(DetailSection("Line", fields),))

    def _entry(self, card: _Card, kind: str, key: str):
        """The first ledger entry behind a row ref (see `CardRow.ref`)."""
        numbered = {"patient_payment": PATIENT_PAYMENT, "adjustment": ADJUSTMENT, "note": NOTE,
                    "statement": STATEMENT}
        sql = f"SELECT {ENTRY_COLUMNS} FROM ledger_entry e WHERE e.patient_id = ? "
        if kind in numbered and key.isdigit():
            return self.db.execute_sql(sql + "AND e.priority = ? AND e.ref_no = ?",
                                       (card.db_id, numbered[kind], int(key))).fetchone()
        if kind != "claim_payment":
            return None
        claim_id, _, proc_id = key.partition(":")
        claim, proc = self._db_id("claim", claim_id), self._db_id("procedure", proc_id)
        if claim is None or proc is None:
            return None
        return self.db.execute_sql(
            sql.replace("FROM ledger_entry e", "FROM ledger_entry e JOIN claim_payment_line l "
                        "ON l.id = e.src_id JOIN claim_proc cp ON cp.id = l.claim_proc_id "
                        "JOIN claim_payment pay ON pay.id = l.payment_id")
            + f"AND e.priority = {INSURANCE} AND e.procedure_id = ? "
            f"AND coalesce(cp.claim_id, pay.claim_id) = ? ORDER BY {ORDER} LIMIT 1",
            (card.db_id, proc, claim)).fetchone()

    def _in_family(self, card: _Card, procedure_id: int) -> bool:
        row = self.db.execute_sql("SELECT patient_id FROM procedure WHERE id = ? "
                                  "AND status != 'deleted'", (procedure_id,)).fetchone()
        return row is not None and row[0] in card.members



def _procedure_detail(window: Window, proc_id: str) -> LineDetail:
    idx: LedgerIndex = window.index
    proc = idx.procedures.get(proc_id)
    if proc is None:
        raise KeyError(proc_id)
    description = next((c.description for c in idx.practice.procedure_codes
                        if c.code == proc.code), "")
    lines = [ln for (p, _), ln in window.estimates.items() if p == proc.id]
    return procedure_detail(proc, description, portion_of(idx, proc), lines,
                            plan_names=_plan_names(idx), claim_numbers=_claim_numbers(idx))


def _plan_names(idx: LedgerIndex) -> dict[str, str]:
    """Plan id -> "Carrier (employer, group G)", as the office names a plan."""
    out = {}
    for plan_id, plan in idx.plans.items():
        carrier = idx.carriers.get(plan.carrier)
        what = ", ".join(filter(None, (plan.employer, plan.group_number and
                                       f"group {plan.group_number}")))
        name = carrier.name if carrier else plan_id
        out[plan_id] = f"{name} ({what})" if what else name
    return out


def _claim_numbers(idx: LedgerIndex) -> dict[str, str]:
    return {claim_id: claim_number(claim) for claim_id, claim in idx.claims.items()}
