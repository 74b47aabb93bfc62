"""A practice cut into families: a guarantor and the patients they guarantee, each with its
own procedures, claims and claim payments (the plans, schedules and codes stay whole). Used
by the replay of claim payments and by the store's one-pass re-estimation of a practice."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .model import Practice

PARTS = ("patients", "procedures", "claims", "claim_payments")


def split_families(practice: Practice) -> list[Practice]:
    """One sub-practice per family, in the order families first appear among the patients.
    Procedures follow their patient, claims their first procedure, payments their claim;
    anything that names no known family is left out."""
    family_of = {p.id: p.guarantor or p.id for p in practice.patients}
    parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for patient in practice.patients:
        parts[family_of[patient.id]]["patients"].append(patient)
    proc_family = {}
    for proc in practice.procedures:
        proc_family[proc.id] = family = family_of.get(proc.patient)
        parts[family]["procedures"].append(proc)
    claim_family = {}
    for claim in practice.claims:
        claim_family[claim.id] = family = next(
            (proc_family[pid] for pid in claim.procedures if pid in proc_family), None)
        parts[family]["claims"].append(claim)
    for payment in practice.claim_payments:
        parts[claim_family.get(payment.claim)]["claim_payments"].append(payment)
    return [replace(practice, **{name: tuple(part[name]) for name in PARTS})
            for family, part in parts.items() if family is not None]
