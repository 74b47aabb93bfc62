"""A window of a ledger card, read without the rest of the ledger.

The store knows a card's lines as `ledger_entry` rows (`store.derived.ledger_entries`). For the few
lines of a window this module reads a small Practice holding just what those rows show and
builds them with the pure card code (`estimator.ledger_rows.entry_rows`), so a window is
exactly the rows `estimator.ledger.build_card` gives for it:

- a procedure line (and its visits and capitation write-off) needs the procedure, its claim
  procedures, every claim payment line on it, its claims (with their lines: a claim with a
  payment is received), the patient payments allocated to it, the adjustments on it, its
  split frozen at posting and the unapplied money the family's rebuild shows on it;
- an insurance line needs its payment line, check, claim and procedure;
- a payment, adjustment or note needs itself and the procedures it names.

Plans, carriers, fee schedules, providers and codes come along (small tables). Rows are read
with the loader's own converters (`store.family.loader.PracticeReader`), restricted by ids instead of
by family; procedure overrides are left out (no card cell shows them).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, NamedTuple, Sequence

from estimator import model as m
from estimator.ledger_index import LedgerIndex
from estimator.ledger_rows import Entry, entry_rows
from estimator.ledger_types import CardRow
from estimator.results import LineEstimate

from ..connection import Database
from ..derived.ledger_entries import (
    ADJUSTMENT, CAPITATION, INSURANCE, NOTE, PATIENT_PAYMENT, PROCEDURE, STATEMENT, WRITEOFF,
)
from ..family.ids import IdMap, load_id_map
from ..family.loader import PracticeReader, stamp_columns, to_date

# The columns of ``ledger_entry e`` a window reads (see `EntryRow`), and the card's order.
ENTRY_COLUMNS = "e.posted, e.priority, e.k1, e.k2, e.k3, e.src_id, e.procedure_id, e.ref_no"
ORDER = "e.posted, e.priority, e.k1, e.k2, e.k3"


class EntryRow(NamedTuple):
    posted: str
    priority: int
    k1: int
    k2: int
    k3: int
    src_id: int
    procedure_id: int | None
    ref_no: int | None


def _inn(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in sorted(set(ids))) or "NULL"


class Window:
    """The practice behind some ledger entries of one patient, and their rows."""

    def __init__(self, db: Database, patient_id: int, entries: Sequence[EntryRow] = (),
                 procedures: Iterable[int] = ()):
        self.db, self.patient = db, patient_id
        self.entries = [EntryRow(*e) for e in entries]
        by = defaultdict(set)  # priority -> what to read: procedures, lines, payments, ...
        for e in self.entries:
            by[e.priority].add(e.procedure_id if e.priority == CAPITATION else e.src_id)
        # Procedures shown with their money (procedure, visit and capitation lines, details).
        self.full = by[PROCEDURE] | by[CAPITATION] | set(procedures)
        self.reader = _WindowReader(self, by[INSURANCE] | by[WRITEOFF], by[PATIENT_PAYMENT],
                                    by[ADJUSTMENT], by[NOTE], by[STATEMENT])
        self.practice = self.reader.practice()
        self.estimates = self.reader.lines()
        # What the window cannot work out from its few rows: the split frozen at posting and
        # the family's unapplied money shown on each line (`store.derived.applied_credits`).
        full = _inn(self.full)
        self.index = LedgerIndex(
            self.practice, self.estimates,
            originals=self.reader.originals_where(f"p.id IN ({full})"),
            applied={self.reader.pid("procedure", proc): cents for proc, cents in self.q(
                "SELECT procedure_id, sum(amount_cents) FROM applied_credit "
                f"WHERE procedure_id IN ({full}) GROUP BY 1")})

    def q(self, sql: str, params=()) -> list[tuple]:
        return self.db.execute_sql(sql, params).fetchall()

    def rows(self) -> tuple[CardRow, ...]:
        """The entries' rows, in the order given."""
        return entry_rows(self.index, [self.reader.entry(e) for e in self.entries])


class _WindowReader(PracticeReader):
    """`PracticeReader` over explicit ids: the window's rows and what they name."""

    def __init__(self, window: Window, lines: set[int], payments: set[int],
                 adjustments: set[int], notes: set[int], statements: set[int] = frozenset()):
        self.w = window
        q = window.q
        full = _inn(window.full)
        self.claim_procs = q("SELECT id, procedure_id, plan_id, claim_id, preauth_id "
                             f"FROM claim_proc WHERE procedure_id IN ({full})")
        claims = {c for row in self.claim_procs for c in row[3:] if c is not None}
        self.line_rows = self._lines(full, claims, lines)
        claims |= {row[2] for row in self.line_rows}
        self.claim_ids = claims
        self.payment_ids = payments | {p for (p,) in q(
            f"SELECT payment_id FROM payment_allocation WHERE procedure_id IN ({full})")}
        self.alloc = q("SELECT payment_id, procedure_id, amount_cents FROM payment_allocation "
                       f"WHERE payment_id IN ({_inn(self.payment_ids)}) ORDER BY id")
        self.adjustment_ids = adjustments | {a for (a,) in q(
            f"SELECT id FROM adjustment WHERE procedure_id IN ({full})")}
        self.adj_rows = q("SELECT x.id, x.patient_id, x.date, x.amount_cents, x.code_id, "
                          f"x.procedure_id, x.note, {stamp_columns('x')} FROM adjustment x "
                          f"WHERE x.id IN ({_inn(self.adjustment_ids)}) ORDER BY x.id")
        self.note_ids = notes
        self.statement_ids = statements
        # Procedures the rows show; lines on the claims' other procedures only name theirs.
        shown = (window.full | {row[3] for row in self.line_rows if row[0] in lines}
                 | {row[1] for row in self.alloc} | {row[5] for row in self.adj_rows if row[5]})
        named = shown | {row[3] for row in self.line_rows}
        self.procedure_rows = q(
            "SELECT p.id, p.patient_id, p.code_id, p.date, p.fee_cents, p.provider_id, p.status, "
            "p.tooth, p.surface, p.units, p.tp_order, p.completed, p.note, "
            f"{stamp_columns('p')} FROM procedure p WHERE p.id IN ({_inn(shown)}) "
            "AND p.status != 'deleted' ORDER BY p.id")
        self.claim_members = q(
            f"SELECT claim_id, procedure_id, claim_seq, id FROM claim_proc WHERE claim_id IN "
            f"({_inn(claims)}) UNION ALL SELECT preauth_id, procedure_id, preauth_seq, id "
            f"FROM claim_proc WHERE preauth_id IN ({_inn(claims)}) ORDER BY 1, 3, 4")
        ids = self._id_map(named | {row[1] for row in self.claim_members})
        super().__init__(window.db, ids, [window.patient])
        self.line_pos: dict[int, tuple[int, int]] = {}
        self.positions: dict[tuple[str, int], int] = {}

    # -- what to read ---------------------------------------------------------------
    def _lines(self, full: str, claims: set[int], lines: set[int]) -> list[tuple]:
        """Claim payment lines: the window's, every line on its procedures and on their claims."""
        q = self.w.q
        found = set(lines) | {i for (i,) in q(
            "SELECT l.id FROM claim_payment_line l WHERE l.claim_proc_id IN (SELECT id FROM "
            f"claim_proc WHERE procedure_id IN ({full}) OR claim_id IN ({_inn(claims)}))")}
        found |= {i for (i,) in q(  # lines of a check naming the claim, not the claim proc
            "SELECT l.id FROM claim_payment pay JOIN claim_payment_line l ON l.payment_id = pay.id "
            f"WHERE pay.claim_id IN ({_inn(claims)})")}
        return q(
            "SELECT l.id, l.payment_id, coalesce(cp.claim_id, pay.claim_id), cp.procedure_id, "
            "l.paid_cents, l.writeoff_cents, l.deductible_cents, l.denied, l.remarks "
            "FROM claim_payment_line l JOIN claim_proc cp ON cp.id = l.claim_proc_id "
            "JOIN claim_payment pay ON pay.id = l.payment_id "
            f"WHERE l.id IN ({_inn(found)}) AND coalesce(cp.claim_id, pay.claim_id) IS NOT NULL "
            "ORDER BY l.payment_id, l.id")

    def _id_map(self, procedures: set[int]) -> IdMap:
        q, patient = self.w.q, self.w.patient
        plans = ({row[2] for row in self.claim_procs}
                 | {p for (p,) in q(f"SELECT plan_id FROM claim WHERE id IN ({_inn(self.claim_ids)})")}
                 | {p for (p,) in q("SELECT plan_id FROM patient_coverage WHERE patient_id = ? "
                                    "UNION SELECT plan_id FROM benefit_used WHERE patient_id = ?",
                                    (patient, patient))})
        plan_in = f"id IN ({_inn(plans)})"
        owners = {row[1] for row in self.procedure_rows} | {g for (g,) in q(
            "SELECT coalesce(guarantor_id, id) FROM patient WHERE id = ?", (patient,))}
        ids = load_id_map(self.w.db, where={
            "patient": f"id IN ({_inn(owners | {patient})})", "plan": plan_in,
            "procedure": f"id IN ({_inn(procedures)})", "claim": f"id IN ({_inn(self.claim_ids)})",
            "carrier": f"id IN (SELECT carrier_id FROM plan WHERE {plan_in})",
            "fee_schedule": "id IN (SELECT fee_schedule_id FROM provider UNION " + " UNION ".join(
                f"SELECT {c} FROM plan WHERE {plan_in}" for c in
                ("fee_schedule_id", "allowed_fee_schedule_id", "copay_schedule_id")) + ")",
        })
        # plans name their subscriber and the plan they are the same as (names only)
        named = load_id_map(self.w.db, kinds=("patient", "plan"), where={
            "patient": f"id IN (SELECT subscriber_id FROM plan WHERE {plan_in})",
            "plan": f"id IN (SELECT same_plan_as_id FROM plan WHERE {plan_in})"})
        for kind in ("patient", "plan"):
            for db_id, pid in named.to_practice[kind].items():
                ids.to_practice[kind].setdefault(db_id, pid)
        return ids

    # -- the practice's posted rows, restricted ---------------------------------------
    def procedures(self):
        live = _inn(row[0] for row in self.procedure_rows)
        visits = defaultdict(list)
        for proc, day in self.q("SELECT procedure_id, date FROM procedure_visit "
                                f"WHERE procedure_id IN ({live}) ORDER BY procedure_id, seq, id"):
            visits[proc].append((proc, day))
        return tuple(self.procedure(row, (), visits.get(row[0], ())) for row in self.procedure_rows)

    def claims(self):
        members = defaultdict(list)
        for claim, proc, _, _ in self.claim_members:
            members[claim].append(self.pid("procedure", proc))
        rows = self.q("SELECT id, plan_id, status, date, kind, claim_no, preauth_no, sent_date "
                      f"FROM claim WHERE id IN ({_inn(self.claim_ids)}) ORDER BY id")
        return tuple(m.Claim(self.pid("claim", i), self.pid("plan", plan), tuple(members[i]),
                             status, to_date(day), kind, cno, pno, to_date(sent))
                     for i, plan, status, day, kind, cno, pno, sent in rows)

    def claim_payments(self):
        """One ClaimPayment per (check, claim), as the loader splits a check."""
        parts: dict[int, dict[int, list]] = defaultdict(dict)
        for line, pay, claim, proc, paid, wo, ded, denied, remarks in self.line_rows:
            parts[pay].setdefault(claim, []).append((line, m.ClaimPaymentLine(
                self.pid("procedure", proc), paid, wo, ded, bool(denied), remarks)))
        out = []
        for i, day, cno, bno, *stamp in self.q(
                f"SELECT x.id, x.date, x.check_no, x.bank_no, {stamp_columns('x')} "
                f"FROM claim_payment x WHERE x.id IN ({_inn(parts)}) ORDER BY x.id"):
            for claim, lines in parts[i].items():
                for n, (line_id, _) in enumerate(lines):
                    self.line_pos[line_id] = (len(out), n)
                out.append(m.ClaimPayment(self.pid("claim", claim), to_date(day),
                                          tuple(line for _, line in lines), cno, bno,
                                          self.stamp(*stamp)))
        return tuple(out)

    def patient_payments(self):
        alloc = defaultdict(list)
        for row in self.alloc:
            alloc[row[0]].append(row)
        rows = self.q(f"SELECT {self.PAYMENT_COLUMNS}{stamp_columns('x')} FROM patient_payment x "
                      f"WHERE x.id IN ({_inn(self.payment_ids)}) ORDER BY x.id")
        out = []
        for row in rows:
            self.positions[("pay", row[0])] = len(out)
            out.append(self.patient_payment(row, alloc))
        return tuple(out)

    def adjustments(self):
        out = []
        for i, pat, day, amount, code, proc, note, *stamp in self.adj_rows:
            self.positions[("adj", i)] = len(out)
            out.append(m.Adjustment(self.pid("patient", pat), to_date(day), amount,
                                    self.adj_codes[code], self.pid("procedure", proc), note,
                                    self.stamp(*stamp)))
        return tuple(out)

    def appointments(self):
        return ()  # the card's appointment counts are SQL counts

    def ledger_notes(self):
        out = []
        for i, pat, day, text, *stamp in self.q(
                f"SELECT x.id, x.patient_id, x.date, x.text, {stamp_columns('x')} "
                f"FROM ledger_note x WHERE x.id IN ({_inn(self.note_ids)}) ORDER BY x.id"):
            self.positions[("note", i)] = len(out)
            out.append(m.LedgerNote(self.pid("patient", pat), to_date(day), text, self.stamp(*stamp)))
        return tuple(out)

    def statements(self):
        out = []
        for i, g, d, due, new, pending, start, fmt, name, *stamp in self.q(
                "SELECT x.id, x.guarantor_id, x.date, x.amount_due_cents, x.new_balance_cents, "
                "x.insurance_pending_cents, x.period_start, x.format, x.file_name, "
                f"{stamp_columns('x')} FROM statement x "
                f"WHERE x.id IN ({_inn(self.statement_ids)}) ORDER BY x.id"):
            self.positions[("statement", i)] = len(out)
            out.append(m.StatementSent(self.pid("patient", g), to_date(d), due, new, pending,
                                       to_date(start), fmt, name, self.stamp(*stamp)))
        return tuple(out)

    def lines(self, frozen_only: bool = False) -> dict[tuple[str, str], LineEstimate]:
        """The claim procedures of the window's procedures, as the loader reads them."""
        return self.lines_where(f"cp.procedure_id IN ({_inn(self.w.full)})")

    # -- entries in practice terms ----------------------------------------------------
    def entry(self, e: EntryRow) -> Entry:
        if e.priority == PROCEDURE:
            proc = self.pid("procedure", e.src_id)
            return Entry("visit", proc, e.k2 - 1) if e.k2 else Entry("procedure", proc)
        if e.priority == CAPITATION:
            plan = next(row[2] for row in self.claim_procs if row[0] == e.src_id)
            return Entry("capitation", self.pid("procedure", e.procedure_id), self.pid("plan", plan))
        if e.priority in (INSURANCE, WRITEOFF):
            kind = "insurance_payment" if e.priority == INSURANCE else "writeoff"
            return Entry(kind, *self.line_pos[e.src_id])
        kind, key = {PATIENT_PAYMENT: ("patient_payment", "pay"), ADJUSTMENT: ("adjustment", "adj"),
                     NOTE: ("note", "note"), STATEMENT: ("statement", "statement")}[e.priority]
        return Entry(kind, self.positions[(key, e.src_id)], e.ref_no)

