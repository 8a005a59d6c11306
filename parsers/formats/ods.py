"""OpenDocument spreadsheets (.ods; LibreOffice Calc, WPS "save as ODF") → ``RawDocument``.

ODF stores what a cell displays next to what it holds (``<text:p>`` beside ``office:value``), so
no number format needs rendering: the text is the display, the value is kept where it differs.
Read from ``content.xml`` with lxml, streaming table by table: cells (``table:table-cell``; a
``table:covered-table-cell`` is inside a merge), spans (``number-columns-spanned`` /
``number-rows-spanned``), repeats (``number-columns-repeated`` / ``number-rows-repeated``, which
Calc writes for the empty rest of a sheet: counted, never expanded), formulas without a value,
hidden sheets (a table style with ``table:display="false"``), hidden rows and columns
(``table:visibility``) and column widths (automatic column styles).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Final

from lxml import etree

from parsers.formats.base import ParseOptions, Services
from parsers.formats.sheet import Sheet, SheetCell, a1, to_document
from parsers.formats.zipparts import read_part
from schemas.errors import CorruptDocument, ResourceLimit
from schemas.records import RawDocument

TABLE: Final = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT: Final = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE: Final = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_LENGTH: Final = re.compile(r"^([\d.]+)(cm|mm|in|pt|pc|px)$")
_PT_PER: Final = {"cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72.0, "pt": 1.0, "pc": 12.0, "px": 0.75}
#: Repeats beyond this are the empty rest of a sheet (Calc writes 1048576 rows).
_MAX_INDEX: Final = 1 << 20


def _t(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


_TABLE, _ROW, _COLUMN = _t(TABLE, "table"), _t(TABLE, "table-row"), _t(TABLE, "table-column")
_CELL, _COVERED = _t(TABLE, "table-cell"), _t(TABLE, "covered-table-cell")
_STYLE = _t(STYLE, "style")
_P, _S, _TAB, _BREAK = _t(TEXT, "p"), _t(TEXT, "s"), _t(TEXT, "tab"), _t(TEXT, "line-break")
_ANNOTATION = _t(OFFICE, "annotation")


def _int(el: etree._Element, name: str, default: int = 1) -> int:
    try:
        return max(1, int(el.get(_t(TABLE, name)) or default))
    except ValueError:
        return default


def _length_pt(text: str | None) -> float | None:
    m = _LENGTH.match(text or "")
    return float(m.group(1)) * _PT_PER[m.group(2)] if m else None


def _paragraph_text(el: etree._Element) -> str:
    """A ``text:p``'s text: spans followed, ``text:s`` as its count of spaces, notes left out."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == _S:
            parts.append(" " * int(child.get(_t(TEXT, "c")) or 1))
        elif child.tag == _TAB:
            parts.append(" ")
        elif child.tag == _BREAK:
            parts.append("\n")
        elif child.tag != _ANNOTATION:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_text(cell: etree._Element) -> str:
    return "\n".join(_paragraph_text(p) for p in cell if p.tag == _P)


def _stored(cell: etree._Element) -> str | None:
    kind = cell.get(_t(OFFICE, "value-type"))
    if kind in ("float", "percentage", "currency"):
        return cell.get(_t(OFFICE, "value"))
    if kind == "date":
        return cell.get(_t(OFFICE, "date-value"))
    if kind == "time":
        return cell.get(_t(OFFICE, "time-value"))
    if kind == "boolean":
        return cell.get(_t(OFFICE, "boolean-value"))
    return None


class _Styles:
    """Automatic styles of content.xml: column widths and hidden tables."""

    def __init__(self) -> None:
        self.widths: dict[str, float] = {}
        self.hidden_tables: set[str] = set()

    def add(self, style: etree._Element) -> None:
        name = style.get(_t(STYLE, "name")) or ""
        for props in style:
            if props.tag == _t(STYLE, "table-column-properties"):
                width = _length_pt(props.get(_t(STYLE, "column-width")))
                if width is not None:
                    self.widths[name] = width
            elif props.tag == _t(STYLE, "table-properties") and props.get(_t(TABLE, "display")) == "false":
                self.hidden_tables.add(name)


def _read_table(table: etree._Element, styles: _Styles, options: ParseOptions) -> Sheet:
    sheet = Sheet(
        table.get(_t(TABLE, "name")) or "", hidden=table.get(_t(TABLE, "style-name")) in styles.hidden_tables
    )
    if sheet.hidden:
        return sheet
    col = 0
    row = 0
    n_cells = 0
    for el in table.iter(_COLUMN, _ROW):
        if el.tag == _COLUMN:
            repeat = _int(el, "number-columns-repeated")
            width = styles.widths.get(el.get(_t(TABLE, "style-name")) or "")
            hidden = el.get(_t(TABLE, "visibility"), "visible") != "visible"
            for c in range(col, min(col + repeat, _MAX_INDEX)):
                if width is not None:
                    sheet.widths[c] = width
                if hidden:
                    sheet.hidden_cols.add(c)
            col += repeat
            continue
        repeat = _int(el, "number-rows-repeated")
        if el.get(_t(TABLE, "visibility"), "visible") != "visible":
            sheet.hidden_rows.update(range(row, min(row + repeat, _MAX_INDEX)))
        c = 0
        for cell in el:
            if cell.tag not in (_CELL, _COVERED):
                continue
            span = _int(cell, "number-columns-repeated")
            if cell.tag == _CELL and (len(cell) or cell.get(_t(TABLE, "formula"))):
                n_cells += span * repeat
                if n_cells > options.max_sheet_cells:
                    sheet.too_large = f"more than {options.max_sheet_cells} cells: too large to be a form"
                    return sheet
                _put(sheet, cell, row, c, span, repeat)
            c += span
        row += repeat
    return sheet


def _put(sheet: Sheet, cell: etree._Element, row: int, col: int, span: int, repeat: int) -> None:
    text = _cell_text(cell)
    stored = _stored(cell)
    formula = cell.get(_t(TABLE, "formula"))
    if formula and stored is None and not text:
        sheet.uncached.append(f"{a1(row, col)} {formula}")
        stored = formula
    cols = _int(cell, "number-columns-spanned")
    rows = _int(cell, "number-rows-spanned")
    for r in range(row, row + repeat):
        for c in range(col, col + span):
            sheet.cells[(r, c)] = SheetCell(text, stored)
            if cols > 1 or rows > 1:
                sheet.merges.append((r, c, r + rows - 1, c + cols - 1))


def parse_ods(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """An OpenDocument spreadsheet's visible sheets as tables, values as displayed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise CorruptDocument(f"not a readable .ods (zip container broken: {e})") from e
    with zf:
        if "content.xml" not in zf.namelist():
            raise CorruptDocument("an OpenDocument file without content.xml")
        content = read_part(zf, "content.xml", options)
    styles = _Styles()
    sheets: list[Sheet] = []
    try:
        for _, el in etree.iterparse(
            io.BytesIO(content),
            events=("end",),
            tag=(_STYLE, _TABLE),
            resolve_entities=False,
            no_network=True,
        ):
            if el.tag == _STYLE:
                styles.add(el)
            else:
                sheets.append(_read_table(el, styles, options))
                el.clear()
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(f"content.xml is not well-formed XML ({e})") from e
    except MemoryError as e:
        raise ResourceLimit("content.xml needs more memory than the parsing process may use") from e
    if not sheets:
        raise CorruptDocument("an OpenDocument file without spreadsheet tables")
    return to_document("ods", sheets, options.max_sheet_cells)
