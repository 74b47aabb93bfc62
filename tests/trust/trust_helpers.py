"""Helpers shared by the tests of users, roles, SSH and the audit chain (imported as
``trust_helpers``): public keys made with ssh-keygen and the fingerprints ``ssh-keygen -lf``
prints for them, a database copied with its audit key, a connection without the triggers."""
from __future__ import annotations

import shutil
from pathlib import Path

ANA = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILpIsLFNsbYHH7BEv/vDoKb2oQyuXFBNoPLEu/opDL5y "
       "ana@desk1")
ANA_FP = "SHA256:f7edlsK6za7/avD3D5DdWOV0TH+xMPMH/eIoLw0IGVk"
BOB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID7BWaTSIvuErXRLTPywPNUnFT37017oom8uc2Z6ftkK bob"
BOB_FP = "SHA256:pqD7vZ9MaHsTi2wmWyiqTHK9OR0lbl5EPpaMWBaZOX0"
EC = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNaGRjWnCSKY7rzgc"
      "ljvx2lfxa3SNpCh6TluzHyNYSI1380t4lGMUfSBUS219s+cSosbTt4r7mz4V8KlQJh8DsY= ec")
EC_FP = "SHA256:CsseFu+ta9Thb7inYawfcxVQFQNa+N3xcBGsoY+nO9U"


def copy_database(template: Path, folder: Path, *, with_key: bool = True) -> Path:
    path = folder / "practice.db"
    shutil.copy(template, path)
    if with_key:
        shutil.copy(str(template) + ".key", str(path) + ".key")
    return path


def drop_triggers(path) -> "object":
    """A raw connection without the append-only triggers: what a tamperer would use."""
    import apsw
    conn = apsw.Connection(str(path))
    conn.execute('DROP TRIGGER IF EXISTS "audit_log_no_update"; '
                 'DROP TRIGGER IF EXISTS "audit_log_no_delete"')
    return conn
