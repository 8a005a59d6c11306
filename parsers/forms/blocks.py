"""The first pass over a form's rows: cut them into blocks — header fields, funds, goal,
indicators, totals, trailer — each read afterwards by its own reader.

A block starts at its header (the funds header row, the indicator header band, a goal label, a
项目名称 row) and runs until another block starts; the blocks may come in any order (the funds
block after the indicators, the 总分 row after a trailer). Rows no block claims are ``other``:
their cells are accounted for like every other cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from parsers.forms import meaning, vocab
from parsers.forms.layout import RowView

BlockKind = Literal["head", "funds", "goal", "indicators", "totals", "trailer", "other"]

_FUND_AMOUNTS = frozenset({"budget_initial", "budget_full_year", "executed", "rate"})
_LEVELS = frozenset({"level1", "level2", "level3"})


@dataclass(slots=True)
class Block:
    kind: BlockKind
    rows: list[RowView] = field(default_factory=list)


def is_funds_header(row: RowView) -> bool:
    fields = {meaning.fund_field(k) for k in row.keys if k}
    return len(fields & _FUND_AMOUNTS) >= 2


def is_indicator_header(row: RowView) -> bool:
    fields = {meaning.indicator_field(k) for k in row.keys if k and len(k) <= 24}
    levels = fields & _LEVELS
    return len(levels) >= 2 or ("level3" in fields and bool(fields & {"target", "actual"}))


def is_head_row(row: RowView) -> bool:
    return any(meaning.header_field(k) for k in row.keys)


def is_goal_row(row: RowView) -> bool:
    return any(meaning.goal_labels(k) for k in row.keys)


def _leading_label(row: RowView) -> str | None:
    """The key of the leftmost filled cell of the row."""
    filled = row.non_empty()
    return filled[0][1] if filled else None


def is_total_row(row: RowView) -> bool:
    key = _leading_label(row)
    return key is not None and vocab.is_total_label(key)


def is_trailer_row(row: RowView) -> bool:
    key = _leading_label(row)
    return key is not None and vocab.is_trailer_label(key)


def is_fund_line(row: RowView) -> bool:
    """A row whose leftmost label (after the block label) names a fund line."""
    for _, key in row.non_empty():
        if vocab.is_funds_block_label(key):
            continue
        return vocab.fund_line(key) is not None
    return False


def cut(rows: Sequence[RowView]) -> list[Block]:
    """The form's rows as consecutive blocks."""
    out: list[Block] = []

    def start(kind: BlockKind) -> Block:
        block = Block(kind)
        out.append(block)
        return block

    current: Block | None = None
    for row in rows:
        kind = current.kind if current is not None else None
        if not row.cells:
            continue
        if is_indicator_header(row):
            current = start("indicators")
        elif is_trailer_row(row):
            current = start("trailer")
        elif is_funds_header(row):
            current = start("funds")
        elif kind == "funds" and is_fund_line(row):
            pass
        elif is_total_row(row):
            current = start("totals")
        elif kind == "indicators":
            pass  # the indicator rows run until a total, a trailer or another block's header
        elif is_head_row(row):
            current = start("head") if kind != "head" else current
        elif is_goal_row(row):
            current = start("goal") if kind != "goal" else current
        elif current is None or kind in ("funds", "totals"):
            current = start("other")
        assert current is not None
        current.rows.append(row)
    return out
