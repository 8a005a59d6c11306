"""Excel 2007+ workbooks (.xlsx, .xlsm; WPS .et saved as OOXML) → ``RawDocument``.

SpreadsheetML read directly with ``zipfile`` + ``lxml`` (as ``docx`` reads WordprocessingML),
because no library is both fast and faithful enough: openpyxl has everything but takes 20–60 ms a
workbook (the rest of the pipeline takes ~10 ms a form), python-calamine takes under 1 ms but
gives neither number formats, nor formulas, nor column widths (see the README's dependency
table). Read here, in one streaming pass per sheet:

* ``xl/workbook.xml``: the sheets in order, their state (hidden, veryHidden), the 1904 date system;
* ``xl/styles.xml``: each cell style's number format (``numFmts`` + the built-in ids);
* ``xl/sharedStrings.xml``: shared strings, rich-text runs joined, phonetic runs (``rPh``) left out;
* each sheet: cells (``t`` = n, s, str, inlineStr, b, e, d), formulas (``<f>``) by their cached
  value (``<v>``) — a formula without one is noted, never computed; merged ranges; column widths
  and hidden columns; hidden rows.

Values are displayed through ``numfmt``; the stored value is kept on the cell where it differs.
Guards as for .docx: part sizes and compression ratios capped, no DTDs, and a sheet whose used
area exceeds ``max_sheet_cells`` is skipped (a data dump or noise, not a form).
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from datetime import datetime
from typing import Final

from lxml import etree

from parsers.formats.base import ParseOptions, Services
from parsers.formats.numfmt import BUILTIN, render_number, render_text
from parsers.formats.sheet import Sheet, SheetCell, a1, to_document
from parsers.formats.zipparts import parse_xml, read_part
from schemas.errors import CorruptDocument, ResourceLimit
from schemas.records import RawDocument

S: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
S_STRICT: Final = "http://purl.oclc.org/ooxml/spreadsheetml/main"
R: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R_STRICT: Final = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_CELL_REF: Final = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
#: Excel's column width unit (a character of the default font) in points: 7 px at 96 dpi.
CHAR_PT: Final = 7 * 0.75


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=1 << 16)
def parse_ref(ref: str) -> tuple[int, int]:
    """ "D14" → (13, 3). Cached: a pure function of the reference, and the same few thousand
    references (A1 … Z300) recur in every sheet of a batch."""
    m = _CELL_REF.match(ref.upper())
    if m is None:
        raise CorruptDocument(f"a cell reference {ref!r} that is not A1-style")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r0, c0 = parse_ref(first)
    r1, c1 = parse_ref(last or first)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


class _Book:
    """The workbook-level parts: sheets, shared strings, number formats."""

    def __init__(self, zf: zipfile.ZipFile, options: ParseOptions) -> None:
        self.zf = zf
        self.options = options
        self.names = set(zf.namelist())
        wb_name = self._main_part()
        root = parse_xml(read_part(zf, wb_name, options), wb_name)
        pr = next((el for el in root.iter() if _local(el.tag) == "workbookPr"), None)
        self.date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        rels = self._rels(wb_name)
        self.sheets: list[tuple[str, str, bool]] = []  # (name, part, hidden)
        for el in root.iter():
            if _local(el.tag) != "sheet":
                continue
            rid = el.get(f"{{{R}}}id") or el.get(f"{{{R_STRICT}}}id") or ""
            target = rels.get(rid)
            if target is None or target not in self.names:
                continue  # a chartsheet or a dangling relationship: nothing to read
            state = el.get("state", "visible")
            self.sheets.append((el.get("name") or "", target, state in ("hidden", "veryHidden")))
        self.strings = self._shared_strings(rels)
        self.formats = self._styles(rels)
        #: a cell's ``s`` attribute as written → its number format code (a sheet writes the same
        #: few style indexes on every cell: looked up once each)
        self._codes: dict[str | None, str] = {}

    def code(self, style: str | None) -> str:
        """The number format code of the cell style a cell's ``s`` attribute names."""
        got = self._codes.get(style)
        if got is None:
            index = _int(style) or 0
            got = self._codes[style] = self.formats[index] if index < len(self.formats) else "General"
        return got

    def _main_part(self) -> str:
        for _, kind, target in self._relationships("_rels/.rels", ""):
            if kind.endswith("/officeDocument") and target in self.names:
                return target
        if "xl/workbook.xml" in self.names:
            return "xl/workbook.xml"
        raise CorruptDocument("zip archive without xl/workbook.xml: not an Excel workbook")

    def _relationships(self, rels_name: str, folder: str) -> list[tuple[str, str, str]]:
        """(id, type, part) of a relationships part's internal targets."""
        if rels_name not in self.names:
            return []
        root = parse_xml(read_part(self.zf, rels_name, self.options), rels_name)
        out = []
        for rel in root:
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            out.append((rel.get("Id") or "", rel.get("Type") or "", path))
        return out

    def _rels(self, part: str) -> dict[str, str]:
        """A part's relationships: by id, and by type as ``type:<last word of the type>``."""
        folder, name = posixpath.split(part)
        out: dict[str, str] = {}
        for rid, kind, path in self._relationships(posixpath.join(folder, "_rels", name + ".rels"), folder):
            out[rid] = path
            out["type:" + kind.rsplit("/", 1)[-1]] = path
        return out

    def _shared_strings(self, rels: dict[str, str]) -> list[str]:
        name = rels.get("type:sharedStrings", "xl/sharedStrings.xml")
        if name not in self.names:
            return []
        root = parse_xml(read_part(self.zf, name, self.options), name)
        return [_string_item(si) for si in root if _local(si.tag) == "si"]

    def _styles(self, rels: dict[str, str]) -> list[str]:
        """The number format code of each cell style (``cellXfs`` order)."""
        name = rels.get("type:styles", "xl/styles.xml")
        if name not in self.names:
            return []
        root = parse_xml(read_part(self.zf, name, self.options), name)
        custom: dict[int, str] = {}
        xfs: list[str] = []
        for el in root:
            tag = _local(el.tag)
            if tag == "numFmts":
                for fmt in el:
                    if (fid := _int(fmt.get("numFmtId"))) is not None:
                        custom[fid] = fmt.get("formatCode") or "General"
            elif tag == "cellXfs":
                for xf in el:
                    fid = _int(xf.get("numFmtId")) or 0
                    xfs.append(custom.get(fid) or BUILTIN.get(fid, "General"))
        return xfs


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


_T: Final = (f"{{{S}}}t", f"{{{S_STRICT}}}t")


def _string_item(si: etree._Element) -> str:
    """A shared or inline string: its ``t`` or its runs' ``t``, without phonetic runs."""
    if len(si) == 1 and (first := si[0]).tag in _T:
        return first.text or ""  # the common case: one plain string
    parts = []
    for el in si.iter():
        parent = el.getparent()
        if _local(el.tag) == "t" and (parent is None or _local(parent.tag) != "rPh"):
            parts.append(el.text or "")
    return "".join(parts)


def _number_text(value: str, code: str, book: _Book, sheet: Sheet, where: tuple[int, int] | str) -> SheetCell:
    try:
        number = float(value)
    except ValueError:
        return SheetCell(value)
    shown = render_number(number, code, book.date1904)
    ref = where if isinstance(where, str) else a1(*where)
    if not shown.understood:
        sheet.unknown_formats.append((ref, code))
    stored = value if not value.endswith(".0") else value[:-2]
    if shown.rounded:
        sheet.rounded.append((ref, shown.text.strip(), stored))
    return SheetCell(shown.text, stored)


def _tags(name: str) -> tuple[str, str]:
    return f"{{{S}}}{name}", f"{{{S_STRICT}}}{name}"


_ROW, _COL, _MERGE, _FORMAT_PR = _tags("row"), _tags("col"), _tags("mergeCell"), _tags("sheetFormatPr")
_SHEET_TAGS: Final = (*_ROW, *_COL, *_MERGE, *_FORMAT_PR)


#: A sheet part up to this size is parsed whole, a larger one streamed row by row. A form's sheet
#: is a few dozen KiB, and parsing it whole takes about a third less time than streaming; the tree
#: costs ~25× the XML (a 3.4 MiB sheet of numbers: 83 MiB), so past 1 MiB a sheet is streamed
#: and costs its bytes, not a tree of them.
WHOLE_PART_BYTES: Final = 1 << 20


def _read_sheet(book: _Book, name: str, part: str, hidden: bool) -> Sheet:
    """One worksheet: its rows, columns, merged ranges and default width."""
    sheet = Sheet(name, hidden=hidden)
    if hidden:
        return sheet
    data = read_part(book.zf, part, book.options)
    reader = _SheetReader(book, sheet)
    try:
        if len(data) <= WHOLE_PART_BYTES:
            root = parse_xml(data, part)
            for el in root.iter(_SHEET_TAGS):
                if not reader.element(el):
                    break
        else:
            for _, el in etree.iterparse(
                io.BytesIO(data), events=("end",), tag=_SHEET_TAGS, resolve_entities=False, no_network=True
            ):
                if not reader.element(el):
                    break
                if el.tag in _ROW:  # rows read are dropped: memory stays at one row
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(f"{part} is not well-formed XML ({e})") from e
    except MemoryError as e:
        raise ResourceLimit(f"{part} needs more memory than the parsing process may use") from e
    return sheet


class _SheetReader:
    """What a worksheet's elements say, read into its ``Sheet`` (whether parsed whole or streamed)."""

    __slots__ = ("book", "limit", "n_cells", "row_index", "sheet")

    def __init__(self, book: _Book, sheet: Sheet) -> None:
        self.book, self.sheet = book, sheet
        self.limit = book.options.max_sheet_cells
        self.n_cells = 0
        self.row_index = -1

    def element(self, el: etree._Element) -> bool:
        """Take one ``row``, ``col``, ``mergeCell`` or ``sheetFormatPr``; False once the sheet
        holds more cells than a form can (``sheet.too_large`` says so)."""
        tag, sheet = el.tag, self.sheet
        if tag in _ROW:
            row_index = self.row_index = (_int(el.get("r")) or self.row_index + 2) - 1
            if el.get("hidden") in ("1", "true"):
                sheet.hidden_rows.add(row_index)
            col_index = -1
            cells, book = sheet.cells, self.book
            self.n_cells += len(el)
            for c in el:
                ref = c.get("r")
                if ref:
                    _, col_index = parse_ref(ref)
                else:
                    col_index += 1
                if len(c):  # a cell without children is formatting only
                    cell = _cell(c, book, sheet, row_index, col_index)
                    if cell is not None:
                        cells[(row_index, col_index)] = cell
            if self.n_cells > self.limit:
                sheet.too_large = f"more than {self.limit} cells: too large to be a form"
                return False
        elif tag in _COL:
            _column(el, sheet)
        elif tag in _MERGE:
            if ref := el.get("ref"):
                sheet.merges.append(_range(ref))
        else:
            width = el.get("defaultColWidth")
            base = _int(el.get("baseColWidth"))
            if width:
                sheet.default_width = float(width) * CHAR_PT
            elif base is not None:
                sheet.default_width = (base + 0.71) * CHAR_PT
        return True


def _column(el: etree._Element, sheet: Sheet) -> None:
    first, last = _int(el.get("min")), _int(el.get("max"))
    if first is None or last is None:
        return
    last = min(last, first + 16384)
    hidden = el.get("hidden") in ("1", "true")
    try:
        width = float(el.get("width") or "nan") * CHAR_PT
    except ValueError:
        width = float("nan")
    for c in range(first - 1, min(last, 16384)):
        if hidden:
            sheet.hidden_cols.add(c)
        if width == width:  # not NaN: the column has a width of its own
            sheet.widths[c] = width


#: The children of a cell by their full tag (both namespaces), without splitting the tag.
_CELL_PARTS: Final = {t: name for name in ("v", "f", "is") for t in _tags(name)}


def _cell(el: etree._Element, book: _Book, sheet: Sheet, row: int, col: int) -> SheetCell | None:
    kind = el.get("t", "n")
    value: str | None = None
    formula: str | None = None
    inline: etree._Element | None = None
    for child in el:
        tag = _CELL_PARTS.get(child.tag) or _local(child.tag)
        if tag == "v":
            value = child.text or None  # an empty <v/> (openpyxl's formulas) is no value
        elif tag == "f":
            formula = child.text or "(shared formula)"
        elif tag == "is":
            inline = child
    code = book.code(el.get("s"))
    if value is None and inline is None:
        if formula is not None:
            sheet.uncached.append(f"{a1(row, col)} ={formula}")
            return SheetCell("", f"={formula}")
        return None
    if kind == "s":
        index = _int(value)
        text = book.strings[index] if index is not None and 0 <= index < len(book.strings) else ""
        return SheetCell(render_text(text, code))
    if kind == "inlineStr":
        return SheetCell(render_text(_string_item(inline) if inline is not None else value or "", code))
    if kind in ("str", "e"):
        return SheetCell(value or "")
    if kind == "b":
        return SheetCell("TRUE" if value in ("1", "true") else "FALSE", value)
    if kind == "d":
        return _date_cell(value or "", code, book, sheet, a1(row, col))
    return _number_text(value or "", code, book, sheet, (row, col))


def _date_cell(value: str, code: str, book: _Book, sheet: Sheet, ref: str) -> SheetCell:
    """An ISO 8601 date cell (``t="d"``), shown through its format as a serial would be."""
    try:
        when = datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return SheetCell(value)
    base = datetime(1904, 1, 1) if book.date1904 else datetime(1899, 12, 30)
    serial = (when - base).total_seconds() / 86400
    cell = _number_text(repr(serial), code, book, sheet, ref)
    return SheetCell(cell.text, value)


def parse_xlsx(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """An .xlsx/.xlsm workbook's visible sheets as tables, values as displayed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise CorruptDocument(f"not a readable .xlsx (zip container broken: {e})") from e
    with zf:
        book = _Book(zf, options)
        if not book.sheets:
            raise CorruptDocument("an Excel workbook without worksheets")
        sheets = [_read_sheet(book, name, part, hidden) for name, part, hidden in book.sheets]
    return to_document("xlsx", sheets, options.max_sheet_cells)
