"""Widgets drawn with Textual's line API: the Find patient result list and the ledger card.
May import: `tui.ports`, `estimator`.
"""
