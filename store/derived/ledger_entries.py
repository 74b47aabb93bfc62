"""The ledger card's lines as rows (`models.LedgerEntry`), kept current with the postings.

Opening a card must not grow with the ledger, so the card's lines are materialized: one row
per money or text line of the card (completed procedure and its later visits, insurance
payment line, insurance write-off, posted capitation write-off, patient payment, adjustment,
ledger note, statement sent: on the guarantor's card), clustered on ``(patient_id, posted, priority, k1, k2, k3)``, the order
`estimator.ledger_rows.card_rows` puts them in:

| kind                 | priority | k1                    | k2                     | k3         |
|----------------------|----------|-----------------------|------------------------|------------|
| procedure            | 0        | rank of procedure id  | 0                      | 0          |
| later visit A, B ... | 0        | rank of procedure id  | 1, 2, ...              | 0          |
| insurance payment    | 1        | check                 | its claim's first line | line       |
| insurance write-off  | 2        | check                 | its claim's first line | line       |
| capitation write-off | 3        | rank of procedure id  | coverage order         | claim proc |
| patient payment      | 4        | payment id            | 0                      | 0          |
| adjustment           | 5        | adjustment id         | 0                      | 0          |
| ledger note          | 6        | note id               | 0                      | 0          |
| statement sent       | 7        | statement id          | 0                      | 0          |

The pure code sorts procedures by their practice id's `natural_key`; when no procedure of
the family has a file id (ids ``PR<db id>``) that is the database id, otherwise the rank is
computed here. A check's lines come grouped by claim as the loader splits a check.

Each row also carries what the card needs summed without reading the lines: Billed, Paid,
Adjust and Balance (the card's row money convention), what insurance still owes on a
procedure (the header's insurance estimate), the line's dated amount for aging
(`estimator.ledger_balance.account_items`) and the procedure's provider, code and units
(UCR is priced when read, from the current office fee schedule).

Kept current by `rebuild_family`, which `store.derived.estimates.reestimate_family` runs at the end of
every import and set-up change, inside the same transaction (a posting's families go through
`rebuild_families`, a chunk of families at a time, writing only the rows that changed);
`rebuild_all` fills the table for a whole practice in one statement (bulk load, migration,
re-estimating everything).
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

from estimator.ledger_index import natural_key
from estimator.ledger_rows import PRIORITY

from ..connection import (
    Database, bind_list, changes, executemany, in_list, list_rows, pair_rows,
)
from ..family.ids import IdMap, family_patient_ids, load_id_map

PROCEDURE, INSURANCE, WRITEOFF, CAPITATION = (PRIORITY[k] for k in (
    "procedure", "insurance_payment", "writeoff", "capitation"))
PATIENT_PAYMENT, ADJUSTMENT, NOTE, STATEMENT = (PRIORITY[k] for k in (
    "patient_payment", "adjustment", "note", "statement"))
TEXT_PRIORITIES = (NOTE, STATEMENT)  # lines without money

COLUMNS = ("patient_id", "posted", "priority", "k1", "k2", "k3", "src_id", "procedure_id",
           "ref_no", "billed_cents", "paid_cents", "adjust_cents", "balance_cents",
           "ins_owed_cents", "aging_cents", "provider_id", "code_id", "units", "plan_order")

# The posted capitation write-off of a cap_complete claim proc (`posted_capitation_writeoff`).
_CAP = "CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents ELSE cp.writeoff_est_cents END"
_NO_MONEY = "0, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0"  # billed .. aging, provider .. plan_order

# {p}: which procedures (alias p); {pp} {j} {n} {s}: which payments, adjustments, notes,
# statements; {family_pp} {family_j} {family_n} {family_s}: the window partition numbering
# them per family;
# {rank}: the procedure's rank. ?1: JSON {procedure id: rank} (empty: rank by id);
# ?2: JSON [patient id, ...] of the family (`rebuild_family`).
_INSERT = f"""
WITH rank(id, n) AS MATERIALIZED ({pair_rows('?1')}),
cp_money(procedure_id, owed, insurance, capitation, top_order) AS MATERIALIZED (
  SELECT cp.procedure_id,
    sum(CASE WHEN cp.status IN ('estimate', 'not_received') AND NOT cp.no_bill
             THEN cp.ins_est_cents + cp.writeoff_est_cents ELSE 0 END),
    sum((SELECT coalesce(sum(l.paid_cents + l.writeoff_cents), 0) FROM claim_payment_line l
         JOIN claim_payment pay ON pay.id = l.payment_id
         WHERE l.claim_proc_id = cp.id AND coalesce(cp.claim_id, pay.claim_id) IS NOT NULL)),
    sum(CASE WHEN cp.status = 'cap_complete' THEN {_CAP} ELSE 0 END),
    max(cp.coverage_order)
  FROM claim_proc cp
  WHERE cp.procedure_id IN (SELECT p.id FROM procedure p WHERE {{p}} AND p.status = 'complete')
  GROUP BY cp.procedure_id),
paid(line, payment, part, procedure_id, paid, writeoff, day) AS MATERIALIZED (
  SELECT l.id, l.payment_id,
    min(l.id) OVER (PARTITION BY l.payment_id, coalesce(cp.claim_id, pay.claim_id)),
    cp.procedure_id, l.paid_cents, l.writeoff_cents, pay.date
  FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id
  JOIN claim_payment_line l ON l.claim_proc_id = cp.id
  JOIN claim_payment pay ON pay.id = l.payment_id
  WHERE {{p}} AND coalesce(cp.claim_id, pay.claim_id) IS NOT NULL)
INSERT INTO ledger_entry ({", ".join(COLUMNS)})
SELECT p.patient_id, p.date, {PROCEDURE}, {{rank}}, 0, 0, p.id, p.id, CAST(NULL AS BIGINT),
  p.fee_cents * p.units, 0, 0, p.fee_cents * p.units, coalesce(m.owed, 0),
  p.fee_cents * p.units - coalesce(m.insurance, 0) - coalesce(m.capitation, 0)
    - (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_allocation a
       JOIN patient_payment y ON y.id = a.payment_id
       WHERE a.procedure_id = p.id AND +y.patient_id = p.patient_id)
    + (SELECT coalesce(sum(j.amount_cents), 0) FROM adjustment j  -- (+: by procedure index)
       WHERE j.procedure_id = p.id AND +j.patient_id = p.patient_id),
  p.provider_id, p.code_id, p.units, coalesce(m.top_order, 0)
FROM procedure p LEFT JOIN cp_money m ON m.procedure_id = p.id
WHERE {{p}} AND p.status = 'complete'
UNION ALL
SELECT p.patient_id, v.date, {PROCEDURE}, {{rank}},
  row_number() OVER (PARTITION BY v.procedure_id ORDER BY v.seq, v.id), 0, p.id, p.id, NULL,
  {_NO_MONEY}
FROM procedure p JOIN procedure_visit v ON v.procedure_id = p.id
WHERE {{p}} AND p.status = 'complete'
UNION ALL
SELECT p.patient_id, p.date, {CAPITATION}, {{rank}}, cp.coverage_order, cp.id, cp.id, p.id, NULL,
  0, 0, -({_CAP}), -({_CAP}), 0, 0, NULL, NULL, NULL, 0
FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id
WHERE {{p}} AND p.status = 'complete' AND cp.status = 'cap_complete' AND ({_CAP}) != 0
UNION ALL
SELECT p.patient_id, x.day, {INSURANCE}, x.payment, x.part, x.line, x.line, p.id, NULL,
  0, x.paid, 0, -x.paid, 0,
  CASE WHEN p.status = 'complete' THEN 0 ELSE -(x.paid + x.writeoff) END, NULL, NULL, NULL, 0
FROM paid x JOIN procedure p ON p.id = x.procedure_id WHERE p.status != 'deleted'
UNION ALL
SELECT p.patient_id, x.day, {WRITEOFF}, x.payment, x.part, x.line, x.line, p.id, NULL,
  0, 0, -x.writeoff, -x.writeoff, 0, 0, NULL, NULL, NULL, 0
FROM paid x JOIN procedure p ON p.id = x.procedure_id
WHERE p.status != 'deleted' AND x.writeoff != 0
UNION ALL
SELECT pp.patient_id, pp.date, {PATIENT_PAYMENT}, pp.id, 0, 0, pp.id, NULL,
  row_number() OVER ({{family_pp}} ORDER BY pp.id) - 1,
  0, pp.amount_cents, 0, -pp.amount_cents, 0,
  (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_allocation a
   JOIN procedure p ON p.id = a.procedure_id
   WHERE a.payment_id = pp.id AND p.patient_id = pp.patient_id AND p.status = 'complete')
  - pp.amount_cents, NULL, NULL, NULL, 0
FROM patient_payment pp WHERE {{pp}}
UNION ALL
SELECT j.patient_id, j.date, {ADJUSTMENT}, j.id, 0, 0, j.id, j.procedure_id,
  row_number() OVER ({{family_j}} ORDER BY j.id) - 1,
  0, 0, j.amount_cents, j.amount_cents, 0,
  CASE WHEN EXISTS (SELECT 1 FROM procedure p WHERE p.id = j.procedure_id
                    AND p.patient_id = j.patient_id AND p.status = 'complete')
       THEN 0 ELSE j.amount_cents END, NULL, NULL, NULL, 0
FROM adjustment j WHERE {{j}}
UNION ALL
SELECT n.patient_id, n.date, {NOTE}, n.id, 0, 0, n.id, NULL,
  row_number() OVER ({{family_n}} ORDER BY n.id) - 1, {_NO_MONEY}
FROM ledger_note n WHERE {{n}}
UNION ALL
SELECT s.guarantor_id, s.date, {STATEMENT}, s.id, 0, 0, s.id, NULL,
  row_number() OVER ({{family_s}} ORDER BY s.id) - 1, {_NO_MONEY}
FROM statement s WHERE {{s}}
"""

_RANK = "coalesce((SELECT r.n FROM rank r WHERE r.id = p.id), p.id)"

# One family's rows. The family comes as a parameter, not inlined, so the statement's
# text never changes and SQLite prepares it once per connection, not once per posting
# (preparing it took longer than running it).
_FAMILY = list_rows("?2")
_FAMILY_INSERT = {ranked: _INSERT.format(
    p=f"p.patient_id IN {_FAMILY}", pp=f"pp.patient_id IN {_FAMILY}",
    j=f"j.patient_id IN {_FAMILY}", n=f"n.patient_id IN {_FAMILY}",
    s=f"s.guarantor_id IN {_FAMILY}",
    family_pp="", family_j="", family_n="", family_s="", rank=_RANK if ranked else "p.id")
    for ranked in (False, True)}


def _family_of(alias: str, column: str = "patient_id") -> str:
    """Partition numbering a whole practice's rows per family (the guarantor's)."""
    return (f"PARTITION BY (SELECT coalesce(t.guarantor_id, t.id) FROM patient t "
            f"WHERE t.id = {alias}.{column})")


# Several families' rows, selected (`rebuild_families`): ?2 lists their patients; each
# family's payments, adjustments, notes and statements are numbered apart, as `rebuild_family`
# numbers one family's, and ?1 holds each family's own ranks (`families_ranks`).
_INTO = f"INSERT INTO ledger_entry ({', '.join(COLUMNS)})\n"
_FAMILIES_SELECT = {ranked: _INSERT.replace(_INTO, "").format(
    p=f"p.patient_id IN {_FAMILY}", pp=f"pp.patient_id IN {_FAMILY}",
    j=f"j.patient_id IN {_FAMILY}", n=f"n.patient_id IN {_FAMILY}",
    s=f"s.guarantor_id IN {_FAMILY}", family_pp=_family_of("pp"), family_j=_family_of("j"),
    family_n=_family_of("n"), family_s=_family_of("s", "guarantor_id"),
    rank=_RANK if ranked else "p.id")
    for ranked in (False, True)}
_KEY = COLUMNS[:6]  # the primary key: (patient_id, posted, priority, k1, k2, k3)
_STORED = f"SELECT {', '.join(COLUMNS)} FROM ledger_entry WHERE patient_id {in_list('?')}"
_DROP = f"DELETE FROM ledger_entry WHERE {' AND '.join(f'{c} = ?' for c in _KEY)}"
_PUT = (f"INSERT INTO ledger_entry ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[6:]))


def rebuild_family(db: Database, guarantor_id: int, *, ids: IdMap | None = None,
                   members: list[int] | None = None) -> int:
    """Replace the entries of one family's patients (inside the caller's transaction);
    ``ids``, ``members``: the family's id map and patients when the caller has them.
    Returns the entries written."""
    members = family_patient_ids(db, guarantor_id) if members is None else members
    if not members:
        return 0
    family = bind_list([int(m) for m in members])
    db.execute_sql(f"DELETE FROM ledger_entry WHERE patient_id {in_list('?')}", (family,))
    ranks = _family_ranks(db, members, ids)
    db.execute_sql(_FAMILY_INSERT[bool(ranks)], (bind_list(ranks), family))
    return changes(db)


def rebuild_families(db: Database, members: Sequence[int], ranks: Mapping[str, int]) -> int:
    """Bring the entries of several whole families (``members``: all their patients) to what
    `rebuild_family` writes for each, row for row, selected in one statement and compared
    with those stored; ``ranks``: their procedures' ranks, each family's apart
    (`families_ranks`). Returns the families' entries."""
    if not members:
        return 0
    family = bind_list(sorted(int(m) for m in members))
    rows = db.execute_sql(_FAMILIES_SELECT[bool(ranks)], (bind_list(dict(ranks)), family))
    width = len(_KEY)
    new = {row[:width]: row for row in rows}
    old = {row[:width]: row for row in db.execute_sql(_STORED, (family,))}
    # Only the rows that differ are written: most of a family's card is as it was, and the
    # pages a posting leaves alone stay out of the write-ahead log.
    gone = [key for key in old if key not in new]
    changed = [row for key, row in new.items() if old.get(key) != row]
    if gone:
        executemany(db, _DROP, gone)
    if changed:
        executemany(db, _PUT, changed)
    return len(new)


def families_ranks(db: Database, family_of: Mapping[int, int], ids: IdMap) -> dict[str, int]:
    """`_family_ranks` of several families at once (``family_of``: patient -> guarantor, every
    patient of the families; ``ids``: their id map): each family with a procedure from a file
    ranks its own procedures from 0, the others are left out (ranked by id)."""
    members = bind_list(sorted(family_of))
    named = {family_of[p] for (p,) in db.execute_sql(
        f"SELECT DISTINCT patient_id FROM procedure WHERE patient_id {in_list('?')} "
        "AND file_id IS NOT NULL", (members,))}
    if not named:
        return {}
    owner = dict(db.execute_sql(
        f"SELECT id, patient_id FROM procedure WHERE patient_id {in_list('?')}",
        (bind_list(sorted(p for p, g in family_of.items() if g in named)),)).fetchall())
    by_family: dict[int, list[tuple[int, str]]] = {g: [] for g in named}
    for proc, pid in ids.to_practice["procedure"].items():  # in the id map's order, as `_ranks`
        if proc in owner:
            by_family[family_of[owner[proc]]].append((proc, pid))
    ranks = {}
    for procedures in by_family.values():  # each family as `_ranks` ranks it alone
        by_db_id = sorted(procedures)
        if _in_natural_order([pid for _, pid in by_db_id]):
            continue  # ranked by id, as `_ranks` leaves such a family
        ordered = sorted(by_db_id, key=lambda kv: natural_key(kv[1]))
        ranks.update({str(db_id): n for n, (db_id, _) in enumerate(ordered)})
    return ranks


def rebuild_all(db: Database, *, natural_order: bool = False) -> int:
    """Replace every entry of the practice in one statement (bulk loads, migration).
    ``natural_order``: the caller has found the procedures' file ids, in the order of their
    database ids, in natural order (`in_natural_order`: an import, from the file it read),
    so no rank is needed and the ids are not read back."""
    db.execute_sql("DELETE FROM ledger_entry")
    ranks = {} if natural_order else _practice_ranks(db)
    sql = _INSERT.format(
        p="TRUE", pp="TRUE", j="TRUE", n="TRUE", s="TRUE", family_pp=_family_of("pp"),
        family_j=_family_of("j"), family_n=_family_of("n"),
        family_s="PARTITION BY s.guarantor_id", rank=_RANK if ranks else "p.id")
    db.execute_sql(sql, (bind_list(ranks),))
    return changes(db)


def _practice_ranks(db: Database) -> dict[str, int]:
    """`_ranks` of every procedure of the practice ({} when none has a file id)."""
    if not db.execute_sql("SELECT 1 FROM procedure WHERE file_id IS NOT NULL LIMIT 1").fetchone():
        return {}
    file_ids = [f for (f,) in db.execute_sql("SELECT file_id FROM procedure ORDER BY id")]
    if in_natural_order(file_ids):
        return {}  # (an export read back: known without building the id map)
    return _ranks(load_id_map(db, kinds=("procedure",)))


def in_natural_order(file_ids: list[str | None]) -> bool:
    """Whether procedures' file ids, in the order of their database ids, need no rank: each
    given, in `natural_key` order (an export's PR1, PR2, ...)."""
    return None not in file_ids and _in_natural_order(file_ids)


def _family_ranks(db: Database, members: list[int], ids: IdMap | None) -> dict[str, int]:
    """{procedure db id: rank} in natural order of practice ids; {} when every procedure of the
    family has a generated id ``PR<db id>`` (their natural order is the id's)."""
    if not db.execute_sql(f"SELECT 1 FROM procedure WHERE patient_id {in_list('?')} "
                          "AND file_id IS NOT NULL LIMIT 1",
                          (bind_list([int(m) for m in members]),)).fetchone():
        return {}
    if ids is None:
        from ..family.loader import family_id_map
        ids = family_id_map(db, members)
    return _ranks(ids)


def _ranks(ids: IdMap) -> dict[str, int]:
    """{procedure db id: rank}; {} when the natural order of the practice ids is the database
    ids' order (an export read back: its ids are PR<n> in that order), where the db id is the
    rank (the ranked statement is slower: 5,000 patients, 1 s against 5 s)."""
    by_db_id = sorted(ids.to_practice["procedure"].items())
    if _in_natural_order([pid for _, pid in by_db_id]):
        return {}
    ordered = sorted(by_db_id, key=lambda kv: natural_key(kv[1]))
    return {str(db_id): n for n, (db_id, _) in enumerate(ordered)}


_NUMBERED = re.compile(r"(\D*)(\d+)\Z")  # a prefix and a number: PR12, 12


def _in_natural_order(names: list[str]) -> bool:
    """Whether ``names`` are in `natural_key` order (ties too: a stable sort keeps them)."""
    numbers = _numbers_after(names)
    if numbers is not None:  # one prefix, then a number: the numbers' order
        return all(a <= b for a, b in zip(numbers, numbers[1:]))
    last, last_key = None, None
    for name in names:
        found = _NUMBERED.match(name)
        key = (found.group(1), int(found.group(2))) if found else None
        if last is not None:
            if key is not None and last_key is not None and key[0] == last_key[0]:
                if key[1] < last_key[1]:
                    return False
            elif natural_key(name) < natural_key(last):
                return False
        last, last_key = name, key
    return True


def _numbers_after(names: list[str]) -> list[int] | None:
    """The numbers of ``names`` when each is the first one's prefix then a number (an export's
    PR1, PR2, ...: `_NUMBERED`, checked in C rather than matched one by one); else None."""
    found = _NUMBERED.match(names[0]) if names else None
    if found is None:
        return None
    prefix = found.group(1)
    cut = len(prefix)
    rests = [name[cut:] for name in names if name.startswith(prefix)]
    if len(rests) != len(names) or not "".join(rests).isdecimal() or not all(rests):
        return None
    return list(map(int, rests))


def add_statement(db: Database, statement_id: int) -> None:
    """The card line of one statement just recorded (inside the caller's transaction): a
    statement changes no money, so its family's other lines stay as they are."""
    db.execute_sql(
        f"INSERT INTO ledger_entry ({', '.join(COLUMNS)}) "
        f"SELECT s.guarantor_id, s.date, {STATEMENT}, s.id, 0, 0, s.id, NULL, "
        "(SELECT count(*) FROM statement o WHERE o.guarantor_id = s.guarantor_id AND o.id < s.id), "
        f"{_NO_MONEY} FROM statement s WHERE s.id = ?", (statement_id,))
