"""Excel 97-2003 and WPS spreadsheets (.xls, .et: BIFF in an OLE file) → ``RawDocument``.

xlrd with ``formatting_info=True`` reads everything a form needs from BIFF 2–8: each cell's value
(a formula's cached result, which BIFF always stores) and its style's number format, merged
ranges, column widths and hidden columns, hidden rows, hidden sheets and the 1904 date system.
The same ``numfmt`` and ``sheet`` code as for .xlsx displays the values and builds the tables,
so a form saved as .xls reads as it does from .xlsx.

A password-protected workbook (a ``FILEPASS`` record) is ``EncryptedDocument``; a damaged one
``CorruptDocument``; a BIFF stream larger than ``max_part_bytes`` is refused before it is read.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import xlrd

from parsers.formats.base import ParseOptions, Services
from parsers.formats.numfmt import BUILTIN, render_number
from parsers.formats.sheet import DEFAULT_WIDTH_PT, Sheet, SheetCell, a1, to_document
from schemas.errors import CorruptDocument, EncryptedDocument, ResourceLimit
from schemas.records import RawDocument

#: BIFF column widths are in 1/256 of a character of the default font (7 px = 5.25 pt).
_WIDTH_UNIT_PT = 7 * 0.75 / 256
#: Exceptions xlrd lets escape on a malformed file (it checks little on its own).
_MALFORMED = (xlrd.XLRDError, struct.error, IndexError, KeyError, ValueError, AssertionError, EOFError)


def _open(data: bytes, options: ParseOptions) -> Any:
    if len(data) > options.max_part_bytes:
        raise ResourceLimit(
            f"a {len(data) // (1 << 20)} MiB .xls is larger than the {options.max_part_bytes >> 20} MiB "
            "limit: refused (a form is a few hundred KB)"
        )
    try:
        return xlrd.open_workbook(
            file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO()
        )
    except xlrd.XLRDError as e:
        if "encrypted" in str(e).lower():
            raise EncryptedDocument(
                "a password-protected Excel workbook: remove the password and submit again"
            ) from e
        raise CorruptDocument(f"not a readable .xls ({e})") from e
    except MemoryError as e:
        raise ResourceLimit("the workbook needs more memory than the parsing process may use") from e
    except _MALFORMED as e:
        raise CorruptDocument(f"not a readable .xls ({type(e).__name__}: {e})") from e


def _format_code(book: Any, xf_index: int) -> str:
    try:
        key = book.xf_list[xf_index].format_key
    except IndexError:
        return "General"
    fmt = book.format_map.get(key)
    return fmt.format_str if fmt is not None else BUILTIN.get(key, "General")


def _read_sheet(book: Any, index: int, options: ParseOptions) -> Sheet:
    name = book.sheet_names()[index]
    try:
        sh = book.sheet_by_index(index)
    except MemoryError as e:
        raise ResourceLimit(f"sheet '{name}' needs more memory than the parsing process may use") from e
    except _MALFORMED as e:
        raise CorruptDocument(f"sheet '{name}' cannot be read ({type(e).__name__}: {e})") from e
    sheet = Sheet(name, hidden=sh.visibility != 0)
    if sheet.hidden:
        return sheet
    if sh.nrows * sh.ncols > options.max_sheet_cells:
        sheet.too_large = f"{sh.nrows} rows × {sh.ncols} columns: too large to be a form"
        return sheet
    if sh.standardwidth:
        sheet.default_width = sh.standardwidth * _WIDTH_UNIT_PT
    elif sh.defcolwidth:
        sheet.default_width = (sh.defcolwidth + 0.71) * 7 * 0.75
    else:
        sheet.default_width = DEFAULT_WIDTH_PT
    for c, info in sh.colinfo_map.items():
        sheet.widths[c] = info.width * _WIDTH_UNIT_PT
        if info.hidden:
            sheet.hidden_cols.add(c)
    sheet.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
    sheet.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
    for r in range(sh.nrows):
        for c, (ctype, value) in enumerate(zip(sh.row_types(r), sh.row_values(r), strict=True)):
            if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            sheet.cells[(r, c)] = _cell(book, sheet, r, c, ctype, value, sh.cell_xf_index(r, c))
    return sheet


def _cell(book: Any, sheet: Sheet, r: int, c: int, ctype: int, value: Any, xf: int) -> SheetCell:
    if ctype == xlrd.XL_CELL_TEXT:
        return SheetCell(str(value))
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return SheetCell("TRUE" if value else "FALSE", str(int(value)))
    if ctype == xlrd.XL_CELL_ERROR:
        return SheetCell(xlrd.error_text_from_code.get(value, "#ERR"))
    code = _format_code(book, xf)
    number = float(value)
    shown = render_number(number, code, bool(book.datemode))
    ref = a1(r, c)
    if not shown.understood:
        sheet.unknown_formats.append((ref, code))
    stored = repr(number)[:-2] if number.is_integer() and abs(number) < 1e15 else repr(number)
    if shown.rounded:
        sheet.rounded.append((ref, shown.text.strip(), stored))
    return SheetCell(shown.text, stored)


def parse_xls(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """A BIFF workbook's (.xls, .et) visible sheets as tables, values as displayed."""
    book = _open(data, options)
    try:
        sheets = [_read_sheet(book, i, options) for i in range(book.nsheets)]
    finally:
        book.release_resources()
    return to_document("xls", sheets, options.max_sheet_cells)
