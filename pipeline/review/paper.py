"""A form as it is on paper: the one grid model behind ``jixiao show`` (drawn in the terminal) and
the HTML report (drawn as HTML tables).

Cells come from the ``cells`` table (or a parsed form's cells) with their true row/column spans;
each table of the form is placed on its own grid, rows numbered as in the document (what
``provenance`` points to). A cell that would overlap a merged cell placed before it is kept
aside (``unplaced``) rather than drawn over it; spans never run past the form's last row (a
merged cell may run on into the next form's rows of a shared table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from schemas.rules import RULES_BY_ID

#: (table, row, col) of a cell, as in ``provenance``.
Key = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class PaperCell:
    row: int  # grid row in its table, as in the cells table
    col: int
    row_span: int
    col_span: int
    text: str
    #: Numbers of the findings about this cell (the ⟨n⟩ marked on it).
    marks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PaperTable:
    table: int
    first_row: int
    n_rows: int
    n_cols: int
    cells: tuple[PaperCell, ...]
    unplaced: tuple[PaperCell, ...] = ()

    def covered(self) -> set[tuple[int, int]]:
        """Grid positions (row, col) covered by a placed cell."""
        return {
            (r, c)
            for cell in self.cells
            for r in range(cell.row, cell.row + cell.row_span)
            for c in range(cell.col, cell.col + cell.col_span)
        }


CellTuple = tuple[int, int, int, int, int, str]  # table, row, col, row_span, col_span, text


def paper_tables(cells: Iterable[CellTuple], marks: Mapping[Key, Sequence[int]]) -> list[PaperTable]:
    """The form's tables in document order, each with its cells placed and marked."""
    by_table: dict[int, list[CellTuple]] = defaultdict(list)
    for cell in cells:
        by_table[cell[0]].append(cell)
    out: list[PaperTable] = []
    for table, items in sorted(by_table.items()):
        first = min(row for _, row, *_ in items)
        end = max(row for _, row, *_ in items) + 1  # a span past the form's last row is cut there
        n_cols = max(col + max(1, cs) for _, _, col, _, cs, _ in items)
        taken: set[tuple[int, int]] = set()
        placed: list[PaperCell] = []
        unplaced: list[PaperCell] = []
        for _, row, col, rs, cs, text in sorted(items, key=lambda c: (c[1], c[2])):
            rs, cs = max(1, min(rs, end - row)), max(1, cs)
            found = tuple(sorted(set(marks.get((table, row, col), ()))))
            if (row, col) in taken:
                unplaced.append(PaperCell(row, col, rs, cs, text, found))
                continue
            area = {(r, c) for r in range(row, row + rs) for c in range(col, col + cs)}
            if area & taken:
                rs, cs, area = 1, 1, {(row, col)}
            taken |= area
            placed.append(PaperCell(row, col, rs, cs, text, found))
        out.append(PaperTable(table, first, end - first, n_cols, tuple(placed), tuple(unplaced)))
    return out


#: A finding as numbered: the cells behind it that are on paper, its rule, its place among the
#: form's findings of that rule (the counter of its ``finding_id``).
Numbered = tuple[Sequence[Key], str, int]


def number_findings(findings: Sequence[Numbered], rule_order: Mapping[str, int]) -> list[int]:
    """The ⟨n⟩ of each finding (1-based, in the order given): as on paper, top to bottom by its
    first cell, then by rule (declaration order) and counter; findings without a cell last, and
    after them the findings about the dataset (DUPLICATE_FORM), which only the report has.
    ``jixiao show`` and the report number with this one function, so ⟨3⟩ is the same finding in
    both."""

    def key(i: int) -> tuple[object, ...]:
        keys, rule_id, counter = findings[i]
        first: tuple[float, ...] = min(keys) if keys else (float("inf"),) * 3
        rule = RULES_BY_ID.get(rule_id)
        late = rule is not None and rule.scope == "dataset"
        return (late, *first, rule_order.get(rule_id, len(rule_order)), rule_id, counter, i)

    numbers = [0] * len(findings)
    for n, i in enumerate(sorted(range(len(findings)), key=key), 1):
        numbers[i] = n
    return numbers
