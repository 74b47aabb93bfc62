"""Full screens and dialogs: Find patient, the account with its ledger card, line detail, date
filter, help, reports. `base` holds their bases and `DeskApp`, the app as they see it (they never
import `tui.app`). May import: `tui.widgets`, `tui.ports`, `estimator`.
"""
