"""Statements straight from the ledger's lines, many families at a time (the billing run).

A statement lists the money lines of the members' ledger cards since its period start and
sums their balances; the store already keeps those lines, in card order, with their amounts,
pending insurance and aging amounts (`ledger_entry`, `store.derived.ledger_entries`). So a
chunk of families is read with three queries (the lines since each family's period start,
joined to what their wording names; the members' balance sums by aging bucket; payment
allocations), and each statement is put together by the pure core's own line and statement
constructors (`estimator.statement`), never by loading the family into a Practice: that cost
about 10 ms a family, this well under one.

It gives exactly `estimator.statement.build_statement` over `store.family.loader`
(tests compare the two on every scenario and the demo office). The lines are the card's as it
stands; a statement dated before something posted (a month-end statement printed on the 2nd)
shows the account as it was that day (`estimator.ledger_asof`), so such a family is built
the pure way, from the family loaded (`load_family`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from estimator.aging import apply_credits, bucket_edges
from estimator.statement import (
    StatementError, activity, adjustment_line, assemble, build_statement, capitation_line,
    charge_line, check_period, default_period_start, insurance_payment_line,
    insurance_writeoff_line, mailing_name, payment_line,
)
from estimator.statement_types import Party, Statement, StatementLine

from ..connection import Database, bind_list, in_list, pair_rows
from ..derived.ledger_entries import (
    ADJUSTMENT, CAPITATION, INSURANCE, PATIENT_PAYMENT, PROCEDURE, WRITEOFF,
)
from ..family.ids import display_name, load_id_map
from ..family.loader import load_family, load_line_estimates
from .statements import ADDRESS_COLUMNS, address_lines, previous_statements

CHUNK = 400  # families read together

_MONEY = (f"e.priority IN ({PROCEDURE}, {INSURANCE}, {WRITEOFF}, {CAPITATION}, {PATIENT_PAYMENT}, "
          f"{ADJUSTMENT}) AND NOT (e.priority = {PROCEDURE} AND e.k2 > 0)")  # not later visits

# ?1: {patient id: period start}, ?2: the statement date.
_LINES = f"""
WITH s(id, start) AS MATERIALIZED ({pair_rows('?1', dates=True)})
SELECT e.patient_id, e.posted, e.priority, e.balance_cents, e.paid_cents, e.src_id,
  pc.code, pc.description, p.tooth, p.surface,
  l.denied, lca.name, cca.name,
  pp.method, pp.check_no, ac.code, ac.kind, ac.description, jpc.code
FROM s JOIN ledger_entry e ON e.patient_id = s.id AND e.posted >= s.start AND e.posted <= ?2
LEFT JOIN procedure p ON p.id = e.procedure_id
  AND e.priority IN ({PROCEDURE}, {INSURANCE}, {WRITEOFF}, {CAPITATION})
LEFT JOIN procedure_code pc ON pc.id = p.code_id
LEFT JOIN claim_payment_line l ON l.id = e.src_id AND e.priority IN ({INSURANCE}, {WRITEOFF})
LEFT JOIN claim_proc lcp ON lcp.id = l.claim_proc_id
LEFT JOIN claim_payment pay ON pay.id = l.payment_id
LEFT JOIN claim c ON c.id = coalesce(lcp.claim_id, pay.claim_id)
LEFT JOIN plan lpl ON lpl.id = c.plan_id
LEFT JOIN carrier lca ON lca.id = lpl.carrier_id
LEFT JOIN claim_proc ccp ON ccp.id = e.src_id AND e.priority = {CAPITATION}
LEFT JOIN plan cpl ON cpl.id = ccp.plan_id
LEFT JOIN carrier cca ON cca.id = cpl.carrier_id
LEFT JOIN patient_payment pp ON pp.id = e.src_id AND e.priority = {PATIENT_PAYMENT}
LEFT JOIN adjustment j ON j.id = e.src_id AND e.priority = {ADJUSTMENT}
LEFT JOIN adjustment_code ac ON ac.id = j.code_id
LEFT JOIN procedure jp ON jp.id = j.procedure_id AND jp.status != 'deleted'
LEFT JOIN procedure_code jpc ON jpc.id = jp.code_id
WHERE {_MONEY}
ORDER BY e.patient_id, e.posted, e.priority, e.k1, e.k2, e.k3"""

# ?1: the members, ?2: the statement date, ?3..?5: the aging buckets' first days.
_SUMS = """
SELECT e.patient_id, sum(e.balance_cents), sum(e.ins_owed_cents),
  sum(CASE WHEN e.posted >= ?3 THEN max(e.aging_cents, 0) ELSE 0 END),
  sum(CASE WHEN e.posted < ?3 AND e.posted >= ?4 THEN max(e.aging_cents, 0) ELSE 0 END),
  sum(CASE WHEN e.posted < ?4 AND e.posted >= ?5 THEN max(e.aging_cents, 0) ELSE 0 END),
  sum(CASE WHEN e.posted < ?5 THEN max(e.aging_cents, 0) ELSE 0 END),
  -sum(min(e.aging_cents, 0))
FROM ledger_entry e WHERE e.patient_id {members} AND e.posted <= ?2
GROUP BY e.patient_id"""


@dataclass
class _Member:
    db_id: int
    pid: str
    name: str
    lines: list
    sums: tuple = (0, 0, 0, 0, 0, 0, 0)


class StatementReader:
    """Statements dated ``day`` for families given by their guarantors' database ids.

    ``period_start`` None: each family's from the day after its previous statement, or from
    its account's start for a first statement. ``office``, ``message``: what every statement
    prints (`store.read.statements.office`)."""

    def __init__(self, db: Database, day: date, *, office: Party, message: str = "",
                 period_start: date | None = None, chunk: int = CHUNK):
        self.db, self.day, self.office, self.message = db, day, office, message
        self.period_start, self.chunk = period_start, chunk
        self.edges = [d.isoformat() for d in bucket_edges(day)]

    def statements(self, guarantors: Iterable[int]) -> Iterator[Statement]:
        batch: list[int] = []
        for gid in guarantors:
            batch.append(int(gid))
            if len(batch) == self.chunk:
                yield from self._chunk(batch)
                batch = []
        if batch:
            yield from self._chunk(batch)

    def one(self, guarantor: int) -> Statement:
        return next(self._chunk([int(guarantor)]))

    # -- one chunk ----------------------------------------------------------------------
    def _chunk(self, gids: list[int]) -> Iterator[Statement]:
        q = self.db.execute_sql
        rows = q(f"SELECT p.id, coalesce(p.guarantor_id, p.id), p.last_name, p.first_name, "
                 f"{ADDRESS_COLUMNS} FROM patient p WHERE p.id {in_list('?1')} "
                 f"OR p.guarantor_id {in_list('?1')}", (bind_list(gids),)).fetchall()
        members = [row[0] for row in rows]
        ids = load_id_map(self.db, kinds=("patient",), where={"patient": f"id {in_list(':m')}"},
                          params={"m": bind_list(members)})
        pid = ids.to_practice["patient"]
        families: dict[int, list[_Member]] = defaultdict(list)
        heads: dict[int, tuple] = {}
        for i, g, last, first, *address in rows:
            families[g].append(_Member(i, pid[i], display_name(last, first), []))
            if i == g:
                heads[g] = (display_name(last, first), address_lines(*address))
        late = self._posted_after(members)
        starts = self._starts([g for g in gids if g in heads and g not in late])
        self._read_lines(families, starts)
        for gid in gids:
            if gid not in heads:
                raise StatementError(f"no family with guarantor {gid}")
            if gid in late:
                yield self._as_of(gid, pid[gid], heads[gid])
            else:
                yield self._statement(gid, families[gid], heads[gid], starts.get(gid))

    def _posted_after(self, members: list[int]) -> set[int]:
        """Families with money posted after the statement date (built as of the date)."""
        return {g for (g,) in self.db.execute_sql(
            "SELECT DISTINCT coalesce(p.guarantor_id, p.id) FROM ledger_entry e "
            f"JOIN patient p ON p.id = e.patient_id WHERE e.patient_id {in_list('?1')} "
            f"AND e.posted > ?2 AND {_MONEY}", (bind_list(members), self.day.isoformat()))}

    def _starts(self, gids: list[int]) -> dict[int, date | None]:
        if self.period_start is not None:
            return dict.fromkeys(gids, self.period_start)
        before = previous_statements(self.db, gids, self.day)
        return {g: default_period_start(before.get(g)) for g in gids}

    def _read_lines(self, families: dict[int, list[_Member]], starts: dict[int, date | None]) -> None:
        by_id = {mem.db_id: mem for g in starts for mem in families[g]}
        if not by_id:
            return
        since = {str(i): (starts[g] or date.min).isoformat()  # no start: every line
                 for g in starts for i in (mem.db_id for mem in families[g])}
        rows = self.db.execute_sql(_LINES, (bind_list(since), self.day.isoformat())).fetchall()
        codes = self._payment_codes([r[5] for r in rows if r[2] == PATIENT_PAYMENT])
        for row in rows:
            by_id[row[0]].lines.append(_line(row, codes))
        members = bind_list(list(by_id))
        for i, *sums in self.db.execute_sql(_SUMS.format(members=in_list("?1")),
                                            (members, self.day.isoformat(), *self.edges)):
            by_id[i].sums = tuple(sums)

    def _payment_codes(self, payments: list[int]) -> dict[int, list[str]]:
        """The codes of the procedures each payment went to, one per procedure, in order."""
        out: dict[int, list[str]] = defaultdict(list)
        seen: set[tuple[int, int]] = set()
        for pay, proc, code in self.db.execute_sql(
                "SELECT a.payment_id, a.procedure_id, pc.code FROM payment_allocation a "
                "JOIN procedure p ON p.id = a.procedure_id JOIN procedure_code pc ON pc.id = p.code_id "
                f"WHERE a.payment_id {in_list('?1')} AND p.status != 'deleted' ORDER BY a.id",
                (bind_list(payments),)):
            if (pay, proc) not in seen:
                seen.add((pay, proc))
                out[pay].append(code)
        return out

    def _statement(self, gid: int, members: list[_Member], head: tuple, start: date | None) -> Statement:
        gpid = next(mem.pid for mem in members if mem.db_id == gid)
        members.sort(key=lambda mem: (mem.pid != gpid, mem.name, mem.pid))
        start = start or min((line.date for mem in members for line in mem.lines), default=None) \
            or self.day
        check_period(start, self.day)
        parts = tuple(a for mem in members if (a := activity(
            mem.pid, mem.name, tuple(mem.lines), mem.sums[0], mem.sums[1])) is not None)
        debits = [sum(mem.sums[k] for mem in members) for k in range(2, 6)]
        name, address = head
        return assemble(office=self.office, guarantor=Party(mailing_name(name), address),
                        guarantor_id=gpid, account_no=gpid, statement_date=self.day,
                        period_start=start, patients=parts,
                        aging=apply_credits(debits, sum(mem.sums[6] for mem in members)),
                        message=self.message)

    def _as_of(self, gid: int, gpid: str, head: tuple) -> Statement:
        """The pure way, for a family with money posted after the statement date."""
        practice = load_family(self.db, gid)
        before = None if self.period_start else previous_statements(self.db, [gid], self.day).get(gid)
        name, address = head
        return build_statement(practice, load_line_estimates(self.db, gid), gpid,
                               statement_date=self.day, office=self.office,
                               guarantor=Party(mailing_name(name), address),
                               period_start=self.period_start or default_period_start(before),
                               message=self.message)


def _line(row, codes: dict[int, list[str]]) -> StatementLine:
    (_, posted, priority, balance, paid, src, code, description, tooth, surface, denied,
     carrier, cap_carrier, method, check_no, adj_code, adj_kind, adj_description, adj_on) = row
    day = date.fromisoformat(posted)
    if priority == PROCEDURE:
        return charge_line(day, code, description, tooth, surface, balance)
    if priority == INSURANCE:
        return insurance_payment_line(day, code, carrier, bool(denied), paid)
    if priority == WRITEOFF:
        return insurance_writeoff_line(day, code, carrier, -balance)
    if priority == CAPITATION:
        return capitation_line(day, code, cap_carrier, -balance)
    if priority == PATIENT_PAYMENT:
        return payment_line(day, paid, method, check_no, codes.get(src, []))
    return adjustment_line(day, balance, adj_code, adj_kind, adj_description or None, adj_on)


def statement_for(db: Database, guarantor: int, day: date, *, office: Party, message: str = "",
                  period_start: date | None = None) -> Statement:
    """One family's statement (``guarantor``: the family's guarantor's database id)."""
    return StatementReader(db, day, office=office, message=message,
                           period_start=period_start).one(guarantor)

