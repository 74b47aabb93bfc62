"""Issue 11, "Refusals" in the TUI: an insurance payment the desk refuses because the account
would show a credit opens a confirmation that says so; only "Post with a credit" posts it
(with ``confirm_credit``), "Go back" posts nothing."""
from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input, Static

from test_forms import CONFIG, NOW, notes, start
from test_forms_fake_desk import FakePostingDesk
from tui.app import build_app
from tui.forms.confirm import ConfirmScreen
from tui.forms.insurance import InsurancePaymentForm
from tui.forms.port import CreditRefused

MESSAGE = ("procedure 11: the check pays 96.00 and writes off 60.00 but 100.00 is left on it; "
           "the account would show a credit of 56.00: confirm the credit to post it")


class CreditDesk(FakePostingDesk):
    """Refuses an overpaying check unless the credit is confirmed, as the service does."""

    def enter_insurance_payment(self, entry):
        if not entry.confirm_credit:
            raise CreditRefused(MESSAGE)
        return super().enter_insurance_payment(entry)


async def _refused(app, pilot):
    await start(app, pilot, "i")
    assert isinstance(app.screen, InsurancePaymentForm)
    app.screen.query_one("#check_no", Input).value = "88120"
    app.screen.query_one("#amount", Input).value = "166.00"  # what the prefilled grid pays
    await pilot.press("ctrl+s")  # then the form's own confirmation
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    assert app.screen.title_text == "Post with a credit?"
    assert "credit of 56.00" in app.screen.message.plain
    assert "The account will show a credit" in app.screen.message.plain


async def test_refusal_credit_posts_only_after_the_confirmation(desk):
    posting = CreditDesk()
    app = build_app(desk, config=CONFIG, clock=lambda: NOW, posting=posting)
    async with app.run_test(size=(80, 24)) as pilot:
        await _refused(app, pilot)
        await pilot.press("n")  # go back: nothing posted, the form shows why
        await pilot.pause()
        assert isinstance(app.screen, InsurancePaymentForm) and posting.calls == []
        assert "credit of 56.00" in app.screen.query_one("#form-error", Static).render().plain
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")  # post with a credit
        await pilot.pause()
        (_, entry), = posting.calls
        assert entry.confirm_credit and replace(entry, confirm_credit=False) != entry
        assert notes(app)[-1].startswith("Posted insurance payment")
