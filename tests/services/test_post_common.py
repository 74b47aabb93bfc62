"""The posting context: BEGIN IMMEDIATE, one audit row, stamps, re-estimation, all or nothing."""
from __future__ import annotations

import json
from datetime import date, datetime

import peewee
import pytest

from store import services
from store.db import write_transaction
from store.services import common
from svc_helpers import ACTOR, NOW, audit, counts, pid


def _statements(db) -> list[str]:
    log: list[str] = []
    db.connection().exec_trace = lambda cursor, sql, bindings: (log.append(sql.strip()), True)[1]
    return log


def _transaction_words(log: list[str]) -> list[str]:
    keys = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return [s.upper().rstrip(";") for s in log if s.upper().startswith(keys)]


@pytest.mark.sqlite_only  # apsw's statement trace (PostgreSQL: test_concurrency)
def test_one_call_is_one_begin_immediate_transaction(db):
    log = _statements(db)
    services.post_payment(db, pid(db, "WILSON_J"), 2400, "cash")
    assert _transaction_words(log) == ["BEGIN IMMEDIATE", "COMMIT"]


@pytest.mark.sqlite_only  # apsw's statement trace (PostgreSQL: test_concurrency)
def test_a_refusal_rolls_back_its_transaction(db):
    log = _statements(db)
    with pytest.raises(services.ServiceError):
        services.post_payment(db, pid(db, "WILSON_J"), 0, "cash")
    assert _transaction_words(log) == ["BEGIN IMMEDIATE", "ROLLBACK"]


def test_inside_a_callers_transaction_it_is_a_savepoint(db):
    before = counts(db)
    with pytest.raises(RuntimeError):
        with write_transaction(db):
            services.post_payment(db, pid(db, "WILSON_J"), 2400, "cash")
            raise RuntimeError("the caller changes its mind")
    assert counts(db) == before


def test_audit_row_and_stamps(db):
    patient = pid(db, "WILSON_J")
    pay = services.post_payment(db, patient, 2400, "check", check_no="1001")
    at, user, ws, action, entity, entity_id, detail = audit(db, "patient_payment")[-1]
    assert (at, user, ws, entity, entity_id) == ("2026-03-02 09:30:00", "maria", "front-1",
                                                 "patient_payment", str(pay))
    assert json.loads(detail)["amount"] == 2400
    row = db.execute_sql("SELECT p.entered_at, p.entered_by, p.workstation, l.name FROM "
                         "patient_payment p JOIN location l ON l.id = p.location_id WHERE p.id = ?",
                         (pay,)).fetchone()
    assert row == ("2026-03-02 09:30:00", ACTOR.user, ACTOR.workstation, ACTOR.location)


def test_clock_and_actor_can_be_passed(db):
    when = datetime(2026, 3, 5, 14, 0, 1)
    who = services.Actor("bob", "front-2")
    pay = services.post_payment(db, pid(db, "WILSON_J"), 100, "cash", actor=who, now=when)
    row = db.execute_sql("SELECT entered_at, entered_by, workstation, location_id, date FROM "
                         "patient_payment WHERE id = ?", (pay,)).fetchone()
    assert row == ("2026-03-05 14:00:01", "bob", "front-2", None, "2026-03-05")
    assert audit(db)[-1][:3] == ("2026-03-05 14:00:01", "bob", "front-2")


def test_a_failure_after_writing_leaves_nothing(db, monkeypatch):
    before = counts(db)

    def broken(db_, guarantors, **_):
        raise peewee.IntegrityError("disk hiccup")
    monkeypatch.setattr(common, "reestimate_families", broken)
    with pytest.raises(services.ServiceError, match="nothing was written"):
        services.add_procedure(db, pid(db, "WILSON_J"), "D2392", provider="DOC1")
    assert counts(db) == before


def test_posting_re_estimates_the_family(db):
    patient = pid(db, "WILSON_C")  # Claire is in James's family, primary P2 at 50%
    proc = services.add_procedure(db, patient, "D2392", provider="DOC1")
    est = db.execute_sql("SELECT ins_est_cents FROM claim_proc WHERE procedure_id = ?",
                         (proc,)).fetchone()[0]
    assert est == (18000 - 5000) * 50 // 100


def test_lock_date_helpers(db):
    assert services.lock_date(db) is None
    services.set_lock_date(db, "2026-02-28")
    assert services.lock_date(db) == date(2026, 2, 28)
    with pytest.raises(services.ServiceError, match="lock date"):
        common.check_open(db, date(2026, 2, 28), "the payment")
    common.check_open(db, date(2026, 3, 1), "the payment")


def test_a_posting_writes_to_its_own_database_when_another_was_opened_since(db, template,
                                                                           tmp_path):
    """The ORM's models follow the database opened last: a service's ORM writes (a ledger
    note, a claim released from hold) went to that other database."""
    from pg_support import clone_database
    from store.db import open_database

    other_path = tmp_path / "other.db"
    clone_database(str(template), str(other_path))
    other = open_database(str(other_path))  # the models now follow `other`
    try:
        before = other.execute_sql("SELECT count(*) FROM ledger_note").fetchone()[0]
        services.add_ledger_note(db, pid(db, "WILSON_J"), "called about the crown", actor=ACTOR)
        assert db.execute_sql("SELECT count(*) FROM ledger_note WHERE text = ?",
                              ("called about the crown",)).fetchone()[0] == 1
        assert other.execute_sql("SELECT count(*) FROM ledger_note").fetchone()[0] == before
    finally:
        other.close()
