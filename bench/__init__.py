"""DentLedger's benchmark: ``python -m bench [--quick] [--patients N]``.

Builds (or reuses) a large synthetic practice in ``bench/cache/``, measures each figure
several times against a reference measured in the same run, prints a table and writes
``bench/results/latest.json``. Figures whose code does not exist yet are reported as
"not available yet" so the benchmark can be re-run as the app grows.
"""
