"""The funds block (项目资金): its header band, its money unit, one ``FundLine`` per line.

Columns by their labels (年初预算数 may be missing; 全年预算数（A）; 分值/得分 on any line); a line
by the label at its left (年度资金总额, 其中：当年财政拨款 …). Money in 万元, converted exactly
when the block says 元; nothing corrected: a cell that is not a number stays in its ``*_raw``
field, and the form is flagged for review.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from parsers.forms import meaning, vocab
from parsers.forms.columns import BLOCK, Band, Column, place, read_band
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, quote, where
from parsers.forms.values import account_extra, band_roles, flag_ambiguous, one_value, storable
from parsers.numbers import is_blank, money_unit_of, parse_money, parse_points, parse_rate
from parsers.text import label_key
from schemas.records import Cell, FundLine, Paragraph
from schemas.tables import MONEY, RATIO, SCORE

LINE_LABEL = "line_label"
_VALUE_FIELDS = ("budget_initial", "budget_full_year", "executed", "weight", "score", "rate")
FIELD_ZH = {
    "budget_initial": "年初预算数",
    "budget_full_year": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "score": "得分",
    "rate": "执行率",
}


@dataclass(slots=True)
class Funds:
    lines: list[FundLine] = field(default_factory=list)
    unit: str | None = None
    unit_raw: str | None = None
    notes: Notes = field(default_factory=Notes)
    band: Band | None = None


def _unit(
    rows: Sequence[RowView], band: Band, paragraphs: Sequence[Paragraph]
) -> tuple[str | None, str | None]:
    candidates = [c.text for c in rows[0].covering_cells()]
    for r in rows[1 : band.n_rows]:
        candidates += [c.text for c in r.cells]
    candidates += [p.text for p in paragraphs if "单位" in p.text]
    for text in candidates:
        unit = money_unit_of(text)
        if unit is not None:
            return unit, text
    return None, None


_BLOCK_POINTS = re.compile(r"\((\d+(?:\.\d+)?)分\)")


def _weight_in_labels(row: RowView, band: Band) -> Decimal | None:
    """The execution weight a template prints in a label: 得分(20分*执行率) over the score
    column (Hubei), or the block's own label 预算执行情况（20分）."""
    score_col = band.first("score")
    if score_col is not None and (w := vocab.weight_in_label(label_key(score_col.label))) is not None:
        return w
    for cell in row.covering_cells():
        key = label_key(cell.text)
        if vocab.is_funds_block_label(key) or key.startswith("预算执行情况"):
            m = _BLOCK_POINTS.search(key)
            if m:
                return parse_points(m.group(1))
    return None


def _label_cell(row: RowView, band: Band) -> tuple[object, str] | None:
    """The line's label: the leftmost filled cell of the row outside the value columns."""
    for cell, key in row.non_empty():
        if vocab.is_funds_block_label(key):
            continue
        column = band.best(row.grid.x(cell))
        if column is None or column.field in (None, BLOCK, LINE_LABEL, meaning.EXTRA):
            return cell, key
        return None
    return None


def read_funds(rows: Sequence[RowView], paragraphs: Sequence[Paragraph]) -> Funds:
    out = Funds()
    notes = out.notes
    band = read_band(
        rows, 0, meaning.fund_field, is_block_label=vocab.is_funds_block_label, label_area=LINE_LABEL
    )
    out.band = band
    band_roles(rows, band, notes, table="funds", what="资金表")
    out.unit, out.unit_raw = _unit(rows, band, paragraphs)
    label_weight = _weight_in_labels(rows[0], band)
    unit = out.unit or "万元"
    pairs: list[tuple[RowView, dict[str, Cell]]] = []
    for row in rows[band.n_rows :]:
        found = _label_cell(row, band)
        if found is None or vocab.fund_line(found[1]) is None:
            if got := _pairs(row):
                pairs.append((row, got))
            continue
        label_cell, key = found
        line = vocab.fund_line(key)
        if line is None:
            continue
        assert hasattr(label_cell, "text")
        notes.role(row, label_cell, "value", "funds.label_raw")  # type: ignore[arg-type]
        placed = place(row, band)
        flag_ambiguous(row, placed, notes)
        seq = len(out.lines) + 1
        raw: dict[str, str | None] = {}
        refs = [("label", row.ref(label_cell))]  # type: ignore[arg-type]
        values: dict[str, Decimal | None] = {}
        for name in _VALUE_FIELDS:
            cell, text = one_value(
                row, placed, name, notes, f"资金表“{quote(label_cell.text)}”行{FIELD_ZH[name]}"
            )
            raw[name] = text
            if cell is not None:
                refs.append((name, row.ref(cell)))
                notes.role(row, cell, "value", f"funds.{name}")
            if name in ("budget_initial", "budget_full_year", "executed"):
                values[name] = storable(parse_money(text, unit), MONEY)
            elif name == "rate":
                values[name] = storable(parse_rate(text), RATIO)
            else:
                values[name] = storable(parse_points(text), SCORE)
            if text is not None and not is_blank(text) and values[name] is None:
                notes.warn(f"fund line {seq} ({label_cell.text}): {name} {text!r} is not a number")
                notes.flag(
                    f"资金表“{quote(label_cell.text)}”行的{FIELD_ZH[name]}“{quote(text)}”不能读作数字"
                    f"（{where((row.table_index, cell.row, cell.col)) if cell is not None else ''}）"
                )
        weight = values["weight"]
        if weight is None and line == "total" and label_weight is not None:
            weight = label_weight
        out.lines.append(
            FundLine(
                line=line,  # type: ignore[arg-type]
                line_seq=seq,
                label_raw=label_cell.text,
                budget_initial=values["budget_initial"],
                budget_full_year=values["budget_full_year"],
                executed=values["executed"],
                weight=weight,
                score=values["score"],
                rate_reported=values["rate"],
                budget_initial_raw=raw["budget_initial"],
                budget_full_year_raw=raw["budget_full_year"],
                executed_raw=raw["executed"],
                weight_raw=raw["weight"],
                score_raw=raw["score"],
                rate_raw=raw["rate"],
                refs=tuple(refs),
            )
        )
        account_extra(row, placed, notes)
    _apply_pairs(out, pairs)
    return out


def _pairs(row: RowView) -> dict[str, Cell]:
    """分值 | 10 | 得分 | 9.5 printed on a row of their own under the lines: label → value cell."""
    out: dict[str, Cell] = {}
    cells = [c for c in row.covering_cells() if c.row == row.row and c.text]
    for label, value in itertools.pairwise(cells):
        name = meaning.fund_field(label_key(label.text))
        if name in ("weight", "score") and meaning.fund_field(label_key(value.text)) is None:
            out[name] = value
    return out


def _apply_pairs(out: Funds, pairs: list[tuple[RowView, dict[str, Cell]]]) -> None:
    """The weight and score of a pairs row belong to the 年度资金总额 line (or the first line)."""
    if not pairs or not out.lines:
        return
    k = next((i for i, f in enumerate(out.lines) if f.line == "total"), 0)
    line = out.lines[k]
    changes: dict[str, object] = {}
    refs = list(line.refs)
    for row, found in pairs:
        for name, cell in found.items():
            if getattr(line, name) is not None or f"{name}_raw" in changes:
                continue
            value = storable(parse_points(cell.text), SCORE)
            changes[name], changes[f"{name}_raw"] = value, cell.text
            refs.append((name, row.ref(cell)))
            out.notes.role(row, cell, "value", f"funds.{name}")
            label = next(c for c in row.covering_cells() if c.col + c.col_span <= cell.col and c.text)
            out.notes.role(row, label, "label", f"funds.{name}")
            if value is None:
                out.notes.flag(f"资金表的{FIELD_ZH[name]}“{quote(cell.text)}”不能读作数字")
    out.lines[k] = replace(line, refs=tuple(refs), **changes)  # type: ignore[arg-type]


def money_columns(band: Band | None) -> list[Column]:
    return [c for c in band.columns if c.field in _VALUE_FIELDS] if band is not None else []
