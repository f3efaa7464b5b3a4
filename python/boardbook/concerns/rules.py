"""The matrix's rules, pure: what counts as a mark, and how many sources a concern has.

A mark is Yes, Y, x, ✓, ✔, ●, • or TRUE in any case; blank, No, N, FALSE or a dash is no; anything else is a
question for the person who typed it (``mark`` returns None)::

    >>> mark(" YES "), mark("no"), mark(None), mark("maybe")
    (True, False, False, None)
"""

from __future__ import annotations

from collections.abc import Mapping

from boardbook.concerns import contract as c
from boardbook.folding import fold

_MARKS = {fold(m) for m in c.MARKS}
_NOT = {fold(m) for m in c.NOT_MARKS}


def mark(value: object) -> bool | None:
    """True for a mark, False for no mark, None for something else."""
    if isinstance(value, bool):
        return value
    text = fold(value)
    if text in _MARKS:
        return True
    if text in _NOT:
        return False
    return None


def sources(marks: Mapping[str, bool]) -> int:
    """How many kinds of evidence stand behind a concern."""
    return sum(bool(marks.get(col)) for col in c.EVIDENCE)
