"""ERA: electronic remittance advice (X12 835), read and written as plain data.

Owns: reading an 835 file into frozen dataclasses (`read_era`, `model`), the guide's
complaints as warnings, the code tables (`codes`), a writer of valid 5010 835 files for
tests and the benchmark (`build`), and the pure mapping of one ERA claim onto the
insurance payment grid (`grid`: match to our claim, line by line, paid / write-off /
deductible / denied, with the reasons).

May import: pyx12 (only in `reader`, loaded when a file is read), `estimator.money` and
`estimator.text`, the standard library. Never store, tui, cli, textual, rich, peewee or
SQL: the store fills `grid.OurClaim` from the database and posts what `grid` returns
(an import-linter contract enforces it).
"""
from __future__ import annotations

from .model import (  # noqa: F401  (the package's API)
    Adjustment, EraClaim, EraError, EraFile, EraWarning, Party, Patient, ProviderAdjustment,
    Remittance, ServiceLine,
)


def read_era(source, *, name: str | None = None, validate: bool = True) -> EraFile:
    """Read an 835 from a path or bytes; see `reader.read_era`. pyx12 loads here, not at
    import, so commands that never read an ERA never pay for it."""
    from .reader import read_era as _read
    return _read(source, name=name, validate=validate)


def load_file(path) -> bytes:
    """The file's bytes (to keep with the ERA); a missing file, a folder or one that cannot
    be read is one `EraError` line."""
    from pathlib import Path

    from .reader import load_file as _load
    return _load(Path(path))
