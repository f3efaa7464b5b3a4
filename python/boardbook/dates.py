"""Dates as English partnerships type them: 31/03/2026, 31.3.26, 31 March 2026, 2026-03-31 or Excel serials."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B %y",
    "%d %b %y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object) -> date | None:
    """A date from a cell value, or None if it is not one. Day-first (UK), never month-first."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if 1 <= value < 2_958_466:  # Excel serial day numbers up to 31/12/9999
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", value.strip())
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text, flags=re.IGNORECASE).replace(",", "")
    if text.lower().startswith("sept "):
        text = "Sep " + text[5:]
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    parts = text.split(" ")
    if len(parts) == 3 and parts[1][:3].lower() == "sep" and parts[1].lower() != "sep":  # "30 Sept 2026"
        return parse_date(f"{parts[0]} Sep {parts[2]}")
    return None
