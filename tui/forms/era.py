"""The ERA screen: post a carrier's electronic remittance (X12 835) from its file, and the
"ERA to finish" list.

Type the file's path (Right or End takes the completion; Down goes to the folder's ERA
files; Enter opens). Each payment of the file (one check or EFT; `]` / `[` for the next
or previous) shows as the insurance payment grid: one row per claim procedure, prefilled
from the ERA (paid, write-off, deductible, denied, remarks), under the claim it matched.
A claim matched weakly (`?`, yellow) or not at all (`!`, red) says why on the line under
the grid. Space ticks or unticks a claim (weak ones start unticked), Enter edits a line.
The running line says what the ticked claims post, what stays on the list to finish and
what is off; Ctrl+S posts the check, after a confirmation, once it is off by 0.00. The
file is checked against the X12 guide in the background meanwhile (its complaints never
stop a post). `f` opens the list to finish: `m` matches a claim by hand, `h` marks it
handled with a note.
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from era.review import (
    CheckView, ClaimPick, ClaimView, EraPreview, LinePick, as_picked, balance, claim_off,
)
from estimator.money import fmt_grouped
from estimator.text import clean
from tui.forms.confirm import ConfirmScreen
from tui.forms.era_dialogs import LineDialog, PromptDialog
from tui.forms.era_files import EraPathSuggester, era_choices
from tui.forms.era_port import EraDesk, PostingRefused
from tui.screens.base import FOCUS_BINDINGS, DeskScreen, after_typed_keys

GRID = (("", 4), ("Claim", 13), ("Procedure", 13), ("Charge", 10), ("Paid", 10),
        ("Write-off", 10), ("Deduct", 9), ("Match", 6), ("Remarks", 60))
MATCH_STYLE = {"none": "red", "weak": "yellow"}


def match_mark(claim: ClaimView) -> str:
    """``id``, ``hand``, ``weak?`` or ``none!``: readable without colour."""
    if claim.how == "none" or not claim.lines:
        return "none!" if claim.how == "none" else "left!"
    return "weak?" if claim.review else claim.how


def _money(cents: int, style: str = "") -> Text:
    return Text(fmt_grouped(cents), style=style, justify="right")


def _left(text: str, style: str = "") -> Text:
    """A left-aligned cell: one space from the column before (the grid has no padding, so
    80 columns hold it)."""
    return Text(" " + clean(text), style=style, overflow="ellipsis", no_wrap=True)


class EraScreen(DeskScreen):
    """An ERA file's payments, each as the insurance payment grid to review and post."""

    CSS_PATH = "era.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("ctrl+s", "post", "Post check", priority=True, id="era.post"),
        Binding("space", "toggle", "Tick claim", id="era.toggle"),
        Binding("right_square_bracket", "check(1)", "Next check", key_display="]",
                id="era.next_check"),
        Binding("left_square_bracket", "check(-1)", "Prev check", key_display="[",
                id="era.previous_check"),
        Binding("o", "open_file", "Open file", id="era.open"),
        Binding("f", "to_finish", "To finish", id="era.to_finish"),
        Binding("escape", "close", "Close", id="era.close"),
    ]

    def __init__(self, desk: EraDesk, path: str | None = None) -> None:
        super().__init__()
        self.era = desk
        self.start_path = path
        self.preview: EraPreview | None = None
        self.index = 0
        self.ticked: dict[tuple[int, int], bool] = {}         # (check, claim seq) -> post it
        self.edits: dict[tuple[int, int, str], LinePick] = {}  # (check, claim, procedure)
        self.rows: list[tuple[int, int | None]] = []           # grid row -> (claim, line)
        self.guide = "The X12 guide's check starts when a file is open."

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="era-screen"):
            yield Static(Text("ERA: post a carrier's electronic remittance (X12 835)"),
                         classes="screen-title")
            yield Horizontal(Label(Text("File"), classes="era-field-label"),
                             Input(self.start_path or "", placeholder="path to the 835 file",
                                   id="era-path", suggester=EraPathSuggester(), compact=True),
                             classes="era-field")
            yield OptionList(id="era-files")
            yield Static(Text("Type the ERA file's path: Right takes the completion, Down "
                              "the folder's files, Enter opens it."), id="era-check")
            table = DataTable(id="era-grid", cursor_type="row", cell_padding=0)
            for title, width in GRID:
                right = title in ("Charge", "Paid", "Write-off", "Deduct")
                table.add_column(Text(title, justify="right") if right else _left(title),
                                 width=width, key=title or "post")
            yield table
            yield Static(Text(""), id="era-detail")
            yield Static(Text(""), id="era-running")
            yield Static(Text(self.guide), id="era-guide")
        yield Footer()

    def on_mount(self) -> None:
        path = self.query_one("#era-path", Input)
        path.cursor_blink = self.desk.config["cursor_blink"]
        self._list_files(path.value, show=not self.start_path)
        path.focus()
        if self.start_path:
            self.open_path(self.start_path)

    # --- picking the file -----------------------------------------------------------------

    @on(Input.Changed, "#era-path")
    def _typed(self, event: Input.Changed) -> None:
        self._list_files(event.value, show=self.preview is None)

    def _list_files(self, text: str, *, show: bool) -> None:
        """The folders and ERA files the typed path can become, under the path box."""
        files = self.query_one("#era-files", OptionList)
        files.clear_options()
        choices = era_choices(text)
        files.add_options([Option(Text(clean(c)), id=c) for c in choices])
        files.display = bool(choices) and show

    def on_key(self, event) -> None:
        files = self.query_one("#era-files", OptionList)
        if event.key == "down" and self.focused is self.query_one("#era-path") and \
                files.display and files.option_count:
            files.focus()
            files.highlighted = 0
            event.stop()

    @on(OptionList.OptionSelected, "#era-files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        path = self.query_one("#era-path", Input)
        path.value = event.option.id or ""
        path.cursor_position = len(path.value)
        path.focus()
        if not path.value.endswith(("/", "\\")):
            self.open_path(path.value)

    @on(Input.Submitted, "#era-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.open_path(event.value.strip())

    def action_open_file(self) -> None:
        path = self.query_one("#era-path", Input)
        path.focus()
        self._list_files(path.value, show=True)

    def open_path(self, path: str) -> None:
        try:
            preview = self.era.preview(path)
        except PostingRefused as exc:
            self.notify(str(exc), title="Cannot open", severity="error", markup=False)
            return
        self.preview, self.index, self.edits = preview, 0, {}
        self.ticked = {(check.seq, c.seq): c.postable and c.review is None and not check.refusal
                       for check in preview.checks for c in check.claims}
        self.query_one("#era-files", OptionList).display = False
        self.show_check()
        self.query_one("#era-grid", DataTable).focus()
        self.guide = "Checking the file against the X12 guide…"
        self._update_guide()
        self._check_guide(path)

    @work(thread=True, exclusive=True, group="era-guide")
    def _check_guide(self, path: str) -> None:
        """The X12 guide's complaints, read in a thread while the office reviews (seconds
        for a large file; it touches no database)."""
        try:
            warnings, validated = self.era.guide_warnings(path)
        except PostingRefused as exc:
            warnings, validated = (str(exc),), False
        self.app.call_from_thread(self._guide_done, path, warnings, validated)

    def _guide_done(self, path: str, warnings: tuple[str, ...], validated: bool) -> None:
        if self.preview is None or self.preview.path != path:
            return
        if not validated:
            self.guide = "Not checked against the X12 guide: " + (warnings[0] if warnings else "")
        elif warnings:
            self.guide = f"X12 guide: {len(warnings)} warning(s); first: {warnings[0]}"
        else:
            self.guide = "X12 guide: no complaints."
        self._update_guide()

    def _update_guide(self) -> None:
        style = "yellow" if "warning" in self.guide or "Not checked" in self.guide else "dim"
        self.query_one("#era-guide", Static).update(Text(clean(self.guide), style=style))

    # --- the grid ---------------------------------------------------------------------------

    @property
    def check(self) -> CheckView | None:
        return self.preview.checks[self.index] if self.preview and self.preview.checks else None

    def show_check(self) -> None:
        check = self.check
        if check is None:
            return
        self.query_one("#era-check", Static).update(self._heading(check))
        table = self.query_one("#era-grid", DataTable)
        table.clear()
        self.rows = []
        for claim in check.claims:
            for i, line in enumerate(claim.lines or [None]):
                table.add_row(*self._cells(check, claim, i if line else None),
                              key=f"{claim.seq}:{i}")
                self.rows.append((claim.seq, i if line else None))
        self._update_running()
        self._update_detail()

    def _heading(self, check: CheckView) -> Text:
        count = len(self.preview.checks) if self.preview else 1
        date = check.date.isoformat() if check.date else "no date"
        who = check.carrier or f"{check.payer} (no carrier here)"
        out = Text(clean(f"Check {check.seq} of {count}: {who} · {check.method} "
                         f"{check.trace_number or '-'} · {date} · "
                         f"{fmt_grouped(check.amount)}"), style="bold")
        for reason, reference, amount in check.provider_adjustments:
            out.append(clean(f" · PLB {reason} {reference} {fmt_grouped(amount)} (recorded)"))
        if check.refusal:
            out.append("\n" + clean(check.refusal), style="red")
        return out

    def _line(self, check: CheckView, claim: ClaimView, i: int) -> LinePick:
        line = claim.lines[i]
        return self.edits.get((check.seq, claim.seq, line.procedure_key), as_picked(line))

    def _cells(self, check: CheckView, claim: ClaimView, i: int | None) -> list[Text]:
        style = MATCH_STYLE.get(claim.how, "yellow" if claim.review else "")
        ticked = self.ticked.get((check.seq, claim.seq), False)
        if not ticked:
            style = f"{style} dim".strip()
        first = i in (0, None)
        tick = ("[x]" if ticked else "[ ]") if claim.postable else " - "
        head = [Text(tick if first else ""),
                _left(claim.claim_label or claim.claim_ref if first else "", style)]
        if i is None:
            return [*head, _left(claim.patient, style), _money(claim.billed),
                    _money(claim.paid, style), Text(""), Text(""),
                    _left(match_mark(claim) if first else "", style),
                    _left(claim.reason or "", style)]
        line, picked = claim.lines[i], self._line(check, claim, i)
        weak = "yellow" if line.weak else style
        remarks = ("DENIED " if picked.denied else "") + (picked.remarks or "")
        return [*head, _left(line.label, weak), _money(line.charge),
                _money(picked.paid, style), _money(picked.writeoff, style),
                _money(picked.deductible, style),
                _left(match_mark(claim) if first else "", style), _left(remarks, style)]

    def _refresh_claim(self, claim: ClaimView) -> None:
        table, check = self.query_one("#era-grid", DataTable), self.check
        for row, (seq, i) in enumerate(self.rows):
            if seq == claim.seq:
                for col, cell in enumerate(self._cells(check, claim, i)):
                    table.update_cell_at((row, col), cell)
        self._update_running()
        self._update_detail()

    @on(DataTable.RowHighlighted, "#era-grid")
    def _highlighted(self) -> None:
        self._update_detail()

    def _current(self) -> tuple[ClaimView, int | None] | None:
        check, row = self.check, self.query_one("#era-grid", DataTable).cursor_row
        if check is None or not 0 <= row < len(self.rows):
            return None
        seq, i = self.rows[row]
        return check.claims[seq], i

    def _update_detail(self) -> None:
        """The highlighted row in words: the claim and its match, then why it is weak or
        left (or the line's remarks), then what the ERA reports but nothing posts."""
        current = self._current()
        out = Text()
        if current is not None:
            claim, i = current
            ours = f"claim {claim.claim_label}" if claim.claim_label else "no claim of ours"
            out.append(clean(f"{claim.claim_ref} {claim.patient} ({claim.status}) → {ours}: "
                             f"pays {fmt_grouped(claim.paid)}"))
            why = claim.review or claim.reason
            line = claim.lines[i] if i is not None else None
            if why:
                out.append("\n" + clean(why), style=MATCH_STYLE.get(claim.how, "yellow"))
            elif line is not None and line.remarks:
                out.append("\n" + clean(f"{line.label}: {line.remarks}"))
            if line is not None and line.patient_share:
                out.append("\n" + clean(f"Patient share (PR) {fmt_grouped(line.patient_share)}: "
                                        "reported, not posted"))
            for text in claim.unmatched:
                out.append("\n" + clean(text), style="red")
        self.query_one("#era-detail", Static).update(out)

    # --- the running check balance ---------------------------------------------------------

    def _picked(self, check: CheckView) -> dict[int, list[int]]:
        return {c.seq: [self._line(check, c, i).paid for i in range(len(c.lines))]
                for c in check.claims if c.postable and self.ticked.get((check.seq, c.seq))}

    def _problem(self, check: CheckView) -> str | None:
        """Why this check cannot be posted as it stands (None: it can)."""
        if check.refusal:
            return check.refusal
        picked = self._picked(check)
        for claim in check.claims:
            if claim.seq in picked and claim_off(claim, picked[claim.seq]):
                return (f"the lines of {claim.claim_label} pay "
                        f"{fmt_grouped(sum(picked[claim.seq]))}, the ERA "
                        f"{fmt_grouped(sum(ln.paid for ln in claim.lines))}")
        off = balance(check, picked).off
        return f"off by {fmt_grouped(off)}" if off else None

    def _update_running(self) -> None:
        check = self.check
        if check is None:
            return
        picked = self._picked(check)
        bal = balance(check, picked)
        line = Text(f"Claims {fmt_grouped(bal.check_total)} · posts {fmt_grouped(bal.applied)}"
                    f" ({len(picked)}) · to finish {fmt_grouped(bal.to_finish)}")
        problem = self._problem(check)
        if problem is None:
            line.append(" · ready: Ctrl+S", "green")
        else:
            line.append(" · " + clean(problem), "yellow")
        self.query_one("#era-running", Static).update(line)

    # --- actions --------------------------------------------------------------------------

    def action_toggle(self) -> None:
        current, check = self._current(), self.check
        if current is None or check is None:
            return
        claim, _ = current
        if not claim.postable:
            self.notify(f"{claim.claim_ref} has nothing to post: it stays on the list to "
                        "finish.", severity="warning", markup=False)
            return
        key = (check.seq, claim.seq)
        self.ticked[key] = not self.ticked.get(key, False)
        self._refresh_claim(claim)

    @on(DataTable.RowSelected, "#era-grid")
    def _edit(self) -> None:
        current, check = self._current(), self.check
        if current is None or check is None or current[1] is None:
            return
        claim, i = current
        line = claim.lines[i]
        title = f"{claim.claim_label} · {line.label} · charge {fmt_grouped(line.charge)}"

        def kept(picked: LinePick | None) -> None:
            if picked is not None:
                self.edits[(check.seq, claim.seq, line.procedure_key)] = picked
                self._refresh_claim(claim)

        self.app.push_screen(LineDialog(title, self._line(check, claim, i),
                                        negative=line.supplemental), kept)

    def action_check(self, step: int) -> None:
        if self.preview and self.preview.checks:
            self.index = (self.index + step) % len(self.preview.checks)
            self.show_check()

    def action_post(self) -> None:
        after_typed_keys(self, self._post_check)  # Ctrl+S is a priority binding

    def _post_check(self) -> None:
        check = self.check
        if check is None:
            self.notify("Open an ERA file first.", severity="warning")
            return
        problem = self._problem(check)
        if problem is not None:
            self.notify(f"Not posted: {problem}", title="Not posted", severity="error",
                        markup=False)
            return
        picks = [ClaimPick(c.seq, c.claim_key or "", tuple(
            self._line(check, c, i) for i in range(len(c.lines)))) for c in check.claims
            if c.seq in self._picked(check)]
        self.app.push_screen(ConfirmScreen("Post this ERA check?", self._confirmation(check)),
                             lambda yes: self._post(check, picks) if yes else None)

    def _confirmation(self, check: CheckView) -> Text:
        bal = balance(check, self._picked(check))
        count = len(self._picked(check))
        out = Text(clean(f"{check.carrier}: {check.method} {check.trace_number}, "
                         f"{fmt_grouped(check.amount)}"), "bold")
        out.append("\n")
        out.append(f"One check posts {fmt_grouped(bal.applied)} to {count} claim(s); each "
                   "becomes received and its secondary is released.\n")
        left = sum(1 for c in check.claims if c.seq not in self._picked(check))
        if left:
            out.append(f"{left} claim(s), {fmt_grouped(bal.to_finish)}, stay on the ERA to "
                       "finish list.\n")
        if check.provider_adjustments:
            out.append("Provider adjustments are recorded, not posted.\n")
        return out

    def _post(self, check: CheckView, picks: list[ClaimPick]) -> None:
        assert self.preview is not None
        try:
            message = self.era.post_check(self.preview.path, check.seq, picks)
        except PostingRefused as exc:
            self.notify(str(exc), title="Not posted", severity="error", markup=False)
            return
        self.notify(message, title="Posted", markup=False)
        self.desk.refresh_data()
        index, path = self.index, self.preview.path
        self.open_path(path)
        if self.preview and index < len(self.preview.checks):
            self.index = index
            self.show_check()

    def action_to_finish(self) -> None:
        self.app.push_screen(EraFinishScreen(self.era))

    def action_close(self) -> None:
        self.dismiss(None)


# --- the list to finish ----------------------------------------------------------------------

FINISH_GRID = (("ERA", 13), ("Date", 11), ("ERA claim", 13), ("Patient", 18), ("Paid", 10),
               ("Left", 10), ("State", 8), ("Why", 80))


class EraFinishScreen(DeskScreen):
    """ERA claims left open or posted in part: `m` posts one to the claim the office names,
    `h` marks it handled with a note."""

    CSS_PATH = "era.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FOCUS_BINDINGS,
        Binding("m", "match", "Match by hand", id="era_finish.match"),
        Binding("h", "handled", "Mark handled", id="era_finish.handled"),
        Binding("escape", "close", "Close", id="era_finish.close"),
    ]

    def __init__(self, desk: EraDesk) -> None:
        super().__init__()
        self.era = desk
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="era-screen"):
            yield Static(Text("ERA to finish: claims an ERA paid that were not posted"),
                         classes="screen-title")
            table = DataTable(id="finish-grid", cursor_type="row", cell_padding=0)
            for title, width in FINISH_GRID:
                right = title in ("Paid", "Left")
                table.add_column(Text(title, justify="right") if right else _left(title),
                                 width=width, key=title)
            yield table
            yield Static(Text(""), id="finish-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#finish-grid", DataTable).focus()

    def reload(self) -> None:
        self.rows = list(self.era.to_finish())
        table = self.query_one("#finish-grid", DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(
                _left(row.trace_number), _left(row.check_date.isoformat() if row.check_date
                                               else ""),
                _left(row.claim_ref), _left(row.patient), _money(row.paid),
                _money(row.left, "yellow"), _left(row.state), _left(row.reason or "", "dim"),
                key=row.key)
        total = sum(r.left for r in self.rows) if self.rows else 0
        self.query_one("#finish-detail", Static).update(Text(
            f"{len(self.rows)} claim(s), {fmt_grouped(total)} left · m: match by hand to a "
            "claim · h: mark handled with a note" if self.rows else "Nothing left to finish."))

    def _current(self):
        row = self.query_one("#finish-grid", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def action_match(self) -> None:
        row = self._current()
        if row is None:
            return

        def typed(claim: str | None) -> None:
            if claim:
                self._do(lambda: self.era.finish_by_hand(row.key, claim))

        self.app.push_screen(PromptDialog(
            f"Match {row.claim_ref} by hand", f"{row.patient}, paid {fmt_grouped(row.paid)}: "
            "which of our claims does it pay?", placeholder="claim number or id"), typed)

    def action_handled(self) -> None:
        row = self._current()
        if row is None:
            return

        def typed(note: str | None) -> None:
            if note:
                self._do(lambda: self.era.mark_handled(row.key, note))

        self.app.push_screen(PromptDialog(
            f"Mark {row.claim_ref} handled", "How was it handled? (the note is kept)",
            placeholder="e.g. keyed from the paper EOB"), typed)

    def _do(self, call) -> None:
        try:
            message = call()
        except PostingRefused as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return
        self.notify(message, title="Done", markup=False)
        self.desk.refresh_data()
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
