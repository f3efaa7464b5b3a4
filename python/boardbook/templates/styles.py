"""Colours and their contrast: every text-on-fill pair here meets WCAG 1.4.3 (4.5:1).

Ratings are coloured from best to worst by score rank; the label text stays in the cell, so colour is
never the only carrier of meaning.
"""

from __future__ import annotations

from boardbook.book.base import Highlight
from boardbook.config import Scale

HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
TITLE_FONT = "1F4E78"
# Built-in style for banding (black on light theme bands). Its header fill is the theme's accent1, which in
# openpyxl's default theme is 4F81BD: white on it is only 4.0:1, so header cells get HEADER_FILL directly.
TABLE_STYLE = "TableStyleMedium2"

# (fill, font) from best to worst.
PALETTE = (
    ("C6EFCE", "006100"),  # green
    ("E2F0D9", "375623"),  # light green
    ("FFEB9C", "7A4A00"),  # amber
    ("FCE4D6", "843C0C"),  # light red / orange
    ("FFC7CE", "9C0006"),  # red
)
NOT_APPLICABLE = ("EDEDED", "3A3A3A")


def relative_luminance(hex_rgb: str) -> float:
    """WCAG 2.x relative luminance of an RRGGBB colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    h = hex_rgb[-6:]
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rating_highlights(scale: Scale) -> list[Highlight]:
    """One highlight per scale label: best score green … worst red, N/A grey."""
    ordered = sorted(scale.levels, key=lambda lv: -lv.score)
    n = len(ordered)
    out = []
    for i, level in enumerate(ordered):
        fill, font = PALETTE[round(i * (len(PALETTE) - 1) / (n - 1)) if n > 1 else 0]
        out.append(Highlight(level.label, fill, font))
    if scale.not_applicable:
        out.append(Highlight(scale.not_applicable, *NOT_APPLICABLE))
    return out
