"""The reference for the start-up figure: the smallest Textual app, exiting after its first
paint when ``DENTLEDGER_EXIT_AFTER_FIRST_PAINT`` is set (as `dentledger` does)."""
import os

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Find patient")
        yield Footer()

    def on_mount(self) -> None:
        if os.environ.get("DENTLEDGER_EXIT_AFTER_FIRST_PAINT"):
            self.call_after_refresh(self.exit)


if __name__ == "__main__":
    Minimal().run()
