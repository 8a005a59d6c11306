"""Cell accounting — no silent errors. After the block readers, every non-empty cell of the form
has a role (``schemas.records.CellRole``): label, value, title, note, placeholder, or ``unread``
with the reason. A form needs review when a cell holding a value is unread, when a column header
was not understood, or when a sanity signal fires (a score in the 偏差原因 column, a 分值 column
all blank while scores are filled, weights that add up to 100 only under another column's
reading …); the readers and ``sanity`` add those reasons, ``account`` the unread cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from parsers.forms import meaning, vocab
from parsers.forms.blocks import Block
from parsers.forms.funds import Funds
from parsers.forms.indicators import Indicators
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, quote, where
from parsers.numbers import parse_decimal, parse_quantity, parse_rate, parse_year
from parsers.text import label_key
from schemas.records import Cell, Form

#: Blocks whose cells are data: a value left unread there is a value lost.
_DATA_BLOCKS = frozenset({"funds", "indicators", "totals"})
_TITLE_WORDS = ("续表", "续", "单位：", "单位:", "金额单位")


def value_like(text: str) -> bool:
    """Whether a cell holds a value (a number, a percentage, an amount, a range)."""
    if not text:
        return False
    if parse_quantity(text).kind in ("number", "range"):
        return True
    return (
        parse_decimal(text, allow_units=("分", "%", "万元", "元")) is not None or parse_rate(text) is not None
    )


def _label_before(row: RowView, cell: Cell) -> str | None:
    """The text of the filled cell just left of ``cell`` when it reads as a label (short text
    without digits): a "label | value" pair the vocabulary does not know (项目编码 | 2021001)."""
    before = [c for c in row.covering_cells() if c.col + c.col_span <= cell.col and c.text]
    if not before:
        return None
    text = before[-1].text
    if len(text) <= 12 and not any(ch.isdigit() for ch in text):
        return text
    return None


def notes_of(rows: Sequence[RowView], notes: Notes) -> None:
    """A trailer block (其他需要说明事项, 评价结论, sign-offs): its cells are notes."""
    for row in rows:
        for cell in row.cells:
            if cell.text:
                notes.role(row, cell, "note")


def account(blocks: Sequence[Block], notes: Notes) -> None:
    """Give every non-empty cell without a role one, and flag the values left unread (one reason
    per cause: the cells of one unread column are named together)."""
    unread: dict[str, list[tuple[tuple[int, int, int], str]]] = {}
    _account(blocks, notes, unread)
    for reason, cells in unread.items():
        key, text = cells[0]
        if len(cells) == 1:
            notes.flag(f"单元格“{quote(text)}”未读取：{reason}（{where(key)}）")
        else:
            shown = "、".join(f"“{quote(t, 8)}”" for _, t in cells[:3]) + ("等" if len(cells) > 3 else "")
            notes.flag(f"{len(cells)}个单元格未读取：{reason}（{shown}，自{where(key)}起）")


def _account(
    blocks: Sequence[Block], notes: Notes, unread: dict[str, list[tuple[tuple[int, int, int], str]]]
) -> None:
    for block in blocks:
        data = block.kind in _DATA_BLOCKS
        for row in block.rows:
            for cell in row.cells:
                if not cell.text:
                    continue
                key = (row.table_index, cell.row, cell.col)
                role = notes.roles.get(key)
                lk = label_key(cell.text)
                if role is not None:
                    if role.role == "unread" and value_like(cell.text):
                        unread.setdefault(role.reason or "", []).append((key, cell.text))
                    continue
                if (
                    vocab.title_kind(lk) is not None
                    or (parse_year(cell.text) and "年" in cell.text and len(lk) <= 16)
                    or any(w in lk for w in _TITLE_WORDS)
                    or vocab.is_funds_block_label(lk)
                ):
                    notes.role(row, cell, "title")
                elif value_like(cell.text):
                    label = None if data else _label_before(row, cell)
                    if label is not None:
                        notes.role(row, cell, "note", label)
                    else:
                        reason = "未能归入任何栏目"
                        notes.role(row, cell, "unread", reason=reason)
                        unread.setdefault(reason, []).append((key, cell.text))
                elif data and meaning.indicator_field(lk) is None and block.kind == "funds":
                    notes.role(row, cell, "unread", reason="资金表中未识别的行")
                else:
                    notes.role(row, cell, "note")


def sanity(indicators: Indicators, funds: Funds, notes: Notes) -> None:
    """Signals that the columns were read wrong although every cell found a place."""
    rows = indicators.rows
    band = indicators.bands[0] if indicators.bands else None
    scored = [i for i in rows if i.score is not None]
    if band is not None and band.has("weight") and len(scored) >= 2 and all(i.weight is None for i in rows):
        notes.flag("指标表的分值栏全部为空，而得分栏填有数字：分值栏可能读错")
    weights = sum((i.weight for i in rows if i.weight is not None), Decimal(0))
    scores = sum((i.score for i in rows if i.score is not None), Decimal(0))
    total = next((f for f in funds.lines if f.line == "total"), None)
    printed = total.weight if total is not None and total.weight is not None else None
    both = [i for i in rows if i.weight is not None and i.score is not None]
    swapped = any(i.score > i.weight for i in both) and not any(i.score < i.weight for i in both)  # type: ignore[operator]
    for exec_weight in [printed] if printed is not None else [Decimal(10), Decimal(20)]:
        if swapped and exec_weight + weights != 100 and exec_weight + scores == 100:
            notes.flag(
                f"各指标分值合计{weights}加预算执行分值{exec_weight}不等于100，而得分栏合计{scores}正好凑足100："
                "分值与得分两栏可能读反"
            )
            break


#: Fields whose cells hold a number: an OCR'd digit string there that does not parse is unsure.
_NUMERIC_FIELDS = frozenset(
    {
        "budget_initial",
        "budget_full_year",
        "executed",
        "weight",
        "score",
        "rate_reported",
        "total_weight_reported",
        "total_score_reported",
    }
)


def ocr_review(form: Form, min_confidence: float, unplaced: Sequence[tuple[int, str]] = ()) -> Form:
    """The form with the reasons OCR gives to review it: a value cell read with a confidence
    below ``min_confidence``, a digit string in a numeric column that does not parse as a number,
    text the grid could not place in a cell (on a page the form is on). Text read from a text
    layer has no confidence and is never flagged here; no character is ever corrected."""
    roles = dict(form.cell_roles)
    reasons: list[str] = []
    low: list[str] = []
    for table, cell in form.cells:
        if cell.confidence is None or not cell.text:
            continue
        key = (table, cell.row, cell.col)
        role = roles.get(key)
        if role is None or role.role not in ("value", "unread"):
            continue
        field = (role.field or "").rsplit(".", 1)[-1]
        if field in _NUMERIC_FIELDS and any(ch.isdigit() for ch in cell.text) and not value_like(cell.text):
            reasons.append(f"单元格“{quote(cell.text)}”（{where(key)}）经OCR识别，数字无法解析：请核对原件")
        elif cell.confidence < min_confidence:
            low.append(f"“{quote(cell.text, 12)}”（{where(key)}，{cell.confidence:.2f}）")
    if low:
        shown = "、".join(low[:5]) + ("等" if len(low) > 5 else "")
        reasons.append(f"{len(low)}个单元格OCR识别置信度低于{min_confidence:.2f}：{shown}，请核对原件")
    pages = {cell.page for _, cell in form.cells}
    lost = [text for page, text in unplaced if page in pages]
    if lost:
        shown = "；".join(lost[:4]) + ("等" if len(lost) > 4 else "")
        reasons.append(f"{len(lost)}处字迹OCR未能读取或归入单元格：{shown}，请核对原件")
    if not reasons:
        return form
    merged = tuple(dict.fromkeys((*form.review_reasons, *reasons)))
    return replace(form, needs_review=True, review_reasons=merged)
