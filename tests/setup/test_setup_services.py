"""Set-up services: carriers, plans (identical-plan scope), coverage, fee schedules, estimates.
Each call is one transaction with an audit row; a refusal writes nothing."""
from __future__ import annotations

import json

import pytest

from estimator.model import FrequencyLimit
from store.models import MODELS
from store.services import ServiceError
from store.services import setup as svc


def counts(db) -> dict[str, int]:
    return {m._meta.table_name: db.execute_sql(f'SELECT count(*) FROM "{m._meta.table_name}"').fetchone()[0]
            for m in MODELS}


def refused(db, call, *args, match: str = "", **kw) -> None:
    before = counts(db), db.execute_sql("SELECT * FROM plan ORDER BY id").fetchall(), \
        db.execute_sql("SELECT * FROM fee ORDER BY id").fetchall()
    with pytest.raises(ServiceError, match=match):
        call(db, *args, **kw)
    after = counts(db), db.execute_sql("SELECT * FROM plan ORDER BY id").fetchall(), \
        db.execute_sql("SELECT * FROM fee ORDER BY id").fetchall()
    assert after == before


def audit(db, action: str) -> list[dict]:
    rows = db.execute_sql("SELECT \"user\", entity, entity_id, detail FROM audit_log WHERE action = ? "
                          "ORDER BY id", (action,)).fetchall()
    return [{"user": u, "entity": e, "id": i, "detail": json.loads(d) if d else None}
            for u, e, i, d in rows]


def one(db, sql, params=()):
    return db.execute_sql(sql, params).fetchone()


def lines_of(db, patient: int, plan: int) -> dict[int, tuple]:
    rows = db.execute_sql(
        "SELECT cp.procedure_id, cp.ins_est_cents, cp.writeoff_est_cents, cp.coverage_order "
        "FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id "
        "WHERE p.patient_id = ? AND cp.plan_id = ?", (patient, plan)).fetchall()
    return {r[0]: r[1:] for r in rows}


class TestCarriers:
    def test_new_carrier_creates_its_writeoff_code(self, db):
        carrier = svc.create_carrier(db, "Acme Dental", writeoff_code="WO-ACME", electronic_id="12345")
        assert one(db, "SELECT kind, declared FROM adjustment_code WHERE code = 'WO-ACME'") == ("writeoff", 1)
        assert one(db, "SELECT c.name, a.code, c.electronic_id FROM carrier c JOIN adjustment_code a "
                       "ON a.id = c.writeoff_code_id WHERE c.id = ?", (carrier,)) == \
            ("Acme Dental", "WO-ACME", "12345")
        assert audit(db, "create_carrier")[0]["user"] == "maria"

    def test_existing_writeoff_code_is_reused(self, db, pid):
        before = counts(db)["adjustment_code"]
        svc.edit_carrier(db, pid(db, "GUARD", "carrier"), writeoff_code="WO-DELTA")
        assert counts(db)["adjustment_code"] == before

    def test_a_non_writeoff_code_is_refused(self, db, pid):
        refused(db, svc.edit_carrier, pid(db, "GUARD", "carrier"), writeoff_code="COURTESY",
                match="courtesy code, not a write-off")

    def test_a_carrier_needs_a_name(self, db):
        refused(db, svc.create_carrier, "  ", match="needs a name")


class TestPlans:
    def test_plan_values_keep_unknown_apart_from_zero(self, db, pid):
        plan = svc.create_plan(db, pid(db, "FAM04_P1"), carrier=pid(db, "DELTA", "carrier"),
                               type="percentage", annual_max=0, coverage={"preventive": 0})
        values = svc.plan_values(db, plan)
        assert values["annual_max"] == 0 and values["family_annual_max"] is None
        assert values["deductible"] is None and values["coverage"] == {"preventive": 0}
        assert one(db, "SELECT annual_max_cents IS NULL, family_annual_max_cents IS NULL FROM plan "
                       "WHERE id = ?", (plan,)) == (0, 1)

    def test_every_field_round_trips(self, db, pid):
        fields = dict(
            fee_schedule=pid(db, "PPO-DELTA", "fee_schedule"),
            copay_schedule=pid(db, "MET-COPAY", "fee_schedule"),
            coverage={"diagnostic": 100, "crowns": 50}, code_coverage={"D9110": 80},
            annual_max=150000, family_annual_max=400000, category_limits={"orthodontics": 150000},
            category_family_limits={"orthodontics": 300000}, code_limits={"D4341": 40000},
            deductible=5000, family_deductible=15000, category_deductibles={"preventive": 0},
            code_deductibles={"D2740": 10000}, deductible_waived_on=("diagnostic",),
            deductible_before_percent=False, renew_month=7,
            frequency=(FrequencyLimit(2, "benefit_year", code="D1110"),
                       FrequencyLimit(1, "years", category="diagnostic_xray", count=5)),
            exclusions=("D9972",), allow_substitution=False, substitution_writeoffs=False,
            cob_rule="carve_out", same_plan_as=pid(db, "PL_DELTA_RH", "plan"), employer="Acme Co",
            group_number="G-1", note="Call first", claims_use_ucr=True)
        plan = svc.create_plan(db, pid(db, "FAM04_P1"), carrier=pid(db, "DELTA", "carrier"),
                               type="ppo", **fields)
        values = svc.plan_values(db, plan)
        assert {k: values[k] for k in fields} == fields

    @pytest.mark.parametrize("field, value, match", [
        ("annual_max", -1, "cannot be negative"),
        ("coverage", {"crowns": 101}, "percentage"),
        ("coverage", {"crown": 50}, "not a known category"),
        ("code_coverage", {"X999": 50}, "not a known procedure code"),
        ("renew_month", 13, "renew month"),
        ("copay_schedule", "PPO-DELTA", "no fee schedule"),
        ("frequency", (FrequencyLimit(0, "benefit_year", code="D1110"),), "at least 1"),
        ("cob_rule", "best", "COB rule"),
    ])
    def test_bad_values_are_refused(self, db, pid, field, value, match):
        refused(db, svc.create_plan, pid(db, "FAM04_P1"), carrier=pid(db, "DELTA", "carrier"),
                type="ppo", match=match, **{field: value})

    def test_a_fee_schedule_of_the_wrong_kind_is_refused(self, db, pid):
        refused(db, svc.edit_plan, pid(db, "PL_DELTA_RH", "plan"),
                {"copay_schedule": pid(db, "PPO-DELTA", "fee_schedule")}, scope="this",
                match="kind allowed")

    def test_the_subscriber_never_changes(self, db, pid):
        refused(db, svc.edit_plan, pid(db, "PL_DELTA_RH", "plan"), {"subscriber": 2}, scope="this",
                match="cannot change")

    def test_editing_a_plan_reestimates_its_families(self, db, pid):
        plan, patient = pid(db, "PL_DELTA_RH", "plan"), pid(db, "FAM01_P6")
        before = lines_of(db, patient, plan)
        seen = []
        svc.edit_plan(db, plan, {"annual_max": 0}, scope="this",
                      progress=lambda done, total: seen.append((done, total)))
        after = lines_of(db, patient, plan)
        assert after != before
        planned = [p for (p,) in db.execute_sql("SELECT id FROM procedure WHERE patient_id = ? AND "
                                                "status = 'planned'", (patient,))]
        assert planned and all(after[p][0] == 0 < before[p][0] for p in planned)
        assert seen == [(0, 1), (1, 1)]  # the one Delgado family
        row = audit(db, "edit_plan")[-1]
        assert row["detail"]["scope"] == "this" and row["detail"]["families_reestimated"] == 1


class TestIdenticalPlans:
    @pytest.fixture
    def twins(self, db, pid):
        """PL_DELTA_RH plus two copies for other subscribers (identical) and a different one."""
        base = {k: v for k, v in svc.plan_values(db, pid(db, "PL_DELTA_RH", "plan")).items()
                if k != "subscriber"}
        a = svc.create_plan(db, pid(db, "FAM04_P1"), attach=True, **base)
        b = svc.create_plan(db, pid(db, "FAM13_P1"), attach=True, **{**base, "note": "other note"})
        c = svc.create_plan(db, pid(db, "FAM09_P1"), **{**base, "annual_max": 100000})
        return pid(db, "PL_DELTA_RH", "plan"), a, b, c

    def test_identical_means_same_carrier_group_employer_type_schedules_benefits(self, db, twins):
        rh, a, b, c = twins
        assert svc.plans_identical_to(db, rh) == [a, b]  # the note is not a benefit
        assert svc.plans_identical_to(db, c) == []

    def test_scope_this_changes_one_plan(self, db, twins):
        rh, a, b, _ = twins
        assert svc.edit_plan(db, a, {"annual_max": 200000}, scope="this") == [a]
        assert [svc.plan_values(db, p)["annual_max"] for p in (rh, a, b)] == [150000, 200000, 150000]

    def test_scope_identical_changes_every_identical_plan(self, db, twins, pid):
        rh, a, b, c = twins
        before = lines_of(db, pid(db, "FAM13_P1"), b)
        assert svc.edit_plan(db, a, {"annual_max": 0}, scope="identical") == [a, rh, b]
        assert [svc.plan_values(db, p)["annual_max"] for p in (rh, a, b, c)] == [0, 0, 0, 100000]
        after = lines_of(db, pid(db, "FAM13_P1"), b)
        assert before and all(est == 0 for est, _, _ in after.values())  # max 0: pays nothing

    def test_the_caller_must_choose_a_scope(self, db, twins):
        with pytest.raises(TypeError):
            svc.edit_plan(db, twins[1], {"annual_max": 1})  # no default scope
        refused(db, svc.edit_plan, twins[1], {"annual_max": 1}, scope="both", match="scope")


class TestCoverage:
    def test_add_drop_and_reorder(self, db, pid):
        emily = pid(db, "FAM07_P3")
        met, guard, delta = (pid(db, p, "plan") for p in ("PL_MET_BH", "PL_GUARD_NF", "PL_DELTA_SL"))

        def order():
            return [p for (p,) in db.execute_sql("SELECT plan_id FROM patient_coverage WHERE "
                                                 "patient_id = ? ORDER BY coverage_order", (emily,))]
        assert order() == [met, guard, delta]
        svc.move_coverage(db, emily, delta, 1)
        assert order() == [delta, met, guard]
        assert set(v[2] for v in lines_of(db, emily, delta).values()) == {1}
        svc.reorder_coverage(db, emily, [guard, met, delta])
        assert order() == [guard, met, delta]
        svc.drop_coverage(db, emily, met)
        assert order() == [guard, delta]
        assert svc.add_coverage(db, emily, met, order=1) == 1
        assert order() == [met, guard, delta]

    def test_dropping_a_plan_drops_its_estimates(self, db, pid):
        jennifer, met = pid(db, "FAM07_P1"), pid(db, "PL_MET_BH", "plan")
        assert any(est for est, _, _ in lines_of(db, jennifer, met).values())
        svc.drop_coverage(db, jennifer, met)
        on_claims = one(db, "SELECT count(*) FROM claim_proc cp JOIN procedure p ON p.id = "
                            "cp.procedure_id WHERE p.patient_id = ? AND cp.plan_id = ? AND "
                            "cp.claim_id IS NOT NULL", (jennifer, met))[0]
        assert len(lines_of(db, jennifer, met)) == on_claims  # only lines already on claims stay

    def test_refusals(self, db, pid):
        emily, roberto = pid(db, "FAM07_P3"), pid(db, "FAM01_P1")
        refused(db, svc.add_coverage, emily, pid(db, "PL_MET_BH", "plan"), match="already covered")
        svc.add_coverage(db, emily, pid(db, "PL_DELTA_RH", "plan"))
        refused(db, svc.add_coverage, emily, pid(db, "PL_MCD", "plan"), match="at most 4")
        refused(db, svc.drop_coverage, roberto, pid(db, "PL_MCD", "plan"), match="not covered")
        refused(db, svc.reorder_coverage, emily, [1, 2], match="exactly once")

    def test_pending_subscriber_id_and_benefits_used(self, db, pid):
        roberto, rh = pid(db, "FAM01_P1"), pid(db, "PL_DELTA_RH", "plan")
        svc.set_coverage(db, roberto, rh, pending=True, subscriber_id=" XY-1 ")
        assert one(db, "SELECT pending, subscriber_id FROM patient_coverage WHERE patient_id = ? "
                       "AND plan_id = ?", (roberto, rh)) == (1, "XY-1")
        svc.set_benefits_used(db, roberto, rh, paid=120000, deductible_met=5000)
        svc.set_benefits_used(db, roberto, rh, paid=130000, deductible_met=5000)
        assert db.execute_sql("SELECT paid_cents, deductible_met_cents FROM benefit_used WHERE "
                              "patient_id = ? AND plan_id = ?", (roberto, rh)).fetchall() == [(130000, 5000)]
        svc.set_benefits_used(db, roberto, rh, paid=0, deductible_met=0)
        assert one(db, "SELECT count(*) FROM benefit_used WHERE patient_id = ?", (roberto,)) == (0,)


CSV = "code,fee\nD0120,40.00\nD1110,\"$1,050.00\"\n"


class TestFeeSchedules:
    def test_preview_lists_rejected_lines_with_reasons(self, db, pid):
        schedule = svc.create_fee_schedule(db, "Acme PPO", "allowed")
        text = "code,fee\nD0120,40\nD0140,abc\nZ9999,10\nD0120,41\n\nD1110,-5\nD2740\n# note\nd0150,77.5\n"
        preview = svc.preview_fee_csv(db, schedule, text)
        assert [(f.line, f.code, f.amount) for f in preview.accepted] == [(2, "D0120", 4000),
                                                                         (10, "D0150", 7750)]
        assert [(r.line, r.reason) for r in preview.rejected] == [
            (3, "fee 'abc' is not an amount (digits, at most two decimals: 1,234.50)"),
            (4, "unknown code Z9999"), (5, "duplicate code D0120 (also on line 2)"),
            (7, "fee '-5' is negative; this amount must be 0 or more"),
            (8, "expected two columns: code, fee")]
        assert not preview.ok

    def test_import_is_all_or_nothing(self, db, pid):
        schedule = svc.create_fee_schedule(db, "Acme PPO", "allowed")
        refused(db, svc.import_fee_csv, schedule, CSV + "D0140,1.234\n", match="1 line")
        preview = svc.import_fee_csv(db, schedule, CSV)
        assert (preview.new, preview.changed) == (2, 0)
        assert dict(db.execute_sql("SELECT code, amount_cents FROM fee WHERE schedule_id = ?",
                                   (schedule,)).fetchall()) == {"D0120": 4000, "D1110": 105000}

    def test_import_into_a_used_schedule_reestimates(self, db, pid):
        schedule, plan = pid(db, "PPO-DELTA", "fee_schedule"), pid(db, "PL_DELTA_SL", "plan")
        peter = pid(db, "FAM08_P1")
        before = lines_of(db, peter, plan)
        codes = [c for (c,) in db.execute_sql(
            "SELECT DISTINCT c.code FROM procedure p JOIN procedure_code c ON c.id = p.code_id "
            "WHERE p.patient_id = ? AND p.status = 'planned'", (peter,))]
        seen = []
        svc.import_fee_csv(db, schedule, "".join(f"{c},1.00\n" for c in codes),
                           progress=lambda d, t: seen.append((d, t)))
        assert lines_of(db, peter, plan) != before
        assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] >= 2  # Delgados and Kowalskis

    def test_set_fee_and_remove_it(self, db, pid):
        schedule = pid(db, "PPO-DELTA", "fee_schedule")
        svc.set_fee(db, schedule, "D0120", 1)
        assert one(db, "SELECT amount_cents FROM fee WHERE schedule_id = ? AND code = 'D0120'",
                   (schedule,)) == (1,)
        svc.set_fee(db, schedule, "D0120", None)
        assert one(db, "SELECT 1 FROM fee WHERE schedule_id = ? AND code = 'D0120'", (schedule,)) is None
        refused(db, svc.set_fee, schedule, "D0120", -5, match="negative")

    def test_update_every_estimate_reports_progress(self, db):
        families = one(db, "SELECT count(DISTINCT coalesce(guarantor_id, id)) FROM patient")[0]
        seen = []
        assert svc.update_estimates(db, progress=lambda d, t: seen.append((d, t))) == families
        assert seen[0] == (0, families) and seen[-1] == (families, families)
        assert audit(db, "update_estimates")[0]["detail"]["families_reestimated"] == families


class TestCodeTerms:
    def test_grid_edits_write_to_the_plan_and_its_schedules(self, db, pid):
        plan = pid(db, "PL_DELTA_SL", "plan")
        svc.set_code_terms(db, plan, "D2740", scope="this", allowed=90000, percent=60)
        values = svc.plan_values(db, plan)
        assert values["code_coverage"]["D2740"] == 60
        assert one(db, "SELECT amount_cents FROM fee WHERE schedule_id = ? AND code = 'D2740'",
                   (values["fee_schedule"],)) == (90000,)
        svc.set_code_terms(db, plan, "D2740", scope="this", percent=None)
        assert "D2740" not in svc.plan_values(db, plan)["code_coverage"]

    def test_a_missing_copay_schedule_is_created_for_the_plan(self, db, pid):
        plan = pid(db, "PL_DELTA_SL", "plan")
        svc.set_code_terms(db, plan, "D1110", scope="this", copay=1000)
        schedule = svc.plan_values(db, plan)["copay_schedule"]
        assert one(db, "SELECT kind, name FROM fee_schedule WHERE id = ?", (schedule,)) == \
            ("copay", "Delta Dental SL-1180 copays")
        refused(db, svc.set_code_terms, plan, "D1110", scope="this", benefit=1000,
                match="copay schedule")
