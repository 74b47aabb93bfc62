"""The imported ERAs and the "ERA to finish" list: what `dentledger era list` and the ERA
screens read (as `era.review` rows). Read only."""
from __future__ import annotations

from datetime import date

from era.review import EraSummary, FinishRow

from ..connection import Database

_ERAS = (
    "SELECT e.id, e.payer_name, ca.name, e.trace_number, e.method, e.check_date, "
    "e.amount_cents, e.provider_adjustments_cents, e.posted_cents, "
    "(SELECT coalesce(sum(left_cents), 0) FROM era_claim WHERE era_id = e.id "
    "AND state IN ('open', 'partial')), e.status, f.name, e.imported_at, e.imported_by, "
    "(SELECT count(*) FROM era_claim WHERE era_id = e.id), "
    "(SELECT count(*) FROM era_claim WHERE era_id = e.id AND state IN ('open', 'partial')) "
    "FROM era e JOIN carrier ca ON ca.id = e.carrier_id JOIN era_file f ON f.id = e.file_id")
_CLAIMS = (
    "SELECT c.id, c.era_id, e.trace_number, e.payer_name, e.check_date, c.claim_ref, "
    "c.patient_name, c.paid_cents, c.posted_cents, c.left_cents, c.state, c.how, c.reason, "
    "coalesce(cl.file_id, cl.claim_no), c.note FROM era_claim c JOIN era e ON e.id = c.era_id "
    "LEFT JOIN claim cl ON cl.id = c.claim_id")


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def eras(db: Database, *, open_only: bool = False, limit: int = 500) -> list[EraSummary]:
    """Imported ERA payments, newest first (``open_only``: those with claims to finish)."""
    where = " WHERE e.status <> 'posted'" if open_only else ""
    rows = db.execute_sql(_ERAS + where + " ORDER BY e.id DESC LIMIT ?", (limit,)).fetchall()
    return [EraSummary(str(r[0]), r[1], r[2], r[3], r[4], _day(r[5]), *r[6:12],
                       str(r[12])[:16], *r[13:]) for r in rows]


def to_finish(db: Database, *, limit: int = 2000) -> list[FinishRow]:
    """Every ERA claim left open or posted in part, oldest ERA first."""
    return _claims(db, " WHERE c.state IN ('open', 'partial') ORDER BY c.era_id, c.seq LIMIT ?",
                   (limit,))


def era_claims(db: Database, era_id: int) -> list[FinishRow]:
    """Every claim of one imported ERA payment, in the file's order."""
    return _claims(db, " WHERE c.era_id = ? ORDER BY c.seq", (era_id,))


def era_claim(db: Database, era_claim_id: int) -> FinishRow | None:
    found = _claims(db, " WHERE c.id = ?", (era_claim_id,))
    return found[0] if found else None


def _claims(db: Database, tail: str, params: tuple) -> list[FinishRow]:
    return [FinishRow(str(r[0]), str(r[1]), r[2], r[3], _day(r[4]), *r[5:])
            for r in db.execute_sql(_CLAIMS + tail, params).fetchall()]


def provider_adjustments(db: Database, era_id: int) -> list[tuple[str, str | None, int]]:
    """(reason, reference, amount as in the file) of one ERA payment's PLB lines."""
    return [tuple(r) for r in db.execute_sql(
        "SELECT reason, reference, amount_cents FROM era_provider_adjustment WHERE era_id = ? "
        "ORDER BY id", (era_id,)).fetchall()]
