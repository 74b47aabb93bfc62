"""Who acts and what they did: the acting user and workstation, and the audit log (one row
per change, written inside the change's own transaction). Users and sign-in belong here too;
writes to them go through `store.services` like every other write.

May import: `store.connection` only.
"""
from .log import current_user, now, recent, record, workstation_name

__all__ = ["current_user", "now", "recent", "record", "workstation_name"]
