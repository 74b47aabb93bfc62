"""Desks posting at the same time, on both engines: 8 processes x 50 postings to one family
lose nothing (SQLite: every writer waits its turn; PostgreSQL: postings to one family wait
for each other's row lock), and a desk killed mid-posting (kill -9) leaves no half-written
posting behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from svc_helpers import pid

DESKS, POSTINGS = 8, 50

# One desk: $1.00 patient payments (allocated oldest first over the family's open work) and a
# ledger note each, alternating between two members of one family, each its own posting.
# A posting refused because the others kept the database busy longer than a desk waits
# ("try again": nothing was written) is posted again, as the user would.
DESK = """
import sys, time
from store.db import open_database
from store.services import Actor, ServiceError, add_ledger_note, post_payment

def again(post, *args, **kw):
    for attempt in range(50):
        try:
            return post(*args, **kw)
        except ServiceError as exc:
            if "try again" not in str(exc):
                raise
            time.sleep(0.05)
    raise SystemExit("still busy after 50 tries")

for attempt in range(50):
    try:
        db = open_database(sys.argv[1])
        break
    except Exception as exc:
        if "try again" not in str(exc):
            raise
        time.sleep(0.05)
desk, count, patients = sys.argv[2], int(sys.argv[3]), [int(p) for p in sys.argv[4:]]
actor = Actor("desk" + desk, "ws" + desk)
print("ready", flush=True)
for n in range(count):
    patient = patients[n % len(patients)]
    again(post_payment, db, patient, 100, "cash", actor=actor)
    again(add_ledger_note, db, patient, f"desk {desk} note {n}", actor=actor)
db.close()
"""


def _desk(url: str, desk: int, count: int, patients: list[int]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DESK, url, str(desk), str(count),
                             *map(str, patients)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _family(db) -> list[int]:
    guarantor = pid(db, "WILSON_J")
    return [r[0] for r in db.execute_sql(
        "SELECT id FROM patient WHERE coalesce(guarantor_id, id) = ? ORDER BY id",
        (guarantor,)).fetchall()]


def _totals(db, patients: list[int]) -> tuple:
    family = ", ".join(map(str, patients))
    one = lambda sql: db.execute_sql(sql).fetchone()[0]  # noqa: E731
    return (one(f"SELECT count(*) FROM patient_payment WHERE patient_id IN ({family})"),
            one(f"SELECT coalesce(sum(amount_cents), 0) FROM patient_payment "
                f"WHERE patient_id IN ({family})"),
            one(f"SELECT count(*) FROM ledger_note WHERE patient_id IN ({family})"),
            one(f"SELECT coalesce(sum(balance_cents), 0) FROM ledger_entry "
                f"WHERE patient_id IN ({family})"),
            one("SELECT count(*) FROM audit_log WHERE action IN ('patient_payment', "
                "'ledger_note')"))


def test_eight_desks_posting_to_one_family_lose_nothing(db):
    patients = _family(db)[:2]
    before = _totals(db, patients)
    desks = [_desk(db.database, n, POSTINGS, patients) for n in range(DESKS)]
    for desk in desks:
        out, err = desk.communicate(timeout=600)
        assert desk.returncode == 0, err[-2000:]
    paid = DESKS * POSTINGS * 100
    after = _totals(db, patients)
    assert after[0] - before[0] == DESKS * POSTINGS
    assert after[1] - before[1] == paid
    assert after[2] - before[2] == DESKS * POSTINGS
    assert before[3] - after[3] == paid  # every payment is on the family's ledger lines
    assert after[4] - before[4] == 2 * DESKS * POSTINGS
    # allocations never exceed what a procedure was owed (reads after the family lock)
    over = db.execute_sql(
        "SELECT count(*) FROM ledger_entry WHERE priority = 0 AND aging_cents < 0").fetchone()[0]
    assert over == 0


def test_a_desk_killed_mid_posting_leaves_no_half_posting(db):
    patients = _family(db)[:1]
    before = _totals(db, patients)
    desk = _desk(db.database, 9, 10_000, patients)
    assert desk.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while _totals(db, patients)[0] - before[0] < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(desk.pid, signal.SIGKILL)
    desk.wait(timeout=30)
    after = _totals(db, patients)
    payments = after[0] - before[0]
    assert payments >= 3
    # each payment committed whole: its ledger line, its audit row; notes likewise
    assert after[1] - before[1] == payments * 100
    assert before[3] - after[3] == payments * 100
    assert after[4] - before[4] == payments + (after[2] - before[2])
    assert after[2] - before[2] in (payments - 1, payments)
