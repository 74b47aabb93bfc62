"""The database schema (peewee models; the engine's field classes come from `store.connection`).

Conventions:
- Money is always an integer number of cents in a column named ``*_cents``
  (peewee stores its decimal field type as REAL, so money never uses it).
- ``NULL`` means unknown / not set and ``0`` means zero, as in ``estimator.model``.
- ``file_id`` keeps the practice file's own id (patients, procedures, claims,
  plans, carriers, fee schedules, providers) so an export gives it back.
- Every posted row (procedures, claims, payments, adjustments, ledger notes)
  records who entered it, when, at which workstation and location (`Posted`).
- Models are bound to the database opened last (`store.db.open_database`): here when they are
  first imported, there on every open after that.
"""
from __future__ import annotations

from peewee import SQL, BlobField, CompositeKey, ForeignKeyField, IntegerField, Model, TextField

from .connection import BooleanField, DateField, DateTimeField


class Base(Model):
    class Meta:
        legacy_table_names = False  # ClaimProc -> claim_proc


def Cents(**kw):
    """A money column: integer cents (``null=True`` where NULL = unknown)."""
    return IntegerField(**kw)


# --- practice set-up ---------------------------------------------------------

class Setting(Base):
    """Practice-wide values: ``as_of``, ``lock_date``, ``pref.<name>`` ('1'/'0')."""
    key = TextField(primary_key=True)
    value = TextField(null=True)


class Location(Base):
    name = TextField(unique=True)


class User(Base):
    """Someone who signs in (``dentledger --as NAME``, an SSH key's forced command). Rows are
    also made for names that only stamp postings (imports, the generator): front desk."""
    name = TextField(unique=True)
    role = TextField(default="frontdesk")  # store.audit.roles.ROLES
    disabled = BooleanField(default=False)
    password_hash = TextField(null=True)   # argon2id (the idle lock screen); NULL = none set
    created = DateTimeField(null=True)


class SshKey(Base):
    """A user's SSH public key: written into the service account's authorized_keys as a forced
    command (store.audit.authorized_keys)."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="ssh_keys")
    type = TextField()
    key = TextField(unique=True)   # base64, as in the .pub file
    comment = TextField(default="")
    fingerprint = TextField()      # SHA256:... as OpenSSH prints it
    added = DateTimeField(null=True)


class FeeSchedule(Base):
    file_id = TextField(null=True, unique=True)
    kind = TextField()  # office / allowed / copay / fixed_benefit
    name = TextField(default="")


class Fee(Base):
    schedule = ForeignKeyField(FeeSchedule, on_delete="CASCADE", index=False)
    code = TextField()  # a schedule may price codes the office does not use
    amount_cents = Cents()

    class Meta:
        indexes = ((("schedule", "code"), True),)


class Provider(Base):
    file_id = TextField(null=True, unique=True)
    name = TextField()
    fee_schedule = ForeignKeyField(FeeSchedule, null=True)


class ProcedureCode(Base):
    code = TextField(unique=True)
    description = TextField(default="")
    category = TextField()
    categories = TextField(default="")  # comma list, general -> specific; '' = default path
    substitution_code = TextField(null=True)
    substitution_condition = TextField(null=True)  # NULL = always


class AdjustmentCode(Base):
    code = TextField(unique=True)
    kind = TextField(default="other")
    description = TextField(default="")
    # False when the row exists only because an adjustment or carrier named the
    # code without the file declaring it (not exported as a declared code).
    declared = BooleanField(default=True)


class Carrier(Base):
    file_id = TextField(null=True, unique=True)
    name = TextField()
    electronic_id = TextField(null=True)
    phone = TextField(null=True)
    address = TextField(null=True)
    writeoff_code = ForeignKeyField(AdjustmentCode, null=True)


# --- patients and plans ------------------------------------------------------

class Patient(Base):
    file_id = TextField(null=True, unique=True)
    last_name = TextField()
    first_name = TextField(default="")
    name_lower = TextField()   # "last, first" lowercased: prefix search
    first_lower = TextField(default="")
    birthdate = DateField(index=True)
    guarantor = ForeignKeyField("self", null=True, backref="members")
    phone = TextField(null=True)  # the home phone
    # Registration at the desk (NULL = not recorded); the postal address is a statement's (mailed to the guarantor).
    middle_name = TextField(null=True)
    preferred_name = TextField(null=True)
    gender = TextField(null=True)  # estimator.model.GENDERS
    address1 = TextField(null=True)
    address2 = TextField(null=True)
    city = TextField(null=True)
    state = TextField(null=True)
    zip = TextField(null=True)
    mobile_phone = TextField(null=True)
    work_phone = TextField(null=True)
    email = TextField(null=True)
    chart_no = TextField(null=True, unique=True)
    provider = ForeignKeyField(Provider, null=True, index=False)  # the usual provider
    inactive = BooleanField(default=False)
    # Find patient's keys (`store.family.ids.search_key`): accents and apostrophes folded away.
    name_search = TextField(default="")   # "last first middle"
    first_search = TextField(default="")  # "first last"

    class Meta:
        indexes = ((("name_lower", "id"), False), (("first_lower", "id"), False),
                   (("name_search", "id"), False), (("first_search", "id"), False))


class PatientPhone(Base):
    """Find patient's phone index: each of a patient's numbers as digits, and the last seven
    digits of a ten-digit one (`store.family.ids.phone_keys`); written with the patient by the
    patient services, the import and the generator."""
    digits = TextField()
    patient_id = IntegerField(index=True)

    class Meta:
        primary_key = CompositeKey("digits", "patient_id")
        without_rowid = True


class Plan(Base):
    """Every field of ``model.Plan``; the mappings live in the Plan* child tables."""
    file_id = TextField(null=True, unique=True)
    carrier = ForeignKeyField(Carrier)
    subscriber = ForeignKeyField(Patient, backref="subscribed_plans")
    type = TextField()
    fee_schedule = ForeignKeyField(FeeSchedule, null=True, index=False)
    allowed_fee_schedule = ForeignKeyField(FeeSchedule, null=True, index=False)
    copay_schedule = ForeignKeyField(FeeSchedule, null=True, index=False)
    annual_max_cents = Cents(null=True)
    family_annual_max_cents = Cents(null=True)
    deductible_cents = Cents(null=True)
    family_deductible_cents = Cents(null=True)
    deductible_before_percent = BooleanField(default=True)
    renew_month = IntegerField(null=True)
    allow_substitution = BooleanField(default=True)
    substitution_writeoffs = BooleanField(default=True)
    cob_rule = TextField(default="standard")
    same_plan_as = ForeignKeyField("self", null=True, index=False)
    employer = TextField(null=True)
    group_number = TextField(null=True)
    note = TextField(null=True)
    claims_use_ucr = BooleanField(null=True)


class PlanCoverage(Base):
    """Coverage percent for a category (``kind='category'``) or a code (``'code'``)."""
    plan = ForeignKeyField(Plan, on_delete="CASCADE", index=False)
    kind = TextField()
    key = TextField()
    percent = IntegerField()

    class Meta:
        indexes = ((("plan", "kind", "key"), True),)


# PlanLimit.kind values, each the name of a mapping field of model.Plan.
LIMIT_KINDS = ("category_limits", "category_family_limits", "code_limits",
               "category_deductibles", "code_deductibles")


class PlanLimit(Base):
    """A separate maximum or deductible keyed by category or code (see LIMIT_KINDS)."""
    plan = ForeignKeyField(Plan, on_delete="CASCADE", index=False)
    kind = TextField()
    key = TextField()
    amount_cents = Cents()

    class Meta:
        indexes = ((("plan", "kind", "key"), True),)


class PlanFrequency(Base):
    plan = ForeignKeyField(Plan, on_delete="CASCADE")
    code = TextField(null=True)
    category = TextField(null=True)
    quantity = IntegerField()
    per = TextField()
    count = IntegerField(default=1)


class PlanExclusion(Base):
    plan = ForeignKeyField(Plan, on_delete="CASCADE", index=False)
    code = TextField()

    class Meta:
        indexes = ((("plan", "code"), True),)


class PlanDeductibleWaiver(Base):
    """A category in ``deductible_waived_on``."""
    plan = ForeignKeyField(Plan, on_delete="CASCADE", index=False)
    category = TextField()

    class Meta:
        indexes = ((("plan", "category"), True),)


class PatientCoverage(Base):
    patient = ForeignKeyField(Patient, on_delete="CASCADE", index=False)
    plan = ForeignKeyField(Plan)
    coverage_order = IntegerField()  # 1 primary .. 4 quaternary
    pending = BooleanField(default=False)
    subscriber_id = TextField(null=True)
    effective = DateField(null=True)   # first day covered (NULL: no limit on that side)
    terminated = DateField(null=True)  # last day covered
    relationship = TextField(null=True)  # the patient to the subscriber: model.RELATIONSHIPS

    class Meta:
        indexes = ((("patient", "coverage_order"), True), (("patient", "plan"), True))


class BenefitUsed(Base):
    """Benefits used elsewhere this benefit year."""
    patient = ForeignKeyField(Patient, on_delete="CASCADE")
    plan = ForeignKeyField(Plan)
    paid_cents = Cents(default=0)
    deductible_met_cents = Cents(default=0)


# --- posted work and money ---------------------------------------------------

class Posted(Base):
    """Who posted a row, when and where (mixed into every posted table)."""
    entered_at = DateTimeField()
    entered_by = TextField()
    workstation = TextField(null=True)
    location = ForeignKeyField(Location, null=True, index=False)


class Procedure(Posted):
    file_id = TextField(null=True, unique=True)
    patient = ForeignKeyField(Patient, index=False)
    code = ForeignKeyField(ProcedureCode)
    fee_cents = Cents()  # per unit; charge = fee x units
    units = IntegerField(default=1)
    tooth = TextField(null=True)
    surface = TextField(null=True)
    date = DateField()  # posted date (the ledger's Posted column)
    completed = DateField(null=True)  # completion date when it differs
    provider = ForeignKeyField(Provider)
    status = TextField()  # planned / complete / deleted
    tp_order = IntegerField(null=True)
    note = TextField(null=True)
    # The charge when the work was posted (completed); NULL until then. With the claim
    # procedures' ``orig_*`` it is the ledger card's Original group, frozen at posting.
    orig_charge_cents = Cents(null=True)

    class Meta:
        indexes = ((("patient", "date", "id"), False),)


class ProcedureVisit(Base):
    """A later visit of a multi-visit procedure (ledger codes A, B, ...)."""
    procedure = ForeignKeyField(Procedure, on_delete="CASCADE")
    seq = IntegerField()
    date = DateField()


class Claim(Posted):
    file_id = TextField(null=True, unique=True)
    patient = ForeignKeyField(Patient)
    plan = ForeignKeyField(Plan)
    kind = TextField(null=True)  # NULL = by coverage order
    status = TextField()
    date = DateField()
    sent_date = DateField(null=True)
    claim_no = TextField(null=True, index=True)  # the ERA finds a claim by it
    preauth_no = TextField(null=True)

    class Meta:
        indexes = ((("status", "date"), False),)


class ClaimProc(Base):
    """One claim procedure: a procedure's estimate and actuals for one plan."""
    procedure = ForeignKeyField(Procedure, on_delete="CASCADE", index=False)
    plan = ForeignKeyField(Plan)
    coverage_order = IntegerField()  # 0 when the plan does not cover the patient
    status = TextField()  # estimator.results.LINE_STATUSES
    claim = ForeignKeyField(Claim, null=True, backref="lines")
    claim_seq = IntegerField(null=True)  # position in the claim's procedure list
    preauth = ForeignKeyField(Claim, null=True, backref="preauth_lines")
    preauth_seq = IntegerField(null=True)
    # the estimate (written by the estimator)
    allowed_cents = Cents(default=0)
    copay_cents = Cents(default=0)
    percent = IntegerField(default=0)
    deductible_est_cents = Cents(default=0)
    base_est_cents = Cents(default=0)
    ins_est_cents = Cents(default=0)
    writeoff_est_cents = Cents(default=0)
    note = TextField(default="")
    explanation = TextField(default="")  # steps, one per line
    no_bill = BooleanField(default=False)
    # the front desk's overrides (NULL = no override)
    override_percent = IntegerField(null=True)
    override_ins_est_cents = Cents(null=True)
    override_allowed_cents = Cents(null=True)
    override_copay_cents = Cents(null=True)
    override_deductible_cents = Cents(null=True)
    override_paid_other_ins_cents = Cents(null=True)
    override_writeoff_est_cents = Cents(null=True)
    override_deductible_before_percent = BooleanField(null=True)
    # actuals: sums over the claim payment lines (original + supplemental)
    paid_cents = Cents(default=0)
    writeoff_cents = Cents(default=0)
    deductible_applied_cents = Cents(default=0)
    # True once the stored estimate is final (a received line after estimation)
    frozen = BooleanField(default=False)
    # The estimate when the procedure was posted (completed), frozen then: the card's Original
    # group. 0 for a line that appeared after posting (a plan added later); NULL before posting.
    orig_ins_est_cents = Cents(null=True)
    orig_writeoff_est_cents = Cents(null=True)

    class Meta:
        indexes = ((("procedure", "plan"), True),)


OVERRIDE_FIELDS = ("percent", "ins_est", "allowed", "copay", "deductible",
                   "paid_other_ins", "writeoff_est", "deductible_before_percent")


def override_column(name: str) -> str:
    """ClaimProc column holding `model.Override.<name>`."""
    cents = name not in ("percent", "deductible_before_percent")
    return f"override_{name}_cents" if cents else f"override_{name}"


class ClaimPayment(Posted):
    """An insurance check (or EFT)."""
    claim = ForeignKeyField(Claim, null=True)
    carrier = ForeignKeyField(Carrier, null=True)
    check_no = TextField(null=True)
    bank_no = TextField(null=True)
    date = DateField(index=True)
    amount_cents = Cents(default=0)
    note = TextField(null=True)


class ClaimPaymentLine(Posted):
    payment = ForeignKeyField(ClaimPayment, on_delete="CASCADE")
    claim_proc = ForeignKeyField(ClaimProc)
    paid_cents = Cents(default=0)
    writeoff_cents = Cents(default=0)
    deductible_cents = Cents(default=0)
    denied = BooleanField(default=False)
    remarks = TextField(null=True)
    supplemental = BooleanField(default=False)


class PatientPayment(Posted):
    patient = ForeignKeyField(Patient, index=False)
    date = DateField()
    amount_cents = Cents()  # negative = refund
    method = TextField()
    check_no = TextField(null=True)
    bank_no = TextField(null=True)
    note = TextField(null=True)

    class Meta:
        indexes = ((("patient", "date"), False),)


class PaymentAllocation(Base):
    payment = ForeignKeyField(PatientPayment, on_delete="CASCADE")
    procedure = ForeignKeyField(Procedure)
    amount_cents = Cents()


class Adjustment(Posted):
    patient = ForeignKeyField(Patient, index=False)
    date = DateField()
    amount_cents = Cents()  # negative reduces what is owed
    code = ForeignKeyField(AdjustmentCode)
    procedure = ForeignKeyField(Procedure, null=True)
    note = TextField(null=True)
    reverses = ForeignKeyField("self", null=True)  # a correction points at what it undoes

    class Meta:
        indexes = ((("patient", "date"), False),)


class Appointment(Base):
    patient = ForeignKeyField(Patient, index=False)
    date = DateField()
    status = TextField()

    class Meta:
        indexes = ((("patient", "date"), False),)


class LedgerNote(Posted):
    patient = ForeignKeyField(Patient, index=False)
    date = DateField()
    text = TextField()

    class Meta:
        indexes = ((("patient", "date"), False),)


class Statement(Posted):
    """A statement sent to a family: the guarantor's account as billed on ``date``. The ledger
    card shows it as a line of its own (`store.derived.ledger_entries`); the billing run skips
    a family billed recently (`store.read.statements`)."""
    guarantor = ForeignKeyField(Patient, index=False)
    date = DateField()
    period_start = DateField(null=True)
    amount_due_cents = Cents()
    new_balance_cents = Cents()
    insurance_pending_cents = Cents(default=0)
    format = TextField(null=True)      # pdf / text
    file_name = TextField(null=True)   # the file's name as written (no folder)
    volume = TextField(null=True)      # the combined print file it is in (a PDF billing run)

    class Meta:
        indexes = ((("guarantor", "date"), False),)


class AuditLog(Base):
    """Append-only (triggers refuse UPDATE and DELETE) and hash-chained (store.audit.chain)."""
    at = DateTimeField(index=True)
    user = TextField()                 # the app user
    workstation = TextField(null=True)
    action = TextField()
    entity = TextField(null=True)
    entity_id = TextField(null=True)
    detail = TextField(null=True)  # JSON
    os_user = TextField(null=True)     # the OS account, from the process's uid
    ssh_origin = TextField(null=True)  # SSH_CONNECTION when over SSH
    patient_id = IntegerField(null=True)  # the patient the row is about (no FK: rows outlive them)
    hash = TextField(null=True)        # HMAC-SHA256 chain (store.audit.chain)

    class Meta:
        indexes = ((("entity", "entity_id"), False), (("patient_id", "id"), False),
                   (("user", "id"), False))


# --- indexes of the office reports (store/reports/) --------------------------
# Named, so the reports' query-plan test and migration 2 (store/db/migrations.py, which adds
# them to version-1 databases) can refer to them. Covering indexes let a report read
# only the index: a year of checks -> their lines, a year of claims -> their lines.
REPORT_INDEXES = (
    (ClaimPayment, "report_claim_payment_date", (ClaimPayment.date, ClaimPayment.carrier), None),
    (ClaimPaymentLine, "report_claim_payment_line_money",
     (ClaimPaymentLine.payment, ClaimPaymentLine.claim_proc, ClaimPaymentLine.paid_cents,
      ClaimPaymentLine.writeoff_cents), None),
    (Claim, "report_claim_date", (Claim.date, Claim.plan, Claim.status), None),
    (ClaimProc, "report_claim_proc_claim",
     (ClaimProc.claim, ClaimProc.procedure, ClaimProc.status, ClaimProc.ins_est_cents), None),
    (ClaimProc, "report_claim_proc_money",
     (ClaimProc.procedure, ClaimProc.status, ClaimProc.no_bill, ClaimProc.paid_cents,
      ClaimProc.writeoff_cents, ClaimProc.writeoff_est_cents, ClaimProc.ins_est_cents), None),
    # only the posted capitation write-offs (a partial index)
    (ClaimProc, "report_claim_proc_capitation",
     (ClaimProc.plan, ClaimProc.procedure, ClaimProc.writeoff_cents,
      ClaimProc.writeoff_est_cents), ClaimProc.status == "cap_complete"),
    (Procedure, "report_procedure_date", (Procedure.date,), None),
    (PatientPayment, "report_patient_payment_date",
     (PatientPayment.date, PatientPayment.patient, PatientPayment.amount_cents), None),
    (Adjustment, "report_adjustment_date", (Adjustment.date,), None),
)
for _model, _name, _fields, _where in REPORT_INDEXES:
    _model.add_index(_model.index(*_fields, name=_name, where=_where))


# --- the ledger card's lines (schema version 3) ---------------------------------------------

class LedgerEntry(Base):
    """One line of a patient's ledger card, in card order: derived data, rebuilt from the
    posted rows by `store.derived.ledger_entries` whenever a family is re-estimated (every posting).

    The table is its own index (WITHOUT ROWID, clustered on the card order), so one patient's
    lines are one contiguous range: a window of the card is a range read and the day totals
    are one GROUP BY over the range. ``priority`` is the row kind
    (`estimator.ledger_rows.PRIORITY`; a procedure with ``k2 > 0`` is a later visit) and
    ``k1..k3`` order the lines of one kind on one date (see `store.derived.ledger_entries`).
    No foreign keys: rows are deleted and re-inserted with their family.
    """
    patient_id = IntegerField()
    posted = DateField()
    priority = IntegerField()
    k1 = IntegerField()
    k2 = IntegerField(default=0)
    k3 = IntegerField(default=0)
    src_id = IntegerField()  # the posted row: procedure, claim payment line, claim proc, ...
    procedure_id = IntegerField(null=True)
    ref_no = IntegerField(null=True)  # payments, adjustments, notes: place in the family's list
    billed_cents = Cents(default=0)
    paid_cents = Cents(default=0)
    adjust_cents = Cents(default=0)
    balance_cents = Cents(default=0)
    ins_owed_cents = Cents(default=0)  # insurance still expected on the procedure
    aging_cents = Cents(default=0)     # the line's dated amount for aging (account_items)
    provider_id = IntegerField(null=True)  # procedure rows: UCR = office fee x units
    code_id = IntegerField(null=True)
    units = IntegerField(null=True)
    plan_order = IntegerField(default=0)   # highest coverage order of the procedure's lines

    class Meta:
        primary_key = CompositeKey("patient_id", "posted", "priority", "k1", "k2", "k3")
        without_rowid = True


class PatientCarrierMonth(Base):
    """One patient's part of the per-carrier report for one carrier and calendar month
    (``month`` 'YYYY-MM'; ``carrier_id`` 0: payers without insurance): derived data, rebuilt
    with the family's ledger lines by `store.derived.report_summary` (every posting). Per patient,
    like the ledger lines, so a patient moving to another family leaves nothing behind."""
    patient_id = IntegerField()
    carrier_id = IntegerField()
    month = TextField()
    billed_cents = Cents(default=0)
    ins_paid_cents = Cents(default=0)
    pt_paid_cents = Cents(default=0)
    written_off_cents = Cents(default=0)
    outstanding_cents = Cents(default=0)

    class Meta:
        primary_key = CompositeKey("patient_id", "carrier_id", "month")
        without_rowid = True


class CarrierMonth(Base):
    """The sum of `PatientCarrierMonth` over families: what the per-carrier report reads for
    the whole months of its range (kept equal by `store.derived.report_summary`)."""
    carrier_id = IntegerField()
    month = TextField()
    billed_cents = Cents(default=0)
    ins_paid_cents = Cents(default=0)
    pt_paid_cents = Cents(default=0)
    written_off_cents = Cents(default=0)
    outstanding_cents = Cents(default=0)

    class Meta:
        primary_key = CompositeKey("month", "carrier_id")
        without_rowid = True


class AppliedCredit(Base):
    """Unapplied patient money shown on a procedure's line: one part of one payment (or of an
    adjustment not on a procedure) applied oldest procedure first across the family
    (`estimator.unapplied`). Derived data, rebuilt with the family's ledger lines by
    `store.derived.applied_credits` (every posting); the card's Current group and colour and the
    carrier report's "Pt paid" read it. ``patient_id``: the procedure's patient."""
    patient_id = IntegerField(index=True)
    procedure_id = IntegerField(index=True)
    payment_id = IntegerField(null=True, index=True)
    adjustment_id = IntegerField(null=True)
    amount_cents = Cents()


# --- electronic remittances (ERA, X12 835), posted by store.services.remittances ----------

class EraFile(Base):
    """An ERA file as it came (kept whole: its unmatched claims are finished from it later)."""
    sha256 = TextField(unique=True)
    name = TextField()
    size = IntegerField()
    data = BlobField()


class Era(Base):
    """One ERA payment (one ST..SE of a file: one check or EFT of one carrier), imported once:
    (carrier, trace number) is unique, so the same ERA cannot be posted twice."""
    file = ForeignKeyField(EraFile, index=False)
    seq = IntegerField()               # its place in the file (1-based)
    control_number = TextField()       # ST02
    carrier = ForeignKeyField(Carrier, index=False)
    payer_id = TextField(null=True)    # N104 or REF*2U, as the payer sent it
    payer_name = TextField()
    trace_number = TextField()         # TRN02: the check or EFT number
    method = TextField()               # BPR04: CHK, ACH, NON, ...
    check_date = DateField(null=True)  # BPR16
    amount_cents = Cents()             # BPR02 (negative for a debit)
    provider_adjustments_cents = Cents(default=0)  # PLB amounts, the file's signs
    posted_cents = Cents(default=0)    # what the claim payments applied
    payment = ForeignKeyField(ClaimPayment, null=True, index=False)  # the check as posted
    status = TextField()               # posted / partial (claims left to finish) / open
    imported_at = DateTimeField()
    imported_by = TextField()
    workstation = TextField(null=True)

    class Meta:
        indexes = ((("carrier", "trace_number"), True), (("status", "id"), False))


class EraClaim(Base):
    """One claim (CLP) of an imported ERA: what it paid, the claim it matched and what of it
    was posted; ``state`` open or partial puts it on the "ERA to finish" list."""
    era = ForeignKeyField(Era, on_delete="CASCADE", index=False)
    seq = IntegerField()               # its place in the payment (0-based)
    claim_ref = TextField()            # CLP01: the claim id we sent
    patient_name = TextField()         # as the payer wrote it
    status_code = TextField()          # CLP02
    billed_cents = Cents()
    paid_cents = Cents()               # CLP04
    posted_cents = Cents(default=0)
    left_cents = Cents(default=0)      # paid on the ERA, not posted
    claim = ForeignKeyField(Claim, null=True, index=False)
    how = TextField()                  # id / weak / none / hand
    reason = TextField(null=True)
    state = TextField()                # posted / partial / open / handled / nothing
    payment = ForeignKeyField(ClaimPayment, null=True, index=False)
    note = TextField(null=True)
    finished_at = DateTimeField(null=True)
    finished_by = TextField(null=True)

    class Meta:
        indexes = ((("era", "seq"), True), (("state", "era"), False))


class EraProviderAdjustment(Base):
    """A provider-level adjustment (PLB) of an imported ERA: interest, a recovery ...;
    recorded and reported, posted to no account."""
    era = ForeignKeyField(Era, on_delete="CASCADE")
    reason = TextField()
    reference = TextField(null=True)
    amount_cents = Cents()             # the file's sign: negative adds to the check


ERA_MODELS = (EraFile, Era, EraClaim, EraProviderAdjustment)

MODELS = (
    Setting, Location, User, SshKey, FeeSchedule, Fee, Provider, ProcedureCode, AdjustmentCode,
    Carrier, Patient, Plan, PlanCoverage, PlanLimit, PlanFrequency, PlanExclusion,
    PlanDeductibleWaiver, PatientCoverage, BenefitUsed, Procedure, ProcedureVisit,
    Claim, ClaimProc, ClaimPayment, ClaimPaymentLine, PatientPayment, PaymentAllocation,
    Adjustment, Appointment, LedgerNote, AuditLog, LedgerEntry, PatientCarrierMonth,
    CarrierMonth, *ERA_MODELS, AppliedCredit, Statement,
)
MODELS += (PatientPhone,)  # patient registration (issue 14)


def _sql_defaults(models) -> None:
    """Put each field's default in the DDL too: bulk inserts bypass peewee."""
    for model in models:
        for f in model._meta.sorted_fields:
            if f.default is None or callable(f.default):
                continue
            value = f.default
            if isinstance(value, bool):  # TRUE / FALSE: both engines (SQLite stores 1 / 0)
                literal = "TRUE" if value else "FALSE"
            elif isinstance(value, int):
                literal = str(value)
            else:
                literal = "'" + str(value).replace("'", "''") + "'"
            f.constraints = [*(f.constraints or ()), SQL(f"DEFAULT {literal}")]


_sql_defaults(MODELS)

# Tables holding practice data (wiped by an import with replace=True). Users,
# locations and the audit log belong to the office, not to the practice file; the ledger
# entries are derived from the practice (rebuilt whole by the re-estimation after an import).
DERIVED_MODELS = (LedgerEntry, PatientCarrierMonth, CarrierMonth, AppliedCredit)
PRACTICE_MODELS = tuple(m for m in MODELS
                        if m not in (Location, User, SshKey, AuditLog, *DERIVED_MODELS))


def _bind_to_the_open_database() -> None:
    from .connection import last_opened  # store.connection does not import this module

    db = last_opened()
    if db is not None:
        db.bind(MODELS)


_bind_to_the_open_database()
