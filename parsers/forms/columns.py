"""Columns by geometry: a block's header band → its leaf columns, and a body row's cells → the
columns they overlap most.

A header is a *band* of one to three rows. Every band cell with no band cell under it is a
leaf column, and carries the path of labels above it (年度指标值 › 指标性质 | 指标值 | 度量单位;
全年预算数 › （A））; a cell merged down through the band is a leaf of every row of it. A leaf is
classified by its own label, or by its parent's when its own only letters the parent (（A）).

A value cell belongs to the leaf column it overlaps most on the table's horizontal scale
(``layout.Grid.x``), not to the grid index it happens to start at: a header row may be cut
differently from the rows under it, rows may be ragged, and a cell split by hand may leave a
stray empty sliver beside the real one (empty cells are ignored). Each block has its own band,
so the funds block and the indicator table keep their own column boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from parsers.forms import meaning
from parsers.forms.layout import RowView
from parsers.text import label_key
from schemas.records import Cell, record

Classify = Callable[[str], str | None]
#: (table, row, col) of a cell.
Key = tuple[int, int, int]

#: Most rows a header band has.
MAX_BAND_ROWS = 3


@record
class Column:
    x0: float
    x1: float
    #: The field the column holds; ``meaning.EXTRA`` for a column understood and not read;
    #: ``BLOCK`` for the block's own side label (绩效指标, 项目资金（万元）); None when the label
    #: was not understood (or the column has no label).
    field: str | None
    #: The labels from the top of the band down to the leaf, as printed.
    path: tuple[str, ...]
    #: The header cells of this column (leaf and ancestors), by (table, row, col).
    cells: tuple[Key, ...]
    #: The field of the nearest ancestor that names one (年度指标值 over 指标性质 | 指标值 | 度量单位:
    #: ``target`` for all three): the cells of a group read together, left to right.
    group: str | None = None

    @property
    def label(self) -> str:
        return " › ".join(p for p in self.path if p)

    @property
    def leaf_key(self) -> Key:
        return self.cells[-1]


BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Band:
    columns: tuple[Column, ...]
    n_rows: int
    table: int
    #: ``near_columns`` of each cell extent met so far: the rows of a block share their grid's
    #: extents, so each is worked out once per band (a memo, not part of the band's value).
    _near: dict[tuple[float, float], tuple[Column, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def near(self, x: tuple[float, float]) -> tuple[Column, ...]:
        """``near_columns(x, self.columns)``, memoised."""
        got = self._near.get(x)
        if got is None:
            got = self._near[x] = tuple(near_columns(x, self.columns))
        return got

    def best(self, x: tuple[float, float]) -> Column | None:
        """The column a cell at ``x`` overlaps most; of near-equal overlaps (a cell merged across
        columns) the leftmost. None when it overlaps none."""
        near = self.near(x)
        return near[0] if near else None

    def first(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)

    def has(self, name: str) -> bool:
        return any(c.field == name for c in self.columns)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _label_like(key: str, classify: Classify) -> bool:
    """A band cell of a lower header row: a known label, a qualifier, or short text without
    digits (a value row is never taken for a header row)."""
    if not key:
        return True
    if classify(key) is not None or meaning.is_qualifier(key):
        return True
    return len(key) <= 12 and not any(ch.isdigit() for ch in key)


def _subdivides(cells: Sequence[Cell], above: Sequence[Cell], row: RowView) -> bool:
    """Whether some of ``cells`` lie under a band cell above that is wider than they are."""
    grid = row.grid

    def width(c: Cell) -> float:
        x0, x1 = grid.x(c)
        return x1 - x0

    return any(
        overlap(grid.x(c), grid.x(p)) > 0.5 * width(c) and width(p) > 1.2 * width(c)
        for c in cells
        for p in above
    )


def band_rows(rows: Sequence[RowView], i: int, classify: Classify) -> int:
    """How many rows the header band starting at ``rows[i]`` takes (1 to ``MAX_BAND_ROWS``). A row
    below belongs to it when it is the next row of the same table and either every filled cell
    is a known label or a qualifier (指标性质 | 指标值 | 度量单位; （A）), or every filled cell is
    label-like, one is known, and they subdivide a wider band cell above them."""
    n = 1
    top = rows[i]
    while n < MAX_BAND_ROWS and i + n < len(rows):
        below = rows[i + n]
        if below.grid is not top.grid or below.row != top.row + n:
            break
        own = below.non_empty()
        if not own:
            break
        known = [k for _, k in own if classify(k) is not None or meaning.is_qualifier(k)]
        if len(known) == len(own):
            n += 1
            continue
        if not known or not all(_label_like(k, classify) for _, k in own):
            break
        above = [c for r in rows[i : i + n] for c in r.cells if c.row + c.row_span <= below.row]
        if not _subdivides([c for c, _ in own], above, below):
            break
        n += 1
    return n


def read_band(
    rows: Sequence[RowView],
    i: int,
    classify: Classify,
    *,
    is_block_label: Callable[[str], bool],
    label_area: str | None = None,
) -> Band:
    """The leaf columns of the header band starting at ``rows[i]``. With ``label_area``, the
    unlabelled columns left of the first understood one are that field (the funds block's line
    labels: 年度资金总额, 其中：财政拨款 … sit under an empty header cell)."""
    n = band_rows(rows, i, classify)
    band = list(rows[i : i + n])
    grid = band[0].grid
    table = band[0].table_index
    # an empty cell of a lower band row is no column of its own: it continues the label above it
    cells: list[Cell] = [c for k, r in enumerate(band) for c in r.cells if k == 0 or c.text]
    last_row = band[-1].row

    def children(parent: Cell) -> list[Cell]:
        px = grid.x(parent)
        out = []
        for c in cells:
            if c.row <= parent.row + parent.row_span - 1 or c.row > last_row:
                continue
            cx = grid.x(c)
            if overlap(px, cx) > 0.5 * (cx[1] - cx[0]):
                out.append(c)
        return out

    leaves = [c for c in cells if not children(c)]
    left_edge = min(grid.x(c)[0] for c in cells)
    columns: list[Column] = []
    for leaf in sorted(leaves, key=lambda c: grid.x(c)[0]):
        lx = grid.x(leaf)
        if leaf.text and _down_the_side(leaf, lx, band, left_edge):
            key = (table, leaf.row, leaf.col)
            columns.append(Column(lx[0], lx[1], BLOCK, (leaf.text,), (key,)))
            continue
        centre = (lx[0] + lx[1]) / 2
        ancestors = sorted(
            (
                c
                for c in cells
                if c is not leaf
                and c.row + c.row_span - 1 < leaf.row
                and grid.x(c)[0] <= centre <= grid.x(c)[1]
            ),
            key=lambda c: c.row,
        )
        path = tuple(c.text for c in (*ancestors, leaf))
        keys = tuple((table, c.row, c.col) for c in (*ancestors, leaf))
        columns.append(Column(lx[0], lx[1], _classify_leaf(path, classify, is_block_label), path, keys))
    columns = _one_column_per_field(_grouped(columns, classify))
    if label_area is not None:
        first = next((k for k, c in enumerate(columns) if c.field not in (None, BLOCK)), len(columns))
        columns = [
            replace(c, field=label_area) if k < first and c.field is None and not any(c.path) else c
            for k, c in enumerate(columns)
        ]
    return Band(tuple(columns), n, table)


def _down_the_side(leaf: Cell, x: tuple[float, float], band: list[RowView], left_edge: float) -> bool:
    """Whether a band cell is the block's side label, whatever it says (预算资金, 项目资金（万元）,
    绩效指标): a cell of the band's top row at the block's left edge, merged down past the band
    over the block's rows. No value can lie under it, so it is no column, and a wording the
    vocabulary does not list (预算资金 reads as 全年预算数 by its words) cannot take a field
    from the column that holds it."""
    return (
        leaf.row == band[0].row
        and leaf.row + leaf.row_span - 1 > band[-1].row
        and x[0] <= left_edge + 1e-6
    )


#: The fields a group may hold besides its own: 年度指标值 › 指标性质 | 指标值 | 度量单位.
_GROUP_PARTS = frozenset({"nature", "unit", None})


def _grouped(columns: list[Column], classify: Classify) -> list[Column]:
    """Each column's group: its nearest ancestor header that names a field and stands over
    nothing but that field's parts (a category header over several fields is no group)."""
    under: dict[Key, list[Column]] = {}
    for c in columns:
        for key in c.cells[:-1]:
            under.setdefault(key, []).append(c)
    out = []
    for c in columns:
        group = None
        for depth in range(len(c.cells) - 2, -1, -1):
            named = classify(label_key(c.path[depth])) if c.path[depth] else None
            if named is None:
                continue
            if all(o.field == named or o.field in _GROUP_PARTS for o in under[c.cells[depth]]):
                group = named
            break
        out.append(replace(c, group=group))
    return out


def _one_column_per_field(columns: list[Column]) -> list[Column]:
    """Two columns read as the same field cannot both be it. Shanxi prints 年初指标值 beside the
    adjusted 年度指标值 and scores against the latter: the 年初 one is kept aside. Otherwise the
    first keeps the field and a later one counts as not understood (reported for review)."""
    out: list[Column] = []
    for c in columns:
        if c.field in (None, BLOCK, meaning.EXTRA):
            out.append(c)
            continue
        prev = next((k for k, o in enumerate(out) if o.field == c.field), None)
        if prev is None:
            out.append(c)
        elif "年初" in c.label and "年初" not in out[prev].label:
            out.append(replace(c, field=meaning.EXTRA))
        elif "年初" in out[prev].label and "年初" not in c.label:
            out[prev] = replace(out[prev], field=meaning.EXTRA)
            out.append(c)
        elif c.group is not None and c.group == out[prev].group and c.field in ("target", "actual"):
            out.append(c)  # several 指标值 cells under one 年度指标值: read together as the group
        else:
            out.append(replace(c, field=None))
    return out


def _classify_leaf(
    path: tuple[str, ...], classify: Classify, is_block_label: Callable[[str], bool]
) -> str | None:
    """The field of a leaf column from its own label, else (a qualifier, or nothing) its parent's."""
    leaf_key = label_key(path[-1])
    if leaf_key and is_block_label(leaf_key) and len(path) == 1:
        return BLOCK
    own = classify(leaf_key) if leaf_key else None
    if own is not None:
        parent = next((classify(label_key(p)) for p in reversed(path[:-1]) if p), None)
        # 年度指标值 › 指标值 is the target; 年度指标值 › 度量单位 the unit; a child of an extra is extra
        return meaning.EXTRA if parent == meaning.EXTRA else own
    if not leaf_key or meaning.is_qualifier(leaf_key):
        for p in reversed(path[:-1]):
            got = classify(label_key(p))
            if got is not None:
                return got
    return None


@dataclass(slots=True)
class Placed:
    """A body row's cells, by the column they overlap most."""

    by_field: dict[str, list[Cell]] = field(default_factory=dict)
    #: Cells in a column whose label was not understood, or outside every column.
    stray: list[tuple[Cell, Column | None]] = field(default_factory=list)
    #: Cells in columns understood and deliberately not read (序号, 备注 …).
    extra: list[tuple[Cell, Column]] = field(default_factory=list)
    #: Filled cells lying as much under one column as under another (of another field): placed
    #: in the left one, but which column they belong to cannot be told.
    ambiguous: list[tuple[Cell, Column, Column]] = field(default_factory=list)
    #: Every placed cell with its column, left to right.
    pairs: list[tuple[Cell, Column]] = field(default_factory=list)

    def group_text(self, group: str) -> str | None:
        """The text of a column group as printed, read left to right (≥ | 4700 | 人 → ≥4700人)."""
        parts = [c.text for c, col in self.pairs if col.group == group and c.text]
        return "".join(parts) if parts else None

    def text(self, name: str, sep: str = "") -> str | None:
        """The text of the field as printed, read left to right over its cells."""
        parts = [c.text for c in self.by_field.get(name, []) if c.text]
        return sep.join(parts) if parts else None

    def cells(self, name: str) -> list[Cell]:
        return [c for c in self.by_field.get(name, []) if c.text]


def near_columns(x: tuple[float, float], columns: Sequence[Column]) -> list[Column]:
    """The columns a cell at ``x`` overlaps (nearly) most, left to right (``columns`` sorted by
    their left edge, as a band's are)."""
    x0, x1 = x
    overlaps: list[tuple[float, Column]] = []
    for c in columns:
        if c.x0 >= x1:
            break
        o = min(x1, c.x1) - max(x0, c.x0)
        if o > 0:
            overlaps.append((o, c))
    if not overlaps:
        return []
    top = max(o for o, _ in overlaps)
    return [c for o, c in overlaps if o >= 0.9 * top]


def place(row: RowView, band: Band, *, carried: frozenset[str] = frozenset()) -> Placed:
    """Assign the row's cells to the band's columns. Fields in ``carried`` also take a cell
    merged down from an earlier row (a merged 一级指标 label applies to every row it spans)."""
    out = Placed()
    x = row.grid.x
    for cell in row.grid.row_cover(row.row):
        own = cell.row == row.row
        near = band.near(x(cell))
        column = near[0] if near else None
        if own and cell.text and column is not None and column.field not in (BLOCK, None):
            others = [c for c in near[1:] if c.field != column.field and c.field not in (BLOCK, None)]
            if others:
                out.ambiguous.append((cell, column, others[0]))
        if not own and (column is None or column.field not in carried):
            continue  # accounted for in the row it starts in
        if column is None or column.field is None:
            if cell.text:
                out.stray.append((cell, column))
            continue
        if column.field == BLOCK:
            continue
        if column.field == meaning.EXTRA:
            if cell.text:
                out.extra.append((cell, column))
            continue
        out.by_field.setdefault(column.field, []).append(cell)
        out.pairs.append((cell, column))
    for cells in out.by_field.values():
        if len(cells) > 1:
            cells.sort(key=lambda c: x(c)[0])
    out.pairs.sort(key=lambda p: x(p[0])[0])
    return out
