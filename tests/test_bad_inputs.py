"""Bad input collation must survive: each bad file sits in a folder beside one good return; the run does
not crash, the good return is accepted, the bad one is listed in the summary's Problems table with its
file name and a message saying what to do, and every input is byte-identical afterwards.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from msoffcrypto.format.ooxml import OOXMLFile

from boardbook.config import Config
from boardbook.errors import UsageError
from boardbook.section11.pipeline import CollationResult, collate
from tests.helpers import GOOD_EVIDENCE, hashes, make_return, sha256

BIN = str(Path(sys.executable).with_name("boardbook"))
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GOOD = "Moorlands Police.xlsx"


# -- helpers ------------------------------------------------------------------------------------------


def table(path: Path, name: str) -> list[dict[str, object]]:
    t = pc.CalamineWorkbook.from_path(str(path), load_tables=True).get_table_by_name(name)
    return [dict(zip(t.columns, row, strict=True)) for row in t.to_python() if any(v not in ("", None) for v in row)]


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


def quiet_env() -> dict[str, str]:
    """The environment of a script or scheduled job: no terminal width given."""
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


def zip_of(parts: dict[str, bytes | str], first_stored: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if first_stored:
            z.writestr(first_stored, parts[first_stored], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != first_stored:
                z.writestr(name, data)
    return buf.getvalue()


def repack(good: bytes, changes: dict[str, bytes]) -> bytes:
    """The good return with some parts replaced (a damaged part, as a failed sync leaves it)."""
    with zipfile.ZipFile(io.BytesIO(good)) as zin:
        return zip_of({n: changes.get(n, zin.read(n)) for n in zin.namelist()})


def encrypt(good: bytes) -> bytes:
    """The good return, password-protected as Excel does it (Agile encryption in an OLE container)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("Safeguarding2026", out)
    data = out.getvalue()
    assert data.startswith(OLE_MAGIC)
    return data


def to_xlsm(good: bytes) -> bytes:
    """The good return as Excel saves it macro-enabled: a vbaProject.bin part and the macroEnabled type."""
    main_xlsx = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    main_xlsm = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    vba = OLE_MAGIC + b"\0" * 504 + b'Attribute VB_Name = "Module1"\nSub Auto_Open()\n  Shell "calc.exe"\nEnd Sub\n'
    spec = importlib.util.find_spec("xlwings")
    real = Path(spec.origin).parent / "quickstart.xlsm" if spec and spec.origin else None
    if real is not None and real.is_file():
        with zipfile.ZipFile(real) as z:
            vba = z.read("xl/vbaProject.bin")  # a real VBA project (xlwings' quickstart workbook)
    with zipfile.ZipFile(io.BytesIO(good)) as zin:
        parts: dict[str, bytes | str] = {n: zin.read(n) for n in zin.namelist()}
    ct = parts["[Content_Types].xml"]
    assert isinstance(ct, bytes) and main_xlsx in ct
    parts["[Content_Types].xml"] = ct.replace(main_xlsx, main_xlsm).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    rels = parts["xl/_rels/workbook.xml.rels"]
    assert isinstance(rels, bytes)
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
    )
    parts["xl/vbaProject.bin"] = vba
    return zip_of(parts)


@pytest.fixture
def folder(tmp_path: Path, config: Config) -> Path:
    """A returns folder holding one good return."""
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police")
    return returns


def collate_checked(folder: Path, out: Path, config: Config, **kwargs: object) -> CollationResult:
    """Collate, asserting every input under ``folder`` is byte-identical afterwards."""
    before = hashes(folder)
    result = collate([folder], out, config, **kwargs)  # type: ignore[arg-type]
    assert hashes(folder) == before, "an input file was changed"
    return result


def assert_bad_listed(out: Path, result: CollationResult, bad: str, words: list[str], config: Config) -> None:
    """The good return collated; the bad file rejected and listed with a message containing ``words``."""
    assert (result.read, result.accepted, result.rejected) == (2, 1, 1)
    returns = table(out, "Returns")
    assert {(r["Agency"], r["Source file"]) for r in returns} == {("Moorlands Police", GOOD)}
    assert len(returns) == len(config.standards)
    problems = table(out, "Problems")
    assert [(r["File"], r["Sheet"], r["Cell"], r["Severity"]) for r in problems] == [(bad, "", "", "Error")]
    message = str(problems[0]["Problem"])
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert [p.code for p in result.problems] == ["unreadable"]


# -- the bad files --------------------------------------------------------------------------------------

Maker = Callable[[bytes], bytes]
BAD: dict[str, tuple[str, Maker, list[str]]] = {
    "csv renamed .xlsx": (
        "Northmoor ICB.xlsx",
        lambda g: b"Ref,Standard,Rating,Evidence\r\nS1,Clear line,Fully met,Policy approved\r\n",
        ["not an Excel workbook", "CSV", "must be an .xlsx", "template"],
    ),
    "html renamed .xlsx": (
        "Northmoor ICB.xlsx",
        lambda g: (
            b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Your session has expired</body></html>"
        ),
        ["not an Excel workbook", "web page", "must be an .xlsx"],
    ),
    "pdf renamed .xlsx": (
        "Northmoor ICB.xlsx",
        lambda g: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        ["not an Excel workbook", "PDF", "must be an .xlsx"],
    ),
    "zero bytes": ("Northmoor ICB.xlsx", lambda g: b"", ["empty", "0 bytes", "send it again"]),
    "truncated zip": ("Northmoor ICB.xlsx", lambda g: g[: len(g) // 2], ["damaged or incomplete", "send it again"]),
    "zip missing its end": ("Northmoor ICB.xlsx", lambda g: g[:-10], ["damaged or incomplete", "send it again"]),
    "password-protected": (
        "Northmoor ICB.xlsx",
        encrypt,
        ["password-protected", "remove the password", "send it again"],
    ),
    "legacy .xls (OLE)": (
        "Northmoor ICB.xlsx",
        lambda g: OLE_MAGIC + b"\0" * 4088,
        ["97-2003", ".xls", "save it as", ".xlsx"],
    ),
    "ods": (
        "Northmoor ICB.xlsx",
        lambda g: zip_of(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": "<office:document-content/>",
                "META-INF/manifest.xml": "<manifest:manifest/>",
            },
            first_stored="mimetype",
        ),
        ["OpenDocument", ".ods", "save it as .xlsx"],
    ),
    "word document renamed .xlsx": (
        "Northmoor ICB.xlsx",
        lambda g: zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
        ["not an Excel workbook", "Word document"],
    ),
    "damaged sheet part": (
        "Northmoor ICB.xlsx",
        lambda g: repack(g, {"xl/worksheets/sheet2.xml": b"<worksheet"}),
        ["cannot be read", "damaged"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_listed_not_fatal(case: str, folder: Path, tmp_path: Path, config: Config) -> None:
    name, make, words = BAD[case]
    (folder / name).write_bytes(make((folder / GOOD).read_bytes()))
    out = tmp_path / "summary.xlsx"
    result = collate_checked(folder, out, config)
    assert_bad_listed(out, result, name, words, config)


def test_bad_file_named_on_the_command_line(folder: Path, tmp_path: Path, config: Config) -> None:
    """A legacy .xls or an .ods named explicitly is read as an input and reported, not skipped."""
    (folder / "Northmoor ICB.xls").write_bytes(OLE_MAGIC + b"\0" * 4088)
    (folder / "Fellside Council.ods").write_bytes(BAD["ods"][1](b""))
    before = hashes(folder)
    out = tmp_path / "summary.xlsx"
    result = collate([folder / GOOD, folder / "Northmoor ICB.xls", folder / "Fellside Council.ods"], out, config)
    assert hashes(folder) == before
    assert (result.read, result.accepted, result.rejected) == (3, 1, 2)
    problems = {r["File"]: str(r["Problem"]) for r in table(out, "Problems")}
    assert "97-2003" in problems["Northmoor ICB.xls"] and "OpenDocument" in problems["Fellside Council.ods"]


def test_xls_and_ods_in_a_folder_are_reported(folder: Path, tmp_path: Path, config: Config) -> None:
    (folder / "Northmoor ICB.xls").write_bytes(OLE_MAGIC + b"\0" * 4088)
    (folder / "Fellside Council.ods").write_bytes(BAD["ods"][1](b""))
    result = collate_checked(folder, tmp_path / "summary.xlsx", config)
    problems = {r["File"]: str(r["Problem"]) for r in table(tmp_path / "summary.xlsx", "Problems")}
    assert result.accepted == 1
    assert "97-2003" in problems.get("Northmoor ICB.xls", "")
    assert "OpenDocument" in problems.get("Fellside Council.ods", "")


@pytest.fixture(scope="module")
def libreoffice_copies(tmp_path_factory: pytest.TempPathFactory, config: Config) -> dict[str, Path]:
    """The good return saved by LibreOffice as a real .xls and a real .ods."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed")
    root = tmp_path_factory.mktemp("lo")
    src = make_return(root, config, "Northmoor ICB", sector="Health", file_name="Northmoor ICB.xlsx")
    out = {}
    for fmt in ("xls", "ods"):
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(root / "out"),
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        made = root / "out" / f"Northmoor ICB.{fmt}"
        if not made.is_file():
            pytest.skip(f"LibreOffice could not convert to {fmt}: {proc.stderr[-300:]}")
        out[fmt] = made
    return out


@pytest.mark.parametrize(("fmt", "words"), [("xls", ["97-2003", "next time"]), ("ods", ["OpenDocument"])])
def test_real_libreoffice_file_renamed_xlsx(
    fmt: str, words: list[str], libreoffice_copies: dict[str, Path], folder: Path, tmp_path: Path, config: Config
) -> None:
    """Files LibreOffice really wrote (even with an .xlsx name) are read by layout, with a note to send .xlsx."""
    shutil.copyfile(libreoffice_copies[fmt], folder / "Northmoor ICB.xlsx")
    out = tmp_path / "summary.xlsx"
    result = collate_checked(folder, out, config)
    assert (result.read, result.accepted, result.rejected) == (2, 2, 0)
    notes = [r for r in table(out, "Problems") if r["File"] == "Northmoor ICB.xlsx"]
    assert [n["Severity"] for n in notes] == ["Info"] and all(w in str(notes[0]["Problem"]) for w in words)
    assert len([r for r in table(out, "Returns") if r["Agency"] == "Northmoor ICB"]) == len(config.standards)


# -- .xlsm: data read, macros never run, noted ------------------------------------------------------------


def test_xlsm_data_read_and_noted(
    folder: Path, tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = make_return(
        tmp_path, config, "Northmoor ICB", sector="Health", ratings=["Mostly met"] * len(config.standards)
    )
    (folder / "Northmoor ICB.xlsm").write_bytes(to_xlsm(good.read_bytes()))

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"collation started a process: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(os, "system", no_process)
    out = tmp_path / "summary.xlsx"
    result = collate_checked(folder, out, config)
    monkeypatch.undo()

    assert (result.read, result.accepted, result.rejected) == (2, 2, 0)
    icb = [r for r in table(out, "Returns") if r["Agency"] == "Northmoor ICB"]
    assert len(icb) == len(config.standards) and {r["Rating"] for r in icb} == {"Mostly met"}
    assert {r["Source file"] for r in icb} == {"Northmoor ICB.xlsm"}
    problems = table(out, "Problems")
    assert [(r["File"], r["Severity"]) for r in problems] == [("Northmoor ICB.xlsm", "Info")]
    message = str(problems[0]["Problem"])
    assert "macro" in message and "read" in message and "not run" in message
    with zipfile.ZipFile(out) as z:  # the summary itself stays macro-free
        assert not any("vba" in n.lower() for n in z.namelist())
        assert b"macroEnabled" not in z.read("[Content_Types].xml")


# -- evidence that looks like a formula ------------------------------------------------------------------

FORMULA_LIKE = [
    "=SUM(1,2)",
    '=HYPERLINK("http://example.com/x","click")',
    "=cmd|' /C calc'!A0",
    "+44 20 7946 0000 safeguarding line",
    "-see the policy",
    "@designated safeguarding lead",
    "=1+1",
    "+",
    "-",
    "@",
]


def test_formula_like_text_arrives_as_text(folder: Path, tmp_path: Path, config: Config) -> None:
    """Evidence (and action, owner) starting with = + - @ lands in the summary as text, never a formula."""
    n = len(config.standards)
    evidence = (FORMULA_LIKE * 2)[:n]
    body = [
        [s.ref, s.title, "Fully met", evidence[i], "=A1*2" if i == 0 else None, "@owner" if i == 0 else None, None]
        for i, s in enumerate(config.standards)
    ]
    make_return(folder, config, "Northmoor ICB", sector="Health", rows=body)
    make_return(
        folder,
        config,
        "=Fellside Council",
        rows=[["S1", "", "=1+1", "-", None, None, None]],
        file_name="=Fellside.xlsx",
    )
    out = tmp_path / "summary.xlsx"
    result = collate_checked(folder, out, config)
    assert result.accepted == 2 and result.rejected == 1

    # calamine (cached values, as pandas and any downstream reader see them)
    icb = {r["Ref"]: r for r in table(out, "Returns") if r["Agency"] == "Northmoor ICB"}
    assert [icb[ref]["Evidence"] for ref in config.refs] == evidence
    assert (icb["S1"]["Action"], icb["S1"]["Owner"]) == ("=A1*2", "@owner")
    challenged = {(r["Ref"], r["Evidence"]) for r in table(out, "Challenge") if r["Agency"] == "Northmoor ICB"}
    assert ("S1", "=SUM(1,2)") in challenged  # thin evidence: repeated in the Challenge table, still text
    fellside = [str(r["Problem"]) for r in table(out, "Problems") if r["File"] == "=Fellside.xlsx"]
    assert any("'=1+1'" in message for message in fellside)

    # openpyxl: the cells are strings, not formulas
    wb = openpyxl.load_workbook(out)
    seen = 0
    for name in ("Returns", "Challenge", "Problems"):
        ws = wb[name]
        for row in ws.iter_rows():
            for cell in row:
                if (
                    isinstance(cell.value, str)
                    and cell.value[:1] in "=+-@"
                    and cell.value in (*FORMULA_LIKE, "=A1*2", "@owner", "=Fellside.xlsx")
                ):
                    assert cell.data_type == "s", (name, cell.coordinate, cell.value)
                    seen += 1
    assert seen >= n + 3
    returns = wb["Returns"]
    formulas = [c.coordinate for row in returns.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


# -- lock files, empty folders, the command line ---------------------------------------------------------


def test_office_lock_files_are_skipped(folder: Path, tmp_path: Path, config: Config) -> None:
    owner = b"\x08A.Tester" + b" " * 46 + b"\x08\x00A\x00.\x00T\x00e\x00s\x00t\x00e\x00r\x00" + b"\x00" * 100
    (folder / f"~${GOOD}").write_bytes(owner[:165])
    (folder / f".~lock.{GOOD}#").write_text(",A. Tester,host,24.11.2026 10:00,file:///home;", encoding="utf-8")
    sub = folder / "late"
    sub.mkdir()
    (sub / "~$Northmoor ICB.xlsx").write_bytes(owner[:165])
    out = tmp_path / "summary.xlsx"
    result = collate_checked(folder, out, config)
    assert (result.read, result.accepted, result.rejected) == (1, 1, 0)
    assert result.problems == [] and table(out, "Problems") == []
    # Named explicitly (e.g. by a shell glob), a lock file is still skipped.
    result = collate([folder / GOOD, folder / f"~${GOOD}"], tmp_path / "again.xlsx", config)
    assert result.read == 1 and result.problems == []


def test_empty_folder_is_a_usage_error(tmp_path: Path, config: Config) -> None:
    empty = tmp_path / "returns"
    empty.mkdir()
    with pytest.raises(UsageError, match="no returns found"):
        collate([empty], tmp_path / "summary.xlsx", config)
    (empty / "~$Moorlands Police.xlsx").write_bytes(b"\x08A.Tester")
    (empty / "notes.txt").write_text("chase the ICB", encoding="utf-8")
    with pytest.raises(UsageError, match="no returns found"):
        collate([empty], tmp_path / "summary.xlsx", config)
    assert not (tmp_path / "summary.xlsx").exists()


def test_empty_folder_cli_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "returns"
    empty.mkdir()
    result = run("s11", "collate", empty, "--out", tmp_path / "summary.xlsx", env=quiet_env())
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "no returns found" in result.stderr
    assert result.stderr.startswith("boardbook: error:")
    assert not (tmp_path / "summary.xlsx").exists()


def test_empty_folder_cli_message_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "returns for the 2026 section 11 round"
    empty.mkdir()
    result = run("s11", "collate", empty, "--out", tmp_path / "summary.xlsx", env=quiet_env())
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_strict_exit_codes(folder: Path, tmp_path: Path, config: Config) -> None:
    """--strict: exit 1 when a return is rejected, 0 when all are good; without it, 0 either way."""
    before = hashes(folder)
    good = run("s11", "collate", folder, "--out", tmp_path / "good.xlsx", "--strict")
    assert good.returncode == 0, good.stderr
    assert hashes(folder) == before
    make_return(
        folder,
        config,
        "Northmoor ICB",
        sector="Health",
        ratings=["Fully met"] * 3 + ["Fuly met"] + ["Fully met"] * (len(config.standards) - 4),
    )
    (folder / "Fellside Council.xlsx").write_bytes(b"")
    before = hashes(folder)
    strict = run("s11", "collate", folder, "--out", tmp_path / "strict.xlsx", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "rejected" in strict.stderr and "Northmoor ICB.xlsx" in strict.stderr and "C5" in strict.stderr
    assert "Fellside Council.xlsx" in strict.stderr
    lenient = run("s11", "collate", folder, "--out", tmp_path / "lenient.xlsx")
    assert lenient.returncode == 0 and "Traceback" not in lenient.stderr
    assert hashes(folder) == before
    assert {r["Agency"] for r in table(tmp_path / "lenient.xlsx", "Returns")} == {"Moorlands Police"}


def test_cli_shows_file_names_with_brackets(tmp_path: Path, config: Config) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(
        returns,
        config,
        file_name="Moorlands Police [final].xlsx",
        ratings=["Fuly met"] + ["Fully met"] * (len(config.standards) - 1),
    )
    result = run("s11", "collate", returns, "--out", tmp_path / "summary.xlsx")
    assert result.returncode == 0
    assert "Moorlands Police [final].xlsx" in result.stderr, result.stderr


def test_cli_survives_markup_in_a_rating(tmp_path: Path, config: Config) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, ratings=["[/b]"] + ["Fully met"] * (len(config.standards) - 1))
    result = run("s11", "collate", returns, "--out", tmp_path / "summary.xlsx")
    assert "Traceback" not in result.stderr and result.returncode == 0, result.stderr
    assert "'[/b]'" in result.stderr


def test_inputs_byte_identical_with_previous(folder: Path, tmp_path: Path, config: Config) -> None:
    """A second round collated with --previous (and collated again in place) changes no input file."""
    round1 = tmp_path / "round1.xlsx"
    make_return(
        folder,
        config,
        "Northmoor ICB",
        sector="Health",
        ratings=["Partially met"] * len(config.standards),
        completed_on=date(2024, 5, 1),
    )
    collate_checked(folder, round1, config)
    n = len(config.standards)
    make_return(
        folder, config, "Northmoor ICB", sector="Health", ratings=["Fully met"] * n, evidence=[GOOD_EVIDENCE] * n
    )
    (folder / "broken.xlsx").write_bytes(b"")
    before = hashes(folder)
    round1_hash = sha256(round1)
    out = tmp_path / "round2.xlsx"
    for _ in range(2):  # a new summary, then the same summary filled in place
        result = run("s11", "collate", folder, "--out", out, "--previous", round1)
        assert result.returncode == 0, result.stderr
        assert hashes(folder) == before
        assert sha256(round1) == round1_hash
    comparison = table(out, "Comparison")
    icb = {(r["Previous"], r["Current"]) for r in comparison if r["Agency"] == "Northmoor ICB"}
    assert icb == {("Partially met", "Fully met")}
