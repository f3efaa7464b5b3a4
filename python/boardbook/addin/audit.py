"""Would Excel open this package without repair? openxml-audit's answer, less what openpyxl always gets.

    >>> from boardbook.addin.audit import unaccepted
    >>> unaccepted("workbooks/budget.xlsx")  # doctest: +SKIP
    []

openxml-audit (a test dependency, like oletools) checks a package against the Open XML SDK's schemas and
semantic rules and against rules for what Excel repairs or rewrites. Every workbook openpyxl writes gets a few
findings that Excel is known to accept: openpyxl writes a font's children in its own order (``color`` before
``sz``), and inline strings instead of a shared-strings table (Excel converts them on the next save). Those are
calibrated, not hard-coded: :func:`baseline` writes a plain openpyxl workbook with the kinds of fonts our
templates use, audits it, and whatever it gets is accepted. Anything else is a finding to fix, and so is an
XML part that does not parse (openxml-audit 0.8 skips those silently).
"""

from __future__ import annotations

import functools
import itertools
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from boardbook.errors import UsageError

# The findings openpyxl's own writer gets (see baseline): they carry numbers (sheet, font, cell counts) that
# differ between workbooks, so findings are compared with every run of digits replaced.
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Finding:
    """One openxml-audit finding; ``kind`` is what makes two findings the same kind across workbooks."""

    severity: str
    part: str
    path: str
    description: str
    kind: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.part}{':' + self.path if self.path else ''}"
        return f"{self.severity} in {where}: {self.description}"


def audit(path: str | Path) -> list[Finding]:
    """Every finding openxml-audit reports for the package at ``path`` (no limit on their number)."""
    try:
        from openxml_audit import OpenXmlValidator
    except ImportError:
        raise UsageError("the audit needs openxml-audit: pip install 'boardbook[test]' (or openxml-audit)") from None
    findings = _malformed(Path(path))
    result = OpenXmlValidator(max_errors=0).validate(Path(path))
    for error in result.errors:
        name = error.id or _DIGITS.sub("#", error.description)
        kind = (
            str(error.source_class.value),
            str(error.severity.value),
            name,
            _DIGITS.sub("#", error.part_uri),
            _DIGITS.sub("#", error.path),
            error.node or "",
        )
        findings.append(Finding(str(error.severity.value), error.part_uri, error.path, error.description, kind))
    return findings


def _malformed(path: Path) -> list[Finding]:
    """XML parts that do not parse: openxml-audit 0.8 passes over them without a finding, Excel does not."""
    from defusedxml import ElementTree as SafeET

    findings = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            try:
                SafeET.fromstring(zf.read(name))
            except SafeET.ParseError as exc:
                part = f"/{name}"
                kind = ("boardbook", "error", "malformed", part)
                findings.append(Finding("error", part, "", f"not well-formed XML: {exc}", kind))
    return findings


@functools.cache
def baseline() -> frozenset[tuple[str, ...]]:
    """The kinds of finding a plain openpyxl workbook gets: Excel opens these workbooks without repair."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]
    sheet["A1"] = "plain"
    # every combination of the font properties openpyxl writes out of the SDK's order, so that whichever child
    # a validator names first for a given font, the plain workbook has met it too
    for row, (bold, italic, color, size, underline) in enumerate(itertools.product((False, True), repeat=5), start=2):
        sheet.cell(row, 1, "font").font = Font(
            name="Arial",
            bold=bold or None,
            italic=italic or None,
            color="FF1F4E79" if color else None,
            size=14 if size else None,
            underline="single" if underline else None,
        )
    sheet.cell(1, 2, 1.5)
    with tempfile.TemporaryDirectory(prefix="boardbook-audit-") as tmp:
        path = Path(tmp) / "plain.xlsx"
        book.save(path)
        return frozenset(f.kind for f in audit(path))


def unaccepted(path: str | Path) -> list[Finding]:
    """The findings for ``path`` that a plain openpyxl workbook does not also get."""
    accepted = baseline()
    return [f for f in audit(path) if f.kind not in accepted]
