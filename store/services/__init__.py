"""The posting services: the only writers of day-to-day work and money.

Each call is one ``BEGIN IMMEDIATE`` transaction that validates before it writes,
stamps every row (entered_at/by, workstation, location), appends one audit row and
re-estimates the touched family; a refusal raises `ServiceError` and writes nothing.
Money is integer cents; callers parse dollars with `estimator.money.to_cents`.

May import: `store.read`, `store.derived`, `store.family`, `store.audit`, `store.models`,
`store.connection`, `estimator`.
"""
from .adjustments import post_adjustment
from .backup_settings import set_daily_backup
from .chart_records import add_ledger_note, record_appointment
from .claims import (
    create_claims, create_preauth, queue_claim, release_holds, send_claim, set_claim_status,
)
from .common import Actor, ServiceError, clock, desk_actor, lock_date
from .corrections import (
    reverse_adjustment, reverse_insurance_payment, reverse_payment, reversible_adjustment,
    reversible_payment, set_lock_date,
)
from .estimate_terms import set_no_bill, set_overrides
from .insurance_payments import CreditRefused, EobLine, deny_lines, enter_insurance_payment
from .lookup import resolve_claim, resolve_procedure
from .patients import edit_patient, move_patient, register_patient
from .payments import post_payment
from .procedures import (
    add_procedure, change_procedure, complete_procedure, delete_procedure, edit_fee,
)
from .statements import RunTotals, SentStatement, record_billing_run, record_statement
from .remittances import (
    ClaimChoice, EraSource, close_era_claim, finish_era_claim, post_era,
)
from .treatment_plans import move_planned, set_plan_order
from .users import add_ssh_key, add_user, remove_ssh_key, set_disabled, set_password, set_role
from ..read.readback import patient_balance

__all__ = [
    "Actor", "ServiceError", "clock", "desk_actor", "lock_date",
    "add_procedure", "complete_procedure", "edit_fee", "delete_procedure",
    "post_payment", "post_adjustment", "add_ledger_note", "record_appointment",
    "create_claims", "create_preauth", "send_claim", "queue_claim", "set_claim_status",
    "release_holds",
    "EobLine", "enter_insurance_payment", "deny_lines", "CreditRefused",
    "reverse_payment", "reverse_adjustment", "reverse_insurance_payment", "set_lock_date",
    "reversible_payment", "reversible_adjustment",
    "resolve_procedure", "resolve_claim", "patient_balance",
    "register_patient", "edit_patient", "move_patient", "move_planned", "set_plan_order",
    "change_procedure", "set_overrides", "set_no_bill",
    "SentStatement", "RunTotals", "record_statement", "record_billing_run",
    "EraSource", "ClaimChoice", "post_era", "finish_era_claim", "close_era_claim",
    "add_user", "set_disabled", "set_role", "add_ssh_key", "remove_ssh_key", "set_password",
    "set_daily_backup",
]
