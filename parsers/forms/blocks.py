"""The first pass over a form's rows: cut them into blocks — header fields, funds, goal,
indicators, totals, trailer — each read afterwards by its own reader.

A block starts at its header (the funds header row, the indicator header band, a goal label, a
项目名称 row) and runs until another block starts; the blocks may come in any order (the funds
block after the indicators, the 总分 row after a trailer). Rows no block claims are ``other``:
their cells are accounted for like every other cell.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from parsers.forms import meaning, vocab
from parsers.forms.columns import band_rows
from parsers.forms.layout import RowView
from parsers.numbers import parse_decimal

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


_IND_VALUES = frozenset({"target", "actual", "weight", "score", "deviation"})


def indicator_header_at(rows: Sequence[RowView], i: int) -> bool:
    """Whether the indicator table's header starts at ``rows[i]``: the row names the levels
    (一级/二级/三级指标), or it names the value columns (年度指标值, 实际完成值, 得分 … merged down)
    and the next row of its table names the levels (绩效指标 over 一级 | 二级 | 三级)."""
    row = rows[i]
    if is_indicator_header(row):
        return True
    if i + 1 >= len(rows):
        return False
    below = rows[i + 1]
    if below.grid is not row.grid or below.row != row.row + 1 or not is_indicator_header(below):
        return False
    # the row is the band's top: its value labels are merged down beside the level labels
    if not any(c.row_span >= 2 for c in row.cells if c.text):
        return False
    fields = {meaning.indicator_field(k) for k in row.keys if k}
    return len(fields & _IND_VALUES) >= 2


def funds_header_at(rows: Sequence[RowView], i: int) -> bool:
    """Whether the funds block's header starts at ``rows[i]``: the row names two of the amounts,
    or it names the block or its 分值/执行率/得分 and its band below names the amounts (预算执行情况
    over 全年预算数 | 全年执行数 …)."""
    row = rows[i]
    if is_funds_header(row):
        return True
    keys = [k for k in row.keys if k]
    fields = {meaning.fund_field(k) for k in keys}
    named = bool(fields & {"weight", "rate", "score"}) or any(
        vocab.is_funds_block_label(k) or k.startswith("预算执行情况") for k in keys
    )
    if not named:
        return False
    if any(parse_decimal(k) is not None for k in keys):
        return False  # a header holds labels: a row with values is the 总分 row above the block, or a line
    n = band_rows(rows, i, meaning.fund_field)
    below = {meaning.fund_field(k) for r in rows[i + 1 : i + n] for k in r.keys if k}
    return len((fields | below) & _FUND_AMOUNTS) >= 2


def is_indicator_header(row: RowView) -> bool:
    return _names_indicator_columns(row.keys)


@functools.lru_cache(maxsize=4096)
def _names_indicator_columns(keys: tuple[str, ...]) -> bool:
    """Whether labels name the indicator table's levels (a row is asked several times, by the
    segmenter and the block cutter: a pure function of its keys, cached)."""
    fields = {meaning.indicator_field(k) for k in keys if k and len(k) <= 24}
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
    return key is not None and meaning.is_total_label(key)


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


def is_fund_pairs(row: RowView) -> bool:
    """A row under the fund lines that prints the execution weight and score as label | value
    pairs (分值 | 10 | 得分 | 9.5)."""
    keys = [k for _, k in row.non_empty()]
    return any(meaning.fund_field(k) in ("weight", "score") for k in keys) and any(
        meaning.fund_field(k) is None for k in keys
    )


def cut(rows: Sequence[RowView]) -> list[Block]:
    """The form's rows as consecutive blocks. A block's header band (up to three rows) is part of
    its block whatever the rows below the first look like."""
    out: list[Block] = []

    def start(kind: BlockKind) -> Block:
        block = Block(kind)
        out.append(block)
        return block

    current: Block | None = None
    i = 0
    while i < len(rows):
        row = rows[i]
        kind = current.kind if current is not None else None
        i += 1
        if not row.cells:
            continue
        if indicator_header_at(rows, i - 1):
            current = start("indicators")
            band = band_rows(rows, i - 1, meaning.indicator_field)
        elif is_trailer_row(row):
            current, band = start("trailer"), 1
        elif funds_header_at(rows, i - 1):
            current = start("funds")
            band = band_rows(rows, i - 1, meaning.fund_field)
        else:
            band = 1
            if kind == "funds" and (is_fund_line(row) or is_fund_pairs(row)):
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
        for _ in range(band - 1):  # the rest of the header band
            current.rows.append(rows[i])
            i += 1
    return out
