"""The worksheet-function wrappers equal what xlwings itself generates.

``xlwings.udfs`` imports pythoncom, so it does not load on Linux. Here it is loaded with stand-ins for the
three Windows modules it imports (nothing in the generation path touches them), a copy of boardbook.udfs is
loaded with ``xw.func``/``xw.arg`` bound to the real ``xlfunc``/``xlarg`` (as on Windows), and xlwings'
own ``generate_vba_wrapper`` writes the reference VBA.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
import xlwings

from boardbook import udfs as real_udfs
from boardbook.addin import wrappers
from boardbook.addin.verify import udf_types


@pytest.fixture
def xlwings_udfs(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The real xlwings.udfs module, importable on Linux with stand-ins for pythoncom & co."""
    stubs = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["pythoncom"].CoInitialize = lambda: None
    stubs["pywintypes"].com_error = Exception
    stubs["win32com.client"].Dispatch = lambda *_: None
    stubs["win32com"].client = stubs["win32com.client"]
    for name, module in stubs.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    module = importlib.import_module("xlwings.udfs")
    yield module
    sys.modules.pop("xlwings.udfs", None)
    if hasattr(xlwings, "udfs"):
        delattr(xlwings, "udfs")


def _load_as_on_windows(monkeypatch: pytest.MonkeyPatch, xu: types.ModuleType, path: Path, name: str):
    """Import ``path`` as module ``name`` with xlwings' decorators doing what they do on Windows."""
    monkeypatch.setattr(xlwings, "func", xu.xlfunc)
    monkeypatch.setattr(xlwings, "arg", xu.xlarg)
    monkeypatch.setattr(xlwings, "ret", xu.xlret)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Book:
    Name = "boardbook.xlam"  # xlwings writes ActiveWorkbook for add-ins


def _xlwings_vba(xu: types.ModuleType, module: types.ModuleType, module_name: str) -> str:
    buffer = io.StringIO()
    xu.generate_vba_wrapper(module_name, module, buffer, _Book())
    return buffer.getvalue()


SYNTHETIC = '''
import xlwings as xw

CATEGORY = "Synthetic"
UDFS = ["plain", "optional", "many", "called", "undocumented"]
ARG_DOCS = {"plain": {"a": "First.", "b": 'Second, with "quotes".'}, "optional": {"x": "An x."}}


@xw.func(category=CATEGORY)
@xw.arg("a", doc="First.")
@xw.arg("b", doc='Second, with "quotes".')
def plain(a, b):
    """Adds a and b."""
    return a + b


@xw.func(category=CATEGORY)
@xw.arg("x", doc="An x.")
def optional(x, y=2, z=None):
    """Multi-line
    docstring: kept as xlwings keeps it."""
    return x


@xw.func(category=CATEGORY)
def many(first, *rest):
    return first


@xw.func(category=CATEGORY)
def called(value, caller):
    return value


@xw.func(category=CATEGORY)
def undocumented(n: int) -> float:
    return n
'''


def test_synthetic_module_matches_xlwings_exactly(xlwings_udfs, monkeypatch, tmp_path: Path) -> None:
    """Optional, ParamArray and caller arguments: our generator writes exactly xlwings' VBA."""
    source = tmp_path / "synthetic_udfs.py"
    source.write_text(SYNTHETIC, encoding="utf-8")
    module = _load_as_on_windows(monkeypatch, xlwings_udfs, source, "synthetic_udfs")
    theirs = _xlwings_vba(xlwings_udfs, module, "synthetic_udfs")
    ours = wrappers.wrapper_source(wrappers.udfs(module), module_name="synthetic_udfs")
    assert ours == theirs
    assert "ParamArray rest()" in ours and "Array(value, Nothing)" in ours  # the special paths were exercised
    for udf in wrappers.udfs(module):
        xlf = getattr(module, udf.name).__xlfunc__
        assert udf.doc == xlf["ret"]["doc"] and udf.category == xlf["category"]
        assert [a.doc for a in udf.args] == [a["doc"] for a in xlf["args"]]
        assert [a.optional for a in udf.args] == ["optional" in a for a in xlf["args"]]


def test_boardbook_udfs_match_xlwings(xlwings_udfs, monkeypatch) -> None:
    """boardbook.udfs as Windows xlwings would wrap it; only VBA reserved words differ (``new`` → ``new_``)."""
    module = _load_as_on_windows(monkeypatch, xlwings_udfs, Path(real_udfs.__file__), "boardbook_udfs_on_windows")
    theirs = _xlwings_vba(xlwings_udfs, module, "boardbook.udfs")
    ours = wrappers.wrapper_source(wrappers.udfs())
    renamed = {a.name for u in wrappers.udfs() for a in u.args if wrappers.vba_name(a.name) != a.name}
    for name in renamed:  # xlwings would write these as they are, which VBA cannot compile
        theirs = re.sub(rf"\b{name}\b(?=[,)])", f"{name}_", theirs)
    assert ours == theirs
    # the help registered at start-up is what xlwings' import_udfs passes to Application.MacroOptions
    for udf in wrappers.udfs():
        xlf = getattr(module, udf.name).__xlfunc__
        assert udf.doc[:255] == xlf["ret"]["doc"][:255]
        # arguments VBA fills in itself (``caller``: the calling range) are not in the signature or the help
        assert [a.doc[:255] for a in udf.args if not a.vba] == [a["doc"][:255] for a in xlf["args"] if not a["vba"]]
        assert udf.category == xlf["category"] == "boardbook"


def test_the_type_check_agrees_with_xlwings_own_metadata(xlwings_udfs, monkeypatch) -> None:
    """What verify reports about type hints is what xlwings' converters would actually do on Windows."""
    from xlwings import conversion

    module = _load_as_on_windows(monkeypatch, xlwings_udfs, Path(real_udfs.__file__), "boardbook_udfs_on_windows")
    failing = set()
    for name in real_udfs.UDFS:
        xlf = getattr(module, name).__xlfunc__
        for arg in xlf["args"]:
            try:
                conversion.read(None, 1.0, arg["options"])
            except AttributeError:  # "type object 'object' has no attribute 'reader'": the call would fail
                failing.add(name)
            except KeyError:  # no Excel engine on Linux: the converter was found, reading needs Excel
                pass
        try:
            conversion.write(1.0, None, xlf["ret"]["options"])
        except AttributeError:
            failing.add(name)
        except KeyError:
            pass
    check = udf_types(wrappers.udfs())
    assert check.ok is (not failing)
    assert {n for n in real_udfs.UDFS if f"{n}(" in check.detail} == failing


def test_type_check_passes_any_and_plain_types() -> None:
    def good(a: Any, b: float, c) -> str:  # no hint (c) is fine too
        """Good."""

    def bad(a: object) -> float | str:
        """Bad."""

    assert udf_types([wrappers.describe(good, "c")]).ok
    check = udf_types([wrappers.describe(bad, "c")])
    assert not check.ok and "bad(a: object, -> float | str)" in check.detail


def test_vba_names_and_strings() -> None:
    assert wrappers.vba_name("new") == "new_" and wrappers.vba_name("Date") == "Date_"
    assert wrappers.vba_name("population") == "population" and wrappers.vba_name("day") == "day"
    for bad in ("_hidden", "naïve", "2x"):
        with pytest.raises(ValueError, match="cannot be a VBA parameter name"):
            wrappers.vba_name(bad)
    assert wrappers.vba_string('say "hi"') == '"say ""hi"""'
    assert wrappers.vba_string("count ÷ population") == '"count " & ChrW(247) & " population"'
    assert wrappers.vba_string("a\nb") == '"a" & ChrW(10) & "b"' and wrappers.vba_string("") == '""'
    assert wrappers.vba_string("é") == "ChrW(233)"


def test_generated_module_is_ascii_and_registers_every_function() -> None:
    source = wrappers.udf_module_source()
    assert source.isascii()  # non-ASCII help text travels as ChrW(), safe in any code page
    assert source.startswith('Attribute VB_Name = "BoardbookUdfs"\n')
    for name in real_udfs.UDFS:
        assert source.count(f'Macro:=book & "{name}"') == 1
        assert re.search(rf"^Function {name}\(", source, re.M)
    assert "Function BB_PCTCHANGE(old, new_)" in source
    assert "Function BB_RATE(count, population, Optional per, Optional decimals)" in source
