"""Check a built add-in with readers that are not the code that wrote it.

    >>> from boardbook.addin.build import BUNDLED
    >>> from boardbook.addin.verify import verify
    >>> all(check.ok is not False for check in verify(BUNDLED, libreoffice="skip"))  # doctest: +SKIP
    True

- **olevba** (oletools) reads the VBA project back; every module's source must equal what the sources
  say now (``src/`` beside the build module, the installed xlwings, boardbook.udfs), and olevba must log no warning.
- **openpyxl** reads the settings sheet.
- **the ribbon** in the package: every button has a tag, label, screentip, supertip and built-in icon; its
  onAction names a public ``Sub X(control As IRibbonControl)`` that olevba read, and its onLoad a public
  ``Sub X(ribbon As IRibbonUI)``; the tags are exactly ``boardbook.excel.HANDLERS``.
- **the worksheet functions**: every function of boardbook.udfs has its VBA wrapper calling it with its
  arguments (optional where Python has a default), and xlwings can convert every type hint (on Windows it
  turns hints into converters; one it does not know makes every call answer with an error text).
- **the xlwings version** stamped in the VBA (version comment, XLWINGS_VERSION, DLL names) is the installed one.
- **mraptor** (oletools), the heuristic mail gateways and antivirus apply, rates the VBA "Macro OK": no
  code runs by itself (no ``Auto_Open``/``Workbook_Open``), so writing or running something is not suspicious.
  The worksheet-function help is registered by the ribbon's ``onLoad`` callback instead.
- **openxml-audit** (Open XML SDK rules and Excel's repair rules) finds nothing in the package that a plain
  openpyxl workbook does not also get (:mod:`boardbook.addin.audit`).
- **LibreOffice** (when installed) opens a copy declared as .xlsm and its Basic IDE holds every module with
  the same text, once LibreOffice's own changes are undone: it drops ``Attribute`` lines and adds
  ``Rem Attribute VBA_ModuleType=...``, ``Option VBASupport 1`` and, for classes, ``Option ClassModule``.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from defusedxml import ElementTree as SafeET

from boardbook.addin import build as b
from boardbook.addin import wrappers
from boardbook.addin.vbaproject import Module
from boardbook.errors import UsageError, WorkbookError

LIBREOFFICE_TIMEOUT_S = 180
LIBREOFFICE_HINT = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
RIBBON_ATTRIBUTES = ("tag", "label", "screentip", "supertip", "imageMso", "onAction")
_LO_ADDED = re.compile(r"^(Rem Attribute VBA_ModuleType=\w+|Option VBASupport 1|Option ClassModule)$")


@dataclass(frozen=True)
class Check:
    """One verification: ``ok`` is True, False, or None when it could not run (``detail`` says why)."""

    name: str
    ok: bool | None
    detail: str


def _lines(source: str) -> list[str]:
    """Logical lines of VBA: CRLF or LF, with " _" continuations joined."""
    return re.sub(r" _\r?\n\s*", " ", source).replace("\r\n", "\n").split("\n")


PROC = re.compile(r"^\s*(?:(Public|Private|Friend)\s+)?(?:Static\s+)?(Sub|Function)\s+(\w+)\s*\(([^)]*)\)", re.I)


def procedures(source: str) -> dict[str, tuple[str, str, list[str]]]:
    """Procedure name (lower case) -> (scope, Sub/Function, parameter declarations) in a module's source."""
    found = {}
    for line in _lines(source):
        m = PROC.match(line)
        if m:
            params = [p.strip() for p in m.group(4).split(",") if p.strip()]
            found[m.group(3).lower()] = ((m.group(1) or "Public").title(), m.group(2).title(), params)
    return found


def procedure_bodies(source: str) -> dict[str, str]:
    """Procedure name (lower case) -> the lines between its header and End Sub/Function: what it calls."""
    bodies: dict[str, str] = {}
    name, body = "", cast(list[str] | None, None)
    for line in _lines(source):
        m = PROC.match(line)
        if m:
            name, body = m.group(3).lower(), []
        elif body is not None and re.match(r"^\s*End (Sub|Function)\b", line, re.I):
            bodies[name], body = "\n".join(body), None
        elif body is not None:
            body.append(line)
    return bodies


# --- the readers ---------------------------------------------------------------------------------------------


def read_vba_with_olevba(path: Path) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Module name -> (olevba's file name, source) as oletools reads it, and any warning it logged."""
    try:
        from oletools.olevba import VBA_Parser
    except ImportError:
        raise UsageError("verify needs oletools: pip install 'boardbook[test]' (or pip install oletools)") from None
    logger = logging.getLogger("olevba")
    warnings: list[str] = []
    # olevba always reads an .xlam's vbaProject.bin from memory and says so; that is about olevba, not the file.
    ignore = ("VBA stomping cannot be detected for files in memory",)

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not any(text in message for text in ignore):
                warnings.append(message)

    handler, level = Collect(logging.WARNING), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        parser = VBA_Parser(str(path))
        try:
            modules = {}
            if parser.detect_vba_macros():
                for _, stream, filename, code in parser.extract_macros():
                    modules[stream.split("/")[-1]] = (filename, code)
        finally:
            parser.close()
    except Exception as exc:  # any failure to read is the finding
        return {}, [*warnings, f"olevba could not read the file: {type(exc).__name__}: {exc}"]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return modules, warnings


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def read_vba_with_libreoffice(xlam: bytes, soffice: str) -> tuple[str, dict[str, tuple[str, str]], bytes]:
    """Convert an .xlsm copy to .ods with LibreOffice headless (throwaway profile).

    Returns (Basic library name, module name -> (module type, text), the .ods bytes).
    """
    work = Path(tempfile.mkdtemp(prefix="boardbook-addin-lo-"))
    try:
        source = work / "boardbook-addin.xlsm"
        source.write_bytes(b.as_xlsm(xlam))
        (work / "profile").mkdir()
        cmd = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "ods",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=LIBREOFFICE_TIMEOUT_S,
                check=False,
                env={**os.environ, "HOME": str(work / "profile")},
            )
        except subprocess.TimeoutExpired:
            raise WorkbookError(f"LibreOffice did not finish within {LIBREOFFICE_TIMEOUT_S} s") from None
        out = work / "out" / "boardbook-addin.ods"
        if proc.returncode != 0 or not out.is_file():
            raise WorkbookError(
                f"LibreOffice could not open the add-in (exit {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-300:]}"
            )
        ods = out.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    modules: dict[str, tuple[str, str]] = {}
    library = ""
    with zipfile.ZipFile(io.BytesIO(ods)) as zf:
        for name in zf.namelist():
            parts = name.split("/")
            if len(parts) != 3 or parts[0] != "Basic" or parts[1] == "Standard" or parts[2].startswith("script-"):
                continue
            library = parts[1]
            root = SafeET.fromstring(zf.read(name))
            kind = root.get("{http://openoffice.org/2000/script}moduleType", "")
            modules[root.get("{http://openoffice.org/2000/script}name", parts[2][:-4])] = (kind, root.text or "")
    return library, modules, ods


def comparable(source: str, *, libreoffice: bool = False) -> str:
    """Module text without what LibreOffice changes: attribute lines (ours), its added header lines (its)."""
    lines = source.replace("\r\n", "\n").split("\n")
    if libreoffice:
        lines = [line for line in lines if not _LO_ADDED.match(line)]
    else:
        lines = [line for line in lines if not line.startswith("Attribute ")]
    return "\n".join(lines).rstrip("\n")


# --- the checks ----------------------------------------------------------------------------------------------


def _package(parts: dict[str, bytes]) -> Check:
    problems = []
    types = parts.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    if b.CT_WORKBOOK not in types:
        problems.append("the workbook is not declared as a macro-enabled add-in")
    rels = parts.get("_rels/.rels", b"").decode("utf-8", "replace")
    if f'Type="{b.REL_CUSTOMUI}" Target="{b.CUSTOMUI_PART}"' not in rels:
        problems.append(f"no Office 2010 ribbon relationship to {b.CUSTOMUI_PART}")
    wb_rels = parts.get("xl/_rels/workbook.xml.rels", b"").decode("utf-8", "replace")
    if 'relationships/vbaProject" Target="vbaProject.bin"' not in wb_rels or "xl/vbaProject.bin" not in parts:
        problems.append("no VBA project (xl/vbaProject.bin) related to the workbook")
    workbook = parts.get("xl/workbook.xml", b"").decode("utf-8", "replace")
    if 'codeName="ThisWorkbook"' not in workbook or f'name="{b.CONFIG_SHEET}"' not in workbook:
        problems.append(f"the workbook lacks its ThisWorkbook code name or the {b.CONFIG_SHEET} sheet")
    return Check(
        "package",
        not problems,
        "; ".join(problems)
        or "add-in content type, ribbon (2007 extensibility relationship), VBA project, settings sheet",
    )


def _settings(xlam: bytes) -> Check:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(b.as_xlsm(xlam)), read_only=True)
        sheet = book[b.CONFIG_SHEET]
        rows = [(*row, None, None)[:2] for row in sheet.iter_rows(min_row=1, max_col=2, values_only=True)]
        book.close()
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, WorkbookError) as exc:
        return Check("settings", False, f"openpyxl cannot read the {b.CONFIG_SHEET} sheet: {exc}")
    settings = {}
    for key, value in rows:
        if key is None:
            break  # xlwings reads keys from A1 down to the first blank
        settings[str(key)] = value
    problems = [f"{key} missing" for key in ("Interpreter_Win", "Interpreter_Mac") if key not in settings]
    if settings.get("UDF Modules") != wrappers.UDF_MODULE:
        problems.append(f"UDF Modules is {settings.get('UDF Modules')!r}, not {wrappers.UDF_MODULE!r}")
    return Check(
        "settings",
        not problems,
        "; ".join(problems)
        or "openpyxl reads "
        + ", ".join(f"{k} = {v if v not in (None, '') else '(empty)'}" for k, v in settings.items()),
    )


def _olevba(read: dict[str, tuple[str, str]], warnings: list[str], expected: list[Module]) -> Check:
    problems = list(warnings)
    names = {m.name for m in expected}
    if set(read) != names:
        problems.append(f"modules differ: missing {sorted(names - set(read))}, extra {sorted(set(read) - names)}")
    for module in expected:
        if module.name not in read:
            continue
        filename, code = read[module.name]
        want_ext = ".bas" if module.kind == "standard" else ".cls"
        if not filename.endswith(want_ext):
            problems.append(f"{module.name} reads as {filename}, expected a {want_ext} module")
        if code != module.source:
            where = _first_difference(module.source, code)
            problems.append(f"{module.name}: the source read back differs from the build's ({where})")
    return Check(
        "VBA read back (olevba)",
        not problems,
        "; ".join(problems) or f"{len(read)} modules, each equal to its source: {', '.join(read)}",
    )


def _first_difference(want: str, got: str) -> str:
    for i, (x, y) in enumerate(zip(want.split("\r\n"), got.split("\r\n"), strict=False), start=1):
        if x != y:
            return f"line {i}: {y[:60]!r} instead of {x[:60]!r}"
    return f"{len(got)} characters instead of {len(want)}"


def _ribbon(parts: dict[str, bytes], read: dict[str, tuple[str, str]]) -> tuple[Check, Check]:
    from boardbook import excel
    from boardbook.excel import HANDLERS

    try:
        root = SafeET.fromstring(parts[b.CUSTOMUI_PART])
    except (KeyError, SafeET.ParseError) as exc:
        bad = Check("ribbon → VBA", False, f"the ribbon XML cannot be read: {exc}")
        return bad, Check("ribbon → Python", False, bad.detail)
    if root.tag != f"{{{b.NS_CUSTOMUI}}}customUI":
        bad = Check("ribbon → VBA", False, f"the ribbon is not Office 2010 customUI ({root.tag})")
        return bad, Check("ribbon → Python", False, bad.detail)
    buttons = list(root.iter(f"{{{b.NS_CUSTOMUI}}}button"))
    procs = {name: procedures(code) for name, (_, code) in read.items()}
    vba_problems, tags = [], []
    for button in buttons:
        label = button.get("id", "?")
        missing = [a for a in RIBBON_ATTRIBUTES if not button.get(a)]
        if missing:
            vba_problems.append(f"button {label} has no {', '.join(missing)}")
        tags.append(button.get("tag", ""))
        module, _, proc = (button.get("onAction") or "").rpartition(".")
        found = procs.get(module, {}).get(proc.lower())
        if found is None:
            vba_problems.append(f"button {label}: onAction {button.get('onAction')!r} names no VBA procedure")
        elif (
            found[0] == "Private"
            or found[1] != "Sub"
            or len(found[2]) != 1
            or not re.fullmatch(r"(ByRef |ByVal )?\w+ As IRibbonControl", found[2][0], re.I)
        ):
            vba_problems.append(f"button {label}: {module}.{proc} is not a public Sub(control As IRibbonControl)")
    module, _, proc = (root.get("onLoad") or "").rpartition(".")
    found = procs.get(module, {}).get(proc.lower())
    if not root.get("onLoad"):
        vba_problems.append("the ribbon has no onLoad callback (it registers the worksheet functions' help)")
    elif found is None:
        vba_problems.append(f"the ribbon's onLoad {root.get('onLoad')!r} names no VBA procedure")
    elif (
        found[0] == "Private"
        or found[1] != "Sub"
        or len(found[2]) != 1
        or not re.fullmatch(r"(ByRef |ByVal )?\w+ As IRibbonUI", found[2][0], re.I)
    ):
        vba_problems.append(f"the ribbon's onLoad {module}.{proc} is not a public Sub(ribbon As IRibbonUI)")
    callbacks = sorted({button.get("onAction", "") for button in buttons})
    vba = Check(
        "ribbon → VBA",
        not vba_problems and bool(buttons),
        "; ".join(vba_problems)
        or f"{len(buttons)} buttons, all with tag, label, tips and icon; onAction {', '.join(callbacks)} and "
        f"onLoad {root.get('onLoad')} exist in the VBA read back",
    )
    py_problems = []
    duplicates = sorted({t for t in tags if tags.count(t) > 1})
    if duplicates:
        py_problems.append(f"tags used twice: {duplicates}")
    if set(tags) != set(HANDLERS):
        py_problems.append(
            f"tags without a handler: {sorted(set(tags) - set(HANDLERS))}; handlers without a "
            f"button: {sorted(set(HANDLERS) - set(tags))}"
        )
    if not callable(getattr(excel, "dispatch", None)):
        py_problems.append("boardbook.excel has no dispatch function for the callback to call")
    for name in {c.rpartition(".")[0] for c in callbacks}:
        code = read.get(name, ("", ""))[1]
        if "boardbook.excel.dispatch('\" & control.Tag & \"')" not in code or "RunPython " not in code:
            py_problems.append(f"{name} does not pass control.Tag to boardbook.excel.dispatch through RunPython")
    python = Check(
        "ribbon → Python",
        not py_problems,
        "; ".join(py_problems)
        or f"the {len(tags)} tags are exactly boardbook.excel.HANDLERS; the callback runs "
        "boardbook.excel.dispatch(tag) with RunPython",
    )
    return vba, python


def _udf_wrappers(read: dict[str, tuple[str, str]]) -> Check:
    functions = wrappers.udfs()
    code = read.get(wrappers.MODULE_NAME, ("", ""))[1]
    procs = procedures(code)
    problems = []
    for udf in functions:
        found = procs.get(udf.name.lower())
        if found is None or found[1] != "Function":
            problems.append(f"{udf.name} has no VBA function")
            continue
        want = [
            ("Optional " if a.optional else "ParamArray " if a.vararg else "")
            + wrappers.vba_name(a.name)
            + ("()" if a.vararg else "")
            for a in udf.args
            if not a.vba
        ]
        if found[2] != want:
            problems.append(f"{udf.name}({', '.join(found[2])}) does not match Python's ({', '.join(want)})")
        call = f'XLPy.CallUDF("{wrappers.UDF_MODULE}", "{udf.name}", '
        if code.count(call) != 2:  # the Excel branch and the other-host branch
            problems.append(f"{udf.name} does not call {wrappers.UDF_MODULE}.{udf.name} through XLPy.CallUDF")
        if f'Macro:=book & "{udf.name}"' not in code:
            problems.append(f"{udf.name} gets no help text in RegisterFunctions")
    extra = sorted(set(procs) - {u.name.lower() for u in functions} - {"registerfunctions"})
    if extra:
        problems.append(f"wrappers for functions boardbook.udfs does not list: {extra}")
    on_load = procedure_bodies(read.get("BoardbookSetup", ("", ""))[1]).get("onribbonload", "")
    if "BoardbookUdfs.RegisterFunctions" not in on_load:
        problems.append("the ribbon's onLoad callback (BoardbookSetup.OnRibbonLoad) does not call RegisterFunctions")
    return Check(
        "worksheet functions",
        not problems,
        "; ".join(problems)
        or f"{len(functions)} wrappers ({', '.join(u.name for u in functions)}) call boardbook.udfs with "
        "the Python signatures; their help is registered when the ribbon loads",
    )


def udf_types(functions: list[wrappers.Udf]) -> Check:
    """Every type hint of the worksheet functions has an xlwings converter (what ``call_udf`` looks up)."""
    from xlwings.conversion import accessors

    def name(t: object) -> str:
        return t.__name__ if isinstance(t, type) else str(t)

    problems = []
    for udf in functions:
        bad = [
            f"{arg.name}: {name(arg.hint)}"
            for arg in udf.args
            if arg.convert is not None and not hasattr(accessors.get(arg.convert, arg.convert), "reader")
        ]
        if udf.ret_convert is not None and not hasattr(accessors.get(udf.ret_convert, udf.ret_convert), "router"):
            bad.append(f"-> {name(udf.ret_hint)}")
        if bad:
            problems.append(f"{udf.name}({', '.join(bad)})")
    if problems:
        return Check(
            "worksheet function types",
            False,
            "xlwings turns type hints into converters and has none for these, so on Windows every call "
            f"would show an error text instead of a value: {'; '.join(problems)}. Annotate with "
            "typing.Any or a plain type (float, str) instead",
        )
    return Check("worksheet function types", True, "xlwings has a converter for every argument and result hint")


def _xlwings_version(read: dict[str, tuple[str, str]]) -> Check:
    installed = b.xlwings_version()
    code = read.get("xlwings", ("", ""))[1]
    stamps = {
        "version comment": re.findall(r"^'Version: (\S+)", code, re.M),
        "XLWINGS_VERSION": re.findall(r'XLWINGS_VERSION As String = "([^"]+)"', code),
        "DLL names": re.findall(r"xlwings(?:32|64)-([\d.]+)\.dll", code),
    }
    problems = [
        f"{what} says {sorted(set(found)) or 'nothing'}" for what, found in stamps.items() if set(found) != {installed}
    ]
    if problems:
        detail = f"installed xlwings is {installed}, but the VBA's " + "; ".join(problems)
        return Check("xlwings version", False, detail)
    return Check(
        "xlwings version",
        True,
        f"the embedded VBA (version comment, XLWINGS_VERSION, DLL names) is xlwings {installed}, the installed version",
    )


def _mraptor(path: Path) -> Check:
    """oletools' mraptor, run as its command runs it: the whole project's code, and its verdict."""
    name = "macro heuristic (mraptor)"
    try:
        from oletools.mraptor import MacroRaptor
        from oletools.olevba import VBA_Parser
    except ImportError:
        raise UsageError("verify needs oletools: pip install 'boardbook[test]' (or pip install oletools)") from None
    try:
        parser = VBA_Parser(str(path))
        try:
            code = parser.get_vba_code_all_modules() if parser.detect_vba_macros() else None
        finally:
            parser.close()
    except Exception as exc:  # any failure to read is the finding (mraptor's own verdict would be ERROR)
        return Check(name, False, f"ERROR: mraptor cannot read the VBA: {type(exc).__name__}: {exc}")
    if code is None:
        return Check(name, False, "No Macro: mraptor finds no VBA in the add-in")
    raptor = MacroRaptor(code)
    raptor.scan()
    flags = raptor.get_flags()  # A auto-run, W writes files, X runs programs; suspicious = A with W or X
    matched = ", ".join(map(repr, raptor.matches))
    if raptor.suspicious:
        return Check(
            name,
            False,
            f"SUSPICIOUS (flags {flags}, matched {matched}): mail gateways and antivirus quarantine such files; "
            "run start-up work from the ribbon's onLoad instead",
        )
    if raptor.autoexec:  # "Macro OK" to mraptor only while nothing writes or runs: one edit from SUSPICIOUS
        return Check(name, False, f"code runs by itself (flags {flags}, matched {matched}): use the ribbon's onLoad")
    return Check(name, True, f"Macro OK (flags {flags}: no code runs by itself when the add-in opens)")


def _audit(path: Path) -> Check:
    from boardbook.addin.audit import unaccepted

    findings = unaccepted(path)
    return Check(
        "package Excel accepts (openxml-audit)",
        not findings,
        "; ".join(map(str, findings[:5])) + (f" and {len(findings) - 5} more" if len(findings) > 5 else "")
        if findings
        else "no finding beyond what a plain openpyxl workbook also gets (Open XML SDK rules, Excel repair rules)",
    )


def _libreoffice(xlam: bytes, expected: list[Module], mode: str) -> Check:
    name = "VBA read back (LibreOffice)"
    if mode == "skip":
        return Check(name, None, "skipped (--libreoffice skip)")
    soffice = find_soffice()
    if soffice is None:
        return Check(name, False if mode == "require" else None, LIBREOFFICE_HINT)
    try:
        library, modules, _ = read_vba_with_libreoffice(xlam, soffice)
    except WorkbookError as exc:
        return Check(name, False, str(exc))
    problems = []
    if library != b.PROJECT_NAME:
        problems.append(f"LibreOffice names the project {library!r}, not {b.PROJECT_NAME!r}")
    kinds = {"standard": "normal", "class": "class", "document": "document"}
    for module in expected:
        if module.name not in modules:
            problems.append(f"{module.name} missing")
            continue
        kind, text = modules[module.name]
        if kind != kinds[module.kind]:
            problems.append(f"{module.name} is a {kind} module, expected {kinds[module.kind]}")
        ours, theirs = comparable(module.source), comparable(text, libreoffice=True)
        if ours != theirs:
            where = _first_difference(ours.replace("\n", "\r\n"), theirs.replace("\n", "\r\n"))
            problems.append(f"{module.name}: the text differs ({where})")
    extra = sorted(set(modules) - {m.name for m in expected})
    if extra:
        problems.append(f"extra modules {extra}")
    return Check(
        name,
        not problems,
        "; ".join(problems)
        or f"LibreOffice's Basic library {library!r} holds all {len(expected)} modules with the same text "
        "(attribute lines and LibreOffice's VBASupport header set aside)",
    )


def verify(
    path: str | Path, *, libreoffice: str = "auto", src: Path = b.SRC, progress: Callable[[str], None] | None = None
) -> list[Check]:
    """Run every check on the add-in at ``path``; ``libreoffice`` is "auto", "require" or "skip"."""
    if libreoffice not in ("auto", "require", "skip"):
        raise UsageError(f"--libreoffice must be auto, require or skip, not {libreoffice!r}")
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    say = progress or (lambda _msg: None)
    xlam = path.read_bytes()
    parts = b.read_parts(xlam)
    expected = b.vba_modules(src)
    say("reading the VBA with olevba")
    read, warnings = read_vba_with_olevba(path)
    checks = [
        _package(parts),
        _settings(xlam),
        _olevba(read, warnings, expected),
        *_ribbon(parts, read),
        _udf_wrappers(read),
        udf_types(wrappers.udfs()),
        _xlwings_version(read),
    ]
    say("rating the VBA with mraptor")
    checks.append(_mraptor(path))
    say("auditing the package with openxml-audit")
    checks.append(_audit(path))
    say("reading the VBA with LibreOffice")
    checks.append(_libreoffice(xlam, expected, libreoffice))
    return checks
