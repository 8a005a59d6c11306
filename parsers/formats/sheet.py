"""Worksheets → ``RawDocument``: what the spreadsheet readers (xlsx, xls, ods) share.

Each reader fills one ``Sheet`` per worksheet — the cells as displayed (number formats applied),
their stored values where they differ, merged ranges, column widths, hidden rows and columns —
and ``to_document`` turns the workbook into the tables the form reader reads, as the Word and PDF
parsers do:

* one table per visible worksheet, in workbook order (several sheets = several forms' worth;
  several forms on one sheet stay in one table: the form reader cuts them at their titles);
* grid rows and columns are the sheet's own (row 13, col 3 is D14), so provenance points at the
  cell an auditor opens; only the used area (every non-empty cell and the merges touching it)
  holds cells, empty cells inside it included, so a blank value stays a blank value;
* a merged range is one cell with its spans (each merged cell once);
* ``Cell.extent`` from the column widths (hidden columns have no width);
* hidden sheets, rows and columns are not read (nor printed) and are noted; so are sheets too
  large to be a form, formulas without a saved result and displays that round digits away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.text import clean_text
from schemas.errors import ResourceLimit
from schemas.records import Cell, RawDocument, Table
from schemas.statuses import note

#: Default column width in points (Excel's 8.43 characters = 64 px).
DEFAULT_WIDTH_PT = 48.0
#: Examples quoted per note (the rest are counted).
EXAMPLES = 3


def column_name(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def a1(row: int, col: int) -> str:
    return f"{column_name(col)}{row + 1}"


@dataclass(slots=True)
class SheetCell:
    text: str  # as displayed
    stored: str | None = None  # the stored value, where it differs from the text


@dataclass(slots=True)
class Sheet:
    """One worksheet as a reader found it (0-based rows and columns)."""

    name: str
    hidden: bool = False
    cells: dict[tuple[int, int], SheetCell] = field(default_factory=dict)
    #: merged ranges: (first row, first col, last row, last col), inclusive
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: column widths in points (columns not listed have ``default_width``)
    widths: dict[int, float] = field(default_factory=dict)
    default_width: float = DEFAULT_WIDTH_PT
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    #: cells whose formula has no saved result (A1 refs and formulas)
    uncached: list[str] = field(default_factory=list)
    #: cells whose display drops digits: (A1, shown, stored)
    rounded: list[tuple[str, str, str]] = field(default_factory=list)
    #: format codes not rendered: (A1, code)
    unknown_formats: list[tuple[str, str]] = field(default_factory=list)
    #: set when the sheet was not read whole (too many cells): why
    too_large: str | None = None


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:EXAMPLES])
    return shown + (f" (+{len(items) - EXAMPLES} more)" if len(items) > EXAMPLES else "")


def _notes(sheet: Sheet) -> list[str]:
    where = f"sheet '{sheet.name}'"
    out = []
    if sheet.uncached:
        out.append(note("formula_no_value", f"{where}: {_examples(sheet.uncached)}"))
    if sheet.rounded:
        shown = [f"{ref} shows {text}, holds {stored}" for ref, text, stored in sheet.rounded]
        out.append(note("display_rounded", f"{where}: {_examples(shown)}"))
    if sheet.unknown_formats:
        codes = [f"{ref} {code!r}" for ref, code in sheet.unknown_formats]
        out.append(note("number_format_unknown", f"{where}: {_examples(codes)}"))
    return out


def _used_area(sheet: Sheet) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the non-empty visible cells and the merges touching them."""
    filled = [
        rc
        for rc, c in sheet.cells.items()
        if (c.text or c.stored) and rc[0] not in sheet.hidden_rows and rc[1] not in sheet.hidden_cols
    ]
    if not filled:
        return None
    top, bottom = min(r for r, _ in filled), max(r for r, _ in filled)
    left, right = min(c for _, c in filled), max(c for _, c in filled)
    changed = True
    while changed:  # a merge reaching out of the area widens it (a title merged over the form)
        changed = False
        for r0, c0, r1, c1 in sheet.merges:
            if r0 <= bottom and r1 >= top and c0 <= right and c1 >= left:
                box = (min(top, r0), min(left, c0), max(bottom, r1), max(right, c1))
                if box != (top, left, bottom, right):
                    top, left, bottom, right = box
                    changed = True
    return top, left, bottom, right


def _table(index: int, sheet: Sheet, max_cells: int) -> Table | None:
    area = _used_area(sheet)
    if area is None:
        return None
    top, left, bottom, right = area
    if (bottom - top + 1) * (right - left + 1) > max_cells:
        raise ResourceLimit(
            f"sheet '{sheet.name}' uses {a1(top, left)}:{a1(bottom, right)}, more than "
            f"{max_cells} cells: too large to be a form"
        )
    x = [0.0]
    for c in range(right + 1):
        x.append(x[-1] + (0.0 if c in sheet.hidden_cols else sheet.widths.get(c, sheet.default_width)))
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sheet.merges:
        r0, c0, r1, c1 = max(r0, top), max(c0, left), min(r1, bottom), min(c1, right)
        if r0 > r1 or c0 > c1:
            continue
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    columns = [c for c in range(left, right + 1) if c not in sheet.hidden_cols]
    filled = sheet.cells
    cells = []
    for r in range(top, bottom + 1):
        if r in sheet.hidden_rows:
            continue
        for c in columns:
            at = (r, c)
            span = anchors.get(at)
            if span is None:
                if at in covered:
                    continue
                rs = cs = 1
            else:
                rs, cs = span
            got = filled.get(at)
            if got is None:
                cells.append(Cell(r, c, rs, cs, "", extent=(x[c], x[c + cs])))
                continue
            text = clean_text(got.text)
            stored = got.stored if got.stored != text else None
            cells.append(Cell(r, c, rs, cs, text, extent=(x[c], x[c + cs]), stored=stored))
    return Table(index, bottom + 1, right + 1, tuple(cells))


def to_document(fmt: str, sheets: list[Sheet], max_cells: int) -> RawDocument:
    """The workbook's visible sheets as tables, in order, with notes on what was not read."""
    tables: list[Table] = []
    warnings: list[str] = []
    skipped: list[str] = []
    for sheet in sheets:
        if sheet.hidden:
            skipped.append(f"'{sheet.name}' (hidden)")
            continue
        if sheet.too_large is not None:
            skipped.append(f"'{sheet.name}' ({sheet.too_large})")
            continue
        try:
            table = _table(len(tables), sheet, max_cells)
        except ResourceLimit as e:
            skipped.append(f"'{sheet.name}' ({e})")
            continue
        hidden = [f"row {r + 1}" for r in sorted(sheet.hidden_rows)]
        hidden += [f"column {column_name(c)}" for c in sorted(sheet.hidden_cols)]
        if table is not None and hidden:
            warnings.append(note("hidden_cells", f"sheet '{sheet.name}': {_examples(hidden)}"))
        warnings.extend(_notes(sheet))
        if table is not None:
            tables.append(table)
    if skipped:
        warnings.insert(0, note("sheet_skipped", "; ".join(skipped)))
    if not tables and any("too large" in s or "cells" in s for s in skipped):
        raise ResourceLimit("no worksheet small enough to be a form: " + "; ".join(skipped))
    return RawDocument(fmt, tuple(tables), warnings=tuple(warnings))
