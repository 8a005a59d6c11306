"""A form segment's rows → ``Form``: header fields, funds, goal, indicators, totals.

Everything is found by its printed label, never by position: a header row's labels define the
column ranges of the rows below it (a two-row header, e.g. 年度指标值 over 指标性质/指标值/度量单位,
is resolved to the lower labels). Values are taken from the cells covering those ranges. Labels
of merged 一级/二级 cells apply to every row they span; blank continuation cells carry the label
above them down. Nothing is corrected: a value that does not parse stays in its ``*_raw`` column
and a warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import pyarrow as pa

from parsers.forms import vocab
from parsers.forms.layout import RowView
from parsers.forms.segment import Segment
from parsers.numbers import (
    is_blank,
    money_unit_of,
    parse_money,
    parse_operator,
    parse_points,
    parse_quantity,
    parse_rate,
    parse_year,
)
from parsers.text import label_key
from schemas.hierarchy import LEVEL3_PLACEHOLDER_TEXTS
from schemas.records import Cell, CellRef, Form, FundLine, Indicator, Paragraph, Quantity
from schemas.tables import MONEY, RATIO, SCORE, fits

Lookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Column:
    c0: int
    c1: int
    field: str
    label: str


def header_columns(row: RowView, lookup: Lookup, below: RowView | None) -> tuple[list[Column], bool]:
    """Columns defined by a header row; resolves a second header row below it when there is one.

    Returns the columns (sorted by position) and whether the row below was consumed.
    """
    cols = [
        Column(cell.col, cell.col + cell.col_span, field, cell.text)
        for cell, key in row.non_empty()
        if (field := lookup(key)) is not None
    ]
    consumed = False
    if below is not None and below.grid is row.grid and below.row == row.row + 1:
        subs = [(cell, lookup(key)) for cell, key in below.non_empty()]
        wide = [c for c in row.cells if c.col_span > 1 and c.row_span == 1]
        if subs and all(
            f is not None and any(w.col <= cell.col < w.col + w.col_span for w in wide) for cell, f in subs
        ):
            consumed = True
            for cell, f in subs:
                assert f is not None
                cols = [c for c in cols if not (c.c0 <= cell.col < c.c1)]
                cols.append(Column(cell.col, cell.col + cell.col_span, f, cell.text))
    cols.sort(key=lambda c: c.c0)
    return cols, consumed


def assign_cells(row: RowView, cols: list[Column], *, merged: frozenset[str]) -> dict[str, Cell]:
    """The cell under each column in ``row``; a cell spanning several columns goes to the first.

    Fields in ``merged`` accept a cell that started in an earlier row (a vertical merge).
    """
    out: dict[str, Cell] = {}
    taken: set[int] = set()
    for col in cols:
        cell = row.covering(col.c0)
        if cell is None or id(cell) in taken:
            continue
        if cell.row != row.row and col.field not in merged:
            continue
        taken.add(id(cell))
        out.setdefault(col.field, cell)
    return out


_LEVEL3_PREFIX = re.compile(r"^\s*指标\s*[0-9０-９一二三四五六七八九十]+\s*[:：.．、]?\s*")


def strip_level3_prefix(text: str) -> str:
    """ "指标1：对全市…" → "对全市…"; Langfang writes "指标1工程资金金额" without a colon."""
    return _LEVEL3_PREFIX.sub("", text, count=1)


def _text(cell: Cell | None) -> str | None:
    return cell.text if cell is not None and cell.text else None


_LEVEL_MERGED = frozenset({"level1", "level2", "deviation"})


class _FormMatcher:
    """Maps one segment. Holds only this form's state and is discarded after ``run``."""

    def __init__(self, seg: Segment, form_index: int) -> None:
        self.seg = seg
        self.form_index = form_index
        self.rows = [i for i in seg.items if isinstance(i, RowView)]
        self.paragraphs = [*seg.preamble, *[i for i in seg.items if isinstance(i, Paragraph)]]
        self.warnings: list[str] = []
        self.refs: list[tuple[str, CellRef]] = []
        self.fields: dict[str, str | None] = {}
        self.money_unit: str | None = None
        self.money_unit_raw: str | None = None
        self.fund_cols: list[Column] = []
        self.fund_score_weight: Decimal | None = None
        self.funds: list[FundLine] = []
        self.ind_cols: list[Column] = []
        self.indicators: list[Indicator] = []
        self.goal: dict[str, str | None] = {}
        self.total_weight_raw: str | None = None
        self.total_score_raw: str | None = None
        self.grade: str | None = None
        self._prev_l1: tuple[str | None, str | None, Decimal | None] = (None, None, None)
        self._prev_l2: str | None = None
        self._prev_l2_raw: str | None = None

    # ------------------------------------------------------------------------------ driver
    def run(self) -> Form:
        state = "head"
        i = 0
        while i < len(self.rows):
            row = self.rows[i]
            below = self.rows[i + 1] if i + 1 < len(self.rows) else None
            if state in ("head", "funds", "goal") and self._is_indicator_header(row):
                self.ind_cols, consumed = header_columns(row, vocab.indicator_column, below)
                state = "indicators"
                i += 2 if consumed else 1
                continue
            if state == "indicators":
                if self._is_indicator_header(row):  # repeated on a continuation table
                    self.ind_cols, consumed = header_columns(row, vocab.indicator_column, below)
                    i += 2 if consumed else 1
                    continue
                end = self._end_of_indicators(row)
                if end == "total":
                    self._total_row(row)
                    state = "after"
                elif end == "trailer":
                    state = "after"
                else:
                    self._indicator_row(row)
                i += 1
                continue
            if state == "after":
                if self.total_score_raw is None and self._end_of_indicators(row) == "total":
                    self._total_row(row)
                self._grade_row(row)
                i += 1
                continue
            # head / funds / goal
            self._header_fields(row)
            if self._is_funds_header(row):
                self.fund_cols, consumed = header_columns(row, vocab.fund_column, below)
                self._funds_unit(row, below if consumed else None)
                state = "funds"
                i += 2 if consumed else 1
                continue
            if state == "funds" and self._fund_row(row):
                i += 1
                continue
            if self._goal_row(row, below):
                state = "goal"
            i += 1
        return self._form()

    # ------------------------------------------------------------------------------ header
    def _header_fields(self, row: RowView) -> None:
        for cell, key in row.non_empty():
            field = vocab.header_field(key)
            if field is None or field in self.fields:
                continue
            value = next((c for c in row.right_of(cell) if not vocab.header_field(label_key(c.text))), None)
            self.fields[field] = _text(value)
            if value is not None:
                self.refs.append((field, row.ref(value)))

    def _title_and_year(self) -> tuple[str | None, int | None]:
        title = self.seg.title
        year = parse_year(title)
        if year is None:
            texts = [p.text for p in self.paragraphs]
            for row in self.rows:
                if any(vocab.header_field(k) for k in row.keys) or self._is_funds_header(row):
                    break
                texts.extend(c.text for c in row.cells)
            for text in texts:
                if "年度" in text and (year := parse_year(text)) is not None:
                    break
        if year is None:
            self.warnings.append("no year printed near the title (expected like '（2021年度）')")
        return title, year

    # ------------------------------------------------------------------------------ funds
    def _is_funds_header(self, row: RowView) -> bool:
        fields = {vocab.fund_column(k) for k in row.keys if k}
        return len(fields & {"budget_initial", "budget_full_year", "executed", "rate"}) >= 2

    def _funds_unit(self, row: RowView, sub: RowView | None) -> None:
        # The block label ("项目资金（万元）") may start above the header row: use covering cells.
        candidates = [c.text for c in row.covering_cells()]
        if sub is not None:
            candidates += [c.text for c in sub.cells]
        candidates += [p.text for p in self.paragraphs if "单位" in p.text]
        score_col = next((c for c in self.fund_cols if c.field == "score"), None)
        if score_col is not None:
            self.fund_score_weight = vocab.weight_in_label(label_key(score_col.label))
        for text in candidates:
            unit = money_unit_of(text)
            if unit is not None:
                self.money_unit, self.money_unit_raw = unit, text
                return

    def _fund_row(self, row: RowView) -> bool:
        if not self.fund_cols:
            return False
        first_value = min(c.c0 for c in self.fund_cols)
        label_cell = next(
            (c for c, k in row.non_empty() if c.col < first_value and not vocab.is_funds_block_label(k)),
            None,
        )
        if label_cell is None:
            return False
        line = vocab.fund_line(label_key(label_cell.text))
        if line is None:
            return False
        cells = assign_cells(row, self.fund_cols, merged=frozenset())
        unit = self.money_unit or "万元"
        refs: list[tuple[str, CellRef]] = [("label", row.ref(label_cell))]
        raw: dict[str, str | None] = {}
        for field, cell in cells.items():
            raw[field] = _text(cell)
            refs.append((field, row.ref(cell)))
        seq = len(self.funds) + 1
        values: dict[str, Decimal | None] = {}
        for field in ("budget_initial", "budget_full_year", "executed"):
            values[field] = _storable(parse_money(raw.get(field), unit), MONEY)
        values["weight"] = _storable(parse_points(raw.get("weight")), SCORE)
        values["score"] = _storable(parse_points(raw.get("score")), SCORE)
        values["rate"] = _storable(parse_rate(raw.get("rate")), RATIO)
        for field, text in raw.items():
            if text is not None and not is_blank(text) and values.get(field) is None:
                self.warnings.append(f"fund line {seq} ({label_cell.text}): {field} {text!r} is not a number")
        weight = values["weight"]
        if weight is None and line == "total" and self.fund_score_weight is not None:
            weight = self.fund_score_weight
        self.funds.append(
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
                budget_initial_raw=raw.get("budget_initial"),
                budget_full_year_raw=raw.get("budget_full_year"),
                executed_raw=raw.get("executed"),
                weight_raw=raw.get("weight"),
                score_raw=raw.get("score"),
                rate_raw=raw.get("rate"),
                refs=tuple(refs),
            )
        )
        return True

    # ------------------------------------------------------------------------------ goal
    def _goal_row(self, row: RowView, below: RowView | None) -> bool:
        filled = row.non_empty()
        labels = [(c, vocab.goal_column(k)) for c, k in filled if vocab.goal_column(k)]
        if labels:
            header_style = all(
                (nxt := next(iter(row.right_of(c)), None)) is None
                or vocab.goal_column(label_key(nxt.text)) is not None
                for c, _ in labels
            )
            for cell, field in labels:
                assert field is not None
                if field in self.goal:
                    continue
                if header_style:
                    value = below.own_at(cell.col) if below is not None and below.grid is row.grid else None
                else:
                    value = next(iter(row.right_of(cell)), None)
                self.goal[field] = _text(value)
                if value is not None:
                    self.refs.append((f"goal_{field}", (below if header_style and below else row).ref(value)))
            return True
        block = next((c for c, k in filled if vocab.is_goal_block_label(k)), None)
        if block is not None and "expected" not in self.goal:
            value = next((c for c in row.right_of(block) if c.text), None)
            if value is not None and vocab.goal_column(label_key(value.text)) is None:
                self.goal["expected"] = value.text
                self.refs.append(("goal_expected", row.ref(value)))
                return True
        return False

    # ------------------------------------------------------------------------------ indicators
    def _is_indicator_header(self, row: RowView) -> bool:
        fields = {vocab.indicator_column(k) for k in row.keys if k}
        return len(fields & {"level1", "level2", "level3"}) >= 2 or (
            "level3" in fields and "target" in fields
        )

    def _end_of_indicators(self, row: RowView) -> str | None:
        filled = row.non_empty()
        if not filled:
            return None
        level3 = next((c for c in self.ind_cols if c.field == "level3"), None)
        for cell, key in filled:
            if level3 is not None and cell.col >= level3.c1:
                break  # labels that end the table sit left of the indicator names
            if vocab.is_total_label(key):
                return "total"
            if vocab.is_trailer_label(key):
                return "trailer"
        return None

    def _indicator_row(self, row: RowView) -> None:
        cells = assign_cells(row, self.ind_cols, merged=_LEVEL_MERGED)
        raw = {f: _text(c) for f, c in cells.items()}

        # Level 1: merged or repeated label; a blank continuation cell carries the one above down.
        l1_raw = raw.get("level1")
        if l1_raw:
            l1, points, how = vocab.canonical_level1(label_key(l1_raw))
            self._label_warning(1, l1_raw, l1, how)
            changed = l1 != self._prev_l1[0]
            self._prev_l1 = (l1, l1_raw, points)
        else:
            l1, l1_raw, points = self._prev_l1
            changed = False
        # Level 2: as level 1, but a new level-1 block does not inherit the previous level 2.
        l2_raw = raw.get("level2")
        if l2_raw:
            l2, how2 = vocab.canonical_level2(label_key(l2_raw))
            self._label_warning(2, l2_raw, l2, how2)
            self._prev_l2 = l2
            self._prev_l2_raw = l2_raw
        elif not changed and self._prev_l2 is not None:
            l2, l2_raw = self._prev_l2, self._prev_l2_raw
        else:
            l2 = None
            self._prev_l2 = None
        if l1 is None and (parent := vocab.level1_of_level2(l2)) is not None:
            l1 = parent

        level3_raw = raw.get("level3")
        level3 = strip_level3_prefix(level3_raw) if level3_raw else None
        values = [raw.get(f) for f in ("target", "actual", "weight", "score")]
        if all(is_blank(v) for v in values) and (
            level3 is None or label_key(level3) in LEVEL3_PLACEHOLDER_TEXTS
        ):
            return  # a placeholder row of the template ("指标2：", "……", "指标1：无")
        seq = len(self.indicators) + 1
        if not level3:
            self.warnings.append(f"indicator {seq}: no 三级指标 name")
            level3 = None

        nature = raw.get("nature")
        unit_raw = raw.get("unit")
        target = _with_column_hints(parse_quantity(raw.get("target")), nature, unit_raw)
        actual = _with_column_hints(parse_quantity(raw.get("actual")), None, unit_raw)
        weight = _storable(parse_points(raw.get("weight")), SCORE)
        score = _storable(parse_points(raw.get("score")), SCORE)
        for field, value in (("weight", weight), ("score", score)):
            text = raw.get(field)
            if value is None and text is not None and not is_blank(text):
                self.warnings.append(f"indicator {seq}: {field} {text!r} is not a number")
        refs = tuple((f, row.ref(c)) for f, c in cells.items() if c.text or f in ("score", "weight"))
        self.indicators.append(
            Indicator(
                seq=seq,
                level1=l1,
                level2=l2,
                level3=level3,
                level1_raw=l1_raw,
                level2_raw=l2_raw,
                level3_raw=level3_raw,
                level1_points=points,
                target_raw=raw.get("target"),
                actual_raw=raw.get("actual"),
                target=target,
                actual=actual,
                weight=weight,
                score=score,
                weight_raw=raw.get("weight"),
                score_raw=raw.get("score"),
                deviation_note=raw.get("deviation"),
                nature_raw=nature,
                unit_raw=unit_raw,
                target_note=raw.get("target_note"),
                refs=refs,
            )
        )

    def _label_warning(self, level: int, raw: str, name: str | None, how: str) -> None:
        if how == vocab.UNKNOWN:
            self._warn_once(f"unrecognised level-{level} label {raw!r}")
        elif how == vocab.BY_TERMS:
            self._warn_once(f"level-{level} label {raw!r} read as {name} (shared words)")

    def _warn_once(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # ------------------------------------------------------------------------------ totals
    def _total_row(self, row: RowView) -> None:
        filled = row.non_empty()
        label = next(c for c, k in filled if vocab.is_total_label(k) or vocab.is_trailer_label(k))
        after = [c for c in row.right_of(label) if c.row == row.row]
        cells = assign_cells(
            row, [c for c in self.ind_cols if c.field in ("weight", "score")], merged=frozenset()
        )
        cells = {f: c for f, c in cells.items() if c is not label}
        if not cells:
            numbers = [c for c in after if parse_points(c.text) is not None]
            if len(numbers) == 2:
                cells = {"weight": numbers[0], "score": numbers[1]}
            elif numbers:
                self.warnings.append(f"总分 row: cannot tell 分值 from 得分 in {[c.text for c in numbers]}")
        if "weight" in cells:
            self.total_weight_raw = _text(cells["weight"])
            self.refs.append(("total_weight", row.ref(cells["weight"])))
        if "score" in cells:
            self.total_score_raw = _text(cells["score"])
            self.refs.append(("total_score", row.ref(cells["score"])))
        self._grade_row(row)

    def _grade_row(self, row: RowView) -> None:
        for cell, key in row.non_empty():
            g = vocab.grade(key)
            if g is not None and self.grade is None:
                self.grade = g
                self.refs.append(("grade", row.ref(cell)))

    # ------------------------------------------------------------------------------ result
    def _form(self) -> Form:
        title, year = self._title_and_year()
        if not self.funds:
            self.warnings.append("no 项目资金 (funds) block found")
        if not self.indicators:
            self.warnings.append("no 绩效指标 (indicator) rows found")
        if self.funds and self.money_unit is None:
            self.warnings.append("money unit not printed: amounts read as 万元, the national template's unit")
        total_weight = _storable(parse_points(self.total_weight_raw), SCORE)
        total_score = _storable(parse_points(self.total_score_raw), SCORE)
        return Form(
            form_index=self.form_index,
            year=year,
            title_raw=title,
            project_name=self.fields.get("project_name"),
            department=self.fields.get("department"),
            implementing_unit=self.fields.get("implementing_unit"),
            money_unit=self.money_unit,
            money_unit_raw=self.money_unit_raw,
            goal_expected=self.goal.get("expected"),
            goal_actual=self.goal.get("actual"),
            funds=tuple(self.funds),
            indicators=tuple(self.indicators),
            total_weight_reported=total_weight,
            total_score_reported=total_score,
            total_weight_raw=self.total_weight_raw,
            total_score_raw=self.total_score_raw,
            grade_reported=self.grade,
            indicator_columns=tuple(c.field for c in self.ind_cols),
            refs=tuple(self.refs),
            warnings=tuple(self.warnings),
            cells=tuple((row.table_index, cell) for row in self.rows for cell in row.cells),
        )


def _storable(value: Decimal | None, type_: pa.Decimal128Type) -> Decimal | None:
    """The value if the dataset can hold it exactly; else None (the raw text is kept beside it)."""
    return value if value is None or fits(value, type_) else None


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


def match_form(seg: Segment, form_index: int) -> Form:
    return _FormMatcher(seg, form_index).run()
