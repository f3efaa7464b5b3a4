"""``boardbook addin build``: the same bytes every time, the committed add-in is what the sources build, and
the package holds exactly the parts Excel needs."""

from __future__ import annotations

import difflib
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET

from boardbook.addin import build as b
from boardbook.addin import wrappers
from boardbook.errors import UsageError
from boardbook.excel import HANDLERS
from boardbook.udfs import UDFS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built() -> bytes:
    return b.build_bytes()


def test_building_twice_gives_identical_bytes(tmp_path: Path, built: bytes) -> None:
    first, second = b.build(tmp_path / "one.xlam"), b.build(tmp_path / "two.xlam")
    assert first.read_bytes() == second.read_bytes() == built


def test_the_committed_addin_is_what_the_sources_build(built: bytes) -> None:
    committed = ROOT / "python/boardbook/addin/boardbook.xlam"
    assert committed == b.BUNDLED and b.SRC == ROOT / "python/boardbook/addin/src"
    assert committed.is_file(), "python/boardbook/addin/boardbook.xlam is missing: run `boardbook addin build`"
    assert committed.read_bytes() == built, (
        "python/boardbook/addin/boardbook.xlam is out of date (its src/, boardbook.udfs or xlwings changed): run "
        "`boardbook addin build` and commit the result"
    )


def test_the_package_data_covers_every_source_file() -> None:
    """What setuptools puts in the wheel is what pyproject.toml's package-data lists: every file of src/ and the
    built add-in must match one of its patterns (tests/test_wheel.py proves the wheel really has them)."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["boardbook"]
    package = ROOT / "python/boardbook"
    files = [b.BUNDLED, *(p for p in b.SRC.rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    unshipped = [
        str(f.relative_to(package))
        for f in files
        if not any(fnmatch.fnmatch(str(f.relative_to(package)), pat) for pat in patterns)
    ]
    assert unshipped == []
    assert not (ROOT / "addin" / "src").exists() and not (ROOT / "addin" / "boardbook.xlam").exists()


def test_build_without_out_rebuilds_the_bundled_addin_only_in_a_checkout(tmp_path: Path, monkeypatch) -> None:
    assert b.in_checkout() and b.default_out() == b.BUNDLED
    monkeypatch.setattr(b, "HERE", tmp_path / "site-packages" / "boardbook" / "addin")
    assert not b.in_checkout()
    with pytest.raises(UsageError, match="give --out"):
        b.default_out()


def test_the_package_has_what_excel_made_addins_have(built: bytes) -> None:
    """The parts xlwings' Excel-made add-in has: a theme (the one part the SDK requires of a workbook), extended
    properties, a fileVersion and a hidden workbook window."""
    parts = b.read_parts(built)
    root = SafeET.fromstring(parts["xl/workbook.xml"])
    ns = {"m": b.NS_MAIN}
    assert root.find("m:fileVersion", ns).get("appName") == "xl"
    assert root.find("m:bookViews/m:workbookView", ns).get("visibility") == "hidden"
    assert [child.tag.split("}")[1] for child in root][:3] == ["fileVersion", "workbookPr", "bookViews"]
    assert b'relationships/theme" Target="theme/theme1.xml"' in parts["xl/_rels/workbook.xml.rels"]
    assert b'PartName="/xl/theme/theme1.xml" ContentType="' + b.CT_THEME.encode() in parts["[Content_Types].xml"]
    assert (
        SafeET.fromstring(parts["xl/theme/theme1.xml"]).tag
        == "{http://schemas.openxmlformats.org/drawingml/2006/main}theme"
    )
    assert b'extended-properties" Target="docProps/app.xml"' in parts["_rels/.rels"]
    book = openpyxl.load_workbook(io.BytesIO(b.as_xlsm(built)))  # openpyxl reads the theme back
    assert book.loaded_theme is not None and b"Office Theme" in book.loaded_theme


def test_zip_depends_on_nothing_but_the_parts(built: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(built)) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        for info in infos:
            assert info.date_time == b.ZIP_TIME and info.compress_type == zipfile.ZIP_STORED
            assert info.create_system == 3 and info.external_attr == 0o644 << 16 and not info.flag_bits & 0x08
        names = [i.filename for i in infos]
    assert names == list(b.package_parts())


def test_every_xml_part_is_well_formed_and_the_ribbon_is_the_source(built: bytes) -> None:
    parts = b.read_parts(built)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            SafeET.fromstring(data)
    assert parts[b.CUSTOMUI_PART] == (ROOT / "python/boardbook/addin/src/customUI14.xml").read_bytes()
    rels = parts["_rels/.rels"].decode()
    assert f'Type="{b.REL_CUSTOMUI}" Target="customUI/customUI14.xml"' in rels
    assert "2007/relationships/ui/extensibility" in rels  # the relationship Office 2010+ reads customUI14 by


def test_xlwings_vba_is_the_installed_package_with_only_the_project_name_changed() -> None:
    module = next(m for m in b.xlwings_modules() if m.name == "xlwings")
    original = (b.xlwings_dir() / "xlwings_custom_addin.bas").read_bytes().decode("cp1252").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(original, module.source.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        '-Public Const PROJECT_NAME As String = "myaddin"',
        '+Public Const PROJECT_NAME As String = "boardbook"',
    ]


def test_vba_project_holds_every_module_in_order() -> None:
    names = [m.name for m in b.vba_modules()]
    assert names == [
        "ThisWorkbook",
        "Sheet1",
        "xlwings",
        "Dictionary",
        "BoardbookRibbon",
        "BoardbookSetup",
        wrappers.MODULE_NAME,
    ]


def test_settings_sheet_as_xlwings_reads_it(built: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(b.as_xlsm(built)))
    sheet = book[b.CONFIG_SHEET]
    assert [sheet.cell(r, 1).value for r in range(1, 6)] == [*b.SETTINGS, None]  # keys from A1, then a gap
    assert sheet["B1"].value is None and sheet["B2"].value is None  # empty: python on the PATH
    assert sheet["B3"].value == "boardbook.udfs" and sheet["B4"].value is False
    assert book.sheetnames == [b.CONFIG_SHEET]


def test_configure_changes_the_settings_and_nothing_else(built: bytes) -> None:
    configured = b.configure(built, {"Interpreter_Win": r"C:\Users\me\venv\Scripts\python.exe"})
    before, after = b.read_parts(built), b.read_parts(configured)
    assert {n for n in before if before[n] != after[n]} == {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}
    sheet = openpyxl.load_workbook(io.BytesIO(b.as_xlsm(configured)))[b.CONFIG_SHEET]
    assert sheet["B1"].value == r"C:\Users\me\venv\Scripts\python.exe"
    with pytest.raises(UsageError, match="unknown add-in settings"):
        b.configure(built, {"Interpreter": "python"})


def test_as_xlsm_only_changes_the_workbook_content_type(built: bytes) -> None:
    before, after = b.read_parts(built), b.read_parts(b.as_xlsm(built))
    assert {n for n in before if before[n] != after[n]} == {"[Content_Types].xml"}
    assert b.CT_WORKBOOK_XLSM.encode() in after["[Content_Types].xml"]


def test_bad_sources_and_targets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.xlam"):
        b.build(tmp_path / "boardbook.xlsm")
    src = tmp_path / "src"
    shutil.copytree(b.SRC, src)
    (src / "BoardbookRibbon.bas").rename(src / "Ribbon.bas")
    with pytest.raises(UsageError, match=r"name the file BoardbookRibbon\.bas"):
        b.build_bytes(src)
    (src / "Ribbon.bas").write_text('Attribute VB_Name = "Ribbon"\nSub A()\n\tMsgBox "\u2603"\nEnd Sub\n')
    with pytest.raises(UsageError, match="code page"):
        b.build_bytes(src)
    ribbon_only = tmp_path / "ribbon-only"
    ribbon_only.mkdir()
    shutil.copy(b.SRC / "customUI14.xml", ribbon_only)
    with pytest.raises(UsageError, match="cannot read the theme"):
        b.build_bytes(ribbon_only)
    shutil.copy(b.SRC / "theme1.xml", ribbon_only)
    with pytest.raises(UsageError, match="no VBA sources"):
        b.build_bytes(ribbon_only)
    with pytest.raises(UsageError, match="cannot read the ribbon"):
        b.build_bytes(tmp_path / "nowhere")


def test_readme_documents_every_button_and_function() -> None:
    readme = (ROOT / "addin" / "README.md").read_text(encoding="utf-8")
    for tag in HANDLERS:
        assert f"`{tag}`" in readme, tag
    for name in UDFS:
        assert re.search(rf"`{name}\(", readme), name


def _strip_comment(line: str) -> str:
    """A VBA line without its comment (a ' outside a string literal)."""
    out, in_string = [], False
    for char in line:
        if char == '"':
            in_string = not in_string
        elif char == "'" and not in_string:
            break
        out.append(char)
    return "".join(out).strip()


BLOCKS = [  # (opener, closer) patterns of VBA's block statements
    (r"((Public|Private|Friend) )?(Static )?Sub \w+\s*\(.*", r"End Sub"),
    (r"((Public|Private|Friend) )?(Static )?Function \w+\s*\(.*", r"End Function"),
    (r"If .* Then", r"End If"),
    (r"Select Case .*", r"End Select"),
    (r"For .*", r"Next( \w+)?"),
    (r"Do( .*)?", r"Loop( .*)?"),
    (r"With .*", r"End With"),
    (r"While .*", r"Wend"),
]
WINDOWS = {"Mac": False, "Win64": True, "VBA7": True, "MAC_OFFICE_VERSION": 0}
MAC = {"Mac": True, "Win64": False, "VBA7": True, "MAC_OFFICE_VERSION": 16}


def _evaluate(expression: str, constants: dict) -> object:
    """A conditional-compilation expression (#If ... Then) with VBA's operators, in Python."""
    python = re.sub(r"<>", "!=", expression)
    python = re.sub(r"(?<![<>!=])=(?!=)", "==", python)
    python = re.sub(r"\bNot\b", "not", re.sub(r"\bAnd\b", "and", re.sub(r"\bOr\b", "or", python)))
    names = set(re.findall(r"\b[A-Za-z_]\w*\b", re.sub(r'"[^"]*"', "", python))) - {"not", "and", "or"}
    return eval(python, {"__builtins__": {}}, {n: constants.get(n, False) for n in names})  # test input only


def compiled_lines(source: str, constants: dict) -> list[tuple[int, str]]:
    """The lines VBA compiles for a platform: #If/#ElseIf/#Else/#End If resolved, #Const applied."""
    constants, out, stack, active = dict(constants), [], [], True
    for number, raw in enumerate(re.sub(r" _\r?\n\s*", " ", source).splitlines(), start=1):
        line = _strip_comment(raw)
        if m := re.fullmatch(r"#Const (\w+) = (.*)", line, re.I):
            if active:
                constants[m[1]] = _evaluate(m[2], constants)
        elif m := re.fullmatch(r"#If (.*) Then", line, re.I):
            taken = active and bool(_evaluate(m[1], constants))
            stack.append([active, taken])
            active = taken
        elif m := re.fullmatch(r"#ElseIf (.*) Then", line, re.I):
            parent, taken = stack[-1]
            active = parent and not taken and bool(_evaluate(m[1], constants))
            stack[-1][1] = taken or active
        elif re.fullmatch(r"#Else", line, re.I):
            parent, taken = stack[-1]
            active, stack[-1][1] = parent and not taken, True
        elif re.fullmatch(r"#End If", line, re.I):
            active = stack.pop()[0]
        elif active and line:
            out.append((number, line))
    assert not stack, "an #If is never closed"
    return out


def unbalanced_blocks(source: str, constants: dict = WINDOWS) -> list[str]:
    """Block statements that do not close in order: a structural check, not a compiler (none runs here)."""
    stack, problems = [], []
    for number, line in compiled_lines(source, constants):
        for i, (opener, closer) in enumerate(BLOCKS):
            if re.fullmatch(closer, line, re.I):
                if not stack or stack[-1][0] != i:
                    problems.append(f"line {number}: {line!r} closes {stack[-1][1] if stack else 'nothing'}")
                else:
                    stack.pop()
                break
            if re.fullmatch(opener, line, re.I):
                stack.append((i, f"line {number}: {line}"))
                break
    return problems + [f"never closed: {where}" for _, where in stack]


def test_vba_blocks_are_balanced_in_every_module_on_both_platforms() -> None:
    """The checker accepts xlwings' own modules (which compile in Excel), and ours, as Windows and as a Mac
    compile them; and it does catch a missing End If."""
    for module in b.vba_modules():
        for platform in (WINDOWS, MAC):
            assert unbalanced_blocks(module.source, platform) == [], (module.name, platform)
    assert unbalanced_blocks("Sub A()\r\nIf x Then\r\nEnd Sub\r\n")
    assert unbalanced_blocks("#If Mac Then\r\nSub A()\r\n#Else\r\nSub B()\r\nEnd Sub\r\n#End If\r\n", MAC)
    ribbon = dict(compiled_lines(next(m for m in b.vba_modules() if m.name == "BoardbookRibbon").source, MAC))
    assert "Application.StatusBar = False" not in ribbon.values()  # the Mac leaves the status bar to xlwings
