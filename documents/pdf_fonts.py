"""The fonts of the PDF documents.

DejaVu Sans (regular and bold) ships with the package (`fonts/`, with its license: free to
redistribute): Latin with every accent, Greek, Cyrillic, Hebrew and more, so "Zoë
Ñúñez-O'Brien" prints on any machine. It has no Chinese, Japanese or Korean glyphs, and a
CJK font is 4-20 MB, too big to ship: for those the documents use a CJK font the machine has
(`fallback_font`, e.g. Debian's fonts-droid-fallback, fonts-wqy-microhei or fonts-noto-cjk).
A character no font has prints as U+FFFD, never as nothing.
"""
from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
LICENSE = FONT_DIR / "LICENSE-DejaVu.txt"

# Fonts with CJK glyphs a machine may have, tried in order: (path, index in a collection).
SYSTEM_FALLBACKS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),            # fonts-wqy-microhei (with Hangul)
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),     # fonts-noto-cjk
)


def fallback_font() -> tuple[Path, int] | None:
    """The first CJK font this machine has, or None."""
    for path, index in SYSTEM_FALLBACKS:
        if Path(path).is_file():
            return Path(path), index
    return None
