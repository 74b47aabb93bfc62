"""Patient search: `store.read.patients.search_patients` against the same SQL on a bare SQLite
connection (apsw, no ORM), and the Find patient list with balances (`DbFrontDesk.search`)."""
from __future__ import annotations

import random

import apsw

from .context import Context
from .report import Figure, unavailable
from .timing import Timing, measure_each

LIMIT = 50


def search_texts(db, count: int, seed: int = 11) -> list[str]:
    """What the front desk types: name prefixes of 1-4 letters and "last, f", birthdates,
    ids; drawn from the practice so most of them find someone."""
    rng = random.Random(seed)
    rows = db.execute_sql("SELECT id, name_lower, birthdate FROM patient "
                          "ORDER BY id LIMIT 5000").fetchall()
    texts = []
    for _ in range(count):
        pid, name, born = rows[rng.randrange(len(rows))]
        kind = rng.random()
        if kind < 0.70:
            texts.append(name[:rng.choice((1, 2, 3, 3, 4))])
        elif kind < 0.80:
            texts.append(name[:name.index(",") + 3] if "," in name else name)
        elif kind < 0.92:
            texts.append(str(born))
        else:
            texts.append(str(pid))
    return texts


def patient_search(ctx: Context) -> Figure:
    from store.read import patients as queries

    op, size = "patient search (search_patients)", f"{ctx.patients:,} patients"
    db = ctx.open()
    try:
        texts = search_texts(db, ctx.reps(2000, 500))
        rounds = ctx.reps(2, 1)
        measure_each([lambda t=t: queries.search_patients(db, t) for t in texts[:50]])  # warm
        mine = measure_each([lambda t=t: queries.search_patients(db, t) for t in texts],
                            rounds=rounds)
        raw = _raw_reference(ctx, texts, rounds)
    finally:
        db.close()
    bare = "bare psycopg" if str(ctx.db_path).startswith("postgresql://") else "bare apsw"
    return Figure(op, size, mine, target_ms=2, reference=f"same SQL, {bare}", ref_timing=raw,
                  note=f"{len(texts)} texts: name prefixes, 'last, f', birthdates, ids; "
                       f"limit {LIMIT}")


class _Percent:
    """psycopg's cursor taking the reference's ``?`` parameters, rows as a list."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql, params):
        from store.connection.postgres import statement  # the text only: ?N, :name -> %(..)s

        stmt = statement(sql)
        return self.cursor.execute(stmt.sql, stmt.params(params)).fetchall()


def _raw_reference(ctx: Context, texts: list[str], rounds: int) -> Timing:
    """The statements search_patients runs (`search_queries`), as plain SQL on a bare
    connection, stopping as it does once the list is full."""
    from store.read import patients as queries

    if str(ctx.db_path).startswith("postgresql://"):  # the same SQL on bare psycopg
        import psycopg
        conn = psycopg.connect(str(ctx.db_path), autocommit=True)
        cur = _Percent(conn.cursor())
    else:
        conn = apsw.Connection(str(ctx.db_path), flags=apsw.SQLITE_OPEN_READONLY)
        cur = conn.cursor()

    def run(text: str):
        out = []
        for sql, params in queries.search_queries(text, LIMIT):
            out += cur.execute(sql, params)
            if len(out) >= LIMIT:
                break
        return out

    try:
        measure_each([lambda t=t: run(t) for t in texts[:50]])
        return measure_each([lambda t=t: run(t) for t in texts], rounds=rounds)
    finally:
        conn.close()


def new_kinds(ctx: Context) -> Figure:
    """What issue 14 added to the search: first names, "last first" without the comma, names
    typed without accents or apostrophes, and phone numbers (digits, any formatting)."""
    from store.read import patients as queries

    op, size = "patient search, new kinds", f"{ctx.patients:,} patients"
    db = ctx.open()
    try:
        rng = random.Random(13)
        rows = db.execute_sql("SELECT last_name, first_name, phone FROM patient "
                              "WHERE phone IS NOT NULL ORDER BY id LIMIT 5000").fetchall()
        texts = []
        for _ in range(ctx.reps(2000, 500)):
            last, first, phone = rows[rng.randrange(len(rows))]
            texts.append(rng.choice((first[:rng.choice((2, 3, 5))], f"{last} {first[:2]}",
                                     phone, phone[-8:], f"{first} {last[:2]}")))
        measure_each([lambda t=t: queries.search_patients(db, t) for t in texts[:50]])
        mine = measure_each([lambda t=t: queries.search_patients(db, t) for t in texts])
    finally:
        db.close()
    return Figure(op, size, mine, target_ms=2, note=f"{len(texts)} texts: first names, "
                  "'last first' without the comma, 'first last', phones in full and local")


def find_patient_list(ctx: Context) -> list[Figure]:
    """What the Find patient screen shows per keystroke: the list it fetches (matches with
    their balances), then the whole keystroke-to-painted-results in the real app."""
    from .figures_tui import keystroke_to_results

    return [new_kinds(ctx), _find_list(ctx), keystroke_to_results(ctx)]


def _find_list(ctx: Context) -> Figure:
    op, size = "Find patient list + balances", f"{ctx.patients:,} patients"
    try:
        from store.desks.frontdesk import DbFrontDesk
    except ImportError as exc:
        return unavailable(op, size, f"store.desks.frontdesk: {exc}")
    db = ctx.open()
    try:
        desk = DbFrontDesk(db)
        texts = search_texts(db, ctx.reps(300, 60), seed=12)
        measure_each([lambda t=t: desk.search(t, LIMIT) for t in texts[:10]])
        mine = measure_each([lambda t=t: desk.search(t, LIMIT) for t in texts])
    finally:
        db.close()
    return Figure(op, size, mine, note=f"DbFrontDesk.search: {len(texts)} texts, up to {LIMIT} "
                                        "patients each with their balances (no target)")
