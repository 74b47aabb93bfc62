"""Picking an ERA file by keyboard: the folders and ERA files (``*.835``, ``*.txt``) a typed
path can go on to, as a completion in the path box (Right or End takes it) and as the list
under it."""
from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester

ERA_SUFFIXES = (".835", ".txt", ".era", ".x12")
MAX_ENTRIES = 200


def _split(text: str) -> tuple[Path, str, str]:
    """(the folder the text is in, the start of a name in it, the text before that name)."""
    if not text:
        return Path("."), "", ""
    if text.endswith(os.sep):
        return Path(os.path.expanduser(text)), "", text
    folder, start = os.path.split(os.path.expanduser(text))
    return Path(folder or "."), start, text[: len(text) - len(start)]


def era_choices(text: str) -> list[str]:
    """What ``text`` can become: its folder's sub-folders (ending in a slash) and ERA files
    whose names start with what is typed, folders first, each as the whole path to type."""
    folder, start, head = _split(text)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name.lower())
    except OSError:
        return []
    folders, files = [], []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.lower().startswith(start.lower()):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            folders.append(head + entry.name + os.sep)
        elif entry.name.lower().endswith(ERA_SUFFIXES):
            files.append(head + entry.name)
    return (folders + files)[:MAX_ENTRIES]


class EraPathSuggester(Suggester):
    """Completes a typed path with the first folder or ERA file it can become."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        found = [c for c in era_choices(value) if c.startswith(value) and c != value]
        return found[0] if found else None
