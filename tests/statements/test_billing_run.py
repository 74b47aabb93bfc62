"""The billing run and the statement commands over the demo office: files and records agree
(after a finished run, a cancelled one, a failure inside a family, a crash leaving a print
volume half-made), files are private, the run is audited, a re-run skips the families billed,
and every refusal is one line that leaves nothing written."""
from __future__ import annotations

import io
import json
import os
import stat
from datetime import date

import pytest
from pypdf import PdfReader

from cli import main as cli
from estimator.money import fmt_grouped
from store.desks.billing import DbBillingDesk, finish_volume, next_volume
from store.read.statements import select_families

DAY = date(2026, 11, 20)


def files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def recorded(db) -> list[tuple]:
    return db.execute_sql("SELECT guarantor_id, file_name, volume, amount_due_cents FROM statement "
                          "ORDER BY id").fetchall()


def audits(db, action="billing_run") -> list[dict]:
    return [json.loads(d) for (d,) in db.execute_sql(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def private(path) -> bool:
    return stat.S_IMODE(os.stat(path).st_mode) == 0o600


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


# --- the run ----------------------------------------------------------------------------------

def test_a_text_run_writes_and_records_each_family_and_audits_the_totals(demo_db, tmp_path):
    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=500, skip_days=25)
    assert sel.count >= 3
    seen = []
    totals = desk.run(sel, tmp_path / "out", "text", progress=seen.append)
    names = files(tmp_path / "out")
    assert len(names) == sel.count == totals.sent and totals.stopped == "finished"
    assert all(private(tmp_path / "out" / n) for n in names)
    assert stat.S_IMODE(os.stat(tmp_path / "out").st_mode) == 0o700
    rows = recorded(demo_db)
    assert sorted(r[1] for r in rows) == names and sorted(r[0] for r in rows) == sorted(sel.guarantors)
    assert sum(r[3] for r in rows) == sel.total_due == totals.amount_due
    assert seen[-1].written == sel.count
    [audit] = audits(demo_db)
    assert (audit["sent"], audit["amount_due"], audit["stopped"]) == (sel.count, sel.total_due, "finished")
    sent_to = demo_db.execute_sql("SELECT patient_id FROM audit_log WHERE action = 'statement_sent' "
                                  "ORDER BY id").fetchall()
    assert sorted(p for (p,) in sent_to) == sorted(sel.guarantors)  # each row names its family
    # a re-run the next day skips them: they were billed in the last 25 days
    again = desk.preview(date(2026, 11, 21), min_due=500, skip_days=25)
    assert again.count == 0 and again.billed_recently == sel.count


def test_a_cancelled_run_records_exactly_the_files_written(demo_db, tmp_path):
    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=1, skip_days=0)
    progress = []
    totals = desk.run(sel, tmp_path / "out", "text", progress=progress.append,
                      cancelled=lambda: len(progress) >= 4)  # after two families
    assert totals.stopped == "cancelled" and 0 < totals.sent < sel.count
    assert sorted(r[1] for r in recorded(demo_db)) == files(tmp_path / "out")
    assert audits(demo_db)[-1]["stopped"] == "cancelled"
    rest = desk.preview(DAY, min_due=1, skip_days=25)  # the next run bills the others
    assert rest.count == sel.count - totals.sent


def test_a_failure_inside_a_family_leaves_no_file_without_its_record(demo_db, tmp_path, monkeypatch):
    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=1, skip_days=0)
    calls = []
    real = DbBillingDesk.record

    def flaky(self, *args, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(self, *args, **kw)

    monkeypatch.setattr(DbBillingDesk, "record", flaky)
    with pytest.raises(OSError, match="disk full"):
        desk.run(sel, tmp_path / "out", "text")
    assert len(recorded(demo_db)) == 2
    assert sorted(r[1] for r in recorded(demo_db)) == files(tmp_path / "out")
    assert audits(demo_db)[-1]["stopped"] == "failed: disk full"


def test_a_pdf_run_writes_each_family_and_the_print_file(demo_db, tmp_path):
    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=500, skip_days=25)
    desk.run(sel, tmp_path, "pdf")
    volume = next_volume(tmp_path, DAY).with_name(f"print-{DAY.isoformat()}-001.pdf")
    singles = [n for n in files(tmp_path) if n.startswith("statement-")]
    assert len(singles) == sel.count and volume.exists() and private(volume)
    assert {r[2] for r in recorded(demo_db)} == {volume.name}
    pages = sum(len(PdfReader(tmp_path / n).pages) for n in singles)
    assert len(PdfReader(volume).pages) == pages
    # a second run the same day never overwrites the first one's print file
    assert next_volume(tmp_path, DAY).name == f"print-{DAY.isoformat()}-002.pdf"


def test_the_pdf_of_a_family_reads_back_its_name_lines_and_amount_due(demo_db, tmp_path):
    """Through the database: the statement's PDF, read with pypdf, names the family and shows
    each line's amount and the amount due."""
    from store.read.statement_reader import StatementReader

    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=1, skip_days=0)
    desk.run(sel, tmp_path, "pdf")
    for gid, file_name, _, due in recorded(demo_db):
        st = StatementReader(demo_db, DAY, office=desk.office()[0]).one(gid)
        text = pdf_text(tmp_path / file_name)
        assert st.guarantor.name in text
        for activity in st.patients:
            assert activity.name in text
        for line in st.lines:
            assert fmt_grouped(abs(line.amount)) in text
        assert f"Amount due now {fmt_grouped(due)}" in text.replace("\n", " ")


def test_a_crashed_pdf_runs_half_made_print_file_is_rebuilt_from_the_families_recorded(demo_db, tmp_path):
    """A volume still named .part (the run died while recording its families) is finished by
    the next run in the folder: it then holds exactly the families recorded."""
    desk = DbBillingDesk(demo_db)
    sel = desk.preview(DAY, min_due=1, skip_days=0)
    desk.run(sel, tmp_path, "pdf")
    volume = tmp_path / f"print-{DAY.isoformat()}-001.pdf"
    part = volume.with_name(volume.name + ".part")
    os.replace(volume, part)  # as if the run had died before renaming it ...
    first = recorded(demo_db)[0]
    demo_db.execute_sql("DELETE FROM statement WHERE file_name != ?", (first[1],))  # ... after one family
    desk.run(desk.preview(DAY, min_due=10**9, skip_days=0), tmp_path, "pdf")  # bills nobody
    assert volume.exists() and not part.exists()
    assert len(PdfReader(volume).pages) == len(PdfReader(tmp_path / first[1]).pages)


def test_finishing_a_volume_without_any_family_recorded_removes_it(tmp_path):
    part = tmp_path / "print-2026-11-20-001.pdf.part"
    part.write_bytes(b"%PDF-1.4")
    finish_volume(part, [])
    assert files(tmp_path) == []


# --- the commands -----------------------------------------------------------------------------

def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_statements_command_previews_then_bills(demo_db, tmp_path, capsys):
    db = demo_db.database
    status, out, _ = run(capsys, "--db", db, "statements", "--date", "2026-11-20", "--dry-run")
    assert status == 0 and "families owe at least 5.00" in out
    assert recorded(demo_db) == [] and audits(demo_db) == []
    status, out, err = run(capsys, "--db", db, "statements", "--date", "2026-11-20",
                           "--format", "text", "--out", str(tmp_path / "run"))
    sel_count = len(recorded(demo_db))
    assert status == 0 and f"sent {sel_count} of {sel_count} statements" in out
    assert len(files(tmp_path / "run")) == sel_count
    status, out, _ = run(capsys, "--db", db, "statements", "--date", "2026-11-20",
                         "--out", str(tmp_path / "run"))
    assert status == 0 and "billed in the last 25 days" in out and len(recorded(demo_db)) == sel_count


def test_statement_command_prints_text_without_recording(demo_db, capsys):
    status, out, _ = run(capsys, "--db", demo_db.database, "statement", "FAM02_P1",
                         "--date", "2026-11-20")
    assert status == 0 and "STATEMENT" in out and "Riverside Family Dental" in out
    assert "Amount due now" in out and recorded(demo_db) == []


def test_statement_command_writes_a_private_file_and_records_it(demo_db, tmp_path, capsys):
    out_file = tmp_path / "kathleen.pdf"
    status, _, err = run(capsys, "--db", demo_db.database, "statement", "O'Brien, Kathleen",
                         "--date", "2026-11-20", "--from", "2026-11-01", "--format", "pdf",
                         "--out", str(out_file))
    assert status == 0 and "recorded as sent" in err and private(out_file)
    assert [r[1] for r in recorded(demo_db)] == ["kathleen.pdf"]
    assert "Account activity from 11/01/2026 through 11/20/2026" in pdf_text(out_file)
    card = run(capsys, "--db", demo_db.database, "ledger", "FAM02_P1")[1]
    assert "Statement sent, due 20.00" in card


@pytest.mark.parametrize("argv, message", [
    (["statement", "NOBODY", "--out", "{x}"], "no patient matches"),
    (["statement", "FAM02_P1", "--date", "2026-13-01", "--out", "{x}"], "is not a date"),
    (["statement", "FAM02_P1", "--date", "2026-11-20", "--from", "2026-11-21", "--out", "{x}"],
     "after the statement date"),
    (["statement", "FAM02_P1", "--format", "pdf"], "needs --out"),
    (["statements", "--date", "2026-11-20", "--min-due", "5.001", "--out", "{x}"],
     "more than two decimals"),
    (["statements", "--date", "2026-11-20", "--skip-days", "-1", "--out", "{x}"], "0 or more"),
    (["statements", "--date", "someday", "--out", "{x}"], "is not a date"),
])
def test_refusals_are_one_line_and_write_nothing(demo_db, tmp_path, capsys, argv, message):
    target = tmp_path / "x"
    argv = [a.format(x=target) for a in argv]
    status, _, err = run(capsys, "--db", demo_db.database, *argv)
    assert status == 1 and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and recorded(demo_db) == [] and not target.exists()


def test_an_output_folder_that_is_a_file_is_refused(demo_db, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    status, _, err = run(capsys, "--db", demo_db.database, "statements", "--date", "2026-11-20",
                         "--out", str(blocker))
    assert status == 1 and "is not a folder" in err and recorded(demo_db) == []


def test_the_preview_matches_the_selection(demo_db):
    sel = select_families(demo_db, DAY, min_due=500, skip_days=25)
    rows = DbBillingDesk(demo_db).preview_rows(sel, 0, 100)
    assert [r.guarantor for r in rows] == list(sel.guarantors)
    assert [r.name for r in rows] == sorted(r.name for r in rows)  # mailing order: by name


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_run_shows_the_common_progress_piped_and_on_a_terminal(demo_db, tmp_path, capsys,
                                                                  monkeypatch):
    """`cli.progress` as every long command: piped, the preview then one summary line with
    the time and no bar; on a terminal, a bar with the files written on standard error."""
    status, out, err = run(capsys, "--db", demo_db.database, "statements", "--date", "2026-11-20",
                           "--format", "text", "--out", str(tmp_path / "piped"))
    sent = len(recorded(demo_db))
    last = out.splitlines()[-1]
    assert status == 0 and last.startswith(f"sent {sent} of {sent} statements, amount due ")
    assert last.endswith(" s") and f"written to {tmp_path / 'piped'} in " in last
    assert err == "" and "\r" not in out
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    status, out, _ = run(capsys, "--db", demo_db.database, "statements", "--date", "2026-12-31",
                         "--skip-days", "0", "--format", "text", "--out", str(tmp_path / "tty"))
    assert status == 0 and out.splitlines()[-1].startswith(f"sent {sent} of {sent} statements")
    assert "statements" in screen.getvalue() and f"{sent}/{sent}" in screen.getvalue()
    assert f"written {sent}, due " in screen.getvalue()
