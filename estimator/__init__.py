"""DentLedger core: the insurance estimator and ledger arithmetic.

Pure functions over plain immutable data (see `model`). No Textual, no Peewee,
no SQL: the store adapts database rows to these types and back.
"""
