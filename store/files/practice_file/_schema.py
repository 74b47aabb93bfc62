"""The practice file's objects, key by key, in the spec's order (which is also the order we write)."""
from __future__ import annotations

from estimator import model as m

from ._kinds import (
    F, Bool, Date, DateTime, Entity, Enum, Int, ListOf, MapOf, Money, Percent, Ref, Text,
)

FORMAT = "dentledger-practice/1"

ID = Text(nonempty=True, what="an id", sort="id")
NAME = Text(nonempty=True, sort="name")
TEXT = Text()
MONEY = Money()
SIGNED = Money(signed=True)
CATEGORY = Enum(m.CATEGORIES)
CODE = Ref("procedure_codes")
PATIENT = Ref("patients")
PLAN = Ref("plans")
PROCEDURE = Ref("procedures")
# A plan's contracted/allowed fees may be a PPO schedule or the office's own; copays come from copay schedules.
FEES = Ref("fee_schedules", ("allowed", "office"))
COPAYS = Ref("fee_schedules", ("copay", "fixed_benefit"))

# Who posted a row and when (extension on procedures, payments, adjustments, ledger notes).
STAMP = Entity(m.Stamp, (
    F("at", DateTime(), required=True),
    F("user", NAME, required=True),
    F("workstation", TEXT),
    F("location", TEXT),
), shared=True)

PREFERENCES = Entity(m.Preferences, (
    F("ins_ppo_sec_writeoffs", Bool()),
    F("zero_writeoff_when_annual_max_exhausted", Bool()),
    F("ins_est_recalc_received", Bool()),
))

PROVIDER = Entity(m.Provider, (
    F("id", ID, required=True),
    F("name", NAME, required=True),
    F("fee_schedule", Ref("fee_schedules", ("office",))),
), table="providers", key="id")

PROCEDURE_CODE = Entity(m.ProcedureCode, (
    F("code", ID, required=True),
    F("description", TEXT),
    F("category", CATEGORY, required=True),
    F("categories", ListOf(CATEGORY, unique=True, nonempty=True)),
    F("substitution_code", CODE),
    F("substitution_condition", Enum(m.SUBSTITUTION_CONDITIONS)),
), table="procedure_codes", key="code")

FEE_SCHEDULE = Entity(m.FeeSchedule, (
    F("id", ID, required=True),
    F("kind", Enum(m.FEE_SCHEDULE_KINDS), required=True),
    F("name", TEXT),
    F("fees", MapOf(CODE, MONEY), required=True),
), table="fee_schedules", key="id")

CARRIER = Entity(m.Carrier, (
    F("id", ID, required=True),
    F("name", NAME, required=True),
    F("writeoff_code", TEXT),
    F("electronic_id", TEXT),
), table="carriers", key="id")

FREQUENCY = Entity(m.FrequencyLimit, (
    F("code", CODE),
    F("category", CATEGORY),
    F("quantity", Int(1), required=True),
    F("per", Enum(m.FREQUENCY_PERIODS), required=True),
    F("count", Int(1)),
))

PLAN_ = Entity(m.Plan, (
    F("id", ID, required=True),
    F("carrier", Ref("carriers"), required=True),
    F("subscriber", PATIENT, required=True),
    F("type", Enum(m.PLAN_TYPES), required=True),
    F("fee_schedule", FEES),
    F("allowed_fee_schedule", FEES),
    F("copay_schedule", COPAYS),
    F("coverage", MapOf(CATEGORY, Percent())),
    F("code_coverage", MapOf(CODE, Percent())),
    F("annual_max", MONEY),
    F("family_annual_max", MONEY),
    F("category_limits", MapOf(CATEGORY, MONEY)),
    F("category_family_limits", MapOf(CATEGORY, MONEY)),
    F("code_limits", MapOf(CODE, MONEY)),
    F("deductible", MONEY),
    F("family_deductible", MONEY),
    F("category_deductibles", MapOf(CATEGORY, MONEY)),
    F("code_deductibles", MapOf(CODE, MONEY)),
    F("deductible_waived_on", ListOf(CATEGORY, unique=True)),
    F("deductible_before_percent", Bool()),
    F("renew_month", Int(0, 12, zero_is_none=True)),
    F("frequency", ListOf(FREQUENCY)),
    F("exclusions", ListOf(CODE, unique=True)),
    F("allow_substitution", Bool()),
    F("substitution_writeoffs", Bool()),
    F("cob_rule", Enum(m.COB_RULES)),
    F("same_plan_as", PLAN),
    F("employer", TEXT),
    F("group_number", TEXT),
    F("note", TEXT),
    F("claims_use_ucr", Bool()),
), table="plans", key="id")

COVERAGE = Entity(m.Coverage, (
    F("plan", PLAN, required=True),
    F("order", Int(1, 4), required=True),
    F("pending", Bool()),
    F("effective", Date()),
    F("terminated", Date()),
    F("subscriber_id", TEXT),  # extension
    F("relationship", Enum(m.RELATIONSHIPS)),  # extension: the patient to the plan's subscriber
))

BENEFIT_USED = Entity(m.BenefitUsed, (
    F("plan", PLAN, required=True),
    F("paid", MONEY, always=True),
    F("deductible_met", MONEY, always=True),
))

ADDRESS = Entity(m.Address, (
    F("line1", TEXT),
    F("line2", TEXT),
    F("city", TEXT),
    F("state", TEXT),
    F("zip", TEXT),
))

PHONES = Entity(m.Phones, (
    F("home", TEXT),
    F("mobile", TEXT),
    F("work", TEXT),
))

PATIENT_ = Entity(m.Patient, (
    F("id", ID, required=True),
    F("name", NAME, required=True),
    F("birthdate", Date(), required=True),
    F("guarantor", PATIENT, required=True),
    F("coverage", ListOf(COVERAGE), required=True),
    F("benefits_used", ListOf(BENEFIT_USED)),
    F("middle_name", TEXT),  # extension: registration at the desk
    F("preferred_name", TEXT),  # extension
    F("gender", Enum(m.GENDERS)),  # extension
    F("address", ADDRESS),  # extension
    F("phones", PHONES),  # extension
    F("email", TEXT),  # extension
    F("chart_no", TEXT),  # extension: unique
    F("provider", Ref("providers")),  # extension: the usual provider
    F("inactive", Bool()),  # extension
), table="patients", key="id")

OVERRIDE = Entity(m.Override, (
    F("plan", PLAN, required=True),
    F("percent", Percent()),
    F("ins_est", MONEY),
    F("allowed", MONEY),
    F("copay", MONEY),
    F("deductible", MONEY),
    F("paid_other_ins", MONEY),
    F("writeoff_est", MONEY),
    F("deductible_before_percent", Bool()),
))

PROCEDURE_ = Entity(m.Procedure, (
    F("id", ID, required=True),
    F("patient", PATIENT, required=True),
    F("code", CODE, required=True),
    F("date", Date(), required=True),
    F("fee", MONEY, required=True),
    F("provider", Ref("providers"), required=True),
    F("status", Enum(m.PROCEDURE_STATUSES), required=True),
    F("tooth", TEXT),
    F("surface", TEXT),
    F("units", Int(1, 999)),
    F("tp_order", Int(0)),
    F("overrides", ListOf(OVERRIDE)),
    F("no_bill", ListOf(PLAN, unique=True)),
    F("completed", Date()),  # extension
    F("visits", ListOf(Date())),  # extension
    F("note", TEXT),  # extension
    F("stamp", STAMP),  # extension
), table="procedures", key="id")

# The estimate a received claim's line kept from before payment (extension).
KEPT_ESTIMATE = Entity(m.KeptEstimate, (
    F("procedure", PROCEDURE, required=True),
    F("allowed", MONEY),
    F("copay", MONEY),
    F("percent", Percent()),
    F("deductible", MONEY),
    F("base_est", MONEY),
    F("ins_est", MONEY),
    F("writeoff_est", MONEY),
    F("note", Text(sort="line")),
    F("explanation", ListOf(Text(sort="line"))),
))

CLAIM = Entity(m.Claim, (
    F("id", ID, required=True),
    F("plan", PLAN, required=True),
    F("procedures", ListOf(PROCEDURE, unique=True, nonempty=True), required=True),
    F("status", Enum(m.CLAIM_STATUSES), required=True),
    F("date", Date(), required=True),
    F("kind", Enum(m.CLAIM_KINDS)),
    F("claim_no", TEXT),  # extension
    F("preauth_no", TEXT),  # extension
    F("sent_date", Date()),  # extension
    F("kept_estimates", ListOf(KEPT_ESTIMATE)),  # extension
), table="claims", key="id")

PAYMENT_LINE = Entity(m.ClaimPaymentLine, (
    F("procedure", PROCEDURE, required=True),
    F("paid", SIGNED, required=True),  # negative: a supplemental that reverses part of a payment
    F("writeoff", MONEY, always=True),
    F("deductible", MONEY, always=True),
    F("denied", Bool()),  # extension
    F("remarks", TEXT),  # extension
))

CLAIM_PAYMENT = Entity(m.ClaimPayment, (
    F("claim", Ref("claims"), required=True),
    F("date", Date(), required=True),
    F("check_no", TEXT),
    F("bank_no", TEXT),
    F("lines", ListOf(PAYMENT_LINE, nonempty=True), required=True),
    F("stamp", STAMP),  # extension
))

ALLOCATION = Entity(m.Allocation, (
    F("procedure", PROCEDURE, required=True),
    F("amount", SIGNED, required=True),  # the payment's sign (a refund's parts are negative)
))

PATIENT_PAYMENT = Entity(m.PatientPayment, (
    F("patient", PATIENT, required=True),
    F("date", Date(), required=True),
    F("amount", SIGNED, required=True),  # negative = refund
    F("method", Enum(m.PAYMENT_METHODS), required=True),
    F("check_no", TEXT),
    F("bank_no", TEXT),
    F("procedure", PROCEDURE),
    F("note", TEXT),  # extension
    F("allocations", ListOf(ALLOCATION)),  # extension: a split payment (not with `procedure`)
    F("stamp", STAMP),  # extension
))

ADJUSTMENT = Entity(m.Adjustment, (
    F("patient", PATIENT, required=True),
    F("date", Date(), required=True),
    F("amount", SIGNED, required=True),  # negative reduces what is owed
    F("code", Text(nonempty=True, sort="id"), required=True),
    F("procedure", PROCEDURE),
    F("note", TEXT),
    F("stamp", STAMP),  # extension
))

APPOINTMENT = Entity(m.Appointment, (
    F("patient", PATIENT, required=True),
    F("date", Date(), required=True),
    F("status", Enum(m.APPOINTMENT_STATUSES), required=True),
))

ADJUSTMENT_CODE = Entity(m.AdjustmentCode, (
    F("code", ID, required=True),
    F("kind", Enum(m.ADJUSTMENT_KINDS), always=True),
    F("description", TEXT),
), table="adjustment_codes", key="code")

LEDGER_NOTE = Entity(m.LedgerNote, (
    F("patient", PATIENT, required=True),
    F("date", Date(), required=True),
    F("text", TEXT, required=True),
    F("stamp", STAMP),  # extension
))

# The office as statements print it (extension).
OFFICE = Entity(m.Office, (
    F("name", TEXT),
    F("address", ListOf(TEXT)),
    F("phone", TEXT),
    F("statement_message", TEXT),
))

# A statement sent to a family (extension): what the account was billed, and when.
STATEMENT_SENT = Entity(m.StatementSent, (
    F("patient", PATIENT, required=True),
    F("date", Date(), required=True),
    F("amount_due", MONEY, required=True),
    F("new_balance", SIGNED, required=True),
    F("insurance_pending", MONEY),
    F("period_start", Date()),
    F("format", Enum(m.STATEMENT_FORMATS)),
    F("file", TEXT),
    F("stamp", STAMP),
))

PRACTICE = Entity(m.Practice, (
    F("as_of", Date(), required=True),
    F("preferences", PREFERENCES),
    F("providers", ListOf(PROVIDER)),
    F("procedure_codes", ListOf(PROCEDURE_CODE)),
    F("fee_schedules", ListOf(FEE_SCHEDULE)),
    F("carriers", ListOf(CARRIER)),
    F("plans", ListOf(PLAN_)),
    F("patients", ListOf(PATIENT_)),
    F("procedures", ListOf(PROCEDURE_)),
    F("claims", ListOf(CLAIM)),
    F("claim_payments", ListOf(CLAIM_PAYMENT)),
    F("patient_payments", ListOf(PATIENT_PAYMENT)),
    F("adjustments", ListOf(ADJUSTMENT)),
    F("appointments", ListOf(APPOINTMENT)),
    F("adjustment_codes", ListOf(ADJUSTMENT_CODE)),  # extension
    F("ledger_notes", ListOf(LEDGER_NOTE)),  # extension
    F("lock_date", Date()),  # extension
    F("office", OFFICE),  # extension
    F("statements", ListOf(STATEMENT_SENT)),  # extension
    F("locations", ListOf(Text(nonempty=True, what="a location name"), unique=True)),  # extension
))
