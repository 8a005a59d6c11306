"""A document as a stream of rows and paragraphs, with each table's grid occupancy.

Forms are read row by row across table boundaries (a form may be split over several Word tables,
or several forms may follow each other in one file). A ``RowView`` gives a row's *own* cells
(those starting in it: what a label lookup should see, so a vertically merged label counts once)
and the cell *covering* any grid position (what a value lookup should see, so a merged 一级指标
label applies to every row it spans).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from parsers.text import label_key
from schemas.records import Cell, CellRef, Paragraph, RawDocument, Table


class Grid:
    """Occupancy of one table: which cell covers each (row, col)."""

    __slots__ = ("_cover", "own_rows", "table")

    def __init__(self, table: Table) -> None:
        self.table = table
        self._cover: dict[tuple[int, int], Cell] = {}
        self.own_rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
        for cell in table.cells:
            if 0 <= cell.row < table.n_rows:
                self.own_rows[cell.row].append(cell)
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._cover.setdefault((r, c), cell)
        for row in self.own_rows:
            row.sort(key=lambda c: c.col)

    def covering(self, row: int, col: int) -> Cell | None:
        return self._cover.get((row, col))


@dataclass(frozen=True, slots=True)
class RowView:
    grid: Grid
    row: int
    cells: tuple[Cell, ...]
    keys: tuple[str, ...]

    @property
    def table_index(self) -> int:
        return self.grid.table.index

    def covering(self, col: int) -> Cell | None:
        return self.grid.covering(self.row, col)

    def own_at(self, col: int) -> Cell | None:
        """The cell starting in this row that covers ``col``."""
        cell = self.grid.covering(self.row, col)
        return cell if cell is not None and cell.row == self.row else None

    def non_empty(self) -> list[tuple[Cell, str]]:
        return [(c, k) for c, k in zip(self.cells, self.keys, strict=True) if c.text]

    def ref(self, cell: Cell) -> CellRef:
        return CellRef(self.table_index, cell.row, cell.col, cell.page, cell.bbox)

    def covering_cells(self) -> list[Cell]:
        """Distinct cells covering this row (own or merged from above), in column order."""
        out: list[Cell] = []
        seen: set[int] = set()
        for c in range(self.grid.table.n_cols):
            cell = self.grid.covering(self.row, c)
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                out.append(cell)
        return out

    def right_of(self, cell: Cell) -> list[Cell]:
        """Distinct cells covering this row to the right of ``cell``, in column order."""
        out: list[Cell] = []
        seen: set[int] = set()
        for c in range(cell.col + cell.col_span, self.grid.table.n_cols):
            other = self.grid.covering(self.row, c)
            if other is not None and id(other) not in seen:
                seen.add(id(other))
                out.append(other)
        return out


Item = RowView | Paragraph


def stream(doc: RawDocument) -> Iterator[Item]:
    """Paragraphs and table rows in document order."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield block
            continue
        grid = Grid(block)
        for r, cells in enumerate(grid.own_rows):
            yield RowView(grid, r, tuple(cells), tuple(label_key(c.text) for c in cells))
