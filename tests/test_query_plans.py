"""EXPLAIN QUERY PLAN guards on a small generated practice.

The lookups the front desk makes all day (find a patient, read a ledger card, list claims)
must stay on indexes: a full scan is invisible on a test database and takes seconds on a
practice of 100,000 patients and 2 million ledger lines. Where possible the SQL checked is
the SQL the code really runs (recorded from ``db.execute_sql``).
"""
from __future__ import annotations

import re

import pytest

from store.read import balances
from store.demo import synthetic
from store.db import open_database
from store.read.patients import search_patients

# Tables that grow with the practice: never scanned for one patient's or one claim's rows.
BIG_TABLES = ("patient", "procedure", "claim_proc", "claim", "claim_payment",
              "claim_payment_line", "patient_payment", "adjustment", "appointment")


@pytest.fixture(scope="module")
def db():
    database = open_database(":memory:")
    synthetic.generate(database, patients=400, seed=5, big_ledgers=(60,))
    yield database
    database.close()


def plan_of(db, sql: str, params=()) -> list[str]:
    return [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


KEYWORDS = {"where", "on", "join", "left", "inner", "cross", "order", "group", "limit", "using",
            "union", "natural", "as"}


def aliases(sql: str) -> dict[str, str]:
    """Name as shown in a plan (alias or table) -> table, for every FROM / JOIN of ``sql``."""
    out = {}
    for table, alias in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?(\w+))?',
                                   sql, re.IGNORECASE):
        out[table] = table
        if alias and alias.lower() not in KEYWORDS:
            out[alias] = table
    return out


def scans(plan: list[str], sql: str = "") -> list[str]:
    """Plan steps that read a whole big table (or a whole index of one)."""
    names = aliases(sql)
    out = []
    for step in plan:
        match = re.match(r"SCAN (\w+)", step)
        if match and names.get(match.group(1), match.group(1)) in BIG_TABLES:
            out.append(step)
    return out


class Recorder:
    """Records the SELECTs a piece of code runs on ``db`` (with their parameters)."""

    def __init__(self, db):
        self.db, self.calls = db, []

    def __enter__(self):
        self.original = self.db.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                self.calls.append((sql, params))
            return self.original(sql, params, *args, **kwargs)

        self.db.execute_sql = execute_sql
        return self

    def __exit__(self, *exc):
        del self.db.execute_sql  # back to the class method
        return False

    def plans(self) -> list[tuple[str, list[str]]]:
        return [(sql, plan_of(self.db, sql, params or ())) for sql, params in self.calls]


def some_patient(db) -> tuple[int, str, str]:
    pid, name, born = db.execute_sql(
        "SELECT id, name_lower, birthdate FROM patient WHERE id IN "
        "(SELECT patient_id FROM procedure) ORDER BY id LIMIT 1 OFFSET 50").fetchone()
    return pid, name, born


# --- patient search -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["prefix", "last, first", "last first", "first name",
                                  "birthdate", "us birthdate", "id", "phone", "local phone"])
def test_patient_search_uses_indexes(db, kind):
    pid, name, born = some_patient(db)
    first, phone = db.execute_sql("SELECT first_name, phone FROM patient WHERE id = ?",
                                  (pid,)).fetchone()
    y, mo, d = born.split("-")
    text = {"prefix": name[:3], "last, first": name[:name.index(",") + 3],
            "last first": name[:name.index(",")] + " " + first[:2], "first name": first,
            "birthdate": born, "us birthdate": f"{mo}/{d}/{y}", "id": str(pid),
            "phone": phone, "local phone": phone[-8:]}[kind]
    with Recorder(db) as rec:
        found = search_patients(db, text)
    assert any(p["id"] == pid for p in found)
    for sql, plan in rec.plans():
        names = aliases(sql)
        assert not scans(plan, sql), (sql, plan)
        assert any(step.startswith("SEARCH ") and names.get(step.split()[1]) in
                   ("patient", "patient_phone") for step in plan), (sql, plan)
        if "_search >=" in sql or "digits >=" in sql:  # the index gives the list's order
            assert not any("TEMP B-TREE" in step for step in plan), plan


def test_search_page_balances_stay_on_indexes(db):
    ids = [p["id"] for p in search_patients(db, "s", limit=50)]
    assert ids
    with Recorder(db) as rec:
        balances.patient_balances(db, ids)
        balances.family_totals(db, ids)
    assert rec.calls
    for sql, plan in rec.plans():
        assert not scans(plan, sql), (sql, plan)


# --- one patient's rows ------------------------------------------------------------------

def test_procedures_of_a_patient_in_date_order_use_the_patient_date_index(db):
    pid, _, _ = some_patient(db)
    for sql, params in (
        ("SELECT id, date FROM procedure WHERE patient_id = ? ORDER BY date, id", (pid,)),
        ("SELECT * FROM procedure WHERE patient_id = ? AND date >= ? ORDER BY date, id",
         (pid, "2025-01-01")),
    ):
        plan = plan_of(db, sql, params)
        assert any("INDEX procedure_patient_id_date_id" in step for step in plan), plan
        assert not scans(plan, sql) and not any("TEMP B-TREE" in step for step in plan), plan


def test_claim_procedures_of_a_patient_are_found_by_index(db):
    pid, _, _ = some_patient(db)
    sql = ("SELECT cp.* FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id "
           "WHERE p.patient_id = ? ORDER BY p.date, p.id")
    plan = plan_of(db, sql, (pid,))
    assert any("INDEX procedure_patient_id_date_id" in step for step in plan), plan
    assert any(step.startswith("SEARCH cp USING INDEX claim_proc_procedure_id_plan_id")
               for step in plan), plan
    assert not scans(plan, sql), plan


def test_payments_and_adjustments_of_a_patient_use_their_indexes(db):
    pid, _, _ = some_patient(db)
    for table in ("patient_payment", "adjustment", "appointment"):
        sql = f"SELECT * FROM {table} WHERE patient_id = ? ORDER BY date"
        plan = plan_of(db, sql, (pid,))
        assert any(f"INDEX {table}_patient_id_date" in step for step in plan), plan
        assert not scans(plan, sql), plan


def test_claims_by_status_and_date_use_their_index(db):
    for sql, params in (
        ("SELECT id, patient_id FROM claim WHERE status = ? ORDER BY date", ("sent",)),
        ("SELECT id FROM claim WHERE status = ? AND date < ? ORDER BY date",
         ("sent", "2026-09-01")),
        ("SELECT count(*) FROM claim WHERE status IN ('unsent', 'hold', 'queued')", ()),
    ):
        plan = plan_of(db, sql, params)
        assert any("INDEX claim_status_date" in step for step in plan), plan
        assert not scans(plan, sql) and not any("TEMP B-TREE" in step for step in plan), plan


def test_lines_of_a_claim_use_the_claim_index(db):
    claim = db.execute_sql("SELECT id FROM claim WHERE status = 'received' LIMIT 1").fetchone()[0]
    sql = ("SELECT cp.*, l.* FROM claim_proc cp "
           "LEFT JOIN claim_payment_line l ON l.claim_proc_id = cp.id "
           "WHERE cp.claim_id = ? ORDER BY cp.claim_seq")
    plan = plan_of(db, sql, (claim,))
    assert any("INDEX claim_proc_claim_id" in step for step in plan), plan
    assert any("INDEX claim_payment_line_claim_proc_id" in step for step in plan), plan
    assert not scans(plan, sql), plan


# --- the account screen ---------------------------------------------------------------------

def test_opening_an_account_reads_only_that_family(db):
    frontdesk = pytest.importorskip("store.desks.frontdesk")
    pid, _, _ = some_patient(db)
    desk = frontdesk.DbFrontDesk(db)
    with Recorder(db) as rec:
        desk.account(str(pid))
        desk.rows(str(pid), 0, 50)
    bad = [(sql[:160], scans(plan, sql)) for sql, plan in rec.plans() if scans(plan, sql)]
    assert not bad
