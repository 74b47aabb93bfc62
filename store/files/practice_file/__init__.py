"""Read, validate and write the JSON practice file (``../shared/spec/practice-file.md``, v1).

One format serves import/export, the sample data and the acceptance scenarios. Reading is
all-or-nothing: every problem is collected (up to 50) with its JSON path, e.g.
``practice.plans[2].coverage.crowns: 120 is not a percentage 0-100``, and one
`PracticeFileError` is raised. Nothing here touches the database.

Public API::

    parse_practice_text(text, *, source="<text>") -> PracticeFile
    load_practice_file(path) -> PracticeFile          # OSError propagates; bad bytes/JSON -> PracticeFileError
    dump_practice(practice, meta=None, *, expect=None) -> dict   # JSON-ready, money as Decimal("150.00")
    dumps_practice(practice, meta=None, *, expect=None) -> str   # canonical text
    dumps_practice_file(practice_file) -> str
    write_practice(practice, out)                      # dumps_practice, written as it is made
    encode_json(value) -> str                          # the writer (Decimal written as 150.00)
    PracticeFile(meta, practice, expect), Expect, PracticeFileError

What is rejected, beyond JSON syntax: floats with more than two decimals, NaN/Infinity,
strings or booleans where numbers belong, negative amounts except patient payment
``amount`` (refund), adjustment ``amount`` and claim payment line ``paid`` (negative
supplemental), bad or unreal dates, unknown keys at every level (with a "did you mean"),
duplicate JSON keys, wrong enum values, dangling or duplicate ids, fee schedules of the wrong
kind (a plan's ``fee_schedule``/``allowed_fee_schedule`` must be ``allowed`` or ``office``, its
``copay_schedule`` ``copay`` or ``fixed_benefit``, a provider's ``office``), coverage orders
outside 1-4 or repeated for a patient, a coverage ``terminated`` before its ``effective`` date, percentages outside 0-100 or with decimals, units < 1,
``renew_month`` outside 0-12, NUL characters and lone surrogates in text, claim payment lines
for procedures not on the claim, claims mixing patients, payments/adjustments attached to
another patient's procedure, guarantors who are not their own guarantor, and ``expect`` fields
naming a coverage order or plan the patient does not have.

An optional key written as ``null`` is the same as leaving it out (unknown); a required key
cannot be null. Defaults (as the spec says): ``units`` 1, ``cob_rule`` standard, ``deductible_before_percent``,
``allow_substitution`` and ``substitution_writeoffs`` true, preferences false; ``renew_month``
0 or absent is stored as None (calendar year). Claim payment line ``writeoff``/``deductible``
and ``benefits_used`` ``paid``/``deductible_met`` default to 0 when absent (always written).

Extensions to v1
----------------
Optional keys the app writes and reads beyond the v1 spec (each maps to the field of the same
name in ``estimator.model``):

- ``procedures[].completed`` (date the work was completed, when it differs from ``date``),
  ``procedures[].visits`` (dates of later visits of a multi-visit procedure),
  ``procedures[].note``;
- ``claims[].claim_no``, ``claims[].preauth_no``, ``claims[].sent_date``;
- ``claims[].kept_estimates``: ``[{procedure, allowed?, copay?, percent?, deductible?,
  base_est?, ins_est?, writeoff_est?, note?, explanation?}]``, the estimate each line of a
  received claim (paid, or written ``received``; never a preauthorization) had just before
  the claim was first paid, which the received line keeps (`estimator.model.KeptEstimate`;
  money as everywhere, absent = 0; ``explanation`` the steps, one line each, without the
  carrier's payment). An export writes every received line's; an import keeps them as they
  are and rebuilds a missing one by replaying the claim payments in date order, as for a
  file without any (each procedure of the claim at most once);
- ``claim_payments[].lines[].denied`` (boolean), ``claim_payments[].lines[].remarks``;
- ``patient_payments[].note``;
- ``patient_payments[].allocations``: ``[{procedure, amount}]``, a payment split over the
  patient's own procedures (never together with ``procedure``; each amount of the payment's
  sign and not 0, each procedure once, together at most the payment; the rest stays on the
  account unallocated). ``procedure`` alone still means the whole amount on that procedure;
- ``stamp``: ``{at: "YYYY-MM-DDTHH:MM:SS", user, workstation?, location?}`` on
  ``procedures[]``, ``claim_payments[]``, ``patient_payments[]``, ``adjustments[]`` and
  ``ledger_notes[]``: who posted the row, when (local time, whole seconds), at which
  workstation and office location. An export writes every row's stamp (the practice's audit
  history); a file without stamps is stamped with the importing user and time;
- ``patients[].coverage[].subscriber_id``, ``patients[].coverage[].relationship`` (the patient
  to the plan's subscriber: ``self``, ``spouse``, ``child``, ``other``);
- what the desk registers about a patient: ``patients[].middle_name``, ``preferred_name``,
  ``gender`` (``female``, ``male``, ``other``), ``address`` (``{line1, line2, city, state,
  zip}``), ``phones`` (``{home, mobile, work}``, as typed), ``email``, ``chart_no`` (the
  office's chart number, unique), ``provider`` (the usual provider's id) and ``inactive``
  (boolean; the patient is no longer seen but stays findable);
- ``practice.adjustment_codes``: ``[{code, kind?, description?}]``, kind one of
  ``estimator.model.ADJUSTMENT_KINDS`` (default ``other``);
- ``practice.ledger_notes``: ``[{patient, date, text}]``;
- ``practice.lock_date``: nothing can be posted or edited on or before it;
- ``practice.office``: ``{name?, address?: [lines], phone?, statement_message?}``, the
  practice as its statements print it (address: street lines, then "City, ST 12345") and the
  message printed on statements unless one is given;
- ``practice.statements``: ``[{patient, date, amount_due, new_balance, insurance_pending?,
  period_start?, format?, file?, stamp?}]``, the statements sent: ``patient`` is the guarantor
  (the account), ``format`` ``pdf`` or ``text``, ``file`` the file's name as written; the
  ledger card shows each as a line ("Statement sent, due 124.50") and the billing run skips a
  family billed in the last days.

Writing is canonical: keys in spec order, keys at their default or None left out (keys the
spec lists as required are always written), money with exactly two decimals, lists in model
order, so ``parse(dumps(parse(x).practice)).practice == parse(x).practice``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from typing import TextIO

from estimator.model import Practice, frozen_map

from ._errors import PracticeFileError, Problems, show
from ._expect import EXPECT, Expect, check_expect
from ._checks import check_practice
from ._json import encode_json, load_raw, write_json
from ._kinds import F, Any, Ctx, Entity, Enum, Text
from ._quick import read_quickly
from ._schema import FORMAT, PRACTICE

__all__ = [
    "FORMAT", "Expect", "PracticeFile", "PracticeFileError", "dump_practice", "dumps_practice",
    "dumps_practice_file", "encode_json", "load_practice_file", "parse_practice_text",
    "read_carefully", "write_practice",
]

META_KEYS = ("format", "name", "why", "source", "notes", "derived", "derived_fields")


@dataclass(frozen=True)
class PracticeFile:
    """A parsed file: its free-text ``meta`` (the top-level keys but practice/expect), the practice, the expectations."""

    meta: Mapping
    practice: Practice
    expect: Expect | None = None


_TOP = Entity(dict, (
    F("format", Enum((FORMAT,))),
    F("name", Text()),
    F("why", Text()),
    F("source", Text()),
    F("notes", Text()),
    F("practice", PRACTICE, required=True),
    F("expect", EXPECT),
    F("derived", Any()),
    F("derived_fields", Any()),
))


def parse_practice_text(text: str, *, source: str = "<text>") -> PracticeFile:
    """Parse and validate a whole practice file; raise `PracticeFileError` listing every problem.

    A plainly valid file is read the quick way (`_quick`: one pass, no JSON paths); any other
    is read carefully (`read_carefully`), which finds and names every problem."""
    top = read_quickly(text, _TOP)
    if top is not None:
        return _parsed(top)
    return read_carefully(text, source=source)


def _parsed(top: dict) -> PracticeFile:
    meta = frozen_map({k: top[k] for k in META_KEYS if k in top})
    return PracticeFile(meta=meta, practice=top["practice"], expect=top.get("expect"))


def read_carefully(text: str, *, source: str = "<text>") -> PracticeFile:
    """`parse_practice_text` the careful way only: every problem collected with its path."""
    problems = Problems()
    raw = load_raw(text, problems)
    if raw is None:
        raise problems.error(source)
    if not isinstance(raw, dict):
        problems.add("", f"a practice file is a JSON object, not {show(raw)}")
        raise problems.error(source)
    ctx = Ctx(problems)
    top = _TOP.read(ctx, raw, "")
    practice, expect = top.get("practice"), top.get("expect")
    if practice is not None:
        check_practice(practice, ctx)
        if expect is not None:
            check_expect(expect, practice, ctx)
    if problems:
        raise problems.error(source)
    meta = frozen_map({k: top[k] for k in META_KEYS if k in top})
    return PracticeFile(meta=meta, practice=practice, expect=expect)


def load_practice_file(path: str | PathLike) -> PracticeFile:
    """Read a UTF-8 practice file (a leading BOM is accepted): quickly from its bytes when
    it is plainly valid, else carefully from its text."""
    with open(path, "rb") as fh:
        data = fh.read()
    top = read_quickly(data, _TOP)
    if top is not None:
        return _parsed(top)
    return read_carefully(_file_text(data, path), source=str(path))


def _file_text(data: bytes, path: str | PathLike) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PracticeFileError([("", f"not UTF-8 text (bad byte at offset {exc.start})")], source=str(path)) from None


def dump_practice(practice: Practice, meta: Mapping | None = None, *, expect: Expect | None = None) -> dict:
    """The canonical JSON-ready form of a practice (money as two-decimal `Decimal`)."""
    meta = dict(meta or {})
    unknown = sorted(set(meta) - set(META_KEYS))
    if unknown:
        raise ValueError(f"unknown meta keys: {', '.join(unknown)}")
    if meta.get("format", FORMAT) != FORMAT:
        raise ValueError(f"cannot write format {meta['format']!r}; this writer writes {FORMAT}")
    out: dict = {"format": FORMAT}
    out.update({k: meta[k] for k in ("name", "why", "source", "notes") if meta.get(k) is not None})
    out["practice"] = PRACTICE.dump(practice)
    if expect is not None:
        out["expect"] = EXPECT.dump(expect)
    out.update({k: _thaw(meta[k]) for k in ("derived", "derived_fields") if k in meta})
    return out


def dumps_practice(practice: Practice, meta: Mapping | None = None, *, expect: Expect | None = None) -> str:
    """Canonical practice-file text (UTF-8 when written; ends with a newline)."""
    return encode_json(dump_practice(practice, meta, expect=expect))


def write_practice(practice: Practice, out: TextIO) -> None:
    """`dumps_practice` written to ``out`` as it is made: each row of the practice's lists is
    dumped only when its turn comes, so the whole file is never in memory at once."""
    write_json({"format": FORMAT, "practice": PRACTICE.dump_lazily(practice)}, out)


def dumps_practice_file(practice_file: PracticeFile) -> str:
    return dumps_practice(practice_file.practice, practice_file.meta, expect=practice_file.expect)


def _thaw(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value
