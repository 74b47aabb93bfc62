"""`dentledger check`: run scenario files through the app's own code paths.

Each scenario is imported into a fresh in-memory database (the same importer
the app uses), estimated by the same re-estimation service, read back, and the
expectations are compared to the cent with the ledger arithmetic the app uses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from estimator.money import fmt

_PLAN_FIELD = re.compile(r"^(ins|writeoff|ded|copay|paid)(\d)(_est|_note)?$")


@dataclass
class ScenarioResult:
    path: str
    failures: list[str] = field(default_factory=list)
    checked: int = 0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.failures


def scenario_files(paths: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(p.rglob("*.json")))
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return files


def empty_folders(paths: Iterable[str]) -> list[ScenarioResult]:
    """A failed result for each folder holding no scenario file: a check that compares
    nothing must not pass."""
    return [ScenarioResult(raw, error="no scenario files (*.json) in this folder")
            for raw in paths if Path(raw).is_dir() and not any(Path(raw).rglob("*.json"))]


def _show(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt(value)
    return repr(value) if isinstance(value, str) else str(value)


def _line_field(line, kind: str, suffix: str | None):
    """The LineEstimate attribute an expectation key names."""
    if line is None:
        return None
    return {
        ("ins", "_est"): line.ins_est,
        ("ins", "_note"): line.note,
        ("writeoff", "_est"): line.writeoff_est,
        ("writeoff", None): line.writeoff,
        ("ded", "_est"): line.deductible,
        ("copay", None): line.copay,
        ("paid", None): line.paid,
    }.get((kind, suffix), "unknown field")


def compare(practice, estimates: Mapping, expect) -> tuple[int, list[str]]:
    """Every expected value against the computed one: (checked count, failures)."""
    from estimator import engine, ledger

    failures: list[str] = []
    checked = 0

    def check(where: str, expected, got) -> None:
        nonlocal checked
        checked += 1
        if expected != got:
            failures.append(f"{where}: expected {_show(expected)}, got {_show(got)}")

    procs = {p.id: p for p in practice.procedures}
    patients = {p.id: p for p in practice.patients}
    for proc_id, fields in (expect.procedures or {}).items():
        proc = procs[proc_id]
        by_order = {c.order: c.plan for c in patients[proc.patient].coverage}
        for key, expected in fields.items():
            where = f"procedures.{proc_id}.{key}"
            if key == "patient_portion":
                check(where, expected, ledger.patient_portion(practice, estimates, proc_id))
                continue
            m = _PLAN_FIELD.match(key)
            plan = by_order.get(int(m.group(2))) if m else None
            line = estimates.get((proc_id, plan)) if plan else None
            got = _line_field(line, m.group(1), m.group(3)) if m else "unknown field"
            if line is None and isinstance(expected, int):
                got = None
            check(where, expected, got)

    if getattr(expect, "balances", None):
        bal = ledger.balances(practice, estimates)
        for pid, fields in expect.balances.items():
            b = bal.get(pid)
            for key, expected in fields.items():
                check(f"balances.{pid}.{key}", expected, getattr(b, key, 0) if b else 0)

    if getattr(expect, "claims", None):
        totals = ledger.claim_totals(practice, estimates)
        for cid, fields in expect.claims.items():
            for key, expected in fields.items():
                check(f"claims.{cid}.{key}", expected, totals.get(cid, {}).get(key))

    if getattr(expect, "coverage", None):
        for pid, plans in expect.coverage.items():
            for plan_id, fields in plans.items():
                summary = engine.benefits_summary(practice, estimates, pid, plan_id)
                for key, expected in fields.items():
                    check(f"coverage.{pid}.{plan_id}.{key}", expected, getattr(summary, key, None))
    return checked, failures


def run_scenario(path: Path, on: str | None = None) -> ScenarioResult:
    """Import, estimate and compare one scenario file in a fresh in-memory database, or in the
    database ``on`` (a scratch PostgreSQL schema: the practice is replaced)."""
    from store.files.practice_file import PracticeFileError, load_practice_file
    from store.derived import estimates as store_estimates
    from store.db import open_database
    from store.files.exporter import export_practice
    from store.files.importer import import_practice

    result = ScenarioResult(str(path))
    try:
        parsed = load_practice_file(path)
    except (PracticeFileError, OSError) as exc:
        result.error = str(exc)
        return result
    if parsed.expect is None:
        result.error = "no expect block"
        return result
    db = open_database(on or ":memory:")
    try:
        import_practice(db, parsed.practice, replace=on is not None)
        store_estimates.reestimate_all(db)
        practice = export_practice(db)
        estimates = store_estimates.load_estimates(db)
        result.checked, result.failures = compare(practice, estimates, parsed.expect)
    finally:
        db.close()
    if result.checked == 0:  # an empty expect block proves nothing
        result.error = "compared no values (the expect block names no number to check)"
    return result
