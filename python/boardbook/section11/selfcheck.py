"""The return that checks itself: what each Assessment row still needs, as words and as a worksheet formula.

Agencies fill returns without boardbook (and often without macros), so the template carries a ``Check`` formula
per row and a ``ReturnStatus`` on the cover. ``check_text`` is the same verdict in Python, built on the rules
``validate`` applies (``Scale.normalise``, ``Config.evidence_needed``, ``Config.action_needed``): it is the cached
value written with each formula, and the tests recalculate the formulas in LibreOffice and compare all three.

The formulas use only functions Excel, LibreOffice and Google Sheets share (IF, AND, OR, TRIM, CLEAN, SUBSTITUTE,
UNICHAR, MATCH, ISNA, ISNUMBER, ROUND, ABS, SUMPRODUCT, LEN) and vertical array constants; no dynamic arrays, no
LET or LAMBDA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.utils.cell import get_column_letter

from boardbook.book.base import Formula, Value
from boardbook.config import Config
from boardbook.section11 import contract as c
from boardbook.textsafe import cell_text

CHOOSE = "Choose a rating"
FROM_LIST = "Choose a rating from the list"
EVIDENCE_MET = "Add evidence for a met rating"
EVIDENCE_ANY = "Add evidence for this rating"
ACTION = "Add an action, owner and due date"
READY = "Ready to send"


def check_text(config: Config, row: Mapping[str, object]) -> str:
    """What an Assessment row (header -> value) still needs, in plain words ("" when complete, or all blank)."""
    if all(cell_text(row.get(h)) == "" for h in c.ASSESSMENT_HEADERS):
        return ""  # a blank row, as validate skips it
    rating, evidence = row.get("Rating"), row.get("Evidence")
    if cell_text(rating) == "":
        return CHOOSE
    label = config.scale.normalise(rating)
    if label is None:
        return FROM_LIST
    needs = []
    if config.evidence_needed(label) and not cell_text(evidence):
        needs.append(EVIDENCE_MET if config.evidence_required == "met" else EVIDENCE_ANY)
    if config.action_needed(label) and not all(cell_text(row.get(h)) for h in ("Action", "Owner", "Due")):
        needs.append(ACTION)
    return "; ".join(needs)


def status_text(checks: Sequence[str]) -> str:
    """The cover's verdict: "Ready to send", or how many standards need attention."""
    n = sum(1 for c in checks if c)
    return READY if n == 0 else "1 standard needs attention" if n == 1 else f"{n} standards need attention"


def _str(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _array(items: Sequence[str | float]) -> str:
    """A vertical array constant ({"a";"b"}): Excel, LibreOffice and Google Sheets read it the same."""
    return "{" + ";".join(_str(x) if isinstance(x, str) else f"{x:g}" for x in items) + "}"


def _blank(cell: str) -> str:
    """A cell that holds nothing but spaces (ordinary or non-breaking) or control characters."""
    return f'TRIM(CLEAN(SUBSTITUTE({cell},UNICHAR(160)," ")))=""'


def check_formula(config: Config, cells: Mapping[str, str]) -> str:
    """The ``Check`` formula for one row; ``cells`` maps each of ``ASSESSMENT_HEADERS`` to its A1 address."""
    scale = config.scale
    r = cells["Rating"]
    keys: list[str] = []
    met_keys: list[str] = []
    na_keys: list[str] = []
    for label in scale.labels:
        forms = [label, *(a for a, target in scale.aliases if target == label)]
        if scale.kind == "percent" and label != scale.not_applicable:
            forms.append(label.removesuffix("%"))  # "75" typed for "75%"
        keys += forms
        if scale.is_met(label):
            met_keys += forms
        if label == scale.not_applicable:
            na_keys += forms
    text = f'SUBSTITUTE(TRIM(CLEAN(SUBSTITUTE(SUBSTITUTE({r},UNICHAR(160)," "),UNICHAR(8203),"")))," %","%")'
    # MATCH reads * ? ~ as wildcards: escaped, a rating typed "*" is not taken for the first label
    text = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({text},"~","~~"),"*","~*"),"?","~?")'
    if scale.kind == "percent":
        nums = [lv.score for lv in scale.levels]
        met_nums = [lv.score for lv in scale.levels if scale.is_met(lv.label)] or [-1.0]
        value = f"IF(AND(ABS({r})<=1,ISNUMBER(MATCH(ROUND({r}*100,6),{_array(nums)},0))),ROUND({r}*100,6),{r})"
        known = f"IF(ISNUMBER({r}),ISNUMBER(MATCH({value},{_array(nums)},0)),ISNUMBER(MATCH({text},{_array(keys)},0)))"
        met = f"IF(ISNUMBER({r}),ISNUMBER(MATCH({value},{_array(met_nums)},0)),{_in(text, met_keys)})"
    else:
        known = _in(text, keys)
        met = _in(text, met_keys)
    na = _in(text, na_keys)
    evidence = {
        "met": f"AND({met},{_blank(cells['Evidence'])})",
        "all": f"AND(NOT({na}),{_blank(cells['Evidence'])})",
        "none": "FALSE",
    }[config.evidence_required]
    evidence_words = _str(EVIDENCE_MET if config.evidence_required == "met" else EVIDENCE_ANY)
    if config.actions_below_met:
        incomplete = ",".join(_blank(cells[h]) for h in ("Action", "Owner", "Due"))
        action = f"AND(NOT({met}),NOT({na}),OR({incomplete}))"
    else:
        action = "FALSE"
    needs = (
        f'IF(AND({evidence},{action}),{evidence_words}&"; "&{_str(ACTION)},'
        f'IF({evidence},{evidence_words},IF({action},{_str(ACTION)},"")))'
    )
    row_blank = "AND(" + ",".join(_blank(cells[h]) for h in c.ASSESSMENT_HEADERS) + ")"
    return f'=IF({row_blank},"",IF({_blank(r)},{_str(CHOOSE)},IF(NOT({known}),{_str(FROM_LIST)},{needs})))'


def _in(text: str, keys: Sequence[str]) -> str:
    """True when ``text`` is one of ``keys`` (MATCH ignores case, as ``fold`` does)."""
    return f"ISNUMBER(MATCH({text},{_array(keys)},0))" if keys else "FALSE"


def status_formula(check_range: str) -> str:
    """The ``ReturnStatus`` formula over the Check column (e.g. ``Assessment!$H$2:$H$11``)."""
    n = f"SUMPRODUCT(--(LEN({check_range})>0))"
    return f'=IF({n}=0,{_str(READY)},IF({n}=1,"1 standard needs attention",{n}&" standards need attention"))'


def with_checks(config: Config, rows: Sequence[Sequence[Value]], header_row: int, first_col: int) -> list[list[Value]]:
    """Assessment rows (``ASSESSMENT_HEADERS`` order) with their ``Check`` formula and its value appended,
    for a table whose header is at ``header_row`` with ``Ref`` in column ``first_col`` (1-based)."""
    letters = {h: get_column_letter(first_col + j) for j, h in enumerate(c.ASSESSMENT_HEADERS)}
    out: list[list[Value]] = []
    for i, row in enumerate(rows, start=header_row + 1):
        values = dict(zip(c.ASSESSMENT_HEADERS, row, strict=False))
        cells = {h: f"{letters[h]}{i}" for h in c.ASSESSMENT_HEADERS}
        verdict = check_text(config, values)
        out.append([*row[: len(c.ASSESSMENT_HEADERS)], Formula(check_formula(config, cells), verdict)])
    return out


def status(config: Config, rows: Sequence[Sequence[Value]], sheet: str, header_row: int, first_col: int) -> Formula:
    """The cover's ``ReturnStatus`` formula over the Check column of ``rows`` (as ``with_checks`` returns them)."""
    col = get_column_letter(first_col + len(c.ASSESSMENT_HEADERS))
    last = header_row + max(1, len(rows))
    verdicts = [r[-1].value if isinstance(r[-1], Formula) else "" for r in rows]
    return Formula(
        status_formula(f"'{sheet}'!${col}${header_row + 1}:${col}${last}"),
        status_text([str(v or "") for v in verdicts]),
    )
