"""Post procedure: code (type the code or words of its description; Ctrl+L lists the
matches), tooth, surface, units, fee (the provider's office fee until you type your own),
provider (the patient's own by default), date, completion date, planned; the estimate it
would get is shown before it is posted (the desk's preview, nothing written)."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Select, Static

from estimator.money import fmt
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.port import CodeInfo, PostingDesk, PostingRefused, ProcedureEntry
from tui.forms.preview import preview_text

MATCHES_SHOWN = 4
MATCHES_LISTED = 30


def find_codes(codes: dict[str, CodeInfo], typed: str) -> list[CodeInfo]:
    """The codes ``typed`` names: the code itself, codes starting with it, or (words) codes
    whose description holds every word typed."""
    key = typed.strip().upper()
    if not key:
        return []
    if key in codes:
        return [codes[key]]
    starts = [c for k, c in codes.items() if k.startswith(key)]
    if starts:
        return starts
    words = typed.lower().split()
    return [c for c in codes.values()
            if all(w in f"{c.code} {c.description}".lower() for w in words)]


def code_note(codes: dict[str, CodeInfo], typed: str) -> Text:
    """The description of the typed code, or the codes it could still be."""
    key = typed.strip().upper()
    if not key:
        return Text("")
    if key in codes:
        return Text(clean(codes[key].description))
    found = find_codes(codes, typed)
    if not found:
        return Text("no such code", style="italic")
    if len(found) == 1:
        return Text(clean(f"{found[0].code} {found[0].description}"), style="italic")
    more = f" +{len(found) - MATCHES_SHOWN}" if len(found) > MATCHES_SHOWN else ""
    return Text(clean(" ".join(c.code for c in found[:MATCHES_SHOWN])) + more, style="italic")


class ProcedureForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Post procedure"
    HINT: ClassVar[str] = "Tab next field · Ctrl+L look up code · Enter or Ctrl+S post · Esc cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormScreen.BINDINGS,
        Binding("ctrl+l", "lookup", "Look up code", id="form.lookup_code"),
    ]

    def __init__(self, posting: PostingDesk, patient_id: str | None, *,
                 planned: bool = False) -> None:
        super().__init__(posting, patient_id)
        self.codes = {c.code.upper(): c for c in posting.codes()}
        self.planned = planned
        self._fee_default = ""  # the fee text we filled in; anything else was typed

    def fields(self) -> ComposeResult:
        names = [c.code for c in self.codes.values()]
        code = Input(placeholder="D2392", id="code", classes="w-code", compact=True,
                     suggester=SuggestFromList(names, case_sensitive=False))
        yield self.field("Code", code, note=Text(""))
        yield self.field("Tooth", text_box("tooth", classes="w-short"))
        yield self.field("Surface", text_box("surface", classes="w-short"))
        yield self.field("Units", text_box("units", "1", classes="w-short"))
        yield self.field("Fee", text_box("fee", placeholder="office fee", classes="w-money"),
                         note=Text("per unit", style="italic"))
        providers = [(Text(clean(p.name)), p.key) for p in self.posting.providers()]
        usual = self.posting.default_provider(self.patient_id)
        chosen = usual if usual in {key for _, key in providers} else Select.NULL
        yield self.field("Provider", Select(providers, id="provider", classes="w-select",
                                            prompt="(usual provider)", value=chosen, compact=True))
        yield self.field("Date", text_box("date", self.today().isoformat(), classes="w-date"))
        yield self.field("Completed", text_box("completed", placeholder="same day",
                                               classes="w-date"),
                         note=Text("when the work was done on another day", style="italic"))
        yield self.field("Planned", Checkbox(Text("treatment plan only (not done yet)"),
                                             self.planned, id="planned", compact=True))
        yield self.field("Note", text_box("note"))
        yield Static(Text(""), id="preview", classes="form-text preview")

    # --- the fee follows code and provider ----------------------------------------

    @on(Input.Changed, "#code")
    def _code_typed(self, event: Input.Changed) -> None:
        self.query_one("#code-note", Static).update(code_note(self.codes, event.value))
        self._default_fee()

    @on(Select.Changed, "#provider")
    def _provider_chosen(self) -> None:
        self._default_fee()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.refresh_preview()

    def prefill(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """The estimate the procedure would get (when the desk can preview)."""
        preview_new = getattr(self.posting, "preview_new", None)
        if preview_new is None or self.patient_id is None:
            return
        entry = self.collect()
        self.errors.clear()
        try:
            shown = preview_text(preview_new(self.patient_id, entry), new=True) if entry \
                else preview_text(None)
        except PostingRefused as exc:
            shown = preview_text(None, problem=str(exc))
        for box in self.query("#preview"):
            box.update(shown)

    def action_lookup(self) -> None:
        """The codes matching what is typed (all of them when nothing is), to pick one."""
        from tui.forms.confirm import ChoiceScreen
        typed = self.text("code")
        found = find_codes(self.codes, typed) if typed.strip() else list(self.codes.values())
        if not found:
            self.notify("No code matches.", severity="warning")
            return

        def chosen(code: str | None) -> None:
            if code:
                self.query_one("#code", Input).value = code
                self.query_one("#tooth", Input).focus()
        self.app.push_screen(ChoiceScreen("Procedure code", [
            (c.code, clean(f"{c.code}  {c.description}")) for c in found[:MATCHES_LISTED]]),
            chosen)

    def _default_fee(self) -> None:
        fee_box = self.query_one("#fee", Input)
        if fee_box.value not in ("", self._fee_default):
            return  # typed by hand: keep it
        found = find_codes(self.codes, self.text("code"))
        code = found[0] if len(found) == 1 else None
        provider = self.query_one("#provider", Select).value
        if provider is Select.NULL:
            provider = self.posting.default_provider(self.patient_id)
        fee = self.posting.office_fee(provider, code.code) if code and provider else None
        self._fee_default = "" if fee is None else fmt(fee)
        fee_box.value = self._fee_default

    # --- posting ----------------------------------------------------------------

    def collect(self) -> ProcedureEntry | None:
        found = find_codes(self.codes, self.text("code"))
        code = found[0] if len(found) == 1 else None
        if code is None:
            self.error("code", "choose a procedure code" if not found
                       else f"{len(found)} codes match: type more, or Ctrl+L to pick")
        units = self.text("units").strip()
        if not units.isdigit() or int(units) < 1:
            self.error("units", "a whole number, 1 or more")
        fee = self.money("fee", required=False, negative=False)
        day = self.day("date")
        completed = self.day("completed") if self.text("completed").strip() else None
        if self.errors:
            return None
        provider = self.query_one("#provider", Select).value
        return ProcedureEntry(
            code=code.code, date=day, fee=fee,
            provider=None if provider is Select.NULL else str(provider),
            tooth=or_none(self.text("tooth")), surface=or_none(self.text("surface")),
            units=int(units), planned=self.query_one("#planned", Checkbox).value,
            note=or_none(self.text("note")), completed=completed)

    def post(self, entry: ProcedureEntry) -> str:
        self.posting.post_procedure(self.patient_id, entry)
        where = " ".join(x for x in (entry.tooth, entry.surface) if x)
        what = f"{entry.code} {where}".strip()
        return f"Posted {what} (planned)." if entry.planned else f"Posted {what}."
