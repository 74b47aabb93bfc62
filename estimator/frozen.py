"""Read-only mappings for frozen dataclasses: one shared empty mapping and a frozen copy;
`maker`, which makes one without its generated ``__init__``.

Kept apart from `estimator.model` so light modules (the card's row types, the search
results) need not load the whole practice model.
"""
from __future__ import annotations

from dataclasses import fields
from types import MappingProxyType
from typing import Callable, Mapping, TypeVar

T = TypeVar("T")

EMPTY: Mapping = MappingProxyType({})


def frozen_map(d: Mapping | None) -> Mapping:
    """A read-only copy of ``d`` (``EMPTY`` for None)."""
    return MappingProxyType(dict(d)) if d else EMPTY


def maker(cls: type[T]) -> Callable[..., T]:
    """``(*values) -> cls(*values)``, every field given in order, without the generated
    ``__init__`` (a frozen dataclass sets each field through ``object.__setattr__``): for the
    objects made by the hundred thousand (the loader's rows, the estimator's lines). Only for
    a dataclass that checks nothing when made (no ``__post_init__``)."""
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} checks its fields when made")
    names = tuple(f.name for f in fields(cls))
    count, new = len(names), object.__new__

    def make(*values):
        if len(values) != count:
            raise TypeError(f"{cls.__name__} takes {count} values, got {len(values)}")
        made = new(cls)
        made.__dict__.update(zip(names, values))
        return made
    return make
