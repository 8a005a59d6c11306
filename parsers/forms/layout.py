"""A document as a stream of rows and paragraphs, with each table's grid occupancy.

Forms are read row by row across table boundaries (a form may be split over several Word tables,
or several forms may follow each other in one file). A ``RowView`` gives a row's *own* cells
(those starting in it: what a label lookup should see, so a vertically merged label counts once)
and the cell *covering* any grid position (what a value lookup should see, so a merged 一级指标
label applies to every row it spans).

Every cell also has a horizontal extent on a common scale (``Grid.x``): 0 at the table's left
edge, ``WIDTH`` at its right edge, from the cells' physical extents (Word ``w:tblGrid``, PDF
boxes) when the parser gives them for every cell, else from grid columns. Columns are matched
by overlap on this scale, not by the grid index a cell happens to start at.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator

from parsers.text import label_key
from schemas.records import Cell, CellRef, Paragraph, RawDocument, Table, record

#: The width of every table on the common horizontal scale.
WIDTH = 1000.0
_COL = operator.attrgetter("col")


class Grid:
    """Occupancy of one table: which cell covers each (row, col), and where each cell lies."""

    __slots__ = ("_cover", "_row_cover", "_scale", "_x", "own_rows", "table")

    def __init__(self, table: Table) -> None:
        self.table = table
        extents = [c.extent for c in table.cells]
        if table.cells and all(e is not None for e in extents):
            lo = min(e[0] for e in extents if e is not None)
            hi = max(e[1] for e in extents if e is not None)
            self._scale: tuple[float, float] | None = (lo, hi) if hi > lo else None
        else:
            self._scale = None
        #: each cell's extent on the common scale, by identity: worked out once per cell here
        #: (the column readers ask for it some three times per cell)
        self._x: dict[int, tuple[float, float]] = {id(c): self._extent(c) for c in table.cells}
        self._row_cover: dict[int, list[Cell]] = {}
        self.own_rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
        cover: dict[tuple[int, int], Cell] = {}
        for cell in table.cells:
            row, col = cell.row, cell.col
            if 0 <= row < table.n_rows:
                self.own_rows[row].append(cell)
            if cell.row_span == 1 and cell.col_span == 1:
                cover.setdefault((row, col), cell)
                continue
            for r in range(row, row + cell.row_span):
                for c in range(col, col + cell.col_span):
                    cover.setdefault((r, c), cell)
        self._cover = cover
        for cells in self.own_rows:
            cells.sort(key=_COL)

    def covering(self, row: int, col: int) -> Cell | None:
        return self._cover.get((row, col))

    def x(self, cell: Cell) -> tuple[float, float]:
        """The cell's horizontal extent on the common scale (0 … ``WIDTH``)."""
        got = self._x.get(id(cell))
        return got if got is not None else self._extent(cell)

    def _extent(self, cell: Cell) -> tuple[float, float]:
        if self._scale is not None and cell.extent is not None:
            lo, hi = self._scale
            x0, x1 = cell.extent
            return ((x0 - lo) / (hi - lo) * WIDTH, (x1 - lo) / (hi - lo) * WIDTH)
        n = max(1, self.table.n_cols)
        return (cell.col / n * WIDTH, (cell.col + cell.col_span) / n * WIDTH)

    def row_cover(self, row: int) -> list[Cell]:
        """Distinct cells covering a row (own or merged from above), in column order."""
        got = self._row_cover.get(row)
        if got is None:
            got = []
            seen: set[int] = set()
            for c in range(self.table.n_cols):
                cell = self._cover.get((row, c))
                if cell is not None and id(cell) not in seen:
                    seen.add(id(cell))
                    got.append(cell)
            self._row_cover[row] = got
        return got


@record
class RowView:
    grid: Grid
    row: int
    cells: tuple[Cell, ...]
    keys: tuple[str, ...]
    #: (cell, key) of the filled cells, left to right (asked of most rows several times)
    filled: tuple[tuple[Cell, str], ...]
    #: the table's index in the document (``grid.table.index``: asked of every cell a reader keeps)
    table_index: int

    def covering(self, col: int) -> Cell | None:
        return self.grid.covering(self.row, col)

    def own_at(self, col: int) -> Cell | None:
        """The cell starting in this row that covers ``col``."""
        cell = self.grid.covering(self.row, col)
        return cell if cell is not None and cell.row == self.row else None

    def non_empty(self) -> tuple[tuple[Cell, str], ...]:
        return self.filled

    def ref(self, cell: Cell) -> CellRef:
        return CellRef(self.table_index, cell.row, cell.col, cell.page, cell.bbox)

    def covering_cells(self) -> list[Cell]:
        """Distinct cells covering this row (own or merged from above), in column order."""
        return list(self.grid.row_cover(self.row))

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
            keys = tuple([label_key(c.text) for c in cells])
            filled = tuple([(c, k) for c, k in zip(cells, keys, strict=True) if c.text])
            yield RowView(grid, r, tuple(cells), keys, filled, block.index)
