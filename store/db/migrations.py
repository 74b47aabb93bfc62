"""Schema versions, kept in the file (SQLite: ``PRAGMA user_version``).

``MIGRATIONS[i]`` brings a database from version ``i`` to ``i + 1``; a release
that changes the schema changes the models *and* appends a migration that
alters a database of the previous version. A new (version 0, empty) database is
created straight from the current models and stamped with the latest version,
so the later migrations only ever run on databases that need them.
"""
from __future__ import annotations

from ..connection import (
    Database, StoreError, application_id, column_names, executemany, lock_practice,
    protect_table, schema_version, set_schema_version, table_count, unprotect_table,
    write_transaction,
)

APPLICATION_ID = 0x44544C47  # "DTLG" in the file header: this is a DentLedger file


def create_schema(db: Database) -> None:
    """Version 1: every table and index of `store.models`."""
    from ..models import MODELS  # only a new database needs them

    with db.bind_ctx(MODELS):
        db.create_tables(MODELS)


# Version 2 indexes, as created by `store.models.REPORT_INDEXES` on a new database.
REPORT_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "report_claim_payment_date" ON "claim_payment" '
    '("date", "carrier_id")',
    'CREATE INDEX IF NOT EXISTS "report_claim_payment_line_money" ON "claim_payment_line" '
    '("payment_id", "claim_proc_id", "paid_cents", "writeoff_cents")',
    'CREATE INDEX IF NOT EXISTS "report_claim_date" ON "claim" ("date", "plan_id", "status")',
    'CREATE INDEX IF NOT EXISTS "report_claim_proc_claim" ON "claim_proc" '
    '("claim_id", "procedure_id", "status", "ins_est_cents")',
    'CREATE INDEX IF NOT EXISTS "report_claim_proc_money" ON "claim_proc" '
    '("procedure_id", "status", "no_bill", "paid_cents", "writeoff_cents", '
    '"writeoff_est_cents", "ins_est_cents")',
    'CREATE INDEX IF NOT EXISTS "report_claim_proc_capitation" ON "claim_proc" '
    '("plan_id", "procedure_id", "writeoff_cents", "writeoff_est_cents") '
    "WHERE (\"status\" = 'cap_complete')",
    'CREATE INDEX IF NOT EXISTS "report_procedure_date" ON "procedure" ("date")',
    'CREATE INDEX IF NOT EXISTS "report_patient_payment_date" ON "patient_payment" '
    '("date", "patient_id", "amount_cents")',
    'CREATE INDEX IF NOT EXISTS "report_adjustment_date" ON "adjustment" ("date")',
)


def add_report_indexes(db: Database) -> None:
    """Version 2: the indexes the office reports read by (store/reports/)."""
    for sql in REPORT_INDEX_SQL:
        db.execute_sql(sql)


def add_ledger_entries(db: Database) -> None:
    """Version 3: the ledger card's lines (`models.LedgerEntry`), filled from the postings."""
    from ..derived import ledger_entries
    from ..models import LedgerEntry

    with db.bind_ctx([LedgerEntry]):
        db.create_tables([LedgerEntry])
    ledger_entries.rebuild_all(db)


def add_carrier_months(db: Database) -> None:
    """Version 4: the per-carrier report's monthly sums (`store.derived.report_summary`), filled from
    the postings."""
    from ..derived import report_summary
    from ..models import CarrierMonth, PatientCarrierMonth

    with db.bind_ctx([PatientCarrierMonth, CarrierMonth]):
        db.create_tables([PatientCarrierMonth, CarrierMonth])
    report_summary.rebuild_all(db)


def add_coverage_dates(db: Database) -> None:
    """Version 5: a coverage's ``effective`` and ``terminated`` days (NULL: no limit on that
    side), and a completed capitation line's posted write-off kept as its actual write-off."""
    columns = column_names(db, "patient_coverage")
    for name in ("effective", "terminated"):
        if name not in columns:
            db.execute_sql(f'ALTER TABLE "patient_coverage" ADD COLUMN "{name}" DATE')
    db.execute_sql("UPDATE claim_proc SET writeoff_cents = writeoff_est_cents "
                   "WHERE status = 'cap_complete' AND writeoff_cents = 0")


def add_era_tables(db: Database) -> None:
    """Version 6: imported ERAs (`models.ERA_MODELS`: the file, each payment, its claims and
    provider adjustments) and the index the ERA finds claims by (``claim.claim_no``)."""
    from ..models import ERA_MODELS

    with db.bind_ctx(ERA_MODELS):
        db.create_tables(ERA_MODELS)
    db.execute_sql('CREATE INDEX IF NOT EXISTS "claim_claim_no" ON "claim" ("claim_no")')


def add_original_split_and_applied_credits(db: Database) -> None:
    """Version 7 (issue 11): the split estimated when work was posted (`Procedure.orig_charge_cents`,
    `ClaimProc.orig_*`: the card's Original group), and unapplied patient money shown on the
    lines (`models.AppliedCredit`, which the carrier report's "Pt paid" also reads).

    Work posted before this version has no record of its estimate at posting; the best
    information is the estimate stored now: a received line keeps the estimate frozen when
    its check was entered (before payment), an open line its current estimate."""
    from ..derived import applied_credits, estimates, report_summary
    from ..models import AppliedCredit

    for table, names in (("procedure", ("orig_charge_cents",)),
                         ("claim_proc", ("orig_ins_est_cents", "orig_writeoff_est_cents"))):
        columns = column_names(db, table)
        for name in names:
            if name not in columns:
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" INTEGER')
    with db.bind_ctx([AppliedCredit]):
        db.create_tables([AppliedCredit])  # safe: the models' own DDL, if it is not there
    estimates.freeze_originals(db)
    applied_credits.rebuild_all(db)
    report_summary.rebuild_all(db)  # "Pt paid" now follows the work each payment paid


# Version 8 columns (name -> SQL type and default), as `store.models` declares them.
USER_COLUMNS = {"role": "TEXT NOT NULL DEFAULT 'frontdesk'",
                "disabled": "BOOLEAN NOT NULL DEFAULT FALSE", "password_hash": "TEXT",
                "created": "TIMESTAMP"}  # DATETIME to SQLite, a type PostgreSQL knows
AUDIT_COLUMNS = {"os_user": "TEXT", "ssh_origin": "TEXT", "patient_id": "INTEGER",
                 "hash": "TEXT"}
AUDIT_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "audit_log_patient_id_id" ON "audit_log" ("patient_id", "id")',
    'CREATE INDEX IF NOT EXISTS "audit_log_user_id" ON "audit_log" ("user", "id")',
)


def add_users_and_audit_chain(db: Database) -> None:
    """Version 8: users with a role, SSH keys and a password hash; audit rows with the OS
    account, SSH origin, patient and chain hash. Existing audit rows are chained (the key
    file is created beside the database), then the table is made append-only."""
    from ..audit.chain import chain_existing_rows
    from ..models import SshKey

    _add_columns(db, "user", USER_COLUMNS)
    _add_columns(db, "audit_log", AUDIT_COLUMNS)
    for sql in AUDIT_INDEX_SQL:
        db.execute_sql(sql)
    with db.bind_ctx([SshKey]):
        db.create_tables([SshKey])
    unprotect_table(db, "audit_log")  # a file stamped older than it is may have them already
    chain_existing_rows(db)
    protect_table(db, "audit_log")


def _add_columns(db: Database, table: str, columns: dict[str, str]) -> None:
    have = column_names(db, table)
    for name, kind in columns.items():
        if name not in have:
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')


# Version 9 columns of `models.Patient` (registration at the desk), as a new database has them.
REGISTRATION_COLUMNS = (
    ("middle_name", "TEXT"), ("preferred_name", "TEXT"), ("gender", "TEXT"),
    ("address1", "TEXT"), ("address2", "TEXT"), ("city", "TEXT"), ("state", "TEXT"),
    ("zip", "TEXT"), ("mobile_phone", "TEXT"), ("work_phone", "TEXT"), ("email", "TEXT"),
    ("chart_no", "TEXT"), ("provider_id", 'INTEGER REFERENCES "provider" ("id")'),
    ("inactive", "BOOLEAN NOT NULL DEFAULT FALSE"), ("name_search", "TEXT NOT NULL DEFAULT ''"),
    ("first_search", "TEXT NOT NULL DEFAULT ''"),
)


def add_patient_registration(db: Database) -> None:
    """Version 9: what the desk registers about a patient (`models.Patient`), a coverage's
    ``relationship`` to the subscriber, and Find patient's folded name keys and phone index
    (`models.PatientPhone`), filled from the names and phones already stored."""
    from ..family.ids import name_search_keys, phone_keys
    from ..models import PatientPhone

    columns = column_names(db, "patient")
    for name, kind in REGISTRATION_COLUMNS:
        if name not in columns:
            db.execute_sql(f'ALTER TABLE "patient" ADD COLUMN "{name}" {kind}')
    if "relationship" not in column_names(db, "patient_coverage"):
        db.execute_sql('ALTER TABLE "patient_coverage" ADD COLUMN "relationship" TEXT')
    for sql in ('CREATE UNIQUE INDEX IF NOT EXISTS "patient_chart_no" ON "patient" ("chart_no")',
                'CREATE INDEX IF NOT EXISTS "patient_name_search_id" ON "patient" '
                '("name_search", "id")',
                'CREATE INDEX IF NOT EXISTS "patient_first_search_id" ON "patient" '
                '("first_search", "id")'):
        db.execute_sql(sql)
    with db.bind_ctx([PatientPhone]):
        db.create_tables([PatientPhone], safe=True)
    rows = db.execute_sql("SELECT id, last_name, first_name, middle_name, phone, mobile_phone, "
                          "work_phone FROM patient").fetchall()
    executemany(db, "UPDATE patient SET name_search = ?, first_search = ? WHERE id = ?",
                [(*name_search_keys(last, first, middle), i)
                 for i, last, first, middle, *_ in rows])
    executemany(db, "INSERT INTO patient_phone (digits, patient_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                [(key, i) for i, *_, home, mobile, work in rows
                 for key in phone_keys(home, mobile, work)])


PATIENT_ADDRESS = ("address1", "address2", "city", "state", "zip")


def add_statements(db: Database) -> None:
    """Version 10: statements sent (`models.Statement`) and the patients' postal address. Each
    address column is added only when missing: patient registration (version 9) adds them."""
    from ..models import Statement

    columns = column_names(db, "patient")
    for name in PATIENT_ADDRESS:
        if name not in columns:
            db.execute_sql(f'ALTER TABLE "patient" ADD COLUMN "{name}" TEXT')
    with db.bind_ctx([Statement]):
        db.create_tables([Statement])  # no statement yet: the ledger lines stay as they are


MIGRATIONS = [create_schema, add_report_indexes, add_ledger_entries, add_carrier_months,
              add_coverage_dates, add_era_tables, add_original_split_and_applied_credits,
              add_users_and_audit_chain, add_patient_registration, add_statements]
LATEST = len(MIGRATIONS)


def version_before(step) -> int:
    """The schema version a database has just before ``step`` runs (tests build such a database
    by undoing what ``step`` adds; every later step is safe to run on a database that has it)."""
    return MIGRATIONS.index(step)


def migrate(db: Database) -> int:
    """Bring ``db`` to `LATEST`; refuse a newer schema or someone else's database."""
    current = schema_version(db)
    _check_supported(db, current)
    if current == LATEST:
        return current
    with write_transaction(db):
        lock_practice(db)  # PostgreSQL: one workstation migrates, the others wait
        current = schema_version(db)  # another workstation may have just migrated it
        _check_supported(db, current)
        if current == 0:
            _check_empty(db)
            create_schema(db)
            protect_table(db, "audit_log")  # triggers: the models cannot declare them
        else:
            for step in MIGRATIONS[current:]:
                step(db)
        set_schema_version(db, LATEST, APPLICATION_ID)
    return LATEST


def _check_supported(db: Database, version: int) -> None:
    if version > LATEST:
        raise StoreError(f"database {db.database} has schema version {version}, newer than "
                         f"this DentLedger understands ({LATEST}): upgrade DentLedger")
    app_id = application_id(db)
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"database {db.database} belongs to another program "
                         f"(application id {app_id:#x})")


def _check_empty(db: Database) -> None:
    """A version-0 file must be empty: never add our tables to another program's database."""
    if table_count(db):
        raise StoreError(f"database {db.database} is a SQLite database but not a DentLedger one")
