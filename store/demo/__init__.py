"""Practices made up for demonstrations and the benchmark, not part of the store's core: the
demo office (`office`, from `sample_data/demo.json`) and the large synthetic practice
(`synthetic`, `dentledger demo --patients N`). Nothing else in the store imports this package.

May import: any other part of the store, `estimator`.
"""
