"""Template variants no earlier sample shows (issue 9), built for ``make samples`` by ``build.py``.

Nine forms from nine provinces' templates, each named after the way its template differs from the
national layout (provenance and what is planted: sample_docs/README.md):

| sample | the variant |
|---|---|
| hand_drawn_grid_zhejiang | a table drawn by hand: 60+ fine ``w:gridCol``, every row cut differently, ``gridBefore``/``gridAfter``, empty sliver cells |
| target_over_three_cells_guizhou | a two-row header: 绩效指标 over 一级/二级/三级 and 年度指标值 over 指标性质 / 指标值 / 度量单位 |
| goal_labels_on_top_hubei | the goal block as a row of labels (年初设定目标 / 年度总体目标完成情况) over a row of texts; Hubei funds (20分) |
| deviation_column_reworded_sichuan | the reason column headed 未达标原因及下一步整改举措 |
| traditional_characters_guangdong | the whole form in traditional characters (項目支出績效自評表) |
| funds_scored_per_line_yunnan | a funds block without 年初预算数 whose every line carries its own 分值 and 得分 |
| weight_before_targets_ningxia | 权重 printed before 指标值 / 全年实际值; goal fields label-left |
| unknown_number_column_jiangxi | an extra 复核分 column of numbers no vocabulary names (must end needs_review) |
| indicator_code_column_hunan | a 指标编号 column of digit codes before 一级指标, nothing of it in the 总分 row (needs_review) |

The hand-drawn grid is written as WordprocessingML directly (``drawn_table``): python-docx builds
only uniform grids, and a table drawn with Word's pencil is a grid of every x position any row
was cut at, each cell spanning the columns between its own edges.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.shared import Pt
from docxkit import C, Doc, Row
from layout import L1, L2, FormSpec, Fund, Ind, head_rows, indicator_rows

DASH = "—"


#: The national 9-column layout with the score columns wide enough for "96.98" on one line.
WIDTHS = [0.9, 1.4, 1.6, 3.3, 1.9, 1.9, 1.2, 1.5, 2.9]


def national(doc: Doc, spec: FormSpec, labels: dict[str, str] | None = None) -> None:
    """The national layout (layout.py) in one table; ``labels`` retypes its fixed labels."""
    rows = head_rows(spec) + indicator_rows(spec)
    if labels:
        rows = [[dataclasses.replace(c, text=labels.get(c.text, c.text)) for c in row] for row in rows]
    doc.table(9, rows, WIDTHS)


def merged_levels(ind: list[tuple[str, ...]]) -> list[Row]:
    """Indicator rows (一级, 二级, the other cells) with each 一级 and 二级 label merged down its run."""

    def run(i: int, width: int) -> int:
        n = 1
        while i + n < len(ind) and ind[i + n][:width] == ind[i][:width]:
            n += 1
        return n

    rows: list[Row] = []
    for i, (l1, l2, *rest) in enumerate(ind):
        row: Row = []
        if i == 0 or ind[i - 1][:1] != ind[i][:1]:
            row.append(C(l1, rs=run(i, 1)))
        if i == 0 or ind[i - 1][:2] != ind[i][:2]:
            row.append(C(l2, rs=run(i, 2)))
        rows.append(row + [C(x) for x in rest])
    return rows


def xiaowu(doc: Doc) -> None:
    """Table text in 小五 (9 pt), as most filled forms print it, so each form fits its page."""
    doc.d.styles["Normal"].font.size = Pt(9)


# ------------------------------------------------------------------------------------------------
# A table drawn by hand (Word's 绘制表格): cells placed by their x edges, not by grid columns
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Drawn:
    """A cell between x0 and x1 (millimetres from the table's left edge). ``vmerge`` is "restart"
    for the first cell of a vertical merge and "continue" for the cells under it (same edges)."""

    text: str
    x0: float
    x1: float
    vmerge: str | None = None


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _paragraphs(text: str) -> str:
    out = []
    for line in text.split("\n"):
        run = f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else ""
        out.append(f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>{run}</w:p>')
    return "".join(out)


def drawn_table(doc: Doc, rows: list[list[Drawn]]) -> None:
    """Append a table whose grid is the union of every row's cell edges, as Word writes a table
    drawn by hand: ``w:tblGrid`` holds one fine column per gap between two edges, each cell spans
    the columns between its own edges (``w:gridSpan``), and a row that starts right of the left
    edge or stops short of the right one says so with ``w:gridBefore`` / ``w:gridAfter``."""
    edges = sorted({_twips(x) for row in rows for c in row for x in (c.x0, c.x1)})
    index = {x: i for i, x in enumerate(edges)}
    grid = "".join(f'<w:gridCol w:w="{b - a}"/>' for a, b in itertools.pairwise(edges))
    body = []
    for r, row in enumerate(rows):
        for left, right in itertools.pairwise(row):
            if _twips(left.x1) != _twips(right.x0):
                raise ValueError(f"row {r}: a gap or overlap between {left.text!r} and {right.text!r}")
        start, end = index[_twips(row[0].x0)], index[_twips(row[-1].x1)]
        before, after = start, len(edges) - 1 - end
        trpr = ""
        if before:
            trpr += f'<w:gridBefore w:val="{before}"/>'
        if after:
            trpr += f'<w:gridAfter w:val="{after}"/>'
        if before:
            trpr += f'<w:wBefore w:w="{edges[start] - edges[0]}" w:type="dxa"/>'
        if after:
            trpr += f'<w:wAfter w:w="{edges[-1] - edges[end]}" w:type="dxa"/>'
        cells = []
        for c in row:
            a, b = _twips(c.x0), _twips(c.x1)
            span = index[b] - index[a]
            tcpr = f'<w:tcW w:w="{b - a}" w:type="dxa"/>'
            if span > 1:
                tcpr += f'<w:gridSpan w:val="{span}"/>'
            if c.vmerge == "restart":
                tcpr += '<w:vMerge w:val="restart"/>'
            elif c.vmerge == "continue":
                tcpr += "<w:vMerge/>"
            tcpr += '<w:vAlign w:val="center"/>'
            cells.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{_paragraphs(c.text)}</w:tc>")
        body.append(f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{''.join(cells)}</w:tr>")
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    xml = (
        f'<w:tbl xmlns:w="{_W_NS}"><w:tblPr>'
        f'<w:tblW w:w="{edges[-1] - edges[0]}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )
    doc.d.element.body.sectPr.addprevious(parse_xml(xml))


def _cut(cells: list[tuple[str, float]], start: float, end: float) -> list[Drawn]:
    """Cells from (text, right edge) pairs: each starts where the one before it ends."""
    out, x = [], start
    for text, right in cells:
        out.append(Drawn(text, x, right))
        x = right
    if x != end:
        raise ValueError(f"cells end at {x}, not {end}")
    return out


def hand_drawn_grid_zhejiang(doc: Doc) -> None:
    """开化县 2022: the national layout drawn by hand, every row cut at its own x positions."""
    xiaowu(doc)
    doc.para("2022年度项目支出绩效自评表", bold=True, size=16, center=True)
    # Section rows merged down the left (项目资金 / 年度总体目标 / 绩效指标) keep their edges; the
    # cells right of them were drawn row by row and never line up exactly.
    side = [Drawn("项目资金\n（万元）", 0, 24, "restart")] + [Drawn("", 0, 24, "continue")] * 4
    fund_rows = [
        [
            ("", 53),
            ("年初预算数", 72),
            ("全年预算数", 91),
            ("全年执行数", 110),
            ("分值", 126),
            ("执行率", 146),
            ("得分", 170),
        ],
        [
            ("年度资金总额", 52.5),
            ("180", 73),
            ("206.5", 90.5),
            ("198.24", 111),
            ("10", 125.5),
            ("96%", 147),
            ("9.6", 170),
        ],
        [
            ("其中：当年财政拨款", 54),
            ("180", 71.5),
            ("180", 92),
            ("174.6", 109.5),
            (DASH, 127),
            ("97%", 145.5),
            (DASH, 170),
        ],
        [
            ("上年结转资金", 53.5),
            ("0", 72.5),
            ("26.5", 91.5),
            ("23.64", 110.5),
            (DASH, 126.5),
            ("89.21%", 146.5),
            (DASH, 170),
        ],
        [("其他资金", 52), ("", 72), ("", 91), ("", 110), (DASH, 126), ("", 146), (DASH, 170)],
    ]
    rows: list[list[Drawn]] = [
        _cut([("项目名称", 24), ("开化县农村文化礼堂提档升级补助资金", 170)], 0, 170),
        # drawn short of the right edge: w:gridAfter
        _cut(
            [
                ("主管部门", 24.5),
                ("开化县文化和广电旅游体育局", 81),
                ("实施单位", 103),
                ("开化县文化馆", 168),
            ],
            0,
            168,
        ),
    ]
    rows += [[s, *_cut(cells, 24, 170)] for s, cells in zip(side, fund_rows, strict=True)]
    rows += [
        [Drawn("年度总体目标", 0, 24, "restart"), *_cut([("预期目标", 96), ("实际完成情况", 170)], 24, 170)],
        [
            Drawn("", 0, 24, "continue"),
            *_cut(
                [
                    (
                        "完成全县20个农村文化礼堂提档升级，每个礼堂全年开展文化活动不少于12场，丰富农村群众精神文化生活。",
                        97.5,
                    ),
                    ("完成20个农村文化礼堂提档升级，礼堂年均开展文化活动14场，群众参与度明显提高。", 170),
                ],
                24,
                170,
            ),
        ],
    ]
    head = [
        ("三级指标", 84),
        ("年度指标值", 103),
        ("实际完成值", 122),
        ("分值", 133),
        ("得分", 144),
        ("偏差原因分析及改进措施", 170),
    ]
    # (一级 merge, 二级 merge, cells right of 二级); "" right edges leave a sliver cell beside a real one
    ind: list[tuple[str | None, str | None, list[tuple[str, float]]]] = [
        (
            "产出指标",
            "数量指标",
            [
                ("文化礼堂提档升级数量", 85),
                ("≥20个", 102.5),
                ("20个", 122.5),
                ("10", 132.5),
                ("10", 144.5),
                ("无", 170),
            ],
        ),
        (
            None,
            None,
            [
                ("礼堂年均开展活动场次", 83.5),
                ("≥12场", 104),
                ("14场", 121),
                ("10", 134),
                ("10", 143),
                ("无", 170),
            ],
        ),
        (
            None,
            "质量指标",
            [
                ("提档升级项目验收合格率", 84.5),
                ("100%", 103.5),
                ("100%", 121.5),
                ("10", 133.5),
                ("10", 144),
                ("无", 170),
            ],
        ),
        (
            None,
            "时效指标",
            [
                ("项目完成时间", 86),
                ("2022年11月底前", 102),
                ("2022年11月25日", 123),
                ("10", 132),
                ("10", 145),
                ("无", 170),
            ],
        ),
        (
            None,
            "成本指标",
            [
                ("单个礼堂补助标准", 84.5),
                ("≤10万元", 102.5),
                ("9.91万元", 122),
                ("10", 133.5),
                ("10", 144),
                ("无", 170),
            ],
        ),
        (
            "效益指标",
            "社会效益指标",
            [
                ("群众参与文化活动人次", 82.5),
                ("≥3万人次", 103.5),
                ("3.42万人次", 122),
                ("10", 133.5),
                ("10", 143.5),
                ("无", 170),
            ],
        ),
        (
            None,
            None,
            [
                ("非遗项目展演场次", 84),
                ("≥40场", 102.5),
                ("36场", 121.5),
                ("10", 132),
                ("9", 141.5),
                ("", 144.5),  # the sliver: 得分 split by hand, its right part left empty
                ("受疫情影响，部分展演活动取消，下一年度补足场次", 170),
            ],
        ),
        (
            None,
            "可持续影响指标",
            [
                ("文化礼堂长效管理机制", 85.5),
                ("建立", 103),
                ("基本建立", 122),
                ("10", 133),
                ("8", 144),
                ("2个礼堂管理员尚未落实，正在协调村集体解决", 167.5),
                ("", 170),  # a sliver at the right edge
            ],
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            [("群众满意度", 83.5), ("≥90%", 103), ("95%", 121.5), ("10", 133), ("10", 144.5), ("无", 170)],
        ),
    ]
    rows.append(
        [
            Drawn("绩\n效\n指\n标", 0, 10, "restart"),
            Drawn("一级指标", 10, 26),
            Drawn("二级指标", 26, 43),
            *_cut(head, 43, 170),
        ]
    )
    for l1, l2, cells in ind:
        rows.append(
            [
                Drawn("", 0, 10, "continue"),
                Drawn(l1 or "", 10, 26, "restart" if l1 else "continue"),
                Drawn(l2 or "", 26, 43, "restart" if l2 else "continue"),
                *_cut(cells, 43, 170),
            ]
        )
    # the total row drawn from the 一级 column on: w:gridBefore
    rows.append(_cut([("总分", 122), ("100", 133), ("96", 144), ("", 170)], 10, 170))
    drawn_table(doc, rows)


# ------------------------------------------------------------------------------------------------
# A two-row header: 绩效指标 over 一级/二级/三级, 年度指标值 over 指标性质 / 指标值 / 度量单位
# ------------------------------------------------------------------------------------------------
def target_over_three_cells_guizhou(doc: Doc) -> None:
    """台江县 2023: the target printed over three cells (≥ | 4700 | 人) under a two-row header."""
    xiaowu(doc)
    doc.para("2023年度项目支出绩效自评表", bold=True, size=16, center=True)
    # 10 columns: 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 实际完成值 | 分值 | 得分 | 偏差
    w = [1.6, 2.0, 3.4, 1.2, 1.3, 1.2, 1.8, 1.3, 1.3, 3.2]

    def fund(label: str, vals: list[str]) -> Row:
        return [C(label, cs=2), *[C(v) for v in vals]]

    rows: list[Row] = [
        [C("项目名称", cs=2), C("2023年农村劳动力职业技能培训补贴资金", cs=8)],
        [
            C("主管部门", cs=2),
            C("台江县人力资源和社会保障局", cs=3),
            C("实施单位", cs=2),
            C("台江县公共就业和人才服务中心", cs=3),
        ],
        [C("项目资金\n（万元）", cs=2, rs=5), C("", cs=2)]
        + [C(h) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")],
        fund("年度资金总额", ["260", "285.6", "271.32", "10", "95%", "9.5"]),
        fund("其中：当年财政拨款", ["260", "260", "250.12", DASH, "96.2%", DASH]),
        fund("上年结转资金", ["0", "25.6", "21.02", DASH, "82.11%", DASH]),
        fund("其他资金", [DASH, DASH, DASH, DASH, "", DASH]),
        [C("年度总体目标", cs=2, rs=2), C("预期目标", cs=4), C("实际完成情况", cs=4)],
        [
            C("完成农村劳动力职业技能培训4700人，培训后就业率达到80%以上，带动脱贫人口稳定增收。", cs=4),
            C("完成培训4812人，其中脱贫劳动力2106人，培训后实现就业3950人，就业率82.1%。", cs=4),
        ],
        [
            C("绩效指标", cs=3),
            C("年度指标值", cs=3),
            C("实际完成值", rs=2),
            C("分值", rs=2),
            C("得分", rs=2),
            C("偏差原因分析及改进措施", rs=2),
        ],
        [C(h) for h in ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位")],
    ]
    ind = [
        ("产出指标", "数量指标", "农村劳动力技能培训人数", "≥", "4700", "人", "4812人", "10", "10", "无"),
        ("产出指标", "数量指标", "其中脱贫劳动力培训人数", "≥", "2000", "人", "2106人", "10", "10", "无"),
        ("产出指标", "质量指标", "培训合格率", "≥", "90", "%", "93.6%", "10", "10", "无"),
        (
            "产出指标",
            "时效指标",
            "培训补贴发放及时率",
            "≥",
            "95",
            "%",
            "88%",
            "10",
            "9",
            "部分培训机构资料报送滞后，补贴审核延迟，已建立按月审核制度",
        ),
        ("产出指标", "成本指标", "人均培训补贴标准", "≤", "600", "元", "564元", "10", "10", "无"),
        (
            "效益指标",
            "经济效益指标",
            "参训人员月均增收",
            "≥",
            "800",
            "元",
            "760元",
            "10",
            "9.5",
            "部分学员就业岗位为季节性用工，收入不稳定",
        ),
        ("效益指标", "社会效益指标", "培训后就业率", "≥", "80", "%", "82.1%", "10", "10", "无"),
        ("效益指标", "可持续影响指标", "培训就业长效机制", "", "逐步完善", "", "逐步完善", "10", "10", "无"),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "90", "%", "94%", "10", "10", "无"),
    ]
    rows += merged_levels(ind)
    rows.append([C("总分", cs=7), C("100"), C("98"), C("优")])
    doc.table(10, rows, w)


# ------------------------------------------------------------------------------------------------
# Hubei: goal labels on top, 预算执行情况（万元）(20分)
# ------------------------------------------------------------------------------------------------
def goal_labels_on_top_hubei(doc: Doc) -> None:
    """宜昌市 2020: the goal block as a row of labels over a row of texts, no block label."""
    xiaowu(doc)
    doc.para("2020年度项目绩效目标自评表", bold=True, size=16, center=True)
    # 8 columns: 一级 | 二级 | 三级 | 年初目标值（A） | 实际完成值（B） | 分值 | 得分 | 偏差原因
    w = [1.6, 1.8, 3.6, 2.0, 2.0, 1.3, 1.3, 3.2]
    rows: list[Row] = [
        [C("项目名称", cs=2), C("宜昌市2020年农村义务教育薄弱学校改造资金", cs=6)],
        [
            C("主管部门", cs=2),
            C("宜昌市教育局", cs=2),
            C("实施单位", cs=2),
            C("宜昌市教育基建管理中心", cs=2),
        ],
        [
            C("预算执行情况（万元）(20分)", cs=2, rs=4),
            C(""),
            C("预算数（A）"),
            C("执行数（B）"),
            C("执行率（B/A）", cs=2),
            C("得分(20分*执行率)"),
        ],
        [C("年度财政资金总额"), C("320"), C("296"), C("92.5%", cs=2), C("18.5")],
        [C("其中：当年财政拨款"), C("280"), C("262"), C("93.57%", cs=2), C("")],
        [C("上年结转资金"), C("40"), C("34"), C("85%", cs=2), C("")],
        [C("年初设定目标", cs=4), C("年度总体目标完成情况综述", cs=4)],
        [
            C(
                "改造农村薄弱学校校舍2.4万平方米，新建学校运动场8个，消除D级危房，改善农村学校办学条件。",
                cs=4,
            ),
            C(
                "完成校舍改造2.52万平方米，新建学校运动场7个，D级危房全部消除，农村学校办学条件明显改善。",
                cs=4,
            ),
        ],
        [
            C(h)
            for h in (
                "一级指标",
                "二级指标",
                "三级指标",
                "年初目标值（A）",
                "实际完成值（B）",
                "分值",
                "得分",
                "偏差大或目标未完成原因分析",
            )
        ],
        [C("产出指标", rs=5), C("数量指标", rs=2)]
        + [C(x) for x in ("校舍改造面积", "≥2.4万平方米", "2.52万平方米", "10", "10", "无")],
        [
            C(x)
            for x in ("新建学校运动场", "≥8个", "7个", "10", "8.75", "1所学校用地调整，运动场建设延至2021年")
        ],
        [C(x) for x in ("质量指标", "工程验收合格率", "100%", "100%", "10", "10", "无")],
        [C(x) for x in ("时效指标", "项目按期完工率", "≥95%", "87.5%", "5", "4.6", "")],
        [
            C(x)
            for x in (
                "成本指标",
                "校舍改造单位造价",
                "≤1200元/平方米",
                "1260元/平方米",
                "5",
                "4.76",
                "建材价格上涨，单位造价超出控制标准",
            )
        ],
        [C("效益指标", rs=2)]
        + [C(x) for x in ("社会效益指标", "D级危房消除率", "100%", "100%", "15", "15", "无")],
        [C(x) for x in ("可持续影响指标", "学校办学条件持续改善", "明显改善", "明显改善", "15", "15", "无")],
        [
            C(x)
            for x in ("满意度指标", "服务对象满意度指标", "师生及家长满意度", "≥90%", "96%", "10", "10", "无")
        ],
        [C("总分", cs=5), C("100"), C("96.61"), C("")],
        [C("单位主要负责人签批意见", cs=2), C("同意。", cs=6)],
    ]
    doc.table(8, rows, w)


# ------------------------------------------------------------------------------------------------
# Sichuan: the reason column worded its own way
# ------------------------------------------------------------------------------------------------
def deviation_column_reworded_sichuan(doc: Doc) -> None:
    """武胜县 2022: 未达标原因及下一步整改举措 (no synonym list has it), 年度目标值, 自评得分."""
    xiaowu(doc)
    doc.para("2022年度项目支出绩效自评表", bold=True, size=16, center=True)
    spec = FormSpec(
        project_name="2022年基本公共卫生服务补助资金",
        department="武胜县卫生健康局",
        unit="武胜县疾病预防控制中心",
        funds=[
            Fund("年度资金总额", ["2386.5", "2412.8", "2316.29", "10", "96%", "9.6"]),
            Fund("其中：当年财政拨款", ["2386.5", "2386.5", "2291.04", DASH, "96%", DASH]),
            Fund("上年结转资金", ["0", "26.3", "25.25", DASH, "96.01%", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=(
            "为辖区常住人口免费提供12类基本公共卫生服务，居民电子健康档案建档率达到90%以上，65岁及以上老年人健康管理率达到70%以上。",
            "全年为辖区居民提供12类基本公共卫生服务，电子健康档案建档率92.3%，老年人健康管理率66.5%，孕产妇和儿童健康管理率均超过90%。",
        ),
        ind_headers=[
            "一级指标",
            "二级指标",
            "三级指标",
            "年度\n目标值",
            "实际\n完成值",
            "分值",
            "自评\n得分",
            "未达标原因及下一步整改举措",
        ],
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("居民电子健康档案建档率", "≥90%", "92.3%", "8", "8", "无"),
                            Ind(
                                "65岁及以上老年人健康管理率",
                                "≥70%",
                                "66.5%",
                                "8",
                                "7.6",
                                "部分老年人外出随子女居住，体检覆盖不足；下一步联合村（社区）开展上门体检",
                            ),
                            Ind("高血压患者规范管理率", "≥65%", "68.2%", "8", "8", "无"),
                        ],
                    ),
                    L2(
                        "质量指标",
                        [
                            Ind("0-6岁儿童健康管理率", "≥90%", "93.1%", "8", "8", "无"),
                            Ind("孕产妇系统管理率", "≥90%", "91.4%", "6", "6", "无"),
                        ],
                    ),
                    L2("时效指标", [Ind("资金拨付及时率", "100%", "100%", "6", "6", "无")]),
                    L2("成本指标", [Ind("人均基本公共卫生服务经费补助标准", "84元", "84元", "6", "6", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2(
                        "社会效益指标",
                        [
                            Ind(
                                "城乡居民健康素养水平",
                                "≥25%",
                                "23.6%",
                                "10",
                                "9",
                                "健康教育以集中宣讲为主，覆盖面窄；下一步推行家庭医生入户宣教",
                            ),
                            Ind("传染病报告及时率", "≥95%", "98.6%", "10", "10", "无"),
                        ],
                    ),
                    L2(
                        "可持续影响指标", [Ind("基本公共卫生服务长效机制", "健全", "基本健全", "10", "8", "")]
                    ),
                ],
            ),
            L1(
                "满意度指标",
                [
                    L2(
                        "服务对象满意度指标",
                        [Ind("居民对基本公共卫生服务满意度", "≥85%", "87.5%", "10", "10", "无")],
                    )
                ],
            ),
        ],
        total=("100", "96.2"),
    )
    national(doc, spec)


# ------------------------------------------------------------------------------------------------
# Guangdong: the form retyped in traditional characters
# ------------------------------------------------------------------------------------------------
#: The national template's fixed labels, as a 繁體 retyping prints them.
TRADITIONAL = {
    "项目名称": "項目名稱",
    "主管部门": "主管部門",
    "实施单位": "實施單位",
    "总分": "總分",
}


def traditional_characters_guangdong(doc: Doc) -> None:
    """台山市 2022: every label and value in traditional characters (values read as printed)."""
    xiaowu(doc)
    doc.para("項目支出績效自評表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    spec = FormSpec(
        project_name="台山市華僑文物保護修繕專項資金",
        department="台山市文化廣電旅遊體育局",
        unit="台山市博物館",
        money_label="項目資金\n（萬元）",
        fund_headers=["年初預算數", "全年預算數", "全年執行數", "分值", "執行率", "得分"],
        funds=[
            Fund("年度資金總額", ["120", "135", "128.25", "10", "95%", "9.5"]),
            Fund("其中：當年財政撥款", ["120", "120", "114", DASH, "95%", DASH]),
            Fund("上年結轉資金", [DASH, "15", "14.25", DASH, "95%", DASH]),
            Fund("其他資金", [DASH, DASH, DASH, DASH, "", DASH]),
        ],
        goal_block="年度總體目標",
        goal_labels=("預期目標", "實際完成情況"),
        goal=(
            "完成3處華僑文物建築搶救性修繕，開展僑批檔案數字化整理2000件，提升華僑文化遺產保護利用水平。",
            "完成3處華僑文物建築修繕並通過驗收，完成僑批檔案數字化整理2150件，舉辦華僑文化專題展覽2場。",
        ),
        side_label="績\n效\n指\n標",
        ind_headers=[
            "一級指標",
            "二級指標",
            "三級指標",
            "年度\n指標值",
            "實際\n完成值",
            "分值",
            "得分",
            "偏差原因分析及改進措施",
        ],
        levels=[
            L1(
                "產出指標",
                [
                    L2(
                        "數量指標",
                        [
                            Ind("華僑文物建築修繕數量", "≥3處", "3處", "15", "15", "無"),
                            Ind("僑批檔案數字化整理數量", "≥2000件", "2150件", "10", "10", "無"),
                        ],
                    ),
                    L2("質量指標", [Ind("修繕工程驗收合格率", "100%", "100%", "10", "10", "無")]),
                    L2(
                        "時效指標",
                        [Ind("修繕工程完工時間", "2022年12月底前", "2022年11月完工", "5", "5", "無")],
                    ),
                    L2("成本指標", [Ind("修繕工程成本控制", "≤110萬元", "104.6萬元", "10", "10", "無")]),
                ],
            ),
            L1(
                "效益指標",
                [
                    L2(
                        "社會效益\n指標",
                        [
                            Ind(
                                "專題展覽參觀人次",
                                "≥1萬人次",
                                "0.86萬人次",
                                "10",
                                "8.6",
                                "受疫情防控影響，展覽開放時間縮短，下一年度增加線上展覽",
                            ),
                            Ind("媒體宣傳報道次數", "≥20次", "26次", "10", "10", ""),
                        ],
                    ),
                    L2(
                        "可持續影響\n指標",
                        [Ind("華僑文化遺產保護長效機制", "逐步完善", "達成年度指標", "10", "10", "無")],
                    ),
                ],
            ),
            L1(
                "滿意度\n指標",
                [L2("服務對象滿意度指標", [Ind("參觀群眾滿意度", "≥90%", "96%", "10", "10", "無")])],
            ),
        ],
        total=("100", "98.1"),
    )
    national(doc, spec, TRADITIONAL)


# ------------------------------------------------------------------------------------------------
# Yunnan: per-line 分值/得分, no 年初预算数
# ------------------------------------------------------------------------------------------------
def funds_scored_per_line_yunnan(doc: Doc) -> None:
    """弥勒市 2023: each source of money weighted and scored on its own line; the total adds them."""
    xiaowu(doc)
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2023年度）", center=True)
    spec = FormSpec(
        project_name="2023年弥勒市农村供水保障工程补助资金",
        department="弥勒市水务局",
        unit="弥勒市农村供水管理站",
        fund_headers=["全年预算数（A）", "全年执行数（B）", "执行率（B/A）", "分值", "得分"],
        funds=[
            Fund("年度资金总额", ["500", "470", "94%", "10", "9.75"]),
            Fund("其中：当年财政拨款", ["400", "384", "96%", "8", "8"]),
            Fund("上年结转资金", ["60", "48", "80%", "1", "0.8"]),
            Fund("其他资金", ["40", "38", "95%", "1", "0.95"]),
        ],
        goal=(
            "新建和改造农村供水工程12处，新增和改善供水人口1.8万人，农村自来水普及率达到95%。",
            "完成农村供水工程建设改造11处，新增和改善供水人口1.72万人，农村自来水普及率达到95.6%。",
        ),
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind(
                                "新建改造农村供水工程",
                                "≥12处",
                                "11处",
                                "10",
                                "9.17",
                                "1处工程因水源地调整延期，2024年3月前完工",
                            ),
                            Ind(
                                "新增和改善供水人口",
                                "≥1.8万人",
                                "1.72万人",
                                "10",
                                "9.56",
                                "部分自然村搬迁撤并，受益人口减少",
                            ),
                        ],
                    ),
                    L2(
                        "质量指标",
                        [
                            Ind("工程验收合格率", "100%", "100%", "10", "10", "无"),
                            Ind("农村供水水质达标率", "≥90%", "93%", "5", "5", "无"),
                        ],
                    ),
                    L2(
                        "时效指标",
                        [Ind("工程完工时间", "2023年12月31日前", "部分完成", "5", "3.5", "1处工程延期")],
                    ),
                    L2("成本指标", [Ind("工程建设成本控制", "≤500万元", "470万元", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("农村自来水普及率", "≥95%", "95.6%", "15", "15", "无")]),
                    L2("可持续影响指标", [Ind("工程运行管护机制", "建立", "已建立", "15", "15", "无")]),
                ],
            ),
            L1(
                "满意度指标",
                [L2("服务对象满意度指标", [Ind("受益群众满意度", "≥90%", "91%", "10", "10", "无")])],
            ),
        ],
        total=("100", "96.98"),
    )
    national(doc, spec)


# ------------------------------------------------------------------------------------------------
# Ningxia: 权重 before the targets; goal fields label-left
# ------------------------------------------------------------------------------------------------
def weight_before_targets_ningxia(doc: Doc) -> None:
    """银川市本级 2021: 一级 | 二级 | 三级 | 权重 | 指标值（A） | 全年实际值（B） | 得分 | 原因."""
    xiaowu(doc)
    doc.para("银川市本级部门项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2021年度）", center=True)
    w = [1.6, 1.7, 3.6, 1.1, 2.0, 2.2, 1.1, 3.7]

    def fund(label: str, vals: list[str]) -> Row:
        return [C(label), *[C(v) for v in vals]]

    rows: list[Row] = [
        [C("项目名称", cs=2), C("2021年银川市冷凉蔬菜标准化生产基地建设补助资金", cs=6)],
        [
            C("主管部门", cs=2),
            C("银川市农业农村局", cs=2),
            C("实施单位", cs=2),
            C("银川市农业技术推广服务中心", cs=2),
        ],
        [C("项目资金\n（万元）", rs=5), C("")]
        + [
            C(h)
            for h in ("年初预算数", "调整预算数（A）", "全年执行数（B）", "执行率（B/A）", "分值", "得分")
        ],
        fund("年度资金总额", ["480", "450", "405", "90%", "10", "9"]),
        fund("其中：当年财政拨款", ["450", "420", "378", "90%", DASH, DASH]),
        fund("上年结转资金", [DASH, DASH, DASH, DASH, DASH, DASH]),
        fund("单位自筹资金", ["30", "30", "27", "90%", DASH, DASH]),
        [
            C("年初设定目标", cs=2),
            C(
                "新建冷凉蔬菜标准化生产基地5000亩，配套节水灌溉设施3000亩，带动600名农民就近就业，基地亩均增收1500元。",
                cs=6,
            ),
        ],
        [
            C("年度总体目标完成情况", cs=2),
            C("建成标准化生产基地5200亩、节水灌溉设施3000亩，带动就业645人，亩均增收1380元。", cs=6),
        ],
        [
            C(h)
            for h in (
                "一级指标",
                "二级指标",
                "三级指标",
                "权重",
                "指标值（A）",
                "全年实际值（B）",
                "得分",
                "未完成原因分析及改进措施",
            )
        ],
        [C("产出指标", rs=5), C("数量指标", rs=2)]
        + [C(x) for x in ("新建标准化生产基地面积", "10", "≥5000亩", "5200亩", "10", "无")],
        [C(x) for x in ("配套建设节水灌溉设施", "10", "≥3000亩", "3000亩", "10", "无")],
        [C(x) for x in ("质量指标", "基地蔬菜农残抽检合格率", "10", "≥98%", "99.2%", "10", "无")],
        [
            C(x)
            for x in (
                "时效指标",
                "补助资金拨付时间",
                "10",
                "2021年10月底前",
                "2021年12月拨付完毕",
                "7",
                "部分基地验收延期，资金拨付相应推迟",
            )
        ],
        [C(x) for x in ("成本指标", "每亩补助标准", "10", "≤800元", "780元", "10", "无")],
        [C("效益指标", rs=4)]
        + [C(x) for x in ("经济效益指标", "基地亩均增收", "10", "≥1500元", "1380元", "9.2", "暂无")],
        [C(x) for x in ("社会效益指标", "带动农户就业人数", "10", "≥600人", "645人", "10", "无")],
        [
            C(x)
            for x in (
                "生态效益指标",
                "化肥使用量减少",
                "5",
                "≥10%",
                "8%",
                "4",
                "有机肥替代推广面积不足，下年扩大示范",
            )
        ],
        [
            C(x)
            for x in (
                "可持续影响指标",
                "标准化生产技术推广",
                "5",
                "持续推广",
                "部分达成",
                "5",
                "技术培训覆盖面有待扩大",
            )
        ],
        [C(x) for x in ("满意度指标", "服务对象满意度指标", "种植户满意度", "10", "≥90%", "92%", "10", "无")],
        [C("总分", cs=3), C("100"), C("", cs=2), C("94.2"), C("优")],
    ]
    doc.table(8, rows, w)


# ------------------------------------------------------------------------------------------------
# Jiangxi: a 复核分 column of numbers that no vocabulary names
# ------------------------------------------------------------------------------------------------
def unknown_number_column_jiangxi(doc: Doc) -> None:
    """于都县 2022: the county finance bureau's 复核分 beside 自评得分 (the reader must not take it
    for the score, and must say it did not read it)."""
    xiaowu(doc)
    doc.para("2022年度项目支出绩效自评表", bold=True, size=16, center=True)
    # 10 columns: 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 自评得分 | 复核分 | 偏差
    w = [1.0, 1.6, 1.8, 3.8, 1.9, 1.9, 1.0, 1.1, 1.1, 3.6]
    rows: list[Row] = [
        [C("项目名称"), C("2022年于都县农村生活垃圾治理专项资金", cs=9)],
        [C("主管部门"), C("于都县城市管理局", cs=4), C("实施单位", cs=2), C("于都县环境卫生服务中心", cs=3)],
        [C("项目资金\n（万元）", rs=5), C("", cs=3)]
        + [C(h) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")],
    ]
    for label, vals in (
        ("年度资金总额", ["860", "860", "817", "10", "95%", "9.5"]),
        ("其中：当年财政拨款", ["800", "800", "760", DASH, "95%", DASH]),
        ("上年结转资金", ["60", "60", "57", DASH, "95%", DASH]),
        ("其他资金", ["", "", "", DASH, "", DASH]),
    ):
        rows.append([C(label, cs=3), *[C(v) for v in vals]])
    rows += [
        [C("年度总体目标", rs=2), C("预期目标", cs=4), C("实际完成情况", cs=5)],
        [
            C(
                "建立健全农村生活垃圾收运处置体系，全县23个乡镇生活垃圾收运覆盖率100%，无害化处理率达到95%以上。",
                cs=4,
            ),
            C(
                "全县23个乡镇生活垃圾实现日产日清，收运覆盖率100%，无害化处理率97.2%，购置垃圾转运车辆12台。",
                cs=5,
            ),
        ],
    ]
    ind = [
        ("产出指标", "数量指标", "乡镇生活垃圾收运覆盖数", "=23个", "23个", "10", "10", "10", "无"),
        (
            "产出指标",
            "数量指标",
            "购置垃圾转运车辆",
            "≥15台",
            "12台",
            "10",
            "8",
            "8",
            "2台车辆采购流标，1台延期交付，2023年一季度到位",
        ),
        ("产出指标", "质量指标", "生活垃圾无害化处理率", "≥95%", "97.2%", "10", "10", "10", "无"),
        ("产出指标", "时效指标", "垃圾清运及时率", "≥98%", "98.5%", "10", "10", "10", "无"),
        ("产出指标", "成本指标", "吨垃圾收运处置成本", "≤180元", "176元", "10", "10", "9", "无"),
        ("效益指标", "社会效益指标", "农村人居环境整治群众参与率", "≥80%", "85%", "10", "10", "10", "无"),
        (
            "效益指标",
            "生态效益指标",
            "乡镇垃圾中转站渗滤液达标排放率",
            "100%",
            "100%",
            "10",
            "10",
            "10",
            "无",
        ),
        (
            "效益指标",
            "可持续影响指标",
            "长效保洁机制",
            "健全",
            "基本健全",
            "10",
            "8",
            "7",
            "部分村保洁员队伍不稳定，下年度将保洁经费纳入乡镇考核",
        ),
        ("满意度指标", "服务对象满意度指标", "农村群众满意度", "≥90%", "88%", "10", "10", "9.78", "无"),
    ]
    header = [C("绩\n效\n指\n标", rs=1 + len(ind))] + [
        C(h)
        for h in (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "自评得分",
            "复核分",
            "偏差原因分析及改进措施",
        )
    ]
    rows.append(header)
    rows += merged_levels(ind)
    rows.append([C("总分", cs=6), C("100"), C("95.5"), C("93.28"), C("")])
    doc.table(10, rows, w)


# ------------------------------------------------------------------------------------------------
# Hunan: a 指标编号 column of digit codes, and no total to give it away
# ------------------------------------------------------------------------------------------------
def indicator_code_column_hunan(doc: Doc) -> None:
    """岳阳楼区 2023: the budget system's 指标编号 (1101, 1102, …) printed before 一级指标; unlike the
    复核分 sample nothing in the 总分 row belongs to the unknown column, so only the column itself
    can tell the reader it did not understand everything."""
    xiaowu(doc)
    doc.para("2023年度项目支出绩效自评表", bold=True, size=16, center=True)
    # 9 columns: 指标编号 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
    w = [1.2, 1.6, 1.8, 3.5, 2.0, 2.0, 1.2, 1.7, 2.6]
    rows: list[Row] = [
        [C("项目名称", cs=2), C("2023年岳阳楼区城市社区居家养老服务补贴资金", cs=7)],
        [
            C("主管部门", cs=2),
            C("岳阳市岳阳楼区民政局", cs=3),
            C("实施单位", cs=2),
            C("岳阳市岳阳楼区社会福利中心", cs=2),
        ],
        [C("项目资金\n（万元）", rs=5), C("", cs=2)]
        + [C(h) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")],
        [C("年度资金总额", cs=2), *[C(v) for v in ("150", "168", "159.6", "10", "95%", "9.5")]],
        [C("其中：当年财政拨款", cs=2), *[C(v) for v in ("150", "150", "144", DASH, "96%", DASH)]],
        [C("上年结转资金", cs=2), *[C(v) for v in (DASH, "18", "15.6", DASH, "86.67%", DASH)]],
        [C("其他资金", cs=2), *[C(v) for v in (DASH, DASH, DASH, DASH, "", DASH)]],
        [C("年度总体目标", cs=2, rs=2), C("预期目标", cs=4), C("实际完成情况", cs=3)],
        [
            C("为辖区1200名以上特殊困难老年人提供居家养老上门服务，全年上门服务不少于36000人次。", cs=4),
            C("为1236名老年人提供居家养老服务，全年上门服务31500人次，服务对象满意度95%。", cs=3),
        ],
        [
            C(h)
            for h in (
                "指标编号",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            )
        ],
    ]
    ind = [
        ("1101", "享受居家养老服务补贴老年人数", "≥1200人", "1236人", "10", "10", "无"),
        (
            "1102",
            "上门服务次数",
            "≥36000人次",
            "31500人次",
            "10",
            "8.75",
            "护理员队伍流动性大，上门服务频次不足，下年度扩充服务队伍",
        ),
        ("1201", "服务对象信息核查准确率", "100%", "100%", "10", "10", "无"),
        ("1301", "补贴资金按月发放率", "100%", "91.7%", "10", "9.17", "11月、12月补贴合并发放"),
        ("1401", "人均月服务补贴标准", "≤120元", "120元", "10", "10", "无"),
        ("2201", "特殊困难老年人居家养老服务覆盖率", "≥90%", "93%", "10", "10", "无"),
        (
            "2401",
            "社区养老服务站运营",
            "持续运营",
            "达成年度指标",
            "10",
            "7",
            "2个社区养老服务站运营经费不足",
        ),
        ("2402", "居家养老服务信息平台使用率", "≥80%", "85%", "10", "10", "无"),
        ("3101", "服务对象满意度", "≥90%", "95%", "10", "10", "无"),
    ]
    levels = {
        "11": ("产出指标", "数量指标"),
        "12": ("产出指标", "质量指标"),
        "13": ("产出指标", "时效指标"),
        "14": ("产出指标", "成本指标"),
        "22": ("效益指标", "社会效益指标"),
        "24": ("效益指标", "可持续影响指标"),
        "31": ("满意度指标", "服务对象满意度指标"),
    }
    body = merged_levels([(*levels[code[:2]], *rest) for code, *rest in ind])
    for (code, *_), row in zip(ind, body, strict=True):
        rows.append([C(code), *row])
    rows.append([C("总分", cs=6), C("100"), C("94.42"), C("")])
    doc.table(9, rows, w)


SAMPLES: dict[str, Callable[[Doc], None]] = {
    "hand_drawn_grid_zhejiang": hand_drawn_grid_zhejiang,
    "target_over_three_cells_guizhou": target_over_three_cells_guizhou,
    "goal_labels_on_top_hubei": goal_labels_on_top_hubei,
    "deviation_column_reworded_sichuan": deviation_column_reworded_sichuan,
    "traditional_characters_guangdong": traditional_characters_guangdong,
    "funds_scored_per_line_yunnan": funds_scored_per_line_yunnan,
    "weight_before_targets_ningxia": weight_before_targets_ningxia,
    "unknown_number_column_jiangxi": unknown_number_column_jiangxi,
    "indicator_code_column_hunan": indicator_code_column_hunan,
}

#: Samples whose page is landscape (wide tables).
LANDSCAPE = {"target_over_three_cells_guizhou", "unknown_number_column_jiangxi"}
