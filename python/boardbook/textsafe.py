"""Text from agencies stays text: in CSV files a leading = + - @ (or tab/CR) would make Excel run a formula."""

from __future__ import annotations

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
