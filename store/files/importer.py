"""`estimator.model.Practice` -> database, all or nothing.

Semantics:
- One ``BEGIN IMMEDIATE`` transaction; any error rolls everything back.
- A database that already holds a practice (patients, plans, codes, ...) is
  refused unless ``replace=True``: then every practice table and the practice
  settings are wiped first, in the same transaction (users, locations, other
  settings and the audit log stay). An audit row records the import.
- File ids are kept in ``file_id`` columns; database ids are assigned here so
  rows go in with bulk ``executemany`` (2M-line practices), foreign keys being
  checked at commit (``PRAGMA defer_foreign_keys``).
- One claim procedure per procedure and plan (plans covering the patient, plus
  any plan named by the procedure's overrides, no_bill or claims), with zero
  estimates: the estimator fills them afterwards (``store.derived.estimates``).
  A received claim's kept estimates (`model.KeptEstimate`, history the file records
  like its payments) are stored on their lines as frozen estimates, with the
  carrier's payment as the last step of the explanation, as entering the payment
  leaves them: the estimator keeps them and replays the claim payments only for
  received lines without one.
- A claim with a claim payment is stored as ``received`` (entering a payment
  receives the claim); a second payment on a line is supplemental. A claim on hold whose
  earlier plans' lines are all received is stored ``unsent`` (`estimator.holds`).
- A patient payment becomes ``payment_allocation`` rows: one of the whole amount for
  ``procedure``, one per part for ``allocations``, none when it is unallocated.
- Posted rows keep their ``stamp`` (who entered them, when, where); a row without one is
  stamped with this import's user, time, workstation and location (`ImportResult.stamp`).
  Claims have no stamp in the model: they get the import's; insurance payment lines get
  their payment's.
  `normalized` gives what an export returns after importing a Practice.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

import peewee

from estimator import model as m
from estimator.holds import UNSENT, released_holds
from estimator.results import CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED
from estimator.worksheet import RECEIVED_STEP, received_step

from .. import models as t
from ..audit import now, record, workstation_name
from ..connection import (
    Database, EngineError, StoreError, defer_foreign_keys, indexes_dropped, reset_ids, root_error,
    write_transaction,
)
from ..family import records
from ..family.ids import IdMap, display_name, name_key
from ..family.loader import office_settings
from ..read.patients import has_practice

STAMP = ("entered_at", "entered_by", "workstation", "location")
# A claim procedure's estimate columns, and their values before the estimator runs.
ESTIMATE_COLUMNS = ("allowed_cents", "copay_cents", "percent", "deductible_est_cents",
                    "base_est_cents", "ins_est_cents", "writeoff_est_cents", "note",
                    "explanation", "frozen")
# A claim procedure row as the loader writes it (`_Loader.claim_proc_rows`).
CLAIM_PROC_NAMES = ("id", "procedure", "plan", "coverage_order", "status", "claim", "claim_seq",
                    "preauth", "preauth_seq", "no_bill",
                    *map(t.override_column, t.OVERRIDE_FIELDS), "paid_cents", "writeoff_cents",
                    "deductible_applied_cents", *ESTIMATE_COLUMNS,
                    "orig_ins_est_cents", "orig_writeoff_est_cents")
_AT = {name: n for n, name in enumerate(CLAIM_PROC_NAMES)}
NOT_FROZEN = (None, None)  # a line's Original group before it is frozen
DELETED = "deleted"
COMPLETE = "complete"
NO_ESTIMATE = (0, 0, 0, 0, 0, 0, 0, "", "", 0)
NO_OVERRIDE = (None,) * len(t.OVERRIDE_FIELDS)
NO_CLAIM = (None, None, None, None)  # (claim, seq, preauth, preauth seq) of a line on none
NO_PAYMENT = (0, 0, 0)  # (paid, writeoff, deductible) of a line no check paid
NO_MONEY = NO_OVERRIDE + NO_PAYMENT + NO_ESTIMATE
# A line's key in the loader's maps: its procedure's and plan's db ids in one int (an int's
# hash is itself; a pair's is worked out at each of the millions of lookups).
PLAN_BITS = 32


def line_key(proc: int, plan: int) -> int:
    return proc << PLAN_BITS | plan  # (written out in the loops over every line)


# A kept estimate's values for `ESTIMATE_COLUMNS` up to the explanation (read in one call).
_KEPT_VALUES = attrgetter("allowed", "copay", "percent", "deductible", "base_est", "ins_est",
                          "writeoff_est", "note")
# The tables a practice fills by the thousand: their indexes are built once the rows are in
# (filling an index row by row costs about twice as much).
BULK_TABLES = ("patient", "patient_coverage", "procedure", "procedure_visit", "claim",
               "claim_proc", "claim_payment", "claim_payment_line", "patient_payment",
               "payment_allocation", "adjustment", "appointment", "ledger_note", "statement")
PRACTICE_SETTINGS = "key IN ('as_of', 'lock_date') OR key LIKE 'pref.%' OR key LIKE 'office.%'"


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]  # table -> rows inserted
    id_map: IdMap
    stamp: m.Stamp | None = None  # what rows without a stamp of their own were stamped with


def import_practice(db: Database, practice: m.Practice, *, user: str = "import",
                    workstation: str | None = None, location: str | None = None,
                    replace: bool = False, audit_user: str | None = None,
                    keep: list | None = None, claims: FileClaims | None = None,
                    while_indexing=None, originals: bool = False) -> ImportResult:
    """Store ``practice``; see the module docstring for the rules. ``user`` stamps rows
    without a stamp of their own; the audit row names ``audit_user`` (who ran the import)
    when given, else ``user``. ``keep``: a list the loader's working tables (millions of
    entries for a big practice) are put in rather than let go on the way out, for a bulk
    import to let go of beside its SQL (`import_estimates.let_go`). ``claims``: the
    practice's `file_claims`, when the caller has them already. ``while_indexing(loader)``:
    called once the rows are in, just before their indexes are built (SQLite builds them
    without Python's lock: a thread it starts can work beside them); it must not use the
    database. ``originals``: the Original group of the completed work is written with the
    rows, as `estimates.freeze_originals` would freeze it now, for a caller that writes the
    lines its estimating changes with theirs (`estimates.write_compared`; all of them:
    `estimates.freeze_imported`) instead of freezing the whole practice afterwards."""
    workstation = workstation or workstation_name()
    try:
        with write_transaction(db):
            defer_foreign_keys(db)
            if has_practice(db):
                if not replace:
                    raise StoreError("the database already holds a practice; "
                                     "import with replace to overwrite it")
                wipe_practice(db)
            stamp = m.Stamp(datetime.fromisoformat(now()), user, workstation, location or None)
            loader = _Loader(db, practice, stamp, claims or file_claims(practice), originals)
            if keep is not None:
                keep.append(loader)
            with indexes_dropped(db, BULK_TABLES):  # (empty here: built once, afterwards)
                loader.run()
                if while_indexing is not None:
                    while_indexing(loader)
            # the file's ids were written as given: new rows' ids continue after them
            reset_ids(db, [md._meta.table_name for md in t.PRACTICE_MODELS
                           if "id" in md._meta.fields])
            record(db, "import", user=audit_user or user, workstation=workstation,
                   entity="practice",
                   detail={"replace": replace, "counts": loader.counts})
    except (EngineError, peewee.PeeweeException) as exc:
        reason = (str(root_error(exc) or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"import failed, nothing was written: {reason}") from exc
    return ImportResult(dict(loader.counts), loader.ids, stamp)


def wipe_practice(db: Database) -> None:
    """Delete every practice row (call inside a write transaction with deferred FKs)."""
    for model in reversed(t.PRACTICE_MODELS):
        if model is not t.Setting:
            db.execute_sql(f'DELETE FROM "{model._meta.table_name}"')
    db.execute_sql(f"DELETE FROM setting WHERE {PRACTICE_SETTINGS}")
    for model in t.DERIVED_MODELS:  # derived from the rows above; rebuilt on re-estimation
        db.execute_sql(f'DELETE FROM "{model._meta.table_name}"')


def _location_id(db: Database, name: str | None) -> int | None:
    if not name:
        return None
    db.execute_sql("INSERT INTO location (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
    return db.execute_sql("SELECT id FROM location WHERE name = ?", (name,)).fetchone()[0]


def split_name(name: str) -> tuple[str, str]:
    """``"Last, First"`` -> ``("Last", "First")`` (no comma: all last name)."""
    last, _, first = name.partition(",")
    return " ".join(last.split()), " ".join(first.split())


def line_plans(proc: m.Procedure, coverage: tuple[m.Coverage, ...],
               claim_plans) -> list[str]:
    """Plans that get a claim procedure, in the order their rows are created
    (overrides first so an export lists them in the file's order): the procedure's
    overrides' and do-not-bill plans, its patient's coverage, its claims' plans, each once."""
    if not proc.overrides and not proc.no_bill:
        # (the usual procedures, asked a million times by an import: a short way)
        if not coverage:
            return list(dict.fromkeys(claim_plans)) if claim_plans else []
        if len(coverage) == 1:
            only = coverage[0].plan
            if all(plan == only for plan in claim_plans):
                return [only]  # the usual line: one plan, its claims on it
        return list(dict.fromkeys([*(c.plan for c in coverage), *claim_plans]))
    ordered = [o.plan for o in proc.overrides] + list(proc.no_bill) + [c.plan for c in coverage]
    return list(dict.fromkeys([*ordered, *claim_plans]))


def stamp_text(at: datetime) -> str:
    """``entered_at`` text (the shape of `store.audit.now`)."""
    return at.isoformat(sep=" ", timespec="seconds")


def canonical_payment(pay: m.PatientPayment) -> m.PatientPayment:
    """The form an export gives a payment: one part of the whole amount is the v1
    ``procedure`` form, anything else is ``allocations``."""
    if len(pay.allocations) == 1 and pay.allocations[0].amount == pay.amount \
            and pay.procedure is None:
        return dataclasses.replace(pay, procedure=pay.allocations[0].procedure, allocations=())
    return pay


def normalized(practice: m.Practice, stamp: m.Stamp | None = None) -> m.Practice:
    """``practice`` as `export_practice` returns it after `import_practice`; ``stamp`` is
    the import's (`ImportResult.stamp`), given to posted rows without one."""
    def stamped(rows):
        return tuple(dataclasses.replace(row, stamp=_whole_seconds(row.stamp) or stamp)
                     for row in rows)

    claims = tuple(dataclasses.replace(c, kept_estimates=tuple(
        dataclasses.replace(k, explanation=tuple(s for s in k.explanation
                                                 if not s.startswith(RECEIVED_STEP)))
        for k in c.kept_estimates)) if c.kept_estimates else c for c in stored_claims(practice))
    return dataclasses.replace(
        practice, claims=claims, procedures=stamped(stored_procedures(practice)),
        patients=tuple(dataclasses.replace(pt, name=display_name(*split_name(pt.name)))
                       for pt in practice.patients),
        claim_payments=stamped(practice.claim_payments),
        patient_payments=stamped(map(canonical_payment, practice.patient_payments)),
        adjustments=stamped(practice.adjustments), ledger_notes=stamped(practice.ledger_notes),
        statements=stamped(practice.statements),
        office=practice.office if practice.office != m.Office() else None)


@dataclass(frozen=True)
class FileClaims:
    """What a practice's claims say that storing it and estimating it both need, worked out
    once (`file_claims`): `dentledger import` works it out before its child process starts,
    so both processes have it."""

    paid: frozenset[str]  # the claims with a claim payment
    released: frozenset[str]  # the held claims waiting for nothing any more (`released_holds`)
    plans_of: dict[str, list[str]]  # procedure id -> the plans of the claims it is on, in order


def file_claims(practice: m.Practice) -> FileClaims:
    plans_of: dict[str, list[str]] = {}
    for c in practice.claims:
        for proc in c.procedures:
            plans_of.setdefault(proc, []).append(c.plan)
    return FileClaims(frozenset(cp.claim for cp in practice.claim_payments),
                      released_holds(practice), plans_of)


def as_stored_for_estimates(practice: m.Practice, claims: FileClaims | None = None) -> m.Practice:
    """What the estimator reads of ``practice`` once `import_practice` has stored it (the
    claims' statuses, the procedures' overrides and do-not-bill plans in line order): an
    import estimates the file's practice beside storing it (`import_estimates`)."""
    claims = claims or file_claims(practice)
    return dataclasses.replace(practice, claims=stored_claims(practice, claims),
                               procedures=tuple(stored_procedures(practice, claims)))


def stored_claims(practice: m.Practice, claims: FileClaims | None = None) -> tuple[m.Claim, ...]:
    """The claims as stored (`stored_status`)."""
    claims = claims or file_claims(practice)
    paid, released = claims.paid, claims.released
    return tuple(c if (status := stored_status(c, paid, released)) == c.status
                 else dataclasses.replace(c, status=status) for c in practice.claims)


def stored_status(c: m.Claim, paid: set[str], released: frozenset[str]) -> str:
    """A claim's status as stored: received once paid (``paid``: the claims with a claim
    payment; a preauthorization stays one), unsent for a hold that waits for nothing any
    more (``released``: `released_holds`)."""
    status = RECEIVED if c.id in paid and c.status != "preauth" else c.status
    return UNSENT if status == "hold" and c.id in released else status


def stored_procedures(practice: m.Practice, claims: FileClaims | None = None):
    """The procedures as stored: overrides that set nothing left out, the do-not-bill plans
    in the order of the procedure's lines (`line_plans`)."""
    coverage = {pt.id: pt.coverage for pt in practice.patients}
    plans_of = (claims or file_claims(practice)).plans_of
    for p in practice.procedures:
        if not p.overrides and not p.no_bill:
            yield p
            continue
        order = line_plans(p, coverage.get(p.patient, ()), plans_of.get(p.id, ()))
        overrides = tuple(o for o in p.overrides if any(
            getattr(o, f) is not None for f in t.OVERRIDE_FIELDS))
        yield dataclasses.replace(p, overrides=overrides,
                                  no_bill=tuple(x for x in order if x in set(p.no_bill)))


_INS_EST, _WRITEOFF_EST = _AT["ins_est_cents"], _AT["writeoff_est_cents"]
_STATUS, _WRITEOFF = _AT["status"], _AT["writeoff_cents"]


def original_group(row: tuple) -> tuple[int, int]:
    """A claim procedure row's Original group (insurance and write-off estimates) frozen as it
    is written: `estimates.freeze_originals` (a posted capitation line keeps its write-off)."""
    writeoff = row[_WRITEOFF]
    if row[_STATUS] != CAP_COMPLETE or writeoff == 0:
        writeoff = row[_WRITEOFF_EST]
    return row[_INS_EST], writeoff


def kept_explanation(steps: tuple[str, ...], step: str) -> str:
    """The explanation a received line keeping a kept estimate of ``steps`` stores: its
    steps (an old payment step left out), then ``step``, what the carrier paid."""
    text = "\n".join(steps)  # (one look for an old payment step, in C, not one per step)
    if f"\n{RECEIVED_STEP}" in f"\n{text}":
        steps = [s for s in steps if not s.startswith(RECEIVED_STEP)]
        text = "\n".join(steps)
    return f"{text}\n{step}" if steps else step


def override_values(o: m.Override) -> tuple:
    """A line's override columns (`models.OVERRIDE_FIELDS`, the last one a flag)."""
    over = [getattr(o, f) for f in t.OVERRIDE_FIELDS]
    if over[-1] is not None:
        over[-1] = int(over[-1])
    return tuple(over)


def _whole_seconds(stamp: m.Stamp | None) -> m.Stamp | None:
    """What the database keeps of a stamp: the time to the second, no empty location."""
    if stamp is None:
        return None
    return dataclasses.replace(stamp, at=stamp.at.replace(microsecond=0),
                               location=stamp.location or None)


def _counted(rows, counts: dict, name: str):
    counts.setdefault(name, 0)
    for row in rows:
        counts[name] += 1
        yield row


class _Loader:
    def __init__(self, db: Database, practice: m.Practice, stamp: m.Stamp,
                 claims: FileClaims, originals: bool = False):
        self.db, self.p, self.stamp, self.file_claims = db, practice, stamp, claims
        self.originals = originals  # (`import_practice`)
        self.locations: dict[str, int] = {}
        self.same_stamp: dict[int, tuple] = {}  # by identity (the practice keeps them alive)
        self.ids = IdMap()
        self.counts: dict[str, int] = {}
        self.patients_of: list[int] = []  # each procedure's patient db id, in procedure order
        self.plan_of = {c.id: c.plan for c in practice.claims}
        self.subscriber_of = {pl.id: pl.subscriber for pl in practice.plans}
        # (kept steps, (paid, write-off, deductible)) -> explanation: files repeat both
        self.kept_texts: dict[tuple, str] = {}

    def run(self) -> None:
        for step in (self.settings, self.codes, self.fee_schedules, self.providers,
                     self.carriers, self.patients, self.plans, self.coverage, self.procedures,
                     self.claims, self.claim_payments, self.claim_procs, self.payment_lines,
                     self.patient_payments, self.adjustments, self.notes_and_appointments,
                     self.statements):
            step()

    # -- helpers --------------------------------------------------------------
    def insert(self, model, names, rows, *, posted: bool = False, count: int | None = None) -> None:
        """``posted``: each row ends with its `stamp_columns`. ``count``: how many rows
        ``rows`` yields, when known (else they are counted one by one as they go in)."""
        if posted:
            names = (*names, *STAMP)
        fields = model._meta.fields
        cols = ", ".join(f'"{fields[n].column_name}"' for n in names)
        table = model._meta.table_name
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(names))})'
        if count is None and not isinstance(rows, list):
            rows = _counted(rows, self.counts, table)
        else:
            self.counts[table] = self.counts.get(table, 0) + (len(rows) if count is None else count)
        self.db.cursor().executemany(sql, rows)

    def stamp_columns(self, stamp: m.Stamp | None) -> tuple:
        """A posted row's `STAMP` columns (None: the import's own stamp)."""
        cols = self.same_stamp.get(id(stamp))  # (a file read quickly shares its stamps)
        if cols is None:
            cols = self.same_stamp[id(stamp)] = self.stamp_values(stamp or self.stamp)
        return cols

    def stamp_values(self, stamp: m.Stamp) -> tuple:
        # (not looked up by value: hashing a stamp costs more than writing it out)
        location = None
        if stamp.location:
            location = self.locations.get(stamp.location)
            if location is None:
                location = self.locations[stamp.location] = _location_id(self.db, stamp.location)
        return (stamp_text(stamp.at), stamp.user, stamp.workstation, location)

    def next_id(self, model) -> int:
        sql = f'SELECT coalesce(max(id), 0) + 1 FROM "{model._meta.table_name}"'
        return self.db.execute_sql(sql).fetchone()[0]

    def assign(self, kind: str, model, practice_ids) -> int:
        """Give every practice id of ``kind`` a database id, in order; returns the first."""
        to_db, to_practice = self.ids.to_db[kind], self.ids.to_practice[kind]
        pids, first = list(practice_ids), self.next_id(model)
        given = dict(zip(pids, range(first, first + len(pids))))
        if len(given) == len(pids) and not to_db:  # (all at once, in C: millions of ids)
            to_db.update(given)
            to_practice.update(zip(range(first, first + len(pids)), pids))
            return first
        for i, pid in enumerate(pids, first):  # as `IdMap.add`, stopping at the one given twice
            if pid in to_db:
                raise StoreError(f"two {kind.replace('_', ' ')}s have the id {pid!r}")
            to_db[pid] = i
            to_practice[i] = pid
        return first

    def ref(self, kind: str, pid: str | None, where: str) -> int | None:
        if pid is None:
            return None
        try:
            return self.ids.to_db[kind][pid]
        except KeyError:
            raise StoreError(f"{where}: unknown {kind.replace('_', ' ')} {pid!r}") from None

    # -- reference data -------------------------------------------------------
    def settings(self) -> None:
        p = self.p
        values = {"as_of": p.as_of.isoformat(),
                  "lock_date": p.lock_date.isoformat() if p.lock_date else None}
        for f in dataclasses.fields(m.Preferences):
            values[f"pref.{f.name}"] = "1" if getattr(p.preferences, f.name) else "0"
        values.update(office_settings(p.office))
        self.db.cursor().executemany("INSERT INTO setting (key, value) VALUES (?, ?) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                     [(k, v) for k, v in values.items() if v is not None])
        for name in p.locations:  # the group's locations (office data: kept by a replace)
            _location_id(self.db, name)

    def codes(self) -> None:
        p = self.p
        declared = {c.code for c in p.adjustment_codes}
        implicit = {c.writeoff_code: "writeoff" for c in p.carriers if c.writeoff_code}
        for adj in p.adjustments:
            implicit.setdefault(adj.code, "other")
        rows = [(c.code, c.kind, c.description, 1) for c in p.adjustment_codes]
        rows += [(code, kind, "", 0) for code, kind in implicit.items() if code not in declared]
        first = self.next_id(t.AdjustmentCode)
        self.adj = {row[0]: first + i for i, row in enumerate(rows)}
        self.insert(t.AdjustmentCode, ("id", "code", "kind", "description", "declared"),
                    ((self.adj[r[0]], *r) for r in rows))
        first = self.next_id(t.ProcedureCode)
        self.code_ids = {c.code: first + i for i, c in enumerate(p.procedure_codes)}
        self.insert(t.ProcedureCode, ("id", "code", "description", "category", "categories",
                                      "substitution_code", "substitution_condition"),
                    ((self.code_ids[c.code], c.code, c.description, c.category,
                      ",".join(c.categories), c.substitution_code, c.substitution_condition)
                     for c in p.procedure_codes))

    def fee_schedules(self) -> None:
        self.assign("fee_schedule", t.FeeSchedule, (s.id for s in self.p.fee_schedules))
        db_id = self.ids.to_db["fee_schedule"]
        self.insert(t.FeeSchedule, ("id", "file_id", "kind", "name"),
                    ((db_id[s.id], s.id, s.kind, s.name) for s in self.p.fee_schedules))
        self.insert(t.Fee, ("schedule", "code", "amount_cents"),
                    ((db_id[s.id], code, amount) for s in self.p.fee_schedules
                     for code, amount in s.fees.items()))

    def providers(self) -> None:
        self.assign("provider", t.Provider, (d.id for d in self.p.providers))
        self.insert(t.Provider, ("id", "file_id", "name", "fee_schedule"),
                    ((self.ids.to_db["provider"][d.id], d.id, d.name,
                      self.ref("fee_schedule", d.fee_schedule, f"provider {d.id}"))
                     for d in self.p.providers))

    def carriers(self) -> None:
        self.assign("carrier", t.Carrier, (c.id for c in self.p.carriers))
        self.insert(t.Carrier, ("id", "file_id", "name", "writeoff_code", "electronic_id"),
                    ((self.ids.to_db["carrier"][c.id], c.id, c.name,
                      self.adj.get(c.writeoff_code), c.electronic_id) for c in self.p.carriers))

    # -- patients and plans -----------------------------------------------------
    def patients(self) -> None:
        self.assign("patient", t.Patient, (pt.id for pt in self.p.patients))
        self.insert(t.Patient, ("id", "file_id", "last_name", "first_name", "name_lower",
                                "first_lower", "birthdate", "guarantor", *records.RECORD_COLUMNS,
                                "provider", "name_search", "first_search"),
                    (self.patient_row(pt) for pt in self.p.patients))
        self.insert(t.PatientPhone, ("digits", "patient_id"),
                    [row for pt in self.p.patients
                     for row in records.phone_rows(self.ids.to_db["patient"][pt.id], pt)])

    def patient_row(self, pt: m.Patient) -> tuple:
        last, first = split_name(pt.name)
        return (self.ids.to_db["patient"][pt.id], pt.id, last, first,
                name_key(display_name(last, first)), first.lower(), pt.birthdate.isoformat(),
                self.ref("patient", pt.guarantor, f"patient {pt.id} guarantor"),
                *records.columns(pt), self.ref("provider", pt.provider, f"patient {pt.id}"),
                *records.search_columns(last, first, pt.middle_name))

    def plans(self) -> None:
        self.assign("plan", t.Plan, (pl.id for pl in self.p.plans))
        self.plan_info = {}  # plan db id -> (carrier db id, type)
        names = ("id", "file_id", "carrier", "subscriber", "type", "fee_schedule",
                 "allowed_fee_schedule", "copay_schedule", "annual_max_cents",
                 "family_annual_max_cents", "deductible_cents", "family_deductible_cents",
                 "deductible_before_percent", "renew_month", "allow_substitution",
                 "substitution_writeoffs", "cob_rule", "same_plan_as", "employer",
                 "group_number", "note", "claims_use_ucr")
        self.insert(t.Plan, names, [self.plan_row(pl) for pl in self.p.plans])
        self.plan_children()

    def plan_row(self, pl: m.Plan) -> tuple:
        where = f"plan {pl.id}"
        i = self.ids.to_db["plan"][pl.id]
        carrier = self.ref("carrier", pl.carrier, where)
        self.plan_info[i] = (carrier, pl.type)
        fs = [self.ref("fee_schedule", s, where) for s in
              (pl.fee_schedule, pl.allowed_fee_schedule, pl.copay_schedule)]
        ucr = None if pl.claims_use_ucr is None else int(pl.claims_use_ucr)
        return (i, pl.id, carrier, self.ref("patient", pl.subscriber, where), pl.type, *fs,
                pl.annual_max, pl.family_annual_max, pl.deductible, pl.family_deductible,
                int(pl.deductible_before_percent), pl.renew_month, int(pl.allow_substitution),
                int(pl.substitution_writeoffs), pl.cob_rule,
                self.ref("plan", pl.same_plan_as, where), pl.employer, pl.group_number,
                pl.note, ucr)

    def plan_children(self) -> None:
        plans = [(self.ids.to_db["plan"][pl.id], pl) for pl in self.p.plans]
        self.insert(t.PlanCoverage, ("plan", "kind", "key", "percent"),
                    [(i, kind, key, pct) for i, pl in plans
                     for kind, mapping in (("category", pl.coverage), ("code", pl.code_coverage))
                     for key, pct in mapping.items()])
        self.insert(t.PlanLimit, ("plan", "kind", "key", "amount_cents"),
                    [(i, kind, key, amount) for i, pl in plans for kind in t.LIMIT_KINDS
                     for key, amount in getattr(pl, kind).items()])
        self.insert(t.PlanFrequency, ("plan", "code", "category", "quantity", "per", "count"),
                    [(i, f.code, f.category, f.quantity, f.per, f.count)
                     for i, pl in plans for f in pl.frequency])
        self.insert(t.PlanExclusion, ("plan", "code"),
                    [(i, code) for i, pl in plans for code in pl.exclusions])
        self.insert(t.PlanDeductibleWaiver, ("plan", "category"),
                    [(i, cat) for i, pl in plans for cat in pl.deductible_waived_on])

    def coverage(self) -> None:
        self.covers = {}  # patient file id -> {plan db id: coverage order}
        rows, used = [], []
        for pt in self.p.patients:
            i = self.ids.to_db["patient"][pt.id]
            where = f"patient {pt.id} coverage"
            orders = self.covers[pt.id] = {}
            for c in pt.coverage:
                plan = self.ref("plan", c.plan, where)
                orders[plan] = c.order
                rows.append((i, plan, c.order, int(c.pending), c.subscriber_id,
                             *(d.isoformat() if d else None for d in (c.effective, c.terminated)),
                             c.relationship))
            used += [(i, self.ref("plan", b.plan, f"patient {pt.id} benefits_used"), b.paid,
                      b.deductible_met) for b in pt.benefits_used]
        self.insert(t.PatientCoverage, ("patient", "plan", "coverage_order", "pending",
                                        "subscriber_id", "effective", "terminated",
                                        "relationship"), rows)
        self.insert(t.BenefitUsed, ("patient", "plan", "paid_cents", "deductible_met_cents"), used)

    # -- posted work -------------------------------------------------------------
    # (The per-row builders below look ids up in the id map's dicts directly and call `ref`
    # only for an id they lack, to get its refusal: a practice has millions of these rows.)
    def procedures(self) -> None:
        procs = self.p.procedures
        self.first_procedure = self.assign("procedure", t.Procedure, (pr.id for pr in procs))
        names = ("id", "file_id", "patient", "code", "fee_cents", "units", "tooth", "surface",
                 "date", "completed", "provider", "status", "tp_order", "note",
                 "orig_charge_cents")
        self.insert(t.Procedure, names, self.procedure_rows(), posted=True,
                    count=len(procs))
        to_db = self.ids.to_db["procedure"]
        self.insert(t.ProcedureVisit, ("procedure", "seq", "date"),
                    [(to_db[pr.id], seq, day.isoformat())
                     for pr in procs if pr.visits for seq, day in enumerate(pr.visits, 1)])

    def procedure_rows(self):
        """Each procedure's row. (One loop, its lookups bound once: a practice has millions.)"""
        to_db = self.ids.to_db
        procs, patients, providers = to_db["procedure"], to_db["patient"], to_db["provider"]
        codes, stamp_columns, originals = self.code_ids, self.stamp_columns, self.originals
        patients_of = self.patients_of.append
        for pr in self.p.procedures:
            try:
                i, patient, code, provider = (procs[pr.id], patients[pr.patient], codes[pr.code],
                                              providers[pr.provider])
            except KeyError:
                i, patient, code, provider = self.procedure_refs(pr)
            patients_of(patient)
            completed = pr.completed
            yield (i, pr.id, patient, code, pr.fee, pr.units, pr.tooth, pr.surface,
                   pr.date.isoformat(), completed.isoformat() if completed else None, provider,
                   pr.status, pr.tp_order, pr.note,
                   pr.fee * pr.units if originals and pr.status == COMPLETE else None,
                   *stamp_columns(pr.stamp))

    def procedure_refs(self, pr: m.Procedure) -> tuple:
        """(procedure, patient, code, provider) db ids, refusing an unknown one."""
        where = f"procedure {pr.id}"
        if pr.code not in self.code_ids:
            raise StoreError(f"{where}: unknown procedure code {pr.code!r}")
        return (self.ids.to_db["procedure"][pr.id], self.ref("patient", pr.patient, where),
                self.code_ids[pr.code], self.ref("provider", pr.provider, where))

    def claims(self) -> None:
        self.assign("claim", t.Claim, (c.id for c in self.p.claims))
        paid, released = self.file_claims.paid, self.file_claims.released
        # `line_key` -> [claim, seq, preauth, preauth seq] (a line may be on one of each)
        self.on_claims: dict[int, list] = {}
        self.received: set[int] = set()
        self.kept: dict[int, m.KeptEstimate] = {}  # `line_key` -> the line's kept estimate
        stamp = self.stamp_columns(None)  # claims have none of their own
        procs = self.ids.to_db["procedure"]
        rows = []
        for c in self.p.claims:
            status = stored_status(c, paid, released)
            i, patient, plan = self.claim_lines(c)
            if status == RECEIVED:
                self.received.add(i)
                for kept in c.kept_estimates:
                    proc = procs.get(kept.procedure) or self.ref(
                        "procedure", kept.procedure, f"claim {c.id}")
                    self.kept[line_key(proc, plan)] = kept
            rows.append((i, c.id, patient, plan, c.kind, status,
                         c.date.isoformat(), c.sent_date.isoformat() if c.sent_date else None,
                         c.claim_no, c.preauth_no, *stamp))
        self.insert(t.Claim, ("id", "file_id", "patient", "plan", "kind", "status", "date",
                              "sent_date", "claim_no", "preauth_no"), rows, posted=True)

    def claim_lines(self, c: m.Claim) -> tuple[int, int, int]:
        """Record which lines ``c`` holds; returns (claim, patient, plan) db ids."""
        to_db = self.ids.to_db
        i = to_db["claim"][c.id]
        plan = to_db["plan"].get(c.plan) or self.ref("plan", c.plan, f"claim {c.id}")
        at = 2 if c.status == "preauth" else 0  # (its place in `on_claims`' lists)
        on_claims, procs = self.on_claims, to_db["procedure"]
        patient, first = None, self.first_procedure
        for seq, proc_id in enumerate(c.procedures, 1):
            proc = procs.get(proc_id) or self.ref("procedure", proc_id, f"claim {c.id}")
            key = line_key(proc, plan)
            found = on_claims.get(key)
            if found is None:
                found = on_claims[key] = list(NO_CLAIM)
            elif found[at] is not None:
                raise StoreError(f"claim {c.id}: procedure {proc_id} is already on another "
                                 f"claim for plan {c.plan}")
            found[at], found[at + 1] = i, seq
            patient = patient or self.patients_of[proc - first]  # (ids given in order)
        # a claim without procedures is filed under the plan's subscriber
        return i, patient or to_db["patient"][self.subscriber_of[c.plan]], plan

    def claim_payments(self) -> None:
        """Payments now; their lines once claim procedure ids exist (`payment_lines`)."""
        # `line_key` -> [paid, writeoff, deductible, paid on denied lines (the estimator leaves
        # it out), the line's claim procedure id (`line_money`)]
        self.sums: dict[int, list] = {}
        # [payment id, `line_key`, paid, wo, ded, denied, remarks, suppl, *stamp columns]
        self.lines = []
        first = self.first_payment = self.next_id(t.ClaimPayment)
        claims, plans = self.ids.to_db["claim"], self.ids.to_db["plan"]
        rows = []
        for i, pay in enumerate(self.p.claim_payments, first):
            claim = claims.get(pay.claim) or self.ref(
                "claim", pay.claim, f"claim payment {i - first + 1} (claim {pay.claim})")
            plan = plans[self.plan_of[pay.claim]]
            stamp = self.stamp_columns(pay.stamp)
            amount = self.payment_lines_of(i, pay, plan, stamp)
            rows.append((i, claim, self.plan_info[plan][0], pay.check_no, pay.bank_no,
                         pay.date.isoformat(), amount, *stamp))
        self.insert(t.ClaimPayment, ("id", "claim", "carrier", "check_no", "bank_no", "date",
                                     "amount_cents"), rows, posted=True)

    def payment_lines_of(self, i: int, pay: m.ClaimPayment, plan: int, stamp: tuple) -> int:
        """Add the lines of payment ``i`` to the lines' sums and `lines`; returns what it paid."""
        procs, sums, lines = self.ids.to_db["procedure"], self.sums, self.lines
        amount = 0
        for ln in pay.lines:
            key = (procs.get(ln.procedure) or self.ref(
                "procedure", ln.procedure, f"claim payment {i - self.first_payment + 1} "
                                           f"(claim {pay.claim})")) << PLAN_BITS | plan
            total = sums.get(key)
            if total is None:
                supplemental = 0
                total = sums[key] = [ln.paid, ln.writeoff, ln.deductible, 0, None]
            else:
                supplemental = 1
                total[0] += ln.paid
                total[1] += ln.writeoff
                total[2] += ln.deductible
            if ln.denied:
                total[3] += ln.paid
            lines.append([i, key, ln.paid, ln.writeoff, ln.deductible, int(ln.denied),
                          ln.remarks, supplemental, *stamp])
            amount += ln.paid
        return amount

    def claim_procs(self) -> None:
        self.stored_lines = []  # (proc, plan db ids, their file ids, row): `stored_estimates`
        names = CLAIM_PROC_NAMES
        self.next_cp = first = self.next_id(t.ClaimProc)
        self.insert(t.ClaimProc, names, self.claim_proc_rows(first), count=0)  # counted below
        self.counts["claim_proc"] += self.next_cp - first
        unpaid = [key for key, sums in self.sums.items() if sums[4] is None]
        if unpaid:
            proc = self.ids.to_practice["procedure"][unpaid[0] >> PLAN_BITS]
            raise StoreError(f"a claim payment pays procedure {proc}, which has no line "
                             "for that claim's plan")

    def claim_proc_rows(self, cp: int):
        """Each procedure's lines (`line_plans`), with ids from ``cp`` on; `next_cp` is the
        next id once they are all made. (One loop, its lookups bound once: a practice has
        millions of lines.)"""
        coverage = {pt.id: pt.coverage for pt in self.p.patients}
        procs, plans = self.ids.to_db["procedure"], self.ids.to_db["plan"]
        covers, claim_plans, plan_info = self.covers, self.file_claims.plans_of, self.plan_info
        on_claims, received = self.on_claims, self.received
        stored, deleted, originals = self.stored_lines.append, DELETED, self.originals
        for pr in self.p.procedures:
            proc = procs[pr.id]
            overrides = self.overrides_of(pr) if pr.overrides else None
            orders = covers.get(pr.patient) or {}
            estimated = pr.status != deleted  # (a deleted procedure's lines never are)
            frozen = originals and pr.status == COMPLETE
            lines_of = proc << PLAN_BITS  # (`line_key`)
            for plan_id in line_plans(pr, coverage.get(pr.patient, ()), claim_plans.get(pr.id, ())):
                plan = plans.get(plan_id) or self.ref("plan", plan_id, f"procedure {pr.id}")
                key = lines_of | plan
                claim, seq, preauth, pseq = on_claims.get(key, NO_CLAIM)
                if claim is not None:
                    status = RECEIVED if claim in received else NOT_RECEIVED
                elif preauth is not None:
                    status = PREAUTH
                elif plan_info[plan][1] == "capitation":
                    status = CAP_COMPLETE if pr.status == COMPLETE else CAP_ESTIMATE
                else:
                    status = ESTIMATE
                row = ((cp, proc, plan, orders.get(plan, 0), status, claim, seq, preauth, pseq,
                        int(plan_id in pr.no_bill))
                       + self.line_money(key, cp, overrides and overrides.get(plan_id)))
                row += original_group(row) if frozen else NOT_FROZEN
                if estimated:
                    stored((proc, plan, pr.id, plan_id, row))
                yield row
                cp += 1
        self.next_cp = cp

    def stored_estimates(self):
        """Each line of a procedure not deleted, as `estimates.stored_lines` reads the stored
        lines back (procedure and plan db ids, their file ids, `line_columns`), in
        id order: taken from the rows as written (no step changes a claim procedure once it
        is written), not read back from the database."""
        first, last = _AT["allowed_cents"], _AT["explanation"] + 1
        status_at, order_at, writeoff_at = _AT["status"], _AT["coverage_order"], _AT["writeoff_cents"]
        capitation = (CAP_ESTIMATE, CAP_COMPLETE)
        for proc, plan, proc_key, plan_key, row in self.stored_lines:
            status = row[status_at]
            yield (proc, plan, proc_key, plan_key, row[order_at], status, *row[first:last],
                   int(status == RECEIVED), row[writeoff_at] if status in capitation else 0)

    def line_money(self, key: int, cp: int, o: m.Override | None) -> tuple:
        """A line's override, payment and estimate columns (most lines: none of them); a
        paid line's claim procedure id ``cp`` is noted for its payment lines."""
        sums, kept = self.sums.get(key), self.kept.get(key)
        if sums is None:
            if o is None and kept is None:
                return NO_MONEY
            paid = NO_PAYMENT
        else:
            sums[4] = cp
            paid = (sums[0], sums[1], sums[2])
        return ((NO_OVERRIDE if o is None else override_values(o)) + paid
                + (NO_ESTIMATE if kept is None else self.kept_columns(kept, sums)))

    def overrides_of(self, pr: m.Procedure) -> dict[str, m.Override]:
        overrides = {}
        for o in pr.overrides:
            if o.plan in overrides:
                raise StoreError(f"procedure {pr.id}: two overrides for plan {o.plan}")
            overrides[o.plan] = o
        return overrides

    def kept_columns(self, kept: m.KeptEstimate, sums: list | None) -> tuple:
        """`ESTIMATE_COLUMNS` of a received line keeping ``kept``: as entering the payment
        (``sums``, None: none) leaves them (denied lines' amounts left out of what the
        carrier paid); each explanation written once per steps and amounts."""
        amounts = NO_PAYMENT if sums is None else (sums[0] - sums[3], sums[1], sums[2])
        steps = kept.explanation
        cached = (steps if type(steps) is tuple else tuple(steps), amounts)
        text = self.kept_texts.get(cached)
        if text is None:
            text = self.kept_texts[cached] = kept_explanation(steps, received_step(*amounts))
        return _KEPT_VALUES(kept) + (text, 1)

    def payment_lines(self) -> None:
        sums = self.sums
        for line in self.lines:  # (built as lists for this: the claim procs now have ids)
            line[1] = sums[line[1]][4]
        self.insert(t.ClaimPaymentLine, ("payment", "claim_proc", "paid_cents", "writeoff_cents",
                                         "deductible_cents", "denied", "remarks", "supplemental"),
                    self.lines, posted=True)

    # -- money at the desk ----------------------------------------------------------
    def patient_payments(self) -> None:
        first = self.next_id(t.PatientPayment)
        patients, procs = self.ids.to_db["patient"], self.ids.to_db["procedure"]
        rows, alloc = [], []
        for i, pay in enumerate(self.p.patient_payments, first):
            if pay.procedure is not None and pay.allocations:
                raise StoreError(f"patient payment {i - first + 1}: give either procedure or "
                                 "allocations, not both")
            rows.append((i, patients.get(pay.patient) or self.ref(
                             "patient", pay.patient, f"patient payment {i - first + 1}"),
                         pay.date.isoformat(), pay.amount, pay.method, pay.check_no, pay.bank_no,
                         pay.note, *self.stamp_columns(pay.stamp)))
            if pay.procedure is not None or pay.allocations:  # (most: none)
                alloc += [(i, procs.get(part.procedure) or self.ref(
                               "procedure", part.procedure, f"patient payment {i - first + 1}"),
                           part.amount) for part in pay.parts]
        self.insert(t.PatientPayment, ("id", "patient", "date", "amount_cents", "method",
                                       "check_no", "bank_no", "note"), rows, posted=True)
        self.insert(t.PaymentAllocation, ("payment", "procedure", "amount_cents"), alloc)

    def adjustments(self) -> None:
        rows = []
        for n, adj in enumerate(self.p.adjustments):
            where = f"adjustment {n + 1}"
            rows.append((self.ref("patient", adj.patient, where), adj.date.isoformat(),
                         adj.amount, self.adj[adj.code],
                         self.ref("procedure", adj.procedure, where), adj.note,
                         *self.stamp_columns(adj.stamp)))
        self.insert(t.Adjustment, ("patient", "date", "amount_cents", "code", "procedure", "note"),
                    rows, posted=True)

    def notes_and_appointments(self) -> None:
        patients = self.ids.to_db["patient"]
        self.insert(t.Appointment, ("patient", "date", "status"),
                    [(patients.get(a.patient) or self.ref("patient", a.patient, "appointment"),
                      a.date.isoformat(), a.status) for a in self.p.appointments])
        self.insert(t.LedgerNote, ("patient", "date", "text"),
                    [(self.ref("patient", n.patient, "ledger note"), n.date.isoformat(), n.text,
                      *self.stamp_columns(n.stamp)) for n in self.p.ledger_notes], posted=True)

    def statements(self) -> None:
        self.insert(t.Statement, ("guarantor", "date", "period_start", "amount_due_cents",
                                  "new_balance_cents", "insurance_pending_cents", "format",
                                  "file_name"),
                    [(self.ref("patient", s.patient, "statement"), s.date.isoformat(),
                      s.period_start.isoformat() if s.period_start else None, s.amount_due,
                      s.new_balance, s.insurance_pending, s.format, s.file,
                      *self.stamp_columns(s.stamp)) for s in self.p.statements], posted=True)
