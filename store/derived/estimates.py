"""Re-estimation: run the pure estimator over a family and store the results.

One family (a guarantor and their members) is the unit: family deductibles and
maxima are shared inside it, and a posting only ever touches one family. The
caller owns the write transaction; these functions only read and write inside it.

Received lines keep the estimate stored when they were received (``frozen``);
a family estimated for the first time after an import has no frozen lines, so
the estimator replays its claim payments in date order to recover them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Mapping

from estimator.engine import estimate_practice
from estimator.families import split_families
from estimator.model import Practice
from estimator.results import RECEIVED, LineEstimate

from ..connection import Database, bind_list, in_list
from ..family.ids import IdMap, family_patient_ids, load_id_map
from ..family.loader import (
    PracticeReader, family_id_map, load_line_estimates, load_stored_estimates, read_practice,
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


def rebuild_derived(db: Database) -> None:
    """Refill every derived table of the practice from the stored rows and estimates (after a
    bulk load, a migration, re-estimating everything), in the order they read each other."""
    ledger_entries.rebuild_all(db)
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


def reestimate_practice(db: Database, *, progress: Progress | None = None,
                        derived: bool = True) -> int:
    """Every family, read in one pass (`reestimate_all` reads family by family): an import.

    The whole practice and its stored lines are read once, split into families in memory,
    each estimated as `reestimate_family` would, except that received lines without a frozen
    estimate get theirs from the replay of the family's claim payments (the file's kept
    estimates are frozen lines: a family whose received lines all have one is not replayed),
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
        results.update(estimate_practice(family.practice, kept, replay_missing=True))
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


def _row(line: LineEstimate) -> tuple:
    return (line.order, line.status, line.allowed, line.copay, line.percent, line.deductible,
            line.base_est, line.ins_est, line.writeoff_est, line.note,
            "\n".join(line.explanation), int(line.status == RECEIVED),
            line.writeoff if line.is_capitation else 0)


def _same(a: LineEstimate, b: LineEstimate | None) -> bool:
    return b is not None and _row(a) == _row(b)


def _write(db: Database, ids: IdMap, results: Mapping[tuple[str, str], LineEstimate],
           stored: Mapping[tuple[str, str], LineEstimate]) -> int:
    """Upsert changed lines; drop stale estimate-only lines of plans no longer covering."""
    changed = [(ids.db_id("procedure", p), ids.db_id("plan", pl), *_row(line))
               for (p, pl), line in results.items() if not _same(line, stored.get((p, pl)))]
    if changed:
        cols = ", ".join(_COLUMNS)
        updates = ", ".join([f"{c} = excluded.{c}" for c in _COLUMNS] + [_POSTED_WRITEOFF])
        db.cursor().executemany(
            f"INSERT INTO claim_proc (procedure_id, plan_id, {cols}, writeoff_cents) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 3))}) "
            f"ON CONFLICT (procedure_id, plan_id) DO UPDATE SET {updates}", changed)
    stale = [(ids.db_id("procedure", p), ids.db_id("plan", pl)) for (p, pl) in stored
             if (p, pl) not in results]
    if stale:
        db.cursor().executemany(
            "DELETE FROM claim_proc WHERE procedure_id = ? AND plan_id = ? AND claim_id IS NULL "
            "AND preauth_id IS NULL AND status IN ('estimate', 'cap_estimate', 'cap_complete')",
            stale)
    return len(changed) + len(stale)
