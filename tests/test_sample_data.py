"""The demo office (sample_data/demo.json): shape, realism and sensible money.

The file is written by sample_data/make_demo.py; these tests read the JSON as any importer
would (exact decimals) and check what the demo promises: every plan type and claim status,
the edge-case names, and money that adds up (no payment beyond what is owed except the one
prepaid family, write-offs = charge - contracted fee, claims only for covered work).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sample_data import make_demo

DEMO = Path(make_demo.__file__).with_name("demo.json")
CREDIT_FAMILY = "FAM04"
LARGE_FAMILY = "FAM01"


@pytest.fixture(scope="module")
def doc() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def pr(doc) -> dict:
    return doc["practice"]


def cents(x) -> int:
    return int(Decimal(x) * 100)


def day(s: str) -> date:
    return date.fromisoformat(s)


def fam(patient_id: str) -> str:
    return patient_id.split("_")[0]


def index(rows, key="id"):
    return {r[key]: r for r in rows}


# --- the file itself ---------------------------------------------------------------------------

def test_generator_is_deterministic_and_file_is_current():
    text = make_demo.render(make_demo.build())
    assert text == make_demo.render(make_demo.build())
    assert text == DEMO.read_text(encoding="utf-8"), "demo.json is stale: run python sample_data/make_demo.py"


def test_file_is_small_enough():
    assert DEMO.stat().st_size < 2_000_000


KNOWN_KEYS = {
    "top": {"format", "name", "why", "source", "notes", "practice"},
    "practice": {"as_of", "preferences", "providers", "procedure_codes", "fee_schedules", "carriers", "plans",
                 "patients", "procedures", "claims", "claim_payments", "patient_payments", "adjustments",
                 "appointments", "adjustment_codes", "ledger_notes", "lock_date", "office"},
    "providers": {"id", "name", "fee_schedule"},
    "procedure_codes": {"code", "description", "category", "categories", "substitution_code",
                        "substitution_condition"},
    "fee_schedules": {"id", "kind", "name", "fees"},
    "carriers": {"id", "name", "writeoff_code", "electronic_id"},
    "plans": {"id", "carrier", "subscriber", "type", "fee_schedule", "allowed_fee_schedule", "copay_schedule",
              "coverage", "code_coverage", "annual_max", "family_annual_max", "category_limits",
              "category_family_limits", "code_limits", "deductible", "family_deductible",
              "category_deductibles", "code_deductibles", "deductible_waived_on", "deductible_before_percent",
              "renew_month", "frequency", "exclusions", "allow_substitution", "substitution_writeoffs",
              "cob_rule", "same_plan_as", "employer", "group_number", "note", "claims_use_ucr"},
    "patients": {"id", "name", "birthdate", "guarantor", "coverage", "benefits_used"},
    "coverage": {"plan", "order", "pending", "subscriber_id"},
    "procedures": {"id", "patient", "code", "date", "fee", "provider", "status", "tooth", "surface", "units",
                   "tp_order", "overrides", "no_bill", "completed", "visits", "note"},
    "claims": {"id", "plan", "procedures", "status", "date", "kind", "claim_no", "preauth_no", "sent_date"},
    "claim_payments": {"claim", "date", "check_no", "bank_no", "lines"},
    "lines": {"procedure", "paid", "writeoff", "deductible", "denied", "remarks"},
    "patient_payments": {"patient", "date", "amount", "method", "check_no", "bank_no", "procedure", "note"},
    "adjustments": {"patient", "date", "amount", "code", "procedure", "note"},
    "appointments": {"patient", "date", "status"},
    "adjustment_codes": {"code", "kind", "description"},
    "ledger_notes": {"patient", "date", "text"},
}


def test_only_known_keys(doc, pr):
    assert set(doc) <= KNOWN_KEYS["top"]
    assert set(pr) <= KNOWN_KEYS["practice"]
    for table, rows in pr.items():
        if isinstance(rows, list):
            for row in rows:
                assert set(row) <= KNOWN_KEYS[table], (table, set(row) - KNOWN_KEYS[table])
    for p in pr["patients"]:
        for c in p["coverage"]:
            assert set(c) <= KNOWN_KEYS["coverage"]
    for cp in pr["claim_payments"]:
        for line in cp["lines"]:
            assert set(line) <= KNOWN_KEYS["lines"]


def _money_values(pr):
    for s in pr["fee_schedules"]:
        yield from s["fees"].values()
    for p in pr["plans"]:
        for k in ("annual_max", "family_annual_max", "deductible", "family_deductible"):
            if k in p:
                yield p[k]
        yield from p.get("category_limits", {}).values()
    for p in pr["procedures"]:
        yield p["fee"]
    for cp in pr["claim_payments"]:
        for line in cp["lines"]:
            yield from (line["paid"], line["writeoff"], line["deductible"])
    for row in pr["patient_payments"] + pr["adjustments"]:
        yield row["amount"]


def test_money_is_exact_dollars_and_cents(pr):
    for v in _money_values(pr):
        assert isinstance(v, (Decimal, int)) and not isinstance(v, bool), v
        assert Decimal(v) == Decimal(v).quantize(Decimal("0.01")), v


def test_ids_are_readable_unique_and_resolve(pr):
    patients = index(pr["patients"])
    procs = index(pr["procedures"])
    claims = index(pr["claims"])
    plans = index(pr["plans"])
    codes = index(pr["procedure_codes"], "code")
    scheds = index(pr["fee_schedules"])
    assert len(patients) == len(pr["patients"]) and len(procs) == len(pr["procedures"])
    assert all(pid.startswith("FAM") and "_P" in pid for pid in patients)
    assert all(x.startswith("X") for x in procs) and all(c.startswith("C") for c in claims)
    providers = index(pr["providers"])
    for p in pr["procedures"]:
        assert p["patient"] in patients and p["code"] in codes and p["provider"] in providers
    for c in pr["claims"]:
        assert c["plan"] in plans and all(x in procs for x in c["procedures"])
        assert len({procs[x]["patient"] for x in c["procedures"]}) == 1  # one patient per claim
    for cp in pr["claim_payments"]:
        claim = claims[cp["claim"]]
        assert all(line["procedure"] in claim["procedures"] for line in cp["lines"])
    for row in pr["patient_payments"] + pr["adjustments"] + pr["appointments"] + pr["ledger_notes"]:
        assert row["patient"] in patients
        if row.get("procedure"):
            assert procs[row["procedure"]]["patient"] == row["patient"]
    for plan in pr["plans"]:
        assert plan["subscriber"] in patients
        for k in ("fee_schedule", "allowed_fee_schedule", "copay_schedule"):
            assert k not in plan or plan[k] in scheds
    for s in pr["fee_schedules"]:
        assert set(s["fees"]) <= set(codes)
    for p in pr["patients"]:
        assert patients[p["guarantor"]]["guarantor"] == p["guarantor"]
        assert all(c["plan"] in plans for c in p["coverage"])


# --- people ----------------------------------------------------------------------------------------

def test_families_and_names(pr):
    patients = pr["patients"]
    families = defaultdict(list)
    for p in patients:
        families[p["guarantor"]].append(p)
    assert len(families) >= 12 and len(patients) >= 40
    assert all(", " in p["name"] for p in patients)
    assert any(len(members) == 1 and "O'Brien" in members[0]["name"] for members in families.values())
    names = [p["name"] for p in patients]
    assert any("-" in n.split(",")[0] for n in names)
    assert any("José" in n for n in names)
    assert any("[" in n and "]" in n and n.startswith("Bracket,") for n in names)
    # children are on a parent's account: the guarantor is an adult old enough to be a parent
    for g, members in families.items():
        born = day(index(patients)[g]["birthdate"])
        for p in members:
            if (day(pr["as_of"]) - day(p["birthdate"])).days < 18 * 365:
                assert (day(p["birthdate"]) - born).days > 18 * 365, p["name"]
    # a retired couple
    assert any(len(m) == 2 and all(day(p["birthdate"]).year < 1956 for p in m) for m in families.values())


def test_spouses_cover_each_other(pr):
    patients = index(pr["patients"])
    plans = index(pr["plans"])
    found = False
    for a in patients.values():
        cov = {c["order"]: c["plan"] for c in a["coverage"]}
        if 1 in cov and 2 in cov and plans[cov[1]]["subscriber"] == a["id"]:
            b = patients[plans[cov[2]]["subscriber"]]
            bcov = {c["order"]: c["plan"] for c in b["coverage"]}
            found |= bcov.get(1) == cov[2] and bcov.get(2) == cov[1] and a["guarantor"] == b["guarantor"]
    assert found


def test_coverage_variety(pr):
    cov = [(p, c) for p in pr["patients"] for c in p["coverage"]]
    assert len({p["id"] for p, c in cov if c["order"] == 2}) >= 3
    assert any(c["order"] == 3 for p, c in cov)
    assert any(c.get("pending") for p, c in cov)
    assert any(p.get("benefits_used") for p in pr["patients"])
    assert any(c.get("subscriber_id") for p, c in cov)


# --- reference data --------------------------------------------------------------------------------

def test_providers_codes_and_fees(pr):
    assert len(pr["providers"]) == 3
    codes = index(pr["procedure_codes"], "code")
    assert len(codes) >= 60
    for c in ("D0120 D0150 D0210 D0220 D0274 D0330 D1110 D1120 D1206 D1351 D2140 D2150 D2330 D2391 D2392 "
              "D2393 D2740 D2750 D2950 D3310 D3330 D4341 D4342 D4910 D5110 D6010 D7140 D7210 D8080 "
              "D9110").split():
        assert c in codes
    for c in codes.values():
        if c["category"] == "diagnostic_xray":
            assert c["categories"] == ["general", "diagnostic", "diagnostic_xray"]
    assert codes["D2392"]["substitution_code"] == "D2150"
    assert codes["D2392"]["substitution_condition"] == "posterior"
    office = next(s for s in pr["fee_schedules"] if s["kind"] == "office")
    assert set(office["fees"]) == set(codes)
    assert all(p["fee_schedule"] == office["id"] for p in pr["providers"])
    for s in pr["fee_schedules"]:
        if s["kind"] == "allowed":  # contracted fees are below the office's
            assert all(v <= office["fees"][c] for c, v in s["fees"].items())


def test_carriers_and_adjustment_codes(pr):
    names = " ".join(c["name"] for c in pr["carriers"])
    for n in ("Delta Dental", "MetLife", "Cigna", "Aetna", "Guardian", "Medicaid", "DMO"):
        assert n in names
    kinds = {a["code"]: a["kind"] for a in pr["adjustment_codes"]}
    in_network = {p["carrier"] for p in pr["plans"] if p["type"] in ("ppo", "flat_copay", "capitation")}
    wo = [c["writeoff_code"] for c in pr["carriers"] if c["id"] in in_network]
    assert len(wo) == len(set(wo)) == len(in_network)
    assert all(kinds[c] == "writeoff" for c in wo)
    assert kinds["COURTESY"] == "courtesy" and kinds["CONV"] == "converted"
    assert {"discount", "finance_charge", "refund"} <= set(kinds.values())


def test_every_plan_type_and_variant(pr):
    plans = pr["plans"]
    types = Counter(p["type"] for p in plans)
    assert set(types) == {"percentage", "ppo", "flat_copay", "capitation"}
    pct = [p for p in plans if p["type"] == "percentage"]
    assert any(p.get("renew_month") == 7 for p in pct)
    assert any(p.get("category_limits", {}).get("orthodontics") == 1500
               and p["coverage"].get("orthodontics") == 50 for p in pct)
    assert any("family_annual_max" in p and "family_deductible" in p for p in plans)
    assert any(p.get("frequency") and p.get("exclusions") for p in plans)
    assert any(p.get("allowed_fee_schedule") for p in pct)
    assert any(p["coverage"].get("restorative") == 80 and p["coverage"].get("crowns") == 50
               and p.get("annual_max") == 1500 and "preventive" in p.get("deductible_waived_on", ())
               for p in pct)
    scheds = index(pr["fee_schedules"])
    assert any(p["type"] == "ppo" and "copay_schedule" in p for p in plans)
    mcd = next(p for p in plans if p["type"] == "flat_copay")
    assert "fee_schedule" in mcd and "copay_schedule" in mcd
    cap = next(p for p in plans if p["type"] == "capitation")
    assert 0 in scheds[cap["copay_schedule"]]["fees"].values()
    assert any("employer" in p and "group_number" in p and "note" in p for p in plans)
    # blank (unknown) versus 0 (none)
    assert any("annual_max" not in p for p in plans if p["type"] in ("ppo", "percentage"))
    assert any(p.get("deductible") == 0 for p in plans)
    assert any(0 in p.get("coverage", {}).values() for p in plans)


# --- history ---------------------------------------------------------------------------------------

def test_history_shows_every_kind_of_posting(pr):
    assert {c["status"] for c in pr["claims"]} == {"unsent", "hold", "queued", "sent", "received", "preauth"}
    holds = [c for c in pr["claims"] if c["status"] == "hold"]
    assert holds and all(c.get("kind") == "secondary" for c in holds)
    assert all(c.get("preauth_no") for c in pr["claims"] if c["status"] == "preauth")
    lines = [line for cp in pr["claim_payments"] for line in cp["lines"]]
    assert all(cp.get("check_no") and cp.get("bank_no") for cp in pr["claim_payments"])
    assert any(line.get("denied") and line["paid"] == 0 and line.get("remarks") for line in lines)
    paid_lines = Counter((cp["claim"], x["procedure"]) for cp in pr["claim_payments"] for x in cp["lines"])
    assert any(n > 1 for n in paid_lines.values())  # a supplemental payment
    methods = Counter(p["method"] for p in pr["patient_payments"] if p["amount"] > 0)
    assert {"cash", "check", "card"} <= set(methods)
    checks = [p for p in pr["patient_payments"] if p["method"] == "check"]
    assert all(p.get("check_no") and p.get("bank_no") for p in checks)
    assert any(p["amount"] < 0 for p in pr["patient_payments"])  # a refund
    adj = pr["adjustments"]
    assert any(a["code"] == "COURTESY" and a["amount"] < 0 for a in adj)
    conv = [a for a in adj if a["code"] == "CONV"]
    assert conv and all(a["amount"] > 0 for a in conv)
    first_posting = min(p["date"] for p in pr["procedures"])
    assert min(a["date"] for a in conv) < first_posting
    assert any(a["code"] == "FIN" and a["amount"] > 0 for a in adj)
    procs = pr["procedures"]
    assert any(p.get("visits") for p in procs if p["code"].startswith("D27"))
    assert any(p.get("visits") for p in procs if p["code"].startswith("D33"))
    assert any(p.get("note") for p in procs)
    assert any(p["status"] == "planned" and "tp_order" in p for p in procs)
    assert {a["status"] for a in pr["appointments"]} == {"kept", "cancelled", "failed", "scheduled"}
    assert len(pr["ledger_notes"]) >= 3
    months = {p["date"][:7] for p in procs if p["status"] == "complete"}
    assert {f"2026-{m:02d}" for m in range(5, 12)} <= months


def test_dates_are_in_order(pr):
    as_of = day(pr["as_of"])
    procs = index(pr["procedures"])
    claims = index(pr["claims"])
    for p in procs.values():
        if p["status"] == "complete":
            assert day(p["date"]) <= as_of
            assert all(day(v) > day(p["date"]) and day(v) <= as_of for v in p.get("visits", []))
            if p.get("visits"):
                assert p["completed"] == p["visits"][-1]
    for c in claims.values():
        last = max(day(procs[x].get("completed", procs[x]["date"])) for x in c["procedures"])
        assert day(c["date"]) >= last or c["status"] == "preauth"
        assert day(c["date"]) <= as_of
        if "sent_date" in c:
            assert day(c["sent_date"]) >= day(c["date"])
    for cp in pr["claim_payments"]:
        assert day(claims[cp["claim"]]["date"]) < day(cp["date"]) <= as_of
    for row in pr["patient_payments"] + pr["adjustments"]:
        assert day(row["date"]) <= as_of
    for a in pr["appointments"]:
        assert (a["status"] == "scheduled") == (day(a["date"]) >= as_of)


# --- money that makes sense ------------------------------------------------------------------------

def _category_path(code: dict) -> list[str]:
    if "categories" in code:
        return code["categories"]
    return [code["category"]] if code["category"] == "orthodontics" else ["general", code["category"]]


def _covers(plan: dict, code: dict, scheds: dict) -> bool:
    if plan["type"] == "capitation" or code["code"] in plan.get("exclusions", ()):
        return False
    if plan["type"] == "flat_copay":
        return code["code"] in scheds[plan["fee_schedule"]]["fees"]
    if code["code"] in plan.get("code_coverage", {}):
        return plan["code_coverage"][code["code"]] > 0
    for cat in reversed(_category_path(code)):
        if cat in plan.get("coverage", {}):
            return plan["coverage"][cat] > 0
    return False


def test_claims_only_for_covered_complete_work(pr):
    procs = index(pr["procedures"])
    plans = index(pr["plans"])
    patients = index(pr["patients"])
    codes = index(pr["procedure_codes"], "code")
    scheds = index(pr["fee_schedules"])
    by_plan_proc = defaultdict(list)
    for c in pr["claims"]:
        plan = plans[c["plan"]]
        patient = patients[procs[c["procedures"][0]]["patient"]]
        cov = {x["plan"]: x for x in patient["coverage"]}
        assert c["plan"] in cov and not cov[c["plan"]].get("pending")
        for x in c["procedures"]:
            assert procs[x]["status"] == ("planned" if c["status"] == "preauth" else "complete")
            assert _covers(plan, codes[procs[x]["code"]], scheds), (c["id"], x)
        if c.get("kind") == "secondary":
            assert cov[c["plan"]]["order"] == 2
            primary_plan = next(x["plan"] for x in patient["coverage"] if x["order"] == 1)
            assert any(o["plan"] == primary_plan and o["procedures"] == c["procedures"]
                       and o.get("kind") != "secondary" for o in pr["claims"])
        elif c["status"] != "preauth":
            assert cov[c["plan"]]["order"] == 1
            for x in c["procedures"]:
                by_plan_proc[(c["plan"], x)].append(c["id"])
    assert all(len(v) == 1 for v in by_plan_proc.values())  # never billed twice


def test_in_network_work_is_billed(pr):
    """Every completed line the primary plan covers is on a claim (an unbilled PPO line would carry
    a write-off estimate forever); coverage still pending is not billed."""
    plans = index(pr["plans"])
    codes = index(pr["procedure_codes"], "code")
    scheds = index(pr["fee_schedules"])
    patients = index(pr["patients"])
    billed = {(c["plan"], x) for c in pr["claims"] for x in c["procedures"]}
    for p in pr["procedures"]:
        if p["status"] != "complete":
            continue
        for cov in patients[p["patient"]]["coverage"]:
            plan = plans[cov["plan"]]
            if cov["order"] == 1 and not cov.get("pending") and _covers(plan, codes[p["code"]], scheds):
                assert (plan["id"], p["id"]) in billed, p["id"]


def test_claim_payments_add_up(pr):
    procs = index(pr["procedures"])
    plans = index(pr["plans"])
    claims = index(pr["claims"])
    scheds = index(pr["fee_schedules"])
    taken = defaultdict(int)
    seen = set()
    for cp in pr["claim_payments"]:
        claim = claims[cp["claim"]]
        plan = plans[claim["plan"]]
        for line in cp["lines"]:
            p = procs[line["procedure"]]
            charge = cents(p["fee"]) * p.get("units", 1)
            assert line["writeoff"] >= 0 and line["deductible"] >= 0 and line["paid"] >= 0
            taken[p["id"]] += cents(line["paid"]) + cents(line["writeoff"])
            first = (claim["id"], p["id"]) not in seen
            seen.add((claim["id"], p["id"]))
            if line.get("denied"):
                assert line["paid"] == 0 and line["writeoff"] == 0
            elif first and claim.get("kind") != "secondary" and plan["type"] in ("ppo", "flat_copay"):
                fee = scheds[plan["fee_schedule"]]["fees"][p["code"]]
                assert cents(line["writeoff"]) == charge - cents(fee) * p.get("units", 1), p["id"]
            elif claim.get("kind") == "secondary" or plan["type"] == "percentage":
                assert line["writeoff"] == 0
    for pid, amount in taken.items():
        p = procs[pid]
        assert amount <= cents(p["fee"]) * p.get("units", 1), pid


def _running_balances(pr):
    """Per patient, the account balance at the end of every day with postings."""
    plans = index(pr["plans"])
    scheds = index(pr["fee_schedules"])
    procs = index(pr["procedures"])
    patients = index(pr["patients"])
    events = defaultdict(lambda: defaultdict(int))  # patient -> date -> change
    for p in procs.values():
        if p["status"] != "complete":
            continue
        charge = cents(p["fee"]) * p.get("units", 1)
        events[p["patient"]][p["date"]] += charge
        primary = [c for c in patients[p["patient"]]["coverage"] if c["order"] == 1 and not c.get("pending")]
        if primary and plans[primary[0]["plan"]]["type"] == "capitation":
            copays = scheds[plans[primary[0]["plan"]]["copay_schedule"]]["fees"]
            events[p["patient"]][p["date"]] -= charge - min(charge, cents(copays.get(p["code"], 0)))
    for cp in pr["claim_payments"]:
        for line in cp["lines"]:
            pat = procs[line["procedure"]]["patient"]
            events[pat][cp["date"]] -= cents(line["paid"]) + cents(line["writeoff"])
    for row in pr["patient_payments"]:
        events[row["patient"]][row["date"]] -= cents(row["amount"])
    for row in pr["adjustments"]:
        events[row["patient"]][row["date"]] += cents(row["amount"])
    for pat, changes in events.items():
        bal = 0
        for d in sorted(changes):
            bal += changes[d]
            yield pat, d, bal


def test_patients_never_pay_more_than_they_owe(pr):
    final = {}
    for pat, d, bal in _running_balances(pr):
        final[pat] = bal
        if fam(pat) != CREDIT_FAMILY:
            assert bal >= 0, (pat, d, bal)
    family_total = sum(b for p, b in final.items() if fam(p) == CREDIT_FAMILY)
    assert family_total < 0  # the one deliberate prepayment credit


def test_large_family_has_a_long_ledger(pr):
    procs = index(pr["procedures"])
    members = {p["id"] for p in pr["patients"] if fam(p["id"]) == LARGE_FAMILY}
    lines = sum(1 for p in pr["procedures"] if p["patient"] in members and p["status"] == "complete")
    lines += sum(1 for r in pr["patient_payments"] + pr["adjustments"] if r["patient"] in members)
    lines += sum(1 for cp in pr["claim_payments"] for line in cp["lines"]
                 if procs[line["procedure"]]["patient"] in members)
    assert lines > 1000
    dates = [day(p["date"]) for p in pr["procedures"] if p["patient"] in members]
    assert (max(dates) - min(dates)).days > 4 * 365


# --- through the app's own reader ------------------------------------------------------------------

def test_loads_through_the_practice_file_reader():
    practice_file = pytest.importorskip("store.files.practice_file")
    loaded = practice_file.load_practice_file(DEMO)
    practice = loaded.practice
    assert len(practice.patients) >= 40
    assert practice.as_of == date(2026, 11, 20)
