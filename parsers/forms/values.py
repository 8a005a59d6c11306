"""Helpers the block readers share: a header band's cell roles, a column's one value, a number
the dataset can hold exactly."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa

from parsers.forms import meaning
from parsers.forms.columns import BLOCK, Band, Placed
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, quote, where
from schemas.records import Cell
from schemas.tables import fits


def storable(value: Decimal | None, type_: pa.Decimal128Type) -> Decimal | None:
    """The value if the dataset can hold it exactly; else None (the raw text is kept beside it)."""
    return value if value is None or fits(value, type_) else None


def band_roles(rows: Sequence[RowView], band: Band, notes: Notes, *, table: str, what: str) -> None:
    """Roles of the header band's cells; a header that was not understood is kept, reported and
    flagged (its column's cells are accounted for as unread by the caller)."""
    by_key = {(r.table_index, c.row, c.col): (r, c) for r in rows[: band.n_rows] for c in r.cells}
    for column in band.columns:
        for depth, key in enumerate(column.cells):
            found = by_key.get(key)
            if found is None:
                continue
            row, cell = found
            if not cell.text:
                continue
            leaf = depth == len(column.cells) - 1
            if column.field == BLOCK:
                notes.role(row, cell, "title")
            elif column.field == meaning.EXTRA:
                notes.role(row, cell, "note", column.label)
            elif column.field is not None:
                notes.role(row, cell, "label", f"{table}.{column.field}")
            elif leaf:
                reason = f"{what}表头“{quote(column.label)}”含义不明，该列未读取"
                notes.role(row, cell, "unread", reason=reason)
                notes.flag(f"{reason}（{where(key)}）")


def account_extra(row: RowView, placed: Placed, notes: Notes) -> None:
    """Cells of columns understood and not read: notes; but another reviewer's numbers
    (复核分) are values left unread, which the form's accounting reports."""
    for cell, column in placed.extra:
        if cell.row != row.row:
            continue
        if meaning.holds_others_numbers(column.label):
            notes.role(row, cell, "unread", reason=f"“{quote(column.label)}”栏的数字不在自评表的读取范围内")
        else:
            notes.role(row, cell, "note", column.label)


def flag_ambiguous(row: RowView, placed: Placed, notes: Notes) -> None:
    """A filled cell lying as much under one column as under another: which it belongs to
    cannot be told, so the form is flagged (the cell is read into the left one)."""
    for cell, left, right in placed.ambiguous:
        notes.flag(
            f"单元格“{quote(cell.text)}”（{where((row.table_index, cell.row, cell.col))}）横跨"
            f"“{quote(left.label)}”和“{quote(right.label)}”两栏，无法确定归属"
        )


def one_value(
    row: RowView, placed: Placed, name: str, notes: Notes, what: str
) -> tuple[Cell | None, str | None]:
    """The cell and text of a one-number field. Several filled cells in one such column cannot
    be told apart: their text is kept joined (so the value does not parse) and the form flagged."""
    cells = placed.by_field.get(name, [])
    filled = [c for c in cells if c.text]
    if len(filled) > 1:
        keys = "、".join(where((row.table_index, c.row, c.col)) for c in filled)
        notes.flag(f"{what}一栏有{len(filled)}个单元格都填有内容（{keys}），无法确定取哪个")
        return filled[0], " ".join(c.text for c in filled)
    if filled:
        return filled[0], filled[0].text
    return (cells[0] if cells else None), None
