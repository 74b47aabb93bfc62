"""Reading a family (or the whole practice) into the estimator's model: the id map between
practice ids and database ids (`ids`) and the one loader (`loader`) that postings, the
practice-file export and the ledger card all read through.

May import: `store.connection`, `store.models`, `estimator`.
"""
