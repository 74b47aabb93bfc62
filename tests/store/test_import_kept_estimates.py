"""Estimates kept from before payment in the practice file (``claims[].kept_estimates``): read,
refused, stored frozen, exported back; an import replays only what the file does not give; an
import of an export gives the source's claim procedures and cards."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import model as m
from estimator import replay
from estimator.worksheet import received_step
from store.db import open_database, write_transaction
from store.demo import synthetic
from store.derived import estimates
from store.desks.frontdesk import DbFrontDesk
from store.family.ids import load_id_map
from store.family.loader import load_line_estimates
from store.files.exporter import export_practice
from store.files.importer import import_practice, normalized
from store.files.practice_file import (
    PracticeFileError, dumps_practice, encode_json, load_practice_file, parse_practice_text,
)

FAMILY = Path(__file__).resolve().parents[1] / "scenarios" / "ledger" / "family-three-months.json"


def _imported(db, practice: m.Practice):
    with write_transaction(db):
        result = import_practice(db, practice)
        estimates.reestimate_practice(db)
    return result


def _doc(kept: list | None = None, status: str = "sent", payment: bool = True) -> dict:
    claim = {"id": "C1", "plan": "P1", "procedures": ["X1"], "status": status, "date": "2026-02-01"}
    if kept is not None:
        claim["kept_estimates"] = kept
    doc = {"practice": {
        "as_of": "2026-03-01",
        "providers": [{"id": "DOC1", "name": "Reyes, Ana"}],
        "procedure_codes": [{"code": "D2391", "category": "restorative"}],
        "fee_schedules": [{"id": "PPO", "kind": "allowed", "fees": {"D2391": Decimal("110.00")}}],
        "carriers": [{"id": "DELTA", "name": "Delta Dental"}],
        "plans": [{"id": "P1", "carrier": "DELTA", "subscriber": "PAT1", "type": "ppo",
                   "fee_schedule": "PPO", "coverage": {"restorative": 80}}],
        "patients": [{"id": "PAT1", "name": "Shaw, Megan", "birthdate": "1994-02-14",
                      "guarantor": "PAT1", "coverage": [{"plan": "P1", "order": 1}]}],
        "procedures": [{"id": "X1", "patient": "PAT1", "code": "D2391", "date": "2026-02-01",
                        "fee": Decimal("150.00"), "provider": "DOC1", "status": "complete"},
                       {"id": "X2", "patient": "PAT1", "code": "D2391", "date": "2026-02-02",
                        "fee": Decimal("150.00"), "provider": "DOC1", "status": "complete"}],
        "claims": [claim],
        "claim_payments": [{"claim": "C1", "date": "2026-02-20", "lines": [
            {"procedure": "X1", "paid": Decimal("88.00"), "writeoff": Decimal("40.00"),
             "deductible": 0}]}] if payment else [],
    }}
    return doc


KEPT = {"procedure": "X1", "allowed": Decimal("110.00"), "percent": 80,
        "base_est": Decimal("88.00"), "ins_est": Decimal("77.50"),
        "writeoff_est": Decimal("40.00"), "note": "Annual max left 77.50",
        "explanation": ["allowed 110.00 (PPO fee)", "annual max left 77.50 -> 77.50"]}


def _errors(doc: dict) -> list[tuple[str, str]]:
    with pytest.raises(PracticeFileError) as caught:
        parse_practice_text(encode_json(doc))
    return caught.value.errors


# --- the file ---------------------------------------------------------------------------------

def test_kept_estimates_are_read_in_cents_and_written_back():
    practice = parse_practice_text(encode_json(_doc([KEPT]))).practice
    assert practice.claims[0].kept_estimates == (m.KeptEstimate(
        "X1", 11000, 0, 80, 0, 8800, 7750, 4000, "Annual max left 77.50",
        ("allowed 110.00 (PPO fee)", "annual max left 77.50 -> 77.50")),)
    text = dumps_practice(practice)
    assert '"kept_estimates"' in text and '"copay"' not in text  # zero: left out
    assert parse_practice_text(text).practice == practice


@pytest.mark.parametrize("kept, status, payment, where, message", [
    ([KEPT], "preauth", False, "practice.claims[0].kept_estimates",
     "a preauthorization is never paid: it keeps no estimate"),
    ([KEPT], "sent", False, "practice.claims[0].kept_estimates",
     'claim "C1" is not received and has no payment: its lines are estimated, none keeps an '
     "estimate yet"),
    ([dict(KEPT, procedure="X2")], "sent", True, "practice.claims[0].kept_estimates[0].procedure",
     'procedure "X2" is not on claim "C1"'),
    ([KEPT, KEPT], "sent", True, "practice.claims[0].kept_estimates[1].procedure",
     'procedure "X1" has two kept estimates on this claim'),
    ([dict(KEPT, explanation=["one\ntwo"])], "sent", True,
     "practice.claims[0].kept_estimates[0].explanation[0]",
     "contains a control character (U+000A), which lines of text may not hold"),
    ([dict(KEPT, ins_est=Decimal("-1.00"))], "sent", True,
     "practice.claims[0].kept_estimates[0].ins_est", "-1.00 is negative; this amount must be 0 or more"),
    ([dict(KEPT, paid=Decimal("1.00"))], "sent", True,
     "practice.claims[0].kept_estimates[0].paid", "unknown key"),
])
def test_kept_estimates_refused(kept, status, payment, where, message):
    assert (where, message) in _errors(_doc(kept, status, payment))


def test_a_claim_written_received_may_keep_estimates_without_a_payment():
    practice = parse_practice_text(encode_json(_doc([KEPT], "received", payment=False))).practice
    assert practice.claims[0].kept_estimates[0].ins_est == 7750


# --- import and export --------------------------------------------------------------------------

def test_import_stores_them_frozen_and_the_export_gives_them_back(db):
    practice = parse_practice_text(encode_json(_doc([KEPT]))).practice
    with write_transaction(db):
        result = import_practice(db, practice)
    row = db.execute_sql("SELECT status, frozen, ins_est_cents, note, explanation FROM claim_proc "
                         "WHERE claim_id IS NOT NULL").fetchone()
    assert row == ("received", 1, 7750, "Annual max left 77.50",
                   "allowed 110.00 (PPO fee)\nannual max left 77.50 -> 77.50\n"
                   + received_step(8800, 4000, 0))
    assert export_practice(db) == normalized(practice, result.stamp)
    with write_transaction(db):
        estimates.reestimate_practice(db)
    line = load_line_estimates(db)[("X1", "P1")]
    assert (line.status, line.ins_est, line.writeoff_est, line.paid, line.explanation[-1]) == \
        ("received", 7750, 4000, 8800, received_step(8800, 4000, 0))  # kept, not re-estimated
    assert export_practice(db).claims == normalized(practice).claims


def test_an_import_replays_only_the_lines_the_file_does_not_keep(db, monkeypatch):
    source = load_practice_file(FAMILY).practice
    _imported(db, source)  # no kept estimates: every received line replayed
    want = load_line_estimates(db)
    exported = export_practice(db)
    assert all(c.kept_estimates for c in exported.claims if c.status == "received")
    first = next(c for c in exported.claims if c.kept_estimates)
    kept = dataclasses.replace(first.kept_estimates[0], ins_est=first.kept_estimates[0].ins_est + 1,
                               explanation=("typed by hand",))
    one_kept = dataclasses.replace(source, claims=tuple(
        dataclasses.replace(c, kept_estimates=(kept,)) if c.id == first.id else c
        for c in source.claims))
    again = open_database(":memory:")
    try:
        _imported(again, one_kept)
        got = load_line_estimates(again)
        key = (kept.procedure, first.plan)
        assert got[key].ins_est == kept.ins_est  # the file's, not the replay's
        assert got[key].explanation[0] == "typed by hand"
        assert {k: v for k, v in got.items() if k != key} == \
            {k: v for k, v in want.items() if k != key}  # the others replayed as before
    finally:
        again.close()

    def no_replay(*args, **kwargs):
        raise AssertionError("replayed although every received line keeps its estimate")
    monkeypatch.setattr(replay, "_replay_family", no_replay)
    text = dumps_practice(exported)
    third = open_database(":memory:")
    try:
        _imported(third, parse_practice_text(text).practice)
        assert load_line_estimates(third) == want
    finally:
        third.close()


# --- an import of an export is the source --------------------------------------------------------

def _claim_procs(db) -> dict:
    """Every claim procedure's columns, keyed and referring by practice ids."""
    ids = load_id_map(db)
    cursor = db.execute_sql("SELECT * FROM claim_proc")
    names = [d[0] for d in cursor.description]
    out = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        del row["id"]
        key = (ids.practice_id("procedure", row.pop("procedure_id")),
               ids.practice_id("plan", row.pop("plan_id")))
        for col in ("claim_id", "preauth_id"):
            row[col] = None if row[col] is None else ids.practice_id("claim", row[col])
        out[key] = row
    return out


def _cards(db) -> dict:
    """Every fourth patient's ledger card (lines, balances, totals; all would take seconds)."""
    desk = DbFrontDesk(db, today=lambda: synthetic.AS_OF)
    patients = sorted(load_id_map(db, kinds=("patient",)).to_practice["patient"].values())
    return {pid: desk.card(pid) for pid in patients[::4]}


def test_an_import_of_an_export_gives_the_sources_claim_procedures_and_cards(db):
    synthetic.generate(db, patients=200, seed=3, big_ledgers=(60,))
    with write_transaction(db):
        estimates.reestimate_all(db)  # the estimator's words on the open lines too
    text = dumps_practice(export_practice(db))
    imported = open_database(":memory:")
    try:
        _imported(imported, parse_practice_text(text).practice)
        source, copy = _claim_procs(db), _claim_procs(imported)
        assert len(source) > 1000 and sum(r["frozen"] for r in source.values()) > 800
        assert copy == source
        assert _cards(imported) == _cards(db)
    finally:
        imported.close()
