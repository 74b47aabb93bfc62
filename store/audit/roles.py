"""Roles and what each may do: the one table the services check (`store.services.common.posting`),
the CLI asks for commands that are not services (import, demo) and the TUI asks through its
session port, so every way in gets the same answer in the same words.

Roles are cumulative: billing may do all front-desk work, admin everything.
"""
from __future__ import annotations

FRONTDESK, BILLING, ADMIN = "frontdesk", "billing", "admin"
ROLES = (FRONTDESK, BILLING, ADMIN)  # lowest first

# action -> (role needed, what the refusal calls it, with its verb). An action not listed
# needs the front-desk role only (the day's work: procedures, payments, notes,
# appointments, claims, insurance payments, a patient's coverage).
NEEDS: dict[str, tuple[str, str]] = {
    "adjustment": (BILLING, "Adjustments need"),
    "refund": (BILLING, "Refunds need"),
    "reverse_payment": (BILLING, "Reversals need"),
    "reverse_adjustment": (BILLING, "Reversals need"),
    "reverse_insurance_payment": (BILLING, "Reversals need"),
    "edit_fee": (BILLING, "Fee changes need"),
    "edit_writeoff": (BILLING, "Write-off changes need"),
    "create_carrier": (BILLING, "Carrier set-up needs"),
    "edit_carrier": (BILLING, "Carrier set-up needs"),
    "create_plan": (BILLING, "Plan set-up needs"),
    "edit_plan": (BILLING, "Plan set-up needs"),
    "set_code_terms": (BILLING, "Plan set-up needs"),
    "create_fee_schedule": (BILLING, "Fee schedules need"),
    "set_fee": (BILLING, "Fee schedules need"),
    "import_fees": (BILLING, "Fee schedules need"),
    "update_estimates": (BILLING, "Updating every estimate needs"),
    "set_lock_date": (ADMIN, "Moving the lock date needs"),
    "add_user": (ADMIN, "Adding users needs"),
    "disable_user": (ADMIN, "Disabling users needs"),
    "enable_user": (ADMIN, "Enabling users needs"),
    "set_role": (ADMIN, "Changing a user's role needs"),
    "add_ssh_key": (ADMIN, "Adding SSH keys needs"),
    "remove_ssh_key": (ADMIN, "Removing SSH keys needs"),
    "set_password": (ADMIN, "Setting another user's password needs"),
    "list_users": (ADMIN, "Listing users needs"),
    "audit_log": (ADMIN, "Reading the audit log needs"),
    "import": (ADMIN, "Importing a practice needs"),
    "demo": (ADMIN, "Loading a demo practice needs"),
    "export": (ADMIN, "Exporting the practice needs"),
}


def rank(role: str) -> int:
    """Position of ``role`` in `ROLES` (an unknown role ranks below every role)."""
    return ROLES.index(role) if role in ROLES else -1


def refusal(user: str, role: str, action: str) -> str | None:
    """Why ``user`` (of ``role``) may not do ``action``, in one sentence; None if they may."""
    needed, what = NEEDS.get(action, (FRONTDESK, "This needs"))
    if rank(role) >= rank(needed):
        return None
    return f"{what} the {needed} role; {user} is {role}."


def check_role(role: str) -> str:
    """``role`` if it is one of `ROLES`; ValueError naming them otherwise."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role
