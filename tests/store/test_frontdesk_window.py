"""The windowed ledger card equals the pure card, and opening it never reads the ledger.

`DbFrontDesk` serves a card from `ledger_entry` sums and reads only the rows of the window
asked for; the reference is `estimator.ledger.build_card` over the whole family (what the
front desk did before). Every scenario, the demo office, a generated practice and a run of
postings: all windows concatenated, the day index, totals, header, benefits and line details
are the same. A 5,000-line ledger opens and scrolls reading O(window) ledger rows.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from estimator import engine, ledger
from estimator.ledger_codes import claim_number
from estimator.money import fmt_grouped
from estimator.views import DetailSection, LineDetail, PlanBenefit, procedure_detail
from store import services
from store.derived import estimates
from store.demo import synthetic
from store.db import open_database, write_transaction
from store.demo.office import load_demo_office
from store.family.loader import family_id_map, load_line_estimates, load_originals, read_practice
from store.desks.frontdesk import DbFrontDesk
from store.files.importer import import_practice
from store.files.practice_file import load_practice_file
from store.family.ids import family_patient_ids, guarantor_of, load_id_map

TESTS = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((TESTS / "scenarios").rglob("*.json"))
WILSON = TESTS / "services" / "fixtures" / "wilson.json"
ACTOR = services.Actor("maria", "front-1", "Main St")
NOW = datetime(2026, 3, 2, 9, 30)


# --- the reference: the whole family through the pure code --------------------------------

class Reference:
    """What the front desk showed when it loaded the whole family (the pure ledger code)."""

    def __init__(self, db, db_id: int, today: date):
        gid = guarantor_of(db, db_id)
        members = family_patient_ids(db, gid)
        ids = family_id_map(db, members)
        self.practice = replace(read_practice(db, ids, members), as_of=today)
        self.estimates = load_line_estimates(db, gid, ids=ids)
        self.pid = ids.practice_id("patient", db_id)
        self.card = ledger.build_card(self.practice, self.estimates, self.pid, today=today,
                                      originals=load_originals(db, ids, members))

    def day_index(self) -> list[tuple[date, int]]:
        out: list[tuple[date, int]] = []
        for i, row in enumerate(self.card.rows):
            if not out or out[-1][0] != row.posted:
                out.append((row.posted, i))
        return out

    def benefits(self) -> tuple[PlanBenefit, ...]:
        practice = self.practice
        patient = next(p for p in practice.patients if p.id == self.pid)
        plans = {p.id: p for p in practice.plans}
        carriers = {c.id: c.name for c in practice.carriers}
        out = []
        for cov in sorted(patient.coverage, key=lambda c: c.order):
            s = engine.benefits_summary(practice, self.estimates, self.pid, cov.plan)
            plan = plans.get(cov.plan)
            label = f"{cov.order} {carriers.get(plan.carrier, cov.plan) if plan else cov.plan}"
            out.append(PlanBenefit(label + (" (pending)" if cov.pending else ""),
                                   s.annual_max_used, s.annual_max_remaining, s.deductible_remaining))
        return tuple(out)

    def line_detail(self, ref: str) -> LineDetail:
        kind, _, key = ref.partition(":")
        if kind == "procedure":
            return self._procedure_detail(key)
        row = next(r for r in self.card.rows if r.ref == ref)
        titles = {c.key: c.title for c in self.card.columns}
        fields = tuple((titles.get(k, k), fmt_grouped(row.values[k]) if k in row.values else v)
                       for k, v in row.cells.items() if v)
        return LineDetail(title=f"{row.kind.replace('_', ' ').title()} {row.posted}",
                          sections=(DetailSection("Line", fields),))

    def _procedure_detail(self, proc_id: str) -> LineDetail:
        """From the whole practice (the window's reader sees only the window)."""
        practice = self.practice
        proc = next(p for p in practice.procedures if p.id == proc_id)
        description = {c.code: c.description for c in practice.procedure_codes}.get(proc.code, "")
        lines = [ln for (p, _), ln in self.estimates.items() if p == proc.id]
        carriers = {c.id: c.name for c in practice.carriers}
        plans = {}
        for plan in practice.plans:  # named as the office names them, never by id
            what = ", ".join(filter(None, (plan.employer, plan.group_number and
                                           f"group {plan.group_number}")))
            name = carriers.get(plan.carrier, plan.id)
            plans[plan.id] = f"{name} ({what})" if what else name
        claims = {c.id: claim_number(c) for c in practice.claims}
        return procedure_detail(proc, description,
                                ledger.patient_portion(practice, self.estimates, proc.id), lines,
                                plan_names=plans, claim_numbers=claims)


def _unsized(col) -> tuple:
    return (col.key, col.title, col.group, col.align)


def assert_cells_fit(columns, rows) -> None:
    """Amounts of Main and claim numbers fit their columns: the card never shows `#` for them."""
    widths = {c.key: c.width for c in columns}
    for row in rows:
        for key in ("billed", "paid", "adjust", "balance"):
            if key in row.values:
                assert len(fmt_grouped(row.values[key])) <= widths[key], (key, row)
        for key, text in row.cells.items():
            if key.startswith("claim_no") and key in widths:
                assert len(text) <= widths[key], (key, text)


def assert_same_cards(db, today: date, patients=None, window: int = 7) -> int:
    """Every (or the given) patient's card through the front desk equals the reference."""
    ids = load_id_map(db, kinds=("patient",)).to_practice["patient"]
    assert patients or ids  # no card compared would prove nothing (planned-only: no rows)
    checked = 0
    for db_id in patients or sorted(ids):
        ref, pid = Reference(db, db_id, today), ids[db_id]
        desk = DbFrontDesk(db, today=lambda: today)
        view = desk.account(pid)
        got = []
        for start in range(0, view.row_count + window, window):
            got += desk.rows(pid, start, start + window)
        assert tuple(got) == ref.card.rows, pid
        assert view.row_count == len(ref.card.rows), pid
        assert list(desk.day_index(pid)) == ref.day_index(), pid
        assert view.totals == ref.card.totals, pid
        assert view.summary == ref.card.summary, pid
        # The same columns; their widths are the card's content's (`content_widths`).
        assert [c[:4] for c in map(_unsized, view.columns)] == \
            [c[:4] for c in map(_unsized, ref.card.columns)], pid
        assert_cells_fit(view.columns, got)
        assert view.n_plans == sum(c.key.endswith("_est") and c.key.startswith("ins")
                                   for c in ref.card.columns), pid
        assert view.benefits == ref.benefits(), pid
        for ref_text in dict.fromkeys(r.ref for r in ref.card.rows if r.ref):
            assert desk.line_detail(pid, ref_text) == ref.line_detail(ref_text), (pid, ref_text)
        assert desk.card(pid).rows == ref.card.rows
        checked += len(got)
    return checked


def _imported(path: Path):
    parsed = load_practice_file(path)
    db = open_database(":memory:")
    with write_transaction(db):
        import_practice(db, parsed.practice)
        estimates.reestimate_all(db)
    return db, parsed.practice.as_of


# --- the same card ------------------------------------------------------------------------

@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_windows_equal_the_pure_card_on_every_scenario(path):
    db, as_of = _imported(path)
    assert_same_cards(db, as_of)


def test_windows_equal_the_pure_card_in_the_demo_office():
    db = open_database(":memory:")
    load_demo_office(db)
    assert assert_same_cards(db, date(2026, 11, 22), window=50) > 500


def test_windows_equal_the_pure_card_in_a_generated_practice():
    """Generated rows are written straight to the tables (visits, capitation, secondaries)."""
    db = open_database(":memory:")
    stats = synthetic.generate(db, patients=120, seed=4, big_ledgers=(300,))
    sample = sorted(db_id for (db_id,) in db.execute_sql("SELECT id FROM patient"))[::6]
    assert assert_same_cards(db, synthetic.AS_OF, sample + list(stats.big_ledgers.values()),
                             window=23) > 1000


def test_windows_clamp_and_empty_ranges():
    db, as_of = _imported(TESTS / "scenarios/ledger/family-three-months.json")
    ids = load_id_map(db, kinds=("patient",)).to_practice["patient"]
    pid = max(ids.values(), key=lambda p: DbFrontDesk(db).account(p).row_count)
    desk = DbFrontDesk(db, today=lambda: as_of)
    n = desk.account(pid).row_count
    assert desk.rows(pid, -5, 3) == desk.rows(pid, 0, 3)
    assert desk.rows(pid, n - 2, n + 10) == desk.rows(pid, 0, n)[-2:]
    assert desk.rows(pid, 4, 4) == [] and desk.rows(pid, n, n + 5) == []
    with pytest.raises(KeyError):
        desk.line_detail(pid, "patient_payment:999")
    with pytest.raises(KeyError):
        desk.account("NOBODY")


# --- postings keep it current ---------------------------------------------------------------

def _pid(db, file_id: str) -> int:
    return db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (file_id,)).fetchone()[0]


def test_the_card_follows_every_kind_of_posting():
    db, _ = _imported(WILSON)
    today = NOW.date()
    kw = {"actor": ACTOR, "now": NOW}
    james, claire = _pid(db, "WILSON_J"), _pid(db, "WILSON_C")
    family = [james, claire]
    desk = DbFrontDesk(db, today=lambda: today)
    before = desk.account("WILSON_J").row_count

    a = services.add_procedure(db, james, "D2392", provider="DOC1", date="2026-02-02",
                               tooth="3", surface="MO", **kw)
    services.add_procedure(db, james, "D2392", provider="DOC1", date="2026-02-02",
                           tooth="14", surface="MO", **kw)
    assert desk.account("WILSON_J").row_count > before  # the cached card saw the posting
    primary, *_ = services.create_claims(db, james, date="2026-02-02", **kw)
    services.send_claim(db, primary, date="2026-02-03", **kw)
    services.enter_insurance_payment(db, [services.EobLine(primary, a, paid=5000, writeoff=1200)],
                                     amount=5000, check_no="77", date="2026-02-20", **kw)
    assert_same_cards(db, today, family)

    pay = services.post_payment(db, james, 3000, "check", check_no="1001", date="2026-02-20", **kw)
    services.post_adjustment(db, james, -500, "DISC", procedure=a, date="2026-02-20",
                             create_code=True, kind="discount", **kw)
    services.post_payment(db, claire, 2500, "cash", date="2026-02-21", **kw)
    assert_same_cards(db, today, family)

    services.reverse_payment(db, pay, date="2026-02-25", **kw)
    planned = services.add_procedure(db, claire, "D1110", provider="DOC1", planned=True, **kw)
    services.complete_procedure(db, planned, date="2026-02-26", **kw)
    assert_same_cards(db, today, family)


# --- opening reads a window, never the ledger ---------------------------------------------

@pytest.fixture(scope="module")
def big(engine):
    db = open_database(":memory:")
    stats = synthetic.generate(db, patients=60, seed=9, big_ledgers=(5_000,))
    yield db, stats.big_ledgers[5_000]
    db.close()


class RowCounter:
    """Counts the rows each SELECT returns (statements run through ``db.execute_sql``)."""

    def __init__(self, db):
        self.db, self.fetched = db, []

    def __enter__(self):
        original = self.original = self.db.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            cursor = original(sql, params, *args, **kwargs)
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                return cursor
            rows = cursor.fetchall()
            self.fetched.append((sql, params, len(rows)))
            return _Rows(rows)

        self.db.execute_sql = execute_sql
        return self

    def __exit__(self, *exc):
        del self.db.execute_sql
        return False


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


def _no_full_card(monkeypatch):
    """Make every whole-family / whole-card path fail loudly."""
    def boom(*args, **kwargs):
        raise AssertionError("the whole ledger was loaded")
    for target in ("estimator.ledger.build_card", "estimator.ledger_rows.card_rows",
                   "estimator.ledger_rows.keyed_rows", "store.family.loader.read_practice",
                   "store.family.loader.load_line_estimates", "store.family.loader.family_id_map"):
        monkeypatch.setattr(target, boom)


def test_a_5000_line_ledger_opens_and_scrolls_reading_only_its_window(big, monkeypatch):
    db, patient = big
    lines = db.execute_sql("SELECT count(*) FROM ledger_entry WHERE patient_id = ?",
                           (patient,)).fetchone()[0]
    days = db.execute_sql("SELECT count(DISTINCT posted) FROM ledger_entry WHERE patient_id = ?",
                          (patient,)).fetchone()[0]
    assert lines >= 5_000
    _no_full_card(monkeypatch)
    desk = DbFrontDesk(db, today=lambda: synthetic.AS_OF)
    with RowCounter(db) as opening:
        view = desk.account(str(patient))
        desk.rows(str(patient), 0, 50)
    with RowCounter(db) as scrolling:
        deep = view.row_count * 2 // 3
        page = desk.rows(str(patient), deep, deep + 50)
    assert len(page) == 50
    day_sums = [n for sql, _, n in opening.fetched if "GROUP BY e.patient_id, e.posted" in sql]
    assert day_sums == [days]  # one row per posted date, summed by SQL
    ledger_rows = _ledger_rows(opening.fetched) - days
    assert ledger_rows <= 20 * 50, ledger_rows      # O(window), not O(ledger)
    assert _ledger_rows(scrolling.fetched) <= 20 * 50
    assert not any("GROUP BY e.patient_id" in sql for sql, _, _ in scrolling.fetched)  # cached


# Tables whose rows grow with a ledger (reference tables such as fees and codes do not).
LEDGER_TABLES = ("ledger_entry", "procedure", "procedure_visit", "claim", "claim_proc",
                 "claim_payment", "claim_payment_line", "patient_payment", "payment_allocation",
                 "adjustment", "appointment", "ledger_note")


def _ledger_rows(fetched) -> int:
    return sum(n for sql, _, n in fetched
               if set(re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)', sql)) & set(LEDGER_TABLES))


@pytest.mark.sqlite_only  # SQLite's query plan
def test_the_card_queries_stay_on_indexes(big):
    db, patient = big
    desk = DbFrontDesk(db, today=lambda: synthetic.AS_OF)
    with RowCounter(db) as rec:
        view = desk.account(str(patient))
        rows = desk.rows(str(patient), view.row_count // 2, view.row_count // 2 + 50)
        for row in rows:
            if row.ref:
                desk.line_detail(str(patient), row.ref)
    for sql, params, _ in rec.fetched:
        plan = [r[-1] for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params or ())]
        scans = [step for step in plan if re.match(r"SCAN (\w+)", step)
                 and _table(step, sql) in LEDGER_TABLES + ("patient",)]
        assert not scans, (sql[:200], plan)


def _table(step: str, sql: str) -> str:
    name = re.match(r"SCAN (\w+)", step).group(1)
    for table, alias in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?\s+(\w+)', sql):
        if alias == name:
            return table
    return name
