"""Defined names are read from the ``<definedNames>`` element alone when that is safe, and by the full
package-driven parse otherwise; both must give the same names, and a DTD must still be refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException

from boardbook.config import load_config
from boardbook.ooxml import (
    NS_MAIN,
    DefinedName,
    SafeET,
    _defined_names_element,
    _workbook_names,
    all_defined_names,
    defined_names,
    workbook_part,
)
from boardbook.templates.section11_return import build_return

WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{NS_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Cover &amp; notes" sheetId="1" r:id="rId1"/></sheets>
{{names}}</workbook>"""
NAMES = (
    "<definedNames><definedName name=\"Agency\">'Cover &amp; notes'!$B$2</definedName>"
    '<definedName name="Local" localSheetId="0">\'Cover &amp; notes\'!$B$3</definedName>'
    "<definedName name=\"Range\">'Cover &amp; notes'!$B$2:$B$9</definedName></definedNames>"
)
EXPECTED = {"Agency": ("Cover & notes", "B2"), "Range": None}


def _package(workbook_xml: str, part: str = "xl/workbook.xml") -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/officeDocument" Target="{part}"/></Relationships>',
        )
        z.writestr(part, workbook_xml)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def test_quick_path_reads_the_names() -> None:
    xml = WORKBOOK.format(names=NAMES).encode()
    assert _defined_names_element(xml) == EXPECTED
    assert defined_names(_package(xml.decode())) == EXPECTED


@pytest.mark.parametrize("variant", ["comment", "prefixed", "other-part", "no-names", "empty-element"])
def test_unusual_workbooks_take_the_full_parse_and_agree(variant: str) -> None:
    names = NAMES
    part = "xl/workbook.xml"
    xml = WORKBOOK.format(names=names)
    if variant == "comment":
        xml = xml.replace("<sheets>", "<!-- saved by something unusual --><sheets>")
    elif variant == "prefixed":
        xml = (
            xml.replace("<workbook xmlns=", "<x:workbook xmlns:x=")
            .replace("</workbook>", "</x:workbook>")
            .replace("<sheets>", "<x:sheets>")
            .replace("</sheets>", "</x:sheets>")
            .replace("<sheet ", "<x:sheet ")
            .replace("<definedName", "<x:definedName")
            .replace("</definedName", "</x:definedName")
        )
    elif variant == "other-part":
        part = "xl/main-workbook.xml"
    elif variant == "no-names":
        xml = WORKBOOK.format(names="")
    elif variant == "empty-element":
        xml = WORKBOOK.format(names="<definedNames/>")
    expected = {} if variant in ("no-names", "empty-element") else EXPECTED
    if variant in ("comment", "prefixed", "empty-element"):
        assert _defined_names_element(xml.encode()) is None  # not taken quickly...
    assert defined_names(_package(xml, part)) == expected  # ...but read all the same


def test_a_dtd_is_still_refused() -> None:
    xml = WORKBOOK.format(names=NAMES).replace(
        "<workbook", '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]><workbook', 1
    )
    xml = xml.replace(">'Cover &amp; notes'!$B$2<", ">&a;<")
    assert _defined_names_element(xml.encode()) is None
    with pytest.raises(DefusedXmlException):
        defined_names(_package(xml))


def test_a_real_return_gives_the_same_names_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    build_return(load_config(None)).save(path)
    with zipfile.ZipFile(path) as z:
        quick = _defined_names_element(z.read("xl/workbook.xml"))
        full = _workbook_names(SafeET.fromstring(z.read(workbook_part(z))).iter(f"{{{NS_MAIN}}}definedName"))
    assert quick == full and "Agency" in quick


@pytest.mark.parametrize(
    "decoy",
    [
        "<extLst><ext><![CDATA[<definedNames><definedName name=\"Agency\">'S'!$C$9</definedName></definedNames>]]>"
        "</ext></extLst>",
        '<extLst><ext><definedNames xmlns="urn:other"/></ext></extLst>',
    ],
)
def test_decoys_before_the_real_element_send_it_to_the_full_parse(decoy: str) -> None:
    xml = WORKBOOK.format(names=NAMES).replace("<sheets>", decoy + "<sheets>")
    assert _defined_names_element(xml.encode()) is None
    assert defined_names(_package(xml)) == EXPECTED


def test_sheet_scoped_and_deleted_names() -> None:
    """A name only a copied sheet has is found (with its sheet); one whose cell was deleted says so; a
    workbook-scoped name always wins over a sheet's, in either order."""
    names = (
        "<definedNames>"
        '<definedName name="Round" localSheetId="0">\'Cover &amp; notes\'!$B$4</definedName>'
        "<definedName name=\"Round\">'Cover &amp; notes'!$B$5</definedName>"
        '<definedName name="Agency" localSheetId="0">\'Cover &amp; notes\'!$B$2</definedName>'
        "<definedName name=\"Sector\">'Cover &amp; notes'!#REF!</definedName>"
        '<definedName name="Owner">#REF!</definedName>'
        "</definedNames>"
    )
    for variant in ("quick", "full"):
        xml = WORKBOOK.format(names=names)
        if variant == "full":
            xml = xml.replace("<sheets>", "<!-- full parse --><sheets>")
        found = all_defined_names(_package(xml))
        assert found["Round"] == DefinedName(("Cover & notes", "B5"))
        assert found["Agency"] == DefinedName(("Cover & notes", "B2"), sheet_index=0)
        assert found["Sector"] == DefinedName(None, deleted=True) == found["Owner"]
        assert defined_names(_package(xml)) == {"Round": ("Cover & notes", "B5"), "Sector": None, "Owner": None}
