"""The national 项目支出绩效自评表 layout (财预〔2020〕10号 附1) as table rows, with the knobs real
submissions turn: merged or repeated 一级/二级 labels, a missing 年初预算数 column, other column
labels, the form split over two Word tables, extra rows after the total, an indicator header row
that repeats on every page, the side label written with vertical text direction.

Grid (9 columns): 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docxkit import C, Doc, Row, repeat_as_header, vertical_text

STD_FUND_HEADERS = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
STD_IND_HEADERS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度\n指标值",
    "实际\n完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
WIDTHS = [1.0, 1.6, 1.7, 4.2, 1.9, 1.9, 1.1, 1.1, 3.2]


@dataclass
class Fund:
    label: str
    values: list[str]


@dataclass
class Ind:
    l3: str
    target: str = ""
    actual: str = ""
    weight: str = ""
    score: str = ""
    note: str = ""


@dataclass
class L2:
    label: str
    rows: list[Ind]


@dataclass
class L1:
    label: str
    groups: list[L2]


@dataclass
class FormSpec:
    project_name: str
    department: str
    unit: str
    funds: list[Fund]
    goal: tuple[str, str]
    levels: list[L1]
    total: tuple[str, str] | None = None  # (分值, 得分) of the 总分 row
    money_label: str = "项目资金\n（万元）"
    fund_headers: list[str] = field(default_factory=lambda: list(STD_FUND_HEADERS))
    goal_block: str = "年度总体目标"
    goal_labels: tuple[str, str] = ("预期目标", "实际完成情况")
    ind_headers: list[str] = field(default_factory=lambda: list(STD_IND_HEADERS))
    side_label: str = "绩\n效\n指\n标"
    merge_levels: bool = True
    total_label: str = "总分"
    grade: str | None = None
    split_before_indicators: bool = False
    between_tables: list[str] = field(default_factory=list)
    trailer: list[Row] = field(default_factory=list)
    #: The indicator block is its own table whose header row repeats on every page (w:tblHeader);
    #: Word repeats only a table's first rows, so the block above becomes a table of its own.
    repeat_indicator_header: bool = False
    #: The side label (绩效指标) is written with vertical text direction instead of one
    #: character per line.
    vertical_side_label: bool = False


def head_rows(spec: FormSpec) -> list[Row]:
    rows: list[Row] = [
        [C("项目名称"), C(spec.project_name, cs=8)],
        [C("主管部门"), C(spec.department, cs=3), C("实施单位", cs=2), C(spec.unit, cs=3)],
    ]
    n_heads = len(spec.fund_headers)
    label_span = 8 - n_heads
    rows.append(
        [C(spec.money_label, rs=1 + len(spec.funds)), C("", cs=label_span)]
        + [C(h) for h in spec.fund_headers]
    )
    for f in spec.funds:
        if len(f.values) != n_heads:
            raise ValueError(f"fund row {f.label!r}: {len(f.values)} values for {n_heads} columns")
        rows.append([C(f.label, cs=label_span)] + [C(v) for v in f.values])
    rows.append([C(spec.goal_block, rs=2), C(spec.goal_labels[0], cs=4), C(spec.goal_labels[1], cs=4)])
    rows.append([C(spec.goal[0], cs=4), C(spec.goal[1], cs=4)])
    return rows


def indicator_rows(spec: FormSpec) -> list[Row]:
    body: list[Row] = []
    for l1 in spec.levels:
        n1 = sum(len(g.rows) for g in l1.groups)
        for gi, g in enumerate(l1.groups):
            for ri, ind in enumerate(g.rows):
                row: Row = []
                if spec.merge_levels:
                    if gi == 0 and ri == 0:
                        row.append(C(l1.label, rs=n1))
                    if ri == 0:
                        row.append(C(g.label, rs=len(g.rows)))
                else:
                    row += [C(l1.label), C(g.label)]
                row += [C(ind.l3), C(ind.target), C(ind.actual), C(ind.weight), C(ind.score), C(ind.note)]
                body.append(row)
    header: Row = [C(spec.side_label, rs=1 + len(body))] + [C(h) for h in spec.ind_headers]
    rows = [header, *body]
    if spec.total is not None:
        tail = [C(spec.grade)] if spec.grade is not None else [C("")]
        rows.append([C(spec.total_label, cs=6), C(spec.total[0]), C(spec.total[1]), *tail])
    return rows + spec.trailer


def national_form(doc: Doc, spec: FormSpec) -> None:
    head, ind = head_rows(spec), indicator_rows(spec)
    if spec.split_before_indicators or spec.repeat_indicator_header:
        doc.table(9, head, WIDTHS)
        for text in spec.between_tables:
            doc.para(text)
        table, first_indicator_row = doc.table(9, ind, WIDTHS), 0
    else:
        table, first_indicator_row = doc.table(9, head + ind, WIDTHS), len(head)
    if spec.repeat_indicator_header:
        repeat_as_header(table, 1)
    if spec.vertical_side_label:
        vertical_text(table.cell(first_indicator_row, 0))
