"""``boardbook addin install`` (Windows and macOS folders simulated in a temporary home) and the
``boardbook addin`` commands, run through typer as the main CLI runs them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from boardbook.addin import build as b
from boardbook.addin import install as inst
from boardbook.addin.cli import app
from boardbook.errors import UsageError, WorkbookError


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return b.build(tmp_path_factory.mktemp("built") / "boardbook.xlam")


def _setting(path: Path, cell: str) -> object:
    return openpyxl.load_workbook(io.BytesIO(b.as_xlsm(path.read_bytes())))[b.CONFIG_SHEET][cell].value


def test_linux_says_excel_is_not_available(addin: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Excel is not available on Linux"):
        inst.install(addin, platform="linux")
    assert not any(tmp_path.iterdir())


def test_any_platform_installs_into_a_chosen_folder_with_empty_python_settings(addin: Path, tmp_path: Path) -> None:
    """On Linux (no Excel, so no Python of its to record) --dir copies the add-in with the settings left empty."""
    configured = tmp_path / "configured.xlam"
    configured.write_bytes(b.configure(addin.read_bytes(), {"Interpreter_Win": r"C:\old\python.exe"}))
    done = inst.install(configured, tmp_path / "share" / "addins", platform="linux", interpreter="/usr/bin/python3")
    assert done.addin == tmp_path / "share/addins/boardbook.xlam" and done.setting is None and done.interpreter is None
    assert _setting(done.addin, "B1") is None and _setting(done.addin, "B2") is None  # the old setting is cleared
    assert (
        b.read_parts(done.addin.read_bytes())["xl/vbaProject.bin"]
        == b.read_parts(addin.read_bytes())["xl/vbaProject.bin"]
    )
    not_an_addin = tmp_path / "notes.xlam"
    not_an_addin.write_text("not a zip")
    with pytest.raises(UsageError, match=r"notes\.xlam: not an Excel add-in"):
        inst.install(not_an_addin, tmp_path / "x", platform="linux")


def test_the_default_is_the_addin_the_package_carries() -> None:
    assert inst.default_addin() == b.BUNDLED and b.BUNDLED.is_file()


def test_windows_installs_into_xlstart_set_to_this_python(
    addin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData" / "Roaming"))
    done = inst.install(addin, platform="win32", interpreter=r"C:\bb\.venv\Scripts\python.exe")
    assert done.addin == tmp_path / "AppData/Roaming/Microsoft/Excel/XLSTART/boardbook.xlam"
    assert _setting(done.addin, "B1") == r"C:\bb\.venv\Scripts\python.exe" and _setting(done.addin, "B2") is None
    installed, source = b.read_parts(done.addin.read_bytes()), b.read_parts(addin.read_bytes())
    assert installed["xl/vbaProject.bin"] == source["xl/vbaProject.bin"]
    assert done.applescript is None
    again = inst.install(addin, platform="win32", interpreter="python.exe")  # reinstalling replaces it
    assert _setting(again.addin, "B1") == "python.exe"


def test_macos_installs_into_the_startup_folder_with_the_applescript(addin: Path, tmp_path: Path) -> None:
    done = inst.install(addin, platform="darwin", interpreter="/Users/me/.venv/bin/python", home=tmp_path)
    assert (
        done.addin
        == tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel" / "boardbook.xlam"
    )
    assert _setting(done.addin, "B2") == "/Users/me/.venv/bin/python" and _setting(done.addin, "B1") is None
    script = tmp_path / "Library/Application Scripts/com.microsoft.Excel" / f"xlwings-{b.xlwings_version()}.applescript"
    assert done.applescript == script and "on VbaHandler" in script.read_text()


def test_a_chosen_folder_and_a_missing_addin(addin: Path, tmp_path: Path) -> None:
    done = inst.install(addin, tmp_path / "XLSTART", platform="win32", interpreter="py")
    assert done.addin.parent == tmp_path / "XLSTART"
    with pytest.raises(UsageError, match="boardbook addin build"):
        inst.install(tmp_path / "none.xlam", tmp_path, platform="win32")
    with pytest.raises(UsageError, match="APPDATA"):
        inst.startup_folder("win32", env={"PATH": "x"})
    localized = tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    localized.mkdir(parents=True)
    assert inst.startup_folder("darwin", home=tmp_path) == localized


runner = CliRunner()


def test_cli_build_writes_the_reproducible_addin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--out", str(tmp_path / "bb.xlam")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and (tmp_path / "bb.xlam").read_bytes() == b.build_bytes()
    refused = runner.invoke(app, ["build", "--out", str(tmp_path / "bb.xlsx")])
    assert isinstance(refused.exception, UsageError)  # the main CLI prints it as one line, exit 2


def test_cli_verify_prints_every_check(addin: Path) -> None:
    from boardbook.addin import verify as v
    from boardbook.addin import wrappers

    result = runner.invoke(app, ["verify", str(addin), "--libreoffice", "skip"])
    for name in (
        "package",
        "settings",
        "VBA read back (olevba)",
        "ribbon → VBA",
        "ribbon → Python",
        "worksheet functions",
        "xlwings version",
    ):
        assert name in result.output
    if v.udf_types(wrappers.udfs()).ok:
        assert result.exit_code == 0, result.output
    else:  # boardbook.udfs' type hints: see addin/README.md
        assert isinstance(result.exception, WorkbookError)
        assert str(result.exception).endswith("worksheet function types")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="this checks what happens where there is no Excel")
def test_cli_install_on_linux(tmp_path: Path) -> None:
    result = runner.invoke(app, ["install"])
    assert isinstance(result.exception, UsageError)
    assert "Excel is not available on Linux" in str(result.exception)
    result = runner.invoke(app, ["install", "--dir", str(tmp_path / "addins")])  # the bundled add-in, copied
    assert result.exit_code == 0, result.output
    assert "Python settings empty" in result.output and "Restart Excel" not in result.output
    assert (tmp_path / "addins/boardbook.xlam").read_bytes() == b.BUNDLED.read_bytes()  # it ships empty settings
