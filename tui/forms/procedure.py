"""Post procedure: code (its description shows as you type), tooth, surface, units,
fee (the provider's office fee until you type your own), provider, date, planned."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static

from estimator.money import fmt
from estimator.text import clean
from tui.forms.base import FormScreen, or_none, text_box
from tui.forms.port import CodeInfo, PostingDesk, ProcedureEntry
from tui.widgets.checkbox import Checkbox

MATCHES_SHOWN = 4


def code_note(codes: dict[str, CodeInfo], typed: str) -> Text:
    """The description of the typed code, or the codes it could still become."""
    key = typed.strip().upper()
    if not key:
        return Text("")
    if key in codes:
        return Text(clean(codes[key].description))
    starts = [c.code for k, c in codes.items() if k.startswith(key)]
    if not starts:
        return Text("no such code", style="italic")
    more = f" +{len(starts) - MATCHES_SHOWN}" if len(starts) > MATCHES_SHOWN else ""
    return Text(clean(" ".join(starts[:MATCHES_SHOWN])) + more, style="italic")


class ProcedureForm(FormScreen):
    FORM_TITLE: ClassVar[str] = "Post procedure"

    def __init__(self, posting: PostingDesk, patient_id: str | None) -> None:
        super().__init__(posting, patient_id)
        self.codes = {c.code.upper(): c for c in posting.codes()}
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
        yield self.field("Planned", Checkbox(Text("treatment plan only (not done yet)"),
                                             id="planned", compact=True))
        yield self.field("Note", text_box("note"))

    # --- the fee follows code and provider ----------------------------------------

    @on(Input.Changed, "#code")
    def _code_typed(self, event: Input.Changed) -> None:
        self.query_one("#code-note", Static).update(code_note(self.codes, event.value))
        self._default_fee()

    @on(Select.Changed, "#provider")
    def _provider_chosen(self) -> None:
        self._default_fee()

    def _default_fee(self) -> None:
        fee_box = self.query_one("#fee", Input)
        if fee_box.value not in ("", self._fee_default):
            return  # typed by hand: keep it
        code = self.codes.get(self.text("code").strip().upper())
        provider = self.query_one("#provider", Select).value
        if provider is Select.NULL:
            provider = self.posting.default_provider(self.patient_id)
        fee = self.posting.office_fee(provider, code.code) if code and provider else None
        self._fee_default = "" if fee is None else fmt(fee)
        fee_box.value = self._fee_default

    # --- posting ----------------------------------------------------------------

    def collect(self) -> ProcedureEntry | None:
        code = self.codes.get(self.text("code").strip().upper())
        if code is None:
            self.error("code", "choose a procedure code")
        units = self.text("units").strip()
        if not units.isdigit() or int(units) < 1:
            self.error("units", "a whole number, 1 or more")
        fee = self.money("fee", required=False, negative=False)
        day = self.day("date")
        if self.errors:
            return None
        provider = self.query_one("#provider", Select).value
        return ProcedureEntry(
            code=code.code, date=day, fee=fee,
            provider=None if provider is Select.NULL else str(provider),
            tooth=or_none(self.text("tooth")), surface=or_none(self.text("surface")),
            units=int(units), planned=self.query_one("#planned", Checkbox).value,
            note=or_none(self.text("note")))

    def post(self, entry: ProcedureEntry) -> str:
        self.posting.post_procedure(self.patient_id, entry)
        where = " ".join(x for x in (entry.tooth, entry.surface) if x)
        what = f"{entry.code} {where}".strip()
        return f"Posted {what} (planned)." if entry.planned else f"Posted {what}."
