"""The one loader: database rows -> `estimator.model.Practice`, the exact inverse of
`store.files.importer`. Postings re-estimate a family through it (`read_practice`), the
practice-file export reads the whole practice with it (`store.files.exporter`), and the ledger
card reads its rows with it (`PracticeReader`, subclassed by `store.read.ledger_window`).

Ids in the Practice are the file's ids where a row came from a file, else
generated stable ids (see `store.family.ids.IdMap`); the same map turns estimator
results keyed by those strings back into rows. Lists come back in database id
order, which is the file's order for imported rows. Deleted procedures are left out.

Every posted row (procedure, insurance payment, patient payment, adjustment, ledger note)
comes back with its `model.Stamp` (who entered it, when, where: the ledger card's Detail
columns and the practice's audit history). A patient payment's allocation rows come back as
``procedure`` when there is one allocation of the whole amount, else as ``allocations``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from typing import Iterator, Sequence

from estimator import model as m
from estimator.frozen import frozen_map, maker
from estimator.ledger_types import OriginalSplit
from estimator.results import LineEstimate

from ..connection import Database, StoreError, bind_list, in_list
from ..models import LIMIT_KINDS, MODELS, OVERRIDE_FIELDS, Posted, override_column
from . import records
from .ids import IdMap, display_name, family_patient_ids, load_id_map

PREFERENCES = ("ins_ppo_sec_writeoffs", "zero_writeoff_when_annual_max_exhausted",
               "ins_est_recalc_received")

# The office's name, address, phone and statement message (`model.Office`) as settings.
OFFICE_SETTINGS = {"name": "office.name", "address": "office.address", "phone": "office.phone",
                   "statement_message": "office.statement_message"}


def office_from_settings(settings: dict) -> m.Office | None:
    """The Office kept in the setting table (None: nothing set); the address is one line
    per street line."""
    values = {field: settings.get(key) for field, key in OFFICE_SETTINGS.items()}
    if not any(values.values()):
        return None
    address = tuple(line for line in (values["address"] or "").split("\n") if line)
    return m.Office(values["name"] or "", address, values["phone"] or "",
                    values["statement_message"] or "")


def office_settings(office: m.Office | None) -> dict[str, str | None]:
    """The setting rows of an Office (None values: not set)."""
    office = office or m.Office()
    values = {"name": office.name, "address": "\n".join(office.address), "phone": office.phone,
              "statement_message": office.statement_message}
    return {OFFICE_SETTINGS[k]: v or None for k, v in values.items()}


def load_family(db: Database, guarantor_id: int) -> m.Practice:
    """One family (the guarantor and the patients they are guarantor for) with the
    plans, carriers, fee schedules, codes and providers its records need."""
    members = family_patient_ids(db, guarantor_id)
    if not members:
        raise StoreError(f"no patient with database id {guarantor_id}")
    return PracticeReader(db, family_id_map(db, members), members).practice()


FAMILY_CHUNK = 400  # families read together by `read_families`


def read_families(db: Database, guarantors: Sequence[int], *, chunk: int = FAMILY_CHUNK
                  ) -> Iterator[tuple[int, m.Practice, dict[tuple[str, str], LineEstimate]]]:
    """(guarantor, the family's Practice, its stored claim procedures) for each guarantor,
    in the order given: what `load_family` and `load_line_estimates` give one family at a
    time, read ``chunk`` families at a time (one query per table for the chunk, then split),
    so a billing run over every family costs a fraction of a millisecond a family in queries
    and holds one chunk in memory."""
    for start in range(0, len(guarantors), chunk):
        yield from _read_chunk(db, [int(g) for g in guarantors[start:start + chunk]])


def _read_chunk(db: Database, gids: list[int]):
    params = {"g": bind_list(gids)}
    family_of = dict(db.execute_sql(
        f"SELECT id, coalesce(guarantor_id, id) FROM patient WHERE id {in_list(':g')} "
        f"OR guarantor_id {in_list(':g')} ORDER BY id", params).fetchall())
    members = sorted(family_of)
    ids = family_id_map(db, members)
    reader = PracticeReader(db, ids, members)
    practice, lines = reader.practice(), reader.lines(False)
    claim_owner = {ids.to_practice["claim"][c]: p for c, p in db.execute_sql(
        f"SELECT id, patient_id FROM claim WHERE patient_id {in_list(':family')}", reader.params)}
    split = _FamilySplit(practice, lines, {ids.to_practice["patient"][p]: ids.to_practice["patient"][g]
                                           for p, g in family_of.items()}, claim_owner, ids)
    for gid in gids:
        if gid in family_of:
            yield gid, *split.family(ids.to_practice["patient"][gid])


class _FamilySplit:
    """A chunk's Practice cut into one Practice per family (the rows `load_family` reads)."""

    def __init__(self, practice: m.Practice, lines: dict, family_of: dict[str, str],
                 claim_owner: dict[str, int], ids: IdMap):
        self.practice = practice
        self.rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        proc_family = {p.id: family_of[p.patient] for p in practice.procedures}
        claim_family = {c: family_of[ids.to_practice["patient"][p]] for c, p in claim_owner.items()}
        for name, key in (("patients", lambda x: family_of[x.id]),
                          ("procedures", lambda x: proc_family[x.id]),
                          ("claims", lambda x: claim_family[x.id]),
                          ("claim_payments", lambda x: claim_family[x.claim]),
                          ("patient_payments", lambda x: family_of[x.patient]),
                          ("adjustments", lambda x: family_of[x.patient]),
                          ("appointments", lambda x: family_of[x.patient]),
                          ("ledger_notes", lambda x: family_of[x.patient]),
                          ("statements", lambda x: family_of[x.patient])):
            for row in getattr(practice, name):
                self.rows[key(row)][name].append(row)
        self.lines: dict[str, dict] = defaultdict(dict)
        for key, line in lines.items():
            self.lines[proc_family[line.procedure]][key] = line
        self.plans = {p.id: p for p in practice.plans}

    def family(self, guarantor: str) -> tuple[m.Practice, dict]:
        rows, lines = self.rows.get(guarantor, {}), self.lines.get(guarantor, {})
        plan_ids = {c.plan for p in rows.get("patients", ()) for c in p.coverage}
        plan_ids |= {b.plan for p in rows.get("patients", ()) for b in p.benefits_used}
        plan_ids |= {c.plan for c in rows.get("claims", ())} | {line.plan for line in lines.values()}
        plans = tuple(p for p in self.practice.plans if p.id in plan_ids)
        carriers = {p.carrier for p in plans}
        schedules = {s for p in plans for s in (p.fee_schedule, p.allowed_fee_schedule,
                                                p.copay_schedule)}
        schedules |= {p.fee_schedule for p in self.practice.providers}
        family = replace(
            self.practice, plans=plans,
            carriers=tuple(c for c in self.practice.carriers if c.id in carriers),
            fee_schedules=tuple(f for f in self.practice.fee_schedules if f.id in schedules),
            **{name: tuple(rows.get(name, ())) for name in (
                "patients", "procedures", "claims", "claim_payments", "patient_payments",
                "adjustments", "appointments", "ledger_notes", "statements")})
        return family, lines


def read_practice(db: Database, ids: IdMap, members: list[int] | None = None, *,
                  for_estimates: bool = False) -> m.Practice:
    """The Practice of ``members`` (patient db ids; None = everyone) named through ``ids``
    (from `load_id_map` or `family_id_map`), for callers that keep the map.
    ``for_estimates``: only what the estimator reads (every posting re-estimates its
    family): no patient payments, adjustments, appointments, notes or posting stamps."""
    return PracticeReader(db, ids, members, for_estimates=for_estimates).practice()


def family_id_map(db: Database, members: list[int]) -> IdMap:
    """Ids of a family's rows (plus the names of rows outside it that they refer to)."""
    # Ids are bound as JSON lists, not written into the SQL: the statements stay prepared.
    family = bind_list([int(pid) for pid in members])
    of_family = in_list(":family")
    plan_ids = [pid for (pid,) in db.execute_sql(
        f"SELECT plan_id FROM patient_coverage WHERE patient_id {of_family} "
        f"UNION SELECT plan_id FROM claim WHERE patient_id {of_family} "
        f"UNION SELECT plan_id FROM benefit_used WHERE patient_id {of_family} "
        f"UNION SELECT plan_id FROM claim_proc WHERE procedure_id IN "
        f"(SELECT id FROM procedure WHERE patient_id {of_family})", {"family": family})
        if pid is not None]
    params = {"family": family, "plans": bind_list(plan_ids)}
    plans = f"id {in_list(':plans')}"
    schedules = {s for row in db.execute_sql(
        f"SELECT fee_schedule_id, allowed_fee_schedule_id, copay_schedule_id FROM plan "
        f"WHERE {plans} UNION ALL SELECT fee_schedule_id, NULL, NULL FROM provider", params)
        for s in row if s is not None}
    params["schedules"] = bind_list(sorted(schedules))
    ids = load_id_map(db, where={
        "patient": f"id {of_family}", "plan": plans, "procedure": f"patient_id {of_family}",
        "claim": f"patient_id {of_family}",
        "carrier": f"id IN (SELECT carrier_id FROM plan WHERE {plans})",
        "fee_schedule": f"id {in_list(':schedules')}",
    }, params=params)
    name_plan_references(db, ids, plans, params)  # plans outside the family are named too
    return ids


def name_plan_references(db: Database, ids: IdMap, plans: str, params: dict | tuple = ()) -> None:
    """Add to ``ids`` the names of what the ``plans`` (an SQL condition on plan, with its
    ``params``) refer to outside the rows read: their subscribers and the plans they are
    the same as."""
    named = load_id_map(db, kinds=("patient", "plan"), where={
        "patient": f"id IN (SELECT subscriber_id FROM plan WHERE {plans})",
        "plan": f"id IN (SELECT same_plan_as_id FROM plan WHERE {plans})"}, params=params)
    for kind in ("patient", "plan"):
        for db_id, pid in named.to_practice[kind].items():
            ids.to_practice[kind].setdefault(db_id, pid)


def load_line_estimates(db: Database, family: int | m.Practice | None = None, *,
                        frozen_only: bool = False,
                        ids: IdMap | None = None) -> dict[tuple[str, str], LineEstimate]:
    """Stored claim procedures as `LineEstimate`s keyed by (procedure id, plan id).
    ``family``: a guarantor's database id, a Practice from `load_family`, or None (all)."""
    members = _members(db, family)
    if ids is None:
        ids = load_id_map(db) if members is None else family_id_map(db, members)
    reader = PracticeReader(db, ids, members)
    return reader.lines(frozen_only)


def load_stored_estimates(db: Database, members: list[int], ids: IdMap
                          ) -> tuple[dict[tuple[str, str], LineEstimate],
                                     dict[tuple[str, str], LineEstimate]]:
    """A family's stored estimates, and those of them that are frozen (`load_frozen`), in
    one read: what re-estimating a family starts from."""
    frozen: set[tuple[str, str]] = set()
    reader = PracticeReader(db, ids, members)
    stored = reader.lines_where(reader.of_family("p.patient_id"), frozen)
    return stored, {key: stored[key] for key in frozen}


def load_originals(db: Database, ids: IdMap, members: list[int] | None
                   ) -> dict[str, OriginalSplit]:
    """The split each completed procedure of ``members`` (None: everyone) had when it was
    posted (the card's Original group), by procedure id; work not posted yet has none."""
    reader = PracticeReader(db, ids, members)
    return reader.originals_where(reader.of_family("p.patient_id"))


def load_frozen(db: Database, family: int | m.Practice | None = None, *,
                ids: IdMap | None = None) -> dict[tuple[str, str], LineEstimate]:
    """Received lines whose stored estimate is frozen (``ClaimProc.frozen``), for
    ``estimate_practice(practice, frozen=...)``."""
    return load_line_estimates(db, family, frozen_only=True, ids=ids)


def _members(db: Database, family) -> list[int] | None:
    if family is None:
        return None
    if isinstance(family, m.Practice):
        ids = load_id_map(db, kinds=("patient",))
        return [ids.db_id("patient", p.id) for p in family.patients]
    return family_patient_ids(db, int(family))


_PROCEDURE = maker(m.Procedure)
_LINE = maker(LineEstimate)
_PAYMENT_LINE = maker(m.ClaimPaymentLine)
_PAYMENT = maker(m.ClaimPayment)
_CLAIM = maker(m.Claim)


def to_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# The Posted columns of table alias ``x``, with the location's name (see `PracticeReader.stamp`).
def stamp_columns(x: str) -> str:
    return (f"{x}.entered_at, {x}.entered_by, {x}.workstation, "
            f"(SELECT name FROM location WHERE id = {x}.location_id)")


def _grouped(rows, key=0) -> dict:
    out = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


class PracticeReader:
    """Reads one practice (or one family when ``members`` is a list of patient ids)."""

    def __init__(self, db: Database, ids: IdMap, members: list[int] | None, *,
                 for_estimates: bool = False):
        self.db, self.ids = db, ids
        self.family = members is not None
        self.for_estimates = for_estimates
        # A family's ids are bound as lists (`bind_list`), never written into the SQL:
        # each statement's text is then the same for every family, so SQLite prepares it
        # once per connection instead of once per posting.
        self.params: dict[str, str] = {"family": bind_list(members or [])}
        self.stamps: dict[tuple, m.Stamp] = {}  # rows posted together share one Stamp

    # -- helpers ------------------------------------------------------------
    def q(self, sql: str) -> list[tuple]:
        return self.db.execute_sql(sql, self.params).fetchall()

    def only(self, kind: str, column: str = "id") -> str:
        """SQL condition selecting the rows of ``kind`` in this export."""
        if not self.family:
            return "TRUE"
        self.params[kind] = bind_list(sorted(self.ids.to_db[kind].values()))
        return f"{column} {in_list(f':{kind}')}"

    def of_family_procedures(self, column: str) -> str:
        if not self.family:
            return "TRUE"
        return f"{column} IN (SELECT id FROM procedure WHERE {self.of_family()})"

    def of_family(self, column: str = "patient_id") -> str:
        return f"{column} {in_list(':family')}" if self.family else "TRUE"

    def pid(self, kind: str, db_id: int | None) -> str | None:
        return None if db_id is None else self.ids.to_practice[kind][db_id]

    def stamp(self, at: str | None, user: str | None, workstation: str | None,
              location: str | None) -> m.Stamp | None:
        """The Posted columns as a Stamp (time to the second, as the practice file writes it)."""
        if at is None or self.for_estimates:
            return None
        key = (at, user, workstation, location)
        found = self.stamps.get(key)
        if found is None:
            when = datetime.fromisoformat(str(at)).replace(microsecond=0, tzinfo=None)
            found = self.stamps[key] = m.Stamp(when, user or "", workstation, location)
        return found

    # -- the practice -------------------------------------------------------
    def practice(self) -> m.Practice:
        settings = dict(self.q("SELECT key, value FROM setting"))
        self.codes = dict(self.q("SELECT id, code FROM procedure_code"))
        self.adj_codes = dict(self.q("SELECT id, code FROM adjustment_code"))
        prefs = {name: settings.get(f"pref.{name}") == "1" for name in PREFERENCES}
        return m.Practice(
            as_of=to_date(settings.get("as_of")) or date.today(),
            preferences=m.Preferences(**prefs),
            providers=self.providers(), procedure_codes=self.procedure_codes(),
            fee_schedules=self.fee_schedules(), carriers=self.carriers(), plans=self.plans(),
            patients=self.patients(), procedures=self.procedures(), claims=self.claims(),
            claim_payments=self.claim_payments(),
            **({} if self.for_estimates else dict(
                patient_payments=self.patient_payments(), adjustments=self.adjustments(),
                appointments=self.appointments(), adjustment_codes=self.adjustment_codes(),
                ledger_notes=self.ledger_notes(), statements=self.statements(),
                locations=self.locations())),
            lock_date=to_date(settings.get("lock_date")),
            office=office_from_settings(settings),
        )

    def locations(self) -> tuple[str, ...]:
        """A group's locations (two or more set up); () for a single office, whose files stay
        as they were. A family's read gets all of them (its card shows the Location column as
        the practice's does); the whole practice's only those no row was posted at (those a
        stamp names are implied, so a file lists no name twice)."""
        names = tuple(name for (name,) in self.q("SELECT name FROM location ORDER BY id"))
        if len(names) < 2 or self.family:
            return names if len(names) > 1 else ()
        unused = " AND ".join(
            f'NOT EXISTS (SELECT 1 FROM "{m._meta.table_name}" x WHERE x.location_id = l.id)'
            for m in MODELS if issubclass(m, Posted))
        return tuple(name for (name,) in self.q(
            f"SELECT l.name FROM location l WHERE {unused} ORDER BY l.id"))

    def providers(self):
        return tuple(m.Provider(self.pid("provider", i), name, self.pid("fee_schedule", fs))
                     for i, name, fs in self.q("SELECT id, name, fee_schedule_id FROM provider "
                                               f"WHERE {self.only('provider')} ORDER BY id"))

    def procedure_codes(self):
        rows = self.q("SELECT code, category, description, categories, substitution_code, "
                      "substitution_condition FROM procedure_code ORDER BY id")
        return tuple(m.ProcedureCode(code, cat, desc, tuple(cats.split(",")) if cats else (),
                                     sub, cond) for code, cat, desc, cats, sub, cond in rows)

    def adjustment_codes(self):
        return tuple(m.AdjustmentCode(*row) for row in self.q(
            "SELECT code, kind, description FROM adjustment_code WHERE declared ORDER BY id"))

    def fee_schedules(self):
        where = self.only("fee_schedule")
        fees = _grouped(self.q("SELECT schedule_id, code, amount_cents FROM fee "
                               f"WHERE {self.only('fee_schedule', 'schedule_id')} ORDER BY id"))
        return tuple(m.FeeSchedule(self.pid("fee_schedule", i), kind, name,
                                   m.frozen_map({c: a for _, c, a in fees.get(i, ())}))
                     for i, kind, name in self.q(
                         f"SELECT id, kind, name FROM fee_schedule WHERE {where} ORDER BY id"))

    def carriers(self):
        rows = self.q("SELECT id, name, writeoff_code_id, electronic_id FROM carrier "
                      f"WHERE {self.only('carrier')} ORDER BY id")
        return tuple(m.Carrier(self.pid("carrier", i), name, self.adj_codes.get(wo), eid)
                     for i, name, wo, eid in rows)

    def plans(self):
        where = self.only("plan", "plan_id")
        self.coverage = _grouped(self.q(f"SELECT plan_id, kind, key, percent FROM plan_coverage "
                                        f"WHERE {where} ORDER BY id"))
        self.limits = _grouped(self.q(f"SELECT plan_id, kind, key, amount_cents FROM plan_limit "
                                      f"WHERE {where} ORDER BY id"))
        self.freq = _grouped(self.q(f"SELECT plan_id, quantity, per, code, category, count "
                                    f"FROM plan_frequency WHERE {where} ORDER BY id"))
        self.excl = _grouped(self.q(f"SELECT plan_id, code FROM plan_exclusion WHERE {where} "
                                    "ORDER BY id"))
        self.waived = _grouped(self.q(f"SELECT plan_id, category FROM plan_deductible_waiver "
                                      f"WHERE {where} ORDER BY id"))
        cols = ("id", "carrier_id", "subscriber_id", "type", "fee_schedule_id",
                "allowed_fee_schedule_id", "copay_schedule_id", "annual_max_cents",
                "family_annual_max_cents", "deductible_cents", "family_deductible_cents",
                "deductible_before_percent", "renew_month", "allow_substitution",
                "substitution_writeoffs", "cob_rule", "same_plan_as_id", "employer",
                "group_number", "note", "claims_use_ucr")
        rows = self.q(f"SELECT {', '.join(cols)} FROM plan WHERE {self.only('plan')} ORDER BY id")
        return tuple(self.plan(dict(zip(cols, row))) for row in rows)

    def plan(self, r: dict) -> m.Plan:
        i = r["id"]
        limits = {kind: {} for kind in LIMIT_KINDS}
        for _, kind, key, amount in self.limits.get(i, ()):
            limits[kind][key] = amount
        coverage = {"category": {}, "code": {}}
        for _, kind, key, percent in self.coverage.get(i, ()):
            coverage[kind][key] = percent
        ucr = r["claims_use_ucr"]
        return m.Plan(
            id=self.pid("plan", i), carrier=self.pid("carrier", r["carrier_id"]),
            subscriber=self.pid("patient", r["subscriber_id"]), type=r["type"],
            fee_schedule=self.pid("fee_schedule", r["fee_schedule_id"]),
            allowed_fee_schedule=self.pid("fee_schedule", r["allowed_fee_schedule_id"]),
            copay_schedule=self.pid("fee_schedule", r["copay_schedule_id"]),
            coverage=m.frozen_map(coverage["category"]),
            code_coverage=m.frozen_map(coverage["code"]),
            annual_max=r["annual_max_cents"], family_annual_max=r["family_annual_max_cents"],
            deductible=r["deductible_cents"], family_deductible=r["family_deductible_cents"],
            **{kind: m.frozen_map(values) for kind, values in limits.items()},
            deductible_waived_on=tuple(c for _, c in self.waived.get(i, ())),
            deductible_before_percent=bool(r["deductible_before_percent"]),
            renew_month=r["renew_month"],
            frequency=tuple(m.FrequencyLimit(q, per, code, cat, n)
                            for _, q, per, code, cat, n in self.freq.get(i, ())),
            exclusions=tuple(c for _, c in self.excl.get(i, ())),
            allow_substitution=bool(r["allow_substitution"]),
            substitution_writeoffs=bool(r["substitution_writeoffs"]), cob_rule=r["cob_rule"],
            same_plan_as=self.pid("plan", r["same_plan_as_id"]), employer=r["employer"],
            group_number=r["group_number"], note=r["note"],
            claims_use_ucr=None if ucr is None else bool(ucr),
        )

    def patients(self):
        cov = _grouped(self.q("SELECT patient_id, plan_id, coverage_order, pending, subscriber_id, "
                              f"effective, terminated, relationship FROM patient_coverage "
                              f"WHERE {self.of_family()} ORDER BY id"))
        used = _grouped(self.q("SELECT patient_id, plan_id, paid_cents, deductible_met_cents "
                               f"FROM benefit_used WHERE {self.of_family()} ORDER BY id"))
        rows = self.q("SELECT id, last_name, first_name, birthdate, guarantor_id, provider_id, "
                      f"{', '.join(records.RECORD_COLUMNS)} FROM patient "
                      f"WHERE {self.of_family('id')} ORDER BY id")
        return tuple(m.Patient(
            self.pid("patient", i), display_name(last, first), to_date(born),
            self.pid("patient", g if g is not None else i),
            tuple(m.Coverage(self.pid("plan", pl), o, bool(pend), sid, to_date(eff), to_date(term),
                             rel)
                  for _, pl, o, pend, sid, eff, term, rel in cov.get(i, ())),
            tuple(m.BenefitUsed(self.pid("plan", pl), paid, ded)
                  for _, pl, paid, ded in used.get(i, ())),
            provider=self.ids.to_practice["provider"].get(prov) if prov is not None else None,
            **records.fields(record),
        ) for i, last, first, born, g, prov, *record in rows)

    def procedures(self):
        live = f"p.status != 'deleted' AND {self.of_family('p.patient_id')}"
        visits = _grouped(self.q("SELECT v.procedure_id, v.date FROM procedure_visit v JOIN "
                                 f"procedure p ON p.id = v.procedure_id WHERE {live} "
                                 "ORDER BY v.procedure_id, v.seq"))
        over_cols = [override_column(f) for f in OVERRIDE_FIELDS]
        extras = _grouped(self.q(
            f"SELECT cp.procedure_id, cp.plan_id, cp.no_bill, {', '.join(over_cols)} "
            f"FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id WHERE {live} AND "
            f"(cp.no_bill OR {' OR '.join(c + ' IS NOT NULL' for c in over_cols)}) "
            "ORDER BY cp.id"))
        rows = self.q("SELECT p.id, p.patient_id, p.code_id, p.date, p.fee_cents, p.provider_id, "
                      f"p.status, p.tooth, p.surface, p.units, p.tp_order, p.completed, p.note, "
                      f"{self.stamp_columns('p')} FROM procedure p WHERE {live} ORDER BY p.id")
        return tuple(self.procedure(row, extras.get(row[0], ()), visits.get(row[0], ()))
                     for row in rows)

    def procedure(self, row, extras, visits) -> m.Procedure:
        i, pat, code, day, fee, prov, status, tooth, surf, units, tp, done, note, *stamp = row
        names = self.ids.to_practice
        overrides, no_bill = self.plan_terms(extras) if extras else ((), ())
        return _PROCEDURE(  # a whole practice has hundreds of thousands: see `maker`
            names["procedure"][i], None if pat is None else names["patient"][pat],
            self.codes[code], to_date(day), fee,
            None if prov is None else names["provider"][prov], status, tooth, surf, units, tp,
            overrides, no_bill, to_date(done), tuple(to_date(v) for _, v in visits), note,
            self.stamp(*stamp))

    def plan_terms(self, extras) -> tuple[tuple[m.Override, ...], tuple[str, ...]]:
        """A procedure's overrides and do-not-bill plans from its claim procedures' rows."""
        overrides, no_bill = [], []
        for _, plan, nb, *values in extras:
            if nb:
                no_bill.append(self.pid("plan", plan))
            if any(v is not None for v in values):
                kw = dict(zip(OVERRIDE_FIELDS, values))
                dbp = kw["deductible_before_percent"]
                kw["deductible_before_percent"] = None if dbp is None else bool(dbp)
                overrides.append(m.Override(plan=self.pid("plan", plan), **kw))
        return tuple(overrides), tuple(no_bill)

    def stamp_columns(self, x: str) -> str:
        """`stamp_columns`, or as many NULLs when estimating (no stamps: saves a location
        look-up per row)."""
        return "NULL, NULL, NULL, NULL" if self.for_estimates else stamp_columns(x)

    def claims(self):
        mine = f"IN (SELECT id FROM claim WHERE {self.of_family()})"
        members = _grouped(self.q(
            f"SELECT claim_id, procedure_id, claim_seq, id FROM claim_proc WHERE claim_id {mine} "
            "UNION ALL SELECT preauth_id, procedure_id, preauth_seq, id FROM claim_proc "
            f"WHERE preauth_id {mine} ORDER BY 1, 3, 4"))
        rows = self.q("SELECT id, plan_id, status, date, kind, claim_no, preauth_no, sent_date "
                      f"FROM claim WHERE id {mine} ORDER BY id")
        claims, plans = self.ids.to_practice["claim"], self.ids.to_practice["plan"]
        procs, make = self.ids.to_practice["procedure"], _CLAIM
        return tuple(make(
            claims[i], None if plan is None else plans[plan],
            tuple(procs[p] for _, p, _, _ in members[i]) if i in members else (),
            status, to_date(day), kind, cno, pno, to_date(sent), ())
            for i, plan, status, day, kind, cno, pno, sent in rows)

    def claim_payments(self):
        """One ClaimPayment per (check, claim): a check paying several claims is split."""
        mine = f"IN (SELECT id FROM claim WHERE {self.of_family()})"
        lines = self.q(
            "SELECT l.payment_id, coalesce(cp.claim_id, pay.claim_id), cp.procedure_id, "
            "l.paid_cents, l.writeoff_cents, l.deductible_cents, l.denied, l.remarks "
            "FROM claim_payment_line l JOIN claim_proc cp ON cp.id = l.claim_proc_id "
            "JOIN claim_payment pay ON pay.id = l.payment_id "
            # By the family's procedures: the (procedure, plan) and claim_proc indexes
            # find the lines; filtering on the coalesce would read every line.
            f"WHERE {self.of_family_procedures('cp.procedure_id')} "
            f"AND coalesce(cp.claim_id, pay.claim_id) {mine} ORDER BY l.payment_id, l.id")
        parts: dict[int, dict[int, list]] = defaultdict(dict)  # check -> claim -> lines
        procs, make = self.ids.to_practice["procedure"], _PAYMENT_LINE
        for pay, claim, proc, paid, wo, ded, denied, remarks in lines:
            parts[pay].setdefault(claim, []).append(make(
                None if proc is None else procs[proc], paid, wo, ded, bool(denied), remarks))
        scope = "TRUE"
        if self.family:
            # a UNION of two index look-ups (PostgreSQL reads the whole table for the OR)
            scope = (f"x.id IN (SELECT id FROM claim_payment WHERE id IN "
                     f"({','.join(map(str, parts)) or 'NULL'}) "
                     f"UNION SELECT id FROM claim_payment WHERE claim_id {mine})")
        out = []
        claims, make = self.ids.to_practice["claim"], _PAYMENT
        for i, claim, day, cno, bno, *stamp in self.q(
                f"SELECT x.id, x.claim_id, x.date, x.check_no, x.bank_no, {self.stamp_columns('x')} "
                f"FROM claim_payment x WHERE {scope} ORDER BY x.id"):
            for c, claim_lines in (parts.get(i) or {claim: []}).items():
                out.append(make(None if c is None else claims[c], to_date(day),
                                tuple(claim_lines), cno, bno, self.stamp(*stamp)))
        return tuple(out)

    def patient_payments(self):
        alloc = _grouped(self.q("SELECT payment_id, procedure_id, amount_cents "
                                "FROM payment_allocation WHERE payment_id IN (SELECT id FROM "
                                f"patient_payment WHERE {self.of_family()}) ORDER BY id"))
        rows = self.q(f"SELECT {self.PAYMENT_COLUMNS}{stamp_columns('x')} FROM patient_payment x "
                      f"WHERE {self.of_family('x.patient_id')} ORDER BY x.id")
        return tuple(self.patient_payment(row, alloc) for row in rows)

    PAYMENT_COLUMNS = ("x.id, x.patient_id, x.date, x.amount_cents, x.method, x.check_no, "
                       "x.bank_no, x.note, ")

    def patient_payment(self, row, alloc) -> m.PatientPayment:
        """One ``PAYMENT_COLUMNS`` + stamp row; ``alloc``: allocation rows by payment id.
        A single allocation of the whole amount reads back as the v1 ``procedure`` form."""
        i, pat, day, amount, method, cno, bno, note, *stamp = row
        parts = self.allocations(alloc.get(i, ()))
        whole = len(parts) == 1 and parts[0].amount == amount
        return m.PatientPayment(
            self.pid("patient", pat), to_date(day), amount, method, cno, bno,
            parts[0].procedure if whole else None, note,
            allocations=() if whole else parts, stamp=self.stamp(*stamp))

    def allocations(self, rows) -> tuple[m.Allocation, ...]:
        """A payment's allocation rows, one part per procedure (rows on the same procedure
        are added up, so the export always reads back)."""
        parts: dict[str, int] = {}
        for _, proc, amount in rows:
            key = self.pid("procedure", proc)
            parts[key] = parts.get(key, 0) + amount
        return tuple(m.Allocation(proc, amount) for proc, amount in parts.items())

    def adjustments(self):
        rows = self.q("SELECT x.patient_id, x.date, x.amount_cents, x.code_id, x.procedure_id, "
                      f"x.note, {stamp_columns('x')} FROM adjustment x "
                      f"WHERE {self.of_family('x.patient_id')} ORDER BY x.id")
        return tuple(m.Adjustment(self.pid("patient", pat), to_date(day), amount,
                                  self.adj_codes[code], self.pid("procedure", proc), note,
                                  self.stamp(*stamp))
                     for pat, day, amount, code, proc, note, *stamp in rows)

    def appointments(self):
        rows = self.q("SELECT patient_id, date, status FROM appointment "
                      f"WHERE {self.of_family()} ORDER BY id")
        return tuple(m.Appointment(self.pid("patient", p), to_date(d), s) for p, d, s in rows)

    def ledger_notes(self):
        rows = self.q(f"SELECT x.patient_id, x.date, x.text, {stamp_columns('x')} FROM ledger_note x "
                      f"WHERE {self.of_family('x.patient_id')} ORDER BY x.id")
        return tuple(m.LedgerNote(self.pid("patient", p), to_date(d), t, self.stamp(*stamp))
                     for p, d, t, *stamp in rows)

    def statements(self):
        rows = self.q("SELECT x.guarantor_id, x.date, x.amount_due_cents, x.new_balance_cents, "
                      "x.insurance_pending_cents, x.period_start, x.format, x.file_name, "
                      f"{stamp_columns('x')} FROM statement x "
                      f"WHERE {self.of_family('x.guarantor_id')} ORDER BY x.id")
        return tuple(m.StatementSent(self.pid("patient", g), to_date(d), due, new, pending,
                                     to_date(start), fmt, name, self.stamp(*stamp))
                     for g, d, due, new, pending, start, fmt, name, *stamp in rows)

    # -- stored estimates -------------------------------------------------------
    def lines(self, frozen_only: bool) -> dict[tuple[str, str], LineEstimate]:
        cond = "cp.frozen AND cp.status = 'received'" if frozen_only else "TRUE"
        return self.lines_where(f"{self.of_family('p.patient_id')} AND {cond}")

    def originals_where(self, condition: str) -> dict[str, OriginalSplit]:
        """The Original split (`models.Procedure.orig_charge_cents`, `ClaimProc.orig_*`) of the
        posted procedures matching ``condition`` (on alias p)."""
        splits: dict[str, tuple[int, dict]] = {}
        for proc, charge, plan, est, wo in self.q(
                "SELECT p.id, p.orig_charge_cents, cp.plan_id, cp.orig_ins_est_cents, "
                "cp.orig_writeoff_est_cents FROM procedure p LEFT JOIN claim_proc cp "
                "ON cp.procedure_id = p.id AND cp.orig_ins_est_cents IS NOT NULL "
                f"WHERE p.orig_charge_cents IS NOT NULL AND p.status != 'deleted' AND {condition} "
                "ORDER BY p.id, cp.id"):
            _, by_plan = splits.setdefault(self.pid("procedure", proc), (charge, {}))
            if plan is not None:
                by_plan[self.pid("plan", plan)] = (est, wo)
        return {pid: OriginalSplit(charge, frozen_map(by_plan))
                for pid, (charge, by_plan) in splits.items()}

    def lines_where(self, condition: str, frozen: set | None = None
                    ) -> dict[tuple[str, str], LineEstimate]:
        """Stored claim procedures (of procedures not deleted) matching ``condition``; the keys
        of those received with a frozen estimate are added to ``frozen`` when given."""
        rows = self.q(
            "SELECT cp.procedure_id, cp.plan_id, cp.coverage_order, cp.status, cp.allowed_cents, "
            "cp.copay_cents, cp.percent, cp.deductible_est_cents, cp.base_est_cents, "
            "cp.ins_est_cents, cp.writeoff_est_cents, cp.note, cp.explanation, cp.no_bill, "
            "cp.claim_id, cp.paid_cents, cp.writeoff_cents, cp.deductible_applied_cents, "
            "cp.frozen FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id "
            f"WHERE p.status != 'deleted' AND {condition} ORDER BY cp.id")
        out = {}
        names, make = self.ids.to_practice, _LINE
        procs, plans, claims = names["procedure"], names["plan"], names["claim"]
        for (proc, plan, order, status, allowed, copay, pct, ded, base, est, wo, note, expl,
             nb, claim, paid, wo_paid, ded_paid, is_frozen) in rows:
            key = (procs[proc], plans[plan])
            out[key] = make(
                *key, order, status, allowed, copay, pct, ded, base, est, wo, note,
                tuple(expl.split("\n")) if expl else (), bool(nb),
                None if claim is None else claims[claim], paid, wo_paid, ded_paid)
            if frozen is not None and is_frozen and status == "received":
                frozen.add(key)
        return out
