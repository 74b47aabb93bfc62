"""The store: the only place with SQL. Schema, connection, migrations, reading and writing.

Sub-packages by role, each importing only those below it (import-linter contracts in
pyproject.toml keep it so):

- `store.demo`: the demo office and the synthetic practice (not part of the core)
- `store.desks`: the ports the CLI wires into the TUI (front desk, posting, setup)
- `store.services` | `store.files` | `store.reports`: the only writers | practice-file
  import/export | the office reports
- `store.read`: read sides (patient search, balances, read-back, ledger card sums/windows)
- `store.db`: opening a database, schema versions, migrations
- `store.derived`: tables kept current by re-estimation (estimates, ledger lines, report sums)
- `store.family`: the id map and the one loader (rows -> `estimator.model.Practice`)
- `store.audit`: who acts, and the audit log
- `store.connection`: the database type, errors, transactions; every SQLite-only thing is in
  `store.connection.sqlite`

`store.models` (the schema, peewee models) sits beside them and imports only `store.connection`.
"""
