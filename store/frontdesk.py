"""The front desk's read side over the database (the TUI's `FrontDesk` port).

Lists (search) come from SQL sums (`store.balances`); an opened account loads
its family once and builds the card with the pure ledger arithmetic, cached
until anything is posted (the database's revision moves). The card is served
in windows so the screen only ever draws what is visible.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Mapping, Sequence

from estimator import engine, ledger
from estimator.ledger import LedgerCard
from estimator.money import fmt
from estimator.results import LineEstimate
from estimator.views import AccountView, DetailSection, LineDetail, PatientHit, PlanBenefit

from . import balances
from .db import Database, StoreError
from .exporter import family_id_map, load_line_estimates, read_practice
from .queries import IdMap, family_patient_ids, guarantor_of, load_id_map, search_patients


@dataclass
class _Family:
    revision: int
    practice: object
    estimates: Mapping[tuple[str, str], LineEstimate]
    ids: IdMap
    cards: dict[str, LedgerCard]


class DbFrontDesk:
    """Implements `tui.ports.FrontDesk` over one open database."""

    def __init__(self, db: Database, *, today: Callable[[], date] = date.today):
        self.db = db
        self.today = today
        self._family: dict[int, _Family] = {}

    # -- search ------------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[PatientHit]:
        found = search_patients(self.db, text, limit) if text.strip() else self._first(limit)
        if not found:
            return []
        bal = balances.patient_balances(self.db, [p["id"] for p in found])
        gids = {p["id"]: p["guarantor_id"] or p["id"] for p in found}
        fam = balances.family_totals(self.db, gids.values())
        names = self._names(gids.values())
        return [PatientHit(
            patient_id=p["file_id"] or str(p["id"]), name=p["name"],
            birthdate=_day(p["birthdate"]), guarantor_name=names.get(gids[p["id"]], ""),
            balance_total=bal[p["id"]].total, patient_est=bal[p["id"]].patient,
            family_total=fam.get(gids[p["id"]], 0), insurance_est=bal[p["id"]].insurance,
        ) for p in found]

    def _first(self, limit: int) -> list[dict]:
        return search_patients(self.db, "", limit) or _all_by_name(self.db, limit)

    def _names(self, patient_ids) -> dict[int, str]:
        inn = ",".join(str(int(i)) for i in set(patient_ids)) or "NULL"
        rows = self.db.execute_sql(
            f"SELECT id, last_name, first_name FROM patient WHERE id IN ({inn})")
        return {pid: f"{last}, {first}" if first else last for pid, last, first in rows}

    # -- one account ---------------------------------------------------------------
    def revision(self) -> int:
        """Moves when this or another connection commits (SQLite data_version + changes)."""
        version = self.db.execute_sql("PRAGMA data_version").fetchone()[0]
        return version * 1_000_003 + self.db.connection().total_changes()

    def patient_db_id(self, patient_id: str | int) -> int:
        """Database id of a patient named by practice id (file id or generated) or db id."""
        if isinstance(patient_id, int):
            return patient_id
        row = self.db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (patient_id,)).fetchone()
        if row is None and patient_id.isdigit():
            row = self.db.execute_sql("SELECT id FROM patient WHERE id = ?", (int(patient_id),)).fetchone()
        if row is None:
            raise KeyError(patient_id)
        return row[0]

    def _load(self, patient_id: str) -> tuple[_Family, str]:
        """The patient's family (cached per revision) and the patient's practice id."""
        db_id = self.patient_db_id(patient_id)
        gid = guarantor_of(self.db, db_id)
        rev = self.revision()
        fam = self._family.get(gid)
        if fam is None or fam.revision != rev:
            members = family_patient_ids(self.db, gid)
            ids = family_id_map(self.db, members)
            # "Insurance remaining" is as of today, not the import's as_of.
            practice = replace(read_practice(self.db, ids, members), as_of=self.today())
            estimates = load_line_estimates(self.db, gid, ids=ids)
            fam = _Family(rev, practice, estimates, ids, {})
            self._family = {gid: fam}  # keep one family: memory stays flat
        return fam, fam.ids.practice_id("patient", db_id)

    def card(self, patient_id: str) -> LedgerCard:
        fam, pid = self._load(patient_id)
        if pid not in fam.cards:
            fam.cards[pid] = ledger.build_card(fam.practice, fam.estimates, pid, today=self.today())
        return fam.cards[pid]

    def account(self, patient_id: str) -> AccountView:
        card = self.card(patient_id)
        fam, pid = self._load(patient_id)
        return AccountView(
            summary=card.summary, n_plans=_n_plans(card), benefits=self._benefits(fam, pid),
            totals=card.totals, row_count=len(card.rows), columns=card.columns)

    def rows(self, patient_id: str, start: int, stop: int):
        rows = self.card(patient_id).rows
        return rows[max(0, start):max(0, stop)]

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        out: list[tuple[date, int]] = []
        for i, row in enumerate(self.card(patient_id).rows):
            if not out or out[-1][0] != row.posted:
                out.append((row.posted, i))
        return out

    def _benefits(self, fam: _Family, pid: str) -> tuple[PlanBenefit, ...]:
        practice = fam.practice
        patient = next(p for p in practice.patients if p.id == pid)
        plans = {p.id: p for p in practice.plans}
        carriers = {c.id: c.name for c in practice.carriers}
        out = []
        for cov in sorted(patient.coverage, key=lambda c: c.order):
            s = engine.benefits_summary(practice, fam.estimates, pid, cov.plan)
            plan = plans.get(cov.plan)
            label = f"{cov.order} {carriers.get(plan.carrier, cov.plan) if plan else cov.plan}"
            out.append(PlanBenefit(label + (" (pending)" if cov.pending else ""),
                                   s.annual_max_used, s.annual_max_remaining, s.deductible_remaining))
        return tuple(out)

    # -- line detail ---------------------------------------------------------------
    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        fam, pid = self._load(patient_id)
        kind, _, key = ref.partition(":")
        if kind == "procedure":
            return _procedure_detail(fam, key)
        row = next((r for r in self.card(patient_id).rows if r.ref == ref), None)
        if row is None:
            raise KeyError(ref)
        titles = {c.key: c.title for c in self.card(patient_id).columns}
        fields = tuple((titles.get(k, k), v) for k, v in row.cells.items() if v)
        return LineDetail(title=f"{row.kind.replace('_', ' ').title()} {row.posted}",
                          sections=(DetailSection("Line", fields),))


def _procedure_detail(fam: _Family, proc_id: str) -> LineDetail:
    practice = fam.practice
    proc = next((p for p in practice.procedures if p.id == proc_id), None)
    if proc is None:
        raise KeyError(proc_id)
    codes = {c.code: c.description for c in practice.procedure_codes}
    head = DetailSection("Procedure", (
        ("Code", proc.code), ("Service", codes.get(proc.code, "")), ("Date", str(proc.date)),
        ("Status", proc.status), ("Tooth", proc.tooth or ""), ("Surface", proc.surface or ""),
        ("Units", str(proc.units)), ("Charge", fmt(proc.charge)),
        ("Patient portion", fmt(ledger.patient_portion(practice, fam.estimates, proc.id))),
    ))
    sections, steps = [head], []
    lines = sorted((ln for (p, _), ln in fam.estimates.items() if p == proc.id), key=lambda l: l.order)
    for ln in lines:
        sections.append(DetailSection(f"Insurance {ln.order}: plan {ln.plan}", (
            ("Status", ln.status.replace("_", " ")), ("Claim", ln.claim or ""),
            ("Allowed", fmt(ln.allowed)), ("Copay", fmt(ln.copay)),
            ("Deductible", fmt(ln.deductible)), ("Percent", f"{ln.percent}%"),
            ("Estimate", fmt(ln.ins_est)), ("Write-off est", fmt(ln.writeoff_est)),
            ("Paid", fmt(ln.paid)), ("Write-off", fmt(ln.writeoff)),
            ("Deductible applied", fmt(ln.deductible_applied)), ("Note", ln.note),
        ), ln.explanation))
        steps += [f"Ins {ln.order}: {s}" for s in ln.explanation]
    return LineDetail(title=f"{proc.code} {codes.get(proc.code, '')}".strip(),
                      sections=tuple(sections), explanation=tuple(steps))


def _n_plans(card: LedgerCard) -> int:
    return sum(1 for c in card.columns if c.key.startswith("ins") and c.key.endswith("_est"))


def _day(text) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(text)


def _all_by_name(db: Database, limit: int) -> list[dict]:
    """The first patients by name (an empty search box)."""
    ids = [pid for (pid,) in db.execute_sql(
        "SELECT id FROM patient ORDER BY name_lower, id LIMIT ?", (limit,))]
    out = []
    for pid in ids:
        out += search_patients(db, str(pid), 1)
    return out
