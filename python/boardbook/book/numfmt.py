"""Number formats: what a cell shows, not only what it stores.

python-calamine hands over the stored value (0.244) and not the format that shows it as ``24.4%``; people read
and mean what they see. This module reads the formats of an .xlsx package (``xl/styles.xml``: the cell styles'
``numFmtId`` and the workbook's own format codes, and the ``s`` style index of cells in the sheet XML, scanned
only for the sheets asked about) and renders a value through a format code, purely::

    >>> shown(0.244, "0.0%"), shown(12000, "#,##0"), shown(0.5, "# ?/?")
    ('24.4%', '12,000', '1/2')
    >>> typed(0.244, "0.0%")        # a number read as the text the user would type to get it
    '24.4%'

``shown`` returns None for a format it cannot render (conditions such as ``[>100]``, elapsed times ``[h]``,
engineering notation): the caller keeps the raw value and says so. Built-in format 14 (a short date) is
shown the UK way, dd/mm/yyyy, as an English partnership's Excel shows it.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from defusedxml import ElementTree as SafeET

GENERAL = "General"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# ECMA-376 part 1, 18.8.30: the formats every workbook has without declaring them (14 and 22 as UK Excel shows them).
BUILTIN: dict[int, str] = {
    0: GENERAL,
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"£"#,##0;-"£"#,##0',
    6: '"£"#,##0;[Red]-"£"#,##0',
    7: '"£"#,##0.00;-"£"#,##0.00',
    8: '"£"#,##0.00;[Red]-"£"#,##0.00',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "dd/mm/yyyy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "dd/mm/yyyy hh:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mm:ss.0",
    48: "##0.0E+0",
    49: "@",
}

# One token of a format section: a quoted literal, an escaped character, a bracketed part, a fill or padding
# pair, AM/PM, a run of one date letter, or any other single character.
_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].|AM/PM|A/P|([yYmMdDhHsS])\1*|.', re.S)
_PLACEHOLDER = frozenset("0#?")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EPOCH = datetime(1899, 12, 30)


# -- reading the package ---------------------------------------------------------------------------------
def style_formats(zf: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style (``cellXfs`` index), from the package's styles part."""
    part = _styles_part(zf)
    if part not in zf.NameToInfo:
        return [GENERAL]
    root = SafeET.fromstring(zf.read(part))
    custom = {}
    for fmt in root.iter(f"{{{NS_MAIN}}}numFmt"):
        try:
            custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", GENERAL)
        except ValueError:
            continue
    out = []
    xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
    for xf in xfs.iter(f"{{{NS_MAIN}}}xf") if xfs is not None else ():
        try:
            fid = int(xf.get("numFmtId", "0"))
        except ValueError:
            fid = 0
        out.append(custom.get(fid) or BUILTIN.get(fid, GENERAL))
    return out or [GENERAL]


def _styles_part(zf: zipfile.ZipFile) -> str:
    from boardbook.ooxml import _relationships, workbook_part

    book = workbook_part(zf)
    for _rid, target, kind in _relationships(zf, book):
        if kind.endswith("/styles"):
            return target
    return posixpath.join(posixpath.dirname(book), "styles.xml")


_CELL_TAG = re.compile(r"<c\b([^>]*)>")
_R = re.compile(r'\br="([A-Z]{1,3})([0-9]{1,7})"')
_S = re.compile(r'\bs="([0-9]+)"')
# Excel, LibreOffice and openpyxl write the address first: one pass finds the styled cells (~5x the general scan)
_STYLED = re.compile(r'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*? s="([0-9]+)"')


def sheet_formats(xml: str, styles: list[str]) -> dict[tuple[int, int], str]:
    """1-based (row, column) -> format code of every cell in a sheet's XML whose format is not General.

    A scan of the start tags only (the sheet was size-checked before it was read); cells without an address
    (allowed, never written by Excel or LibreOffice) are left General.
    """
    found: Iterable[tuple[str, str, str]]
    if xml.count("<c ") == xml.count('<c r="'):
        found = _STYLED.findall(xml)
    else:  # attributes in another order: look at each start tag
        found = (
            (r.group(1), r.group(2), st.group(1))
            for m in _CELL_TAG.finditer(xml)
            if (st := _S.search(m.group(1))) and (r := _R.search(m.group(1)))
        )
    out: dict[tuple[int, int], str] = {}
    columns: dict[str, int] = {}
    for letters, row, index in found:
        i = int(index)
        code = styles[i] if i < len(styles) else GENERAL
        if code == GENERAL:
            continue
        col = columns.get(letters)
        if col is None:
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            columns[letters] = col
        out[(int(row), col)] = code
    return out


class PackageFormats:
    """The number formats of a package's sheets, each sheet scanned once and only when first asked about."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zip = zf
        self._styles: list[str] | None = None
        self._sheets: dict[str, dict[tuple[int, int], str]] = {}

    def sheet(self, sheet: str) -> dict[tuple[int, int], str]:
        """1-based (row, column) -> code of the cells of ``sheet`` whose format is not General."""
        if sheet not in self._sheets:
            from boardbook.ooxml import sheet_parts

            part = sheet_parts(self.zip).get(sheet)
            if part is None or part not in self.zip.NameToInfo:
                self._sheets[sheet] = {}
            else:
                if self._styles is None:
                    self._styles = style_formats(self.zip)
                xml = self.zip.read(part).decode("utf-8", errors="replace")
                self._sheets[sheet] = sheet_formats(xml, self._styles) if "s=" in xml else {}
        return self._sheets[sheet]

    def block(self, sheet: str, top: int, left: int, rows: int, cols: int) -> dict[tuple[int, int], str]:
        """The non-General codes of a block of cells from 1-based (``top``, ``left``), by 0-based offsets."""
        return {
            (r - top, c - left): code
            for (r, c), code in self.sheet(sheet).items()
            if top <= r < top + rows and left <= c < left + cols
        }


# -- format codes ------------------------------------------------------------------------------------------
def _sections(code: str) -> list[str]:
    """The ``;``-separated sections of a code (a ``;`` inside quotes or after a backslash is a literal)."""
    out, current = [], ""
    for m in _TOKEN.finditer(code):
        if m.group(0) == ";":
            out.append(current)
            current = ""
        else:
            current += m.group(0)
    return [*out, current]


def _tokens(section: str) -> list[str]:
    return [m.group(0) for m in _TOKEN.finditer(section)]


def _is_date_section(section: str) -> bool:
    return any(t[0] in "yYmMdDhHsS" or t in ("AM/PM", "A/P") for t in _tokens(section) if t[0] not in '"\\[_*')


@functools.cache
def is_percent(code: str) -> bool:
    """Whether a number in this format is shown as a percentage (a ``%`` outside quotes, in its first section)."""
    return "%" in _tokens(_sections(code)[0])


@functools.cache
def is_date(code: str) -> bool:
    """Whether this format shows a number as a date or a time."""
    return _is_date_section(_sections(code)[0])


def typed(value: object, code: str) -> object:
    """``value`` as the text someone would type to see what the cell shows, where that text differs in meaning
    from the stored number: a number shown as a percentage becomes its percentage at full precision ("24.4%"
    for 0.244, "33.33333333333333%" for 1/3 — what is shown, without the display's rounding). Anything else
    is returned as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not is_percent(code):
        return value
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return value
    if not d.is_finite():
        return value
    text = f"{(d * 100).normalize():f}"
    return f"{text}%"


def shown(value: object, code: str) -> str | None:
    """The text a cell holding ``value`` in format ``code`` shows; None when the format is beyond this reader."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date | time | timedelta):
        serial = _serial(value)
        return _render(serial, code, date_value=True) if serial is not None else None
    if isinstance(value, int | float | Decimal):
        return _render(value, code, date_value=False)
    return None


def _serial(value: date | time | timedelta) -> float | None:
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - _EPOCH) / timedelta(days=1)
    if isinstance(value, date):
        return float((value - _EPOCH.date()).days)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    return value / timedelta(days=1)


def general(value: int | float | Decimal) -> str:
    """A number as Excel's General format shows it (to 15 significant digits; 3.0 as "3")."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else f"{value.normalize():f}"


def _render(value: int | float | Decimal, code: str, *, date_value: bool) -> str | None:
    sections = _sections(code)
    if any(t.startswith("[") and t[1:2] in "<>=" for s in sections for t in _tokens(s)):
        return None  # conditional sections ([>100]...)
    negative = value < 0
    if len(sections) == 1 or (not negative and value != 0) or (value == 0 and len(sections) < 3):
        section = sections[0]
    elif negative:
        section = sections[1]
    else:
        section = sections[2]
    signed = negative and section is sections[0]
    if section.strip() in ("", GENERAL, "@") or section.casefold() == "general":  # @: Text, a number as General
        if date_value:  # a date whose format is not known (a reader that gives none): the UK short form
            return _render_date(float(value), "dd/mm/yyyy" if float(value) % 1 == 0 else "dd/mm/yyyy hh:mm")
        return general(value)
    if _is_date_section(section):
        return _render_date(float(value), section)
    if date_value:
        return None
    body = _render_number(abs(Decimal(repr(value)) if isinstance(value, float) else Decimal(value)), section)
    if body is None:
        return None
    return f"-{body}" if signed and any(ch.isdigit() and ch != "0" for ch in body) else body


def _elapsed(token: str) -> bool:
    """[h], [mm], [ss]: elapsed time, a count of hours, minutes or seconds."""
    inner = token[1:-1].lower()
    return bool(inner) and len(set(inner)) == 1 and inner[0] in "hms"


def _literal(token: str) -> str | None:
    """The text a non-placeholder token shows; None for something that is not a plain literal."""
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1]
    if token[0] in "_*":
        return ""  # padding to the width of a character, or a fill: no text of their own
    if token.startswith("[$"):
        return token[2:].split("-")[0]  # [$£-809]: the currency symbol; [$-809]: a locale, no text
    if token.startswith("["):
        return "" if token[1:-1].isalpha() and not _elapsed(token) else None  # a colour ([Red]), not [h]
    if token in "$-+/():!^&'~{}<>= ,£€":
        return token
    if token == "@":
        return ""
    return None


def _render_number(d: Decimal, section: str) -> str | None:
    tokens = _tokens(section)
    percent = sum(t == "%" for t in tokens)
    d *= Decimal(100) ** percent
    if any(t in ("E", "e") for t in tokens):
        return _render_scientific(d, tokens)
    if "/" in tokens and any(t in _PLACEHOLDER or t.isdigit() for t in tokens[tokens.index("/") + 1 :]):
        return _render_fraction(d, tokens)
    places = [i for i, t in enumerate(tokens) if t in _PLACEHOLDER]
    if not places:  # no digits at all: only literals
        parts = [_literal(t) if t != "%" else "%" for t in tokens]
        return None if None in parts else "".join(p for p in parts if p)
    first, last = places[0], places[-1]
    point = next((i for i in range(first, last + 1) if tokens[i] == "."), None)
    int_end = point if point is not None else last + 1
    integer = tokens[first:int_end]
    decimals = tokens[point + 1 : last + 1] if point is not None else []
    # Commas right after the last integer digit (before the point or the end) divide by 1,000 each.
    scale = 0
    k = int_end
    while k < len(tokens) and tokens[k] == "," and point is None:
        scale, k = scale + 1, k + 1
    while integer and integer[-1] == ",":
        integer, scale = integer[:-1], scale + 1
    if any(t not in _PLACEHOLDER and t != "," for t in (*integer, *decimals)):
        return None  # literals between the digits (000-000): not a number format this reader renders
    d /= Decimal(1000) ** scale
    grouped = "," in integer
    n_dec = len(decimals)
    q = d.quantize(Decimal(1).scaleb(-n_dec), rounding=ROUND_HALF_UP)
    int_digits, _, frac_digits = f"{q:f}".partition(".")
    int_digits = int_digits.lstrip("0")
    int_places = [t for t in integer if t in _PLACEHOLDER]
    zeros = sum(t == "0" for t in int_places)
    int_digits = int_digits.rjust(zeros, "0")
    if grouped and int_digits:
        int_digits = f"{int(int_digits):,}"
    frac = ""
    if n_dec:
        chars = list(frac_digits.ljust(n_dec, "0"))
        for j in range(n_dec - 1, -1, -1):  # optional places drop trailing zeros (# nothing, ? a space)
            if chars[j] != "0" or decimals[j] == "0":
                break
            chars[j] = "" if decimals[j] == "#" else " "
        frac = "".join(chars)
    if not int_digits and "?" in int_places:
        int_digits = " "
    number = int_digits + ("." + frac if point is not None else "")
    if point is not None and not frac.strip():
        number = int_digits + "." + frac  # Excel keeps the point ("12." for "#.#")
    return _around(tokens, first, last + 1 if not scale or point is not None else k, number)


def _around(tokens: list[str], start: int, end: int, middle: str) -> str | None:
    """Literals before ``start`` and after ``end`` around the rendered digits."""
    before = [t if t == "%" else _literal(t) for t in tokens[:start]]
    after = [t if t == "%" else _literal(t) for t in tokens[end:]]
    if None in before or None in after:
        return None
    return "".join(p for p in before if p) + middle + "".join(p for p in after if p)


def _render_scientific(d: Decimal, tokens: list[str]) -> str | None:
    e = next(i for i, t in enumerate(tokens) if t in ("E", "e"))
    mantissa, exponent = tokens[:e], tokens[e + 1 :]
    if not exponent or exponent[0] not in "+-":
        return None
    point = mantissa.index(".") if "." in mantissa else len(mantissa)
    if sum(t in _PLACEHOLDER for t in mantissa[:point]) != 1:  # engineering notation (##0.0E+0): beyond this reader
        return None
    n_dec = sum(t in _PLACEHOLDER for t in mantissa[point + 1 :])
    exp_digits = sum(t in _PLACEHOLDER for t in exponent[1:])
    text = f"{d:.{n_dec}E}"
    mant, _, power = text.partition("E")
    p = int(power)
    sign = "-" if p < 0 else ("+" if exponent[0] == "+" else "")
    return f"{mant}{tokens[e]}{sign}{str(abs(p)).rjust(exp_digits, '0')}"


def _render_fraction(d: Decimal, tokens: list[str]) -> str | None:
    slash = tokens.index("/")
    denominator_tokens = tokens[slash + 1 :]
    fixed = "".join(t for t in denominator_tokens if t.isdigit())
    den_places = sum(t in _PLACEHOLDER for t in denominator_tokens)
    before = tokens[:slash]
    # the numerator is the run of placeholders just before the slash; a whole part, if any, comes before a space
    k = len(before)
    while k and before[k - 1] in _PLACEHOLDER:
        k -= 1
    whole_tokens = [t for t in before[:k] if t in _PLACEHOLDER]
    value = Fraction(d)
    whole = int(value) if whole_tokens else 0
    rest = value - whole
    if fixed:
        den = int(fixed)
        num = round(rest * den)
    else:
        limit = 10**den_places - 1 if den_places else 9
        approx = rest.limit_denominator(limit)
        num, den = approx.numerator, approx.denominator
        if num == den:  # rounds up to the next whole
            whole, num = whole + 1, 0
    if num == 0:
        if whole_tokens:
            return str(whole)
        return "0"
    fraction = f"{num}/{den}"
    return f"{whole} {fraction}" if whole_tokens and whole else fraction


def _render_date(serial: float, section: str) -> str | None:
    tokens = _tokens(section)
    if any(t.startswith("[") and (_elapsed(t) or not t[1:-1].isalpha()) and not t.startswith("[$") for t in tokens):
        return None  # elapsed time [h]:mm
    if serial < 0 or serial >= 2958466:
        return None
    moment = _EPOCH + timedelta(days=serial)
    moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)  # Excel rounds to the second
    twelve = any(t in ("AM/PM", "A/P") for t in tokens)
    kinds = [t[0].lower() if t[0] in "yYmMdDhHsS" else "" for t in tokens]
    out = []
    for i, t in enumerate(tokens):
        kind = kinds[i]
        n = len(t)
        if kind == "y":
            out.append(f"{moment.year:04d}" if n > 2 else f"{moment.year % 100:02d}")
        elif kind == "d":
            out.append(
                str(moment.day)
                if n == 1
                else f"{moment.day:02d}"
                if n == 2
                else _DAYS[moment.weekday()][:3]
                if n == 3
                else _DAYS[moment.weekday()]
            )
        elif kind == "m":
            prev = next((kinds[j] for j in range(i - 1, -1, -1) if kinds[j]), "")
            nxt = next((kinds[j] for j in range(i + 1, len(kinds)) if kinds[j]), "")
            if n <= 2 and (prev == "h" or nxt == "s"):
                out.append(str(moment.minute) if n == 1 else f"{moment.minute:02d}")
            else:
                name = _MONTHS[moment.month - 1]
                out.append(
                    str(moment.month)
                    if n == 1
                    else f"{moment.month:02d}"
                    if n == 2
                    else name[:3]
                    if n == 3
                    else name[0]
                    if n == 5
                    else name
                )
        elif kind == "h":
            hour = moment.hour % 12 or 12 if twelve else moment.hour
            out.append(str(hour) if n == 1 else f"{hour:02d}")
        elif kind == "s":
            out.append(str(moment.second) if n == 1 else f"{moment.second:02d}")
        elif t == "AM/PM":
            out.append("AM" if moment.hour < 12 else "PM")
        elif t == "A/P":
            out.append("A" if moment.hour < 12 else "P")
        elif t == "." and i + 1 < len(tokens) and tokens[i + 1] == "0":
            return None  # fractions of a second
        else:
            lit = _literal(t)
            if lit is None and t not in ".":
                return None
            out.append(lit if lit is not None else t)
    return "".join(out)


def formats_of(mapping: Mapping[tuple[int, int], str], row: int, col: int) -> str:
    """The code at (row, column) of a sparse map of non-General formats."""
    return mapping.get((row, col), GENERAL)
