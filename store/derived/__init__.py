"""Derived tables, kept current by re-estimation: the claim procedures' estimates
(`estimates.reestimate_family`, which every posting runs on its family) and the split frozen
when work is posted (`estimates.freeze_originals`), the ledger card's lines (`ledger_entries`),
the unapplied money shown on them (`applied_credits`) and the per-carrier report's monthly sums
(`report_summary`). Nothing
writes these tables except this package (and the migrations and the synthetic practice,
through `rebuild_all`).

May import: `store.connection`, `store.family`, `estimator`.
"""
