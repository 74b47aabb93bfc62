"""The PostgreSQL engine: the store's SQL in psycopg's dialect (pure, always run), and what a
PostgreSQL database answers that SQLite answers too (the [postgresql] run)."""
from __future__ import annotations

import pytest

from store.connection import StoreError, in_list, list_rows, pair_rows

postgres = pytest.importorskip("store.connection.postgres")


def test_parameters_become_psycopgs():
    assert postgres.translate("x = ? AND y = ?").sql == "x = %s AND y = %s"
    named = postgres.translate("x = :family AND y LIKE 'pref.%' AND z = '?'")
    assert named.sql == "x = %(family)s AND y LIKE 'pref.%%' AND z = '?'"
    numbered = postgres.translate("a = ?2 AND b = ?1 AND c = ?2")
    assert numbered.sql == "a = %(p2)s AND b = %(p1)s AND c = %(p2)s"
    assert numbered.params((10, 20)) == {"p1": 10, "p2": 20}


def test_is_null_of_a_parameter_gets_its_own_typed_copy():
    stmt = postgres.translate("(?3 IS NULL OR carrier_id = ?3)")
    assert stmt.sql == "(CAST(%(p3_null0)s AS TEXT) IS NULL OR carrier_id = %(p3)s)"
    assert stmt.params((1, 2, None))["p3_null0"] is None


def test_sqlite_fragments_and_hints_are_translated():
    sql = postgres.translate(f"SELECT 1 FROM t INDEXED BY i CROSS JOIN u ON u.id = t.id "
                             f"WHERE t.id {in_list('?1')} LIMIT -1 OFFSET 0").sql
    assert "INDEXED" not in sql and "CROSS JOIN" not in sql and "json_each" not in sql
    assert "= ANY(CAST(translate(" in sql and "LIMIT ALL" in sql  # IN a list: an array
    assert "<> ALL(" in postgres.translate(f"SELECT 1 WHERE 2 NOT {in_list('?1')}").sql
    assert "jsonb_each_text" in postgres.translate(pair_rows("?1")).sql
    assert "jsonb_array_elements_text" in postgres.translate(list_rows(":x")).sql
    # scalar max/min of several values; the aggregate stays
    assert postgres.translate("SELECT max(a, max(b)), min(c) FROM t").sql == \
        "SELECT greatest(a, max(b)), min(c) FROM t"


def test_a_password_never_reaches_a_message():
    assert postgres.safe_url("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"


def test_a_postgresql_database_reads_back_like_sqlite(engine, db):
    if engine != "postgresql":
        pytest.skip("the PostgreSQL run")
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('x', '1')")
    row = db.execute_sql("SELECT CAST('2026-01-02' AS DATE), TRUE, sum(x), 'x' "
                         "FROM (SELECT CAST(5 AS BIGINT) AS x) t").fetchone()
    assert row == ("2026-01-02", 1, 5, "x")


def test_a_missing_postgresql_database_is_one_line(engine, db):
    if engine != "postgresql":
        pytest.skip("the PostgreSQL run")
    from store.db import open_database
    url = db.database.split("?")[0].rsplit("/", 1)[0] + "/no_such_db?" + db.database.split("?")[1]
    with pytest.raises(StoreError, match="no_such_db"):
        open_database(postgres.safe_url(url))


def test_columns_a_migration_adds_have_the_models_types(engine, db):
    """Booleans added by ALTER TABLE are BOOLEAN on PostgreSQL (``NOT p.inactive`` works)."""
    if engine != "postgresql":
        pytest.skip("the PostgreSQL run")
    from store.connection import application_id, set_schema_version
    from store.db.migrations import add_patient_registration, migrate, version_before
    from store.read.patients import search_patients

    db.execute_sql("ALTER TABLE patient DROP COLUMN inactive")
    set_schema_version(db, version_before(add_patient_registration), application_id(db))
    migrate(db)
    kind = db.execute_sql("SELECT data_type FROM information_schema.columns WHERE "
                          "table_schema = current_schema() AND table_name = 'patient' "
                          "AND column_name = 'inactive'").fetchone()[0]
    assert kind == "boolean" and search_patients(db, "smith") == []
