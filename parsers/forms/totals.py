"""The 总分 row (分值 and 得分 under the indicator table's columns) and a printed grade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.forms import meaning, vocab
from parsers.forms.columns import Band, place
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, where
from parsers.numbers import parse_points
from schemas.records import Cell, CellRef


@dataclass(slots=True)
class Totals:
    weight_raw: str | None = None
    score_raw: str | None = None
    grade: str | None = None
    refs: list[tuple[str, CellRef]] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)


def read_totals(rows: Sequence[RowView], band: Band | None, out: Totals) -> None:
    """Read a 总分 row (the first row of ``rows``) into ``out``; grades anywhere in ``rows``."""
    if rows and out.score_raw is None and out.weight_raw is None:
        _total_row(rows[0], band, out)
    for row in rows:
        grade(row, out)


def _total_row(row: RowView, band: Band | None, out: Totals) -> None:
    notes = out.notes
    filled = row.non_empty()
    label = next((c for c, k in filled if meaning.is_total_label(k)), None)
    if label is None:
        return
    notes.role(row, label, "label", "forms.total")
    cells: dict[str, Cell] = {}
    if band is not None and (band.has("weight") or band.has("score")):
        placed = place(row, band)
        for name in ("weight", "score"):
            found = [c for c in placed.by_field.get(name, []) if c is not label]
            if found:
                cells[name] = next((c for c in found if c.text), found[0])
    if not any(c.text for c in cells.values()):
        numbers = [c for c in row.right_of(label) if c.row == row.row and parse_points(c.text) is not None]
        if len(numbers) == 2:
            cells = {"weight": numbers[0], "score": numbers[1]}
        elif numbers:
            notes.warn(f"总分 row: cannot tell 分值 from 得分 in {[c.text for c in numbers]}")
            keys = "、".join(where((row.table_index, c.row, c.col)) for c in numbers)
            notes.flag(f"总分行的数字无法确定是分值还是得分（{keys}）")
    for name, cell in cells.items():
        text = cell.text or None
        if name == "weight":
            out.weight_raw = text
        else:
            out.score_raw = text
        out.refs.append((f"total_{name}", row.ref(cell)))
        if text:
            notes.role(row, cell, "value", f"forms.total_{name}_reported")


def grade(row: RowView, out: Totals) -> None:
    """A printed grade (优/良/中/差) in the row."""
    for cell, key in row.non_empty():
        g = vocab.grade(key)
        if g is not None and out.grade is None:
            out.grade = g
            out.refs.append(("grade", row.ref(cell)))
            out.notes.role(row, cell, "value", "forms.grade_reported")
