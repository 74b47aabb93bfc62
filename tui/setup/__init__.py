"""Insurance set-up screens: carriers, plans (with code-specific estimating), fee schedules and
a patient's coverage. `register_setup(app, desk)` hands the app its `SetupDesk` (the CLI builds
it over the database) and adds the "Setup: ..." entries to the command palette.

May import: `tui.commands`, `tui.screens`, `estimator`; never `tui.app`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from tui.commands import DeskCommand

if TYPE_CHECKING:
    from tui.screens.base import DeskApp
    from tui.setup.port import SetupDesk


def register_setup(app: DeskApp, desk: SetupDesk) -> SetupDesk:
    """Wire the set-up screens into ``app``, over ``desk``."""
    app.setup_desk = desk  # type: ignore[attr-defined]
    app.open_coverage = lambda patient_id=None: open_coverage(app, patient_id)  # type: ignore[attr-defined]
    commands = [DeskCommand(title, help_text, "",
                            callback=lambda opener=opener: _open_if_allowed(app, opener))
                for title, help_text, opener in _ENTRIES]
    app.extra_commands = [*getattr(app, "extra_commands", ()), *commands]  # type: ignore[attr-defined]
    return desk


def _open_if_allowed(app, opener) -> None:
    """Open a set-up screen, or say which role it needs (a patient's coverage is front-desk
    work; carriers, plans, fee schedules and re-estimation are billing's)."""
    refusal = None if opener is open_coverage else app.refusal("setup")
    if refusal:
        app.notify(refusal, severity="warning", markup=False)
    else:
        opener(app)


def open_carriers(app) -> None:
    from tui.setup.carriers import CarriersScreen
    app.push_screen(CarriersScreen())


def open_plans(app) -> None:
    from tui.setup.plans import PlansScreen
    app.push_screen(PlansScreen())


def open_fee_schedules(app) -> None:
    from tui.setup.fee_schedules import FeeSchedulesScreen
    app.push_screen(FeeSchedulesScreen())


def open_coverage(app, patient_id: str | None = None) -> None:
    """The coverage of ``patient_id``, else of the current patient, else ask who."""
    from tui.setup.common import PromptDialog
    from tui.setup.coverage import CoverageScreen
    patient_id = patient_id or app.current_patient()
    if patient_id:
        app.push_screen(CoverageScreen(patient_id))
        return

    def typed(text: str | None) -> None:
        if not text:
            return
        try:
            found, _ = app.setup_desk.find_patient(text)
        except ValueError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.push_screen(CoverageScreen(found))
    app.push_screen(PromptDialog("Patient coverage", "Which patient?", placeholder="chart number or name"),
                    typed)


def update_estimates(app) -> None:
    from tui.setup.common import ProgressDialog

    def done(result) -> None:
        ok, value = result or (False, "not done")
        if ok:
            app.notify(f"Estimates updated for {value} families.", markup=False)
            app.refresh_data(force=True)
        else:
            app.notify(str(value), severity="error", markup=False)
    app.push_screen(ProgressDialog("Updating every estimate",
                                   lambda progress: app.setup_desk.update_estimates(progress=progress)),
                    done)


_ENTRIES = (
    ("Setup: insurance carriers", "Carriers and their write-off codes", open_carriers),
    ("Setup: insurance plans", "Plans, identical plans, code-specific estimating", open_plans),
    ("Setup: fee schedules", "Office, PPO, copay and fixed-benefit fees; import a CSV",
     open_fee_schedules),
    ("Setup: patient coverage", "Add, drop or reorder the current patient's plans", open_coverage),
    ("Setup: update all estimates", "Re-estimate every family (after set-up changes)",
     update_estimates),
)

__all__ = ["register_setup", "open_carriers", "open_plans", "open_fee_schedules", "open_coverage",
           "update_estimates"]
