"""Assemble ``boardbook.xlam`` from text, byte for byte the same on every run.

    >>> from boardbook.addin.build import build_bytes
    >>> build_bytes() == build_bytes()
    True

The recipe:
1. the VBA: the add-in's own modules (``src/*.bas`` beside this module), the pinned xlwings package's VBA read from the
   installed package (``xlwings_custom_addin.bas`` with PROJECT_NAME set to "boardbook", as xlwings' custom
   add-in guide says, and its ``Dictionary`` class, needed on macOS), the worksheet-function wrappers
   generated from boardbook.udfs (:mod:`boardbook.addin.wrappers`), and the ThisWorkbook/Sheet1 document
   modules → ``xl/vbaProject.bin`` (:mod:`boardbook.addin.vbaproject`);
2. the ribbon, ``src/customUI14.xml``, under the Office 2010 ("2007 extensibility") relationship;
3. a workbook with one sheet, ``boardbook.conf``: the add-in's settings, read by xlwings' GetConfig, and what
   every Excel-made add-in has and Excel may otherwise repair: the theme (``src/theme1.xml``, the Office theme
   openpyxl also writes), ``fileVersion``, a hidden workbook window, ``docProps/app.xml``;
4. a zip with fixed timestamps and order, parts stored uncompressed (so no zlib version can change a byte).
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from importlib import metadata
from pathlib import Path
from xml.sax.saxutils import escape

from boardbook import __version__
from boardbook.addin import wrappers
from boardbook.addin.vbaproject import Module, vba_project_bin
from boardbook.atomic import atomic_path
from boardbook.errors import UsageError, WorkbookError

# The sources and the built add-in are package data: a wheel carries them, and these paths find them in a
# checkout (editable install) and in site-packages alike. Real files, not importlib.resources streams, because
# olevba and LibreOffice read them by path.
HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
BUNDLED = HERE / "boardbook.xlam"
PROJECT_NAME = "boardbook"  # the VBA project, and xlwings' PROJECT_NAME: config sheet "boardbook.conf"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
XLWINGS_PROJECT_LINE = 'Public Const PROJECT_NAME As String = "{}"'
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

CUSTOMUI_PART = "customUI/customUI14.xml"
REL_CUSTOMUI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
NS_CUSTOMUI = "http://schemas.microsoft.com/office/2009/07/customui"
CT_WORKBOOK = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_WORKBOOK_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The add-in's settings: xlwings' GetConfig reads column A (keys, from A1 down, no gaps) and column B.
SETTINGS: dict[str, str | bool] = {
    "Interpreter_Win": "",  # empty: "python" (RunPython) / "pythonw" (worksheet functions) on the PATH
    "Interpreter_Mac": "",  # empty: "python" on the PATH
    "UDF Modules": wrappers.UDF_MODULE,
    "ADD_WORKBOOK_TO_PYTHONPATH": False,  # boardbook is installed: never import from the workbook's folder
}
NOTES = (
    "boardbook add-in settings, read by the add-in's xlwings module: keys in column A from A1 down, values in B.",
    "Interpreter_Win / Interpreter_Mac: the Python where boardbook is installed. Empty: python on the PATH. "
    "`boardbook addin install` fills in the Python it runs from.",
    "A sheet named boardbook.conf in the workbook you are working on overrides these. Keys missing from both "
    "sheets are read from a boardbook.conf file beside that workbook, then from .boardbook/boardbook.conf in "
    "your user folder (xlwings' order).",
    "Worksheet functions (BB_RATE and the rest) run on Windows only; the ribbon on Windows and macOS.",
)


def xlwings_dir() -> Path:
    """The installed xlwings package, whose VBA the add-in embeds (found without importing it)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise UsageError("xlwings is not installed: pip install boardbook (it pins the xlwings the add-in embeds)")
    return Path(spec.origin).parent


def xlwings_version() -> str:
    return metadata.version("xlwings")


def _read_text(path: Path, encoding: str) -> str:
    try:
        return path.read_bytes().decode(encoding)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not {encoding} text: {exc}") from None


def xlwings_modules() -> list[Module]:
    """The pinned xlwings VBA: the custom add-in module (PROJECT_NAME set to boardbook) and its Dictionary class."""
    folder = xlwings_dir()
    text = _read_text(folder / "xlwings_custom_addin.bas", "cp1252")  # Windows exports, as xlwings ships them
    line = XLWINGS_PROJECT_LINE.format("myaddin")
    if text.count(line) != 1:
        raise UsageError(
            f"xlwings {xlwings_version()}'s xlwings_custom_addin.bas no longer has `{line}` once: "
            "the add-in build must be checked against this xlwings version"
        )
    text = text.replace(line, XLWINGS_PROJECT_LINE.format(PROJECT_NAME))
    return [Module.from_export(text), Module.from_export(_read_text(folder / "addin" / "Dictionary.cls", "cp1252"))]


def own_modules(src: Path = SRC) -> list[Module]:
    """The add-in's hand-written modules, ``addin/src/*.bas`` (UTF-8 text, any line ends), in name order."""
    paths = sorted(src.glob("*.bas"))
    if not paths:
        raise UsageError(f"no VBA sources (*.bas) in {src}")
    modules = []
    for path in paths:
        try:
            module = Module.from_export(_read_text(path, "utf-8"))
        except ValueError as exc:
            raise UsageError(f"{path}: {exc}") from None
        if module.name != path.stem:
            raise UsageError(f"{path}: the module is named {module.name!r}; name the file {module.name}.bas")
        modules.append(module)
    return modules


def vba_modules(src: Path = SRC) -> list[Module]:
    """Every module of the add-in's VBA project, in project order."""
    generated = Module.from_export(wrappers.udf_module_source())
    return [
        Module.document("ThisWorkbook", "workbook"),
        Module.document("Sheet1", "worksheet"),
        *xlwings_modules(),
        *own_modules(src),
        generated,
    ]


# --- package parts -----------------------------------------------------------------------------------------


def _content_types() -> str:
    overrides = {
        "/xl/workbook.xml": CT_WORKBOOK,
        "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        "/xl/styles.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
        "/xl/sharedStrings.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        "/xl/theme/theme1.xml": CT_THEME,
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    return (
        XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
        + "</Types>"
    )


def _rels(rels: list[tuple[str, str]]) -> str:
    return (
        XML_DECL
        + f'<Relationships xmlns="{NS_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"/>' for i, (t, target) in enumerate(rels, start=1)
        )
        + "</Relationships>"
    )


def _core() -> str:
    return (
        XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>boardbook</dc:title>"
        "<dc:subject>Safeguarding board ribbon and worksheet functions</dc:subject>"
        f"<dc:creator>boardbook {escape(__version__)} (boardbook addin build)</dc:creator>"
        "<dc:description>The Safeguarding board tab (section 11, budget, performance) and the BB_ worksheet "
        f"functions, run by Python through the embedded xlwings {escape(xlwings_version())} VBA."
        "</dc:description></cp:coreProperties>"
    )


def _app() -> str:
    """Extended properties: every Excel-made package has them (Excel writes its own name here; we write ours)."""
    return (
        XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>boardbook {escape(__version__)}</Application><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate></Properties>"
    )


def _workbook() -> str:
    """The workbook as Excel writes an add-in's: fileVersion, the theme version, and its one window hidden."""
    return (
        XML_DECL + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<fileVersion appName="xl"/>'  # no lastEdited/rupBuild: no Excel has edited it, and none is claimed
        '<workbookPr codeName="ThisWorkbook" defaultThemeVersion="124226"/>'
        '<bookViews><workbookView visibility="hidden"/></bookViews>'
        f'<sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _styles() -> str:
    return (
        XML_DECL + f'<styleSheet xmlns="{NS_MAIN}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def _sheet_and_strings(settings: dict[str, str | bool]) -> tuple[str, str]:
    """The boardbook.conf sheet: settings from A1 (bold keys), a blank row, then the notes."""
    strings: list[str] = []

    def sst(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    rows = []
    for r, (key, value) in enumerate(settings.items(), start=1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{sst(key)}</v></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{r}" t="b"><v>{int(value)}</v></c>'
        elif value != "":
            cells += f'<c r="B{r}" t="s"><v>{sst(value)}</v></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    first_note = len(settings) + 2
    for r, note in enumerate(NOTES, start=first_note):
        rows.append(f'<row r="{r}"><c r="A{r}" t="s"><v>{sst(note)}</v></c></row>')
    last = first_note + len(NOTES) - 1
    sheet = (
        XML_DECL + f'<worksheet xmlns="{NS_MAIN}"><sheetPr codeName="Sheet1"/><dimension ref="A1:B{last}"/>'
        '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="2" width="60" '
        f'customWidth="1"/></cols><sheetData>{"".join(rows)}</sheetData></worksheet>'
    )
    shared = (
        XML_DECL
        + f'<sst xmlns="{NS_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    return sheet, shared


def package_parts(src: Path = SRC, settings: dict[str, str | bool] | None = None) -> dict[str, bytes]:
    """Every part of the .xlam, in the order they are zipped."""
    try:
        custom_ui = (src / "customUI14.xml").read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the ribbon {src / 'customUI14.xml'}: {exc.strerror or exc}") from None
    try:
        theme = (src / "theme1.xml").read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the theme {src / 'theme1.xml'}: {exc.strerror or exc}") from None
    sheet, shared = _sheet_and_strings({**SETTINGS, **(settings or {})})
    try:
        vba = vba_project_bin(PROJECT_NAME, vba_modules(src))
    except ValueError as exc:
        raise UsageError(f"cannot build the VBA project: {exc}") from None
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _rels(
            [
                (f"{REL_OFFICE}/officeDocument", "xl/workbook.xml"),
                (
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                (REL_CUSTOMUI, CUSTOMUI_PART),
                (f"{REL_OFFICE}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "docProps/core.xml": _core(),
        "docProps/app.xml": _app(),
        CUSTOMUI_PART: custom_ui,
        "xl/workbook.xml": _workbook(),
        "xl/_rels/workbook.xml.rels": _rels(
            [
                (f"{REL_OFFICE}/worksheet", "worksheets/sheet1.xml"),
                (f"{REL_OFFICE}/styles", "styles.xml"),
                (f"{REL_OFFICE}/sharedStrings", "sharedStrings.xml"),
                ("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"),
                (f"{REL_OFFICE}/theme", "theme/theme1.xml"),
            ]
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
        "xl/styles.xml": _styles(),
        "xl/theme/theme1.xml": theme,
        "xl/vbaProject.bin": vba,
    }
    return {name: data.encode("utf-8") if isinstance(data, str) else data for name, data in parts.items()}


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """A zip of ``parts`` that depends on nothing else: fixed time, order, attributes; stored, not deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # set, not left to the platform default (0 on Windows, 3 elsewhere)
            info.external_attr = 0o644 << 16  # rw-r--r--: set, or zipfile picks 0o600
            zf.writestr(info, data)
    return buffer.getvalue()


def build_bytes(src: Path = SRC, settings: dict[str, str | bool] | None = None) -> bytes:
    """The add-in's bytes, built from ``src`` and the installed xlwings and boardbook.udfs."""
    return zip_parts(package_parts(src, settings))


def in_checkout() -> bool:
    """True when this boardbook runs from its source tree (``pip install -e``), not from an installed wheel."""
    return (HERE.parents[2] / "pyproject.toml").is_file() and HERE.parents[1].name == "python"


def default_out() -> Path:
    """Where ``boardbook addin build`` writes without ``--out``: the bundled add-in, in a checkout only.

    An installed package is never rewritten in place (its files belong to pip, and a rebuild there would be
    lost on the next upgrade), so outside a checkout the command asks for ``--out``.
    """
    if not in_checkout():
        raise UsageError(
            f"give --out FILE.xlam: this boardbook is installed as a package ({HERE.parent}), and its bundled "
            "add-in is only rebuilt in a source checkout"
        )
    return BUNDLED


def build(out: Path, src: Path = SRC) -> Path:
    """Build the add-in into ``out`` (written atomically); returns ``out``."""
    out = Path(out)
    if out.suffix.lower() != ".xlam":
        raise UsageError(f"{out}: the add-in must be saved as .xlam (Excel decides it is an add-in by that)")
    data = build_bytes(src)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    return out


def read_parts(path_or_bytes: Path | bytes) -> dict[str, bytes]:
    """The parts of an .xlam (or any zip), as a WorkbookError when it is not a readable zip."""
    try:
        source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
        with zipfile.ZipFile(source) as zf:
            return {info.filename: zf.read(info) for info in zf.infolist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise WorkbookError(f"not an Excel add-in (an .xlam is a zip package): {exc}") from None


def configure(xlam: bytes, settings: dict[str, str | bool]) -> bytes:
    """The same add-in with ``settings`` written into its boardbook.conf sheet (everything else unchanged)."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise UsageError(f"unknown add-in settings: {sorted(unknown)}")
    parts = read_parts(xlam)
    sheet, shared = _sheet_and_strings({**SETTINGS, **settings})
    parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"] = sheet.encode(), shared.encode()
    return zip_parts(parts)


def as_xlsm(xlam: bytes) -> bytes:
    """The same package declared as a macro-enabled workbook (.xlsm): LibreOffice 7.4 will not open an .xlam.

    Only the workbook's content type changes; ``xl/vbaProject.bin`` and every other part stay byte-identical.
    """
    parts = read_parts(xlam)
    types = parts["[Content_Types].xml"].decode("utf-8")
    if CT_WORKBOOK not in types:
        raise WorkbookError("the package does not declare an add-in workbook")
    parts["[Content_Types].xml"] = types.replace(CT_WORKBOOK, CT_WORKBOOK_XLSM).encode("utf-8")
    return zip_parts(parts)
