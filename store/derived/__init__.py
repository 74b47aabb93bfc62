"""Derived tables, kept current by re-estimation: the claim procedures' estimates
(`estimates.reestimate_family`, which every posting runs on its family), the ledger card's lines
(`ledger_entries`) and the per-carrier report's monthly sums (`report_summary`). Nothing
writes these tables except this package (and the migrations and the synthetic practice,
through `rebuild_all`).

May import: `store.connection`, `store.family`, `estimator`.
"""
