"""Pieces every set-up screen shares: the base screen, an inline editor, and dialogs (a choice,
a one-line prompt, a progress bar for re-estimating)."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable, ClassVar, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from estimator.text import clean
from tui.screens.base import DeskModal, DeskScreen
from tui.widgets.desk_table import DeskTable
from tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from tui.setup.port import SetupDesk


def cell(value: object, justify: str = "left", style: str = "") -> Text:
    """A table cell from anything typed by a person (control characters made visible)."""
    return Text(clean("" if value is None else str(value)), justify=justify, style=style,
                no_wrap=True, overflow="ellipsis")


class SetupScreen(DeskScreen):
    """A full set-up screen: Escape goes back; ``refresh_view`` redraws from the desk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="setup.back"),
    ]

    DEFAULT_CSS = """
    SetupScreen .setup-info { height: auto; padding: 0 1; color: $text-muted; }
    SetupScreen .setup-status { height: auto; padding: 0 1; }
    SetupScreen DataTable { height: 1fr; }
    SetupScreen InlineEditor { dock: bottom; height: 3; display: none; background: $panel; }
    SetupScreen InlineEditor.-open { display: block; }
    SetupScreen InlineEditor Label { padding: 1 1 0 1; width: auto; }
    SetupScreen InlineEditor Input { width: 1fr; }
    """

    @property
    def setup(self) -> SetupDesk:
        return self.app.setup_desk  # type: ignore[attr-defined]

    def status(self, message: str, *, error: bool = False) -> None:
        """A one-line message in the screen's status line (and a toast for errors)."""
        for widget in self.query(".setup-status"):
            widget.update(Text(clean(message), style="bold red" if error else ""))
        if error:
            self.notify(clean(message), severity="error", markup=False)

    def changed(self, message: str) -> None:
        """After a change: tell the user and let every open screen reload."""
        self.notify(clean(message), markup=False)
        self.app.refresh_data(force=True)  # type: ignore[attr-defined]

    def reload(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """Redraw from the desk (override)."""

    def action_back(self) -> None:
        editors = [e for e in self.query(InlineEditor) if e.is_open]
        if editors:
            editors[0].close()
        else:
            self.dismiss(None)


class SetupListScreen(SetupScreen):
    """A set-up list: a title, one table of ``COLUMNS``, a status line; rows from `list_rows`."""

    LIST_TITLE: ClassVar[str] = ""
    TABLE_ID: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text(self.LIST_TITLE), classes="screen-title")
        yield DeskTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), classes="setup-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title in self.COLUMNS:
            table.add_column(Text(title), key=title)
        self.refresh_view()
        table.focus()

    def list_rows(self) -> list:
        """The desk's rows for this list (override)."""
        return []

    def row_cells(self, row) -> tuple[list[Text], str]:
        """One row's cells and its key (override)."""
        raise NotImplementedError

    def refresh_view(self) -> None:
        """Refill the table, keeping the cursor where it was."""
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear()
        self.rows = list(self.list_rows())
        for r in self.rows:
            cells, key = self.row_cells(r)
            table.add_row(*cells, key=key)
        if self.rows:
            table.move_cursor(row=min(max(at, 0), len(self.rows) - 1))


class InlineEditor(Horizontal):
    """A one-line editor docked under a table: the cell being changed, typed in place."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.on_submit: Callable[[str], None] | None = None

    def compose(self) -> ComposeResult:
        yield Label(Text(""), id="editor-label")
        yield Input(id="editor-input")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, label: str, value: str, on_submit: Callable[[str], None]) -> None:
        self.on_submit = on_submit
        self.query_one(Label).update(Text(clean(label)))
        box = self.query_one(Input)
        box.value = value
        box.cursor_position = len(value)
        self.add_class("-open")
        box.focus()

    def close(self) -> None:
        self.remove_class("-open")
        self.on_submit = None
        tables = self.screen.query(DataTable)
        if tables:
            tables.first().focus()

    @on(Input.Submitted, "#editor-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.on_submit is not None:
            self.on_submit(event.value)


class ChoiceDialog(DeskModal[str | None]):
    """A question with a few answers (Up/Down, Enter); Escape answers None."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    ChoiceDialog OptionList { height: auto; max-height: 10; }
    """

    def __init__(self, title: str, question: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.question, self.options = title, question, options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self.title_text), style="bold"), classes="dialog-title")
            yield Static(Text(clean(self.question)))
            yield OptionList(*(Option(Text(clean(label)), id=key) for key, label in self.options),
                             id="choice-options")
            yield Static(Text("Enter choose · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def scope_dialog(identical: int) -> ChoiceDialog:
    """Seed 002: a change to a plan with identical plans asks where it goes; nothing is
    synchronized unless the user says so."""
    return ChoiceDialog(
        "Identical plans", f"{identical} other plan(s) are identical to this one. Apply the change to:",
        [("this", "This subscriber's plan only"), ("identical", f"Every identical plan ({identical + 1})")])


class PromptDialog(DeskModal[str | None]):
    """One line of text; Enter answers it, Escape cancels (None)."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, title: str, label: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.value, self.placeholder = title, label, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self.title_text), style="bold"))
            yield Label(Text(clean(self.label)))
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static(Text("Enter OK · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class ProgressDialog(DeskModal[tuple[bool, object] | None]):
    """Runs ``job(progress)`` in a worker thread with a progress bar (families re-estimated);
    dismisses with (True, result) or (False, error message)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # no Escape: the job commits or rolls back whole

    DEFAULT_CSS = """
    ProgressDialog { align: center middle; }
    ProgressDialog > Vertical { width: 64; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, title: str, job: Callable[[Callable[[int, int], None]], object]) -> None:
        super().__init__()
        self.title_text, self.job = title, job

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self.title_text), style="bold"))
            yield ProgressBar(total=None, show_eta=False, id="progress-bar")
            yield Static(Text("Updating estimates..."), id="progress-text")

    def on_mount(self) -> None:
        self.run_job()

    def action_close(self) -> None:
        """Escape does nothing while the job runs."""

    def _progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done if total else 1)
        self.query_one("#progress-text", Static).update(
            Text(f"Updating estimates: {done} of {total} families"))

    @work(thread=True, exclusive=True, group="setup-progress")
    def run_job(self) -> tuple[bool, object]:
        last = [0.0]

        def report(done: int, total: int) -> None:
            # Each update waits for the screen; a few per second is plenty for 50,000 families.
            now = time.monotonic()
            if done in (0, total) or now - last[0] >= 0.1:
                last[0] = now
                self.app.call_from_thread(self._progress, done, total)
        try:
            result = (True, self.job(report))
        except ValueError as exc:  # a refusal: nothing was written
            result = (False, str(exc))
        except Exception as exc:  # noqa: BLE001 - the desk keeps running; the transaction rolled back
            result = (False, f"{type(exc).__name__}: {exc}")
        return result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Dismissed here, once the worker has finished (dismissing removes its workers).
        if event.state == WorkerState.SUCCESS:
            self.dismiss(event.worker.result)
