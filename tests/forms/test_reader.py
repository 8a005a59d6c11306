"""The form reader on templates outside the samples: columns by geometry (hand-drawn grids, stray
split cells), header bands, labels by meaning, blocks in any shape, and ``needs_review`` when
the reader is not sure. Each case is a small synthetic document drawn on a fine grid."""

from __future__ import annotations

import io
from decimal import Decimal as D

from parsers.formats.base import ParseOptions
from parsers.formats.xlsx import parse_xlsx
from parsers.forms.indicators import LevelCarry
from parsers.forms.notes import Notes
from pipeline.extract import forms_of
from schemas.profiles import NATIONAL
from tests.forms.drawn import (
    EXPECTED,
    GOAL,
    HEAD,
    IND_BODY,
    IND_HEAD,
    TOTAL,
    Row,
    funds_rows,
    indicator_values,
    read,
    standard,
)
from tests.wordml import INDICATOR_HEADER


def test_a_hand_drawn_grid_is_read_by_geometry() -> None:
    form = read(standard())
    assert indicator_values(form) == EXPECTED
    total = form.funds[0]
    assert (total.budget_initial, total.budget_full_year, total.executed) == (D(100), D(100), D(95))
    assert (total.weight, total.rate_reported, total.score) == (D(10), D("0.95"), D("9.5"))
    assert (form.goal_expected, form.goal_actual) == ("完成道路养护", "已完成道路养护")
    assert (form.total_weight_reported, form.total_score_reported) == (D(100), D(97))
    assert not form.needs_review, form.review_reasons


def test_every_non_empty_cell_has_a_role() -> None:
    form = read(standard())
    roles = dict(form.cell_roles)
    texts = {(t, c.row, c.col): c.text for t, c in form.cells if c.text}
    assert set(texts) <= set(roles)
    assert roles[next(k for k, t in texts.items() if t == "养护里程")].field == "indicators.level3"
    assert roles[next(k for k, t in texts.items() if t == "年度资金总额")].field == "funds.label_raw"
    assert roles[next(k for k, t in texts.items() if t == "全年执行数")].role == "label"


def test_stray_empty_slivers_beside_values_are_ignored() -> None:
    body = [
        [
            ("产出指标", 5),
            ("数量指标", 5),
            ("养护里程", 8),
            ("", 1),
            ("≥50公里", 4),
            ("52公里", 5),
            ("30", 3),
            ("30", 3),
            ("", 6),
        ],
        *IND_BODY[1:],
    ]
    form = read(standard(ind=[IND_HEAD, *body]))
    assert indicator_values(form) == EXPECTED
    assert not form.needs_review


def test_a_target_printed_over_three_cells_is_read_left_to_right() -> None:
    body = [
        [
            ("产出指标", 5),
            ("数量指标", 5),
            ("养护里程", 8),
            ("≥", 1),
            ("50", 3),
            ("公里", 1),
            ("52公里", 5),
            ("30", 3),
            ("30", 3),
            ("", 6),
        ],
        *IND_BODY[1:],
    ]
    form = read(standard(ind=[IND_HEAD, *body]))
    first = form.indicators[0]
    assert first.target_raw == "≥50公里"
    assert (first.target.op, first.target.value, first.target.unit) == ("≥", D(50), "公里")
    assert not form.needs_review


def test_a_two_row_header_band_gives_every_leaf_its_path() -> None:
    head = [
        [
            ("一级指标", 5),
            ("二级指标", 5),
            ("三级指标", 8),
            ("年度指标值", 9),
            ("实际完成值", 4),
            ("分值", 3),
            ("得分", 3),
            ("偏差原因", 3),
        ],
        [("", 18), ("指标性质", 3), ("指标值", 3), ("度量单位", 3), ("", 13)],
    ]
    # the cells merged down through the band: the 18 columns on the left and the 13 on the right
    # are one empty sub-row cell each here; the band still has every leaf
    body = [
        [
            ("产出指标", 5),
            ("数量指标", 5),
            ("养护里程", 8),
            ("≥", 3),
            ("50", 3),
            ("公里", 3),
            ("52公里", 4),
            ("30", 3),
            ("30", 3),
            ("", 3),
        ],
        [
            ("", 5),
            ("质量指标", 5),
            ("合格率", 8),
            ("≥", 3),
            ("95", 3),
            ("%", 3),
            ("90%", 4),
            ("20", 3),
            ("18", 3),
            ("雨季影响", 3),
        ],
    ]
    form = read(standard(ind=[*head, *body]))
    first, second = form.indicators[:2]
    assert (first.nature_raw, first.target_raw, first.unit_raw) == ("≥", "≥50公里", "公里")
    assert (first.target.op, first.target.value, first.target.unit) == ("≥", D(50), "公里")
    assert (second.target.op, second.target.value, second.target.unit) == ("≥", D(95), "%")
    assert (second.actual_raw, second.score, second.deviation_note) == ("90%", D(18), "雨季影响")


def test_headers_worded_unlike_any_synonym_are_read_by_their_key_words() -> None:
    head: Row = [
        ("一级指标", 5),
        ("二级指标", 5),
        ("三级指标", 8),
        ("年度目标值（A）", 5),
        ("本年度实际完成情况", 5),
        ("指标分值（分）", 3),
        ("自评分数", 3),
        ("未达标原因及下一步整改举措", 6),
    ]
    form = read(standard(ind=[head, *IND_BODY]))
    assert indicator_values(form) == EXPECTED
    assert not form.needs_review, form.review_reasons


def test_weights_printed_before_the_targets() -> None:
    head: Row = [
        ("一级指标", 5),
        ("二级指标", 5),
        ("三级指标", 8),
        ("权重", 3),
        ("指标值", 5),
        ("完成值", 5),
        ("得分", 3),
        ("原因", 6),
    ]
    body = [
        [
            (r[0][0], 5),
            (r[1][0], 5),
            (r[2][0], 8),
            (r[5][0], 3),
            (r[3][0], 5),
            (r[4][0], 5),
            (r[6][0], 3),
            (r[7][0], 6),
        ]
        for r in IND_BODY
    ]
    form = read(standard(ind=[head, *body]))
    assert indicator_values(form) == EXPECTED


def test_an_unknown_column_holding_numbers_makes_the_form_needs_review() -> None:
    head: Row = [*IND_HEAD[:2], ("三级指标", 6), ("抽样量", 2), *IND_HEAD[3:]]
    widths = [w for _, w in head]  # the body cut like the header this time, a column added
    body = [[(t, w) for (t, _), w in zip([*r[:3], ("12", 0), *r[3:]], widths, strict=True)] for r in IND_BODY]
    form = read(standard(ind=[head, *body]))
    assert form.needs_review
    assert any("抽样量" in r for r in form.review_reasons)
    # what was understood is still read right
    assert indicator_values(form) == EXPECTED


def test_goal_labels_on_top_with_unfamiliar_wording() -> None:
    goal = [
        [("年初设定目标", 20), ("年度总体目标完成情况综述", 20)],
        [("完成道路养护", 20), ("已完成道路养护", 20)],
    ]
    form = read(standard(goal=goal))
    assert (form.goal_expected, form.goal_actual) == ("完成道路养护", "已完成道路养护")


def test_funds_with_per_line_weight_and_score_and_no_initial_budget() -> None:
    funds = [
        [
            ("项目资金（万元）", 8),
            ("", 8),
            ("全年预算数（A）", 5),
            ("全年执行数（B）", 5),
            ("执行率（B/A）", 5),
            ("分值", 4),
            ("得分", 5),
        ],
        [("", 8), ("年度资金总额", 8), ("100", 5), ("95", 5), ("95%", 5), ("", 4), ("", 5)],
        [("", 8), ("其中：当年财政拨款", 8), ("100", 5), ("95", 5), ("95%", 5), ("10", 4), ("9.5", 5)],
    ]
    form = read(standard(funds=funds))
    total, fiscal = form.funds
    assert (total.budget_initial, total.budget_full_year, total.executed, total.weight) == (
        None,
        D(100),
        D(95),
        None,
    )
    assert (fiscal.weight, fiscal.score, fiscal.rate_reported) == (D(10), D("9.5"), D("0.95"))


def test_the_funds_block_may_follow_the_indicators() -> None:
    rows = [*HEAD, *GOAL, IND_HEAD, *IND_BODY, TOTAL, *funds_rows()]
    form = read(rows)
    assert indicator_values(form) == EXPECTED
    assert [f.line for f in form.funds] == ["total", "fiscal"]
    assert form.funds[0].executed == D(95)


def test_a_total_row_worded_as_a_score_just_above_the_funds_block_stays_the_total() -> None:
    # 综合评分 names a score (as 得分 does): right above the funds header it was taken for the top
    # row of that header's band, and the 总分 was lost; a header holds labels, never values
    total: Row = [("综合评分", 28), ("100", 3), ("97", 3), ("", 6)]
    form = read([*HEAD, *GOAL, IND_HEAD, *IND_BODY, total, *funds_rows()])
    assert (form.total_weight_reported, form.total_score_reported) == (D(100), D(97))
    assert [f.line for f in form.funds] == ["total", "fiscal"] and form.funds[0].executed == D(95)
    assert not form.needs_review, form.review_reasons


def test_a_form_in_traditional_characters() -> None:
    head: list[Row] = [
        [("項目名稱", 6), ("道路養護項目", 34)],
        [("主管部門", 6), ("某局", 14), ("實施單位", 6), ("某中心", 14)],
    ]
    funds = [
        [
            ("項目資金（萬元）", 6),
            ("", 6),
            ("年初預算數", 5),
            ("全年預算數", 5),
            ("全年執行數", 5),
            ("分值", 4),
            ("執行率", 4),
            ("得分", 5),
        ],
        [("", 6), ("年度資金總額", 6), ("100", 5), ("100", 5), ("95", 5), ("10", 4), ("95%", 4), ("9.5", 5)],
    ]
    ind: list[Row] = [
        [
            ("一級指標", 5),
            ("二級指標", 5),
            ("三級指標", 8),
            ("年度指標值", 5),
            ("實際完成值", 5),
            ("分值", 3),
            ("得分", 3),
            ("偏差原因分析及改進措施", 6),
        ],
        [
            ("產出指標", 5),
            ("數量指標", 5),
            ("養護裡程", 8),
            ("不低於50公里", 5),
            ("52公里", 5),
            ("90", 3),
            ("90", 3),
            ("無", 6),
        ],
    ]
    form = read([*head, *funds, *ind, [("總分", 28), ("100", 3), ("99.5", 3), ("", 6)]])
    assert form.project_name == "道路養護項目"  # values as printed
    assert form.funds[0].executed == D(95)
    (ind0,) = form.indicators
    assert (ind0.level1, ind0.level2, ind0.level3) == ("产出指标", "数量指标", "養護裡程")
    assert (ind0.target.op, ind0.target.value) == ("≥", D(50))
    assert form.total_score_reported == D("99.5")


def test_a_score_in_the_deviation_column_makes_the_form_needs_review() -> None:
    body = [[*r[:7], ("18", r[7][1])] if r[6][0] == "18" else r for r in IND_BODY]
    form = read(standard(ind=[IND_HEAD, *body]))
    assert form.needs_review
    assert any("偏差原因栏填的是数字" in r for r in form.review_reasons)


def test_a_blank_weight_column_with_scores_makes_the_form_needs_review() -> None:
    body = [[*r[:5], ("", r[5][1]), *r[6:]] for r in IND_BODY]
    form = read(standard(ind=[IND_HEAD, *body]))
    assert form.needs_review
    assert any("分值栏全部为空" in r for r in form.review_reasons)


def test_weights_that_fit_only_as_scores_make_the_form_needs_review() -> None:
    # the 分值 and 得分 headers swapped over their columns: weights sum to 88, "scores" to 90
    head: Row = [*IND_HEAD[:5], ("得分", 3), ("分值", 3), IND_HEAD[7]]
    form = read(standard(ind=[head, *IND_BODY]))
    assert form.needs_review
    assert any("读反" in r for r in form.review_reasons)


def test_a_cell_straddling_two_columns_makes_the_form_needs_review() -> None:
    # "30" lies as much under 分值 as under 得分: which one it is cannot be told
    first = [*IND_BODY[0][:5], ("", 3), ("30", 2), ("", 2), ("", 6)]  # 分值 is 28–31, 得分 31–34
    body = [first, *IND_BODY[1:]]
    form = read(standard(ind=[IND_HEAD, *body]))
    assert form.needs_review
    assert any("横跨" in r and "两栏" in r for r in form.review_reasons)


def test_a_total_that_is_not_a_number_makes_the_form_needs_review() -> None:
    form = read(standard(total=[[("总分", 28), ("100", 3), ("九十七", 3), ("", 6)]]))
    assert form.total_score_reported is None and form.total_score_raw == "九十七"
    assert form.needs_review and any("总分行的得分" in r for r in form.review_reasons)


def _sheet_form(side_label: str) -> bytes:
    """A form on a worksheet whose funds block has its side label merged down the left edge."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    rows: list[list[str]] = [
        ["项目支出绩效自评表"],
        ["项目名称", "测试项目"],
        [side_label, "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "100", "90", "81", "10", "90%", "9"],
        ["", "其中：当年财政拨款", "100", "90", "81", "—", "90%", "—"],
        ["年度总体目标", "预期目标", "", "", "实际完成情况"],
        ["", "完成道路养护", "", "", "已完成道路养护"],
        list(INDICATOR_HEADER),
        ["产出指标", "数量指标", "养护里程", "≥50公里", "52公里", "90", "81", ""],
        ["总分", "", "", "", "", "100", "90", ""],
    ]
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                ws.cell(r, c, text)
    ws.merge_cells("A1:H1")
    ws.merge_cells("B2:H2")
    ws.merge_cells("A3:A5")  # the side label, down the funds block
    ws.merge_cells("A6:A7")
    for r in (6, 7):
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=8)
    ws.merge_cells("A10:E10")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_side_label_down_the_funds_block_is_no_column_whatever_it_says() -> None:
    # 预算资金 is in no list, and its words read as 全年预算数: written down the block's left edge,
    # it is the block's label, so it cannot take that field from the 全年预算数 column
    for label in ("项目资金（万元）", "预算资金（万元）", "资金来源及执行（万元）"):
        (cf,), _ = forms_of(parse_xlsx(_sheet_form(label), ParseOptions()), NATIONAL)
        form = cf.form
        assert not form.needs_review, (label, form.review_reasons)
        total = form.funds[0]
        assert (total.line, total.budget_initial, total.budget_full_year, total.executed) == (
            "total",
            D(100),
            D(90),
            D(81),
        ), label
        assert form.money_unit == "万元"


def test_a_level_label_cut_by_a_page_break_reads_whole() -> None:
    """可持续影响\\n指标 merged down over three rows, the page break after the first: the next page
    prints 指标 at its top, which alone is no category."""
    notes = Notes()
    carry = LevelCarry()
    first = carry.read("效益指标", "可持续影响", notes, (1, 1))
    assert first[3] == "可持续影响指标"
    for _ in range(2):  # the two rows the rest is merged down over, on the next page
        _, _, _, l2, l2_raw = carry.read(None, "指标", notes, (None, 2))
        assert (l2, l2_raw) == ("可持续影响指标", "可持续影响指标")
    assert not notes.review, notes.review
    # on the same page, or where the rest is a category of its own, nothing is joined
    for pages, rest in (((1, 1), "指标"), ((None, 2), "社会效益指标")):
        notes, carry = Notes(), LevelCarry()
        carry.read("效益指标", "可持续影响", notes, (1, 1))
        carry.read(None, rest, notes, pages)
        assert carry.level2[1] == rest
    notes, carry = Notes(), LevelCarry()
    carry.read("效益指标", "可持续影响", notes, (1, 1))
    carry.read(None, "指标", notes, (1, 1))
    assert any("不是已知的指标类别" in r for r in notes.review)  # 指标 alone, same page: flagged
