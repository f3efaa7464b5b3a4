"""Text from agencies stays text: in CSV files a leading = + - @ (or tab/CR) would make Excel run a formula;
in workbooks, characters Excel refuses are removed and over-long text is cut at its cell limit."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> str:
    """A cell's value as the text a person typed: trimmed, blank for empty, 3.0 read back as "3"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_cell(value: object) -> object:
    """The value to write to a CSV cell; text that Excel would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


EXCEL_CELL_LIMIT = 32_767
TRUNCATED = " … [truncated: over Excel's cell limit]"
# Characters XML 1.0 (so Excel) cannot hold: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as Excel will take it: characters it refuses removed, cut to the cell limit (saying so)."""
    text = _ILLEGAL.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


def quoted(text: object, limit: int = 60) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (saying how long it really is)."""
    if not isinstance(text, str) or len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
