"""The ports the CLI wires into the TUI, over one open database: `frontdesk.DbFrontDesk`
(search, accounts, ledger cards, through `card_reader`), `posting.DbPostingDesk` (the posting
forms) and `setup.DbSetupDesk` (insurance setup). They read through `store.read` and write only
by calling `store.services`. (The reports' port, `store.reports.DbReports`, lives with the
reports.)

May import: `store.services`, `store.read`, `store.derived`, `store.family`,
`store.connection`, `estimator`.
"""
