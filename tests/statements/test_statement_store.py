"""Statements through the database: the office and statements sent in the schema and the
practice file, recording a statement (card line, audit, refusals), and the billing run's
reader, which must give exactly the pure statement (`build_statement` over the loaded
family) on the demo office and on every public scenario with completed work."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from estimator import ledger
from estimator import model as m
from estimator.statement import StatementError, build_statement
from estimator.statement_types import Party
from store.db import open_database
from store.db.migrations import LATEST, migrate
from store.derived.estimates import load_estimates, reestimate_all
from store.desks.frontdesk import DbFrontDesk
from store.family.ids import load_id_map
from store.family.loader import load_family, load_line_estimates
from store.files.exporter import export_practice
from store.files.importer import import_practice
from store.files.practice_file import dumps_practice, load_practice_file, parse_practice_text
from store.read.statement_reader import StatementReader
from store.read.statements import office, patient_party, previous_statement, select_families
from store.services import ServiceError
from store.services.statements import SentStatement, record_statement
from statement_fixtures import OFFICE

from test_statement_reconciles import SCENARIO_FILES

DAY = date(2026, 11, 20)  # the demo office's today


def guarantors(db) -> list[int]:
    return [g for (g,) in db.execute_sql(
        "SELECT id FROM patient WHERE guarantor_id IS NULL OR guarantor_id = id ORDER BY id")]


def pure(db, gid: int, day: date, start=None, party: Party | None = None):
    pid = load_id_map(db, kinds=("patient",)).practice_id("patient", gid)
    return build_statement(load_family(db, gid), load_line_estimates(db, gid), pid,
                           statement_date=day, office=OFFICE, guarantor=party, period_start=start)


def check_reader(db, day: date, start=None) -> list:
    """Every family's statement from the reader equals the pure one; returns them."""
    gids = guarantors(db)
    got = list(StatementReader(db, day, office=OFFICE, period_start=start, chunk=3).statements(gids))
    for gid, st in zip(gids, got):
        assert st == pure(db, gid, day, start, st.guarantor), gid
    return got


# --- the reader is the pure statement ----------------------------------------------------------

@pytest.mark.parametrize("day", [DAY, date(2026, 10, 31), date(2026, 6, 30)],
                         ids=["today", "month-end", "half-year"])
def test_reader_gives_the_pure_statement_on_the_demo(demo_db, day):
    """Today (every family from the ledger's lines) and past dates (families with later
    postings are built as of the date, the pure way), first statements and monthly ones."""
    check_reader(demo_db, day)
    check_reader(demo_db, day, start=day - timedelta(days=30))


def test_reader_numbers_hold_against_the_ledger_cards(demo_db):
    """New balance = the family's balance on the cards; due = the members' patient estimates
    (credits aside); the lines reconcile."""
    desk = DbFrontDesk(demo_db)
    for st in check_reader(demo_db, DAY):
        t = st.totals
        assert (t.previous_balance + t.charges - t.payments - t.insurance_payments - t.writeoffs
                + t.adjustments) == t.new_balance
        view = desk.account(st.guarantor_id)
        assert st.new_balance == view.summary.family_total
        members = [desk.account(pid).summary.balance for pid, _ in view.summary.members]
        assert st.patient_portion == sum(b.patient for b in members)
        assert st.amount_due == max(0, sum(b.patient for b in members))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_reader_gives_the_pure_statement_in_every_scenario(path):
    try:
        practice = load_practice_file(path).practice
    except Exception as exc:  # a scenario ahead of the parser
        pytest.skip(f"the parser cannot read it yet: {str(exc).splitlines()[0]}")
    db = open_database(":memory:")
    try:
        import_practice(db, practice)
        reestimate_all(db)
        day = max([practice.as_of, *(x.date for x in (*practice.procedures, *practice.claim_payments,
                                                       *practice.patient_payments, *practice.adjustments))])
        for st in check_reader(db, day):  # the database path reconciles as the pure one does
            stored, lines = export_practice(db), load_estimates(db)
            bals = ledger.balances(stored, lines)
            family = [p.id for p in stored.patients if p.guarantor == st.guarantor_id]
            assert st.new_balance == sum(bals[p].total for p in family)
            assert st.patient_portion == sum(bals[p].patient for p in family)
        check_reader(db, day, start=day - timedelta(days=10))
    finally:
        db.close()


def test_reader_refuses_a_period_after_the_date(demo_db):
    with pytest.raises(StatementError, match="after the statement date"):
        StatementReader(demo_db, DAY, office=OFFICE, period_start=DAY + timedelta(days=1)).one(
            guarantors(demo_db)[0])


# --- recording a statement sent ----------------------------------------------------------------

def counts(db) -> dict:
    return {t: db.execute_sql(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("statement", "ledger_entry", "audit_log")}


def test_a_statement_sent_is_a_line_on_the_guarantors_card_without_money(demo_db):
    gid = guarantors(demo_db)[1]
    desk = DbFrontDesk(demo_db)
    pid = load_id_map(demo_db, kinds=("patient",)).practice_id("patient", gid)
    before = desk.account(pid)
    sid = record_statement(demo_db, SentStatement(gid, DAY, 12450, 30000, 17550, None, "pdf",
                                                  "statement-x.pdf"))
    after = desk.account(pid)
    rows = desk.card(pid).rows
    sent = [r for r in rows if r.kind == "statement"]
    assert [r.cells["service"] for r in sent] == ["Statement sent, due 124.50"]
    assert sent[0].posted == DAY and not sent[0].is_money
    assert (after.totals, after.summary.balance) == (before.totals, before.summary.balance)
    assert after.row_count == before.row_count + 1
    # the store's card is the pure card of the family as loaded (the statement included)
    practice = load_family(demo_db, gid)
    assert practice.statements[-1].amount_due == 12450
    assert ledger.build_card(practice, load_line_estimates(demo_db, gid), pid, today=DAY).rows == rows
    audit = demo_db.execute_sql("SELECT action, entity, entity_id FROM audit_log "
                                "ORDER BY id DESC LIMIT 1").fetchone()
    assert audit == ("statement_sent", "statement", str(sid))
    assert previous_statement(demo_db, gid, DAY + timedelta(days=1)) == DAY
    assert previous_statement(demo_db, gid, DAY) is None


def test_the_card_line_survives_a_posting_on_the_family(demo_db):
    from store.derived.estimates import reestimate_family

    gid = guarantors(demo_db)[1]
    record_statement(demo_db, SentStatement(gid, DAY - timedelta(days=31), 100, 100))
    record_statement(demo_db, SentStatement(gid, DAY, 100, 100))
    sql = "SELECT * FROM ledger_entry WHERE priority = 7 ORDER BY 1, 2, 3, 4, 5, 6"
    entries = demo_db.execute_sql(sql).fetchall()
    assert [e[8] for e in entries] == [0, 1]  # ref numbers: the family's first and second
    with demo_db.atomic():
        reestimate_family(demo_db, gid)
    assert demo_db.execute_sql(sql).fetchall() == entries


@pytest.mark.parametrize("change, message", [
    (dict(guarantor=10**9), "no patient"),
    (dict(amount_due=-1), "0 or more"),
    (dict(insurance_pending=-5), "0 or more"),
    (dict(format="docx"), "pdf or text"),
    (dict(period_start=DAY + timedelta(days=1)), "after the statement date"),
    (dict(amount_due=1.5), "whole number of cents"),
])
def test_recording_refusals_write_nothing(demo_db, change, message):
    sent = SentStatement(guarantors(demo_db)[0], DAY, 100, 100, **{})
    before = counts(demo_db)
    with pytest.raises(ServiceError, match=message):
        record_statement(demo_db, SentStatement(**{**sent.__dict__, **change}))
    assert counts(demo_db) == before


def test_a_statement_goes_to_the_guarantor_not_a_member(demo_db):
    member = demo_db.execute_sql("SELECT id FROM patient WHERE guarantor_id != id LIMIT 1").fetchone()[0]
    before = counts(demo_db)
    with pytest.raises(ServiceError, match="not a guarantor"):
        record_statement(demo_db, SentStatement(member, DAY, 100, 100))
    assert counts(demo_db) == before


# --- the office, addresses, the practice file, the migration ------------------------------------

def test_the_demo_office_prints_its_name_address_and_message(demo_db):
    party, message = office(demo_db)
    assert party.name == "Riverside Family Dental"
    assert party.address == ("412 River Road, Suite 200", "Springfield, IL 62704")
    assert party.phone and message.startswith("Thank you")


def test_the_guarantors_address_is_on_the_envelope(demo_db):
    gid = guarantors(demo_db)[0]
    demo_db.execute_sql("UPDATE patient SET address1 = '5 Oak Lane', city = 'Springfield', "
                        "state = 'IL', zip = '62704' WHERE id = ?", (gid,))
    assert patient_party(demo_db, gid).address == ("5 Oak Lane", "Springfield, IL 62704")
    st = StatementReader(demo_db, DAY, office=OFFICE).one(gid)
    assert st.guarantor.address == ("5 Oak Lane", "Springfield, IL 62704")


def test_office_and_statements_round_trip_through_the_practice_file(demo_db):
    gid = guarantors(demo_db)[2]
    record_statement(demo_db, SentStatement(gid, DAY, 2000, 18000, 16000, date(2026, 5, 1), "text",
                                            "statement-FAM02_P1-2026-11-20.txt"))
    practice = export_practice(demo_db)
    text = dumps_practice(practice)
    data = json.loads(text)["practice"]
    assert data["office"]["name"] == "Riverside Family Dental"
    assert data["statements"] == [{
        "patient": practice.statements[0].patient, "date": "2026-11-20", "amount_due": 20.0,
        "new_balance": 180.0, "insurance_pending": 160.0, "period_start": "2026-05-01",
        "format": "text", "file": "statement-FAM02_P1-2026-11-20.txt",
        "stamp": data["statements"][0]["stamp"]}]
    again = open_database(":memory:")
    try:
        import_practice(again, parse_practice_text(text).practice)
        reestimate_all(again)
        assert export_practice(again) == practice
    finally:
        again.close()


@pytest.mark.parametrize("bad, message", [
    ({"statements": [{"patient": "FAM01_P2", "date": "2026-11-20", "amount_due": 1, "new_balance": 1}]},
     "is not a guarantor"),
    ({"statements": [{"patient": "FAM01_P1", "date": "2026-11-20", "amount_due": -1, "new_balance": 1}]},
     "negative"),
    ({"statements": [{"patient": "FAM01_P1", "date": "2026-11-20", "amount_due": 1, "new_balance": 1,
                      "period_start": "2026-12-01"}]}, "after the statement date"),
    ({"statements": [{"patient": "FAM01_P1", "date": "2026-11-20", "amount_due": 1, "new_balance": 1,
                      "format": "docx"}]}, "not one of"),
    ({"office": {"name": "X", "address": ["a\nb"]}}, "one non-empty line"),
    ({"office": {"nmae": "X"}}, "unknown key"),
])
def test_practice_file_refusals(bad, message):
    from pathlib import Path

    from store.files.practice_file import PracticeFileError

    root = Path(__file__).resolve().parents[2]
    doc = json.loads((root / "sample_data" / "demo.json").read_text(encoding="utf-8"))
    doc["practice"].update(bad)
    with pytest.raises(PracticeFileError, match=message):
        parse_practice_text(json.dumps(doc))


def test_a_database_of_the_previous_version_migrates(tmp_path):
    path = str(tmp_path / "old.db")
    db = open_database(path)
    db.execute_sql("DROP TABLE statement")
    for column in ("address1", "address2", "city", "state", "zip"):
        db.execute_sql(f'ALTER TABLE patient DROP COLUMN "{column}"')
    db.pragma("user_version", LATEST - 1)
    assert migrate(db) == LATEST
    assert "statement" in db.get_tables()
    assert {"address1", "zip"} <= {c.name for c in db.get_columns("patient")}
    migrate(db)  # twice is harmless
    db.close()


# --- the billing run's selection ---------------------------------------------------------------

def test_selection_is_families_owing_the_minimum_not_billed_lately(demo_db):
    sel = select_families(demo_db, DAY, min_due=500, skip_days=25)
    built = {g: StatementReader(demo_db, DAY, office=OFFICE).one(g) for g in guarantors(demo_db)}
    owing = [g for g, st in built.items() if st.amount_due >= 500]
    assert sorted(sel.guarantors) == sorted(owing)
    assert sel.total_due == sum(built[g].amount_due for g in owing)
    assert sel.below_minimum == sum(1 for st in built.values() if 0 < st.amount_due < 500)
    billed = owing[0]
    record_statement(demo_db, SentStatement(billed, DAY - timedelta(days=24), 100, 100))
    again = select_families(demo_db, DAY, min_due=500, skip_days=25)
    assert billed not in again.guarantors and again.billed_recently == 1
    assert billed in select_families(demo_db, DAY, min_due=500, skip_days=24).guarantors
