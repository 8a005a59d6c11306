"""A small kit for the sample workbooks (used by ``pdf_variants.py`` and ``office_samples.py``).

``place_form`` lays the national form out on a worksheet the way a clerk or a budget system does:
merged cells, thin borders on every cell of the form, wrapped text, row heights set by hand,
numbers stored as numbers with the number format that prints them as on paper ("230.00",
"97.48%"), anywhere on the sheet (``top``/``left``: empty rows and columns around the form).
``print_setup`` fits a print area to one A4 page width. ``save_reproducible`` saves with fixed
document properties and zip timestamps, so rebuilding gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docxkit import _place, reproducible_zip
from layout import FormSpec, head_rows, indicator_rows

_NUMBER = re.compile(r"^\d+(?:\.(\d+))?$")
_PERCENT = re.compile(r"^\d+(?:\.(\d+))?%$")

#: Column widths of the worksheet (characters), wide enough for "97.48%" and "1843.20".
SHEET_WIDTHS = [5.0, 9.0, 10.0, 22.0, 11.0, 11.0, 7.0, 9.0, 18.0]
SHEET_FONT_PT = 10.0
FIXED_TIME = datetime(2024, 1, 15, 9, 0, 0)


def cell_value(text: str) -> tuple[object, str]:
    """A spreadsheet cell for a printed value: numbers are numbers (with the format that prints
    them as shown), everything else is text."""
    if m := _NUMBER.match(text):
        places = len(m.group(1) or "")
        return float(text) if places else int(text), "0." + "0" * places if places else "0"
    if m := _PERCENT.match(text):
        places = len(m.group(1) or "")
        return float(text[:-1]) / 100, ("0." + "0" * places if places else "0") + "%"
    return text, "@"


def _text_width_pt(text: str) -> float:
    """Printed width of one line at SHEET_FONT_PT: CJK and full-width signs take a full em."""
    return sum(SHEET_FONT_PT * (0.55 if ord(ch) < 0x2000 else 1.0) for ch in text)


def rows_needed_pt(text: str, width_chars: float) -> float:
    """Height a wrapped cell needs (Calc, like Excel, never grows a row for a merged cell)."""
    usable = width_chars * 7 * 0.75 - 6  # Excel width → pixels → points, minus the cell padding
    lines = 0
    for para in text.split("\n") or [""]:
        lines += max(1, -(-int(_text_width_pt(para)) // int(usable)))
    return lines * SHEET_FONT_PT * 1.35 + 5


@dataclass
class Placed:
    """Where a form landed: its first and last sheet row, and the sheet cell of each printed text
    (1-based row, column), for formulas laid over it."""

    first_row: int
    last_row: int
    left: int
    cells: dict[tuple[int, int], str] = field(default_factory=dict)

    def find(self, text: str) -> tuple[int, int]:
        """The first cell (in sheet order) that prints ``text``."""
        return min(rc for rc, t in self.cells.items() if t == text)

    def find_in_row(self, text: str, row: int) -> tuple[int, int]:
        return min(rc for rc, t in self.cells.items() if t == text and rc[0] == row)


def title_rows(ws: Any, top: int, left: int, lines: list[tuple[str, float, bool]]) -> int:
    """Title lines merged across the form's width (text, size, bold); the next free row."""
    from openpyxl.styles import Alignment, Font

    for i, (text, size, bold) in enumerate(lines):
        row = top + i
        ws.merge_cells(start_row=row, start_column=left, end_row=row, end_column=left + 8)
        ws.cell(row, left, text).font = Font(name="宋体", size=size, bold=bold)
        ws.cell(row, left).alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[row].height = 30 if bold else 20
    return top + len(lines)


def place_form(ws: Any, spec: FormSpec, top: int, left: int = 1) -> Placed:
    """The form's table with its top-left cell at (``top``, ``left``) (1-based)."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name="宋体", size=SHEET_FONT_PT)
    rows = head_rows(spec) + indicator_rows(spec)
    placed = Placed(top, top + len(rows) - 1, left)
    heights = [SHEET_FONT_PT * 1.35 + 5] * len(rows)
    for r, c, cell in sorted(_place(9, rows), key=lambda p: p[2].rs):
        row, col = top + r, left + c
        text = cell.text.replace("\n", "")
        placed.cells[(row, col)] = text
        value, fmt = cell_value(text)
        target = ws.cell(row, col, value)
        target.number_format = fmt
        for rr in range(row, row + cell.rs):
            for cc in range(col, col + cell.cs):
                ws.cell(rr, cc).border = border
                ws.cell(rr, cc).font = body_font
                ws.cell(rr, cc).alignment = Alignment(wrap_text=True, vertical="center")
        if cell.cs > 1 or cell.rs > 1:
            ws.merge_cells(
                start_row=row, start_column=col, end_row=row + cell.rs - 1, end_column=col + cell.cs - 1
            )
        need = rows_needed_pt(text, sum(SHEET_WIDTHS[c : c + cell.cs]))
        have = sum(heights[r : r + cell.rs])
        if need > have:  # spread what is missing over the rows the cell covers
            for rr in range(r, r + cell.rs):
                heights[rr] += (need - have) / cell.rs
    for r, height in enumerate(heights):
        ws.row_dimensions[top + r].height = round(height, 1)
    for i, width in enumerate(SHEET_WIDTHS):
        ws.column_dimensions[get_column_letter(left + i)].width = width
    return placed


def print_setup(ws: Any, area: str) -> None:
    """The print area fitted to one A4 portrait page width, centred, no header or footer."""
    ws.print_area = area
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    assert ws.sheet_properties.pageSetUpPr is not None
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddHeader.center.text = ""
    ws.oddFooter.center.text = ""


def reproducible_bytes(wb: Any, patch: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The workbook saved with fixed properties and zip timestamps: the same workbook gives the same
    bytes. openpyxl stamps ``dcterms:modified`` with the time of saving whatever the workbook
    says; it is set back to ``FIXED_TIME`` here. ``patch``: members rewritten on the way."""
    wb.properties.creator = "jixiao sample_docs"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")

    def core(body: bytes) -> bytes:
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), body)

    return reproducible_zip(buf.getvalue(), {"docProps/core.xml": core, **(patch or {})})


def save_reproducible(wb: Any, path: Path) -> None:
    """Save with fixed properties and zip timestamps: the same workbook gives the same bytes."""
    path.write_bytes(reproducible_bytes(wb))
