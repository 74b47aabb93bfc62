"""The front desk's read side over the database (the TUI's `FrontDesk` port).

Lists (search) come from SQL sums (`store.read.balances`). Accounts, their ledger cards and
line details are `store.desks.card_reader.CardReader`'s, loaded on the first account opened:
Find patient, the first screen, needs none of the ledger code.
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Callable, Sequence

from estimator.views import PatientHit

from ..audit.views import ViewLog
from ..connection import Database, checkpoint, refresh_statistics_if_free, revision
from ..family.ids import ID_KINDS, load_id_map
from ..read import balances
from ..read.patients import first_patients, search_patients

if TYPE_CHECKING:
    from estimator.ledger import LedgerCard
    from estimator.ledger_types import CardRow
    from estimator.views import AccountView, LineDetail

    from .card_reader import CardReader


class DbFrontDesk:
    """Implements `tui.ports.FrontDesk` over one open database."""

    def __init__(self, db: Database, *, today: Callable[[], date] = date.today):
        self.db = db
        self.today = today
        self._reader: CardReader | None = None
        self.views = ViewLog(db)  # "viewed" audit rows (store.audit.views)
        self._statistics_fresh = False

    # -- search ------------------------------------------------------------------
    def search(self, text: str, limit: int = 50, *, inactive: bool = False) -> list[PatientHit]:
        found = (search_patients(self.db, text, limit, inactive=inactive) if text.strip()
                 else first_patients(self.db, limit, inactive=inactive))
        if not found:
            return []
        bal = balances.patient_balances(self.db, [p["id"] for p in found])
        gids = {p["id"]: p["guarantor_id"] or p["id"] for p in found}
        fam = balances.family_totals(self.db, gids.values())
        names = self._names(gids.values())
        return [PatientHit(
            patient_id=p["file_id"] or str(p["id"]), name=p["name"],
            birthdate=_day(p["birthdate"]), guarantor_name=names.get(gids[p["id"]], ""),
            balance_total=bal[p["id"]].total, patient_est=bal[p["id"]].patient,
            family_total=fam.get(gids[p["id"]], 0), insurance_est=bal[p["id"]].ins_est,
            writeoff_est=bal[p["id"]].writeoff_est,
            chart_no=p["chart_no"] or "", inactive=bool(p["inactive"]),
        ) for p in found]

    def _names(self, patient_ids) -> dict[int, str]:
        inn = ",".join(str(int(i)) for i in set(patient_ids)) or "NULL"
        rows = self.db.execute_sql(
            f"SELECT id, last_name, first_name FROM patient WHERE id IN ({inn})")
        return {pid: f"{last}, {first}" if first else last for pid, last, first in rows}

    # -- the database's state -------------------------------------------------------
    def idle(self) -> str | None:
        """A quiet moment at the desk: write views still queued, refresh the planner's
        statistics once (not at open: a start must not take the write lock), checkpoint the log
        off the posting path; a warning when views have waited for the database too long."""
        self.views.flush()
        if not self._statistics_fresh:
            self._statistics_fresh = refresh_statistics_if_free(self.db)
        checkpoint(self.db)
        return self.views.warning()

    def revision(self) -> int:
        """Moves when this or another connection commits (SQLite data_version + changes),
        except for this desk's own "viewed" audit rows."""
        return revision(self.db) - self.views.own_changes

    def viewed(self, patient_id: str) -> None:
        """The account of ``patient_id`` was shown: audit it (after the card is up)."""
        try:
            pid = self.patient_db_id(patient_id)
        except KeyError:
            return
        self.views.add(pid, "desk")

    def close(self) -> str | None:
        """Write the views still queued, waiting as a posting would; one sentence when some
        could not be written (the caller says so)."""
        return self.views.close()

    def patient_db_id(self, patient_id: str | int) -> int:
        """Database id of a patient named by practice id (file id or generated) or db id."""
        if isinstance(patient_id, int):
            return patient_id
        row = self.db.execute_sql("SELECT id FROM patient WHERE file_id = ?", (patient_id,)).fetchone()
        if row is None and patient_id.isdigit():
            row = self.db.execute_sql("SELECT id FROM patient WHERE id = ?", (int(patient_id),)).fetchone()
        if row is None:
            generated = self._db_id("patient", patient_id)
            if generated is None:
                raise KeyError(patient_id)
            return generated
        return row[0]

    # -- one account (store.desks.card_reader) ---------------------------------------------
    def account(self, patient_id: str) -> AccountView:
        return self.cards.account(patient_id)

    def rows(self, patient_id: str, start: int, stop: int) -> Sequence[CardRow]:
        return self.cards.rows(patient_id, start, stop)

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        return self.cards.day_index(patient_id)

    def card(self, patient_id: str | int) -> LedgerCard:
        """The whole card (printing: `dentledger ledger`), read window by window."""
        return self.cards.card(patient_id)

    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        return self.cards.line_detail(patient_id, ref)

    @property
    def cards(self) -> CardReader:
        if self._reader is None:
            from .card_reader import CardReader  # the ledger code: first account opened
            self._reader = CardReader(self.db, today=lambda: self.today(), revision=self.revision,
                                      patient_db_id=self.patient_db_id, db_id=self._db_id)
        return self._reader

    def _db_id(self, kind: str, practice_id: str) -> int | None:
        """Database id of a row named by its practice id (file id, or generated ``PR12``)."""
        table, prefix = ID_KINDS[kind]
        row = self.db.execute_sql(f'SELECT id FROM "{table}" WHERE file_id = ?',
                                  (practice_id,)).fetchone()
        if row is not None:
            return row[0]
        generated = re.fullmatch(re.escape(prefix) + r"(\d+)~*", practice_id)
        if generated is None:
            return None
        db_id = int(generated.group(1))
        ids = load_id_map(self.db, kinds=(kind,), where={kind: f"id = {db_id}"})
        return db_id if ids.to_practice[kind].get(db_id) == practice_id else None


def _day(text) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(text)
