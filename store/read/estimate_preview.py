"""What a change to one procedure would do to its estimates, without writing anything: the
family read by the one loader, estimated by the pure estimator as it stands and with the change
applied (`estimator.engine.estimate_practice`, the same run every posting makes), both as of
the same day so the difference is the change's alone."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Callable

from estimator import model as m
from estimator.engine import estimate_practice
from estimator.results import RECEIVED, LineEstimate
from estimator.visit_views import EstimatePreview, PreviewLine

from ..connection import Database
from ..family.ids import IdMap, family_patient_ids, guarantor_of
from ..family.loader import family_id_map, load_stored_estimates, read_practice

NEW = "(new)"  # the practice id a procedure not yet posted gets in a preview

Change = Callable[[m.Procedure | None, IdMap], m.Procedure | None]


def preview(db: Database, patient_id: int, procedure_id: int | None, change: Change,
            today: date) -> EstimatePreview:
    """Estimates of procedure ``procedure_id`` (None: a new one) before and after ``change``,
    which gets the procedure (None for a new one) and the family's id map and returns it
    changed (None: deleted)."""
    members = family_patient_ids(db, guarantor_of(db, patient_id))
    ids = family_id_map(db, members)
    practice = replace(read_practice(db, ids, members, for_estimates=True), as_of=today)
    _, frozen = load_stored_estimates(db, members, ids)
    pid = NEW if procedure_id is None else ids.practice_id("procedure", procedure_id)
    old = next((p for p in practice.procedures if p.id == pid), None)
    new = change(old, ids)
    procs = tuple(p for p in practice.procedures if p.id != pid) + ((new,) if new else ())
    before = estimate_practice(practice, frozen or None) if old else {}
    after = estimate_practice(replace(practice, procedures=procs), frozen or None) if new else {}
    labels = _labels(practice, ids.practice_id("patient", patient_id))
    plans = sorted({pl for (p, pl) in (*before, *after) if p == pid},
                   key=lambda pl: labels.get(pl, (9, pl)))
    lines = tuple(_line(labels.get(pl, (9, pl)), before.get((pid, pl)), after.get((pid, pl)))
                  for pl in plans)
    return EstimatePreview(lines, _portion(old, before), _portion(new, after),
                           old.charge if old else 0, new.charge if new else 0)


def _labels(practice: m.Practice, patient: str) -> dict[str, tuple[int, str]]:
    """plan id -> (coverage order, "1 Carrier") for the patient's plans."""
    carriers = {c.id: c.name for c in practice.carriers}
    plans = {p.id: carriers.get(p.carrier, p.id) for p in practice.plans}
    person = next((p for p in practice.patients if p.id == patient), None)
    return {c.plan: (c.order, f"{c.order} {plans.get(c.plan, c.plan)}")
            for c in (person.coverage if person else ())}


def _pair(line: LineEstimate | None) -> tuple[int, int]:
    if line is None:
        return 0, 0
    if line.status == RECEIVED:
        return line.paid, line.writeoff
    return line.ins_est, line.writeoff_est


def _line(label: tuple[int, str], before: LineEstimate | None,
          after: LineEstimate | None) -> PreviewLine:
    note = (after or before).note if (after or before) else ""
    return PreviewLine(label[1], _pair(before), _pair(after), note)


def _portion(proc: m.Procedure | None, estimates) -> int:
    """The procedure's patient portion: charge less each plan's estimate and write-off estimate
    (paid and write-off once received); adjustments are left out of a preview."""
    if proc is None:
        return 0
    return proc.charge - sum(sum(_pair(line)) for (p, _), line in estimates.items()
                             if p == proc.id)
