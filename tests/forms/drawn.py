"""Forms drawn on a fine grid, as tables drawn by hand in Word are: every row cut differently from
the header above it. Shared by the reader's tests and the review tools' tests."""

from __future__ import annotations

from decimal import Decimal as D

from parsers.formats.base import ParseOptions
from parsers.formats.docx import parse_docx
from pipeline.extract import forms_of
from schemas.profiles import NATIONAL
from schemas.records import Form
from tests.wordml import docx, grid_table, p

Row = list[tuple[str, int]]
FINE = 40
WIDTHS = [250] * FINE  # 40 grid columns of 12.5 pt: a table drawn by hand

HEAD: list[Row] = [
    [("项目名称", 6), ("测试项目", 34)],
    [("主管部门", 6), ("某局", 14), ("实施单位", 6), ("某中心", 14)],
]
FUNDS_HEAD: Row = [
    ("项目资金（万元）", 6),
    ("", 6),
    ("年初预算数", 5),
    ("全年预算数", 5),
    ("全年执行数", 5),
    ("分值", 4),
    ("执行率", 4),
    ("得分", 5),
]
GOAL: list[Row] = [
    [("年度总体目标", 6), ("预期目标", 17), ("实际完成情况", 17)],
    [("", 6), ("完成道路养护", 17), ("已完成道路养护", 17)],
]
IND_HEAD: Row = [
    ("一级指标", 5),
    ("二级指标", 5),
    ("三级指标", 8),
    ("年度指标值", 5),
    ("实际完成值", 5),
    ("分值", 3),
    ("得分", 3),
    ("偏差原因分析及改进措施", 6),
]
# every body row cut differently from the header: each cell starts a column or two off
IND_BODY: list[Row] = [
    [("产出指标", 4), ("数量指标", 6), ("养护里程", 7), ("≥50公里", 6), ("52公里", 4), ("30", 4), ("30", 3), ("", 6)],
    [("", 5), ("质量指标", 5), ("合格率", 9), ("≥95%", 4), ("90%", 5), ("20", 3), ("18", 3), ("雨季影响", 6)],
    [("效益指标", 6), ("社会效益指标", 4), ("群众出行", 8), ("改善", 5), ("达成年度指标", 6), ("30", 2), ("30", 4), ("", 5)],
    [("满意度指标", 5), ("服务对象满意度指标", 5), ("满意度", 8), ("≥90%", 5), ("95%", 5), ("10", 3), ("10", 3), ("", 6)],
]
TOTAL: Row = [("总分", 28), ("100", 3), ("97", 3), ("", 6)]


def funds_rows(head: Row = FUNDS_HEAD) -> list[Row]:
    return [
        head,
        [("", 5), ("年度资金总额", 7), ("100", 4), ("100", 6), ("95", 4), ("10", 5), ("95%", 3), ("9.5", 6)],
        [("", 6), ("其中：当年财政拨款", 6), ("100", 5), ("100", 5), ("95", 5), ("—", 4), ("95%", 4), ("—", 5)],
    ]


def read(rows: list[Row], widths: list[int] = WIDTHS) -> Form:
    (cf,), _ = forms_of(parse_docx(drawn_docx(rows, widths), ParseOptions()), NATIONAL)
    return cf.form


def standard(**over: object) -> list[Row]:
    parts: dict[str, object] = {
        "head": HEAD,
        "funds": funds_rows(),
        "goal": GOAL,
        "ind": [IND_HEAD, *IND_BODY],
        "total": [TOTAL],
    }
    parts.update(over)
    out: list[Row] = []
    for name in ("head", "funds", "goal", "ind", "total"):
        out += parts[name]  # type: ignore[operator]
    return out


def indicator_values(form: Form) -> list[tuple[object, ...]]:
    return [
        (i.level1, i.level2, i.level3, i.target_raw, i.actual_raw, i.weight, i.score, i.deviation_note)
        for i in form.indicators
    ]


EXPECTED = [
    ("产出指标", "数量指标", "养护里程", "≥50公里", "52公里", D(30), D(30), None),
    ("产出指标", "质量指标", "合格率", "≥95%", "90%", D(20), D(18), "雨季影响"),
    ("效益指标", "社会效益指标", "群众出行", "改善", "达成年度指标", D(30), D(30), None),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", D(10), D(10), None),
]


def drawn_docx(rows: list[Row], widths: list[int] = WIDTHS) -> bytes:
    return docx(p("项目支出绩效自评表") + p("（2022年度）") + grid_table(rows, widths))
