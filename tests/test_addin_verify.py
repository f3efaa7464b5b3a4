"""``boardbook addin verify``: the real add-in passes every check with olevba and LibreOffice reading it, and
each check fails when the thing it guards is broken (a tampered ribbon, VBA, wrapper or version stamp).

LibreOffice runs twice in this module: once on the real add-in, once on a tampered one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from boardbook.addin import build as b
from boardbook.addin import verify as v
from boardbook.addin import wrappers
from boardbook.addin.vbaproject import Module, vba_project_bin
from boardbook.errors import UsageError, WorkbookError
from tests.helpers import require_soffice

TYPES = "worksheet function types"  # fails until boardbook.udfs uses hints xlwings converts (see the README)


def _expected_failures() -> set[str]:
    return set() if v.udf_types(wrappers.udfs()).ok else {TYPES}


def _failed(checks: list[v.Check]) -> set[str]:
    return {c.name for c in checks if c.ok is False}


def _write(tmp_path: Path, parts: dict[str, bytes], name: str = "tampered.xlam") -> Path:
    path = tmp_path / name
    path.write_bytes(b.zip_parts(parts))
    return path


def _with_modules(parts: dict[str, bytes], change: Callable[[Module], Module | None]) -> dict[str, bytes]:
    modules = [change(m) for m in b.vba_modules()]
    return {**parts, "xl/vbaProject.bin": vba_project_bin(b.PROJECT_NAME, [m for m in modules if m])}


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return b.build(tmp_path_factory.mktemp("addin") / "boardbook.xlam")


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    return b.package_parts()


def test_the_addin_passes_with_olevba_and_libreoffice(addin: Path) -> None:
    require_soffice()
    checks = v.verify(addin, libreoffice="require")
    assert _failed(checks) == _expected_failures(), [c for c in checks if not c.ok]
    lo = next(c for c in checks if c.name == "VBA read back (LibreOffice)")
    assert lo.ok and "all 7 modules" in lo.detail
    olevba = next(c for c in checks if c.name == "VBA read back (olevba)")
    assert olevba.ok and "7 modules" in olevba.detail
    assert all(c.ok is not None for c in checks)


def test_libreoffice_catches_a_module_that_differs(tmp_path: Path, parts: dict[str, bytes]) -> None:
    require_soffice()

    def tamper(m: Module) -> Module:
        if m.name != "BoardbookRibbon":
            return m
        return Module(m.name, m.source.replace("boardbook works on", "boardbook acts on"), m.kind)

    checks = v.verify(_write(tmp_path, _with_modules(parts, tamper)), libreoffice="require")
    failed = {c.name: c.detail for c in checks if c.ok is False}
    assert "BoardbookRibbon" in failed["VBA read back (LibreOffice)"]
    assert "BoardbookRibbon" in failed["VBA read back (olevba)"]


def test_a_ribbon_tag_without_handler_and_a_handler_without_button(tmp_path: Path, parts) -> None:
    ui = parts[b.CUSTOMUI_PART].replace(b'tag="help.docs"', b'tag="help.manual"')
    checks = v.verify(_write(tmp_path, {**parts, b.CUSTOMUI_PART: ui}), libreoffice="skip")
    detail = next(c.detail for c in checks if c.name == "ribbon → Python")
    assert _failed(checks) == _expected_failures() | {"ribbon → Python"}
    assert "help.manual" in detail and "help.docs" in detail


def test_an_onaction_that_names_no_procedure_and_a_button_without_tips(tmp_path: Path, parts) -> None:
    ui = parts[b.CUSTOMUI_PART].decode()
    ui = ui.replace('onAction="BoardbookRibbon.OnAction"', 'onAction="BoardbookRibbon.OnClick"', 1)
    ui = re.sub(r'supertip="Opens the boardbook documentation[^"]*"', "", ui)
    checks = v.verify(_write(tmp_path, {**parts, b.CUSTOMUI_PART: ui.encode()}), libreoffice="skip")
    detail = next(c.detail for c in checks if c.name == "ribbon → VBA")
    assert "BoardbookRibbon.OnClick" in detail and "boardbookDocs has no supertip" in detail


def test_a_missing_wrapper_and_a_stale_module(tmp_path: Path, parts) -> None:
    def drop_rate(m: Module) -> Module:
        if m.name != wrappers.MODULE_NAME:
            return m
        source = re.sub(r"Function BB_RATE\(.*?End Function\r\n\r\n", "", m.source, flags=re.S)
        return Module(m.name, source, m.kind)

    checks = v.verify(_write(tmp_path, _with_modules(parts, drop_rate)), libreoffice="skip")
    failed = {c.name: c.detail for c in checks if c.ok is False}
    assert "BB_RATE has no VBA function" in failed["worksheet functions"]
    assert "BoardbookUdfs: the source read back differs" in failed["VBA read back (olevba)"]


def test_a_missing_module(tmp_path: Path, parts) -> None:
    checks = v.verify(
        _write(tmp_path, _with_modules(parts, lambda m: None if m.name == "Dictionary" else m)), libreoffice="skip"
    )
    assert "missing ['Dictionary']" in next(c.detail for c in checks if c.name == "VBA read back (olevba)")


def test_an_xlwings_version_other_than_the_installed_one(addin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(b, "xlwings_version", lambda: "0.99.0")
    check = next(c for c in v.verify(addin, libreoffice="skip") if c.name == "xlwings version")
    assert not check.ok and "installed xlwings is 0.99.0" in check.detail and "0.37.8" in check.detail


def test_libreoffice_modes(addin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v, "find_soffice", lambda: None)
    by_mode = {
        mode: next(c for c in v.verify(addin, libreoffice=mode) if "LibreOffice" in c.name)
        for mode in ("auto", "require", "skip")
    }
    assert by_mode["auto"].ok is None and "not installed" in by_mode["auto"].detail
    assert by_mode["require"].ok is False
    assert by_mode["skip"].ok is None
    with pytest.raises(UsageError, match="auto, require or skip"):
        v.verify(addin, libreoffice="always")


def test_not_an_addin(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlam"
    junk.write_bytes(b"not a zip")
    with pytest.raises(WorkbookError, match="zip package"):
        v.verify(junk, libreoffice="skip")
    with pytest.raises(UsageError, match="no such file"):
        v.verify(tmp_path / "missing.xlam")


def test_procedure_parser_reads_continuations_and_scopes() -> None:
    source = (
        'Attribute VB_Name = "M"\r\nPrivate Sub A(x As Long, _\r\n    ByVal y)\r\nEnd Sub\r\n'
        "Function B()\r\nEnd Function\r\n  Public Static Sub C(control As IRibbonControl)\r\n"
    )
    assert v.procedures(source) == {
        "a": ("Private", "Sub", ["x As Long", "ByVal y"]),
        "b": ("Public", "Function", []),
        "c": ("Public", "Sub", ["control As IRibbonControl"]),
    }


def test_the_addin_is_macro_ok_and_has_no_audit_finding_at_all(addin: Path) -> None:
    """mraptor rates it as xlwings' own add-ins (W and X, but nothing that runs by itself), and openxml-audit finds
    nothing, not even what openpyxl's workbooks get."""
    from boardbook.addin.audit import audit

    checks = {c.name: c for c in v.verify(addin, libreoffice="skip")}
    assert (
        checks["macro heuristic (mraptor)"].ok and "Macro OK (flags -WX" in checks["macro heuristic (mraptor)"].detail
    )
    assert checks["package Excel accepts (openxml-audit)"].ok
    assert audit(addin) == []


def test_an_auto_run_macro_makes_the_addin_suspicious(tmp_path: Path, parts) -> None:
    """What the add-in had before: a start-up macro next to code that runs Python (mraptor flags A, W, X)."""

    def auto_open(m: Module) -> Module:
        if m.name != "BoardbookSetup":
            return m
        return Module(m.name, m.source + "Public Sub Auto_Open()\r\n    OnRibbonLoad Nothing\r\nEnd Sub\r\n", m.kind)

    checks = v.verify(_write(tmp_path, _with_modules(parts, auto_open)), libreoffice="skip")
    failed = {c.name: c.detail for c in checks if c.ok is False}
    assert "flags AWX" in failed["macro heuristic (mraptor)"] and "'Auto_Open'" in failed["macro heuristic (mraptor)"]


def test_the_help_needs_the_ribbon_onload_callback(tmp_path: Path, parts) -> None:
    ui = parts[b.CUSTOMUI_PART].replace(b' onLoad="BoardbookSetup.OnRibbonLoad"', b"")
    checks = v.verify(_write(tmp_path, {**parts, b.CUSTOMUI_PART: ui}), libreoffice="skip")
    assert "the ribbon has no onLoad callback" in next(
        c.detail for c in checks if c.name == "ribbon → VBA" and c.ok is False
    )

    def no_help(m: Module) -> Module:
        if m.name != "BoardbookSetup":
            return m
        return Module(m.name, m.source.replace("        BoardbookUdfs.RegisterFunctions", "        Beep"), m.kind)

    checks = v.verify(_write(tmp_path, _with_modules(parts, no_help), "no-help.xlam"), libreoffice="skip")
    detail = next(c.detail for c in checks if c.name == "worksheet functions")
    assert "OnRibbonLoad) does not call RegisterFunctions" in detail


def test_a_package_without_its_theme_is_one_excel_repairs(tmp_path: Path, parts) -> None:
    """What the add-in had before: no theme part, which the Open XML SDK requires of a workbook."""
    rels = re.sub(rb'<Relationship [^>]*relationships/theme"[^>]*/>', b"", parts["xl/_rels/workbook.xml.rels"])
    types = parts["[Content_Types].xml"].replace(b'<Override PartName="/xl/theme/theme1.xml" ContentType="', b'<X a="')
    types = re.sub(rb'<X a="[^"]*"/>', b"", types)
    themeless = {n: d for n, d in parts.items() if n != "xl/theme/theme1.xml"}
    themeless.update({"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types})
    assert b"theme" not in rels + types
    checks = v.verify(_write(tmp_path, themeless), libreoffice="skip")
    failed = {c.name: c.detail for c in checks if c.ok is False}
    assert "relationships/theme' is missing" in failed["package Excel accepts (openxml-audit)"]
    assert "/xl/workbook.xml" in failed["package Excel accepts (openxml-audit)"]
