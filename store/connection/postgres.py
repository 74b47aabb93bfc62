"""The PostgreSQL engine: the one module that knows the store can run on PostgreSQL (through
peewee's `PostgresqlDatabase` on psycopg 3). Imported only when a ``postgresql://`` URL is
opened, so a desk on SQLite never loads psycopg.

It offers the names `store.connection` lists, with the same behaviour as the SQLite engine:

- **The store's SQL, translated once per statement text.** The store writes standard SQL
  with SQLite's ``?`` / ``?1`` / ``:name`` parameters and binds a list of ids as one JSON
  parameter through the fragments of `store.connection.sqlite` (``json_each``); the
  `Database` rewrites both to psycopg's ``%s`` / ``%(name)s`` and ``jsonb`` functions, caching
  the result, so the rest of the store (SQL built at import time included) runs unchanged.
  Peewee's own queries are already in psycopg's style and pass through untouched.
- **The same values back.** Each connection reads dates and timestamps as ISO text, booleans
  as 0/1 and whole ``numeric`` sums as ``int``, as SQLite returns them; Python ints are sent
  untyped, so ``1`` / ``0`` still set a boolean column.
- **The same schema.** Integers are BIGINT (money stays integer cents; SQLite's integers are
  64-bit), text compares byte by byte (``COLLATE "C"``, SQLite's BINARY) whatever the
  database's locale, foreign keys are DEFERRABLE (an import may insert a row before the row it
  refers to), and ``WITHOUT ROWID`` is SQLite-only. The schema version and the application id
  live in a one-row table, `META_TABLE`.
- **Writers serialise per family.** `write_transaction` is a READ COMMITTED transaction; a
  posting takes a row lock on its family's guarantor (`lock_family`) before it reads the
  family, so two desks posting to one family take turns (as SQLite's ``BEGIN IMMEDIATE``
  makes every writer take turns) while desks on other families post at the same time.
  Practice-wide writers (migrations, import, set-up) take `lock_practice`.
- **Other desks see a commit.** Every write transaction sends ``NOTIFY``; `revision` counts the
  notifications the connection has received (PostgreSQL delivers them only on commit), the
  analogue of SQLite's ``data_version``.

May import: `store.connection.base` (peewee, psycopg).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

import peewee
import psycopg
from psycopg.adapt import Dumper, Loader

from .base import StoreError, driver_error

URL_SCHEMES = ("postgresql://", "postgres://")
META_TABLE = "dentledger_schema"
CHANNEL = "dentledger"
MIN_SERVER = 120000  # 12: MATERIALIZED common table expressions
LOCK_TIMEOUT = "30s"  # how long a posting waits for another desk's posting on the family
PRACTICE_LOCK = 0x44544C47  # advisory lock key of practice-wide writers ("DTLG")

# The driver's error base (peewee wraps most of them; what it does not wrap is caught here).
EngineError = psycopg.Error


def is_url(path: str | None) -> bool:
    return bool(path) and path.lower().startswith(URL_SCHEMES)


def safe_url(url: str) -> str:
    """The URL without its password (for messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# --- values as SQLite gives them ------------------------------------------------------

class _UntypedInt(Dumper):
    """An int parameter of unknown type: the server reads it as the column needs (a BIGINT,
    or a BOOLEAN from 1 / 0, as SQLite stores booleans)."""
    oid = 0

    def dump(self, obj):
        return str(int(obj)).encode()


class _Text(Loader):
    def load(self, data):
        return bytes(data).decode()


class _Bool(Loader):
    def load(self, data):
        return 1 if bytes(data) == b"t" else 0


class _Number(Loader):
    """``numeric`` (what sum() of BIGINT gives): an int when whole, as SQLite sums are."""
    def load(self, data):
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _adapt(conn) -> None:
    adapters = conn.adapters
    adapters.register_dumper(int, _UntypedInt)
    for name in ("date", "timestamp", "timestamptz", "time"):
        adapters.register_loader(name, _Text)
    adapters.register_loader("bool", _Bool)
    adapters.register_loader("numeric", _Number)


# --- the store's SQL in psycopg's dialect ------------------------------------------------

_JSON_LIST = re.compile(r"\(SELECT value FROM json_each\(([^()]+)\)\)")
_IN_JSON_LIST = re.compile(r"\b(NOT\s+)?IN\s+\(SELECT value FROM json_each\(([^()]+)\)\)")
_JSON_PAIRS = re.compile(r"SELECT CAST\(key AS INTEGER\), value FROM json_each\(([^()]+)\)")
_JSON_DATE_PAIRS = re.compile(
    r"SELECT CAST\(key AS INTEGER\), date\(value\) FROM json_each\(([^()]+)\)")
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?(\d*)|:([A-Za-z_]\w*)|%|::""")


# SQLite's planner hints: an index named for a table, and CROSS JOIN ... ON (join in this
# order), which PostgreSQL writes as a plain JOIN (its planner picks the order).
_INDEXED = re.compile(r"\s+(?:INDEXED BY \w+|NOT INDEXED)\b")
_CROSS_ON = re.compile(r"\bCROSS JOIN(\s+\w+(?:\s+(?:AS\s+)?(?!ON\b)\w+)?\s+ON)\b")


_MIN_MAX = re.compile(r"\b(max|min)\(", re.IGNORECASE)


def _scalar_min_max(sql: str) -> str:
    """SQLite's scalar ``max(a, b, ...)`` / ``min(...)`` (two or more arguments) as
    PostgreSQL's ``greatest`` / ``least``; the aggregate (one argument) stays."""
    out, position = [], 0
    for match in _MIN_MAX.finditer(sql):
        if match.start() < position:
            continue
        depth, commas, end = 1, 0, match.end()
        while end < len(sql) and depth:
            char = sql[end]
            if char == "'":
                end = sql.index("'", end + 1)
            depth += (char == "(") - (char == ")")
            commas += char == "," and depth == 1
            end += 1
        if commas:
            name = "greatest" if match.group(1).lower() == "max" else "least"
            out.append(sql[position:match.start()] + name + "(")
            position = match.end()
    return "".join(out) + sql[position:] if out else sql


def _fragments(sql: str) -> str:
    """SQLite's list fragments (`store.connection.sqlite.list_rows` / `pair_rows`) in jsonb,
    its scalar max/min, and its planner hints dropped."""
    sql = _CROSS_ON.sub(r"JOIN\1", _INDEXED.sub("", sql)).replace("LIMIT -1 ", "LIMIT ALL ")
    sql = _scalar_min_max(sql) if ("max(" in sql or "min(" in sql or "MAX(" in sql) else sql
    # IN a bound list: an array the planner sees the size of (an index scan per id), not a
    # set-returning function it guesses at 100 rows (a hash join over the whole table)
    sql = _IN_JSON_LIST.sub(
        lambda m: f"{'<> ALL' if m.group(1) else '= ANY'}"
                  f"(CAST(translate({m.group(2)}, '[]', '{{}}') AS BIGINT[]))", sql)
    sql = _JSON_LIST.sub(
        r"(SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(\1 AS jsonb)) "
        r"AS value)", sql)
    sql = _JSON_DATE_PAIRS.sub(
        r"SELECT CAST(key AS BIGINT), CAST(value AS DATE) FROM jsonb_each_text(CAST(\1 AS jsonb))",
        sql)
    return _JSON_PAIRS.sub(
        r"SELECT CAST(key AS BIGINT), CAST(value AS BIGINT) FROM jsonb_each_text(CAST(\1 AS jsonb))",
        sql)


class Statement:
    """One SQL text of the store, rewritten for psycopg. ``numbered``: the text has ``?N``
    (sent as ``%(pN)s``: params become a dict); ``aliases``: (copy, original) parameter names
    of a parameter tested with ``IS NULL``, sent again as its own untyped text parameter
    (PostgreSQL cannot type ``$1 IS NULL``, nor one parameter both as text and a number)."""
    __slots__ = ("sql", "numbered", "aliases")

    def __init__(self, sql: str, numbered: bool, aliases: tuple = ()):
        self.sql, self.numbered, self.aliases = sql, numbered, aliases

    def params(self, params):
        if params is None:
            params = ()
        if self.numbered and not isinstance(params, dict):
            params = {f"p{i}": value for i, value in enumerate(params, 1)}
        if self.aliases:
            params = dict(params)
            for copy, original in self.aliases:
                params[copy] = params[original]
        return params


_IS_NULL = re.compile(r"\s+IS\s+(?:NOT\s+)?NULL\b", re.IGNORECASE)


def translate(sql: str) -> Statement:
    sql = _fragments(sql)
    out, numbered, last, aliases = [], False, 0, []
    position = 0
    for match in _TOKEN.finditer(sql):
        text = match.group(0)
        out.append(sql[position:match.start()])
        position = match.end()
        if text == "%":
            out.append("%%")
            continue
        if text.startswith("?"):
            if match.group(1):
                numbered, last = True, max(last, int(match.group(1)))
                name = f"p{int(match.group(1))}"
            else:
                last += 1
                name = f"p{last}" if numbered else None
        elif text.startswith(":") and match.group(2):
            name = match.group(2)
        else:  # a literal, quoted name or comment: kept, its % doubled for psycopg
            out.append(text.replace("%", "%%"))
            continue
        placeholder = "%s" if name is None else f"%({name})s"
        if _IS_NULL.match(sql, position):
            if name is not None:
                copy = f"{name}_null{len(aliases)}"
                aliases.append((copy, name))
                placeholder = f"%({copy})s"
            placeholder = f"CAST({placeholder} AS TEXT)"
        out.append(placeholder)
    out.append(sql[position:])
    text = "".join(out)
    if numbered and "%s" in text:  # a plain ? before the first ?N: number them all
        return translate(_number_all(sql))
    return Statement(text, numbered, tuple(aliases))


def _number_all(sql: str) -> str:
    count = 0

    def number(match):
        nonlocal count
        if match.group(0) == "?":
            count += 1
            return f"?{count}"
        if match.group(1):
            count = max(count, int(match.group(1)))
        return match.group(0)
    return re.sub(r"\?(\d*)", number, sql)


_CACHE: dict[str, Statement] = {}
_CACHE_LOCK = threading.Lock()


def statement(sql: str) -> Statement:
    found = _CACHE.get(sql)
    if found is None:
        found = translate(sql)
        with _CACHE_LOCK:
            if len(_CACHE) > 4096:
                _CACHE.clear()
            _CACHE[sql] = found
    return found


def _native(sql: str) -> bool:
    """Peewee's own SQL (already ``%s``) passes through."""
    return "%s" in sql or "%(" in sql


class Cursor:
    """psycopg's cursor taking the store's SQL (`translate`); rows as tuples."""

    def __init__(self, cursor, db):
        self._cursor, self._db = cursor, db

    def execute(self, sql, params=None):
        with peewee.__exception_wrapper__:
            if _native(sql):
                self._cursor.execute(sql, params or None)
            else:
                stmt = statement(sql)
                self._cursor.execute(stmt.sql, stmt.params(params))
        self._db._state.rowcount = self._cursor.rowcount
        return self

    def executemany(self, sql, rows):
        stmt = statement(sql)
        with peewee.__exception_wrapper__:
            self._cursor.executemany(stmt.sql, [stmt.params(r) for r in rows])
        self._db._state.rowcount = self._cursor.rowcount
        return self

    def fetchone(self):
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self):
        return self._cursor.fetchall() if self._cursor.description else []

    def fetchmany(self, size=None):
        return self._cursor.fetchmany(size) if self._cursor.description else []

    def __iter__(self):
        return iter(self._cursor) if self._cursor.description else iter(())

    def __getattr__(self, name):  # description, rowcount, close, ...
        return getattr(self._cursor, name)


# --- the database ---------------------------------------------------------------------

class Database(peewee.PostgresqlDatabase):
    """A DentLedger database on PostgreSQL (``database`` is the URL)."""
    field_types = {
        **peewee.PostgresqlDatabase.field_types,
        "AUTO": "BIGSERIAL", "BIGAUTO": "BIGSERIAL", "INT": "BIGINT", "SMALLINT": "BIGINT",
        "TEXT": 'TEXT COLLATE "C"', "CHAR": 'TEXT COLLATE "C"', "VARCHAR": 'TEXT COLLATE "C"',
    }

    def __init__(self, url: str, **kwargs):
        kwargs.setdefault("prefer_psycopg3", True)
        kwargs.setdefault("application_name", "dentledger")
        super().__init__(url, **kwargs)
        self.engine = sys.modules[__name__]

    def _connect(self):
        conn = super()._connect()
        _adapt(conn)
        with conn.cursor() as cur:
            cur.execute("SET DateStyle = ISO, YMD")
            cur.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        conn._dentledger_notified = 0

        def heard(_notify, conn=conn):
            conn._dentledger_notified += 1
        conn.add_notify_handler(heard)
        return conn

    def cursor(self, *args, **kwargs):
        return Cursor(super().cursor(*args, **kwargs), self)

    def execute(self, query, **context_options):
        ctx = self.get_sql_context(**context_options)
        sql, params = ctx.sql(query).query()
        cursor = self.cursor()
        with peewee.__exception_wrapper__:
            cursor._cursor.execute(sql, params or None)
        self._state.rowcount = cursor._cursor.rowcount
        return cursor

    def last_insert_id(self, cursor, query_type=None):
        if query_type is None:  # a raw INSERT without RETURNING
            return self.execute_sql("SELECT lastval()").fetchone()[0]
        if isinstance(cursor, Cursor):
            cursor = cursor._cursor
        return super().last_insert_id(cursor, query_type)

    def rows_affected(self, cursor):
        return getattr(cursor, "rowcount", -1)

    def create_tables(self, models, **options):
        """SQLite's ``WITHOUT ROWID`` has no meaning here; foreign keys are deferrable."""
        saved = [(m, m._meta.without_rowid) for m in models]
        fields = [f for m in models for f in m._meta.refs]
        deferrable = [(f, f.deferrable) for f in fields]
        try:
            for model, _ in saved:
                model._meta.without_rowid = False
            for field, _ in deferrable:
                field.deferrable = "INITIALLY IMMEDIATE"
            super().create_tables(models, **options)
        finally:
            for model, value in saved:
                model._meta.without_rowid = value
            for field, value in deferrable:
                field.deferrable = value


def new_database(url: str) -> Database:
    return Database(url)


def check_version(db: Database) -> None:
    version = db.connection().pgconn.server_version
    if version < MIN_SERVER:
        raise StoreError(f"PostgreSQL {version // 10000} is too old; DentLedger needs "
                         f"{MIN_SERVER // 10000} or newer")


def refresh_statistics(db: Database) -> None:
    """Autovacuum keeps the planner's statistics; a bulk load runs ANALYZE itself."""


def checkpoint(db: Database) -> None:
    """The server checkpoints by itself."""


# --- transactions and locks -----------------------------------------------------------------

class _WriteTransaction:
    def __init__(self, db: Database):
        self.db = db
        self.atomic = db.atomic()

    def __enter__(self):
        outer = self.db.transaction_depth() == 0
        txn = self.atomic.__enter__()
        if outer:
            self.db.execute_sql(f"NOTIFY {CHANNEL}")
        return txn

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def write_transaction(db: Database) -> AbstractContextManager:
    """One write transaction (READ COMMITTED; it tells the other desks when it commits);
    nested calls become savepoints. Writers of one family serialise through `lock_family`."""
    return _WriteTransaction(db)


def lock_family(db: Database, patient_id: int) -> None:
    """Wait for (then hold until commit) the row lock on ``patient_id``'s family's guarantor."""
    db.execute_sql(
        "SELECT g.id FROM patient p JOIN patient g ON g.id = coalesce(p.guarantor_id, p.id) "
        "WHERE p.id = ? FOR UPDATE OF g", (patient_id,))


def lock_practice(db: Database) -> None:
    """Wait for (then hold until commit) the practice-wide writer lock (migrations, the audit
    chain's head)."""
    db.execute_sql("SELECT pg_advisory_xact_lock(?)", (PRACTICE_LOCK,))


class waiting_at_most:
    """Wait at most ``ms`` milliseconds for another desk's lock inside the block (instead of
    `LOCK_TIMEOUT`): a write that may be retried later must not hold up the desk."""

    def __init__(self, db: Database, ms: int) -> None:
        self.db, self.ms = db, int(ms)

    def __enter__(self):
        self.db.execute_sql(f"SET lock_timeout = '{max(self.ms, 1)}ms'")
        return self

    def __exit__(self, *exc):
        try:
            self.db.execute_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        except peewee.PeeweeException:
            pass  # the transaction failed: the next one starts with the session's setting
        return False


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error under it) is another desk holding the lock."""
    return isinstance(root_error(exc), (psycopg.errors.LockNotAvailable,
                                        psycopg.errors.DeadlockDetected))


def check_same_file(db: Database) -> None:
    """Nothing to check: the server holds the database (no file to be replaced under us)."""


def refresh_statistics_if_free(db: Database) -> bool:
    """Autovacuum keeps the statistics: nothing to do."""
    return True


# --- an append-only table (the audit log) ---------------------------------------------------

_APPEND_ONLY = "dentledger_append_only"


def protect_table(db: Database, table: str) -> None:
    """Make ``table`` append-only: triggers refuse every UPDATE, DELETE and TRUNCATE (PL/pgSQL,
    the same message as SQLite's)."""
    db.execute_sql(
        f"CREATE OR REPLACE FUNCTION {_APPEND_ONLY}() RETURNS trigger LANGUAGE plpgsql AS $f$ "
        "BEGIN RAISE EXCEPTION '% is append-only: its rows cannot be changed or deleted', "
        "TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $f$")
    for op, level in (("update", "ROW"), ("delete", "ROW"), ("truncate", "STATEMENT")):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_no_{op}" ON "{table}"')
        db.execute_sql(f'CREATE TRIGGER "{table}_no_{op}" BEFORE {op.upper()} ON "{table}" '
                       f"FOR EACH {level} EXECUTE FUNCTION {_APPEND_ONLY}()")


def unprotect_table(db: Database, table: str) -> None:
    """Drop `protect_table`'s triggers (a migration that must fill a new column first)."""
    for op in ("update", "delete", "truncate"):
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_no_{op}" ON "{table}"')


def trigger_names(db: Database, table: str) -> set[str]:
    """The triggers on ``table`` in this schema."""
    return {name for (name,) in db.execute_sql(
        "SELECT t.tgname FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal "
        "AND t.tgrelid = to_regclass(?)", (f'"{table}"',))}


def json_rows(db: Database, table: str, columns: str, after: int) -> None:
    """None: PostgreSQL's JSON text is not Python's compact encoding (the audit chain encodes
    each row itself; see `store.connection.sqlite.json_rows`)."""
    return None


def audit_key_path(db: Database) -> str:
    """Where the audit log's key is kept: never in the database (a copy of the database alone
    cannot be re-chained). ``DENTLEDGER_AUDIT_KEY`` names the file (every desk of a group
    points at the same one, e.g. in the office's shared folder); else one file per server,
    database and schema in the user's data folder."""
    named = os.environ.get("DENTLEDGER_AUDIT_KEY")
    if named:
        return os.path.expanduser(named)
    import platformdirs

    digest = hashlib.sha256(safe_url(db.database).encode()).hexdigest()[:16]
    return os.path.join(platformdirs.user_data_dir("dentledger"), "keys", f"pg-{digest}.key")


# --- the file (SQLite's): PostgreSQL is backed up with its own tools --------------------------

def copy_database(db: Database, target: str) -> None:
    """Refused: `store.db.backup` says what to use instead (pg_dump, or dentledger copy)."""
    raise StoreError("a PostgreSQL database is not copied to a file here: use pg_dump")


def integrity_problems(db: Database, limit: int = 10) -> list[str]:
    """The server checks its pages itself (checksums, WAL): nothing to report here."""
    return []


def make_self_contained(db: Database) -> None:
    """Nothing to fold in: the database is the server's."""


# --- describing errors ---------------------------------------------------------------------

def describe_error(path: str, exc: BaseException) -> str:
    root = root_error(exc) or exc
    text = str(root).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(root, psycopg.errors.LockNotAvailable):
        first = "another desk is posting to this family; try again"
    elif isinstance(root, psycopg.errors.DeadlockDetected):
        first = "two desks were posting to the same families at once; try again"
    return f"database {safe_url(path)}: {first}"


def root_error(exc: BaseException | None) -> BaseException | None:
    """The psycopg error under peewee's wrapper (`base.driver_error`)."""
    return driver_error(exc, psycopg.Error)


# --- schema version and identity ------------------------------------------------------------

def _meta(db: Database):
    if not db.execute_sql("SELECT to_regclass(?)", (META_TABLE,)).fetchone()[0]:
        return None
    return db.execute_sql(f"SELECT version, application_id FROM {META_TABLE}").fetchone()


def schema_version(db: Database) -> int:
    row = _meta(db)
    return int(row[0]) if row else 0


def application_id(db: Database) -> int:
    row = _meta(db)
    return int(row[1]) if row else 0


def set_schema_version(db: Database, version: int, application_id: int) -> None:
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (one INTEGER PRIMARY KEY "
                   "CHECK (one = 1), version INTEGER NOT NULL, application_id BIGINT NOT NULL)")
    db.execute_sql(f"INSERT INTO {META_TABLE} (one, version, application_id) VALUES (1, ?, ?) "
                   "ON CONFLICT (one) DO UPDATE SET version = excluded.version, "
                   "application_id = excluded.application_id", (version, application_id))


def table_count(db: Database) -> int:
    return db.execute_sql(
        "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
        "AND tablename != ?", (META_TABLE,)).fetchone()[0]


def column_names(db: Database, table: str) -> set[str]:
    return {row[0] for row in db.execute_sql(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?", (table,))}


# --- what queries and writers ask of the connection --------------------------------------

def revision(db: Database) -> int:
    """Moves when this or another connection commits a write (``NOTIFY`` at every write
    transaction, delivered on commit): the notifications this connection has heard."""
    conn = db.connection()
    if not getattr(conn, "_dentledger_listening", False):
        db.execute_sql(f"LISTEN {CHANNEL}")
        conn._dentledger_listening = True
    db.execute_sql("SELECT 1")  # a round trip delivers what has arrived
    return conn._dentledger_notified


def changes(db: Database) -> int:
    return getattr(db._state, "rowcount", 0)


def last_row_id(db: Database) -> int:
    return db.execute_sql("SELECT lastval()").fetchone()[0]


def executemany(db: Database, sql: str, rows: Iterable[tuple]) -> None:
    db.cursor().executemany(sql, list(rows))


def defer_foreign_keys(db: Database) -> None:
    db.execute_sql("SET CONSTRAINTS ALL DEFERRED")


def bind_list(values) -> str:
    return json.dumps(values)


# --- bulk loading -------------------------------------------------------------------------

@contextmanager
def bulk_load(db: Database, *, durable: bool = False):
    """Around the loading transaction: its commit does not wait for the log flush (it is
    all or nothing either way) unless ``durable`` (an import into an office's database); the
    planner's statistics are refreshed afterwards."""
    if not durable:
        db.execute_sql("SET synchronous_commit = off")
    try:
        yield
    finally:
        if not durable:
            db.execute_sql("RESET synchronous_commit")
    analyze(db)


def check_foreign_keys(db: Database) -> None:
    """Nothing to check here: the loading transaction's constraints are deferred, and its
    commit checks them (`defer_foreign_keys`)."""


def analyze(db: Database) -> None:
    """Refresh the planner's statistics of this schema's tables (not the whole database)."""
    for (table,) in db.execute_sql("SELECT tablename FROM pg_catalog.pg_tables "
                                   "WHERE schemaname = current_schema()").fetchall():
        db.execute_sql(f'ANALYZE "{table}"')


class indexes_dropped:
    """Drop the tables' plain (not constraint) indexes for the load, build them at the end."""

    def __init__(self, db: Database, tables):
        self.db = db
        self.indexes = db.execute_sql(
            "SELECT i.indexname, i.indexdef FROM pg_catalog.pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(?) AND NOT EXISTS "
            "(SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conname = i.indexname)",
            (list(tables),)).fetchall()

    def __enter__(self):
        for name, _ in self.indexes:
            self.db.execute_sql(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind, *exc):
        if kind is None:
            # deferred foreign key checks run now: an index cannot be built over pending ones
            self.db.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")
            for _, sql in self.indexes:
                self.db.execute_sql(sql)
        return False


# --- a schema of one's own (scenario checks, tests) ---------------------------------------

def with_schema(url: str, schema: str) -> str:
    """``url`` opening ``schema`` of its database (libpq's ``options=-c search_path=...``)."""
    from urllib.parse import parse_qsl, urlencode

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
    query.append(("options", f"-c search_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=_quote)))


def _quote(text, safe="", encoding=None, errors=None):
    from urllib.parse import quote
    return quote(text, safe="/", encoding=encoding, errors=errors)


@contextmanager
def scratch_schema(url: str, prefix: str = "dentledger_scratch"):
    """A new empty schema in ``url``'s database for the block (dropped afterwards): yields
    the URL that opens it. The practice in the database's own schema is never touched."""
    import os
    import uuid

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield with_schema(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


# --- copying a practice between databases (`store.db.copying`) ------------------------------

def load_rows(db: Database, table: str, columns: list[str], rows) -> None:
    """Insert ``rows`` into ``table`` with COPY (the fast path of a bulk load)."""
    names = ", ".join(f'"{c}"' for c in columns)
    with peewee.__exception_wrapper__:
        with db.connection().cursor() as cur:
            with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)


def reset_ids(db: Database, tables) -> None:
    """Each table's id sequence continues after the largest id copied in."""
    for table in tables:
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce(max(id), 0) + 1, false) "
            f'FROM "{table}"', (table,))


def snapshot(db: Database) -> AbstractContextManager:
    """A read transaction: every read inside sees the database as of its first read."""
    return db.atomic(isolation_level="REPEATABLE READ")
