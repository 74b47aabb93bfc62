"""Schema: money in cents only, constraints, posted-row stamps, SQL defaults."""
from __future__ import annotations

import peewee
import pytest

from store import models as t

MONEY_WORDS = ("amount", "fee_cents", "paid", "writeoff", "deductible", "max", "allowed",
               "copay", "ins_est", "base_est", "_cents")


def test_no_float_or_decimal_columns():
    for model in t.MODELS:
        for f in model._meta.sorted_fields:
            assert not isinstance(f, (peewee.FloatField, peewee.DecimalField)), f
            assert f.field_type not in ("FLOAT", "DOUBLE", "DECIMAL", "REAL"), f


def test_money_columns_are_integer_cents():
    for model in t.MODELS:
        for f in model._meta.sorted_fields:
            name = f.name
            if isinstance(f, (peewee.ForeignKeyField, peewee.BooleanField)):
                continue  # writeoff_code (an adjustment code), deductible_before_percent
            if any(w in name for w in MONEY_WORDS):
                assert name.endswith("_cents"), f"{model.__name__}.{name} must be *_cents"
                assert isinstance(f, peewee.IntegerField), f


def test_every_table_created(db):
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in t.MODELS} <= tables


@pytest.mark.parametrize("model", [t.Procedure, t.Claim, t.ClaimPayment, t.ClaimPaymentLine,
                                   t.PatientPayment, t.Adjustment, t.LedgerNote])
def test_posted_rows_record_who_when_where(model):
    fields = model._meta.fields
    for name in ("entered_at", "entered_by", "workstation", "location"):
        assert name in fields


def _patient(name="Smith, John"):
    return t.Patient.create(last_name=name.split(",")[0], first_name="John",
                            name_lower=name.lower(), birthdate="1970-01-01")


def _plan(patient):
    carrier = t.Carrier.create(name="Delta")
    return t.Plan.create(carrier=carrier, subscriber=patient, type="ppo")


def test_one_plan_per_coverage_order(db):
    pt = _patient()
    p1, p2 = _plan(pt), _plan(pt)
    t.PatientCoverage.create(patient=pt, plan=p1, coverage_order=1)
    with pytest.raises(peewee.IntegrityError):
        t.PatientCoverage.create(patient=pt, plan=p2, coverage_order=1)


def test_foreign_keys_enforced(db):
    with pytest.raises(peewee.IntegrityError):
        t.PatientCoverage.create(patient=999, plan=999, coverage_order=1)


def test_one_claim_procedure_per_procedure_and_plan(db):
    pt = _patient()
    plan = _plan(pt)
    code = t.ProcedureCode.create(code="D1110", category="preventive")
    doc = t.Provider.create(name="Doc")
    proc = t.Procedure.create(patient=pt, code=code, fee_cents=9500, date="2026-01-01",
                              provider=doc, status="complete", entered_at="2026-01-01 09:00:00",
                              entered_by="amy")
    t.ClaimProc.create(procedure=proc, plan=plan, coverage_order=1, status="estimate")
    with pytest.raises(peewee.IntegrityError):
        t.ClaimProc.create(procedure=proc, plan=plan, coverage_order=1, status="estimate")


def test_fee_unique_per_schedule_and_code(db):
    fs = t.FeeSchedule.create(kind="office")
    t.Fee.create(schedule=fs, code="D1110", amount_cents=9500)
    with pytest.raises(peewee.IntegrityError):
        t.Fee.create(schedule=fs, code="D1110", amount_cents=9000)


def test_defaults_also_in_sql_for_bulk_inserts(db):
    """Raw inserts (the importer's executemany) get the same defaults as peewee."""
    pt = _patient()
    plan = _plan(pt)
    db.execute_sql("INSERT INTO procedure_code (code, category) VALUES ('D0120', 'diagnostic')")
    row = db.execute_sql("SELECT description, categories FROM procedure_code").fetchone()
    assert row == ("", "")
    db.execute_sql("INSERT INTO plan (carrier_id, subscriber_id, type) VALUES (?, ?, 'ppo')",
                   (plan.carrier_id, pt.id))
    row = db.execute_sql("SELECT deductible_before_percent, cob_rule, annual_max_cents "
                         "FROM plan ORDER BY id DESC").fetchone()
    assert row == (1, "standard", None)  # NULL = unknown, not 0


def test_unknown_is_null_and_zero_is_zero(db):
    pt = _patient()
    plan = _plan(pt)
    plan.annual_max_cents = 0
    plan.save()
    fresh = t.Plan.get_by_id(plan.id)
    assert fresh.annual_max_cents == 0 and fresh.deductible_cents is None


def test_override_columns_cover_every_override_field():
    from estimator.model import Override
    names = {f for f in Override.__dataclass_fields__ if f != "plan"}
    assert names == set(t.OVERRIDE_FIELDS)
    for name in t.OVERRIDE_FIELDS:
        assert t.override_column(name) in t.ClaimProc._meta.fields
