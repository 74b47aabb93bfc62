"""The audit log: the latest rows, newest first, for the whole office or the current patient.

The screen runs no SQL: it asks an `AuditLogPort` (``store.desks.audit_log.DbAuditLog``),
injected as ``config["audit_log"]``. Reading it needs the admin role (`DeskApp.refusal`).
"""
from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from estimator.text import clean
from tui.screens.base import DeskScreen

COLUMNS = (("at", "When"), ("user", "User"), ("from", "From"), ("action", "Action"),
           ("patient", "Patient"), ("detail", "Change"))
LIMIT = 500


@runtime_checkable
class AuditLogPort(Protocol):
    def rows(self, patient: str | None = None, limit: int = LIMIT) -> list[dict[str, str]]:
        """The latest rows (for one patient), newest first, as text keyed as `COLUMNS`."""
        ...


def open_audit_log(app, patient: str | None = None) -> None:
    """Show the audit log (of ``patient``), or say why not."""
    refusal = app.refusal("audit_log")
    if refusal:
        app.notify(refusal, severity="warning", markup=False)
        return
    if app.config.get("audit_log") is None:
        app.notify("The audit log is not available here.", severity="warning", markup=False)
        return
    app.push_screen(AuditLogScreen(patient))


class AuditLogScreen(DeskScreen):
    """Who did what, when and from where."""

    CSS_PATH = "audit_log.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("a", "show_all", "Whole office", id="audit.all"),
    ]

    def __init__(self, patient: str | None = None) -> None:
        super().__init__()
        self.patient = patient

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="audit-title")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        self.reload()
        table.focus()

    def reload(self) -> None:
        port: AuditLogPort = self.desk.config["audit_log"]
        rows = port.rows(self.patient, LIMIT)
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(*(Text(clean(row.get(key, "")), no_wrap=True, overflow="ellipsis")
                            for key, _ in COLUMNS), key=row.get("id"))
        whose = f"patient {self.patient}" if self.patient else "the whole office"
        shown = f"latest {len(rows)}" if len(rows) == LIMIT else f"{len(rows)}"
        self.query_one("#audit-title", Static).update(
            Text(f"Audit log of {clean(whose)}: {shown} rows, newest first"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_show_all(self) -> None:
        self.patient = None
        self.reload()
