"""The `dentledger` console command.

With no subcommand it opens the TUI on the default database (created from the
demo practice on first run). Subcommands run headless for scripts and SSH
one-liners. Imports are lazy so that quick commands such as `balance` never pay
for Textual.
"""
from __future__ import annotations

import argparse
import os
import sys

from . import commands

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 1."""


def _add_format(p: argparse.ArgumentParser, default: str = "table") -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default=default,
                   help=f"output format (default {default})")


def _add_globals(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH",
                        help="database file (default: $DENTLEDGER_DB, else the user data dir)")
    parser.add_argument("--as", dest="as_user", metavar="NAME",
                        help="act as this user, with their role (SSH keys' forced commands); "
                             "an SSH command in $SSH_ORIGINAL_COMMAND then runs as them")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dentledger",
        description="DentLedger: patient accounts, ledger cards and insurance estimates "
                    "for the dental front desk. With no command, opens the app.",
    )
    _add_globals(parser)
    parser.add_argument("--version", action="version", version="dentledger 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("tui", help="open the app (the default)")
    p.set_defaults(func=commands.cmd_tui)

    p = sub.add_parser("balance", help="quick balance lookup by name prefix, birthdate or id")
    p.add_argument("query", help='"smi", "smith, jo", 1984-05-01 or an id')
    _add_format(p)
    p.set_defaults(func=commands.cmd_balance)

    p = sub.add_parser("ledger", help="a patient's ledger card as text")
    p.add_argument("patient", help="practice-file id, database id or a unique name")
    _add_format(p, "table")
    p.set_defaults(func=commands.cmd_ledger)

    p = sub.add_parser("import", help="import a practice file (all or nothing)")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true",
                   help="replace the practice already in the database")
    p.set_defaults(func=commands.cmd_import)

    p = sub.add_parser("export", help="export the whole practice as a practice file")
    p.add_argument("file", help="output path, or - for standard output")
    p.set_defaults(func=commands.cmd_export)

    p = sub.add_parser("demo", help="create a demo practice (the office, or a large synthetic one)")
    p.add_argument("--patients", type=int, metavar="N",
                   help="generate a synthetic practice of N patients instead of the demo office")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--replace", action="store_true",
                   help="replace the practice already in the database")
    p.set_defaults(func=commands.cmd_demo)

    p = sub.add_parser("check", help="run scenario files and compare every expected number")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--on", metavar="URL", help="run them on PostgreSQL, in a scratch schema "
                   "of this database (created and dropped; the practice is not touched)")
    p.set_defaults(func=commands.cmd_check)

    from . import post_commands, report_commands
    post_commands.register(sub)    # post / claim: the front desk's daily work
    report_commands.register(sub)  # report NAME: carriers, write-offs, aging, claims, day sheet
    from . import era_commands
    era_commands.register(sub)     # era show FILE: an electronic remittance (X12 835) as read
    from . import copy_commands
    copy_commands.register(sub)    # copy FROM TO: a whole practice between engines
    from . import audit_commands, user_commands
    user_commands.register(sub)    # user add/list/disable/key/passwd: who signs in, by SSH key
    audit_commands.register(sub)   # audit verify / audit log: the hash-chained audit log
    from . import backup_commands
    backup_commands.register(sub)  # backup FILE | --daily DIR, restore FILE: checked copies
    from . import patient_commands
    patient_commands.register(sub)  # patient add|edit|move|show|list, coverage, plan PATIENT
    from . import statement_commands
    statement_commands.register(sub)  # statement PATIENT, statements: the billing run
    return parser


def _app_arguments(argv: list[str]) -> argparse.Namespace | None:
    """``dentledger [--db PATH]``: the app, parsed without building every subcommand's
    parser (whose modules would delay the first screen); None for anything else."""
    if any(arg.startswith("-") and not arg.startswith(("--db", "--as")) for arg in argv):
        return None  # --help, --version, a typo: the full parser answers
    app_only = argparse.ArgumentParser(prog="dentledger", add_help=False, exit_on_error=False)
    _add_globals(app_only)
    try:
        args, rest = app_only.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # e.g. --db without a path: the full parser says so
    return None if rest else argparse.Namespace(**vars(args), command=None)


def main(argv: list[str] | None = None) -> int:
    # Everything this process writes (the database and its -wal/-shm, backups, exports, keys,
    # logs) is private to the account, whatever umask the shell or service left.
    umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(umask)  # for a caller in the same process (the tests)


def _main(argv: list[str] | None) -> int:
    _warnings_as_lines()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _app_arguments(argv) or build_parser().parse_args(argv)
    try:
        if args.as_user is not None:
            args = commands.acting_as(args, build_parser)
        else:
            commands.as_account_owner()
        if args.command is None:
            args.func = commands.cmd_tui
        return int(args.func(args) or EXIT_OK)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # one clear line, never a traceback
        if os.environ.get("DENTLEDGER_DEBUG"):
            raise
        # A refusal or bad input says what is wrong; anything else is a bug: its line names
        # an incident whose details (without values) are logged (`cli.incidents`).
        from estimator.text import clean
        text = commands.error_text(exc, commands.db_path(args))
        line = "; ".join(part.strip() for part in text.splitlines() if part.strip())
        print(f"dentledger: {clean(line)}", file=sys.stderr)
        return EXIT_FAIL


def _warnings_as_lines() -> None:
    """A warning (e.g. a database others could read) is one line on standard error."""
    import warnings

    def show(message, category, *_rest, **_kw) -> None:
        from estimator.text import clean
        print(f"dentledger: warning: {clean(str(message))}", file=sys.stderr)

    warnings.showwarning = show


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
