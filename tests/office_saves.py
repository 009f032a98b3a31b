"""A filled ledger saved the way Excel and WPS save it, for the tests of ``plandocs collect``.

Units fill our ledgers in Excel or WPS, and those programs rewrite the whole package when they
save: text moves to a shared-string table, the stylesheet is rebuilt and renumbered, the sheet
XML gains extension blocks, the properties get the program's own parts. ``excel_save`` and
``wps_save`` apply those rewrites to a workbook openpyxl wrote (our issued ledger, filled), so
a test can check that collect reads exactly the values the unit typed.

Every rule names its source: the ECMA-376 text (5th edition, Part 1 unless said otherwise),
Microsoft's [MS-XLSX] / [MS-OI29500] notes, or a sample in another open-source project's test
suite. None of those files is copied: everything here is generated from our own ledger.

Samples consulted (structure only):
- qax-os/excelize ``test/Book1.xlsx`` (saved by Excel 2016): shared strings with rich-text
  runs and ``<phoneticPr>``, ``mc:Ignorable`` with ``x14ac:dyDescent`` on rows, ``spans``,
  ``<fileVersion appName="xl">``, ``mc:AlternateContent``/``x15ac:absPath`` in workbook.xml,
  ``x14ac:knownFonts``, core times in UTC with ``Z``.
- qax-os/excelize ``picture_test.go`` and ``templates.go``: WPS's ``xl/cellimages.xml``
  (``etc:cellImages``, namespace ``http://www.wps.cn/officeDocument/2017/etCustomData``), its
  ``xl/_rels/cellimages.xml.rels`` and the ``_xlfn.DISPIMG("ID_…",1)`` cell formula.
- productdevbook/hucre pull request #184 (WPS cell images, read and round trip): the workbook
  relationship type ``http://www.wps.cn/officeDocument/2020/cellImage`` and content type
  ``application/vnd.wps-officedocument.cellimage+xml``.
- LiuXingFu/pig ``…/paifuLedger.ftl`` (a WPS-saved workbook): WPS's custom document
  properties ``KSOProductBuildVer`` (``2052-11.1.0.11636``) and ``ICV``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
ETC = "http://www.wps.cn/officeDocument/2017/etCustomData"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CELL_IMAGES_TYPE = "application/vnd.wps-officedocument.cellimage+xml"
CELL_IMAGES_REL = "http://www.wps.cn/officeDocument/2020/cellImage"
# [MS-XLSX]: the extension URI of x14:dataValidations in a worksheet's extLst.
X14_VALIDATIONS_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
# A 1x1 PNG: the "photo" a WPS user embeds in a cell (generated, not taken from anywhere).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

Parts = dict[str, bytes]


def q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def read_parts(data: bytes) -> Parts:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def write_parts(parts: Parts) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # [Content_Types].xml first, as Office writes it (ECMA-376 Part 2 does not require it)
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            archive.writestr(name, parts[name])
    return buffer.getvalue()


def tree(parts: Parts, name: str) -> etree._Element:
    return etree.fromstring(parts[name])


def put(parts: Parts, name: str, root: etree._Element) -> None:
    # Excel and WPS write a CRLF after the declaration and no other white space.
    parts[name] = XML_DECLARATION + etree.tostring(root, encoding="utf-8")


def worksheets(parts: Parts) -> list[str]:
    return sorted(
        (n for n in parts if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")),
        key=lambda n: int(n.removeprefix("xl/worksheets/sheet").removesuffix(".xml")),
    )


# --- rules shared by Excel and WPS ----------------------------------------------------------


def shared_strings(parts: Parts, phonetic: bool, rich: Callable[[str], bool]) -> None:
    """Every text cell into one new shared-string table (§18.4.8 si, §18.3.1.4 c t="s").

    Excel and WPS keep no inline strings (§18.3.1.53 is): they rebuild the table on every
    save, in order of first use, sheet by sheet. Excel in a Chinese or Japanese locale adds
    ``<phoneticPr fontId="1" type="noConversion"/>`` (§18.4.3) to each item; text the unit
    formatted in part is stored as rich-text runs (§18.4.4 r, §18.4.7 rPr) -- excelize's
    test/Book1.xlsx has both.
    """
    old: list[etree._Element] = []
    if "xl/sharedStrings.xml" in parts:
        old = list(tree(parts, "xl/sharedStrings.xml").iter(q(MAIN, "si")))
    table: dict[str, int] = {}
    count = 0
    for name in worksheets(parts):
        sheet = tree(parts, name)
        for cell in sheet.iter(q(MAIN, "c")):
            kind = cell.get("t")
            if kind == "inlineStr":
                text = "".join(cell.find(q(MAIN, "is")).itertext())
                cell.remove(cell.find(q(MAIN, "is")))
            elif kind == "s":
                value = cell.find(q(MAIN, "v"))
                text = "".join(old[int(value.text)].itertext())
                cell.remove(value)
            else:
                continue
            cell.set("t", "s")
            etree.SubElement(cell, q(MAIN, "v")).text = str(table.setdefault(text, len(table)))
            count += 1
        put(parts, name, sheet)
    sst = etree.Element(q(MAIN, "sst"), nsmap={None: MAIN})
    sst.set("count", str(count))
    sst.set("uniqueCount", str(len(table)))
    for text in table:
        item = etree.SubElement(sst, q(MAIN, "si"))
        if rich(text):
            half = len(text) // 2
            for piece, bold in ((text[:half], True), (text[half:], False)):
                run = etree.SubElement(item, q(MAIN, "r"))
                props = etree.SubElement(run, q(MAIN, "rPr"))
                if bold:
                    etree.SubElement(props, q(MAIN, "b"))
                etree.SubElement(props, q(MAIN, "sz")).set("val", "11")
                etree.SubElement(props, q(MAIN, "rFont")).set("val", "宋体")
                etree.SubElement(props, q(MAIN, "charset")).set("val", "134")
                _text(run, piece)
        else:
            _text(item, text)
        if phonetic:
            hint = etree.SubElement(item, q(MAIN, "phoneticPr"))
            hint.set("fontId", "1")
            hint.set("type", "noConversion")
    put(parts, "xl/sharedStrings.xml", sst)
    _ensure_part(parts, "xl/sharedStrings.xml", STRINGS_TYPE, "sharedStrings")


def _text(parent: etree._Element, text: str) -> None:
    t = etree.SubElement(parent, q(MAIN, "t"))
    t.text = text
    if text != text.strip():  # §22.9.2.19: white space kept only with xml:space
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _ensure_part(parts: Parts, name: str, content_type: str, relation: str) -> None:
    """The part named in [Content_Types].xml and related from the workbook (Part 2 §10.1.2)."""
    types = tree(parts, "[Content_Types].xml")
    if not any(o.get("PartName") == f"/{name}" for o in types):
        override = etree.SubElement(types, q(CT, "Override"))
        override.set("PartName", f"/{name}")
        override.set("ContentType", content_type)
        put(parts, "[Content_Types].xml", types)
    rels = tree(parts, "xl/_rels/workbook.xml.rels")
    target = name.removeprefix("xl/")
    if not any(r.get("Target") in (target, f"/{name}") for r in rels):
        relation_type = relation if "://" in relation else f"{REL}/{relation}"
        add_relationship(rels, relation_type, target)
        put(parts, "xl/_rels/workbook.xml.rels", rels)


def add_relationship(rels: etree._Element, relation_type: str, target: str) -> str:
    taken = {r.get("Id") for r in rels}
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    relation = etree.SubElement(rels, q(PKG_REL, "Relationship"))
    relation.set("Id", f"rId{number}")
    relation.set("Type", relation_type)
    relation.set("Target", target)
    return f"rId{number}"


def renumber_styles(parts: Parts) -> None:
    """Rebuild the cell formats in another order and renumber every cell's ``s``.

    Excel and WPS write their own stylesheet on save (§18.8.39 styleSheet): the cell formats
    (§18.8.10 cellXfs) keep only what is used, in their own order, so a cell's ``s`` index
    (§18.3.1.4) is not the one we issued. Here: format 0 stays (the default), the others
    are reversed, and every ``s`` and row/column ``style`` follows.
    """
    styles = tree(parts, "xl/styles.xml")
    formats = styles.find(q(MAIN, "cellXfs"))
    xfs = list(formats)
    order = [0, *range(len(xfs) - 1, 0, -1)]
    new_index = {old: new for new, old in enumerate(order)}
    for xf in xfs:
        formats.remove(xf)
    for old in order:
        formats.append(xfs[old])
    put(parts, "xl/styles.xml", styles)
    for name in worksheets(parts):
        sheet = tree(parts, name)
        for element in sheet.iter(q(MAIN, "c"), q(MAIN, "row"), q(MAIN, "col")):
            attribute = "style" if element.tag == q(MAIN, "col") else "s"  # §18.3.1.13, .73
            if element.get(attribute) is not None:
                element.set(attribute, str(new_index[int(element.get(attribute))]))
        put(parts, name, sheet)


def save_time(parts: Parts, saved: str, who: str, application: str) -> None:
    """The save time and author (Part 2 §11: cp:lastModifiedBy, dcterms:modified as W3CDTF;
    Excel and WPS write UTC with ``Z``), and the program (docProps/app.xml, Part 1 §22.2)."""
    core = tree(parts, "docProps/core.xml")
    ns = {
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dcterms": "http://purl.org/dc/terms/",
    }
    core.find("dcterms:modified", ns).text = saved
    by = core.find("cp:lastModifiedBy", ns)
    if by is None:
        by = etree.SubElement(core, q(ns["cp"], "lastModifiedBy"))
    by.text = who
    put(parts, "docProps/core.xml", core)
    app = tree(parts, "docProps/app.xml")
    extended = app.nsmap[None]
    found = app.find(q(extended, "Application"))
    if found is None:
        found = etree.SubElement(app, q(extended, "Application"))
    found.text = application
    put(parts, "docProps/app.xml", app)


def sheet_state(parts: Parts, sheet: str, state: str) -> None:
    """A sheet's visibility in workbook.xml (§18.2.19 sheet@state, §18.18.68 ST_SheetState)."""
    workbook = tree(parts, "xl/workbook.xml")
    for entry in workbook.iter(q(MAIN, "sheet")):
        if entry.get("name") == sheet:
            entry.set("state", state)
    put(parts, "xl/workbook.xml", workbook)


# --- Excel -----------------------------------------------------------------------------------


def excel_sheets(parts: Parts) -> None:
    """Excel 2010+'s worksheet XML: ``mc:Ignorable`` x14ac attributes (``dyDescent`` on the
    sheet format and rows, ``spans`` on rows; Part 3 §10.2.1 Ignorable), as in excelize's
    test/Book1.xlsx; and list validations in the x14 form in the extLst ([MS-XLSX]: the
    worksheet extension {CCE6A557-…} holding x14:dataValidation; §18.2.10 extLst, last in
    the worksheet). Excel writes that form for what the 2007 form cannot hold -- a list drawn
    from another sheet, which a unit gets by re-pointing a drop-down -- so ours are moved
    there to make the reader meet it."""
    for name in worksheets(parts):
        old = tree(parts, name)
        sheet = etree.Element(
            old.tag, nsmap={None: MAIN, "r": REL, "mc": MC, "x14ac": X14AC}, attrib=old.attrib
        )
        sheet.set(q(MC, "Ignorable"), "x14ac")
        sheet.extend(list(old))
        for fmt in sheet.iter(q(MAIN, "sheetFormatPr")):
            fmt.set(q(X14AC, "dyDescent"), "0.15")
        for row in sheet.iter(q(MAIN, "row")):
            columns = [_column_number(c.get("r", "")) for c in row]
            if columns:
                row.set("spans", f"{min(columns)}:{max(columns)}")
            row.set(q(X14AC, "dyDescent"), "0.25")
        _x14_validations(sheet)
        put(parts, name, sheet)


def _column_number(ref: str) -> int:
    """The column number of an A1 reference (for spans)."""
    number = 0
    for ch in ref:
        if ch.isalpha():
            number = number * 26 + ord(ch.upper()) - 64
    return number


def _x14_validations(sheet: etree._Element) -> None:
    validations = sheet.find(q(MAIN, "dataValidations"))
    if validations is None:
        return
    lists = [v for v in validations if v.get("type") == "list"]
    if not lists:
        return
    ext_list = sheet.find(q(MAIN, "extLst"))
    if ext_list is None:
        ext_list = etree.SubElement(sheet, q(MAIN, "extLst"))
    ext = etree.SubElement(ext_list, q(MAIN, "ext"), nsmap={"x14": X14})
    ext.set("uri", X14_VALIDATIONS_URI)
    moved = etree.SubElement(ext, q(X14, "dataValidations"), nsmap={"xm": XM})
    moved.set("count", str(len(lists)))
    for validation in lists:
        validations.remove(validation)
        x14 = etree.SubElement(moved, q(X14, "dataValidation"))
        for key, value in validation.attrib.items():
            if key != "sqref":
                x14.set(key, value)
        formula = etree.SubElement(x14, q(X14, "formula1"))
        etree.SubElement(formula, q(XM, "f")).text = validation.find(q(MAIN, "formula1")).text
        etree.SubElement(x14, q(XM, "sqref")).text = validation.get("sqref")
    if len(validations):
        validations.set("count", str(len(validations)))
    else:
        sheet.remove(validations)


def excel_workbook(parts: Parts) -> None:
    """Excel's workbook.xml: ``fileVersion`` first, the saved folder in an
    ``mc:AlternateContent``/``x15ac:absPath`` (as excelize's test/Book1.xlsx), its window, and
    its calculation engine id (§18.2.13 fileVersion, §18.2.2 calcPr; Part 3 §10.2.1)."""
    old = tree(parts, "xl/workbook.xml")
    x15ac = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"
    x15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
    workbook = etree.Element(
        old.tag, nsmap={None: MAIN, "r": REL, "mc": MC, "x15": x15}, attrib=old.attrib
    )
    workbook.set(q(MC, "Ignorable"), "x15")
    version = etree.SubElement(workbook, q(MAIN, "fileVersion"))
    for key, value in (("appName", "xl"), ("lastEdited", "7"), ("lowestEdited", "7")):
        version.set(key, value)
    version.set("rupBuild", "27328")
    for child in old:
        workbook.append(child)
        if child.tag == q(MAIN, "workbookPr"):
            child.set("defaultThemeVersion", "166925")
            alternate = etree.SubElement(workbook, q(MC, "AlternateContent"))
            choice = etree.SubElement(alternate, q(MC, "Choice"), Requires="x15")
            path = etree.SubElement(choice, q(x15ac, "absPath"), nsmap={"x15ac": x15ac})
            path.set("url", "C:\\Users\\办公室\\Desktop\\")
        elif child.tag == q(MAIN, "calcPr"):
            child.attrib.clear()
            child.set("calcId", "191029")
    put(parts, "xl/workbook.xml", workbook)


def excel_styles(parts: Parts) -> None:
    """Excel's stylesheet extras: ``x14ac:knownFonts`` (as in excelize's test/Book1.xlsx),
    an empty ``dxfs`` and ``tableStyles``, and an extLst with the slicer styles
    (§18.8.17 dxfs, §18.8.42 tableStyles; [MS-XLSX]: the stylesheet extension
    {EB79DEF2-…} holding x14:slicerStyles)."""
    styles = tree(parts, "xl/styles.xml")
    root = etree.Element(
        styles.tag, nsmap={None: MAIN, "mc": MC, "x14ac": X14AC}, attrib=styles.attrib
    )
    root.set(q(MC, "Ignorable"), "x14ac")
    root.extend(list(styles))
    fonts = root.find(q(MAIN, "fonts"))
    fonts.set(q(X14AC, "knownFonts"), "1")
    for tag in ("dxfs", "tableStyles", "colors", "extLst"):
        found = root.find(q(MAIN, tag))
        if found is not None:
            root.remove(found)
    etree.SubElement(root, q(MAIN, "dxfs"), count="0")
    etree.SubElement(
        root,
        q(MAIN, "tableStyles"),
        count="0",
        defaultTableStyle="TableStyleMedium2",
        defaultPivotStyle="PivotStyleLight16",
    )
    ext = etree.SubElement(etree.SubElement(root, q(MAIN, "extLst")), q(MAIN, "ext"))
    ext.set("uri", "{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}")
    slicers = etree.SubElement(ext, q(X14, "slicerStyles"), nsmap={"x14": X14})
    slicers.set("defaultSlicerStyle", "SlicerStyleLight1")
    put(parts, "xl/styles.xml", root)


def excel_save(data: bytes, saved: str, who: str, rich: Callable[[str], bool]) -> bytes:
    """``data`` as Excel (2016 and later, Chinese locale) writes it when the unit saves."""
    parts = read_parts(data)
    shared_strings(parts, phonetic=True, rich=rich)
    renumber_styles(parts)
    excel_styles(parts)
    excel_sheets(parts)
    excel_workbook(parts)
    save_time(parts, saved, who, "Microsoft Excel")
    return write_parts(parts)


# --- WPS -------------------------------------------------------------------------------------


def wps_custom_properties(parts: Parts) -> None:
    """WPS's custom document properties (Part 1 §22.3, docProps/custom.xml): its build,
    ``KSOProductBuildVer`` (2052 = zh-CN), and ``ICV``, as in the WPS-saved sample above."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    root = etree.Element(q(ns, "Properties"), nsmap={None: ns, "vt": vt})
    for pid, (name, value) in enumerate(
        (("KSOProductBuildVer", "2052-12.1.0.16120"), ("ICV", "5C1F0B9D2E7A4F6C8D3B1A0E9F8C7D6B")),
        start=2,
    ):
        prop = etree.SubElement(root, q(ns, "property"))
        prop.set("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, q(vt, "lpwstr")).text = value
    put(parts, "docProps/custom.xml", root)
    types = tree(parts, "[Content_Types].xml")
    override = etree.SubElement(types, q(CT, "Override"))
    override.set("PartName", "/docProps/custom.xml")
    override.set("ContentType", CUSTOM_TYPE)
    put(parts, "[Content_Types].xml", types)
    rels = tree(parts, "_rels/.rels")
    add_relationship(rels, f"{REL}/custom-properties", "docProps/custom.xml")
    put(parts, "_rels/.rels", rels)


def wps_cell_image(parts: Parts, sheet_part: str, cell_ref: str) -> None:
    """A photo embedded in a cell (WPS 嵌入单元格): the picture in ``xl/cellimages.xml`` with
    its relationships, the cell holding ``_xlfn.DISPIMG("ID_…",1)`` (excelize's
    picture_test.go; hucre #184 for the relationship and content types)."""
    name = "ID_7A4C1E2B9D0F4E3A8B6C5D4E3F2A1B0C"
    root = etree.Element(
        q(ETC, "cellImages"), nsmap={"etc": ETC, "xdr": XDR, "a": DRAWING, "r": REL}
    )
    pic = etree.SubElement(etree.SubElement(root, q(ETC, "cellImage")), q(XDR, "pic"))
    names = etree.SubElement(pic, q(XDR, "nvPicPr"))
    props = etree.SubElement(names, q(XDR, "cNvPr"))
    props.set("id", "2")
    props.set("name", name)
    props.set("descr", "现场照片")
    locks = etree.SubElement(etree.SubElement(names, q(XDR, "cNvPicPr")), q(DRAWING, "picLocks"))
    locks.set("noChangeAspect", "1")
    fill = etree.SubElement(pic, q(XDR, "blipFill"))
    etree.SubElement(fill, q(DRAWING, "blip")).set(q(REL, "embed"), "rId1")
    etree.SubElement(etree.SubElement(fill, q(DRAWING, "stretch")), q(DRAWING, "fillRect"))
    shape = etree.SubElement(pic, q(XDR, "spPr"))
    etree.SubElement(shape, q(DRAWING, "prstGeom"), prst="rect").append(
        etree.Element(q(DRAWING, "avLst"))
    )
    put(parts, "xl/cellimages.xml", root)
    rels = etree.Element(q(PKG_REL, "Relationships"), nsmap={None: PKG_REL})
    add_relationship(rels, f"{REL}/image", "media/image1.png")
    put(parts, "xl/_rels/cellimages.xml.rels", rels)
    parts["xl/media/image1.png"] = PNG
    types = tree(parts, "[Content_Types].xml")
    if not any(d.get("Extension") == "png" for d in types):
        default = etree.Element(q(CT, "Default"), Extension="png", ContentType="image/png")
        types.insert(0, default)
    put(parts, "[Content_Types].xml", types)
    _ensure_part(parts, "xl/cellimages.xml", CELL_IMAGES_TYPE, CELL_IMAGES_REL)
    sheet = tree(parts, sheet_part)
    row_number = int("".join(ch for ch in cell_ref if ch.isdigit()))
    data = sheet.find(q(MAIN, "sheetData"))
    row = next((r for r in data if r.get("r") == str(row_number)), None)
    if row is None:
        row = etree.SubElement(data, q(MAIN, "row"), r=str(row_number))
    cell = etree.SubElement(row, q(MAIN, "c"), r=cell_ref, t="str")
    etree.SubElement(cell, q(MAIN, "f")).text = f'_xlfn.DISPIMG("{name}",1)'
    etree.SubElement(cell, q(MAIN, "v")).text = f'=DISPIMG("{name}",1)'
    put(parts, sheet_part, sheet)


def wps_save(
    data: bytes,
    saved: str,
    who: str,
    identity_state: str | None = None,
    image_at: tuple[str, str] | None = None,
) -> bytes:
    """``data`` as WPS 表格 writes it: shared strings without phonetic hints, a rebuilt
    stylesheet, its custom properties; optionally the identity sheet's visibility changed
    (a unit's 取消隐藏) and a photo embedded in a cell (sheet part, cell reference)."""
    parts = read_parts(data)
    shared_strings(parts, phonetic=False, rich=lambda _: False)
    renumber_styles(parts)
    wps_custom_properties(parts)
    if identity_state is not None:
        sheet_state(parts, "_plandocs", identity_state)
    if image_at is not None:
        wps_cell_image(parts, *image_at)
    save_time(parts, saved, who, "WPS 表格")
    return write_parts(parts)


def utc(moment: dt.datetime) -> str:
    """A naive UTC time as Excel and WPS write it in docProps/core.xml."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
