"""Re-estimation: run the pure estimator over a family and store the results.

One family (a guarantor and their members) is the unit: family deductibles and
maxima are shared inside it. A posting re-estimates the families it touched with
`reestimate_families` (one, or a thousand for an ERA's check), which reads, writes and
rebuilds them a chunk at a time with the rows `reestimate_family` gives each. The
caller owns the write transaction; these functions only read and write inside it.

Received lines keep the estimate stored when they were received (``frozen``);
a family estimated for the first time after an import has no frozen lines, so
the estimator replays its claim payments in date order to recover them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Iterable, Mapping

from estimator.engine import estimate_import, estimate_practice
from estimator.families import split_families
from estimator.model import Practice
from estimator.results import RECEIVED, LineEstimate

from ..connection import Database, bind_list, in_list
from ..family.ids import IdMap, family_patient_ids, load_id_map
from ..family.loader import (
    FAMILY_CHUNK, PracticeReader, family_id_map, load_line_estimates, load_stored_estimates,
    read_practice,
)
from . import applied_credits, ledger_entries, report_summary

Progress = Callable[[int, int], None]  # (families done, families): `cli.progress`

_COLUMNS = ("coverage_order", "status", "allowed_cents", "copay_cents", "percent",
            "deductible_est_cents", "base_est_cents", "ins_est_cents", "writeoff_est_cents",
            "note", "explanation", "frozen")


def reestimate_family(db: Database, guarantor_id: int, *, as_of: date | None = None,
                      ledger: bool = True) -> int:
    """Re-estimate every claim procedure of one family; returns lines changed.

    ``as_of`` is "today" for planned work's benefit year: postings pass the
    clock's date; an import keeps the practice file's own ``as_of``. Then the
    family's ledger card lines are rebuilt (`store.derived.ledger_entries`), so every
    posting leaves them current in its own transaction (``ledger=False``: the
    caller rebuilds them itself, as `reestimate_all` does in one statement).
    """
    members = family_patient_ids(db, guarantor_id)
    if not members:
        return 0
    ids = family_id_map(db, members)
    practice = read_practice(db, ids, members, for_estimates=True)
    if as_of is not None:
        practice = replace(practice, as_of=as_of)
    # No frozen line yet (a family just imported): the estimator replays the
    # claim payments in date order to recover the estimates made before each.
    stored, frozen = load_stored_estimates(db, members, ids)
    results = estimate_practice(practice, frozen or None)
    changed = _write(db, ids, results, stored)
    freeze_originals(db, f"patient_id {in_list('?')}", (bind_list(members),))
    if ledger:
        ledger_entries.rebuild_family(db, guarantor_id, ids=ids, members=members)
        applied_credits.rebuild_family(db, guarantor_id, members)
        report_summary.rebuild_family(db, guarantor_id, members)
    return changed


def reestimate_families(db: Database, guarantors: Iterable[int], *, as_of: date | None,
                        progress: Progress | None = None) -> int:
    """`reestimate_family` for each guarantor (the families a posting touched), with the same
    rows as a result, read and written a chunk of families at a time (`FAMILY_CHUNK`): one
    query per table for the chunk, each family estimated apart in memory (its own frozen
    lines), the changed lines written in one statement and the chunk's ledger lines, applied
    credits and report sums rebuilt together (credits applied within each family, ledger
    ranks per family). Returns lines changed; ``progress(done, total)``: families estimated.
    """
    wanted = sorted({int(g) for g in guarantors})
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(wanted))

    changed = 0
    for start in range(0, len(wanted), FAMILY_CHUNK):
        changed += _reestimate_chunk(db, wanted[start:start + FAMILY_CHUNK], as_of, tick)
    return changed


def _reestimate_chunk(db: Database, guarantors: list[int], as_of: date | None,
                      tick: Callable[[], None]) -> int:
    family_of = dict(db.execute_sql(
        f"SELECT id, coalesce(guarantor_id, id) FROM patient WHERE id {in_list('?1')} "
        f"OR guarantor_id {in_list('?1')} ORDER BY id", (bind_list(guarantors),)).fetchall())
    heads = {g for g in guarantors if family_of.get(g) == g}
    family_of = {p: g for p, g in family_of.items() if g in heads}
    changed = _estimate_chunk(db, family_of, as_of, tick) if family_of else 0
    for g in guarantors:  # no patient, or not a guarantor: one at a time, as asked
        if g not in heads:
            changed += reestimate_family(db, g, as_of=as_of)
            tick()
    return changed


def _estimate_chunk(db: Database, family_of: dict[int, int], as_of: date | None,
                    tick: Callable[[], None]) -> int:
    """Re-estimate whole families (``family_of``: each of their patients -> guarantor)."""
    members = sorted(family_of)
    ids = family_id_map(db, members)
    practice = read_practice(db, ids, members, for_estimates=True)
    if as_of is not None:
        practice = replace(practice, as_of=as_of)
    stored, frozen = load_stored_estimates(db, members, ids)
    results = _estimate_each(practice, stored, frozen, tick)
    changed = _write(db, ids, results, stored)
    freeze_originals(db, f"patient_id {in_list('?')}", (bind_list(members),))
    ledger_entries.rebuild_families(db, members, ledger_entries.families_ranks(db, family_of, ids))
    applied_credits.rebuild_families(db, family_of)
    report_summary.rebuild_families(db, family_of)
    return changed


def _estimate_each(practice: Practice, stored: Mapping[tuple[str, str], LineEstimate],
                   frozen: Mapping[tuple[str, str], LineEstimate],
                   tick: Callable[[], None]) -> dict[tuple[str, str], LineEstimate]:
    """The chunk's families estimated one by one, each with its own frozen lines."""
    if len({p.guarantor or p.id for p in practice.patients}) == 1:  # one family: as read
        results = estimate_practice(practice, dict(frozen) or None)
        tick()
        return results
    families = family_practices(practice)
    family_at = {proc: n for n, family in enumerate(families) for proc in family.procedure_ids}
    kept: dict[int, dict] = defaultdict(dict)
    line_plans: dict[int, set[str]] = defaultdict(set)
    for proc, plan in stored:
        if proc in family_at:
            line_plans[family_at[proc]].add(plan)
    for key, line in frozen.items():
        if key[0] in family_at:
            kept[family_at[key[0]]][key] = line
    results: dict[tuple[str, str], LineEstimate] = {}
    for n, family in enumerate(families):
        own = _own_plans(family.practice, line_plans[n])
        results.update(estimate_practice(own, kept.get(n) or None))
        tick()
    return results


def _own_plans(family: Practice, line_plans: set[str]) -> Practice:
    """A family cut from a chunk with only the plans it refers to (its coverage, benefits used,
    claims and stored lines) and their carriers and fee schedules, as `read_practice` reads
    one family: the estimator goes through every plan of the Practice it is given (frequency
    rules, capitation), which changes nothing but costs."""
    wanted = {c.plan for p in family.patients for c in p.coverage}
    wanted |= {b.plan for p in family.patients for b in p.benefits_used}
    wanted |= {c.plan for c in family.claims} | line_plans
    plans = tuple(p for p in family.plans if p.id in wanted)
    carriers = {p.carrier for p in plans}
    schedules = {s for p in plans for s in (p.fee_schedule, p.allowed_fee_schedule,
                                            p.copay_schedule)}
    schedules |= {p.fee_schedule for p in family.providers}
    return replace(family, plans=plans,
                   carriers=tuple(c for c in family.carriers if c.id in carriers),
                   fee_schedules=tuple(f for f in family.fee_schedules if f.id in schedules))


def reestimate_patient(db: Database, patient_id: int) -> int:
    """Re-estimate the family of ``patient_id``."""
    row = db.execute_sql("SELECT coalesce(guarantor_id, id) FROM patient WHERE id = ?",
                         (patient_id,)).fetchone()
    return reestimate_family(db, row[0]) if row else 0


def reestimate_all(db: Database) -> int:
    """Every family of the practice (after an import, or a plan/fee change)."""
    guarantors = [g for (g,) in db.execute_sql(
        "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient ORDER BY 1")]
    changed = sum(reestimate_family(db, g, ledger=False) for g in guarantors)
    rebuild_derived(db)
    return changed


def rebuild_derived(db: Database, *, natural_order: bool = False) -> None:
    """Refill every derived table of the practice from the stored rows and estimates (after a
    bulk load, a migration, re-estimating everything), in the order they read each other.
    ``natural_order``: as `ledger_entries.rebuild_all` takes it."""
    ledger_entries.rebuild_all(db, natural_order=natural_order)
    applied_credits.rebuild_all(db)
    report_summary.rebuild_all(db)


# --- the Original group: the split estimated when the work was posted -------------------

# The posted capitation write-off of a cap_complete line is its write-off estimate then.
_ORIG_WRITEOFF = ("CASE WHEN status = 'cap_complete' AND writeoff_cents != 0 THEN writeoff_cents "
                  "ELSE writeoff_est_cents END")


def freeze_originals(db: Database, procedures: str = "TRUE", params=()) -> None:
    """Freeze the split of work completed since the last call (``procedures``: an SQL condition
    on procedure, with its ``params``): each line's estimate and the charge, now. A line that
    appears later on work already posted (a plan added with an earlier effective date) was not
    part of that split: it is frozen at 0."""
    posted = f"SELECT id FROM procedure WHERE {procedures} AND status = 'complete'"
    db.execute_sql(
        f"UPDATE claim_proc SET orig_ins_est_cents = ins_est_cents, "
        f"orig_writeoff_est_cents = {_ORIG_WRITEOFF} "
        f"WHERE procedure_id IN ({posted} AND orig_charge_cents IS NULL)", params)
    db.execute_sql(
        "UPDATE claim_proc SET orig_ins_est_cents = 0, orig_writeoff_est_cents = 0 "
        f"WHERE orig_ins_est_cents IS NULL AND procedure_id IN ({posted} "
        "AND orig_charge_cents IS NOT NULL)", params)
    db.execute_sql(f"UPDATE procedure SET orig_charge_cents = fee_cents * units "
                   f"WHERE id IN ({posted} AND orig_charge_cents IS NULL)", params)


def freeze_imported(db: Database, lines: Iterable[tuple[int, int]] | None = None) -> None:
    """The Original group of lines an import wrote with theirs (`import_practice`'s
    ``originals``) and then estimated again: ``lines`` (procedure and plan ids), or every line
    (None). As `freeze_originals` freezes a fresh import's completed work: each line as
    it is now (an import never holds a line added to work posted before it)."""
    complete = "SELECT id FROM procedure WHERE status = 'complete'"
    update = (f"UPDATE claim_proc SET orig_ins_est_cents = ins_est_cents, "
              f"orig_writeoff_est_cents = {_ORIG_WRITEOFF} ")
    if lines is None:
        db.execute_sql(f"{update} WHERE procedure_id IN ({complete})")
        return
    db.cursor().executemany(f"{update} WHERE procedure_id = ?1 AND plan_id = ?2 "
                            f"AND procedure_id IN ({complete} AND id = ?1)", lines)


def reestimate_practice(db: Database, *, progress: Progress | None = None,
                        derived: bool = True) -> int:
    """Every family, read in one pass (`reestimate_all` reads family by family): an import.

    The whole practice and its stored lines are read once, split into families in memory,
    each estimated as `reestimate_family` would, except that received lines without a frozen
    estimate get theirs from the replay of the family's claim payments (the file's kept
    estimates are frozen lines: a family whose received lines all have one is not replayed,
    and one whose lines are all received and kept as stored is not estimated at all:
    `estimator.engine.estimate_import`),
    and every changed line is written in one statement; then the ledger
    lines and report sums are rebuilt once (``derived=False``: the caller runs
    `rebuild_derived` itself). ``progress(done, total)``: families estimated.
    """
    ids = load_id_map(db)
    practice = read_practice(db, ids, None, for_estimates=True)
    frozen: set[tuple[str, str]] = set()
    reader = PracticeReader(db, ids, None)
    stored = reader.lines_where("TRUE", frozen)  # every line (TRUE: both engines)
    families = family_practices(practice)
    frozen_of: dict[str, list[tuple[str, str]]] = {}  # procedure id -> its frozen lines
    for key in frozen:
        frozen_of.setdefault(key[0], []).append(key)
    results: dict[tuple[str, str], LineEstimate] = {}
    if progress:
        progress(0, len(families))
    for n, family in enumerate(families, 1):
        kept = {key: stored[key] for pid in family.procedure_ids for key in frozen_of.get(pid, ())}
        results.update(estimate_import(family.practice, kept))
        if progress:
            progress(n, len(families))
    changed = _write(db, ids, results, stored)
    freeze_originals(db)  # as reestimate_family does, for every family at once
    if derived:
        rebuild_derived(db)
    return changed


@dataclass(frozen=True)
class Family:
    practice: Practice         # the family's patients, procedures, claims and claim payments
    procedure_ids: frozenset[str]


def family_practices(practice: Practice) -> list[Family]:
    """``practice`` cut into families (`estimator.families.split_families`), each with what
    `read_practice` gives for one family when estimating, and its procedures' ids."""
    return [Family(family, frozenset(p.id for p in family.procedures))
            for family in split_families(practice)]


def load_estimates(db: Database) -> dict[tuple[str, str], LineEstimate]:
    """Every stored claim procedure, keyed by (procedure id, plan id)."""
    return load_line_estimates(db)


# A capitation line's write-off is posted by the estimate itself (spec rule 11): it is stored in
# writeoff_cents; any other line's writeoff_cents holds claim payments and is never written here.
_CAP = "('cap_estimate', 'cap_complete')"
_POSTED_WRITEOFF = (f"writeoff_cents = CASE WHEN excluded.status IN {_CAP} OR claim_proc.status IN {_CAP} "
                    "THEN excluded.writeoff_cents ELSE claim_proc.writeoff_cents END")


EXPLANATION = 10  # where `line_columns` puts the explanation


def line_columns(line: LineEstimate) -> tuple:
    """What a line's estimate writes to its claim procedure (`_COLUMNS`, then a capitation
    line's posted write-off): two estimates with the same columns store the same row."""
    return (line.order, line.status, line.allowed, line.copay, line.percent, line.deductible,
            line.base_est, line.ins_est, line.writeoff_est, line.note,
            "\n".join(line.explanation), int(line.status == RECEIVED),
            line.writeoff if line.is_capitation else 0)



def _same(a: LineEstimate, b: LineEstimate | None) -> bool:
    # A kept received line is the stored one itself: no row to compare.
    return b is not None and (a is b or line_columns(a) == line_columns(b))


def _write(db: Database, ids: IdMap, results: Mapping[tuple[str, str], LineEstimate],
           stored: Mapping[tuple[str, str], LineEstimate]) -> int:
    """Upsert changed lines; drop stale estimate-only lines of plans no longer covering."""
    changed = [(ids.db_id("procedure", p), ids.db_id("plan", pl), *line_columns(line))
               for (p, pl), line in results.items() if not _same(line, stored.get((p, pl)))]
    stale = [(ids.db_id("procedure", p), ids.db_id("plan", pl)) for (p, pl) in stored
             if (p, pl) not in results]
    return _write_rows(db, changed, stale)


def _write_rows(db: Database, changed: list[tuple], stale: list[tuple[int, int]]) -> int:
    """Upsert ``changed`` (procedure id, plan id, `line_columns`...); delete the ``stale``
    lines (procedure id, plan id) that only held an estimate."""
    if changed:
        cols = ", ".join(_COLUMNS)
        updates = ", ".join([f"{c} = excluded.{c}" for c in _COLUMNS] + [_POSTED_WRITEOFF])
        db.cursor().executemany(
            f"INSERT INTO claim_proc (procedure_id, plan_id, {cols}, writeoff_cents) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 3))}) "
            f"ON CONFLICT (procedure_id, plan_id) DO UPDATE SET {updates}", changed)
    if stale:
        db.cursor().executemany(
            "DELETE FROM claim_proc WHERE procedure_id = ? AND plan_id = ? AND claim_id IS NULL "
            "AND preauth_id IS NULL AND status IN ('estimate', 'cap_estimate', 'cap_complete')",
            stale)
    return len(changed) + len(stale)


def stored_lines(db: Database):
    """Each stored line of a procedure not deleted, in id order: its procedure's and plan's
    ids and file ids, then its `line_columns` (what `compare_import_estimates` compares)."""
    return db.execute_sql(_STORED_COLUMNS)


_STORED_COLUMNS = (
    "SELECT cp.procedure_id, cp.plan_id, p.file_id, pl.file_id, cp.coverage_order, cp.status, "
    "cp.allowed_cents, cp.copay_cents, cp.percent, cp.deductible_est_cents, cp.base_est_cents, "
    "cp.ins_est_cents, cp.writeoff_est_cents, cp.note, cp.explanation, "
    "CASE WHEN cp.status = 'received' THEN 1 ELSE 0 END, "
    f"CASE WHEN cp.status IN {_CAP} THEN cp.writeoff_cents ELSE 0 END "
    "FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id "
    "JOIN plan pl ON pl.id = cp.plan_id WHERE p.status != 'deleted' ORDER BY cp.id")


def compare_import_estimates(rows: dict[tuple[str, str], tuple], stored: Iterable[tuple]
                             ) -> tuple[list[tuple], list[tuple[int, int]], dict]:
    """`reestimate_practice`'s writing (without the derived tables) for an import whose lines
    were estimated from the file while it was stored (`store.files.import_estimates`):
    ``rows`` holds every line's `line_columns`, keyed by the file's (procedure id, plan id),
    and is used up; ``stored``: the stored lines, as `stored_lines` reads them back (the
    import has them from its loader). Returns what `write_compared` writes: (changed, stale,
    lines not stored), as `_write` does. Reads no database (an import runs it beside its
    index build).
    Stored lines are compared as the columns they hold (no line built: an import stores
    millions), found by the file ids the import keeps."""
    changed, stale = [], []
    for proc, plan, proc_key, plan_key, *columns in stored:
        new = rows.pop((proc_key, plan_key), None)
        if new is None:
            stale.append((proc, plan))
        elif tuple(columns) != new:
            changed.append((proc, plan, *new))
    return changed, stale, rows


def write_compared(db: Database, changed: list[tuple], stale: list[tuple[int, int]],
                   unstored: dict[tuple[str, str], tuple]) -> int:
    """Write what `compare_import_estimates` found, in an import that wrote the Original group
    with its rows (`import_practice(originals=True)`: a line of completed work has one, any
    other none): each changed line is updated in place and its group, if it has one, frozen
    as it is now (as `freeze_imported` would, in the same statement)."""
    if unstored:  # lines the import did not store (none from an export): added, in their order
        ids = load_id_map(db)
        added = [(ids.db_id("procedure", p), ids.db_id("plan", pl), *columns)
                 for (p, pl), columns in unstored.items()]
        _write_rows(db, added, [])
        freeze_imported(db, [row[:2] for row in added])
    if changed:
        db.cursor().executemany(_UPDATE_IMPORTED, changed)
    return _write_rows(db, [], stale) + len(changed) + len(unstored)


# A changed line of an import (`write_compared`): ?1, ?2 its procedure and plan, then its
# `line_columns` from ?3 (status ?4, insurance estimate ?10, write-off estimate ?11, a
# capitation line's posted write-off ?15). Its Original group is `_ORIG_WRITEOFF` written
# with the new values (an UPDATE's SET reads the row as it was).
_UPDATE_IMPORTED = (
    "UPDATE claim_proc SET " + ", ".join(f"{c} = ?{n}" for n, c in enumerate(_COLUMNS, 3)) +
    f", writeoff_cents = CASE WHEN CAST(?4 AS TEXT) IN {_CAP} OR status IN {_CAP} THEN ?15 "
    "ELSE writeoff_cents END, "  # (CAST: PostgreSQL types a parameter only beside a column)
    "orig_ins_est_cents = CASE WHEN orig_ins_est_cents IS NULL THEN orig_ins_est_cents "
    "ELSE ?10 END, orig_writeoff_est_cents = CASE WHEN orig_writeoff_est_cents IS NULL "
    "THEN orig_writeoff_est_cents "
    "WHEN CAST(?4 AS TEXT) = 'cap_complete' AND ?15 != 0 THEN ?15 ELSE ?11 END "
    "WHERE procedure_id = ?1 AND plan_id = ?2")


