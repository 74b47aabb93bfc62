"""Read sides: queries the TUI's ports, the CLI and the services read through. Patient search
(`patients`), balances (`balances`), what a posting shows afterwards (`readback`), and the
ledger card's sums and windows from the derived `ledger_entry` table (`ledger_summary`,
`ledger_window`), what a statement needs and the billing run's families (`statements`),
statements read from the ledger's lines many families at a time (`statement_reader`), an ERA's
claims matched to ours and the imported ERAs (`remittances`, `era_lists`), the audit log
(`audit`) and the users with their keys (`users`). Read only: nothing here writes.

May import: `store.connection`, `store.family`, `store.derived` (its constants and tables),
`store.audit` (key parsing), `estimator`, `era` (its plain data and the pure grid; never its
file reader).
"""
