"""Backups and restore: a checked, consistent, private copy of the database, and putting one
back in place of the live database.

A backup is SQLite's online backup of the live database in one step (`copy_database`): the
database as of one moment, while desks keep posting. It is written to a temporary name beside
the target (0600), checked (`check_file`), and renamed into place only when whole and sound,
so a backup that exists is a complete one. A restore copies the backup beside the live
database, checks the copy the same way (migrating an older one), and swaps it in with one
rename while no desk has the database open; the replaced database is kept beside it as
``<name>.before-restore-<time>``. The daily backup writes ``<name>-<date>.db`` into a folder
once a day and keeps the newest N.

The check: SQLite's ``integrity_check``; the file is a DentLedger database of a schema this
program reads; the audit chain verifies (its head is reported; a chain that verifies from
its last ``audit_chain_resumed`` row on, the rows before it signed with a key that is not
here, goes ahead with a note saying how many rows cannot be checked); and the derived tables (claim
procedure estimates of completed work, ledger card lines, the carrier report's sums) agree
with a fresh re-computation for a random sample of families (or all of them), inside a
transaction that is rolled back, so the copy is never changed by its check.

The audit key (``<database>.key``, `store.audit.key_path`) is not in the database: a backup
copies it beside the backup (``<backup>.key``, 0600) and the chain is verified with it; a
restore uses the key beside the backup (a new machine), else the one beside the live database,
and puts it beside the restored database (the replaced key is kept as ``<kept>.key``).

May import: `store.connection`, `store.audit` (the chain), `store.family`, `store.derived`
(the re-computation), the rest of `store.db`.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from dataclasses import dataclass
from datetime import date, datetime

import peewee

from ..connection import (
    FILE_MODE, FOLDER_MODE, SIDE_FILES, Database, EngineError, StoreError, application_id,
    bind_list, copy_database, copy_database_file, describe_error, in_list, integrity_problems,
    is_postgres, make_self_contained, new_database, schema_version, sole_access,
    write_transaction,
)
from ..audit.chain import ChainCheck, read_key, verify_database
from ..family.ids import family_patient_ids
from .migrations import APPLICATION_ID, LATEST
from .opening import open_unbound

DEFAULT_FAMILIES = 200  # families re-computed by a check (None: every family)
DEFAULT_KEEP = 14       # daily backups kept


@dataclass(frozen=True)
class Checked:
    """What the check of a database file found sound."""
    schema: int
    audit_head: str | None  # the audit chain's head; None: no audit chain yet
    families: int           # families whose derived rows were re-computed and matched
    of_families: int        # families in the practice
    seconds: float
    audit_note: str | None = None  # rows the chain cannot check (signed with a lost key)


@dataclass(frozen=True)
class Written:
    """A backup or restore done: where, how big, what its check found, what was kept."""
    path: str
    size: int
    checked: Checked
    seconds: float
    kept: str | None = None  # restore: the replaced live database's copy


# --- backup -------------------------------------------------------------------------

# What PostgreSQL offers instead of a file copy (its database lives on the server).
POSTGRES_ADVICE = ("on PostgreSQL, back up with the server's tools (pg_dump -Fc -f FILE "
                   "DBNAME, restore with pg_restore), or copy the practice into a checked "
                   "SQLite file: dentledger copy URL FILE.db")


def refuse_postgres(what: str, path: str) -> None:
    """One clear sentence instead of a file operation on a PostgreSQL URL."""
    if is_postgres(path):
        raise StoreError(f"{what}: {POSTGRES_ADVICE}")


def backup(db: Database, target: str, *, families: int | None = DEFAULT_FAMILIES,
           seed: int | None = None) -> Written:
    """Write a checked copy of ``db`` to ``target`` (replacing a file there only when the
    new copy is whole and sound). ``seed`` fixes the families checked (the benchmark)."""
    refuse_postgres("backup", db.database)
    started = time.perf_counter()
    target = _target(target, db.database)
    temp = _temp_beside(target)
    try:
        copy_database(db, temp)
        _copy_key(key_file(db.database), key_file(temp))
        checked = check_file(temp, families=families, label=f"the copy of {db.database}",
                             seed=seed)
        _sync(temp)
        _move_key(key_file(temp), key_file(target))  # first: a backup is never without it
        os.replace(temp, target)
        _sync_folder(target)
    finally:
        _remove(temp)
    return Written(target, os.path.getsize(target), checked, time.perf_counter() - started)


def daily_path(db_path: str, folder: str, day: date) -> str:
    """``<folder>/<database name>-<YYYY-MM-DD>.db``."""
    return os.path.join(folder, f"{_stem(db_path)}-{day.isoformat()}.db")


def daily_backup(db: Database, folder: str, *, keep: int = DEFAULT_KEEP, day: date | None = None,
                 families: int | None = DEFAULT_FAMILIES) -> Written | None:
    """Today's backup into ``folder`` unless it is there already (None), then only the newest
    ``keep`` daily backups of this database are kept."""
    refuse_postgres("backup", db.database)
    if keep < 1:
        raise StoreError("keep at least 1 daily backup")
    folder = os.path.abspath(os.path.expanduser(folder))
    _private_folder(folder)
    target = daily_path(db.database, folder, day or date.today())
    if os.path.exists(target):
        return None
    written = backup(db, target, families=families)
    prune_daily(db.database, folder, keep)
    return written


def prune_daily(db_path: str, folder: str, keep: int) -> list[str]:
    """Remove all but the newest ``keep`` daily backups of this database; returns them."""
    pattern = re.compile(re.escape(_stem(db_path)) + r"-\d{4}-\d{2}-\d{2}\.db")
    names = sorted(n for n in os.listdir(folder) if pattern.fullmatch(n))
    gone = [os.path.join(folder, n) for n in names[:-keep]]
    for path in gone:
        os.remove(path)
        _unlink(key_file(path))
    return gone


def daily_setting(db: Database) -> tuple[str, int] | None:
    """The configured daily backup (folder, copies kept), or None."""
    rows = dict(db.execute_sql(
        "SELECT key, value FROM setting WHERE key IN ('backup.folder', 'backup.keep')"))
    if not rows.get("backup.folder"):
        return None
    return rows["backup.folder"], int(rows.get("backup.keep") or DEFAULT_KEEP)


# --- restore ------------------------------------------------------------------------

def restore(source: str, live: str, *, families: int | None = DEFAULT_FAMILIES,
            now: datetime | None = None) -> Written:
    """Replace the database at ``live`` by the checked backup ``source``; the database it
    replaces is kept as ``<live>.before-restore-<time>``. Refuses (nothing changed) when
    the backup does not check or another desk has the live database open."""
    refuse_postgres("restore", live)
    started = time.perf_counter()
    source, live = (os.path.abspath(os.path.expanduser(p)) for p in (source, live))
    if not os.path.isfile(source):
        raise StoreError(f"no backup file at {source}")
    if os.path.exists(live) and os.path.samefile(source, live):
        raise StoreError(f"{source} is the live database, not a backup of it")
    temp = _temp_beside(live)
    try:
        copy_database_file(source, temp)
        # the key that came with the backup (restoring on a new machine), else the live one
        for key in (key_file(source), key_file(live)):
            if os.path.exists(key):
                _copy_key(key, key_file(temp))
                break
        checked = check_file(temp, families=families, label=f"backup {source}")
        _sync(temp)
        kept = _swap_in(temp, live, now or datetime.now())
    finally:
        _remove(temp)
    return Written(live, os.path.getsize(live), checked, time.perf_counter() - started, kept)


def _swap_in(temp: str, live: str, now: datetime) -> str | None:
    """Rename ``temp`` over ``live`` (atomic), keeping the replaced file under a new name."""
    if not os.path.exists(live):
        _move_key(key_file(temp), key_file(live))
        os.replace(temp, live)
        _sync_folder(live)
        return None
    kept = f"{live}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}"
    with sole_access(live):  # refuses while a desk has it open; the log is folded in
        _keep(live, kept)
        if os.path.exists(key_file(live)):
            _keep(key_file(live), key_file(kept))  # the kept database keeps its key
        for side in SIDE_FILES:
            _unlink(live + side)  # never let a stale log be applied to the restored file
        _move_key(key_file(temp), key_file(live))
        os.replace(temp, live)
        _sync_folder(live)
    return kept


def _keep(live: str, kept: str) -> None:
    try:
        os.link(live, kept)  # the same file under a second name: instant, nothing copied
    except OSError:
        shutil.copyfile(live, kept)
        os.chmod(kept, FILE_MODE)


# --- the check ----------------------------------------------------------------------

def check_file(path: str, *, families: int | None = DEFAULT_FAMILIES,
               label: str | None = None, seed: int | None = None) -> Checked:
    """Check the database file at ``path`` (a fresh copy: an older schema is migrated in
    place) and leave it self-contained (no ``-wal``). Raises `StoreError` naming the first
    problem."""
    started = time.perf_counter()
    label = label or path
    _check_identity(path, label)
    db = open_unbound(path)
    try:
        problems = integrity_problems(db)
        if problems:
            raise StoreError(f"{label} is damaged: {problems[0]}")
        chain = verified_chain(db, label)
        checked, total = check_derived(db, families, seed=seed)
        make_self_contained(db)
    finally:
        db.close()
    return Checked(LATEST, _head(chain), checked, total, time.perf_counter() - started,
                   chain.note())


def _check_identity(path: str, label: str) -> None:
    """A DentLedger database of a schema this program reads (before anything migrates it:
    an empty SQLite file would otherwise become an empty practice)."""
    db = new_database(path)
    try:
        db.connect()
        version, app = schema_version(db), application_id(db)
    except (peewee.PeeweeException, EngineError) as exc:
        raise StoreError(describe_error(label, exc)) from None
    finally:
        db.close()
    if app != APPLICATION_ID or version < 1:
        raise StoreError(f"{label} is not a DentLedger database")
    if version > LATEST:
        raise StoreError(f"{label} has schema version {version}, newer than this DentLedger "
                         f"understands ({LATEST}): upgrade DentLedger")


def audit_chain_head(db: Database, label: str | None = None) -> str | None:
    """The audit chain's head (``row N <hash>``) once it verifies with the key beside ``db``
    (`verified_chain`); None while the log is empty."""
    return _head(verified_chain(db, label))


def verified_chain(db: Database, label: str | None = None) -> ChainCheck:
    """The audit chain checked with the key beside ``db``: every row verifies, or every row
    from the last ``audit_chain_resumed`` row on does and the rows before it that do not
    were signed with a key that is not here (`ChainCheck.note` says which; the backup goes
    ahead and its report says so). Raises `StoreError` naming the first bad row that no
    resume row explains, or the missing key."""
    label = label or db.database
    check = verify_database(db)
    if check.ok:
        return check
    if check.bad_row is None and check.rows == 0 and check.head_id is None and \
            not os.path.exists(key_file(db.database)):
        raise StoreError(f"{label} has an audit log but no audit key to verify it with: the "
                         "key is the file <database>.key beside the database; copy it beside "
                         "the backup as <backup>.key (if it is lost, the next change posted "
                         "makes a new key and resumes the chain, and backups go ahead)")
    raise StoreError(f"{label}: the audit chain does not verify: {check.problem}")


def _head(check: ChainCheck) -> str | None:
    return None if check.head_id is None else f"row {check.head_id} {check.head}"


def key_file(db_path: str) -> str:
    """Where a database file's audit key lives (the same place as `store.audit.key_path`)."""
    return db_path + ".key"


def _copy_key(source: str, target: str) -> None:
    """Copy an audit key (checked readable and whole first) to ``target``, 0600."""
    key = read_key(Path(source))
    if key is None:
        return
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
        out.flush()
        os.fsync(out.fileno())


def _move_key(temp_key: str, target_key: str) -> None:
    """Rename the checked copy's key beside ``target`` (none: no key beside it either)."""
    if os.path.exists(temp_key):
        os.replace(temp_key, target_key)
    else:
        _unlink(target_key)


def check_derived(db: Database, families: int | None = DEFAULT_FAMILIES, *,
                  seed: int | None = None) -> tuple[int, int]:
    """Re-compute a random sample of ``families`` (None: all) and compare their derived rows
    with the stored ones; also the practice's carrier sums with their patients' parts.
    Returns (families checked, families in the practice); raises `StoreError` on a mismatch.

    An estimate depends on the day it was made as of (outside benefits count in the benefit
    year "today" falls in), so a family whose plan renewed since its last posting is stored
    as of that posting's day: the re-computation is as of today, else as of one of the days
    the practice was estimated on (its ``as_of``, the days with audited changes, newest
    first). Rows that match no such day were not written by DentLedger's own arithmetic."""
    guarantors = [g for (g,) in db.execute_sql(
        "SELECT DISTINCT coalesce(guarantor_id, id) FROM patient ORDER BY 1")]
    pick = random.Random(seed) if seed is not None else random.SystemRandom()
    sample = guarantors if families is None or families >= len(guarantors) else \
        sorted(pick.sample(guarantors, families))
    days = _EstimateDays(db)
    with write_transaction(db) as txn:  # rolled back: the check never changes the file
        for guarantor in sample:
            if not _agrees(db, guarantor, days):
                raise StoreError(f"the derived rows of family {guarantor} (its estimates, ledger "
                                 f"lines or report sums) disagree with a fresh re-computation")
        _check_carrier_sums(db)
        txn.rollback()
    return len(sample), len(guarantors)


def _agrees(db: Database, guarantor: int, days: _EstimateDays) -> bool:
    from ..derived.estimates import reestimate_family

    members = family_patient_ids(db, guarantor)
    stored = _derived_rows(db, members)
    for day in days:
        with db.atomic() as attempt:  # a savepoint: each attempt starts from the stored rows
            reestimate_family(db, guarantor, as_of=day)
            same = _derived_rows(db, members) == stored
            attempt.rollback()
        if same:
            return True
    return False


class _EstimateDays:
    """Today, then (read when first needed) the practice's ``as_of`` and the newest days of
    the audit log: the days a family's stored estimates may have been made as of."""

    MOST = 60

    def __init__(self, db: Database):
        self.db = db
        self.earlier: list[date] | None = None

    def __iter__(self):
        today = date.today()
        yield today
        if self.earlier is None:
            self.earlier = [d for d in self._days() if d != today]
        yield from self.earlier

    def _days(self) -> list[date]:
        found: list[date] = []
        row = self.db.execute_sql("SELECT value FROM setting WHERE key = 'as_of'").fetchone()
        if row and row[0]:
            found.append(date.fromisoformat(row[0]))
        for (at,) in self.db.execute_sql("SELECT at FROM audit_log ORDER BY at DESC"):
            day = at.date() if isinstance(at, datetime) else date.fromisoformat(str(at)[:10])
            if day not in found:
                found.append(day)
                if len(found) >= self.MOST:
                    break
        return found


# The derived rows of a family, in a fixed order and without row ids (re-inserted rows get new
# ones). Estimates of completed work only: planned work is estimated as of "today", which
# moves. The explanation text is not money and is left out; so is a ledger line's ``k1`` (a
# procedure's rank, practice-wide after a bulk fill, family-wide after a posting: the lines'
# order is compared, not the rank's number).
_ESTIMATES = (
    "SELECT cp.procedure_id, cp.plan_id, cp.coverage_order, cp.status, cp.allowed_cents, "
    "cp.copay_cents, cp.percent, cp.deductible_est_cents, cp.base_est_cents, cp.ins_est_cents, "
    "cp.writeoff_est_cents, cp.writeoff_cents, cp.frozen FROM claim_proc cp "
    "JOIN procedure p ON p.id = cp.procedure_id "
    f"WHERE p.patient_id {in_list('?1')} AND p.status = 'complete' "
    "ORDER BY cp.procedure_id, cp.plan_id")
_LEDGER = ("SELECT patient_id, posted, priority, k2, k3, src_id, procedure_id, ref_no, "
           "billed_cents, paid_cents, adjust_cents, balance_cents, ins_owed_cents, aging_cents, "
           f"provider_id, code_id, units, plan_order FROM ledger_entry WHERE patient_id "
           f"{in_list('?1')} ORDER BY patient_id, posted, priority, k1, k2, k3")
_CARRIER = (f"SELECT * FROM patient_carrier_month WHERE patient_id {in_list('?1')} "
            "ORDER BY patient_id, carrier_id, month")
_MONEY = ("billed_cents", "ins_paid_cents", "pt_paid_cents", "written_off_cents",
          "outstanding_cents")


def _derived_rows(db: Database, members: list[int]) -> tuple:
    family = (bind_list(members),)
    return tuple(tuple(map(tuple, db.execute_sql(sql, family).fetchall()))
                 for sql in (_ESTIMATES, _LEDGER, _CARRIER))


def _check_carrier_sums(db: Database) -> None:
    """The carrier report's practice sums are the sums of the patients' parts."""
    money = ", ".join(_MONEY)
    stored = {(c, m): tuple(v) for c, m, *v in db.execute_sql(
        f"SELECT carrier_id, month, {money} FROM carrier_month") if any(v)}
    summed = {(c, m): tuple(v) for c, m, *v in db.execute_sql(
        f"SELECT carrier_id, month, {', '.join(f'sum({c})' for c in _MONEY)} "
        "FROM patient_carrier_month GROUP BY carrier_id, month") if any(v)}
    if stored != summed:
        bad = sorted(set(stored.items()) ^ set(summed.items()))[0][0]
        raise StoreError(f"the carrier report's sums for carrier {bad[0]} in {bad[1]} disagree "
                         f"with its patients' parts")


# --- files --------------------------------------------------------------------------

def _target(target: str, live: str) -> str:
    target = os.path.abspath(os.path.expanduser(target))
    if os.path.isdir(target):
        raise StoreError(f"{target} is a folder: name the backup file (or use --daily FOLDER)")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise StoreError(f"cannot write {target}: no folder {folder}")
    if os.path.exists(target) and os.path.exists(live) and os.path.samefile(target, live):
        raise StoreError(f"{target} is the live database: a backup goes to another file")
    return target


def _temp_beside(path: str) -> str:
    """A new empty 0600 file in ``path``'s folder (same file system: the rename is atomic)."""
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".partial",
                                dir=os.path.dirname(path))
    os.close(fd)
    return temp


def _private_folder(folder: str) -> None:
    os.makedirs(folder, mode=FOLDER_MODE, exist_ok=True)


def _stem(db_path: str) -> str:
    name = os.path.basename(db_path)
    return name[:-3] if name.endswith(".db") else name


def _sync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(path: str) -> None:
    """Make the rename itself durable."""
    try:
        fd = os.open(os.path.dirname(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    """A temporary copy and whatever SQLite left beside it (nothing, once renamed)."""
    for name in (path, key_file(path), *(path + side for side in SIDE_FILES)):
        _unlink(name)


def _unlink(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
