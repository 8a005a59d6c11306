"""A form segment's rows → ``Form``: cut into blocks (``blocks``), each read by its own reader
(``head``, ``funds``, ``goal``, ``indicators``, ``totals``), then every cell accounted for
(``accounting``) and the form marked ``needs_review`` when the reader is not sure.

Everything is found by its printed labels and by geometry, never by a fixed position; nothing is
corrected: a value that does not parse stays in its ``*_raw`` column and the form says why it
needs review.
"""

from __future__ import annotations

from parsers.forms import accounting
from parsers.forms.blocks import cut
from parsers.forms.columns import Band
from parsers.forms.funds import Funds, read_funds
from parsers.forms.goal import Goal, read_goal
from parsers.forms.head import read_head, title_and_year
from parsers.forms.indicators import Indicators, read_indicators
from parsers.forms.layout import RowView
from parsers.forms.notes import Notes
from parsers.forms.segment import Segment
from parsers.forms.template import template_of
from parsers.forms.totals import Totals, grade, read_totals
from parsers.forms.values import storable
from parsers.numbers import is_blank, parse_points
from parsers.text import label_key
from schemas.records import CellRef, Form, Paragraph
from schemas.tables import SCORE


def match_form(seg: Segment, form_index: int) -> Form:
    rows = [i for i in seg.items if isinstance(i, RowView)]
    paragraphs = [*seg.preamble, *[i for i in seg.items if isinstance(i, Paragraph)]]
    notes = Notes()
    refs: list[tuple[str, CellRef]] = []
    blocks = cut(rows)

    head = read_head([r for b in blocks if b.kind == "head" for r in b.rows])
    notes.merge(head.notes)
    refs += head.refs

    funds = Funds()
    for block in (b for b in blocks if b.kind == "funds"):
        if funds.band is None:
            funds = read_funds(block.rows, paragraphs)
        else:
            notes.warn("a second 项目资金 block: not read")
            notes.flag("表中有第二个资金表，未读取")
    notes.merge(funds.notes)

    goal: Goal = read_goal([r for b in blocks if b.kind == "goal" for r in b.rows])
    notes.merge(goal.notes)
    refs += goal.refs

    indicators = Indicators()
    band: Band | None = None
    totals = Totals()
    for block in blocks:
        if block.kind == "indicators":
            band = read_indicators(block.rows, indicators, band)
        elif block.kind == "totals":
            read_totals(block.rows, band, totals)
        elif block.kind == "trailer":
            for row in block.rows:
                grade(row, totals)
            accounting.notes_of(block.rows, notes)
    notes.merge(indicators.notes)
    notes.merge(totals.notes)
    refs += totals.refs

    title, year = title_and_year(seg.title, paragraphs, rows, notes)
    if funds.band is None:
        notes.warn("no 项目资金 (funds) block found")
    if not indicators.rows:
        notes.warn("no 绩效指标 (indicator) rows found")
    if funds.lines and funds.unit is None:
        notes.warn("money unit not printed: amounts read as 万元, the national template's unit")
    for name, text in (("分值", totals.weight_raw), ("得分", totals.score_raw)):
        if text is not None and not is_blank(text) and storable(parse_points(text), SCORE) is None:
            notes.flag(f"总分行的{name}“{text}”不能读作数字")
    accounting.sanity(indicators, funds, notes)
    cells = tuple((row.table_index, cell) for row in rows for cell in row.cells)
    accounting.account(blocks, notes)
    return Form(
        form_index=form_index,
        year=year,
        title_raw=title,
        project_name=head.fields.get("project_name"),
        department=head.fields.get("department"),
        implementing_unit=head.fields.get("implementing_unit"),
        money_unit=funds.unit,
        money_unit_raw=funds.unit_raw,
        goal_expected=goal.values.get("expected"),
        goal_actual=goal.values.get("actual"),
        funds=tuple(funds.lines),
        indicators=tuple(indicators.rows),
        total_weight_reported=storable(parse_points(totals.weight_raw), SCORE),
        total_score_reported=storable(parse_points(totals.score_raw), SCORE),
        total_weight_raw=totals.weight_raw,
        total_score_raw=totals.score_raw,
        grade_reported=totals.grade,
        indicator_columns=indicators.columns,
        refs=tuple(refs),
        warnings=tuple(notes.warnings),
        cells=cells,
        cell_roles=tuple(sorted(notes.roles.items())),
        needs_review=bool(notes.review),
        review_reasons=tuple(notes.review),
        template=template_of(
            [k for row in rows for k in row.keys if k] + [label_key(p.text) for p in paragraphs], title
        ),
    )
