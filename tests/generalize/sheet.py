"""Tables placed in twips → an .xlsx workbook, laid out as a budget system's export or a clerk
working in Excel lays a form out (the ``sheet`` knob).

One worksheet. The title and the year sit in rows merged across the form's width; the form may
start a few rows down and a few columns in (empty rows and columns around it). The sheet's
column boundaries are every edge of every placed cell (a table cut differently row by row gets
as many narrow columns as it has edges, as a Word table pasted into Excel does); a cell spanning
several of them, or merged down, is a merged range holding its text in its top-left cell; each
column is as wide as its edges are apart; a table cell has thin borders and wrapped text.

Values (``sheet=numbers``): a printed number is stored as a number with the number format that
prints it as on paper — "89.974" as 89.974 under ``0.000``, "98.50%" as 0.985 under ``0.00%``,
"1,009.86" as 1009.86 under ``#,##0.00`` — and every other text as text. ``sheet=computed``: the
same, but a number printed with decimals holds more digits than it shows, as amounts and rates a
budget system computes do (89.97 holds 89.9731; 97.48% holds 0.974812): the printed text is what
the form says, the stored value is kept beside it. ``sheet=text``: every value stored as text
(the exports that write numbers as strings). The rule is this module's own,
not jixiao's number reader: the workbook is written independently of what reads it.
"""

from __future__ import annotations

import itertools
import random
import re
from decimal import Decimal

from tests.generalize import content  # noqa: F401  (puts sample_docs/build on the path)
from tests.generalize.tablexml import PRow

from sheetkit import reproducible_bytes  # isort: skip

#: A number as a clerk types it into Excel: no leading zero ("007" stays text, as Excel would
#: print 7), thousands grouped or not; at most 15 significant digits (Excel's precision).
_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.(\d+))?$")
_PERCENT = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.(\d+))?%$")

#: Points per character of column width (Excel's default font: 7 px at 96 dpi).
PT_PER_CHAR = 5.25


def cell_value(text: str, rng: random.Random | None = None) -> tuple[object, str]:
    """(value, number format) of a printed text: numbers as numbers that print as shown. With
    ``rng``, a nonzero number printed with decimals holds hidden digits that round away (less
    than half its last printed digit: it still prints as shown)."""
    if sum(ch.isdigit() for ch in text) > 15:
        return text, "@"
    if m := _NUMBER.match(text):
        places = len(m.group(2) or "")
        grouped = "," in m.group(1)
        base = "#,##0" if grouped else "0"
        fmt = base + ("." + "0" * places if places else "")
        number = Decimal(text.replace(",", ""))
        if not places:
            return int(number), fmt
        return _hidden_digits(number, places, rng), fmt
    if m := _PERCENT.match(text):
        places = len(m.group(1) or "")
        fmt = "0" + ("." + "0" * places if places else "") + "%"
        return _hidden_digits(Decimal(text[:-1]) / 100, places + 2, rng), fmt
    return text, "@"


def _hidden_digits(number: Decimal, places: int, rng: random.Random | None) -> float:
    if rng is None or not number:
        return float(number)
    unit = Decimal(1).scaleb(-places)
    hidden = Decimal(rng.randint(-4400, 4400)) / 10000 * unit  # under half a unit: rounds away
    return float(number + hidden)


#: Columns an Excel 97–2003 (.xls) sheet holds (A–IV).
XLS_COLUMNS = 256


def fewer_edges(edges: list[int], cells: list[tuple[int, int]], most: int) -> dict[int, int]:
    """Each edge → the edge it is drawn at when a sheet has at most ``most`` columns: the edges
    of the narrowest columns are moved onto their neighbours (a grid cut every few twips is drawn
    coarser, as a clerk drawing it in Excel 97 would have had to), never collapsing a cell."""
    at = {x: x for x in edges}
    kept = sorted(edges)
    while len(kept) - 1 > most:
        gaps = sorted(range(len(kept) - 1), key=lambda i: kept[i + 1] - kept[i])
        for i in gaps:
            drop, onto = (kept[i + 1], kept[i]) if i + 1 < len(kept) - 1 else (kept[i], kept[i + 1])
            if drop in (kept[0], kept[-1]):
                continue
            moved = {x: (onto if y == drop else y) for x, y in at.items()}
            if all(moved[a] != moved[b] for a, b in cells):
                at = moved
                kept.remove(drop)
                break
        else:
            raise ValueError(f"cannot draw the grid in {most} columns")
    return at


def workbook(
    title: list[str],
    tables: list[list[PRow]],
    between: str,
    style: str,
    seed: str,
    most: int = 16384,
    hidden: bool = False,
    formulas: bool = False,
) -> bytes:
    """The workbook of a form: ``title`` lines above it, ``tables`` one under the other with a
    ``between`` line (（续表）) before each table after the first; at most ``most`` columns. With
    ``hidden``, a hidden column inside the form and a hidden row above it hold the codes a budget
    system keeps beside a form (项目编码 …): nothing of the form, never shown. With ``formulas``,
    the 总分 row's numbers are ``=SUM(…)`` of the column above, saved with the printed number as
    their result (a budget system's export: what it printed, whatever the cells above add up to)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    rng = random.Random(f"sheet-{seed}")
    top, left = rng.randint(0, 2), rng.randint(0, 2)
    spans = [(c.x0, c.x1) for rows in tables for row in rows for c in row.cells]
    drawn = fewer_edges(sorted({x for span in spans for x in span}), spans, most - left - hidden)
    edges = sorted(set(drawn.values()))
    # the hidden column goes before grid column h (none: h past the last column)
    h = rng.randint(1, len(edges) - 2) if hidden and len(edges) > 2 else len(edges)

    def column(j: int) -> int:
        """The sheet column of grid column ``j`` (0-based)."""
        return left + 1 + j + (j >= h)

    index = {x: edges.index(y) for x, y in drawn.items()}
    last_col = column(len(edges) - 2)
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for i, (a, b) in enumerate(itertools.pairwise(edges)):
        ws.column_dimensions[get_column_letter(column(i))].width = round((b - a) / 20 / PT_PER_CHAR, 2)
    if h < len(edges):
        ws.column_dimensions[get_column_letter(left + 1 + h)].width = 10
        ws.column_dimensions[get_column_letter(left + 1 + h)].hidden = True
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    r = top + 1

    def line(text: str) -> None:
        nonlocal r
        ws.cell(r, left + 1, text).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=left + 1, end_row=r, end_column=last_col)
        r += 1

    for text in title:
        line(text)
    if hidden:
        ws.cell(r, left + 1, "项目编码")
        ws.cell(r, left + 2, f"{rng.randint(100000, 999999)}-{rng.randint(1, 99):02d}")
        ws.row_dimensions[r].hidden = True
        r += 1
    used: set[tuple[int, int]] = set()  # sheet cells the form's cells cover
    saved: dict[str, str] = {}  # formula cells → the result saved with them
    form_rows: list[int] = []
    for k, rows in enumerate(tables):
        if k:
            line(between)
        first = r
        for i, row in enumerate(rows):
            for c in row.cells:
                c0, c1 = column(index[c.x0]), column(index[c.x1] - 1)
                r1 = first + min(i + c.rs, len(rows)) - 1
                if style != "text" and c.text:
                    value, fmt = cell_value(c.text, rng if style == "computed" else None)
                else:
                    value, fmt = c.text or None, "@"
                if formulas and c.total and isinstance(value, int | float) and r > first:
                    letter = get_column_letter(c0)
                    saved[f"{letter}{r}"] = c.text.replace(",", "")
                    value = f"=SUM({letter}{first}:{letter}{r - 1})"
                cell = ws.cell(r, c0, value)
                if isinstance(value, str) and value.startswith("=") and not value.startswith("=SUM("):
                    cell.data_type = "s"  # text as typed, never a formula
                if c.text:
                    cell.number_format = fmt
                for rr in range(r, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        ws.cell(rr, cc).border = border
                        used.add((rr, cc))
                cell.alignment = wrap
                if c1 > c0 or r1 > r:
                    ws.merge_cells(start_row=r, start_column=c0, end_row=r1, end_column=c1)
            form_rows.append(r)
            r += 1
    if h < len(edges):  # the hidden column's codes, where no cell of the form spans it
        for row_at in form_rows:
            if (row_at, left + 1 + h) not in used:
                ws.cell(row_at, left + 1 + h, f"BM{rng.randint(1000, 9999)}")
    # openpyxl writes a formula without its saved result: the sheet part gets them on the way
    part = {"xl/worksheets/sheet1.xml": lambda xml: _with_results(xml, saved)} if saved else {}
    return reproducible_bytes(wb, part)  # the same variant, the same bytes


def _with_results(xml: bytes, saved: dict[str, str]) -> bytes:
    """The sheet part with each formula cell's saved result."""
    for ref, result in saved.items():
        xml, n = re.subn(
            rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*(?:/>|></v>)'.encode(),
            rb"\g<1><v>" + result.encode() + b"</v>",
            xml,
        )
        if n != 1:
            raise ValueError(f"formula cell {ref} not found in the sheet part")
    return xml
