"""Money and shares as finance officers type them: "£12,500", "(1,200.50)", 25%, 0.25, "33.3333 %"."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from boardbook.budget.rules import PENNY
from boardbook.numbers import AmbiguousNumber, read_number

MAX_AMOUNT = Decimal(10) ** 12  # £1 trillion: beyond any partnership budget, and safe to quantize
_MONEY = re.compile(r"^(?P<neg>-)?£?(?P<num>\d[\d,]*(\.\d+)?|\.\d+)$")


def pounds(value: Decimal | None) -> str:
    """£1,234.50 / -£1,234.50 (blank for None), as finance reports write money."""
    if value is None:
        return ""
    return f"-£{-value:,.2f}" if value < 0 else f"£{value:,.2f}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_money(value: object) -> Decimal | None:
    """An amount in pounds (to the penny), None when blank; ValueError for anything else."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("expected an amount in £, found TRUE/FALSE")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected an amount in £, found {value}")
        return _plausible(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        return _plausible(value, value)
    try:
        typed = read_number(str(value), whole=True)
    except AmbiguousNumber as exc:
        raise ValueError(f"expected an amount in £: {exc}") from None
    except ValueError:
        raise ValueError(f"expected an amount in £ (e.g. 12500, £12,500 or £12,500.00), found {value!r}") from None
    if typed.percent:
        raise ValueError(f"expected an amount in £, found a percentage {value!r}")
    return _plausible(typed.value, value)


def _plausible(amount: Decimal, typed: object) -> Decimal:
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"expected an amount in £, found {typed!r}, which is far beyond any budget")
    return amount.quantize(PENNY)


def parse_share(value: object) -> Fraction | None:
    """A share as a fraction of 1: 0.25, 25 (read as 25 %), "25%" or "25 %"; None when blank.

    A number above 1 is read as a percentage (nobody pays 2,500 % of a budget); 1 means 100 %.
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("expected a share such as 25% or 0.25, found TRUE/FALSE")
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a share such as 25% or 0.25, found {value}")
        return _share_in_range(Fraction(str(value)), value)
    if "/" in str(value):  # a fraction typed as such, e.g. 1/3
        try:
            return _share_in_range(Fraction(str(value).replace(" ", "")), value)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"expected a share such as 25% or 0.25, found {value!r}") from None
    try:
        typed = read_number(str(value))
    except AmbiguousNumber as exc:
        raise ValueError(f"expected a share such as 25% or 0.25: {exc}") from None
    except ValueError:
        raise ValueError(f"expected a share such as 25% or 0.25, found {value!r}") from None
    return _share_in_range(Fraction(typed.value), value, percent=typed.percent)


def _share_in_range(share: Fraction, typed: object, *, percent: bool = False) -> Fraction:
    """Percentages (and numbers above 1) are divided by 100; a share may not exceed 100 %."""
    if percent or share > 1:
        share /= 100
    if share > 1:
        raise ValueError(f"a share cannot be more than 100 %, found {typed!r}")
    return share
