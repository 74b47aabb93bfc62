"""Read-only mappings for frozen dataclasses: one shared empty mapping and a frozen copy.

Kept apart from `estimator.model` so light modules (the card's row types, the search
results) need not load the whole practice model.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

EMPTY: Mapping = MappingProxyType({})


def frozen_map(d: Mapping | None) -> Mapping:
    """A read-only copy of ``d`` (``EMPTY`` for None)."""
    return MappingProxyType(dict(d)) if d else EMPTY
