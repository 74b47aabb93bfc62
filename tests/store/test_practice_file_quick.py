"""The quick reading of a practice file (`_quick`) accepts only what the careful one accepts, and
reads it into the same PracticeFile; anything else falls back to the careful reading's messages."""
from __future__ import annotations

import copy
import io
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest

from estimator import model as m
from store.demo import synthetic
from store.files.exporter import export_practice
from store.files import practice_file
from store.files.practice_file import (
    PracticeFileError, dump_practice, dumps_practice, encode_json, parse_practice_text,
    read_carefully, write_practice,
)
from store.files.practice_file._quick import read_quickly

from conftest import rich_practice

MALFORMED = sorted((Path(__file__).parent / "malformed").glob("*.json"))
SCENARIOS = sorted((Path(__file__).resolve().parents[3] / "shared" / "scenarios").rglob("*.json"))


def quickly(text: str):
    return read_quickly(text, practice_file._TOP)


def assert_same_reading(text: str) -> bool:
    """The quick reading gives up or agrees with the careful one; True when it read the file."""
    try:
        careful = read_carefully(text)
    except PracticeFileError:
        assert quickly(text) is None, text[:300]
        with pytest.raises(PracticeFileError):
            parse_practice_text(text)
        return False
    quick = quickly(text)
    if quick is None:
        return False
    assert parse_practice_text(text) == careful
    assert quick["practice"] == careful.practice
    return True


def _document() -> dict:
    """A small practice touching every kind: the rich practice with kept estimates and a group."""
    practice = rich_practice()
    claims = tuple(c if c.id != "C1" else m.Claim(
        c.id, c.plan, c.procedures, c.status, c.date, c.kind, c.claim_no, c.preauth_no,
        c.sent_date, (m.KeptEstimate("X1", 90000, 1000, 60, 0, 53400, 70000, 3, "",
                                     ("allowed 900.00 (override)", "60% (override)")),))
        for c in practice.claims)
    practice = m.Practice(**{**practice.__dict__, "claims": claims,
                             "locations": ("Main", "North"),
                             "office": m.Office("Smile", ("1 Main St", "Town, ST 00001"))})
    doc = dump_practice(practice)
    doc["practice"]["plans"][0]["exclusions"] = ["D2750"]  # (the rich practice's is unknown)
    read_carefully(encode_json(doc))
    return doc


def test_plain_files_are_read_quickly_into_the_same_practice(db):
    synthetic.generate(db, patients=40, seed=2, big_ledgers=(30,))
    exported = export_practice(db)
    for text in (encode_json(_document()), dumps_practice(exported)):
        assert assert_same_reading(text)
    streamed = io.StringIO()
    write_practice(exported, streamed)  # the export command's way: written as it is made
    assert streamed.getvalue() == dumps_practice(exported)


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_every_malformed_file_is_read_carefully(path):
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    assert quickly(text) is None
    assert not assert_same_reading(text)


def test_scenarios_agree():
    """Scenarios carry ``expect`` (read carefully); their practices alone are read quickly."""
    for path in SCENARIOS:
        careful = read_carefully(path.read_text(encoding="utf-8"))
        assert quickly(path.read_text(encoding="utf-8")) is None
        assert assert_same_reading(dumps_practice(careful.practice))


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _leaves(value, path + (n,))
    yield path


def _set(doc, path, value):
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def _drop(doc, path):
    node = doc
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]


ODD_VALUES = (None, True, False, 0, -1, 7, 101, 1000001, Decimal("1.005"), Decimal("150.000"),
              Decimal("-0.50"), Decimal("2.5"), Decimal("1E+2"), "", " ", "X1", "P1", "UCR",
              "COPAY", "2026-02-30", "2026-02-03", "1899-12-31", "2026-02-03T10:00:00",
              "x\ny", "tab\there", "\u202e", "a" * 65, "a" * 201, [], {}, ["X1", "X1"],
              {"plan": "P1"})


def test_odd_values_anywhere_are_refused_or_read_alike():
    doc = _document()
    leaves = [p for p in _leaves(doc) if p]
    picks = random.Random(17).sample([(p, v) for p in leaves for v in ODD_VALUES], 300)
    read_quick = 0
    for path, value in picks:
        changed = copy.deepcopy(doc)
        _set(changed, path, value)
        read_quick += assert_same_reading(encode_json(changed))
    assert read_quick > 20  # some changes keep the file valid: those were read quickly


def _keys_dropped_and_added(doc: dict, seed: int, count: int) -> None:
    """Keys dropped (read alike) and an unknown key added (never read quickly), ``count`` times."""
    objects = [p for p in _leaves(doc) if p and isinstance(p[-1], str)]
    for path in random.Random(seed).sample(objects, count):
        dropped = copy.deepcopy(doc)
        _drop(dropped, path)
        assert_same_reading(encode_json(dropped))
        extra = copy.deepcopy(doc)
        _set(extra, path[:-1] + ("surprise",), None)
        assert not assert_same_reading(encode_json(extra))


def test_missing_unknown_and_repeated_keys():
    doc = _document()
    _keys_dropped_and_added(doc, 5, 50)
    text = encode_json(doc).replace('"tooth": "14"', '"tooth": "14", "tooth": "15"')
    assert not assert_same_reading(text)
    for bad in ('"\\u0000"', '"\\ud800"', '"a\\ud83d\\ude00"', "NaN", "Infinity"):
        assert not quickly(encode_json(doc).replace('"seat next visit"', bad))


def test_keys_written_twice_are_found_however_the_file_is_spaced():
    """The parser keeps a repeated key's last value: the quick reading counts the keys it
    reads against the keys written (``":``), and reads a file spaced otherwise carefully."""
    text = encode_json(_document())
    assert quickly(text) is not None
    spaced = text.replace('"tooth": "14"', '"tooth" : "14"')
    assert quickly(spaced) is None and assert_same_reading(spaced) is False
    assert parse_practice_text(spaced) == read_carefully(text)
    for twice in ('"tooth": "14", "tooth": "15"', '"tooth" : "14", "tooth" : "15"',
                  '"tooth"\n:"14", "tooth"\t: "15"'):
        assert not assert_same_reading(text.replace('"tooth": "14"', twice))
    # text holding \": (a key's look) is more keys written than read: read carefully, alike
    quoted = text.replace('"seat next visit"', '"say \\"hi\\": seat"')
    assert quickly(quoted) is None and parse_practice_text(quoted) == read_carefully(quoted)
    # ... and cannot hide a key written twice, spaced or not
    hidden = quoted.replace('"tooth": "14"', '"tooth" : "14", "tooth" : "15"')
    assert not assert_same_reading(hidden)


def test_a_big_file_is_looked_at_in_a_second_process_alike(monkeypatch):
    """A big file's bytes are looked at (keys written, NUL and lone surrogates) in a child
    process while they are decoded: the same readings and refusals; a child that fails is
    made up for here; no child is left behind."""
    from store.files.practice_file import _quick

    monkeypatch.setattr(_quick, "BESIDE_FROM", 0)  # every file is big
    forked = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forked.append(1) or real_fork())
    text = encode_json(_document())
    assert assert_same_reading(text)
    assert quickly(text)["practice"] == read_carefully(text).practice
    assert not assert_same_reading(text.replace('"tooth": "14"', '"tooth": "14", "tooth": "15"'))
    for bad in ('"\\u0000"', '"\\ud800"'):
        assert quickly(text.replace('"seat next visit"', bad)) is None
    assert len(forked) >= 5
    parent = os.getpid()
    written = _quick._written
    monkeypatch.setattr(_quick, "_written",
                        lambda data: os._exit(3) if os.getpid() != parent else written(data))
    assert quickly(text)["practice"] == read_carefully(text).practice  # (worked out here)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_bytes_and_text_are_read_alike(tmp_path):
    text = encode_json(_document())
    assert read_quickly(text.encode("utf-8"), practice_file._TOP) == quickly(text)
    assert quickly("\ufeff" + text) == quickly(text)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert practice_file.load_practice_file(path) == parse_practice_text(text)
    path.write_bytes(text.encode("utf-8").replace(b"seat next visit", b"seat \xff"))
    with pytest.raises(PracticeFileError, match="not UTF-8 text"):
        practice_file.load_practice_file(path)


def test_a_number_is_not_the_text_it_is_written_like():
    """Stamps written alike are read as one; a number 1.5 is equal to the text "1.5" once
    parsed (a fraction is kept as its text), so a stamp holding one is never taken for one
    seen before."""
    doc = _document()
    stamped = doc["practice"]["procedures"]
    assert len(stamped) >= 2
    for row in stamped:
        row["stamp"] = {"at": "2026-01-02T10:00:00", "user": "ann", "workstation": "1.5"}
    assert assert_same_reading(encode_json(doc))
    first, second = quickly(encode_json(doc))["practice"].procedures[:2]
    assert first.stamp is second.stamp
    stamped[-1]["stamp"]["workstation"] = Decimal("1.5")
    assert not assert_same_reading(encode_json(doc))
    with pytest.raises(ValueError, match="only objects of text"):
        practice_file.Entity(m.Stamp, (practice_file.F("at", practice_file.Any()),), shared=True)


def test_objects_of_many_shapes_are_read_alike(monkeypatch):
    """Past `_SHAPES` shapes per entity, objects are read by one function looking up each key."""
    from store.files.practice_file import _kinds
    monkeypatch.setattr(_kinds, "_SHAPES", 0)
    doc = _document()
    assert assert_same_reading(encode_json(doc))
    _keys_dropped_and_added(doc, 7, 30)


def test_the_raw_rows_go_as_they_are_read():
    """A big file's raw rows are let go one by one as each is read (memory at 100,000 patients)."""
    import json
    from store.files.practice_file._quick import Reader
    from store.files.practice_file._schema import PRACTICE
    raw = json.loads(encode_json(_document()), parse_float=Reader.FLOAT_HOOK)["practice"]
    rows = raw["procedures"]
    assert len(rows) > 1
    Reader().compile(PRACTICE)(raw)
    assert rows == [None] * len(rows)


def test_objects_read_quickly_are_as_small_as_made_by_their_class():
    """The quick reading fills each object's fields in its dataclass's order, so its dict
    shares its keys with the class's other objects, as one made by ``__init__`` does (a
    dict of its own is about twice the memory: millions of objects at 100,000 patients)."""
    import dataclasses
    import sys

    practice = quickly(encode_json(_document()))["practice"]
    rows = [*practice.procedures, *practice.claims, *practice.claim_payments,
            *practice.patients, *(line for pay in practice.claim_payments for line in pay.lines)]
    assert len({type(row) for row in rows}) == 5
    for row in rows:
        made = dataclasses.replace(row)  # (through ``__init__``)
        assert made == row and list(vars(row)) == list(vars(made))
        assert sys.getsizeof(vars(row)) == sys.getsizeof(vars(made)), type(row).__name__


def test_empty_objects_are_read_alike():
    """An object may be empty when every key of it is optional (its shape has no keys)."""
    doc = _document()
    doc["practice"]["preferences"] = {}
    doc["practice"]["office"] = {}
    doc["practice"]["patients"][0]["phones"] = {}
    doc["practice"]["patients"][1]["address"] = {}
    assert assert_same_reading(encode_json(doc))


@pytest.mark.parametrize("read", [quickly, read_carefully], ids=["quick", "careful"])
def test_a_practice_read_is_freed_once_let_go(read):
    """No reference cycle holds a file's rows once the caller lets them go: an import turns the
    cycle collector off, so the practice (gigabytes) stayed until a pass over every object
    at the very end of the command."""
    import gc

    text = encode_json(_document())
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        values = read(text)
        assert values is not None
        del values
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [o for o in gc.garbage if type(o).__module__ == m.__name__]
        assert left == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
