"""``dentledger backup`` and ``dentledger restore``: checked copies of the database.

    dentledger backup FILE                      a checked copy, written 0600, renamed in when whole
    dentledger backup --daily FOLDER [--keep N] today's copy into FOLDER once a day (cron, systemd)
    dentledger backup --set-daily FOLDER [--keep N]   the app makes today's copy at its first start
    dentledger backup --set-daily off
    dentledger restore FILE                     check the backup, then put it in place of the live
                                                database (kept as <db>.before-restore-<time>)

``--families N`` (default 200) is how many families, picked at random, the check re-computes
and compares with their stored estimates, ledger lines and report sums; ``all`` checks every
one. ``export`` is for moving data to another program or office; a backup is a backup.
Errors are raised (`cli.main` prints them as one line).
"""
from __future__ import annotations

import argparse
import sys

from .commands import require


def register(subparsers) -> None:
    """Add ``backup`` and ``restore`` to ``dentledger``'s subparsers."""
    p = subparsers.add_parser("backup", help="a checked copy of the database (or the daily one)",
                              description="A consistent copy while desks keep posting, checked "
                                          "(integrity, audit chain, balances), written 0600.")
    p.add_argument("file", nargs="?", help="the backup file to write")
    p.add_argument("--daily", metavar="FOLDER",
                   help="write today's backup into FOLDER unless it is there (for cron)")
    p.add_argument("--set-daily", metavar="FOLDER",
                   help="the app writes today's backup into FOLDER at its first start of the "
                        "day ('off' stops it)")
    p.add_argument("--keep", type=_positive, metavar="N",
                   help="daily backups kept (default 14)")
    _families(p)
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser("restore", help="replace the database by a checked backup",
                              description="Check a backup, then put it in place of the live "
                                          "database (refused while a desk has it open); the "
                                          "replaced database is kept beside it.")
    p.add_argument("file", help="the backup file")
    _families(p)
    p.set_defaults(func=cmd_restore)


def _families(p: argparse.ArgumentParser) -> None:
    p.add_argument("--families", type=_families_value, default=200, metavar="N|all",
                   help="families the check re-computes (default 200; all: every family)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _families_value(text: str) -> int | None:
    return None if text.strip().lower() == "all" else _positive(text)


def cmd_backup(args) -> int:
    chosen = [x for x in (args.file, args.daily, args.set_daily) if x]
    if len(chosen) != 1:
        raise ValueError("give one of: FILE, --daily FOLDER, --set-daily FOLDER|off")
    if args.keep is not None and not (args.daily or args.set_daily):
        raise ValueError("--keep goes with --daily or --set-daily")
    if args.set_daily:
        return _set_daily(args)  # the service checks the role
    require("backup")
    from store.db import backup as backups
    from store.db import open_database

    db = open_database(args.db, create=False, writer=False)
    if args.daily:
        written = backups.daily_backup(db, args.daily, keep=args.keep or backups.DEFAULT_KEEP,
                                       families=args.families)
        if written is None:
            print(f"today's backup is already in {args.daily}", file=sys.stderr)
            return 0
    else:
        written = backups.backup(db, args.file, families=args.families)
    _say("backup", written)
    return 0


def _set_daily(args) -> int:
    import os

    from store import services
    from store.db import open_database

    db = open_database(args.db, create=False)
    folder = None if args.set_daily.strip().lower() == "off" else \
        os.path.abspath(os.path.expanduser(args.set_daily))
    services.set_daily_backup(db, folder, args.keep)
    print(f"the app writes a daily backup into {folder}, keeping {args.keep or 14}"
          if folder else "no daily backup from the app", file=sys.stderr)
    return 0


def cmd_restore(args) -> int:
    from store.db import backup as backups
    from store.db import default_db_path

    require("restore")
    live = args.db or default_db_path()
    written = backups.restore(args.file, live, families=args.families)
    _say("restored", written)
    if written.kept:
        print(f"the database it replaced is kept as {written.kept}", file=sys.stderr)
    return 0


def _say(verb: str, written) -> None:
    """One line: where, how big, what was checked, the audit chain's head; a second one
    when the chain verifies only from a resume row (how many rows cannot be checked)."""
    c = written.checked
    head = f"audit chain head {c.audit_head}" if c.audit_head else "no audit chain yet"
    families = f"{c.families} of {c.of_families} families re-computed"
    sys.stdout.write(f"{verb} {written.path}: {written.size / 1e6:.1f} MB in "
                     f"{written.seconds:.1f} s; integrity ok, {families}, {head}\n")
    if c.audit_note:  # the audit chain was resumed: what it cannot vouch for
        sys.stdout.write(f"note: audit {c.audit_note}\n")
