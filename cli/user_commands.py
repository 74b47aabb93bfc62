"""``dentledger user ...``: the people who sign in, their roles, SSH keys and passwords.

    dentledger user add NAME --role frontdesk|billing|admin [--ssh-key "ssh-ed25519 AAAA... c"]
    dentledger user list [--format table|csv|json]
    dentledger user disable NAME | enable NAME | role NAME ROLE
    dentledger user key NAME add "ssh-ed25519 AAAA... comment"
    dentledger user key NAME remove SHA256:...   (or the key's comment)
    dentledger user key NAME list
    dentledger user passwd NAME                  (asked twice, never on the command line)
    dentledger user sync-keys                    (rewrite authorized_keys from the users table)

Each change is a service call (`store.services.users`: the admin role, one audit row); a change
to keys or to who is enabled then rewrites the service account's ``authorized_keys``
(``--authorized-keys FILE`` or ``$DENTLEDGER_AUTHORIZED_KEYS``, else ``~/.ssh/authorized_keys``)
with one forced command per key: this program by its absolute path, ``--db`` and ``--as NAME``.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from . import output

ROLES = ("frontdesk", "billing", "admin")


def register(subparsers) -> None:
    group = subparsers.add_parser("user", help="users, roles, SSH keys and passwords")
    sub = group.add_subparsers(dest="user_command", metavar="WHAT", required=True)

    p = sub.add_parser("add", help="add a user (and their SSH key)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--ssh-key", metavar="KEY", help='the public key, e.g. "ssh-ed25519 AAAA... ana"')
    _keys_file(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="users, roles and key fingerprints")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_list)

    for name, disabled in (("disable", True), ("enable", False)):
        p = sub.add_parser(name, help=f"{name} a user (their SSH keys "
                                      f"{'stop' if disabled else 'start'} working)")
        p.add_argument("name")
        _keys_file(p)
        p.set_defaults(func=cmd_disable, disabled=disabled)

    p = sub.add_parser("role", help="give a user another role")
    p.add_argument("name")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(func=cmd_role)

    p = sub.add_parser("key", help="a user's SSH keys: add, remove, list")
    p.add_argument("name")
    keys = p.add_subparsers(dest="key_command", metavar="add|remove|list", required=True)
    k = keys.add_parser("add", help="add a public key")
    k.add_argument("key", help='"ssh-ed25519 AAAA... comment" (the .pub file\'s line)')
    _keys_file(k)
    k.set_defaults(func=cmd_key_add)
    k = keys.add_parser("remove", help="remove a key by fingerprint or comment")
    k.add_argument("which", metavar="FINGERPRINT")
    _keys_file(k)
    k.set_defaults(func=cmd_key_remove)
    k = keys.add_parser("list", help="the user's keys (type, fingerprint, comment)")
    k.add_argument("--format", choices=("table", "csv", "json"), default="table")
    k.set_defaults(func=cmd_key_list)

    p = sub.add_parser("passwd", help="set a user's password (for the idle lock screen)")
    p.add_argument("name")
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("sync-keys", help="rewrite authorized_keys from the users table")
    _keys_file(p)
    p.set_defaults(func=cmd_sync)


def _keys_file(p) -> None:
    p.add_argument("--authorized-keys", metavar="FILE", type=Path,
                   help="the service account's authorized_keys (default "
                        "$DENTLEDGER_AUTHORIZED_KEYS, else ~/.ssh/authorized_keys)")


def _db(args):
    from store.db import open_database
    return open_database(args.db, create=False)


def program() -> list[str]:
    """This program as sshd must start it: ``$DENTLEDGER_EXECUTABLE``, else the ``dentledger``
    script being run, by absolute path (sshd's PATH holds no virtualenv), else this Python
    with ``-m cli.main``."""
    configured = os.environ.get("DENTLEDGER_EXECUTABLE")
    if configured:
        if not os.path.isabs(configured):
            raise ValueError("DENTLEDGER_EXECUTABLE must be an absolute path")
        return [configured]
    argv0 = sys.argv[0] if sys.argv else ""
    found = argv0 if os.sep in argv0 else (shutil.which(argv0) if argv0 else None)
    if found and os.path.basename(found).startswith("dentledger") and os.access(found, os.X_OK):
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "cli.main"]


def sync_keys(db, path: Path | None) -> tuple[Path, int]:
    """Rewrite this database's lines of the authorized_keys file; (file, keys written)."""
    from store.audit.authorized_keys import default_path, rewrite
    from store.read.users import enabled_keys

    target = path or default_path()
    return target, rewrite(target, db.database, program(), enabled_keys(db))


def _synced(db, args) -> str:
    target, count = sync_keys(db, args.authorized_keys)
    return f"{target}: {count} key{'s' if count != 1 else ''} of enabled users"


def cmd_add(args) -> int:
    from store import services
    db = _db(args)
    services.add_user(db, args.name, args.role, ssh_key=args.ssh_key)
    line = f"added user {args.name} ({args.role})"
    if args.ssh_key is not None:
        line += f"; {_synced(db, args)}"
    print(line)
    return 0


def cmd_disable(args) -> int:
    from store import services
    db = _db(args)
    services.set_disabled(db, args.name, args.disabled)
    print(f"{'disabled' if args.disabled else 'enabled'} user {args.name}; {_synced(db, args)}")
    return 0


def cmd_role(args) -> int:
    from store import services
    db = _db(args)
    services.set_role(db, args.name, args.role)
    print(f"user {args.name} is now {args.role}")
    return 0


def cmd_key_add(args) -> int:
    from store import services
    db = _db(args)
    fingerprint = services.add_ssh_key(db, args.name, args.key)
    print(f"added key {fingerprint} to {args.name}; {_synced(db, args)}")
    return 0


def cmd_key_remove(args) -> int:
    from store import services
    db = _db(args)
    fingerprint = services.remove_ssh_key(db, args.name, args.which)
    print(f"removed key {fingerprint} from {args.name}; {_synced(db, args)}")
    return 0


def cmd_sync(args) -> int:
    _require("list_users")
    print(_synced(_db(args), args))
    return 0


def _require(action: str) -> None:
    from store.audit import current, refusal
    who = current()
    message = refusal(who.user, who.role, action)
    if message:
        raise ValueError(message)


def cmd_list(args) -> int:
    from store.read.users import list_users
    _require("list_users")
    users = list_users(_db(args))
    if args.format == "json":
        print(output.render([_user_json(u) for u in users], "json"))
        return 0
    rows = [{"name": u.name, "role": u.role, "status": "disabled" if u.disabled else "enabled",
             "password": "set" if u.has_password else "", "keys": "; ".join(
                 f"{k.type} {k.fingerprint} {k.comment}".rstrip() for k in u.keys)}
            for u in users]
    print(output.render(rows, args.format, {"name": "User", "role": "Role", "status": "Status",
                                             "password": "Password", "keys": "SSH keys"}
                        if args.format == "table" else None))
    return 0


def _user_json(user) -> dict:
    return {"name": user.name, "role": user.role, "disabled": user.disabled,
            "password": user.has_password, "created": user.created,
            "keys": [{"type": k.type, "fingerprint": k.fingerprint, "comment": k.comment,
                      "added": k.added} for k in user.keys]}


def cmd_key_list(args) -> int:
    from store.read.users import list_users
    db = _db(args)
    from store.audit import current
    if current().user != args.name:
        _require("list_users")
    users = list_users(db, args.name)
    if not users:
        raise ValueError(f"there is no user {args.name!r}")
    rows = [{"type": k.type, "fingerprint": k.fingerprint, "comment": k.comment,
             "added": k.added or ""} for k in users[0].keys]
    if not rows and args.format == "table":
        print(f"{args.name} has no SSH keys")
        return 0
    print(output.render(rows, args.format))
    return 0


def cmd_passwd(args) -> int:
    import getpass

    from store import services
    db = _db(args)
    first = getpass.getpass(f"New password for {args.name}: ")
    second = getpass.getpass("Again: ")
    if first != second:
        raise ValueError("the two passwords differ; nothing was changed")
    services.set_password(db, args.name, first)
    print(f"password set for {args.name}")
    return 0
