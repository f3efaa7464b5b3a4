"""One reader for every number typed as text — money, shares, counts, indicator figures — in UK form only.

Read: ``12500``, ``12,500``, ``12 500``, ``£12,500.00``, ``-£1,200``, ``(1,200.50)`` (brackets are negative),
``−5`` and ``–5`` (Unicode minus and dash signs), ``24.4%`` (the percentage sign is reported, not applied:
the caller decides what a percentage means), ``.5``.

Questioned, never guessed: a number only a decimal comma or a dot used for thousands explains —
``24,4`` (24.4, or 244 with a comma typed by mistake?), ``1.234,56``, ``1.234.567``, and for money and counts
``12.500`` (£12.50, or £12,500 typed the European way?). ``AmbiguousNumber`` carries both readings for the
message; the cell is named by the reader that catches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SPACES = str.maketrans(dict.fromkeys(" \u00a0\u202f\u2007\u2009\u200a\u200b\ufeff", ""))
_MINUS = str.maketrans(dict.fromkeys("\u2212\u2012\u2013\u2014\ufe63\uff0d", "-"))
_UK = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+")
_DECIMAL_COMMA = re.compile(r"(\d{1,3}(\.\d{3})*|\d+),\d+")  # 24,4  1.234,56  12,50
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")  # 12.500  1.234.567


class AmbiguousNumber(ValueError):
    """Text two conventions read differently; ``readings`` are both, UK first."""

    def __init__(self, typed: str, readings: tuple[Decimal, Decimal]):
        self.typed, self.readings = typed, readings
        uk, other = (_show(r) for r in readings)
        super().__init__(
            f"'{typed}' could be {uk} or {other} (a comma or dot used the European way?): boardbook reads UK "
            f"numbers (1,234.5), so retype it as {uk} or {other}"
        )


@dataclass(frozen=True)
class TypedNumber:
    """A number read from text: its value, and whether it was written as a percentage."""

    value: Decimal
    percent: bool = False


def _show(d: Decimal) -> str:
    return f"{d:,f}".rstrip("0").rstrip(".") if "." in f"{d:f}" else f"{d:,}"


def read_number(text: str, *, whole: bool = False) -> TypedNumber:
    """The number ``text`` holds (see the module docstring). ValueError if it holds none; AmbiguousNumber if
    only a European convention explains it.

    ``whole``: the figure is money or a count, where a dot before exactly three digits (``12.500``) more likely
    groups thousands than marks pence; for shares, rates and percentages (``33.333%``) it is a decimal point.
    """
    raw = text.strip()
    s = raw.translate(_SPACES).translate(_MINUS).replace("GBP", "£")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    percent = s.endswith("%")
    s = s.removesuffix("%")
    if s.startswith(("-", "+")):
        negative, s = negative or s[0] == "-", s[1:]
    if s.startswith("£"):
        s = s[1:]
        if s.startswith("-") and not negative:  # £-12
            negative, s = True, s[1:]
    s = s.removesuffix("£")
    questioned = bool(_DOT_THOUSANDS.fullmatch(s)) and not percent and (whole or s.count(".") > 1)
    if questioned and s.count(".") > 1:
        grouped = _signed(s.replace(".", ""), negative)
        raise ValueError(f"'{raw}' uses dots for thousands, the European way: retype it as {_show(grouped)}")
    if questioned:
        raise AmbiguousNumber(raw, (_signed(s, negative), _signed(s.replace(".", ""), negative)))
    if not _UK.fullmatch(s):
        if _DECIMAL_COMMA.fullmatch(s):
            european = s.replace(".", "").replace(",", ".")
            raise AmbiguousNumber(
                raw, (_signed(european, negative), _signed(s.replace(",", "").replace(".", ""), negative))
            )
        raise ValueError(f"'{raw}' is not a number")
    return TypedNumber(_signed(s.replace(",", ""), negative), percent)


def _signed(digits: str, negative: bool) -> Decimal:
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise ValueError(f"'{digits}' is not a number") from None
    return -value if negative else value
