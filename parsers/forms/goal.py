"""The goal block (年度总体目标): 预期目标 and 实际完成情况, in any shape.

A goal label's text is the cell to its right when that cell holds text that is no label
(label-left / value-right), else the cell below it that overlaps it most (a row of labels with
the texts in the row under them: 年初设定目标 | 年度总体目标完成情况综述). A block label alone
(年度总体目标 | text) gives the expected goal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.forms import meaning, vocab
from parsers.forms.columns import overlap
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, quote, where
from parsers.text import label_key
from schemas.records import Cell, CellRef


@dataclass(slots=True)
class Goal:
    values: dict[str, str | None] = field(default_factory=dict)
    refs: list[tuple[str, CellRef]] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)


def _is_label(cell: Cell) -> bool:
    key = label_key(cell.text)
    return meaning.goal_labels(key) or meaning.header_field(key) is not None


def _below(rows: Sequence[RowView], i: int, cell: Cell) -> tuple[RowView, Cell] | None:
    """The text under a label: in the next row of the same table, the filled cell overlapping
    the label most (None when that cell is itself a label)."""
    row = rows[i]
    last = cell.row + cell.row_span - 1
    x = row.grid.x(cell)
    for nxt in rows[i + 1 : i + 3]:
        if nxt.grid is not row.grid or nxt.row <= last:
            continue
        scored = [(overlap(x, nxt.grid.x(c)), c) for c in nxt.cells if c.text]
        if not scored:
            return None
        best, hit = max(scored, key=lambda t: t[0])
        if best <= 0 or _is_label(hit):
            return None
        return nxt, hit
    return None


def read_goal(rows: Sequence[RowView]) -> Goal:
    out = Goal()
    notes = out.notes
    labels_seen: set[str] = set()
    for i, row in enumerate(rows):
        filled = row.non_empty()
        labels = [(c, f) for c, k in filled if (f := meaning.goal_field(k)) is not None]
        for cell, key in filled:
            if vocab.is_goal_block_label(key) and meaning.goal_field(key) is None:
                notes.role(row, cell, "title")
        for cell, name in labels:
            labels_seen.add(cell.text)
            right = next((c for c in row.right_of(cell) if c.text), None)
            if (
                vocab.is_goal_block_label(label_key(cell.text))
                and right is not None
                and meaning.goal_field(label_key(right.text)) == name
            ):
                notes.role(row, cell, "title")  # 总体目标 | 预期目标 | …: the block's own label
                continue
            notes.role(row, cell, "label", f"forms.goal_{name}")
            if name in out.values:
                continue
            if right is not None and not _is_label(right):
                out.values[name] = right.text
                out.refs.append((f"goal_{name}", row.ref(right)))
                notes.role(row, right, "value", f"forms.goal_{name}")
                continue
            below = _below(rows, i, cell)
            if below is not None:
                brow, bcell = below
                out.values[name] = bcell.text
                out.refs.append((f"goal_{name}", brow.ref(bcell)))
                notes.role(brow, bcell, "value", f"forms.goal_{name}")
        if not labels and "expected" not in out.values:
            block = next((c for c, k in filled if vocab.is_goal_block_label(k)), None)
            if block is not None:
                value = next((c for c in row.right_of(block) if c.text), None)
                if value is not None and not _is_label(value):
                    out.values["expected"] = value.text
                    out.refs.append(("goal_expected", row.ref(value)))
                    notes.role(row, value, "value", "forms.goal_expected")
    for name, text in out.values.items():
        if text is not None and text in labels_seen:
            ref = next(r for f, r in out.refs if f == f"goal_{name}")
            at = where((ref.table, ref.row, ref.col))
            notes.flag(f"年度总体目标的内容“{quote(text)}”与表头文字相同（{at}），可能读错")
    return out
