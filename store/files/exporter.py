"""The practice-file export: the whole stored practice, read by the one loader
(`store.family.loader`); `store.files.practice_file` writes it as JSON. Each received claim
carries the estimates its lines keep from before payment (`model.KeptEstimate`): an import
of the file then keeps them as they are instead of rebuilding them."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from estimator import model as m
from estimator.results import LineEstimate
from estimator.worksheet import RECEIVED_STEP

from ..connection import Database
from ..family.ids import load_id_map
from ..family.loader import load_frozen, read_practice


def export_practice(db: Database) -> m.Practice:
    """The whole stored practice."""
    ids = load_id_map(db)
    practice = read_practice(db, ids)
    kept: dict[str, dict[str, LineEstimate]] = defaultdict(dict)  # claim -> procedure -> line
    for (procedure, _), line in load_frozen(db, ids=ids).items():
        if line.claim is not None:
            kept[line.claim][procedure] = line
    if not kept:
        return practice
    return replace(practice, claims=tuple(
        replace(c, kept_estimates=_kept(c, kept[c.id])) if c.id in kept else c
        for c in practice.claims))


def _kept(claim: m.Claim, lines: dict[str, LineEstimate]) -> tuple[m.KeptEstimate, ...]:
    """The claim's kept estimates, in its procedures' order."""
    return tuple(m.KeptEstimate(
        pid, line.allowed, line.copay, line.percent, line.deductible, line.base_est,
        line.ins_est, line.writeoff_est, line.note,
        tuple(s for s in line.explanation if not s.startswith(RECEIVED_STEP)))
        for pid in claim.procedures if (line := lines.get(pid)) is not None)
