"""Writing the documents of a billing run one family at a time, never all of them at once.

- `write_text`: each family's text file, written as its statement arrives.
- `write_pdf`: the combined file to print, in volumes of ``per_volume`` families
  (``print-001.pdf``, ...; a family never spans two volumes), and one file per family split
  out of each volume with pypdf. fpdf2 keeps a document's pages in memory until it is written
  (about 25 KB a page) and reads its fonts again for every document (about 0.3 s), so a single
  combined document would grow with the office and one document per family would take hours
  for a large one; a volume, then a split, costs a few milliseconds per family and memory
  holds one volume at most.
Both take any iterable (a generator reading one family at a time) and yield a `Written` per
family once its file exists, so the caller can record each statement sent as it goes.
Files are private (mode 0600) and appear whole: written under a temporary name, then renamed.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from itertools import count, islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .pdf_kit import AUTO, Letter
from .statement_pdf import draw_statement
from .statement_text import statement_text

PER_VOLUME = 500


@dataclass(frozen=True)
class Written:
    document: Any             # the Statement (or Walkout) written
    path: Path | None         # the family's own file (None when only the print file was asked for)
    volume: Path | None = None  # the print file it is in (PDF)
    pages: int = 1


def write_private(path: Path, data: bytes) -> None:
    """``data`` to ``path``, readable by the owner only, whole or not at all."""
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an old .part file keeps its mode otherwise
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def safe_name(text: str) -> str:
    """An account number made safe as part of a file name (no path separators, no dots first)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "account"


def file_name(doc, ext: str) -> str:
    """statement-<account>-<YYYY-MM-DD>.<ext> (walk-out-... for a walk-out statement)."""
    when = getattr(doc, "statement_date", None) or doc.day
    kind = "statement" if hasattr(doc, "statement_date") else "walk-out"
    return f"{kind}-{safe_name(doc.account_no)}-{when.isoformat()}.{ext}"


def write_text(docs: Iterable, out_dir: Path, *, render: Callable[[Any], str] = statement_text,
               name: Callable[[Any, str], str] = file_name) -> Iterator[Written]:
    for doc in docs:
        path = out_dir / name(doc, "txt")
        write_private(path, render(doc).encode("utf-8"))
        yield Written(doc, path)


def _volume_name(n: int) -> str:
    return f"print-{n:03d}.pdf"


def write_pdf(docs: Iterable, out_dir: Path, *, draw: Callable[[Letter, Any], range] = draw_statement,
              per_volume: int = PER_VOLUME, combined: bool = True, singles: bool = True,
              name: Callable[[Any, str], str] = file_name,
              volume_name: Callable[[int], str] = _volume_name, fallback=AUTO) -> Iterator[Written]:
    """Volumes of ``per_volume`` families (``combined``) and a file per family (``singles``)."""
    it = iter(docs)
    for n in count(1):
        chunk = list(islice(it, per_volume))
        if not chunk:
            return
        letter = Letter(fallback)
        placed = [(doc, draw(letter, doc)) for doc in chunk]
        data = bytes(letter.output())
        del letter
        volume = out_dir / volume_name(n) if combined else None
        if volume is not None:
            write_private(volume, data)
        yield from _split(data, placed, out_dir, name, volume) if singles else (
            Written(doc, None, volume, len(pages)) for doc, pages in placed)


def _split(data: bytes, placed, out_dir: Path, name, volume: Path | None) -> Iterator[Written]:
    from pypdf import PdfReader, PdfWriter  # only a PDF run needs it

    reader = PdfReader(io.BytesIO(data))
    for doc, pages in placed:
        writer = PdfWriter()
        for page in pages:
            writer.add_page(reader.pages[page - 1])
        buf = io.BytesIO()
        writer.write(buf)
        path = out_dir / name(doc, "pdf")
        write_private(path, buf.getvalue())
        yield Written(doc, path, volume, len(pages))
