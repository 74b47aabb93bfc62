"""Who acts and what they did: the acting user, role and workstation (`session`, `roles`),
sign-in checks (`passwords`, `ssh_keys`, `authorized_keys`), and the audit log (one row per
change, written inside the change's own transaction, hash-chained: `chain`). Writes to users
go through `store.services.users` like every other write.

May import: `store.connection` only (argon2 inside the functions that hash passwords).
"""
from .chain import ChainCheck, chain_head, database_key, key_path, verify_chain, verify_database
from .log import current_user, now, recent, record, record_view, workstation_name
from .roles import ADMIN, BILLING, FRONTDESK, ROLES, refusal
from .session import Session, SignInRefused, current, os_account, sign_in, sign_out, ssh_origin

__all__ = [
    "current_user", "now", "recent", "record", "record_view", "workstation_name",
    "ChainCheck", "chain_head", "database_key", "key_path", "verify_chain", "verify_database",
    "ADMIN", "BILLING", "FRONTDESK", "ROLES", "refusal",
    "Session", "SignInRefused", "current", "os_account", "sign_in", "sign_out", "ssh_origin",
]
