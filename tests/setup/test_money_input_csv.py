"""Issue 11, "Money input", the CSV entry point: a fee schedule import reads every fee with
the one parser (`estimator.money.to_cents`) and refuses the whole file for one bad amount."""
from __future__ import annotations

import pytest

from estimator.money import MAX_CENTS, fmt
from store.services import ServiceError
from store.services import setup as svc

BAD = {"1,50": "commas go between groups", "12,34,5": "commas go between groups",
       "1e3": "is not an amount", "1_000": "is not an amount", "١٢٣": "digits 0-9",
       "５": "digits 0-9", "NaN": "is not an amount", "Infinity": "is not an amount",
       "10000000.00": "too large", "1.234": "more than two decimals"}


@pytest.mark.parametrize("fee", list(BAD))
def test_money_input_csv_refuses_each_bad_fee_with_its_reason(db, fee):
    schedule = svc.create_fee_schedule(db, "Acme PPO", "allowed")
    preview = svc.preview_fee_csv(db, schedule, f'code,fee\nD0120,40\nD0140,"{fee}"\n')
    assert [r.line for r in preview.rejected] == [3]
    assert BAD[fee] in preview.rejected[0].reason
    before = db.execute_sql("SELECT count(*) FROM fee").fetchone()
    with pytest.raises(ServiceError, match="1 line"):
        svc.import_fee_csv(db, schedule, f'code,fee\nD0120,40\nD0140,"{fee}"\n')
    assert db.execute_sql("SELECT count(*) FROM fee").fetchone() == before


def test_money_input_csv_accepts_groups_and_the_maximum(db):
    schedule = svc.create_fee_schedule(db, "Acme PPO", "allowed")
    preview = svc.preview_fee_csv(db, schedule, f'code,fee\nD0120,"$1,234.50"\nD0140,{fmt(MAX_CENTS)}\n')
    assert [(f.code, f.amount) for f in preview.accepted] == [("D0120", 123450), ("D0140", MAX_CENTS)]
