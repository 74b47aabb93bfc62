"""The Textual app: screens, posting forms, set-up screens and widgets that present and collect.

Layered top to bottom: `app` > `forms` | `setup` > `commands` > `screens` > `widgets` > `ports`
(import-linter keeps it). The TUI never imports the store, the CLI or a database library: it reads
and posts through ports (`ports.FrontDesk`, `forms.port.PostingDesk`, `setup.port.SetupDesk`,
`screens.reports.ReportsPort`) that `cli/commands.py` wires. May import: `estimator` (view types,
money formatting, text cleaning), textual, rich.
"""
