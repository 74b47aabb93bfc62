"""Re-estimating many families at once (`estimates.reestimate_families`, which every posting
runs) leaves every derived row as re-estimating them one at a time (`reestimate_family`)
does: the same check, paying claims of several families, posted on two copies of a practice,
one through each path, gives the same claim procedures, ledger lines, applied credits and
report sums, row for row (the batch cut into chunks of a few families, so chunk edges and
several families in one statement are both crossed)."""
from __future__ import annotations

from datetime import datetime

import pytest

from pg_support import clone_database
from store import services
from store.db import open_database
from store.demo import synthetic
from store.demo.office import load_demo_office
from store.derived import estimates
from store.services import EobLine, common

NOW = datetime(2026, 12, 1, 10, 15)
ACTOR = services.Actor("maria", "front-1", "Main St")

# Every derived table, ordered by a key that does not depend on the order rows were written
# (ids of rows a rebuild deletes and writes again are left out).
TABLES = {
    "claim_proc": "SELECT * FROM claim_proc ORDER BY procedure_id, plan_id",
    "ledger_entry": "SELECT * FROM ledger_entry ORDER BY patient_id, posted, priority, k1, k2, k3",
    "applied_credit": "SELECT patient_id, procedure_id, payment_id, adjustment_id, amount_cents "
                      "FROM applied_credit ORDER BY 1, 2, 3, 4, 5",
    "patient_carrier_month": "SELECT * FROM patient_carrier_month "
                             "ORDER BY patient_id, carrier_id, month",
    "carrier_month": "SELECT * FROM carrier_month ORDER BY month, carrier_id",
    "claim": "SELECT id, status FROM claim ORDER BY id",
    "procedure": "SELECT id, orig_charge_cents FROM procedure ORDER BY id",
}


def _demo(db):
    load_demo_office(db)


def _generated(db):
    synthetic.generate(db, patients=300, seed=11, big_ledgers=(60,))


@pytest.fixture(scope="module", params=[_demo, _generated], ids=["demo", "generated"])
def template(request, tmp_path_factory, engine):
    path = str(tmp_path_factory.mktemp("families") / "practice.db")
    db = open_database(path)
    request.param(db)
    db.close()
    return path


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(common, "clock", lambda: NOW)
    monkeypatch.setattr(common, "desk_actor", lambda: ACTOR)


def _read(template, tmp_path, name, read):
    """``read(db)`` on a copy of the practice. One database open at a time: the ORM's models
    follow the database opened last (`release_holds` writes through them)."""
    path = str(tmp_path / f"{name}.db")
    clone_database(template, path)
    db = open_database(path)
    try:
        return read(db)
    finally:
        db.close()


def _posted(template, tmp_path, name, post) -> dict[str, list[tuple]]:
    """The derived tables of a copy of the practice after ``post(db)``."""
    return _read(template, tmp_path, name, lambda db: (post(db), _tables(db))[1])


def _check(db) -> list[EobLine]:
    """One check of the carrier whose open claims reach the most families: every open claim
    (up to 30) paid its estimate with its deductible estimate, every fourth denied, every
    third with its last line left off (a zero line), and a supplemental payment on a few of
    the carrier's received claims."""
    carrier = db.execute_sql(
        "SELECT pl.carrier_id FROM claim c JOIN plan pl ON pl.id = c.plan_id "
        "JOIN patient p ON p.id = c.patient_id WHERE c.status IN ('unsent', 'queued', 'sent') "
        "GROUP BY pl.carrier_id ORDER BY count(DISTINCT coalesce(p.guarantor_id, p.id)) DESC, "
        "pl.carrier_id LIMIT 1").fetchone()[0]
    claims = db.execute_sql(
        "SELECT c.id, c.status FROM claim c JOIN plan pl ON pl.id = c.plan_id "
        "WHERE pl.carrier_id = ? AND c.status IN ('unsent', 'queued', 'sent') ORDER BY c.id "
        "LIMIT 30", (carrier,)).fetchall()
    received = db.execute_sql(
        "SELECT c.id, 'received' FROM claim c JOIN plan pl ON pl.id = c.plan_id "
        "WHERE pl.carrier_id = ? AND c.status = 'received' ORDER BY c.id DESC LIMIT 4",
        (carrier,)).fetchall()
    lines = []
    for n, (claim, status) in enumerate(claims + received):
        rows = db.execute_sql(
            "SELECT procedure_id, ins_est_cents, deductible_est_cents FROM claim_proc "
            "WHERE claim_id = ? ORDER BY claim_seq, id", (claim,)).fetchall()
        if status == "received":
            lines.append(EobLine(claim, rows[0][0], paid=1250, remarks="supplemental"))
            continue
        if n % 3 == 2 and len(rows) > 1:
            rows = rows[:-1]
        for proc, est, ded in rows:
            if n % 4 == 3:
                lines.append(EobLine(claim, proc, denied=True, remarks="not covered"))
            else:
                lines.append(EobLine(claim, proc, paid=est, deductible=ded))
    return lines


def _tables(db) -> dict[str, list[tuple]]:
    return {name: db.execute_sql(sql).fetchall() for name, sql in TABLES.items()}


def _one_at_a_time(db, guarantors, *, as_of, progress=None):
    return sum(estimates.reestimate_family(db, g, as_of=as_of) for g in sorted(set(guarantors)))


def test_a_check_of_many_families_gives_the_rows_of_one_family_at_a_time(
        template, tmp_path, monkeypatch):
    lines, families = _read(template, tmp_path, "plan", lambda db: (_check(db), _families(db)))
    assert len(families) > 1 and any(ln.denied for ln in lines)

    def pay(db):
        assert _check(db) == lines
        services.enter_insurance_payment(db, lines, amount=sum(ln.paid for ln in lines),
                                         check_no="EQ1", confirm_credit=True)

    with monkeypatch.context() as patched:
        patched.setattr(common, "reestimate_families", _one_at_a_time)
        one = _posted(template, tmp_path, "single", pay)
    # in two chunks at least, of several families each where the check has enough
    monkeypatch.setattr(estimates, "FAMILY_CHUNK", max(1, (len(families) + 1) // 2))
    many = _posted(template, tmp_path, "batch", pay)
    for name in TABLES:
        assert many[name] == one[name], name
    assert one["ledger_entry"] and one["carrier_month"]


def _families(db) -> set[int]:
    claims = ",".join(str(ln.claim) for ln in _check(db))
    return {g for (g,) in db.execute_sql(
        "SELECT DISTINCT coalesce(p.guarantor_id, p.id) FROM claim c JOIN patient p "
        f"ON p.id = c.patient_id WHERE c.id IN ({claims})")}


def test_every_family_at_once_gives_the_rows_of_one_family_at_a_time(template, tmp_path,
                                                                      monkeypatch):
    """Every family of the practice re-estimated as of another day (estimates of planned work
    change), in chunks of a few families, and an id that is no guarantor skipped."""
    def everyone(reestimate):
        def run(db):
            guarantors = [g for (g,) in db.execute_sql(
                "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient")]
            with db.atomic():
                reestimate(db, [*guarantors, 10 ** 9], as_of=NOW.date())
        return run

    one = _posted(template, tmp_path, "single", everyone(_one_at_a_time))
    monkeypatch.setattr(estimates, "FAMILY_CHUNK", 7)
    many = _posted(template, tmp_path, "batch", everyone(estimates.reestimate_families))
    for name in TABLES:
        assert many[name] == one[name], name


def test_progress_counts_the_families(template, tmp_path, monkeypatch):
    """``progress(done, total)`` once a family, up to every family asked for (the ERA import's
    bar), chunk after chunk."""
    calls = []

    def run(db):
        guarantors = [g for (g,) in db.execute_sql(
            "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient")]
        with db.atomic():
            estimates.reestimate_families(db, guarantors, as_of=NOW.date(),
                                          progress=lambda done, total: calls.append((done, total)))
        return len(guarantors)

    monkeypatch.setattr(estimates, "FAMILY_CHUNK", 5)
    families = _read(template, tmp_path, "progress", run)
    assert calls == [(n, families) for n in range(1, families + 1)]
