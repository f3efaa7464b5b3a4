"""Close-match suggestions for what people typed ("did you mean 'Fully met'?"), compared by ``folding.fold``.

A suggestion never turns what was typed into its opposite: "Met" is not offered "Not met", "unmet" not "met",
"compliant" not "non-compliant" — an option that differs from what was typed only by a negation is left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from boardbook.folding import fold

NEGATION_WORDS = frozenset({"not", "no", "non", "never"})
NEGATION_PREFIXES = ("non-", "non", "un")


def _without_negation(folded: str) -> tuple[str, bool]:
    """``folded`` with its negation taken out, and whether it had one."""
    words, negated = [], False
    for word in folded.split():
        if word in NEGATION_WORDS:
            negated = True
            continue
        for prefix in NEGATION_PREFIXES:
            if word.startswith(prefix) and len(word) > len(prefix) + 2:
                word, negated = word[len(prefix) :], True
                break
        words.append(word)
    return " ".join(words), negated


def _opposite(a: str, b: str) -> bool:
    core_a, neg_a = _without_negation(a)
    core_b, neg_b = _without_negation(b)
    return neg_a != neg_b and core_a == core_b


def close_matches(typed: str, options: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` options that look like ``typed`` (folded), never one that is its opposite."""
    key = fold(typed)
    folded = {fold(o): o for o in options if not _opposite(fold(o), key)}
    found = difflib.get_close_matches(key, list(folded), n=n, cutoff=cutoff)
    return [folded[f] for f in found]
