"""What a statement needs besides the family's ledger: the office, the guarantor's address,
the previous statement, and the billing run's selection of families.

- `office` / `patient_party`: the practice's name, address, phone and default message
  (settings ``office.*``), the guarantor's mailing name and postal address;
- `previous_statement`: the last statement sent to a family before a date (a new one's period
  starts the day after, `estimator.statement.default_period_start`);
- `select_families`: the billing run's preview: every family whose amount due on the date is at
  least the minimum and that was not billed in the last days, from SQL sums over the
  ledger's lines (`ledger_entry`), without building a statement. Amount due = the family's
  balance less the insurance still pending, as on the statement. The sums count what is
  posted up to the date; a claim paid after it counts as pending on a statement dated before
  the payment, so for a past date the statement's figure can be lower (the run then skips a
  family whose statement falls below the minimum).

The statements themselves are built by `store.read.statement_reader`.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta

from estimator.statement import mailing_name
from estimator.statement_types import Party

from ..connection import Database, bind_list, in_list
from ..family.ids import display_name, load_id_map
from ..family.loader import office_from_settings


def office(db: Database) -> tuple[Party, str]:
    """(the office as printed, its default statement message)."""
    settings = dict(db.execute_sql("SELECT key, value FROM setting WHERE key LIKE 'office.%'"))
    found = office_from_settings(settings)
    if found is None:
        return Party("", (), ""), ""
    return Party(found.name, found.address, found.phone), found.statement_message


ADDRESS_COLUMNS = "p.address1, p.address2, p.city, p.state, p.zip"


def address_lines(address1, address2, city, state, zip_code) -> tuple[str, ...]:
    """Street lines, then "City, ST 12345" (parts left out when unknown)."""
    place = ", ".join(filter(None, (city, " ".join(filter(None, (state, zip_code))))))
    return tuple(line for line in (address1, address2, place) if line)


def patient_party(db: Database, patient_id: int) -> Party:
    """A patient (a family's guarantor) as an envelope shows them: name and postal address."""
    row = db.execute_sql(f"SELECT p.last_name, p.first_name, {ADDRESS_COLUMNS} FROM patient p "
                         "WHERE p.id = ?", (patient_id,)).fetchone()
    if row is None:
        return Party("")
    return Party(mailing_name(display_name(row[0], row[1])), address_lines(*row[2:]))


def previous_statement(db: Database, guarantor_id: int, before: date) -> date | None:
    """The date of the last statement sent to the family before ``before``."""
    row = db.execute_sql("SELECT max(date) FROM statement WHERE guarantor_id = ? AND date < ?",
                         (guarantor_id, before.isoformat())).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def previous_statements(db: Database, guarantor_ids: list[int], before: date) -> dict[int, date]:
    """`previous_statement` for many families at once (those with one)."""
    rows = db.execute_sql(
        f"SELECT guarantor_id, max(date) FROM statement WHERE guarantor_id {in_list('?1')} "
        "AND date < ?2 GROUP BY guarantor_id", (bind_list(guarantor_ids), before.isoformat()))
    return {g: date.fromisoformat(d) for g, d in rows}


# --- the billing run's selection -----------------------------------------------------------

@dataclass
class Selection:
    """The families a billing run bills, in mailing order (the guarantor's name), and the
    preview's counts and totals. The families are kept as arrays of numbers, so a run over a
    large office holds a few bytes a family."""
    day: date
    min_due: int
    skip_days: int
    guarantors: array = field(default_factory=lambda: array("q"))
    amount_due: array = field(default_factory=lambda: array("q"))
    new_balance: array = field(default_factory=lambda: array("q"))
    pending: array = field(default_factory=lambda: array("q"))
    billed_recently: int = 0         # families owing at least the minimum, skipped: billed lately
    billed_recently_due: int = 0
    below_minimum: int = 0           # families owing something, but less than the minimum
    below_minimum_due: int = 0

    @property
    def count(self) -> int:
        return len(self.guarantors)

    @property
    def total_due(self) -> int:
        return sum(self.amount_due)

    @property
    def total_balance(self) -> int:
        return sum(self.new_balance)

    @property
    def total_pending(self) -> int:
        return sum(self.pending)


_FAMILY_SUMS = """
SELECT g.id, f.total, f.pending, (SELECT max(s.date) FROM statement s WHERE s.guarantor_id = g.id)
FROM (SELECT coalesce(p.guarantor_id, p.id) AS gid, sum(e.balance_cents) AS total,
             sum(e.ins_owed_cents) AS pending
      FROM ledger_entry e JOIN patient p ON p.id = e.patient_id
      WHERE e.posted <= ?1 GROUP BY coalesce(p.guarantor_id, p.id)) f
JOIN patient g ON g.id = f.gid
WHERE f.total - f.pending > 0
ORDER BY g.name_lower, g.id"""


def select_families(db: Database, day: date, *, min_due: int, skip_days: int) -> Selection:
    """Every family owing at least ``min_due`` (and more than nothing) on ``day`` and not
    billed in the ``skip_days`` days up to it (a statement dated after ``day - skip_days``)."""
    sel = Selection(day, min_due, skip_days)
    recent = (day - timedelta(days=skip_days)).isoformat()
    for gid, total, pending, last in db.execute_sql(_FAMILY_SUMS, (day.isoformat(),)):
        due = total - pending
        if due < min_due:
            sel.below_minimum += 1
            sel.below_minimum_due += due
        elif skip_days > 0 and last is not None and last > recent:
            sel.billed_recently += 1
            sel.billed_recently_due += due
        else:
            sel.guarantors.append(gid)
            sel.amount_due.append(due)
            sel.new_balance.append(total)
            sel.pending.append(pending)
    return sel


@dataclass(frozen=True)
class PreviewRow:
    guarantor: int
    name: str
    account: str
    amount_due: int
    new_balance: int
    pending: int


def preview_rows(db: Database, sel: Selection, start: int, stop: int) -> list[PreviewRow]:
    """Rows ``start:stop`` of the selection with the guarantors' names (for a list on screen)."""
    ids = list(sel.guarantors[start:stop])
    params = {"ids": bind_list(ids)}
    accounts = load_id_map(db, kinds=("patient",), where={"patient": f"id {in_list(':ids')}"},
                           params=params).to_practice["patient"]
    names = {i: display_name(last, first) for i, last, first in db.execute_sql(
        f"SELECT id, last_name, first_name FROM patient WHERE id {in_list(':ids')}", params)}
    return [PreviewRow(g, names.get(g, ""), accounts.get(g, str(g)), sel.amount_due[start + n],
                       sel.new_balance[start + n], sel.pending[start + n])
            for n, g in enumerate(ids)]
