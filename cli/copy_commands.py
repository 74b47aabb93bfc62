"""``dentledger copy FROM TO [--replace]``: a whole practice from one database to another,
whatever their engines (a SQLite file <-> a ``postgresql://`` URL), audit log included,
checked afterwards (`store.db.copying`). Refuses a target that holds anything unless
``--replace``. `register(subparsers)` adds the command to the main parser.
"""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "copy", help="copy a whole practice between databases (SQLite file <-> PostgreSQL URL)",
        description="Copy everything (patients, ledger, set-up, users, audit log) from one "
                    "database to another, then check every table and balance.")
    p.add_argument("source", metavar="FROM", help="a database file or postgresql:// URL")
    p.add_argument("target", metavar="TO", help="a database file or postgresql:// URL "
                   "(created if it is a file; a PostgreSQL database must exist)")
    p.add_argument("--replace", action="store_true",
                   help="overwrite a target that already holds data")
    p.set_defaults(func=cmd_copy)


def cmd_copy(args) -> int:
    from store.connection import StoreError, engine_for, is_postgres
    from store.db import open_database
    from store.db.copying import copy_practice

    if not is_postgres(args.source):
        import os
        if not os.path.isfile(os.path.expanduser(args.source)):
            raise StoreError(f"no database at {args.source}")
    source = open_database(args.source, create=False)
    try:
        target = open_database(args.target)
        try:
            result = copy_practice(source, target, replace=args.replace)
        finally:
            target.close()
    finally:
        source.close()
    engine = engine_for(args.target)
    where = engine.safe_url(args.target) if is_postgres(args.target) else args.target
    print(f"copied {result.total:,} rows ({len(result.rows)} tables) to {where}; "
          f"balances of {result.patients:,} patients checked; {result.audit}")
    sys.stdout.flush()
    return 0
