"""One way of seeing names and labels, so the same agency, partnership, rating, standard or column is the same
whoever typed it and on whatever machine.

``fold`` is the key two pieces of text are compared by. It ignores what people do not mean to differ:

- case, and spaces: leading, trailing, doubled, non-breaking (U+00A0, U+202F, U+2007), tabs and new lines;
- invisible characters: zero-width spaces and joiners (U+200B–U+200D, U+2060) and byte-order marks (U+FEFF);
- curly and straight apostrophes and quotes (’ ‘ ‛ ′ and “ ” „ ″ are ' and ");
- dashes and minus signs (‐ ‑ ‒ – — ― − are -);
- ``&`` and ``and`` ("Health & Care" is "Health and Care"; "A&E" is "A and E");
- compatibility forms (full-width letters, ligatures such as ﬁ), by Unicode NFKC.

What is shown to people is never folded: the key only decides what matches.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # removed
_SAME = str.maketrans(
    {
        **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u3000", " "),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    }
)
_AMPERSAND = re.compile(r"\s*&\s*")
_SPACES = re.compile(r"\s+")


def fold(text: object) -> str:
    """The comparison key of a name or label (see the module docstring); "" for None."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE).translate(_SAME)
    folded = _AMPERSAND.sub(" and ", folded)
    return _SPACES.sub(" ", folded).strip().casefold()


def clean_name(text: object) -> str:
    """A name as it should be shown: invisible characters and byte-order marks gone, spaces collapsed (the
    letters, apostrophes and dashes as typed)."""
    if text is None:
        return ""
    return _SPACES.sub(" ", str(text).translate(_INVISIBLE).translate({0xA0: " ", 0x202F: " ", 0x2007: " "})).strip()
