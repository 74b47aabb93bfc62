"""Read an 835 file: bytes -> pyx12 segments (validated against the guide) -> `EraFile`.

pyx12 does all the X12 reading (separators from the ISA, segment and element splitting)
and the validation against the implementation guide (835 5010 X221A1, 4010 X091A1). What
payers get slightly wrong (a missing PER, a wrong SE count, a byte-order mark, other
separators, one segment per line) is read and the guide's complaints come back as
warnings. When pyx12 has no guide for the file's version, or its validator stops, the file
is read again without validation and a warning says so. Only what is not an 835 at all
is refused, with one `EraError` line; no pyx12 text other than its complaints gets out.
"""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from .assemble import assemble
from .model import EraError, EraFile, EraWarning

_MAX_WARNING = 160  # a complaint may quote the segment: keep each to one readable line


def read_era(source: str | os.PathLike | bytes, *, name: str | None = None,
             validate: bool = True) -> EraFile:
    """Read every 835 payment of a file (a path, or the file's bytes with `name`).

    ``validate=False`` skips the guide (four to six times faster: pyx12's validation costs
    some 0.4 ms a segment, a 1,000-claim ERA holds 12,000): the envelope's own checks
    (control numbers, counts) and the balancing rules still come back as warnings."""
    if isinstance(source, (bytes, bytearray)):
        name, data = name or "the ERA", bytes(source)
    else:
        name, data = name or str(source), load_file(Path(source))
    text = _text(data, name)
    _quiet_pyx12()
    if not validate:
        segments, warnings = _unguided(text, name)
        return _file(name, segments, warnings, False)
    try:
        segments, warnings = _guided(text)
        validated = True
    except Exception as exc:  # noqa: BLE001 - pyx12's own failure: read without the guide
        segments, warnings = _unguided(text, name)
        warnings.insert(0, EraWarning(None, _why_unvalidated(exc)))
        validated = False
    return _file(name, segments, warnings, validated)


def _file(name: str, segments, warnings: list[EraWarning], validated: bool) -> EraFile:
    remittances, found, own = assemble(segments, name)
    if not remittances:
        raise EraError(_not_835(name, found))
    in_order = sorted(warnings + own, key=lambda w: w.segment or 0)  # stable: file order
    return EraFile(name, tuple(remittances), tuple(in_order), validated)


# --- the file -------------------------------------------------------------------------

def load_file(path: Path) -> bytes:
    """The bytes of an ERA file; what keeps it from being read is one `EraError` line."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise EraError(f"{path} is a folder, not an ERA file") from None
    except FileNotFoundError:
        raise EraError(f"{path}: no such file") from None
    except PermissionError:
        raise EraError(f"{path}: permission denied") from None
    except OSError as exc:
        raise EraError(f"{path}: cannot be read ({exc.strerror or 'error'})") from None


def _text(data: bytes, name: str) -> str:
    """The file as text: a byte-order mark and leading blank lines dropped; refuses what
    is empty, binary or does not begin with an ISA segment."""
    if not data.strip():
        raise EraError(f"{name} is empty: not an ERA (X12 835) file")
    if b"\0" in data:
        raise EraError(f"{name} is a binary file, not an ERA (X12 835) file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # X12 is ASCII; a stray accented name is not binary
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA"):
        raise EraError(f"{name} does not begin with an ISA segment: not an X12 835 file")
    return text


def _quiet_pyx12() -> None:
    """pyx12 logs each complaint as an error; they come back as warnings instead, so its
    log must not reach the terminal (with no handler Python would print it to stderr)."""
    logger = logging.getLogger("pyx12")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


# --- pyx12 ----------------------------------------------------------------------------

def _guided(text: str):
    """Every segment (with its number) through pyx12's context reader, which walks the
    guide's loops and validates each segment; then the complaints it collected."""
    from pyx12 import error_handler, params, x12context

    errh = error_handler.err_handler()
    reader = x12context.X12ContextReader(params.ParamsBase(), errh, io.StringIO(text))
    segments = [(i, node.seg_data) for i, node in enumerate(reader.iter_segments(), 1)]
    collector = _Complaints()
    errh.accept(collector)
    return segments, collector.warnings


def _unguided(text: str, name: str):
    """Every segment through pyx12's plain reader (no guide), with its envelope checks."""
    from pyx12 import x12file

    segments, warnings = [], []
    try:
        reader = x12file.X12Reader(io.StringIO(text))
        for i, seg in enumerate(reader, 1):
            segments.append((i, seg))
            warnings += [_warning(line or i, msg) for _kind, _code, msg, _v, line
                         in reader.pop_errors()]
    except Exception:  # noqa: BLE001 - the reader gave up: this is not X12 we can read
        where = f" at segment {len(segments) + 1}" if segments else ""
        raise EraError(f"{name} cannot be read as X12{where}: not an 835 file") from None
    return segments, warnings


def _why_unvalidated(exc: Exception) -> str:
    text = str(exc)
    if "Map not found" in text:
        return "the file's X12 version has no guide to check it against: read without validation"
    return "the X12 guide's validator stopped on this file: read without validation"


def _warning(segment: int | None, text: str) -> EraWarning:
    text = " ".join(str(text).split())
    if len(text) > _MAX_WARNING:
        text = text[:_MAX_WARNING - 1] + "…"
    return EraWarning(segment, text)


class _Complaints:
    """A visitor of pyx12's error tree (the `error_visitor` protocol) that keeps each
    complaint as a warning with the number of the segment it is about."""

    def __init__(self) -> None:
        self.warnings: list[EraWarning] = []
        self._line: int | None = None

    def _add(self, errors, line, prefix="") -> None:
        for err in errors:
            self.warnings.append(_warning(line, prefix + err[1]))

    def visit_root_pre(self, errh) -> None: ...
    def visit_root_post(self, errh) -> None: ...
    def visit_isa_post(self, node) -> None: ...
    def visit_gs_post(self, node) -> None: ...
    def visit_st_pre(self, node) -> None: ...

    def visit_isa_pre(self, node) -> None:
        self._add(node.errors, node.get_cur_line(), "ISA: ")

    def visit_gs_pre(self, node) -> None:
        self._add(node.errors, node.get_cur_line(), "GS: ")

    def visit_st_post(self, node) -> None:
        self._add(node.errors, node.get_cur_line(), "SE: ")

    def visit_seg(self, node) -> None:
        self._line = node.cur_line
        self._add(node.errors, node.cur_line, f"{node.seg_id}: ")

    def visit_ele(self, node) -> None:
        where = f"{node.name} ({node.ele_pos:02d}" + (
            f"-{node.subele_pos})" if node.subele_pos else ")")
        self._add(node.errors, self._line, f"{where}: ")


def _not_835(name: str, found: list[str]) -> str:
    kinds = sorted(set(found))
    if kinds:
        return f"{name} holds X12 {', '.join(kinds)} transactions, not an 835 remittance (ERA)"
    return f"{name} holds no X12 transaction: not an 835 remittance (ERA)"
