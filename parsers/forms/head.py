"""The header fields (项目名称, 主管部门, 实施单位) and the form's title and year.

A header label's value is the next cell to its right in the same row (whatever is between them:
a label is never taken for a value), in any order and any number per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.forms import meaning
from parsers.forms.blocks import is_funds_header
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes
from parsers.numbers import parse_year
from parsers.text import label_key
from schemas.records import Cell, CellRef, Paragraph


@dataclass(slots=True)
class Head:
    fields: dict[str, str | None] = field(default_factory=dict)
    refs: list[tuple[str, CellRef]] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)


def read_head(rows: Sequence[RowView]) -> Head:
    out = Head()
    for row in rows:
        for cell, key in row.non_empty():
            name = meaning.header_field(key)
            if name is None:
                continue
            out.notes.role(row, cell, "label", f"forms.{name}")
            if name in out.fields:
                continue
            value = _value_right_of(row, cell)
            out.fields[name] = value.text if value is not None and value.text else None
            if value is not None and value.text:
                out.refs.append((name, row.ref(value)))
                out.notes.role(row, value, "value", f"forms.{name}")
    return out


def _value_right_of(row: RowView, label: Cell) -> Cell | None:
    """The first filled cell right of a header label, unless another header label comes first
    (an empty sliver a hand-split cell left beside the label is skipped)."""
    for cell in row.right_of(label):
        if not cell.text:
            continue
        return None if meaning.header_field(label_key(cell.text)) else cell
    return None


def title_and_year(
    title: str | None, paragraphs: Sequence[Paragraph], rows: Sequence[RowView], notes: Notes
) -> tuple[str | None, int | None]:
    """The segment's title, and the year printed in it or near it ("（ 2021 年度）")."""
    year = parse_year(title)
    if year is None:
        texts = [p.text for p in paragraphs]
        for row in rows:
            if any(meaning.header_field(k) for k in row.keys) or is_funds_header(row):
                break
            texts.extend(c.text for c in row.cells)
        for text in texts:
            if "年度" in text and (year := parse_year(text)) is not None:
                break
    if year is None:
        notes.warn("no year printed near the title (expected like '（2021年度）')")
    return title, year
