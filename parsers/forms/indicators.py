"""The indicator table (绩效指标): its header band, one ``Indicator`` per 三级指标 row.

Columns by their labels and by geometry (``columns``). 一级/二级 labels apply to every row a
merged cell spans; a blank continuation cell carries the label above it down (``LevelCarry``),
but a new level-1 block does not inherit the level 2 of the one before. A target printed over
several cells is read left to right ("≥" "4700" "人" → "≥4700人"). Template placeholder rows
("指标2：", "……", "指标1：无") are dropped; everything else is kept as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from parsers.forms import meaning, vocab
from parsers.forms.blocks import indicator_header_at
from parsers.forms.columns import Band, Placed, place, read_band
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes, quote, where
from parsers.forms.values import account_extra, band_roles, flag_ambiguous, one_value, storable
from parsers.numbers import is_blank, parse_decimal, parse_operator, parse_points, parse_quantity
from parsers.text import label_key
from schemas.hierarchy import LEVEL3_PLACEHOLDER_TEXTS
from schemas.records import Indicator, Quantity
from schemas.tables import SCORE

#: Fields whose cell merged down from an earlier row applies to this row too.
CARRIED = frozenset({"level1", "level2", "deviation"})
_LEVEL3_PREFIX = re.compile(r"^\s*指[标標]\s*[0-9０-９一二三四五六七八九十]+\s*[:：.．、]?\s*")
FIELD_ZH = {"weight": "分值", "score": "得分"}


def strip_level3_prefix(text: str) -> str:
    """ "指标1：对全市…" → "对全市…"; Langfang writes "指标1工程资金金额" without a colon."""
    return _LEVEL3_PREFIX.sub("", text, count=1)


@dataclass(slots=True)
class LevelCarry:
    """The 一级/二级 labels in force, carried down blank continuation cells."""

    level1: tuple[str | None, str | None, Decimal | None] = (None, None, None)
    level2: tuple[str | None, str | None] = (None, None)
    #: The PDF page each label in force was printed on (None: not a PDF).
    pages: tuple[int | None, int | None] = (None, None)
    #: Per level, the rest of a label rejoined last (as printed on the later page) and the whole
    #: label: the rows the rest is merged down over read the whole label too.
    rejoined: dict[int, tuple[str, str]] = field(default_factory=dict)

    def rejoin(self, level: int, raw: str | None, page: int | None) -> str | None:
        """A label cell merged down past a page break prints what did not fit at the top of the
        next page (可持续影响 | 指标): the text continues the label in force when it starts on a
        later page, means no category alone, and the two together are a category."""
        before = (self.level1[1] if level == 1 else self.level2[1]) or ""
        before_page = self.pages[level - 1]
        last = self.rejoined.get(level)
        if raw and last is not None and last[0] == raw and last[1] == before and page == before_page:
            return before  # a row further down the rest's merge
        if not raw or not before or page is None or before_page is None or page <= before_page:
            return raw
        known = vocab.canonical_level1 if level == 1 else vocab.canonical_level2
        if known(label_key(raw))[-1] != vocab.UNKNOWN:
            return raw
        joined = before + raw
        if known(label_key(joined))[-1] != vocab.KNOWN:
            return raw
        self.rejoined[level] = (raw, joined)
        return joined

    def read(
        self,
        l1_raw: str | None,
        l2_raw: str | None,
        notes: Notes,
        pages: tuple[int | None, int | None] = (None, None),
    ) -> tuple[str | None, str | None, Decimal | None, str | None, str | None]:
        """(level1, level1_raw, points, level2, level2_raw) of a row; ``pages``: the PDF page of
        each label cell."""
        l1_raw, l2_raw = self.rejoin(1, l1_raw, pages[0]), self.rejoin(2, l2_raw, pages[1])
        if l1_raw:
            self.pages = (pages[0], self.pages[1])
        if l2_raw:
            self.pages = (self.pages[0], pages[1])
        changed = False
        if l1_raw:
            l1, points, how = vocab.canonical_level1(label_key(l1_raw))
            _label_note(1, l1_raw, l1, how, notes)
            changed = l1 != self.level1[0]
            self.level1 = (l1, l1_raw, points)
        l1, l1_raw, points = self.level1
        if l2_raw:
            l2, how2 = vocab.canonical_level2(label_key(l2_raw))
            _label_note(2, l2_raw, l2, how2, notes)
            self.level2 = (l2, l2_raw)
        elif changed:
            self.level2 = (None, None)
        l2, l2_raw = self.level2
        if l1 is None and (parent := vocab.level1_of_level2(l2)) is not None:
            l1 = parent
        return l1, l1_raw, points, l2, l2_raw


def _label_note(level: int, raw: str, name: str | None, how: str, notes: Notes) -> None:
    if how == vocab.UNKNOWN:
        notes.warn(f"unrecognised level-{level} label {raw!r}")
        zh = "一" if level == 1 else "二"
        notes.flag(f"{zh}级指标“{quote(raw)}”不是已知的指标类别，按原文记录")
    elif how == vocab.BY_TERMS:
        notes.warn(f"level-{level} label {raw!r} read as {name} (shared words)")


@dataclass(slots=True)
class Indicators:
    rows: list[Indicator] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    notes: Notes = field(default_factory=Notes)
    carry: LevelCarry = field(default_factory=LevelCarry)

    @property
    def columns(self) -> tuple[str, ...]:
        band = self.bands[0] if self.bands else None
        return (
            tuple(c.field for c in band.columns if c.field and c.field not in ("block", "extra"))
            if band
            else ()
        )


def _with_column_hints(q: Quantity, nature: str | None, unit: str | None) -> Quantity:
    """Fold the 指标性质 (operator) and 度量单位 (unit) columns into a parsed value."""
    if q.kind not in ("number", "range"):
        return q
    op = parse_operator(nature) if nature else None
    if op is not None and q.op is None and q.kind == "number":
        q = replace(q, op=op)
    if unit and q.unit is None:
        unit_q = parse_quantity("1" + unit)
        if unit_q.kind == "number" and unit_q.unit is not None:
            q = replace(q, unit=unit_q.unit)
    return q


def read_indicators(rows: Sequence[RowView], out: Indicators, band: Band | None = None) -> Band | None:
    """Read one block of indicator rows into ``out``: from its own header band, or, for rows
    that continue a table on a new page or in a new Word table, with the band before."""
    start = 0
    if rows and indicator_header_at(rows, 0):
        band = read_band(rows, 0, meaning.indicator_field, is_block_label=_is_side_label)
        band_roles(rows, band, out.notes, table="indicators", what="指标表")
        out.bands.append(band)
        start = band.n_rows
    if band is None:
        return None
    for row in rows[start:]:
        _row(row, place(row, band, carried=CARRIED), out)
    return band


def _is_side_label(key: str) -> bool:
    """The block's side label (绩效指标, written down the left edge; a PDF may repeat its last
    glyph where a page break cut it: long_form_three_pages.pdf prints 绩效指标标)."""
    if key in ("绩效指标情况", "项目绩效指标", "年度绩效指标", "绩效目标"):
        return True
    return key.startswith("绩效指标") and set(key[4:]) <= set("绩效指标")


def _page(placed: Placed, name: str) -> int | None:
    return next((c.page for c in placed.by_field.get(name, ()) if c.text), None)


def _row(row: RowView, placed: Placed, out: Indicators) -> None:
    notes = out.notes
    flag_ambiguous(row, placed, notes)
    pages: tuple[int | None, int | None] = (None, None)
    if row.cells and row.cells[0].page is not None:  # a PDF's: the page of each level label
        pages = (_page(placed, "level1"), _page(placed, "level2"))
    l1, l1_raw, points, l2, l2_raw = out.carry.read(
        placed.text("level1"), placed.text("level2"), notes, pages
    )
    level3_raw = placed.text("level3")
    level3 = strip_level3_prefix(level3_raw) if level3_raw else None
    target_raw, actual_raw = _value_text(placed, "target"), _value_text(placed, "actual")
    seq = len(out.rows) + 1
    weight_cell, weight_raw = one_value(row, placed, "weight", notes, f"指标{seq}的分值")
    score_cell, score_raw = one_value(row, placed, "score", notes, f"指标{seq}的得分")
    if all(is_blank(v) for v in (target_raw, actual_raw, weight_raw, score_raw)) and (
        level3 is None or label_key(level3) in LEVEL3_PLACEHOLDER_TEXTS
    ):
        for cells in placed.by_field.values():
            for cell in cells:
                if cell.text and cell.row == row.row:
                    notes.role(row, cell, "placeholder")
        return  # a placeholder row of the template ("指标2：", "……", "指标1：无")
    if not level3:
        notes.warn(f"indicator {seq}: no 三级指标 name")
        level3 = None
    nature, unit_raw = placed.text("nature"), placed.text("unit")
    deviation = placed.text("deviation", "；")
    target = _with_column_hints(parse_quantity(target_raw), nature, unit_raw)
    # a 度量单位 column under 年度指标值 is the target's unit; a column of its own is the row's
    row_unit = (
        None if any(col.field == "unit" and col.group == "target" for _, col in placed.pairs) else unit_raw
    )
    actual = _with_column_hints(parse_quantity(actual_raw), None, row_unit)
    weight = storable(parse_points(weight_raw), SCORE)
    score = storable(parse_points(score_raw), SCORE)
    for name, found, text, value in (
        ("weight", weight_cell, weight_raw, weight),
        ("score", score_cell, score_raw, score),
    ):
        if value is None and text is not None and not is_blank(text):
            notes.warn(f"indicator {seq}: {name} {text!r} is not a number")
            at = f"（{where((row.table_index, found.row, found.col))}）" if found is not None else ""
            notes.flag(f"指标“{quote(level3 or str(seq))}”的{FIELD_ZH[name]}“{quote(text)}”不能读作数字{at}")
    if deviation is not None and _numeric_note(deviation):
        cells = placed.cells("deviation")
        at = f"（{where((row.table_index, cells[0].row, cells[0].col))}）" if cells else ""
        notes.flag(
            f"指标“{quote(level3 or str(seq))}”的偏差原因栏填的是数字“{quote(deviation)}”{at}，可能错列"
        )
    refs = []
    for name, cells in placed.by_field.items():
        for cell in cells:
            if cell.text or name in ("score", "weight"):
                refs.append((name, row.ref(cell)))
            if cell.text:
                notes.role(row, cell, "value", f"indicators.{name}")
    account_extra(row, placed, notes)
    for cell, stray_column in placed.stray:
        if cell.row == row.row:
            why = (
                f"所在栏“{quote(stray_column.label)}”含义不明"
                if stray_column is not None and stray_column.label
                else "不在任何栏目下"
            )
            notes.role(row, cell, "unread", reason=why)
    out.rows.append(
        Indicator(
            seq=seq,
            level1=l1,
            level2=l2,
            level3=level3,
            level1_raw=l1_raw,
            level2_raw=l2_raw,
            level3_raw=level3_raw,
            level1_points=points,
            target_raw=target_raw,
            actual_raw=actual_raw,
            target=target,
            actual=actual,
            weight=weight,
            score=score,
            weight_raw=weight_raw,
            score_raw=score_raw,
            deviation_note=deviation,
            nature_raw=nature,
            unit_raw=unit_raw,
            target_note=placed.text("target_note"),
            refs=tuple(refs),
        )
    )


def _value_text(placed: Placed, name: str) -> str | None:
    """A target or actual as printed: the cells of its header group read left to right when a
    band splits it (年度指标值 › 指标性质 | 指标值 | 度量单位 → "≥4700人"), else its own cells."""
    if any(col.group == name for _, col in placed.pairs):
        return placed.group_text(name)
    return placed.text(name)


def _numeric_note(text: str) -> bool:
    """A deviation note that is a number other than 0 (a score read into the wrong column;
    "0" is how some forms say "no deviation")."""
    value = parse_decimal(text, allow_units=("分", "%"))
    return value is not None and value != 0
