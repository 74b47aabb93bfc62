"""Letter-size PDF pieces shared by every printed document (statements now, treatment plans next).

`Letter` is an fpdf2 document in points with the shipped fonts, and the pieces of a page:
the practice header, a box of facts (date, account, amount due), the address placed for a
window envelope, a table that carries its header onto the next page, a row of boxes (aging),
a framed amount, a paragraph, and a footer numbering each document's own pages ("Page 2 of 3")
so several documents can share one file (one family after another in a print file).

Text is drawn with fpdf2's `text()`, which prints the string as given: no markdown, no
markup, and the page-count alias is switched off, so a name such as "**Ann** {nb}" prints as
typed. Each character is drawn with the first font that has it (bold, regular, the
machine's CJK font), else as U+FFFD. `text()` is also about five times faster than `cell()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from fpdf import FPDF

from estimator.statement_types import Party

from . import pdf_fonts

MAIN = "dejavu"
FALLBACK = "fallback"
REPLACEMENT = "\ufffd"
AUTO = "auto"


@dataclass(frozen=True)
class PdfCol:
    title: str
    width: float
    align: str = "L"   # "L" or "R"


class Letter(FPDF):
    """US Letter, points, half-inch margins; pages break only where `need` says so."""

    PAGE_W, PAGE_H = 612.0, 792.0
    MARGIN = 36.0
    BOTTOM = PAGE_H - 54.0          # the footer sits below
    CONTENT_W = PAGE_W - 2 * MARGIN
    # A #10 window envelope shows the address 7/8 in from the left, 2 in from the top of a
    # letter folded in three; the window is 4 in by 1 1/8 in.
    WINDOW = (63.0, 146.0, 288.0, 78.0)

    def __init__(self, fallback: tuple[Path, int] | None | str = AUTO):
        super().__init__(unit="pt", format="letter")
        self.alias_nb_pages(None)       # "{nb}" in a name must print as typed
        self.set_auto_page_break(False)
        self.set_margins(self.MARGIN, self.MARGIN)
        self.set_creator("DentLedger")
        self.add_font(MAIN, "", str(pdf_fonts.REGULAR))
        self.add_font(MAIN, "B", str(pdf_fonts.BOLD))
        self._cmaps = {"": set(self.fonts[MAIN].cmap), "B": set(self.fonts[MAIN + "B"].cmap)}
        self._fallback_file = pdf_fonts.fallback_font() if fallback == AUTO else fallback
        self._fallback_cmap: set[int] | None = None
        self.y_pos = self.MARGIN
        self._doc_first_page = 0
        self._doc_footer = ""
        self._continued: Callable[[], None] | None = None

    # --- fonts ------------------------------------------------------------------------------

    def _fallback_has(self, code: int) -> bool:
        if self._fallback_file is None:
            return False
        if self._fallback_cmap is None:  # loaded on the first character DejaVu lacks
            path, index = self._fallback_file
            self.add_font(FALLBACK, "", str(path), collection_font_number=index)
            self._fallback_cmap = set(self.fonts[FALLBACK].cmap)
        return code in self._fallback_cmap

    def _font_of(self, ch: str, style: str) -> tuple[str, str, str]:
        code = ord(ch)
        if code in self._cmaps[style]:
            return MAIN, style, ch
        if code in self._cmaps[""]:
            return MAIN, "", ch
        if self._fallback_has(code):
            return FALLBACK, "", ch
        return MAIN, style, REPLACEMENT

    def runs(self, text: str, style: str = "") -> list[tuple[str, str, str]]:
        """``text`` as (font, style, text) runs, each drawable with one font."""
        if text.isascii():
            return [(MAIN, style, text)]
        out: list[list[str]] = []
        for ch in text:
            family, st, glyph = self._font_of(ch, style)
            if out and out[-1][0] == family and out[-1][1] == st:
                out[-1][2] += glyph
            else:
                out.append([family, st, glyph])
        return [(f, s, t) for f, s, t in out]

    def _run_width(self, family: str, style: str, run: str, size: float) -> float:
        # The font's own metrics: fpdf2's get_string_width parses the text into styled
        # fragments first, which made it most of the time spent on a statement.
        return self.fonts[family + style].get_text_width(run, size, None)[1] / self.k

    def width_of(self, text: str, size: float, bold: bool = False) -> float:
        return sum(self._run_width(f, s, run, size) for f, s, run in self.runs(text, "B" if bold else ""))

    def fit(self, text: str, width: float, size: float, bold: bool = False) -> str:
        """``text`` cut with "…" to fit ``width`` points."""
        if self.width_of(text, size, bold) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:  # the longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if self.width_of(text[:mid] + "…", size, bold) <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo] + "…"

    def put(self, x: float, y: float, text: str, *, size: float = 9, bold: bool = False,
            width: float | None = None, align: str = "L", cut: bool | None = None) -> None:
        """Text whose line box starts at ``y``, left or right in a box ``width`` wide, cut with
        "…" to fit unless ``cut`` is False (default: right-aligned text, an amount, is never cut:
        a wider one reaches to the left)."""
        if not text:
            return
        if width is not None and (cut if cut is not None else align != "R"):
            text = self.fit(text, width, size, bold)
        if width is not None and align == "R":
            x += width - self.width_of(text, size, bold)
        baseline = y + size * 0.95
        for family, style, run in self.runs(text, "B" if bold else ""):
            self.set_font(family, style, size)
            self.text(x, baseline, run)
            x += self._run_width(family, style, run, size)

    # --- pages of one document ------------------------------------------------------------------

    def begin(self, footer: str, continued: Callable[[], None] | None = None) -> None:
        """Start a document (one family's statement) on a new page."""
        self.add_page()
        self._doc_first_page = self.page
        self._doc_footer = footer
        self._continued = continued
        self.y_pos = self.MARGIN

    def need(self, height: float, redo: Callable[[], None] | None = None) -> None:
        """Go on to a new page (with the running head, then ``redo``) unless ``height`` fits."""
        if self.y_pos + height <= self.BOTTOM:
            return
        self.add_page()
        self.y_pos = self.MARGIN
        if self._continued:
            self._continued()
        if redo:
            redo()

    def end(self) -> range:
        """Number the document's pages ("Page 1 of 2") and return their page numbers."""
        pages = range(self._doc_first_page, self.page + 1)
        last = self.page
        for n, page in enumerate(pages, 1):
            self.page = page  # fpdf2 draws on whichever page is current
            self.current_font_is_set_on_page = False  # a page's content states its own font
            self.put(self.MARGIN, self.PAGE_H - 40, f"{self._doc_footer}    Page {n} of {len(pages)}",
                     size=7, width=self.CONTENT_W, align="R")
        self.page = last
        return pages

    # --- pieces ---------------------------------------------------------------------------------

    def office_header(self, office: Party, title: str) -> None:
        """The practice at the top left, the document's title at the top right."""
        x, y = self.MARGIN, self.MARGIN
        self.put(x, y, office.name, size=13, bold=True, width=300)
        y += 17
        for line in (*office.address, *([f"Phone {office.phone}"] if office.phone else [])):
            self.put(x, y, line, size=9, width=300)
            y += 11
        self.put(self.PAGE_W - self.MARGIN - 220, self.MARGIN, title, size=15, bold=True, width=220, align="R")

    def facts_box(self, facts: Sequence[tuple[str, str]], *, bold_last: bool = True) -> None:
        """Label / value rows in a box at the top right (statement date, account, amount due)."""
        w, row = 220.0, 15.0
        x, y = self.PAGE_W - self.MARGIN - w, self.MARGIN + 24
        self.set_draw_color(0)
        self.set_line_width(0.6)
        self.rect(x, y, w, row * len(facts) + 6)
        for i, (label, value) in enumerate(facts):
            bold = bold_last and i == len(facts) - 1
            top = y + 3 + i * row
            self.put(x + 6, top, label, size=9, bold=bold, width=124)
            self.put(x + 130, top, value, size=9 if not bold else 11, bold=bold, width=w - 136, align="R",
                     cut=not bold)  # the account number is cut, the amount due never

    def address_window(self, party: Party) -> None:
        """The addressee where the envelope's window shows it."""
        x, y, w, h = self.WINDOW
        lines = [party.name, *party.address][: int(h // 13)]
        for i, line in enumerate(lines):
            self.put(x, y + 6 + i * 13, line, size=10, bold=(i == 0), width=w)

    def tear_line(self, y: float, note: str) -> None:
        """A dashed line across the page with a small note: the remittance stub's edge."""
        self.set_draw_color(120)
        self.set_dash_pattern(dash=3, gap=2)
        self.line(self.MARGIN, y, self.PAGE_W - self.MARGIN, y)
        self.set_dash_pattern()
        self.set_draw_color(0)
        self.put(self.MARGIN, y + 2, note, size=7, width=self.CONTENT_W, align="R")

    def line_of_text(self, text: str, *, size: float = 9, bold: bool = False, gap: float = 3,
                     align: str = "L") -> None:
        height = size + gap + 2
        self.need(height)
        self.put(self.MARGIN, self.y_pos, text, size=size, bold=bold, width=self.CONTENT_W, align=align)
        self.y_pos += height

    def table_header(self, cols: Sequence[PdfCol]) -> None:
        self.need(16)
        self.set_fill_color(230)
        self.rect(self.MARGIN, self.y_pos, sum(c.width for c in cols), 13, style="F")
        self._cells(cols, [c.title for c in cols], bold=True)
        self.y_pos += 14

    def table_row(self, cols: Sequence[PdfCol], values: Sequence[str], *, bold: bool = False,
                  redo: Callable[[], None] | None = None) -> None:
        """One row; on a new page the running head and ``redo`` (the table header) come first."""
        self.need(12, redo)
        self._cells(cols, values, bold=bold)
        self.y_pos += 12

    def _cells(self, cols: Sequence[PdfCol], values: Sequence[str], *, bold: bool = False) -> None:
        x = self.MARGIN
        for col, value in zip(cols, values):
            self.put(x + 2, self.y_pos + 1, value or "", size=8.5, bold=bold, width=col.width - 4,
                     align=col.align)
            x += col.width

    def pairs(self, items: Sequence[tuple[str, str]], x: float, y: float, w: float, *,
              bold_last: bool = False, size: float = 9) -> float:
        """Label / value lines (values right-aligned) from ``y``; returns the y below them."""
        for i, (label, value) in enumerate(items):
            bold = bold_last and i == len(items) - 1
            self.put(x, y, label, size=size, bold=bold, width=w * 0.62)
            self.put(x + w * 0.62, y, value, size=size, bold=bold, width=w * 0.38, align="R")
            y += size + 4
        return y

    def boxes(self, labels: Sequence[str], values: Sequence[str], x: float, y: float, w: float) -> float:
        """A row of boxes, label above value (the aging buckets); returns the y below."""
        each = w / len(labels)
        for i, (label, value) in enumerate(zip(labels, values)):
            left = x + i * each
            self.rect(left, y, each, 30)
            self.put(left + 3, y + 3, label, size=7, width=each - 6, align="R")
            self.put(left + 3, y + 15, value, size=9, width=each - 6, align="R")
        return y + 30

    def framed_amount(self, label: str, value: str, x: float, y: float, w: float) -> float:
        """The amount due, bold in a heavy frame; returns the y below."""
        self.set_line_width(1.5)
        self.rect(x, y, w, 24)
        self.set_line_width(0.6)
        self.put(x + 8, y + 6, label, size=11, bold=True, width=w * 0.55)
        self.put(x + w * 0.55, y + 6, value, size=12, bold=True, width=w * 0.45 - 8, align="R")
        return y + 24

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines of ``text`` broken at spaces to fit ``width`` (a longer word is cut)."""
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split():
                candidate = f"{line} {word}" if line else word
                if self.width_of(candidate, size) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = self.fit(word, width, size)
            lines.append(line)
        return lines

    def paragraph(self, text: str, *, size: float = 9) -> None:
        for line in self.wrap(text, self.CONTENT_W, size):
            self.line_of_text(line, size=size, gap=2)
