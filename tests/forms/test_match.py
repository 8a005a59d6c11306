"""Form recognition and mapping on small synthetic documents (structural edge cases)."""

from __future__ import annotations

from decimal import Decimal as D

from parsers.formats.base import ParseOptions
from parsers.formats.docx import parse_docx
from pipeline.extract import forms_of
from schemas.profiles import NATIONAL
from schemas.records import CheckedForm, SkippedPart
from tests.wordml import FUNDS_HEADER, FUNDS_ROWS, INDICATOR_HEADER, docx, p, table_rows, tbl, tc, tr

HEAD = [
    ["项目名称", "测试项目"],
    ["主管部门", "某局", "实施单位", "某中心"],
]
FUNDS = [FUNDS_HEADER, *FUNDS_ROWS]
IND_HEAD = INDICATOR_HEADER


def run(body: str) -> tuple[list[CheckedForm], list[SkippedPart]]:
    return forms_of(parse_docx(docx(body), ParseOptions()), NATIONAL)


def indicator_rows(*rows: list[str]) -> list[list[str]]:
    return [IND_HEAD, *rows]


def test_blank_continuation_cells_carry_labels_down() -> None:
    body = p("项目支出绩效自评表") + table_rows(
        HEAD
        + FUNDS
        + indicator_rows(
            ["产出指标", "数量指标", "指标1：甲", "≥10个", "10个", "25", "25", "无"],
            ["", "", "指标2：乙", "5次", "5次", "25", "25", "无"],
            ["", "质量指标", "丙", "100%", "100%", "0", "0", ""],
            ["效益指标", "", "丁", "显著", "达成年度指标", "30", "30", ""],
            ["满意度指标", "满意度指标", "戊", "≥90%", "95%", "10", "10", ""],
            ["总分", "", "", "", "", "100", "99.5", ""],
        )
    )
    (cf,), skipped = run(body)
    f = cf.form
    assert skipped == []
    assert [(i.level1, i.level2, i.level3) for i in f.indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", "数量指标", "乙"),
        ("产出指标", "质量指标", "丙"),
        ("效益指标", None, "丁"),  # a new level-1 block does not inherit the level 2 above
        ("满意度指标", "服务对象满意度指标", "戊"),
    ]
    assert (f.total_weight_reported, f.total_score_reported) == (D(100), D("99.5"))
    assert f.project_name == "测试项目" and f.department == "某局" and f.implementing_unit == "某中心"


def test_placeholder_rows_are_dropped_but_named_empty_rows_kept() -> None:
    body = table_rows(
        HEAD
        + FUNDS
        + indicator_rows(
            ["产出指标", "数量指标", "指标1：甲", "10", "10", "50", "50", ""],
            ["", "", "指标2：", "", "", "", "", ""],
            ["", "", "……", "", "", "", "", ""],
            ["效益指标", "经济效益指标", "指标1：无", "", "", "", "", ""],
            ["", "社会效益指标", "未填写数值的指标", "", "", "", "", ""],
        )
    )
    (cf,), _ = run(body)
    assert [i.level3 for i in cf.form.indicators] == ["甲", "未填写数值的指标"]


def test_untitled_forms_in_a_row_are_two_forms() -> None:
    one = HEAD + FUNDS + indicator_rows(["产出指标", "数量指标", "甲", "1", "1", "90", "90", ""])
    body = table_rows(one) + p("") + table_rows(one)
    forms, _ = run(body)
    assert [cf.form.form_index for cf in forms] == [0, 1]


def test_form_split_over_tables_is_one_form() -> None:
    body = (
        p("项目支出绩效自评表")
        + p("（2022年度）")
        + table_rows(HEAD + FUNDS)
        + p("（续表）")
        + table_rows(indicator_rows(["产出指标", "数量指标", "甲", "1", "1", "90", "90", ""]))
        + p("填表说明：1.项目支出绩效自评表由实施单位填写。")
    )
    (cf,), _ = run(body)
    assert cf.form.year == 2022 and len(cf.form.funds) == 2 and len(cf.form.indicators) == 1


def test_framework_score_sheet_is_a_sibling_even_untitled() -> None:
    body = table_rows(
        [
            ["一级指标", "二级指标", "三级指标", "指标分值", "指标解释", "评分标准", "自评得分"],
            ["决策(15分)", "项目立项", "立项依据充分性", "3", "……", "依据充分得3分", "3"],
        ]
    )
    forms, skipped = run(body)
    assert forms == [] and [s.kind for s in skipped] == ["绩效评价指标体系评分表"]


def test_goal_table_without_actual_or_score_is_a_sibling() -> None:
    body = table_rows(
        [
            ["项目名称", "某项目"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "甲", "≥1个"],
        ]
    )
    forms, skipped = run(body)
    assert forms == [] and [s.kind for s in skipped] == ["项目绩效目标表"]


def test_titled_sibling_is_skipped_and_the_form_after_it_read() -> None:
    form_rows = HEAD + FUNDS + indicator_rows(["产出指标", "数量指标", "甲", "1", "1", "90", "90", ""])
    body = (
        p("2022年度部门整体支出绩效自评表")
        + table_rows(form_rows)
        + p("项目支出绩效自评表")
        + table_rows(form_rows)
    )
    forms, skipped = run(body)
    assert len(forms) == 1 and [s.kind for s in skipped] == ["部门整体支出绩效自评表"]


def test_hubei_headers_and_weight_from_the_score_label() -> None:
    body = table_rows(
        [
            ["项目名称", "长江禁捕"],
            [
                "预算执行情况（万元）(20分)",
                "预算数（A）",
                "执行数（B）",
                "执行率（B/A）",
                "得分(20分*执行率)",
            ],
            ["年度财政资金总额", "200", "180", "90%", "18"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年初目标值(A)",
                "实际完成值(B)",
                "分值",
                "得分",
                "偏差大或目标未完成原因分析",
            ],
            ["产出指标", "数量指标", "甲", "≥10个", "10个", "80", "80", ""],
        ]
    )
    (cf,), _ = run(body)
    (total,) = cf.form.funds
    assert (
        total.line,
        total.budget_full_year,
        total.executed,
        total.rate_reported,
        total.weight,
        total.score,
    ) == ("total", D(200), D(180), D("0.9"), D(20), D(18))
    assert cf.form.money_unit == "万元"
    assert "EXEC_SCORE" not in {x.rule_id for x in cf.findings}


def test_two_row_header_resolves_to_the_lower_labels() -> None:
    rows = [
        tr(*[tc(t) for t in ("项目名称", "两行表头")], tc(span=5)),
        tr(
            tc("一级指标", vmerge="restart"),
            tc("三级指标", vmerge="restart"),
            tc("年度指标值", span=3),
            tc("实际完成值", vmerge="restart"),
            tc("分值", vmerge="restart"),
            tc("得分", vmerge="restart"),
        ),
        tr(
            tc(vmerge="continue"),
            tc(vmerge="continue"),
            tc("指标性质"),
            tc("指标值"),
            tc("度量单位"),
            tc(vmerge="continue"),
            tc(vmerge="continue"),
            tc(vmerge="continue"),
        ),
        tr(*[tc(t) for t in ("产出指标", "受助人数", "≧", "735", "人次", "735", "10", "10")]),
    ]
    (cf,), _ = run(tbl(*rows, cols=8))
    (i,) = cf.form.indicators
    # the target as printed over its three cells, read left to right; the parts kept as well
    assert (i.target_raw, i.nature_raw, i.unit_raw) == ("≧735人次", "≧", "人次")
    # the 度量单位 under 年度指标值 is the target's: the actual "735" is printed without a unit
    assert (i.target.op, i.target.value, i.target.unit, i.actual.unit) == ("≥", D(735), "人次", None)


def test_grade_in_its_own_row_and_yuan_unit_from_a_paragraph() -> None:
    body = (
        p("项目支出绩效自评表")
        + p("金额单位：元")
        + table_rows(
            [
                *HEAD,
                ["项目资金", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                ["", "年度资金总额", "500000", "500000", "500000", "10", "100%", "10"],
                *indicator_rows(
                    ["产出指标", "数量指标", "甲", "1", "1", "90", "90", ""],
                    ["总分", "", "", "", "", "100", "100", ""],
                ),
                ["评价等级", "优"],
            ]
        )
    )
    (cf,), _ = run(body)
    assert cf.form.money_unit == "元" and cf.form.funds[0].budget_full_year == D(50)
    assert cf.form.grade_reported == "优"


def test_form_without_indicator_rows_is_reported_incomplete() -> None:
    body = p("项目支出绩效自评表") + table_rows(HEAD + FUNDS)
    (cf,), _ = run(body)
    assert cf.form.indicators == () and any("indicator" in w for w in cf.form.warnings)


def test_unfamiliar_labels_are_matched_by_shared_words() -> None:
    body = table_rows(
        HEAD
        + FUNDS
        + indicator_rows(
            ["项目产出", "产品数量类指标", "甲", "1", "1", "50", "50", ""],
            ["项目效益", "经济效益类指标", "乙", "1", "1", "30", "30", ""],
            ["群众评价", "其他", "丙", "1", "1", "10", "10", ""],
        )
    )
    (cf,), _ = run(body)
    got = [(i.level1, i.level2) for i in cf.form.indicators]
    assert got == [("产出指标", "数量指标"), ("效益指标", "经济效益指标"), ("群众评价", "其他")]
    warnings = " ".join(cf.form.warnings)
    assert "read as 经济效益指标 (shared words)" in warnings
    assert "unrecognised level-1 label '群众评价'" in warnings
