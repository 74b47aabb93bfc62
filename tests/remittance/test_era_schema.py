"""The ERA tables: a database of the previous schema version migrates to them."""
from __future__ import annotations

from store.connection import schema_version, set_schema_version, write_transaction
from store.db import open_database
from store.db.migrations import APPLICATION_ID, LATEST, add_era_tables, version_before

ERA_TABLES = ("era_file", "era", "era_claim", "era_provider_adjustment")


def schema(db) -> list:
    return sorted(db.execute_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
        "('era_file', 'era', 'era_claim', 'era_provider_adjustment', 'claim')").fetchall())


def test_a_database_of_the_previous_version_gets_the_era_tables(office_path):
    db = open_database(str(office_path))
    new = schema(db)
    with write_transaction(db):
        for table in reversed(ERA_TABLES):
            db.execute_sql(f'DROP TABLE "{table}"')
        db.execute_sql('DROP INDEX "claim_claim_no"')
        set_schema_version(db, version_before(add_era_tables), APPLICATION_ID)
    db.close()
    db = open_database(str(office_path))
    try:
        assert schema_version(db) == LATEST
        assert schema(db) == new
    finally:
        db.close()
