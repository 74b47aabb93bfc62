"""The ports the CLI wires into the TUI, over one open database: `frontdesk.DbFrontDesk`
(search, accounts, ledger cards, through `card_reader`), `posting.DbPostingDesk` (the posting
forms), `setup.DbSetupDesk` (insurance setup), `session.DbSession` (who is at the desk: roles,
the idle lock), `audit_log.DbAuditLog` (the Audit log screen) and `billing.DbBillingDesk`
(statements, walk-out statements and the billing run, which writes their files through
`documents`). They read through `store.read` and write only by calling `store.services`. (The
reports' port, `store.reports.DbReports`, lives with the reports.)

May import: `store.services`, `store.read`, `store.derived`, `store.family`, `store.audit`,
`store.connection`, `estimator`, `documents` (lazily: only what writes a file needs it).
"""
