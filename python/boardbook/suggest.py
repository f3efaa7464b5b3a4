"""Close-match suggestions for what people typed ("did you mean 'Fully met'?"), ignoring case and spacing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(typed: str, options: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` options that look like ``typed``, compared case-folded with spaces collapsed."""
    folded = {" ".join(o.split()).casefold(): o for o in options}
    found = difflib.get_close_matches(" ".join(typed.split()).casefold(), list(folded), n=n, cutoff=cutoff)
    return [folded[f] for f in found]
