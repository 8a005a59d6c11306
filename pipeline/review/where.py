"""Where a cell is, in the words of the form: the column label as printed above it (「实际完成值」),
the row it is on by its printed name (the 三级指标 or the fund line: 「扬尘治理六个100%」) and,
for a PDF, the page (第2页). Grid numbers (表1第5行第5列) only when the form prints no label.

One model for the report and ``jixiao show --page``: cells with their role and field as the
reader understood them (``cells.role``/``cells.field``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from pipeline.review.paper import Key

#: Fields whose value cell names its row.
ROW_NAMES: Final = ("indicators.level3", "funds.label_raw")
MM_PER_POINT: Final = 25.4 / 72
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PlacedCell:
    table: int
    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    role: str | None = None
    field: str | None = None
    page: int | None = None
    #: x0, top, x1, bottom in points from the page's top-left (pdfplumber's convention)
    box: tuple[float, float, float, float] | None = None

    @property
    def key(self) -> Key:
        return (self.table, self.row, self.col)


def short(text: str, limit: int = 24) -> str:
    """A label as one line, cut at ``limit`` characters."""
    one = _SPACE.sub("", text)
    return one if len(one) <= limit else one[: limit - 1] + "…"


def grid_place(key: Key) -> str:
    """A cell's place as people count (from 1); ``provenance`` counts from 0."""
    table, row, col = key
    return f"表{table + 1}第{row + 1}行第{col + 1}列"


class Locator:
    """The cells of one form, indexed to name a cell by its printed labels."""

    def __init__(self, cells: Iterable[PlacedCell]) -> None:
        self.cells: dict[Key, PlacedCell] = {c.key: c for c in cells}
        #: label cells, and notes over a column the reader does not know (「复核分」)
        self._headers: dict[int, list[PlacedCell]] = defaultdict(list)
        self._by_field: dict[tuple[int, str], list[PlacedCell]] = defaultdict(list)
        self._rows: dict[tuple[int, int], list[PlacedCell]] = defaultdict(list)
        for c in self.cells.values():
            if c.role in ("label", "note") and c.text.strip():
                self._headers[c.table].append(c)
            if c.role == "label" and c.text.strip() and c.field:
                self._by_field[(c.table, c.field)].append(c)
            for r in range(c.row, c.row + max(1, c.row_span)):
                self._rows[(c.table, r)].append(c)

    def column_header(self, key: Key) -> PlacedCell | None:
        """The label printed over the cell's column: the label of its field nearest above it,
        else the nearest label (or note) above whose columns cover it; a label is its own."""
        cell = self.cells.get(key)
        if cell is None:
            return None
        if cell.role == "label":
            return cell
        table, row, col = key
        if cell.field:
            same = [c for c in self._by_field.get((table, cell.field), ()) if c.row <= row]
            if same:
                return max(same, key=lambda c: (c.row, -abs(c.col - col)))
        above = [
            c
            for c in self._headers.get(table, ())
            if c.row < row and c.col <= col < c.col + max(1, c.col_span)
        ]
        return max(above, key=lambda c: c.row) if above else None

    def column_label(self, key: Key) -> str | None:
        header = self.column_header(key)
        return None if header is None else short(header.text)

    def row_label(self, key: Key) -> str | None:
        """The row's printed name: its 三级指标 or fund line, else the first label left of it."""
        table, row, col = key
        on_row = self._rows.get((table, row), [])
        for name in ROW_NAMES:
            for c in on_row:
                if c.field == name and c.role == "value" and c.text.strip() and c.key != key:
                    return short(c.text)
        left = [c for c in on_row if c.role == "label" and c.col < col and c.text.strip()]
        return short(min(left, key=lambda c: c.col).text) if left else None

    def page_of(self, keys: Iterable[Key]) -> list[int]:
        return sorted({c.page for k in keys if (c := self.cells.get(k)) is not None and c.page is not None})

    def describe(self, keys: Sequence[Key], with_page: bool = True) -> str:
        """The cells as an auditor finds them on paper, e.g.
        「其中：当年财政拨款」一行的「全年预算数」、「全年执行数」（第1页）."""
        groups: dict[tuple[int | None, int, int, str | None], list[str]] = {}
        loose: list[str] = []
        for key in keys:
            cell = self.cells.get(key)
            column = self.column_label(key)
            if cell is None or column is None:
                on_page = f"（第{cell.page}页）" if with_page and cell and cell.page else ""
                loose.append(grid_place(key) + on_page)
                continue
            group = groups.setdefault((cell.page, key[0], key[1], self.row_label(key)), [])
            if f"「{column}」" not in group:
                group.append(f"「{column}」")
        if len(groups) > 3:  # a column of cells: by column, not row by row
            return "；".join(self._by_column(groups, with_page) + loose)
        parts = []
        for (page, _, _, row_name), columns in groups.items():
            text = (f"「{row_name}」一行的" if row_name else "") + "、".join(columns)
            parts.append(text + (f"（第{page}页）" if with_page and page else ""))
        return "；".join(parts + loose)

    @staticmethod
    def _by_column(
        groups: dict[tuple[int | None, int, int, str | None], list[str]], with_page: bool
    ) -> list[str]:
        columns: dict[tuple[int | None, str], list[str | None]] = {}
        for (page, _, _, row_name), labels in groups.items():
            for label in labels:
                columns.setdefault((page, label), []).append(row_name)
        parts = []
        for (page, label), rows in columns.items():
            first = next((r for r in rows if r), None)
            since = f"，自「{first}」一行起" if first and len(rows) > 1 else ""
            count = f"的 {len(rows)} 个单元格" if len(rows) > 1 else ""
            parts.append(f"{label}一栏{count}{since}" + (f"（第{page}页）" if with_page and page else ""))
        return parts

    def position(self, key: Key) -> str | None:
        """Where the cell is on its page, in millimetres from the top-left corner."""
        cell = self.cells.get(key)
        if cell is None or cell.page is None or cell.box is None:
            return None
        x0, top, x1, bottom = (v * MM_PER_POINT for v in cell.box)
        return f"第{cell.page}页 x {x0:.1f}–{x1:.1f} mm, y {top:.1f}–{bottom:.1f} mm"
