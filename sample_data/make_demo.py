#!/usr/bin/env python3
"""Write the demo office, ``sample_data/demo.json`` (one practice file, spec v1 + extensions).

    python sample_data/make_demo.py [OUT]

Deterministic: stdlib only, one ``random.Random(SEED)``, no clock, so re-running gives
byte-identical output. "Today" is ``AS_OF``. The money is worked out here with the
estimation rules (``../shared/spec/estimation.md``) in a simplified form, so EOBs, write-offs
and what patients pay at checkout all agree with each other:

- write-off on an in-network (PPO, Medicaid) primary line = charge - contracted fee;
- insurance pays (allowed - copay - deductible) x percent, cut to the annual / ortho maximum;
- a secondary pays at most charge - what the primary paid - its write-off;
- patients pay what is left, at checkout or after the EOB (never more, except the
  Whitfields' deliberate prepayment credit).

Layout: reference data (codes, fees, carriers, plans, patients) first, then the `Office`
bookkeeping helpers (visit, claim, payment), then one short story per family, then the
generated 5-year history of the large Delgado household, then the JSON writer.
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from random import Random

SEED = 20261120
AS_OF = date(2026, 11, 20)
GO_LIVE = date(2019, 10, 1)  # the office moved to DentLedger; older balances were converted
LOCK_DATE = date(2026, 6, 30)
OUT = Path(__file__).with_name("demo.json")

D = date.fromisoformat


class Money(int):
    """Cents that the writer prints as dollars with two decimals."""


def dollars(text: str | int) -> Money:
    whole, _, frac = str(text).partition(".")
    sign = -1 if whole.startswith("-") else 1
    return Money(sign * (abs(int(whole)) * 100 + int((frac + "00")[:2])))


def pct_of(cents: int, percent: int) -> int:
    """cents x percent / 100, rounded once, half to even (the spec's one rule)."""
    q, r = divmod(cents * percent, 100)
    if r * 2 > 100 or (r * 2 == 100 and q % 2):
        q += 1
    return q


def workday(d: date) -> date:
    """The office is open Monday to Friday: move a weekend date to Monday."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


# --- procedure codes and the office fee schedule ----------------------------------------------
# code | description | category | office fee

CODES_TEXT = """
D0120|Periodic oral evaluation|diagnostic|65
D0140|Limited oral evaluation, problem focused|diagnostic|95
D0145|Oral evaluation, patient under three|diagnostic|60
D0150|Comprehensive oral evaluation|diagnostic|115
D0160|Detailed and extensive oral evaluation|diagnostic|165
D0170|Re-evaluation, limited, problem focused|diagnostic|75
D0180|Comprehensive periodontal evaluation|diagnostic|125
D0350|Oral/facial photographic images|diagnostic|60
D0460|Pulp vitality tests|diagnostic|45
D0470|Diagnostic casts|diagnostic|95
D0210|Intraoral complete series of images|diagnostic_xray|165
D0220|Intraoral periapical, first image|diagnostic_xray|35
D0230|Intraoral periapical, each additional image|diagnostic_xray|28
D0240|Intraoral occlusal image|diagnostic_xray|45
D0272|Bitewings, two images|diagnostic_xray|55
D0274|Bitewings, four images|diagnostic_xray|80
D0330|Panoramic image|diagnostic_xray|140
D0340|Cephalometric image|diagnostic_xray|135
D1110|Prophylaxis, adult|preventive|115
D1120|Prophylaxis, child|preventive|80
D1206|Topical fluoride varnish|preventive|45
D1208|Topical fluoride, excluding varnish|preventive|40
D1310|Nutritional counseling|preventive|35
D1330|Oral hygiene instructions|preventive|35
D1351|Sealant, per tooth|preventive|55
D1354|Caries arresting medicament, per tooth|preventive|40
D1510|Space maintainer, fixed, unilateral|preventive|375
D2140|Amalgam, one surface|restorative|135
D2150|Amalgam, two surfaces|restorative|165
D2160|Amalgam, three surfaces|restorative|195
D2161|Amalgam, four or more surfaces|restorative|230
D2330|Composite, one surface, anterior|restorative|150
D2331|Composite, two surfaces, anterior|restorative|185
D2332|Composite, three surfaces, anterior|restorative|220
D2335|Composite, four or more surfaces, anterior|restorative|265
D2391|Composite, one surface, posterior|restorative|160
D2392|Composite, two surfaces, posterior|restorative|195
D2393|Composite, three surfaces, posterior|restorative|240
D2394|Composite, four or more surfaces, posterior|restorative|285
D2940|Protective restoration|restorative|95
D2740|Crown, porcelain/ceramic|crowns|1250
D2750|Crown, porcelain fused to high noble metal|crowns|1195
D2790|Crown, full cast high noble metal|crowns|1150
D2920|Re-cement or re-bond crown|crowns|120
D2930|Prefabricated stainless steel crown, primary tooth|crowns|285
D2950|Core buildup, including any pins|crowns|285
D2954|Prefabricated post and core|crowns|325
D2962|Labial veneer, porcelain laminate|crowns|1350
D3110|Pulp cap, direct|endodontics|75
D3220|Therapeutic pulpotomy|endodontics|220
D3310|Root canal, anterior tooth|endodontics|850
D3320|Root canal, premolar tooth|endodontics|975
D3330|Root canal, molar tooth|endodontics|1175
D3346|Retreatment of root canal, anterior|endodontics|1050
D4210|Gingivectomy, four or more teeth, per quadrant|periodontics|650
D4341|Scaling and root planing, four or more teeth, per quadrant|periodontics|260
D4342|Scaling and root planing, one to three teeth, per quadrant|periodontics|185
D4355|Full mouth debridement|periodontics|185
D4381|Local antimicrobial agent, per tooth|periodontics|95
D4910|Periodontal maintenance|periodontics|165
D5110|Complete denture, maxillary|prosthodontics|1850
D5120|Complete denture, mandibular|prosthodontics|1850
D5213|Partial denture, maxillary, cast metal framework|prosthodontics|2050
D5214|Partial denture, mandibular, cast metal framework|prosthodontics|2050
D5650|Add tooth to existing partial denture|prosthodontics|325
D5751|Reline complete mandibular denture, laboratory|prosthodontics|425
D6010|Implant body, endosteal|prosthodontics|2300
D6058|Implant crown, abutment supported, porcelain/ceramic|prosthodontics|1650
D6240|Pontic, porcelain fused to high noble metal|prosthodontics|1150
D6750|Retainer crown, porcelain fused to high noble metal|prosthodontics|1195
D7140|Extraction, erupted tooth or exposed root|oral_surgery|185
D7210|Extraction, surgical, erupted tooth|oral_surgery|295
D7220|Removal of impacted tooth, soft tissue|oral_surgery|350
D7230|Removal of impacted tooth, partially bony|oral_surgery|425
D7240|Removal of impacted tooth, completely bony|oral_surgery|495
D7953|Bone replacement graft, ridge preservation|oral_surgery|450
D8070|Comprehensive orthodontics, transitional dentition|orthodontics|1600
D8080|Comprehensive orthodontics, adolescent dentition|orthodontics|1800
D8090|Comprehensive orthodontics, adult dentition|orthodontics|2000
D8660|Pre-orthodontic treatment examination|orthodontics|150
D8670|Periodic orthodontic treatment visit|orthodontics|175
D8680|Orthodontic retention|orthodontics|450
D9110|Palliative treatment of dental pain|adjunctive|95
D9230|Nitrous oxide analgesia|adjunctive|75
D9310|Consultation, other than requesting dentist|adjunctive|110
D9944|Occlusal guard, hard appliance, full arch|adjunctive|550
D9972|External bleaching, per arch|adjunctive|350
D9986|Missed appointment|adjunctive|50
"""

# Composites downgrade to the amalgam of the same surfaces on back teeth.
SUBSTITUTIONS = {"D2391": "D2140", "D2392": "D2150", "D2393": "D2160", "D2394": "D2161"}


def _parse_codes():
    codes, office = {}, {}
    for line in CODES_TEXT.strip().splitlines():
        code, desc, cat, fee = line.split("|")
        entry = {"code": code, "description": desc, "category": cat}
        if cat == "diagnostic_xray":
            entry["categories"] = ["general", "diagnostic", "diagnostic_xray"]
        if code in SUBSTITUTIONS:
            entry["substitution_code"] = SUBSTITUTIONS[code]
            entry["substitution_condition"] = "posterior"
        codes[code] = entry
        office[code] = dollars(fee)
    return codes, office


CODES, OFFICE_FEES = _parse_codes()


def category_path(code: str) -> list[str]:
    entry = CODES[code]
    if "categories" in entry:
        return entry["categories"]
    return [entry["category"]] if entry["category"] == "orthodontics" else ["general", entry["category"]]


def _contract(seed: int, ratio: float, skip_categories=(), skip_codes=(), only=None) -> dict:
    """A contracted fee schedule: about ratio x the office fee, whole dollars, a little jitter."""
    rng = Random(seed)
    fees = {}
    for code, fee in OFFICE_FEES.items():
        jitter = rng.uniform(0.94, 1.05)  # drawn for every code so schedules stay stable
        if only is not None and code not in only:
            continue
        if CODES[code]["category"] in skip_categories or code in skip_codes:
            continue
        fees[code] = Money(min(fee, round(fee * ratio * jitter / 100) * 100))
    return fees


NOT_IN_PPO = ("D9230", "D9310", "D9944", "D9972", "D9986")  # non-covered: no contracted fee
MEDICAID_CODES = ("D0120 D0140 D0145 D0150 D0220 D0230 D0272 D0274 D0330 D1110 D1120 D1206 D1351 "
                  "D2140 D2150 D2330 D2391 D2392 D2393 D2930 D3220 D7140 D7210 D9110").split()


def fee_schedules() -> list[dict]:
    sched = [
        ("OFFICE", "office", "Office fees (UCR) 2026", dict(OFFICE_FEES)),
        ("PPO-DELTA", "allowed", "Delta Dental PPO fees",
         _contract(11, 0.68, skip_codes=NOT_IN_PPO)),
        ("PPO-MET", "allowed", "MetLife PDP fees",
         _contract(12, 0.72, skip_categories=("orthodontics",), skip_codes=NOT_IN_PPO)),
        ("PPO-CIGNA", "allowed", "Cigna DPPO fees",
         _contract(13, 0.64, skip_categories=("orthodontics",), skip_codes=NOT_IN_PPO)),
        ("PPO-AETNA", "allowed", "Aetna Dental PPO fees",
         _contract(14, 0.70, skip_categories=("orthodontics",), skip_codes=NOT_IN_PPO)),
        ("GUARD-ALLOWED", "allowed", "Guardian out-of-network allowed amounts",
         _contract(15, 0.86, skip_categories=("orthodontics", "prosthodontics"),
                   skip_codes=NOT_IN_PPO + ("D0350", "D2962", "D9110"))),
        ("MCD-FEES", "allowed", "State Medicaid fee schedule", _contract(16, 0.45, only=MEDICAID_CODES)),
        ("MCD-COPAY", "copay", "State Medicaid copays", {
            c: dollars(v) for c, v in (("D0120", 0), ("D0145", 0), ("D0150", 0), ("D1120", 0),
                                       ("D1206", 0), ("D1351", 0), ("D2391", 3), ("D2392", 3),
                                       ("D2393", 3), ("D7140", 3), ("D7210", 3), ("D9110", 3))}),
        ("DMO-COPAY", "copay", "DentiCare DMO copays", {
            c: dollars(v) for c, v in (("D0120", 0), ("D0150", 0), ("D0210", 0), ("D0272", 0),
                                       ("D0274", 0), ("D0330", 0), ("D1110", 0), ("D1120", 0),
                                       ("D1206", 0), ("D1351", 10), ("D2391", 45), ("D2392", 60),
                                       ("D2393", 75), ("D2740", 395), ("D2950", 95),
                                       ("D3330", 375), ("D4341", 65), ("D4910", 40),
                                       ("D7140", 25), ("D7210", 70), ("D9110", 15))}),
        ("MET-COPAY", "copay", "MetLife PDP Plus member copays", {
            c: dollars(v) for c, v in (("D0120", 5), ("D0150", 10), ("D1110", 15), ("D1120", 10),
                                       ("D2391", 20), ("D2392", 25), ("D2393", 30),
                                       ("D2740", 150), ("D2950", 40))}),
    ]
    return [{"id": i, "kind": k, "name": n, "fees": f} for i, k, n, f in sched]


SCHEDULES = {s["id"]: s["fees"] for s in fee_schedules()}

PROVIDERS = [
    {"id": "DDS1", "name": "Reyes, Ana", "fee_schedule": "OFFICE"},
    {"id": "DDS2", "name": "Chen, Marcus", "fee_schedule": "OFFICE"},
    {"id": "RDH1", "name": "Patel, Priya", "fee_schedule": "OFFICE"},
]
HYGIENE = {"D1110", "D1120", "D1206", "D1208", "D1330", "D1351", "D0210", "D0220", "D0230",
           "D0272", "D0274", "D0330", "D4341", "D4342", "D4355", "D4381", "D4910"}

CARRIERS = [
    {"id": "DELTA", "name": "Delta Dental", "writeoff_code": "WO-DELTA", "electronic_id": "94276"},
    {"id": "MET", "name": "MetLife", "writeoff_code": "WO-MET", "electronic_id": "65978"},
    {"id": "CIGNA", "name": "Cigna", "writeoff_code": "WO-CIGNA", "electronic_id": "62308"},
    {"id": "AETNA", "name": "Aetna", "writeoff_code": "WO-AETNA", "electronic_id": "60054"},
    {"id": "GUARD", "name": "Guardian", "electronic_id": "64246"},  # out of network: nothing written off
    {"id": "MCD", "name": "State Medicaid (TMHP)", "writeoff_code": "WO-MCD"},
    {"id": "DMO", "name": "DentiCare DMO", "writeoff_code": "WO-DMO"},
]

ADJUSTMENT_CODES = [
    {"code": "WO-DELTA", "kind": "writeoff", "description": "Delta Dental PPO write-off"},
    {"code": "WO-MET", "kind": "writeoff", "description": "MetLife PPO write-off"},
    {"code": "WO-CIGNA", "kind": "writeoff", "description": "Cigna PPO write-off"},
    {"code": "WO-AETNA", "kind": "writeoff", "description": "Aetna PPO write-off"},
    {"code": "WO-MCD", "kind": "writeoff", "description": "Medicaid write-off (fee schedule)"},
    {"code": "WO-DMO", "kind": "writeoff", "description": "DMO capitation write-off"},
    {"code": "COURTESY", "kind": "courtesy", "description": "Professional courtesy"},
    {"code": "SRDISC", "kind": "discount", "description": "Senior discount 10%"},
    {"code": "CASHDISC", "kind": "discount", "description": "Prompt-pay cash discount 5%"},
    {"code": "CONV", "kind": "converted", "description": "Balance converted from previous system"},
    {"code": "FIN", "kind": "finance_charge", "description": "Finance charge 1.5% per month"},
    {"code": "REFUND", "kind": "refund", "description": "Refund of credit balance"},
    {"code": "BADDEBT", "kind": "writeoff", "description": "Bad debt write-off"},
]

# --- plans ---------------------------------------------------------------------------------------

DIAG_PREV = {"diagnostic": 100, "diagnostic_xray": 100, "preventive": 100}
STANDARD = {**DIAG_PREV, "restorative": 80, "endodontics": 80, "periodontics": 80,
            "oral_surgery": 80, "crowns": 50, "prosthodontics": 50}
WAIVED = ["diagnostic", "diagnostic_xray", "preventive"]


def M(text) -> Money:
    return dollars(text)


PLANS = [
    {"id": "PL_DELTA_RH", "carrier": "DELTA", "subscriber": "FAM01_P1", "type": "ppo",
     "fee_schedule": "PPO-DELTA", "coverage": {**STANDARD, "orthodontics": 50},
     "code_coverage": {"D9110": 80}, "annual_max": M(1500), "category_limits": {"orthodontics": M(2000)},
     "deductible": M(50), "family_deductible": M(150), "deductible_waived_on": WAIVED,
     "employer": "Riverside Hospital", "group_number": "RH-20041",
     "note": "Ortho 50% to age 19, lifetime max 2,000.00"},
    {"id": "PL_DELTA_SL", "carrier": "DELTA", "subscriber": "FAM08_P1", "type": "ppo",
     "fee_schedule": "PPO-DELTA", "code_coverage": {"D9110": 80},
     # prosthodontics and the annual maximum not verified yet: left absent (unknown), not 0
     "coverage": {**DIAG_PREV, "restorative": 80, "endodontics": 80, "periodontics": 80,
                  "oral_surgery": 80, "crowns": 50},
     "deductible": M(50), "deductible_waived_on": WAIVED,
     "employer": "Summit Logistics", "group_number": "SL-1180",
     "note": "Annual max not confirmed - call Delta before major work"},
    {"id": "PL_MET_BH", "carrier": "MET", "subscriber": "FAM07_P1", "type": "ppo",
     "fee_schedule": "PPO-MET", "copay_schedule": "MET-COPAY", "coverage": {**STANDARD, "orthodontics": 0},
     "annual_max": M(2000), "deductible": M(50), "family_deductible": M(150),
     "deductible_waived_on": WAIVED, "employer": "Brightline Health", "group_number": "BH-77120"},
    {"id": "PL_CIGNA_CE", "carrier": "CIGNA", "subscriber": "FAM03_P1", "type": "ppo",
     "fee_schedule": "PPO-CIGNA", "coverage": STANDARD, "annual_max": M(1500), "deductible": M(0),
     "employer": "Cascade Engineering", "group_number": "CE-3310", "note": "No deductible"},
    {"id": "PL_CIGNA_MTA", "carrier": "CIGNA", "subscriber": "FAM11_P2", "type": "ppo",
     "fee_schedule": "PPO-CIGNA", "coverage": STANDARD, "annual_max": M(1250), "deductible": M(75),
     "deductible_waived_on": WAIVED, "employer": "Metro Transit Authority", "group_number": "MTA-9002"},
    {"id": "PL_AETNA_EVS", "carrier": "AETNA", "subscriber": "FAM12_P1", "type": "ppo",
     "fee_schedule": "PPO-AETNA", "coverage": STANDARD, "annual_max": M(1500), "deductible": M(50),
     "deductible_waived_on": WAIVED, "employer": "Evergreen Software", "group_number": "EVS-2210"},
    {"id": "PL_AETNA_LSD", "carrier": "AETNA", "subscriber": "FAM03_P2", "type": "percentage",
     "coverage": {**STANDARD, "adjunctive": 0}, "annual_max": M(1500), "deductible": M(50),
     "deductible_waived_on": WAIVED, "renew_month": 7, "employer": "Lakeside School District",
     "group_number": "LSD-0417", "note": "Benefit year July-June (school district)"},
    {"id": "PL_GUARD_HV", "carrier": "GUARD", "subscriber": "FAM02_P1", "type": "percentage",
     "allowed_fee_schedule": "GUARD-ALLOWED", "coverage": {**STANDARD, "orthodontics": 0},
     "annual_max": M(1500), "deductible": M(50), "deductible_waived_on": WAIVED,
     "frequency": [{"code": "D1110", "quantity": 2, "per": "benefit_year"},
                   {"code": "D0274", "quantity": 1, "per": "benefit_year"},
                   {"code": "D0210", "quantity": 1, "per": "years", "count": 5}],
     "exclusions": ["D9972", "D2962"], "employer": "Harbor View Medical Group",
     "group_number": "GL-558201", "note": "Out of network; pays from Guardian's allowed amounts"},
    {"id": "PL_GUARD_NF", "carrier": "GUARD", "subscriber": "FAM07_P2", "type": "percentage",
     "coverage": {**DIAG_PREV, "restorative": 80, "endodontics": 50, "oral_surgery": 50,
                  "periodontics": 50, "crowns": 50},
     "annual_max": M(1000), "deductible": M(50), "deductible_waived_on": WAIVED,
     "employer": "Northside Freight"},
    {"id": "PL_MET_NWT", "carrier": "MET", "subscriber": "FAM10_P1", "type": "percentage",
     "coverage": {**STANDARD, "orthodontics": 50}, "annual_max": M(1500),
     "family_annual_max": M(4000), "category_limits": {"orthodontics": M(1500)},
     "deductible": M(50), "family_deductible": M(150), "deductible_waived_on": WAIVED,
     "employer": "Northwind Traders", "group_number": "NWT-4400",
     "note": "Ortho lifetime max 1,500.00; family max 4,000.00"},
    {"id": "PL_MCD", "carrier": "MCD", "subscriber": "FAM05_P1", "type": "flat_copay",
     "fee_schedule": "MCD-FEES", "copay_schedule": "MCD-COPAY", "note": "Children's Medicaid / CHIP"},
    {"id": "PL_DMO", "carrier": "DMO", "subscriber": "FAM06_P1", "type": "capitation",
     "copay_schedule": "DMO-COPAY", "employer": "City of Fairview",
     "group_number": "COF-DMO-12", "note": "Assigned office: capitation, patient pays the copay"},
]
PLAN_BY_ID = {p["id"]: p for p in PLANS}

# --- families and patients ------------------------------------------------------------------------
# (id, "Last, First", birthdate, [(plan, order, extras)]); the first member is the guarantor.

FAMILIES = {
    "FAM01": [  # the Delgado household: parents, grandparents, aunt, four children
        ("Delgado, Roberto", "1976-08-14", [("PL_DELTA_RH", 1)]),
        ("Delgado, Elena", "1979-01-23", [("PL_DELTA_RH", 1)]),
        ("Delgado, José", "1946-03-19", []),
        ("Delgado, Rosa", "1949-07-07", []),
        ("Delgado, Sofia", "2008-02-11", [("PL_DELTA_RH", 1)]),
        ("Delgado, Mateo", "2011-10-30", [("PL_DELTA_RH", 1)]),
        ("Delgado, Lucia", "2015-05-06", [("PL_DELTA_RH", 1)]),
        ("Delgado, Gabriel", "2019-12-01", [("PL_DELTA_RH", 1)]),
        ("Delgado-Ruiz, Carmen", "1982-09-09", []),
        ("Ruiz, Nicolás", "2012-02-17", []),  # Carmen's son
    ],
    "FAM02": [("O'Brien, Kathleen", "1990-03-17", [("PL_GUARD_HV", 1)])],
    "FAM03": [  # spouses cover each other; children: mother's plan first (birthday rule)
        ("Bennett, Mark", "1976-09-19", [("PL_CIGNA_CE", 1), ("PL_AETNA_LSD", 2)]),
        ("Bennett, Laura", "1978-03-03", [("PL_AETNA_LSD", 1), ("PL_CIGNA_CE", 2)]),
        ("Bennett, Owen", "2013-07-22", [("PL_AETNA_LSD", 1), ("PL_CIGNA_CE", 2)]),
        ("Bennett, Ella", "2017-01-30", [("PL_AETNA_LSD", 1), ("PL_CIGNA_CE", 2)]),
    ],
    "FAM04": [  # retired couple, no insurance
        ("Whitfield, Harold", "1949-02-11", []),
        ("Whitfield, Margaret", "1952-10-04", []),
    ],
    "FAM05": [
        ("Hernandez, Maria", "1991-12-08", [("PL_MCD", 1)]),
        ("Hernandez, Diego", "2013-04-14", [("PL_MCD", 1)]),
        ("Hernandez, Isabella", "2016-11-02", [("PL_MCD", 1)]),
        ("Hernandez, Carlos", "2020-06-25", [("PL_MCD", 1)]),
    ],
    "FAM06": [
        ("Kim, David", "1984-05-30", [("PL_DMO", 1)]),
        ("Kim, Grace", "1986-08-21", [("PL_DMO", 1)]),
        ("Kim, Noah", "2018-03-09", [("PL_DMO", 1)]),
    ],
    "FAM07": [  # blended family: Emily is on her mother's, stepfather's and father's plans
        ("Reed, Jennifer", "1983-04-21", [("PL_MET_BH", 1)]),
        ("Reed, Thomas", "1980-12-02", [("PL_GUARD_NF", 1)]),
        ("Kowalski, Emily", "2012-09-15", [("PL_MET_BH", 1), ("PL_GUARD_NF", 2), ("PL_DELTA_SL", 3)]),
    ],
    "FAM08": [("Kowalski, Peter", "1981-06-30", [("PL_DELTA_SL", 1)])],
    "FAM09": [("Bracket, [b]Ann[/b]", "2000-01-01", [])],  # test record: markup in a name
    "FAM10": [
        ("Thompson, Brian", "1977-11-14", [("PL_MET_NWT", 1)]),
        ("Thompson, Rachel", "1979-02-08", [("PL_MET_NWT", 1)]),
        ("Thompson, Tyler", "2011-05-19", [("PL_MET_NWT", 1)]),
        ("Thompson, Chloe", "2014-10-27", [("PL_MET_NWT", 1)]),
    ],
    "FAM11": [
        ("Washington, Tanya", "1986-06-12", [("PL_CIGNA_MTA", 1)]),
        ("Washington, James", "1984-01-25", [("PL_CIGNA_MTA", 1)]),
        ("Washington, Jaylen", "2014-09-03", [("PL_CIGNA_MTA", 1)]),
        ("Washington, Maya", "2018-12-19", [("PL_CIGNA_MTA", 1)]),
        ("Washington, Andre", "2021-04-11", [("PL_CIGNA_MTA", 1)]),
    ],
    "FAM12": [
        ("Nguyen, Minh", "1987-08-08", [("PL_AETNA_EVS", 1)]),
        ("Nguyen, Linh", "1989-03-29", [("PL_AETNA_EVS", 1, {"pending": True})]),
        ("Nguyen, An", "2019-10-05", [("PL_AETNA_EVS", 1)]),
    ],
    "FAM13": [  # uninsured, slow payers: finance charges
        ("Sullivan, Patrick", "1968-10-30", []),
        ("Sullivan, Deborah", "1970-04-16", []),
    ],
}
CREDIT_FAMILY = "FAM04"  # the one deliberate credit balance (prepayment)
LARGE_FAMILY = "FAM01"

SUBSCRIBER_ID_PREFIX = {"DELTA": "DDP", "MET": "MET", "CIGNA": "U", "AETNA": "W", "GUARD": "GRD",
                        "MCD": "MCD ", "DMO": "DC"}
BENEFITS_USED = {"FAM02_P1": [{"plan": "PL_GUARD_HV", "paid": M("385.00"), "deductible_met": M(50)}]}


def build_patients(rng: Random) -> list[dict]:
    patients = []
    for fam, members in FAMILIES.items():
        for n, (name, born, cov) in enumerate(members, 1):
            pid = f"{fam}_P{n}"
            coverage = []
            for plan, order, *extra in cov:
                c = {"plan": plan, "order": order, **(extra[0] if extra else {})}
                if rng.random() < 0.6:  # some member ids known, some not
                    prefix = SUBSCRIBER_ID_PREFIX[PLAN_BY_ID[plan]["carrier"]]
                    c["subscriber_id"] = f"{prefix}{rng.randrange(10**8, 10**9)}"
                coverage.append(c)
            p = {"id": pid, "name": name, "birthdate": born, "guarantor": f"{fam}_P1", "coverage": coverage}
            if pid in BENEFITS_USED:
                p["benefits_used"] = BENEFITS_USED[pid]
            patients.append(p)
    return patients


# --- the estimation rules, simplified, to make EOBs that agree with the plans ------------------

POSTERIOR = set("1 2 3 4 5 12 13 14 15 16 17 18 19 20 21 28 29 30 31 32 A B I J K L S T".split())


def benefit_year(plan: dict, d: date) -> int:
    renew = plan.get("renew_month") or 1
    return d.year if d.month >= renew else d.year - 1


def percent_for(plan: dict, code: str) -> int:
    if plan["type"] in ("flat_copay", "capitation"):
        return 100
    if code in plan.get("code_coverage", {}):
        return plan["code_coverage"][code]
    for cat in reversed(category_path(code)):
        if cat in plan.get("coverage", {}):
            return plan["coverage"][cat]
    return 0


def plan_covers(plan: dict, code: str) -> bool:
    """Would the office bill this plan for the code (a claim makes sense)?"""
    if plan["type"] == "capitation" or code in plan.get("exclusions", ()):
        return False
    if plan["type"] == "flat_copay":
        return code in SCHEDULES[plan["fee_schedule"]]
    return percent_for(plan, code) > 0


def allowed_and_copay(plan: dict, proc: dict) -> tuple[int, int]:
    code, units, charge = proc["code"], proc.get("units", 1), proc["fee"] * proc.get("units", 1)
    billed = code
    if plan["type"] in ("ppo", "flat_copay"):
        fees = SCHEDULES[plan["fee_schedule"]]
        sub = SUBSTITUTIONS.get(code)
        if sub and proc.get("tooth") in POSTERIOR and sub in fees and fees[sub] <= fees.get(code, 10**9):
            billed = sub
        allowed = fees.get(billed, proc["fee"]) * units
    elif plan.get("allowed_fee_schedule"):
        allowed = SCHEDULES[plan["allowed_fee_schedule"]].get(code, proc["fee"]) * units
    else:
        allowed = charge
    allowed = min(allowed, charge)
    copay = 0
    if plan.get("copay_schedule"):
        copay = min(SCHEDULES[plan["copay_schedule"]].get(billed, 0) * units, allowed)
    return allowed, copay


def contract_writeoff(plan: dict, proc: dict) -> int:
    """charge - contracted fee of the billed code (PPO and Medicaid primary lines)."""
    if plan["type"] not in ("ppo", "flat_copay"):
        return 0
    fee = SCHEDULES[plan["fee_schedule"]].get(proc["code"])
    if fee is None:
        return 0
    units = proc.get("units", 1)
    return max(0, proc["fee"] * units - fee * units)


# --- the office: bookkeeping helpers ------------------------------------------------------------

class Office:
    def __init__(self, rng: Random):
        self.rng = rng
        self.patients = {p["id"]: p for p in build_patients(rng)}
        self.procs: list[dict] = []
        self.claims: list[dict] = []
        self.claim_payments: list[dict] = []
        self.patient_payments: list[dict] = []
        self.adjustments: list[dict] = []
        self.appointments: dict[tuple[str, date], str] = {}
        self.ledger_notes: list[dict] = []
        self.used = defaultdict(lambda: [0, 0])  # (plan, patient, year) -> [paid, deductible]
        self.family_used = defaultdict(lambda: [0, 0])  # (plan, year)
        self.lifetime = defaultdict(int)  # (plan, patient, category) for lifetime limits
        self.seq = 0
        self.check_numbers = defaultdict(lambda: rng.randrange(100000, 900000))
        self.claim_numbers = defaultdict(lambda: rng.randrange(1000000, 9000000))
        self.banks = {}
        for p in self.patients.values():
            for b in p.get("benefits_used", ()):
                year = benefit_year(PLAN_BY_ID[b["plan"]], AS_OF)
                self.used[(b["plan"], p["id"], year)][0] += b["paid"]
                self.used[(b["plan"], p["id"], year)][1] += b["deductible_met"]

    # -- small helpers
    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def age(self, pat: str, d: date) -> int:
        b = D(self.patients[pat]["birthdate"])
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    def family(self, pat: str) -> str:
        return pat.split("_")[0]

    def coverage(self, pat: str) -> list[dict]:
        """The patient's plans in order, without coverage still pending verification."""
        cov = sorted(self.patients[pat]["coverage"], key=lambda c: c["order"])
        return [c for c in cov if not c.get("pending")]

    def appt(self, pat: str, d: date, status: str):
        self.appointments.setdefault((pat, d), status)

    def note(self, pat: str, d: date, text: str):
        self.ledger_notes.append({"patient": pat, "date": d, "text": text})

    # -- procedures
    def proc(self, pat, code, d, *, tooth=None, surface=None, provider=None, units=1, status="complete",
             tp_order=None, note=None, visits=(), fee=None) -> dict:
        fee = OFFICE_FEES[code] if fee is None else fee
        p = {"patient": pat, "code": code, "date": d, "fee": Money(fee),
             "units": units, "provider": provider or ("RDH1" if code in HYGIENE else "DDS1"),
             "status": status, "tooth": tooth, "surface": surface, "tp_order": tp_order,
             "visits": list(visits), "note": note, "_seq": self.next_seq()}
        if visits and status == "complete":
            p["completed"] = visits[-1]
        self.procs.append(p)
        return p

    def planned(self, pat, code, tp_order, **kw) -> dict:
        return self.proc(pat, code, AS_OF, status="planned", tp_order=tp_order, **kw)

    @staticmethod
    def done_on(p: dict) -> date:
        return p.get("completed") or p["date"]

    # -- insurance
    def adjudicate(self, plan_id: str, order: int, proc: dict, prior: tuple[int, int]):
        """(paid, write-off, deductible) this plan pays on one line, as the plan's rules say;
        records the deductible and maximum used. prior = (paid, write-off) of earlier plans."""
        plan = PLAN_BY_ID[plan_id]
        pat, code = proc["patient"], proc["code"]
        charge = proc["fee"] * proc.get("units", 1)
        allowed, copay = allowed_and_copay(plan, proc)
        pct = percent_for(plan, code)
        year = benefit_year(plan, self.done_on(proc))
        mine, fam = self.used[(plan_id, pat, year)], self.family_used[(plan_id, year)]
        ded = 0
        waived = any(c in plan.get("deductible_waived_on", ()) for c in category_path(code))
        if pct and plan.get("deductible") and not waived:
            left = plan["deductible"] - mine[1]
            if plan.get("family_deductible") is not None:
                left = min(left, plan["family_deductible"] - fam[1])
            ded = max(0, min(left, allowed - copay))
        paid = pct_of(allowed - copay - ded, pct) if plan["type"] != "capitation" else 0
        cat_limit = plan.get("category_limits", {}).get(CODES[code]["category"])
        if cat_limit is not None:
            paid = min(paid, max(0, cat_limit - self.lifetime[(plan_id, pat, CODES[code]["category"])]))
        elif plan.get("annual_max") is not None:
            left = plan["annual_max"] - mine[0]
            if plan.get("family_annual_max") is not None:
                left = min(left, plan["family_annual_max"] - fam[0])
            paid = min(paid, max(0, left))
        if order >= 2:  # standard COB: never more than what is left of the charge
            paid = min(paid, max(0, charge - prior[0] - prior[1]))
        writeoff = 0
        if order == 1:
            writeoff = min(contract_writeoff(plan, proc), charge - paid)
        if cat_limit is not None:
            self.lifetime[(plan_id, pat, CODES[code]["category"])] += paid
        else:
            mine[0] += paid
            fam[0] += paid
        mine[1] += ded
        fam[1] += ded
        return paid, writeoff, ded

    def claim(self, plan_id, procs, status, d, *, kind=None, preauth_no=None) -> dict:
        carrier = PLAN_BY_ID[plan_id]["carrier"]
        c = {"plan": plan_id, "procs": list(procs), "status": status, "date": d, "kind": kind,
             "_seq": self.next_seq()}
        if status in ("sent", "received"):
            c["sent_date"] = d
            self.claim_numbers[carrier] += self.rng.randrange(3, 400)
            c["claim_no"] = f"{carrier[:2]}{d.year % 100:02d}{self.claim_numbers[carrier]:07d}"
        if preauth_no:
            c["preauth_no"] = preauth_no
        self.claims.append(c)
        return c

    def pay_claim(self, claim, d, lines) -> dict:
        """lines: [(proc, paid, writeoff, deductible, extra)]; the claim becomes received."""
        carrier = PLAN_BY_ID[claim["plan"]]["carrier"]
        self.check_numbers[carrier] += self.rng.randrange(1, 60)
        pay = {"claim": claim, "date": d, "check_no": str(self.check_numbers[carrier]),
               "bank_no": INSURER_BANKS[carrier],
               "lines": [{"procedure": p, "paid": Money(a), "writeoff": Money(w), "deductible": Money(x), **e}
                         for p, a, w, x, e in lines], "_seq": self.next_seq()}
        claim["status"] = "received"
        self.claim_payments.append(pay)
        return pay

    # -- money at the desk
    def pay(self, pat, d, amount, method=None, *, procedure=None, note=None) -> dict | None:
        if amount == 0:
            return None
        method = method or self.rng.choice(("card", "card", "card", "check", "cash"))
        pp = {"patient": pat, "date": d, "amount": Money(amount), "method": method,
              "procedure": procedure, "note": note, "_seq": self.next_seq()}
        if method == "check":
            fam = self.family(pat)
            if fam not in self.banks:
                self.banks[fam] = (self.rng.randrange(1001, 4000), f"{self.rng.randrange(10**8, 10**9)}")
            num, bank = self.banks[fam]
            self.banks[fam] = (num + self.rng.randrange(1, 9), bank)
            pp["check_no"], pp["bank_no"] = str(num), bank
        self.patient_payments.append(pp)
        return pp

    def adjust(self, pat, d, amount, code, *, procedure=None, note=None) -> dict:
        a = {"patient": pat, "date": d, "amount": Money(amount), "code": code, "procedure": procedure,
             "note": note, "_seq": self.next_seq()}
        self.adjustments.append(a)
        return a

    # -- a whole visit: procedures, claims, EOBs, what the patient pays
    def visit(self, pat, d, items, *, claim="received", eob_days=None, sec="received", pay="checkout",
              method=None, deny=None, provider=None) -> dict:
        """items: (code, tooth, surface, extras) tuples or codes. claim: status of the primary
        claim (None = not billed yet). pay: "checkout" (estimated portion at the desk), "eob"
        (after the last EOB), "none", or an amount. deny: {code: remarks} lines the carrier denies."""
        procs = []
        for it in items:
            code, tooth, surface, extra = _item(it)
            prov = extra.pop("provider", None) or (provider if code not in HYGIENE else None)
            procs.append(self.proc(pat, code, d, tooth=tooth, surface=surface, provider=prov, **extra))
        last = max(self.done_on(p) for p in procs)
        for day in {d, *(v for p in procs for v in p["visits"])}:
            self.appt(pat, day, "kept")
        owed = {id(p): p["fee"] * p["units"] for p in procs}
        result = {"procs": procs, "claims": [], "payments": []}
        cov = self.coverage(pat)
        if cov and PLAN_BY_ID[cov[0]["plan"]]["type"] == "capitation":
            plan = PLAN_BY_ID[cov[0]["plan"]]
            for p in procs:  # the app posts charge - copay as the capitation write-off
                owed[id(p)] = allowed_and_copay(plan, p)[1]
        elif cov and claim:
            self._bill(procs, cov, claim, sec, d=max(last, d), eob_days=eob_days, deny=deny or {},
                       owed=owed, result=result)
        self._collect(pat, d, procs, owed, pay, method, result)
        return result

    def _bill(self, procs, cov, status, sec, *, d, eob_days, deny, owed, result):
        """The primary claim (and its EOB when it has come back), then the secondary."""
        primary = cov[0]["plan"]
        billable = [p for p in procs if plan_covers(PLAN_BY_ID[primary], p["code"])]
        if not billable:
            return
        eob = d + timedelta(days=eob_days or self.rng.randint(12, 33))
        if status == "received" and eob >= AS_OF:
            status = "sent"
        c1 = self.claim(primary, billable, "sent" if status == "received" else status, d)
        result["claims"].append(c1)
        lines, prior = [], {}
        for p in billable:
            if p["code"] in deny:
                lines.append((p, 0, 0, 0, {"denied": True, "remarks": deny[p["code"]]}))
                prior[id(p)] = (0, 0)
                continue
            paid, wo, ded = self.adjudicate(primary, 1, p, (0, 0))
            prior[id(p)] = (paid, wo)
            owed[id(p)] -= paid + wo
            lines.append((p, paid, wo, ded, {} if paid else {"remarks": self.zero_reason(primary, p, ded)}))
        if status == "received":
            result["payments"].append(self.pay_claim(c1, workday(eob), lines))
        second = [c for c in cov if c["order"] == 2]
        if not second:
            return
        sec_plan = second[0]["plan"]
        sec_status = "hold" if c1["status"] != "received" else sec
        eob2 = workday(eob + timedelta(days=self.rng.randint(10, 25)))
        if sec_status == "received" and eob2 >= AS_OF:
            sec_status = "unsent"
        c2 = self.claim(sec_plan, billable, "sent" if sec_status == "received" else sec_status,
                        workday(eob + timedelta(days=2)) if c1["status"] == "received" else d,
                        kind="secondary")
        result["claims"].append(c2)
        lines2 = []
        for p in billable:
            paid, _, ded = self.adjudicate(sec_plan, 2, p, prior[id(p)])
            owed[id(p)] -= paid
            lines2.append((p, paid, 0, ded, {}))
        if sec_status == "received":
            result["payments"].append(self.pay_claim(c2, eob2, lines2))

    @staticmethod
    def zero_reason(plan_id: str, proc: dict, ded: int) -> str:
        """The EOB remark on a line the plan paid nothing on."""
        if ded:
            return "Applied to deductible"
        if CODES[proc["code"]]["category"] in PLAN_BY_ID[plan_id].get("category_limits", {}):
            return "Lifetime orthodontic maximum met"
        return "Annual maximum met"

    def _collect(self, pat, d, procs, owed, pay, method, result):
        due = sum(owed.values())
        if pay == "none" or due <= 0:
            return
        if pay == "checkout":
            self.pay(pat, d, due, method, note="Paid at checkout" if self.rng.random() < 0.2 else None)
        elif pay == "eob":
            last = max([p["date"] for p in result["payments"]] + [self.done_on(p) for p in procs])
            when = workday(last + timedelta(days=self.rng.randint(4, 20)))
            if when < AS_OF:
                self.pay(pat, when, due, method)
        else:
            self.pay(pat, d, min(due, pay), method)

    def balance(self, pat: str, upto: date) -> int:
        """The account balance on a date, as the ledger computes it (for finance charges)."""
        total = sum(p["fee"] * p["units"] for p in self.procs
                    if p["patient"] == pat and p["status"] == "complete" and p["date"] <= upto)
        for cp in self.claim_payments:
            if cp["date"] <= upto:
                total -= sum(x["paid"] + x["writeoff"] for x in cp["lines"] if x["procedure"]["patient"] == pat)
        mine = [r for r in self.patient_payments + self.adjustments if r["patient"] == pat and r["date"] <= upto]
        total -= sum(r["amount"] for r in mine if "method" in r)
        total += sum(r["amount"] for r in mine if "code" in r)
        return total


def _item(it) -> tuple:
    """A visit item: "D0120", or (code, tooth, surface, {extra procedure keys}) cut short."""
    parts = (it,) if isinstance(it, str) else tuple(it)
    code, tooth, surface, extra = parts + (None,) * (4 - len(parts))
    return code, tooth, surface, dict(extra or {})


INSURER_BANKS = {"DELTA": "121000248", "MET": "021000021", "CIGNA": "031100209", "AETNA": "011900571",
                 "GUARD": "026009593", "MCD": "111000025", "DMO": "122000247"}


# --- the families' stories (May to November 2026) -------------------------------------------------

def story_obrien(o: Office):
    k = "FAM02_P1"  # single, out-of-network Guardian: frequency, exclusion, a denied line
    o.visit(k, D("2026-05-14"), ["D0150", "D0274", "D1110"], pay="eob", method="card", deny={
        "D0274": "N130 Frequency: bitewings once per benefit year (paid 03/12/2026, other provider)"})
    o.visit(k, D("2026-06-02"), [("D2392", "19", "MO"), ("D2391", "20", "O")], provider="DDS2", pay="eob")
    bleach = ("D9972", None, None, {"units": 2, "note": "Upper and lower arch; cosmetic, excluded by plan"})
    o.visit(k, D("2026-08-18"), [bleach], pay="checkout", method="card")
    o.appt(k, D("2026-09-29"), "cancelled")
    o.visit(k, D("2026-11-12"), ["D0120", "D1110"], claim="sent", pay="none")
    o.appt(k, D("2027-05-13"), "scheduled")


def story_bennett(o: Office):
    mark, laura, owen, ella = (f"FAM03_P{i}" for i in range(1, 5))
    d = D("2026-05-20")
    o.visit(mark, d, ["D0120", "D1110", "D0274"])
    o.visit(laura, d, ["D0120", "D1110"])
    o.visit(owen, d, ["D0120", "D1120", "D1206", "D0272"])
    o.visit(ella, d, ["D0120", "D1120", "D1206"])
    o.note(mark, d, "Both spouses insured: Mark Cigna primary, Laura Aetna primary; children Aetna "
                    "first (Laura's birthday is earlier in the year).")
    o.visit(owen, D("2026-06-16"), [("D1351", t) for t in ("3", "14", "19", "30")], pay="eob")
    o.visit(mark, D("2026-07-09"), [("D2392", "30", "MO"), ("D2391", "29", "O")], pay="eob", method="check")
    o.visit(ella, D("2026-08-11"), [("D3220", "K"), ("D2930", "K"), ("D9230", None, None,
                                    {"note": "Nitrous for anxious child; not covered by Aetna"})],
            provider="DDS2")
    o.appt(laura, D("2026-09-15"), "failed")
    o.visit(laura, D("2026-10-07"), ["D0140", ("D0220", "8"), ("D2331", "8", "MI")], eob_days=16,
            sec="unsent", pay="none")
    o.visit(mark, D("2026-11-05"), [("D2393", "3", "MOD")], claim="sent", method="card")
    for p in (mark, laura, owen, ella):
        o.appt(p, D("2026-11-25") if p != laura else D("2026-12-02"), "scheduled")


def story_whitfield(o: Office):
    harold, margaret = "FAM04_P1", "FAM04_P2"  # retired, no insurance; the prepayment credit

    def discounted(pat, d, items, method="check", **kw):
        v = o.visit(pat, d, items, pay="none", **kw)
        charges = sum(p["fee"] * p["units"] for p in v["procs"])
        disc = pct_of(charges, 10)
        o.adjust(pat, d, -disc, "SRDISC", note="Senior discount 10%")
        o.pay(pat, d, charges - disc, method)

    discounted(harold, D("2026-05-27"), ["D0150", "D0210", "D1110"])
    discounted(margaret, D("2026-05-27"), ["D0150", "D0330", "D4355"])
    discounted(harold, D("2026-06-17"), ["D9310", ("D7140", "30"), ("D7953", "30")])
    o.pay(harold, D("2026-08-12"), M(3000), "check", note="Prepayment toward implant #30")
    o.note(harold, D("2026-08-12"), "Prepaid 3,000.00 by check toward implant #30. Leave the credit "
                                    "on account for the implant crown (D6058).")
    implant = o.visit(harold, D("2026-09-15"), [("D6010", "30")], pay="none")["procs"][0]
    o.adjust(harold, D("2026-09-15"), -pct_of(implant["fee"], 10), "SRDISC", procedure=implant,
             note="Senior discount 10%")
    o.planned(harold, "D6058", 1, tooth="30", note="Restore after 3-4 months of healing")
    o.planned(harold, "D9944", 2, note="Night guard discussed; patient thinking about it")
    o.appt(harold, D("2026-12-15"), "scheduled")
    partial = o.visit(margaret, D("2026-07-08"), [("D5213", None, None, {
        "visits": [D("2026-07-29"), D("2026-08-12")], "note": "Impressions; try-in 7/29; delivery 8/12"})],
        pay="none")["procs"][0]
    disc = pct_of(partial["fee"], 10)
    o.adjust(margaret, D("2026-07-08"), -disc, "SRDISC", procedure=partial, note="Senior discount 10%")
    o.pay(margaret, D("2026-07-08"), M(900), "card", procedure=partial, note="Half down on partial")
    rest = partial["fee"] - disc - M(900)
    o.pay(margaret, D("2026-08-12"), rest, "card", procedure=partial)
    o.pay(margaret, D("2026-08-14"), rest, "check", note="Statement paid by mail (duplicate)")
    o.pay(margaret, D("2026-08-28"), -rest, "check", note="Refund of duplicate payment of 08/14")
    o.appt(margaret, D("2026-10-21"), "cancelled")


def story_hernandez(o: Office):
    maria, diego, isabella, carlos = (f"FAM05_P{i}" for i in range(1, 5))
    d = D("2026-06-09")
    o.visit(diego, d, ["D0120", "D1120", "D1206", "D0272"], method="cash")
    o.visit(isabella, d, ["D0120", "D1120", "D1206"], method="cash")
    o.visit(carlos, d, ["D0120", "D1120", "D1206"], method="cash")
    o.visit(diego, D("2026-07-14"), [("D2392", "19", "MO"), ("D2391", "30", "O")], provider="DDS2",
            method="cash")
    o.visit(isabella, D("2026-07-14"), [("D1351", t) for t in ("3", "14", "19", "30")])
    o.visit(maria, D("2026-09-22"), ["D0140", ("D0220", "16"), ("D7210", "16")], provider="DDS2",
            method="cash")
    o.appt(carlos, D("2026-10-20"), "failed")
    o.note(maria, D("2026-10-20"), "Carlos no-show; Medicaid patients are not charged for missed visits.")
    # Medicaid pays its fee and the rest is written off when the EOB arrives; keep these received
    # (an unpaid flat_copay line has no write-off estimate, so it would show as owed by the family)
    for kid in (diego, isabella, carlos):
        o.visit(kid, D("2026-10-27"), ["D0120", "D1120", "D1206"], eob_days=17, method="cash")


def story_kim(o: Office):
    david, grace, noah = "FAM06_P1", "FAM06_P2", "FAM06_P3"  # DMO: copays only
    d = D("2026-06-23")
    o.visit(david, d, ["D0120", "D1110", "D0274"])
    o.visit(grace, d, ["D0120", "D1110", "D0274"])
    o.visit(noah, d, ["D0120", "D1120", "D1206"])
    o.visit(david, D("2026-07-21"), [("D2392", "14", "MO"), ("D2391", "15", "O")], method="cash")
    o.appt(noah, D("2026-09-08"), "failed")
    o.visit(grace, D("2026-10-13"), [("D3330", "19", None, {"visits": [D("2026-10-27")],
                                      "note": "Two visits: instrumentation 10/13, obturation 10/27"})],
            provider="DDS2", method="card")
    o.planned(grace, "D2950", 1, tooth="19")
    o.planned(grace, "D2740", 2, tooth="19")
    o.appt(noah, D("2026-12-22"), "scheduled")


def story_reed(o: Office):
    jennifer, thomas, emily = "FAM07_P1", "FAM07_P2", "FAM07_P3"
    d = D("2026-06-25")
    o.visit(jennifer, d, ["D0120", "D1110", "D0274"])
    o.visit(emily, d, ["D0120", "D1120", "D1206", "D0272"])
    o.note(emily, d, "Emily: mother's MetLife primary, stepfather's Guardian secondary, father's "
                     "Delta (Peter Kowalski) third. Custody papers on file.")
    o.visit(emily, D("2026-08-06"), [("D2392", "30", "MO")], pay="eob")
    o.visit(thomas, D("2026-09-30"), ["D0150", "D0210", "D1110", "D0180"], method="check")
    o.planned(thomas, "D4341", 1, surface="UR")
    o.planned(thomas, "D4341", 2, surface="LR")
    o.planned(thomas, "D4342", 3, surface="UL")
    o.planned(jennifer, "D2950", 1, tooth="14")
    o.planned(jennifer, "D2740", 2, tooth="14")
    o.appt(thomas, D("2026-12-08"), "scheduled")


def story_peter(o: Office):
    peter = "FAM08_P1"
    o.visit(peter, D("2026-07-15"), ["D0140", ("D0220", "30"), ("D9110", "30")], provider="DDS2",
            method="check")
    rct = o.visit(peter, D("2026-07-22"), [("D3330", "30", None, {
        "visits": [D("2026-08-05")], "note": "Canals MB, DB, P; temporary filling between visits"})],
        eob_days=23, pay="none")
    line = rct["payments"][0]["lines"][0]
    short = M(60)
    line["paid"] = Money(line["paid"] - short)  # paid below the contracted fee by mistake
    line["remarks"] = "Paid at non-contracted allowance; appeal sent"
    supplemental = o.pay_claim(rct["claims"][0], D("2026-09-24"), [
        (line["procedure"], short, 0, 0, {"remarks": "Supplemental: reprocessed at contracted fee"})])
    proc = rct["procs"][0]
    due = proc["fee"] - sum(l["paid"] + l["writeoff"] for cp in (rct["payments"][0], supplemental)
                            for l in cp["lines"])
    o.pay(peter, D("2026-10-01"), due, "check", procedure=proc)
    o.planned(peter, "D2950", 1, tooth="30")
    o.planned(peter, "D2740", 2, tooth="30", note="Crown needed after root canal")
    o.appt(peter, D("2026-12-03"), "scheduled")


def story_bracket(o: Office):
    ann = "FAM09_P1"  # an obviously fake record whose name holds markup
    o.visit(ann, D("2026-06-01"), [("D0150", None, None, {"note": "[red]not markup[/red] - test note"})],
            method="cash")
    o.note(ann, D("2026-06-01"), "TEST RECORD for markup safety: name and notes contain [b]square "
                                 "brackets[/b]. Do not send statements.")
    o.planned(ann, "D1110", 1, note="[link=http://example.com]test[/link]")


def story_thompson(o: Office):
    brian, rachel, tyler, chloe = (f"FAM10_P{i}" for i in range(1, 5))
    d = D("2026-05-26")
    o.visit(brian, d, ["D0120", "D1110", "D0274"])
    o.visit(rachel, d, ["D0120", "D1110", "D0274"])
    o.visit(tyler, d, ["D0120", "D1110", "D0272", "D8660"])
    o.visit(chloe, d, ["D0120", "D1120", "D1206", "D0272"])
    o.visit(tyler, D("2026-06-15"), ["D0340", "D0330", "D0470", ("D8080", None, None, {
        "note": "Full braces placed; 24-month treatment, contract signed"})], provider="DDS2", method="card")
    for day in ("2026-07-13", "2026-08-10", "2026-09-14", "2026-10-12", "2026-11-09"):
        o.visit(tyler, D(day), ["D8670"], provider="DDS2", method="card")
    o.appt(tyler, D("2026-12-07"), "scheduled")
    o.visit(brian, D("2026-08-20"), [("D4341", None, "UR"), ("D4341", None, "LR")], pay="eob", method="check")
    o.visit(rachel, D("2026-09-09"), [("D2391", "5", "O")])
    build = o.planned(rachel, "D2950", 1, tooth="3")
    crown = o.planned(rachel, "D2740", 2, tooth="3", note="Cracked cusp; preauthorization sent")
    o.claim("PL_MET_NWT", [build, crown], "preauth", D("2026-10-28"), preauth_no="PA-MT-2026-3317")
    o.visit(brian, D("2026-11-16"), ["D0120", "D4910"], claim="sent", pay="none")
    o.visit(chloe, D("2026-11-16"), ["D0120", "D1120", "D1206"], claim="sent")


def story_washington(o: Office):
    tanya, james, jaylen, maya, andre = (f"FAM11_P{i}" for i in range(1, 6))
    d = D("2026-08-04")
    for p in (tanya, james):
        o.visit(p, d, ["D0120", "D1110", "D0274"], method="card")
    for p in (jaylen, maya):
        o.visit(p, d, ["D0120", "D1120", "D1206", "D0272"], method="card")
    o.visit(andre, d, ["D0120", "D1120", "D1206"], method="card")
    o.visit(andre, D("2026-09-17"), ["D0140", ("D0220", "E"), ("D7140", "E", None, {
        "note": "Fell at playground; fractured primary incisor"})], pay="eob", method="card")
    o.appt(james, D("2026-10-06"), "failed")  # before the visit, so the day stays "failed"
    missed = o.visit(james, D("2026-10-06"), ["D9986"], pay="none")["procs"][0]
    o.adjust(james, D("2026-10-08"), -missed["fee"], "COURTESY", procedure=missed,
             note="First missed appointment waived")
    o.visit(jaylen, D("2026-11-18"), [("D2391", "19", "O")], claim="unsent", pay="none")
    o.visit(james, D("2026-11-18"), [("D2392", "3", "MO")], claim="unsent", pay="none")


def story_nguyen(o: Office):
    minh, linh, an = "FAM12_P1", "FAM12_P2", "FAM12_P3"
    d = D("2026-10-21")
    o.visit(minh, d, ["D0150", "D0210", "D1110"], eob_days=20, method="card")
    o.visit(an, d, ["D0150", "D1120", "D1206"], eob_days=20, method="card")
    o.visit(minh, D("2026-11-19"), [("D2392", "30", "DO"), ("D2391", "31", "O")], claim="queued",
            method="card")
    o.visit(linh, D("2026-11-19"), ["D0150", "D0274", "D1110"], pay="none")
    o.note(linh, D("2026-11-19"), "Linh added to Minh's Aetna plan this month; eligibility pending. "
                                  "Bill once verified.")


def story_sullivan(o: Office):
    patrick, deborah = "FAM13_P1", "FAM13_P2"  # uninsured, slow payers: finance charges
    o.visit(patrick, D("2026-05-12"), ["D0140", ("D0220", "14"), ("D7210", "14"), ("D7953", "14")],
            pay=M(200), method="cash")
    o.visit(deborah, D("2026-06-03"), ["D0120", "D1110", "D0274"], method="card")
    for day, amount, method in (("2026-07-20", 150, "check"), ("2026-09-15", 100, "card"),
                                ("2026-11-02", 100, "cash")):
        o.pay(patrick, D(day), M(amount), method)
    for month_end in ("2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-30"):
        bal = o.balance(patrick, D(month_end))
        if bal > 0:
            o.adjust(patrick, D(month_end), _finance(bal), "FIN",
                     note="Finance charge 1.5% on past-due balance")
    o.note(patrick, D("2026-06-30"), "Statement sent; balance past 30 days.")
    o.note(patrick, D("2026-08-03"), "Called patient: agreed to pay 100-150 a month.")
    o.note(patrick, D("2026-10-01"), "Second notice sent. Finance charges per signed financial policy.")
    o.appt(patrick, D("2026-08-25"), "failed")
    o.appt(deborah, D("2026-12-09"), "scheduled")


def _finance(balance: int) -> int:
    """1.5% of the balance, rounded half to even (15 per mille)."""
    q, r = divmod(balance * 15, 1000)
    if r * 2 > 1000 or (r * 2 == 1000 and q % 2):
        q += 1
    return q


# --- the large family: the Delgado household, generated over five and a half years ---------------

MOLARS = "2 3 14 15 18 19 30 31".split()
GABRIEL_FIRST = date(2022, 11, 28)  # first visit, just before his third birthday
PREMOLARS = "4 5 12 13 20 21 28 29".split()
ANTERIOR = "6 7 8 9 10 11 22 23 24 25 26 27".split()
PRIMARY_MOLARS = "A B I J K L S T".split()


class Delgado:
    """Recalls every six months (parents, children together), perio maintenance every three
    months for José, dentures for Rosa, two years of braces for Sofia, and fillings or a crown
    now and then: about a thousand ledger lines, each visit billed, paid and settled."""

    def __init__(self, o: Office, rng: Random):
        self.o, self.rng = o, rng
        (self.rob, self.elena, self.jose, self.rosa, self.sofia, self.mateo, self.lucia, self.gabriel,
         self.carmen, self.nico) = (f"FAM01_P{i}" for i in range(1, 11))
        self.queue: list = []
        self.last_bw: dict[str, date] = {}
        self.sealed: set[tuple[str, int]] = set()
        self.seen: set[str] = set()
        self.quit_recall: set[str] = set()

    def push(self, d: date, kind: str, *pats):
        self.queue.append((workday(d), self.o.next_seq(), kind, pats))

    def run(self):
        o = self.o
        conv = GO_LIVE - timedelta(days=1)
        o.adjust(self.rob, conv, M("245.00"), "CONV", note="Balance forward from previous system")
        o.note(self.rob, conv, f"Converted {conv:%m/%d/%Y}: balance forward 245.00. Household "
                               "account: grandparents and Carmen are billed to Roberto.")
        o.pay(self.rob, D("2019-10-16"), M("245.00"), "check", note="Converted balance paid")
        self.push(D("2019-10-08"), "recall", self.rob, self.elena)
        self.push(D("2019-10-15"), "recall", self.sofia, self.mateo, self.lucia)
        self.push(D("2019-11-04"), "recall", self.jose, self.rosa)
        self.push(D("2019-12-02"), "recall", self.carmen, self.nico)
        self.push(D("2021-11-09"), "dentures", self.rosa)
        self.push(D("2022-01-18"), "ortho", self.sofia, 24)
        self.push(D("2023-03-14"), "srp", self.elena)
        self.push(D("2024-08-20"), "ortho", self.mateo, 30)
        self.push(D("2026-09-10"), "crown", self.rob)
        while self.queue:
            self.queue.sort()
            d, _, kind, pats = self.queue.pop(0)
            if d >= AS_OF:
                for p in pats:
                    if kind in ("recall", "perio"):
                        o.appt(p, d, "scheduled")
                continue
            getattr(self, kind)(d, *pats)
        self.planned_work()

    # -- helpers
    def policy(self, pat: str) -> str:
        insured = bool(self.o.coverage(pat))
        return ("checkout" if self.rng.random() < (0.6 if insured else 0.85) else "eob")

    def maybe_missed(self, pat: str, d: date):
        if pat not in self.seen:
            return  # a new patient has no earlier appointment to miss
        r = self.rng.random()
        before = workday(d - timedelta(days=self.rng.randint(5, 12)))
        if r < 0.05:
            self.o.appt(pat, before, "failed")
            if self.o.age(pat, before) >= 18:
                fee = self.o.visit(pat, before, ["D9986"], pay="none")["procs"][0]  # day stays "failed"
                if self.rng.random() < 0.5:
                    self.o.adjust(pat, workday(before + timedelta(days=1)), -fee["fee"], "COURTESY",
                                  procedure=fee, note="Missed appointment fee waived")
                else:
                    self.o.pay(pat, d, fee["fee"], procedure=fee)
        elif r < 0.14:
            self.o.appt(pat, before, "cancelled")

    def treat_later(self, d: date, pat: str, chance: float):
        if self.rng.random() < chance:
            self.push(d + timedelta(days=self.rng.randint(14, 40)), "treat", pat)

    # -- events
    def recall(self, d: date, *pats):
        """One recall day for a group seen together; then book the group's next one."""
        pats = tuple(p for p in pats if p not in self.quit_recall)
        if pats and pats[0] == self.sofia and self.gabriel not in pats and d >= GABRIEL_FIRST:
            pats += (self.gabriel,)  # the youngest joins the children's recall day
        for pat in pats:
            self.maybe_missed(pat, d)
            self.o.visit(pat, d, self.recall_items(pat, d), pay=self.policy(pat))
            self.treat_later(d, pat, 0.3 if self.o.age(pat, d) >= 18 else 0.25)
        if self.jose in pats:  # José moves to perio maintenance; Rosa comes once a year
            pats, gap = tuple(p for p in pats if p != self.jose), (330, 380)
        else:
            gap = (240, 330) if self.carmen in pats else (168, 196)
        if pats:
            self.push(d + timedelta(days=self.rng.randint(*gap)), "recall", *pats)

    def recall_items(self, pat: str, d: date) -> list:
        age, first = self.o.age(pat, d), pat not in self.seen
        self.seen.add(pat)
        if pat == self.jose:
            self.push(d + timedelta(days=21), "srp", pat)
            return ["D0180", "D0210"]
        items = ["D0150" if first else ("D0145" if age < 3 else "D0120")]
        if pat == self.rosa and d > D("2022-02-01"):
            return items  # dentures: exam only
        items.append("D1110" if age >= 14 else "D1120")
        if age < 16:
            items.append("D1206")
        if first and age >= 18:
            items.append("D0210")
        elif age >= 5 and (pat not in self.last_bw or (d - self.last_bw[pat]).days > 330):
            items.append("D0274" if age >= 12 else "D0272")
            self.last_bw[pat] = d
        for min_age, teeth in ((6, ("3", "14", "19", "30")), (12, ("2", "15", "18", "31"))):
            if min_age <= age < min_age + 4 and (pat, min_age) not in self.sealed:
                self.sealed.add((pat, min_age))
                items += [("D1351", t) for t in teeth]
        return items

    def srp(self, d: date, pat: str):
        if pat == self.elena:  # periodontitis found: off regular recalls, onto perio maintenance
            self.quit_recall.add(pat)
        self.o.visit(pat, d, [("D4341", None, "UR"), ("D4341", None, "UL")], pay=self.policy(pat))
        self.o.visit(pat, workday(d + timedelta(days=14)), [("D4341", None, "LR"), ("D4341", None, "LL")],
                     pay=self.policy(pat))
        self.push(d + timedelta(days=100), "perio", pat)

    def perio(self, d: date, pat: str):
        self.maybe_missed(pat, d)
        items = ["D4910"]
        if d.month in (1, 2, 3, 7, 8, 9):
            items.insert(0, "D0120")
        if pat not in self.last_bw or (d - self.last_bw[pat]).days > 330:
            items.append("D0274")
            self.last_bw[pat] = d
        if self.rng.random() < 0.15:
            items.append(("D4381", self.rng.choice(MOLARS), None, {"units": 2}))
        self.o.visit(pat, d, items, pay=self.policy(pat))
        self.push(d + timedelta(days=self.rng.randint(84, 100)), "perio", pat)

    def treat(self, d: date, pat: str):
        age, r = self.o.age(pat, d), self.rng.random()
        prov = self.rng.choice(("DDS1", "DDS1", "DDS2"))
        seat = workday(d + timedelta(days=14))
        if age >= 18 and r < 0.14 and seat < AS_OF - timedelta(days=3):
            tooth = self.rng.choice(MOLARS + PREMOLARS)
            crown = self.rng.choice(("D2740", "D2750"))
            items = [("D2950", tooth),
                     (crown, tooth, None, {"visits": [seat], "note": "Prep and temporary; seat in two weeks"})]
        elif age >= 18 and r < 0.18 and seat < AS_OF:
            tooth = self.rng.choice(MOLARS)
            items = [("D0220", tooth), ("D3330", tooth, None, {"visits": [seat]})]
        else:
            items = [self.filling(age) for _ in range(self.rng.choice((1, 1, 2)))]
        self.o.visit(pat, d, items, provider=prov, pay=self.policy(pat))

    def filling(self, age: int):
        if age < 11 and self.rng.random() < 0.7:
            tooth = self.rng.choice(PRIMARY_MOLARS)
            if self.rng.random() < 0.1:
                return ("D2930", tooth)
            n = self.rng.choice((1, 2, 2))
            return (("D2391", "D2392")[n - 1], tooth, ("O", "MO")[n - 1])
        if self.rng.random() < 0.8:
            tooth = self.rng.choice(MOLARS + PREMOLARS)
            n = self.rng.choice((1, 2, 2, 3))
            surface = self.rng.choice((["O"], ["MO", "DO"], ["MOD"])[n - 1])
            return (("D2391", "D2392", "D2393")[n - 1], tooth, surface)
        tooth = self.rng.choice(ANTERIOR)
        n = self.rng.choice((1, 2, 3))
        surface = self.rng.choice((["M", "D", "F"], ["MF", "DL"], ["MIF"])[n - 1])
        return (("D2330", "D2331", "D2332")[n - 1], tooth, surface)

    def ortho(self, d: date, pat: str, months: int):
        o = self.o
        o.visit(pat, d, ["D8660", "D0340", "D0470"], provider="DDS2", pay="checkout", method="card")
        band = workday(d + timedelta(days=28))
        o.visit(pat, band, [("D8080", None, None, {"note": "Upper and lower braces; 24-month contract"})],
                provider="DDS2", pay="checkout", method="card")
        o.note(pat, band, f"Ortho contract: 1,800.00 at banding, then 175.00 a month for {months} months; "
                          "card on file, charged at each adjustment.")
        day = band
        for month in range(months):
            day = workday(day + timedelta(days=self.rng.randint(27, 35)))
            if day >= AS_OF:
                o.appt(pat, day, "scheduled")
                return
            note = {0: "First adjustment", months // 2: "Halfway; elastics started",
                    months - 1: "Last adjustment before debond"}
            item = ("D8670", None, None, {"note": note[month]}) if month in note else "D8670"
            o.visit(pat, day, [item], provider="DDS2", pay="checkout", method="card")
        debond = ("D8680", None, None, {"note": "Braces off; retainers delivered"})
        o.visit(pat, workday(day + timedelta(days=30)), [debond], provider="DDS2", pay="checkout", method="card")

    def dentures(self, d: date, pat: str):
        o = self.o
        o.visit(pat, d, [("D7140", t) for t in ("6", "7", "8", "9", "10", "11")], provider="DDS1",
                method="check")
        start = workday(d + timedelta(days=56))
        visits = [workday(start + timedelta(days=14)), workday(start + timedelta(days=28))]
        dent = o.visit(pat, start, [("D5110", None, None, {"visits": visits, "note": "Upper; try-in, delivery"}),
                                    ("D5214", None, None, {"visits": visits})], pay="none")
        total = sum(p["fee"] for p in dent["procs"])
        o.adjust(pat, start, -pct_of(total, 10), "SRDISC", note="Senior discount 10%")
        due = total - pct_of(total, 10)
        for i in range(4):  # four monthly installments by check
            amount = due // 4 + (due % 4 if i == 3 else 0)
            o.pay(pat, workday(start + timedelta(days=30 * i)), amount, "check",
                  note=f"Installment {i + 1} of 4")
        self.push(visits[-1] + timedelta(days=365 * 2 + 40), "reline", pat)

    def reline(self, d: date, pat: str):
        self.o.visit(pat, d, ["D0120", "D5751"], pay="checkout", method="check")

    def crown(self, d: date, pat: str):
        seat = D("2026-09-24")
        self.o.visit(pat, d, [("D2950", "19"), ("D2740", "19", None, {
            "visits": [seat], "note": "Cracked tooth #19; prep 9/10, seated 9/24"})], provider="DDS1",
            pay="eob", method="check", eob_days=20)

    def planned_work(self):
        o = self.o
        o.planned(self.rob, "D2392", 1, tooth="2", surface="MO")
        o.planned(self.elena, "D9944", 1, note="Grinding; night guard recommended")
        o.planned(self.mateo, "D2392", 1, tooth="19", surface="DO")
        o.planned(self.mateo, "D2391", 2, tooth="30", surface="O")
        o.planned(self.carmen, "D2950", 1, tooth="30")
        o.planned(self.carmen, "D2740", 2, tooth="30")
        o.planned(self.jose, "D4341", 1, surface="UR", note="Re-evaluate pocketing UR")
        o.planned(self.jose, "D2391", None, tooth="12", surface="O")


# --- putting it together and writing the file ------------------------------------------------------

STORIES = (story_obrien, story_bennett, story_whitfield, story_hernandez, story_kim, story_reed,
           story_peter, story_bracket, story_thompson, story_washington, story_nguyen, story_sullivan)


def build() -> dict:
    rng = Random(SEED)
    o = Office(rng)
    Delgado(o, rng).run()
    for story in STORIES:
        story(o)
    return finish(o)


def _clean(d: dict) -> dict:
    """Drop unknown/defaulted keys (None, [], units 1) and private keys."""
    out = {}
    for k, v in d.items():
        if k.startswith("_") or v is None or v == [] or (k == "units" and v == 1):
            continue
        out[k] = v.isoformat() if isinstance(v, date) else v
    return out


def finish(o: Office) -> dict:
    procs = sorted(o.procs, key=lambda p: (p["date"], p["patient"], p["_seq"]))
    for n, p in enumerate(procs, 1):
        p["id"] = f"X{n:04d}"
    claims = sorted(o.claims, key=lambda c: (c["date"], c["_seq"]))
    for n, c in enumerate(claims, 1):
        c["id"] = f"C{n:04d}"
    order = ("id", "patient", "code", "date", "fee", "units", "provider", "status", "tooth", "surface",
             "tp_order", "completed", "visits", "note")
    procedures = [_clean({k: ([v.isoformat() for v in p[k]] if k == "visits" else p.get(k)) for k in order})
                  for p in procs]
    claim_rows = [_clean({"id": c["id"], "plan": c["plan"], "procedures": [p["id"] for p in c["procs"]],
                          "status": c["status"], "date": c["date"], "kind": c["kind"],
                          "claim_no": c.get("claim_no"), "preauth_no": c.get("preauth_no"),
                          "sent_date": c.get("sent_date")}) for c in claims]
    payments = [_clean({"claim": cp["claim"]["id"], "date": cp["date"], "check_no": cp["check_no"],
                        "bank_no": cp["bank_no"],
                        "lines": [_clean({**l, "procedure": l["procedure"]["id"]}) for l in cp["lines"]]})
                for cp in sorted(o.claim_payments, key=lambda x: (x["date"], x["claim"]["id"], x["_seq"]))]

    def with_proc(rows, keys):
        return [_clean({k: (r[k]["id"] if k == "procedure" and r.get(k) else r.get(k)) for k in keys})
                for r in sorted(rows, key=lambda r: (r["date"], r["patient"], r["_seq"]))]

    practice = {
        "as_of": AS_OF.isoformat(),
        "preferences": {"ins_ppo_sec_writeoffs": False, "zero_writeoff_when_annual_max_exhausted": False,
                        "ins_est_recalc_received": False},
        "providers": PROVIDERS,
        "procedure_codes": list(CODES.values()),
        "fee_schedules": fee_schedules(),
        "carriers": CARRIERS,
        "plans": PLANS,
        "patients": list(o.patients.values()),
        "procedures": procedures,
        "claims": claim_rows,
        "claim_payments": payments,
        "patient_payments": with_proc(o.patient_payments, ("patient", "date", "amount", "method", "check_no",
                                                           "bank_no", "procedure", "note")),
        "adjustments": with_proc(o.adjustments, ("patient", "date", "amount", "code", "procedure", "note")),
        "appointments": [{"patient": p, "date": d.isoformat(), "status": s}
                         for (p, d), s in sorted(o.appointments.items(), key=lambda a: (a[0][1], a[0][0]))],
        "adjustment_codes": ADJUSTMENT_CODES,
        "ledger_notes": [_clean(n) for n in sorted(o.ledger_notes, key=lambda n: (n["date"], n["patient"]))],
        "lock_date": LOCK_DATE.isoformat(),
        "office": OFFICE,
    }
    return {
        "format": "dentledger-practice/1",
        "name": "DentLedger demo office: Riverside Family Dental",
        "why": "A realistic office to explore the app: 13 families, every plan type and claim status, "
               "and one large household (FAM01, the Delgados) with five years of history.",
        "source": "Generated by sample_data/make_demo.py (deterministic); see sample_data/README.md",
        "notes": "All names are fictional. FAM09 is a deliberate test record with markup in its name.",
        "practice": practice,
    }


# The practice as its statements print it (extension `practice.office`).
OFFICE = {
    "name": "Riverside Family Dental",
    "address": ["412 River Road, Suite 200", "Springfield, IL 62704"],
    "phone": "(217) 555-0142",
    "statement_message": "Thank you for choosing Riverside Family Dental. Payment is due within 30 days; "
                         "we accept cash, checks and cards. Questions about your account? Call us "
                         "Monday to Friday, 8:00 to 5:00.",
}


# -- the writer: money with two decimals; one line per row in the long lists

BULK = {"patients", "procedures", "claims", "claim_payments", "patient_payments", "adjustments",
        "appointments", "ledger_notes", "procedure_codes", "adjustment_codes"}


def _default(v):
    raise TypeError(f"not JSON: {v!r}")


def _scalar(v) -> str:
    if isinstance(v, Money):
        sign = "-" if v < 0 else ""
        return f"{sign}{abs(v) // 100}.{abs(v) % 100:02d}"
    return json.dumps(v, ensure_ascii=False, default=_default)


def _compact(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_compact(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_compact(x) for x in v) + "]"
    return _scalar(v)


def _pretty(v, indent: int, key: str | None = None) -> str:
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(v, list) and key in BULK:
        if not v:
            return "[]"
        return "[\n" + ",\n".join(inner + _compact(x) for x in v) + "\n" + pad + "]"
    flat = _compact(v)
    if not isinstance(v, (dict, list)) or len(flat) + indent <= 100:
        return flat
    if isinstance(v, dict):
        body = ",\n".join(f"{inner}{json.dumps(k)}: {_pretty(x, indent + 2, k)}" for k, x in v.items())
        return "{\n" + body + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + _pretty(x, indent + 2) for x in v) + "\n" + pad + "]"


def render(doc: dict) -> str:
    return _pretty(doc, 0) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.write_text(render(build()), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
