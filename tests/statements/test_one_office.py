"""One office identity: the treatment plan and the statements print the office from the same
`office.*` settings, read by one function (`store.read.statements.office`)."""
from __future__ import annotations

from cli.main import main
from store.read import treatment_plan


def test_the_plan_and_the_statement_print_the_same_office(demo_db, capsys):
    assert not hasattr(treatment_plan, "office_party")  # one reader of the office settings
    demo_db.execute_sql("UPDATE setting SET value = 'Lakeside Dental' WHERE key = 'office.name'")
    patient = demo_db.execute_sql("SELECT file_id FROM patient ORDER BY id LIMIT 1").fetchone()[0]
    path = demo_db.database
    assert main(["--db", path, "plan", patient, "--format", "text"]) == 0
    plan = capsys.readouterr().out
    assert main(["--db", path, "statement", patient]) == 0
    statement = capsys.readouterr().out
    assert "Lakeside Dental" in plan and "Lakeside Dental" in statement
