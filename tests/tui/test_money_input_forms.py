"""Issue 11, "Money input", the form entry point: a posting form reads every typed amount
with the one parser; a bad one is shown next to its field in one line and nothing posts."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from test_forms import CONFIG, NOW, error_of, start
from test_forms_fake_desk import FakePostingDesk
from tui.app import build_app
from tui.forms.adjustment import AdjustmentForm
from tui.forms.payment import PaymentForm

BAD = {"1,50": "commas go between groups of three digits",
       "12,34,5": "commas go between groups of three digits",
       "1e3": "is not an amount", "1_000": "is not an amount", "١٢٣": "use the digits 0-9",
       "５": "use the digits 0-9", "NaN": "is not an amount", "Infinity": "is not an amount",
       "10000000.00": "too large", "1.005": "more than two decimals"}


@pytest.fixture
def posting():
    return FakePostingDesk()


async def test_money_input_form_refuses_each_bad_amount_next_to_the_field(desk, posting):
    app = build_app(desk, config=CONFIG, clock=lambda: NOW, posting=posting)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "y")
        for typed, words in BAD.items():  # one form, every refusal (an app per value is slow)
            assert isinstance(app.screen, PaymentForm)
            app.screen.query_one("#amount", Input).value = typed
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert words in error_of(app, "amount"), typed
        assert isinstance(app.screen, PaymentForm) and posting.calls == []


async def test_money_input_form_negative_only_where_allowed(desk, posting):
    app = build_app(desk, config=CONFIG, clock=lambda: NOW, posting=posting)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "a")
        assert isinstance(app.screen, AdjustmentForm)
        app.screen.query_one("#amount", Input).value = "-$1,234.50"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "amount") == ""  # an adjustment may be negative
