"""Build the sample Word documents in sample_docs/ (run: ``make samples``).

Each document is named after the quirk it exercises; provenance is in sample_docs/README.md.
Output is reproducible byte for byte, so rebuilding never changes a sample's sha256.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES_DIR = HERE.parent
sys.path.insert(0, str(HERE))

from docxkit import C, Doc  # noqa: E402
from layout import WIDTHS, L1, L2, FormSpec, Fund, Ind, national_form  # noqa: E402

DASH = "—"


# ------------------------------------------------------------------------------------------------
# The seed: 大同市建设工程事务中心经费, 2021 (../shared/domain/seed-form.txt), rebuilt cell for cell
# ------------------------------------------------------------------------------------------------
def seed_spec() -> FormSpec:
    def blank() -> Ind:
        return Ind("")

    return FormSpec(
        project_name="大同市建设工程事务中心经费",
        department="大同市住房和城乡建设局",
        unit="大同市建设工程事务中心",
        funds=[
            Fund("年度资金总额", ["1009.86", "1009.86", "949.78", "10", "94%", "10"]),
            Fund("其中：当年财政拨款", ["949.78", "949.78", "949.78", DASH, "94%", DASH]),
            Fund("      上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("  其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=(
            "保障全市建设工程质量和安全工作，为各县区住建局质量安全提供技术服务，完成省住建厅和市委下达的年度目标任务。",
            "圆满完成各项年度目标任务",
        ),
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("指标1：对全市建筑工程提供质量安全技术服务", "11个区县", "11个区县", "10", "10", "无偏差"),
                            Ind("指标2：协助市住建局开展工程质量、安全、环保抽查", "5次", "5次", "10", "10", "无偏差"),
                            blank(),
                        ],
                    ),
                    L2(
                        "质量指标",
                        [
                            Ind("指标1：质量安全技术服务覆盖率", "100%", "100%", "5", "5", "无偏差"),
                            Ind("指标2：工程质量安全环保抽查率、存在问题整改率", "100%", "100%", "5", "5", "无偏差"),
                            blank(),
                        ],
                    ),
                    L2(
                        "时效指标",
                        [
                            Ind("指标1：提供技术服务时间", "1-12月", "完成", "5", "5", "无偏差"),
                            Ind("指标2：协助市住建局开展工程质量、安全、环保抽查时间", "3-11月", "完成", "5", "5", "无偏差"),
                            blank(),
                        ],
                    ),
                    L2(
                        "成本指标",
                        [
                            Ind("大同市建设工程事务中心人员经费", "901.58", "901.58", "5", "5", "无偏差"),
                            Ind("大同市建设工程事务中心办公经费", "24.9", "24.9", "5", "5", "无偏差"),
                            Ind("大同市建设工程事务中心业务经费", "23.3", "23.3", "5", "5", "无偏差"),
                        ],
                    ),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("经济效益\n指标", [Ind("指标1：无"), Ind("指标2："), blank()]),
                    L2(
                        "社会效益\n指标",
                        [
                            Ind(
                                "指标1：提高全市工程建设质量安全管理水平，确保工程质量稳中有升，安全稳定可控",
                                "既定提升目标",
                                "100%",
                                "10",
                                "10",
                                "无偏差",
                            ),
                            Ind("指标2："),
                            blank(),
                        ],
                    ),
                    L2(
                        "生态效益\n指标",
                        [
                            Ind("指标1：建筑工程生态环境扬尘治理六个100%", "扬尘治理六个100%", "100%", "10", "8", "无偏差"),
                            Ind("指标2："),
                            blank(),
                        ],
                    ),
                    L2(
                        "可持续影响指标",
                        [
                            Ind(
                                "指标1：提高建筑工程质量安全整体水平",
                                "100%",
                                "80%",
                                "15",
                                "12",
                                "部分工程的质量安全问题仍存在一定问题隐患，持续整改中",
                            ),
                            Ind("指标2："),
                            blank(),
                        ],
                    ),
                ],
            ),
            L1(
                "满意度\n指标",
                [
                    L2(
                        "服务对象满意度指标",
                        [
                            Ind("指标1：各个建筑工程项目的建设、施工、监理单位满意度", "100%", "100%", "5", "5", "无偏差"),
                            Ind("指标2：各区县住建行政主管部门满意度", "100%", "100%", "5", "5", "无偏差"),
                            blank(),
                        ],
                    ),
                ],
            ),
        ],
        total=("100", "95"),
        trailer=[
            [C("项目绩效分析", rs=6), C("自评结果分析", rs=4), C("项目实施和预算执行情况及分析", cs=2),
             C("2021年初制订的年度指标值均已完成，年初预算数为1009.86万元，全年预算执行数949.78万元，"
               "成本控制和成本节约方面没有超出预算。", cs=5)],
            [C("产出情况及分析", cs=2),
             C("按照本单位工作职能，对全市工程的质量安全技术服务和对全市11个区县建筑工程的质量安全环保抽查，"
               "均能按照既定目标圆满完成", cs=5)],
            [C("效益情况及分析", cs=2),
             C("由于各区县项目质量安全管理水平参差不齐，质量、安全隐患在一定程度仍然存在，问题在持续整改中。"
               "因此效益指标未能达到最佳值。", cs=5)],
            [C("满意度情况及分析", cs=2), C("本单位工作人员遵守工作纪律，工作认真负责，服务对象满意度均达到100%", cs=5)],
            [C("主要经验做法", cs=3),
             C("按照“四不两直”和“飞行检查”的方式开展质量安全抽查；对发现的和存在的工程质量、安全问题隐患"
               "责令有关单位立即整改，并书面回复，附带整改前后影像资料。", cs=5)],
            [C("项目管理中存在的\n\n主要问题及原因分析", cs=3),
             C("1、部分工程项目质量安全管理不到位，责任主体人员不在岗履职、现场施工管理与中标人员不一致等现象时有发生。"
               "\n\n2、各县区具体开展工程质量监督工作的监督力量明显不足，工作经费不足。", cs=5)],
        ],
    )


def seed_datong_2021(doc: Doc) -> None:
    doc.para("附件1")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("填列单位（公章）：                （   2021 年度）")
    national_form(doc, seed_spec())


# ------------------------------------------------------------------------------------------------
# Real forms transcribed in ../shared/domain/real-forms/ (values as published, errors included)
# ------------------------------------------------------------------------------------------------
def real_001_chizhou_2022(doc: Doc) -> None:
    """池州 贵池区 2022: level-1 labels with points, code-prefixed units, total row printed 0/0/0.

    The published excerpt stops inside the 满意度 block; the document stops there too.
    """
    doc.para("附件:")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("(2022年度)", center=True)
    q = "达成预期指标"
    spec = FormSpec(
        project_name="委托业务项目",
        department="219-池州市贵池区棠溪镇人民政府",
        unit="219001-池州市贵池区棠溪镇人民政府",
        money_label="项目资金\n(万元)",
        funds=[
            Fund("年度资金总额:", ["0", "0", "0", "10", "0", "0"]),
            Fund("其中:本年财政拨款", ["90", "89.974", "89.974", "", "", ""]),
            Fund("上年结转资金", ["", "", "", "", "", ""]),
            Fund("其他资金", ["", "", "", "", "", ""]),
        ],
        goal=(
            "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
            "30万元用于基建工程项目设计、规划、测绘。",
            "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
            "29.99万元用于基建工程项目设计、规划、测绘。",
        ),
        levels=[
            L1(
                "产出指标(50分)",
                [
                    L2("数量指标", [Ind("基建工程委托业务项目数量", "≥50个", "50", "8", "8")]),
                    L2(
                        "质量指标",
                        [
                            Ind("委托业务报告合格率", "≥100百分比", "100", "8", "8"),
                            Ind("经费支出合规性", "严格执行相关制度规定", q, "8", "8"),
                        ],
                    ),
                    L2("时效指标", [Ind("提交报告及时性", "在项目计划完成时间内完成", q, "8", "8")]),
                    L2(
                        "成本指标",
                        [Ind("项目总成本", "≤90万元", "90", "8", "8"), Ind("单项业务成本", "符合相关规定", q, "10", "10")],
                    ),
                ],
            ),
            L1(
                "效益指标(30分)",
                [
                    L2("社会效益指标", [Ind("对维护基建市场公平的影响程度", "效果明显", q, "10", "10")]),
                    L2("生态效益指标", [Ind("对控制基建项目成本影响程度", "效果明显", q, "10", "10")]),
                    L2(
                        "可持续影响指标",
                        [Ind("对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", q, "10", "10")],
                    ),
                    L2("经济效益指标", [Ind("")]),
                ],
            ),
            L1("满意度指标(10分)", [L2("满意度指标", [Ind("")])]),
        ],
        total=None,
    )
    national_form(doc, spec)


def real_003_langfang_2019(doc: Doc) -> None:
    """廊坊 2019: placeholder rows kept, "指标1" without colon, bare numbers as goals, 效益指标 twice."""
    doc.para("附件1")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("2019年度)", center=True)

    def ph(n: str) -> Ind:
        return Ind(n)

    spec = FormSpec(
        project_name="办公宿舍楼、食堂及餐厅暖通改造经费",
        department="廊坊市发改委",
        unit="廊坊市食品工程学校",
        money_label="项目资金\n(万元)",
        fund_headers=["年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"],
        funds=[
            Fund("年度资金总额", ["43.2", "43.2", "37.24", "10", "86%", "9"]),
            Fund("其中:当年财政拨款", ["43.2", "43.2", "37.24", "", "", ""]),
            Fund("      上年结转资金", ["", "", "", "", "", ""]),
            Fund("  其他资金", ["", "", "", "", "", ""]),
        ],
        goal=("43.2", "37.24"),
        side_label="",
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("指标1工程资金金额", "43.2", "37.24", "10", "9",
                                "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"),
                            ph("指标2"),
                            ph("……"),
                        ],
                    ),
                    L2(
                        "质量指标",
                        [
                            Ind("指标1工程完工率", "100", "100", "10", "10"),
                            Ind("指标2工程验收合格率", "100", "100", "10", "10"),
                            ph("……"),
                        ],
                    ),
                    L2("时效指标", [Ind("指标1项目完成及时率", "100", "100", "10", "10"), ph("指标2"), ph("……")]),
                    L2("成本指标", [Ind("指标1成本控制率", "100", "100", "10", "10"), ph("指标2"), ph("……")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("经济效益\n指标", [Ind("指标1安全率", "100", "100", "10", "10", "0"), ph("指标2"), ph("……")]),
                    L2("社会效益\n指标", [Ind("指标1学校发展能力", "100", "100", "10", "10", "0"), ph("指标2"), ph("……")]),
                    L2("生态效益\n指标", [ph("指标1"), ph("指标2"), ph("……")]),
                ],
            ),
            L1("效益指标", [L2("可持续影响\n指标", [Ind("指标1长期使用性", "100", "100", "10", "10"), ph("指标2"), ph("……")])]),
            L1(
                "满意度\n指标",
                [L2("服务对象满意度指标", [Ind("指标1学生满意度", "100", "100", "10", "10", "0"), ph("指标2")])],
            ),
        ],
        total=None,
    )
    national_form(doc, spec)


def real_004_yongde_2022(doc: Doc) -> None:
    """永德县 2022 (云南 决算 公开14表): 指标性质/指标值/度量单位 under 年度指标值, 元, ≧ and ═, grade."""
    doc.para("2022年度项目支出绩效自评表", bold=True, size=15, center=True)
    doc.para("部门:临沧市永德县明朗中学                                        公开14表")
    # 11 columns: 绩效指标 | 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 实际完成值 | 分值 | 得分 | 偏差
    w = [1.0, 1.5, 1.6, 3.2, 1.1, 1.2, 1.1, 1.6, 1.0, 1.0, 2.4]
    fund = lambda label, vals: [C(label, cs=3), *[C(v) for v in vals]]  # noqa: E731
    rows = [
        [C("项目名称", cs=2), C("义务教育营养改善计划专项资金", cs=9)],
        [C("主管部门", cs=2), C("永德县教育体育局", cs=3), C("实施单位", cs=2), C("永德县明朗中学", cs=4)],
        [C("项目资金\n(元)", cs=2, rs=5), C("", cs=3), C("年初预算数"), C("全年预算数"), C("全年执行数"),
         C("分值"), C("执行率"), C("得分")],
        fund("年度资金总额", ["", "387664.62", "387664.62", "10", "100%", "10"]),
        fund("其中:当年财政\n拨款", ["", "387664.62", "387664.62", DASH, "", DASH]),
        fund("上年结转\n资金", ["", "", "", DASH, "", DASH]),
        fund("其他资金", [DASH, DASH, DASH, DASH, "", DASH]),
        [C("年度\n总体\n目标", cs=2, rs=2), C("预期目标", cs=4), C("实际完成情况", cs=5)],
        [C("确保每一个学生都能享受到国家政策福利,改善学生体质", cs=4),
         C("确保每一个学生都能享受到国家政策福利,改善学生体质", cs=5)],
    ]
    ind = [
        ("产出指标", "数量指标", "学生受资助人数", "≧", "735", "人次", "735", "10", "10"),
        ("产出指标", "质量指标", "营养改善计划覆盖率", "≧", "100", "%", "100%", "10", "10"),
        ("产出指标", "时效指标", "资金到位及时率", "≧", "100", "%", "100%", "10", "7"),
        ("产出指标", "成本指标", "生均补助标准达标率", "═", "100", "%", "100%", "10", "10"),
        ("效益指标", "经济效益\n指标", "减轻贫困学生家庭经济负担", "", "有效", "", "有效", "10", "10"),
        ("效益指标", "社会效益\n指标", "政策知晓率", "═", "100", "%", "98%", "10", "9"),
        ("效益指标", "生态效益\n指标", "", "", "", "", "", "", ""),
        ("效益指标", "可持续影响\n指标", "促进学校教育事业健康发展", "≧", "100", "%", "100%", "10", "10"),
        ("满意度指标", "服务对象满意度指标等", "学生满意度", "≧", "95", "%", "100%", "10", "10"),
        ("满意度指标", "服务对象满意度指标等", "家长满意度", "≧", "95", "%", "100%", "10", "10"),
    ]
    n = len(ind)
    rows.append([C("绩效指标", rs=2 + n), C("一级指标", rs=2), C("二级指标", rs=2), C("三级指标", rs=2),
                 C("年度指标值", cs=3), C("实际完成值", rs=2), C("分值", rs=2), C("得分", rs=2),
                 C("偏差原因分析及改进措施", rs=2)])
    rows.append([C("指标性质"), C("指标值"), C("度量单位")])
    spans = {"产出指标": 4, "效益指标": 4, "满意度指标": 2}
    seen_l1: set[str] = set()
    for i, (l1, l2, l3, op, val, unit, actual, wt, sc) in enumerate(ind):
        row = []
        if l1 not in seen_l1:
            seen_l1.add(l1)
            row.append(C(l1, rs=spans[l1]))
        if l2 == "服务对象满意度指标等":
            if i == n - 2:
                row.append(C(l2, rs=2))
        else:
            row.append(C(l2))
        row += [C(l3), C(op), C(val), C(unit), C(actual), C(wt), C(sc), C("")]
        rows.append(row)
    rows.append([C("其他需要说明事项", cs=4), C("无", cs=7)])
    rows.append([C("总分", cs=8), C("100"), C("96"), C("优")])
    doc.table(11, rows, w)


# ------------------------------------------------------------------------------------------------
# Variants (synthetic, realistic content)
# ------------------------------------------------------------------------------------------------
def _road_spec(**over: object) -> FormSpec:
    """A clean, internally consistent form (every rule passes) used as the base of variants."""
    spec = FormSpec(
        project_name="农村公路养护工程补助资金",
        department="宁远县交通运输局",
        unit="宁远县公路建设养护中心",
        funds=[
            Fund("年度资金总额", ["800", "850", "833", "10", "98%", "9.8"]),
            Fund("其中：当年财政拨款", ["800", "800", "790", DASH, "98.75%", DASH]),
            Fund("上年结转资金", ["", "50", "43", DASH, "86%", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=(
            "完成全县农村公路日常养护里程1200公里，实施危桥改造3座，提升农村公路通行能力和安全水平。",
            "完成日常养护里程1260公里，完成危桥改造3座，全县农村公路优良中等路率达到85%。",
        ),
        levels=[
            L1(
                "产出指标",
                [
                    L2(
                        "数量指标",
                        [
                            Ind("指标1：农村公路日常养护里程", "≥1200公里", "1260公里", "15", "15", "无"),
                            Ind("指标2：危桥改造数量", "3座", "3座", "10", "10", "无"),
                        ],
                    ),
                    L2("质量指标", [Ind("指标1：养护工程验收合格率", "≥95%", "100%", "10", "10", "无")]),
                    L2("时效指标", [Ind("指标1：危桥改造完工时间", "2022年11月底前", "按期完成", "5", "5", "无")]),
                    L2("成本指标", [Ind("指标1：每公里养护成本", "≤0.6万元", "0.58万元", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("指标1：农村公路优良中等路率", "≥80%", "85%", "15", "15", "无")]),
                    L2("可持续影响指标", [Ind("指标1：养护长效机制", "建立健全", "达成年度指标", "15", "14", "考核机制尚待完善，明年修订办法")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标1：沿线群众满意度", "≥90%", "93%", "10", "10", "无")])]),
        ],
        total=("100", "98.8"),
    )
    for k, v in over.items():
        setattr(spec, k, v)
    return spec


def clean_form_no_findings(doc: Doc) -> None:
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(doc, _road_spec())


def multi_form_two_projects(doc: Doc) -> None:
    """Two forms in one file, each with its own title; the second has a wrong 总分."""
    doc.para("附件2")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(doc, _road_spec())
    doc.page_break()
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    second = _road_spec(
        project_name="城乡客运公交化改造补助",
        unit="宁远县道路运输服务中心",
        funds=[
            Fund("年度资金总额", ["120", "120", "120", "10", "100%", "10"]),
            Fund("其中：当年财政拨款", ["120", "120", "120", DASH, "100%", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("完成8条城乡客运线路公交化改造。", "完成8条线路公交化改造并投入运营。"),
        total=("100", "97"),
    )
    national_form(doc, second)


def split_over_two_tables(doc: Doc) -> None:
    """The header/funds/goal table and the indicator table are two Word tables with text between."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(
        doc,
        _road_spec(
            split_before_indicators=True,
            between_tables=["（续表）"],
            funds=[
                Fund("年度资金总额", ["800", "850", "833", "10", "98%", "9.8"]),
                Fund("其中：当年财政拨款", ["800", "800", "790", DASH, "98.75%", DASH]),
                Fund("上年结转资金", ["", "50", "43", DASH, "86%", DASH]),
                Fund("其他资金", ["", "", "", DASH, "", DASH]),
            ],
        ),
    )


def yuan_units_thousands_separators(doc: Doc) -> None:
    """项目资金（元）with thousands separators; amounts convert exactly to 万元."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2021年度）", center=True)
    spec = _road_spec(
        project_name="中小学校舍维修改造资金",
        department="青川县教育局",
        unit="青川县第二中学",
        money_label="项目资金\n（元）",
        funds=[
            Fund("年度资金总额", ["1,250,000.00", "1,320,000.00", "1,306,800.50", "10", "99%", "9.9"]),
            Fund("其中：当年财政拨款", ["1,250,000.00", "1,250,000.00", "1,236,800.50", DASH, "98.94%", DASH]),
            Fund("上年结转资金", ["", "70,000.00", "70,000.00", DASH, "100%", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("完成教学楼屋面防水及外墙维修2800平方米。", "完成维修面积2850平方米，消除安全隐患。"),
        levels=[
            L1(
                "产出指标",
                [
                    L2("数量指标", [Ind("指标1：维修改造面积", "≥2800平方米", "2850平方米", "20", "20", "无")]),
                    L2("质量指标", [Ind("指标1：工程验收合格率", "100%", "100%", "10", "10", "无")]),
                    L2("时效指标", [Ind("指标1：开工后完工时限", "≤90天", "85天", "10", "10", "无")]),
                    L2("成本指标", [Ind("指标1：维修改造成本", "≤132万元", "130.68万元", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("指标1：消除校舍安全隐患", "消除", "达成年度指标", "15", "15", "无")]),
                    L2("可持续影响指标", [Ind("指标1：校舍使用年限延长", "≥10年", "10年", "15", "15", "无")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标1：师生满意度", "≥90%", "96%", "10", "10", "无")])]),
        ],
        total=("100", "99.9"),
    )
    national_form(doc, spec)


def no_initial_budget_column(doc: Doc) -> None:
    """No 年初预算数 column; headers 全年预算数（A）/ 全年执行数（B）/ 执行率（B/A）."""
    doc.para("2022年度项目支出绩效自评表", bold=True, size=16, center=True)
    spec = _road_spec(
        project_name="基层农技推广体系改革与建设补助",
        department="岳池县农业农村局",
        unit="岳池县农业技术推广中心",
        fund_headers=["全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
        funds=[
            Fund("年度资金总额", ["64.5", "58.05", "10", "90%", "9"]),
            Fund("其中：本年财政拨款", ["64.5", "58.05", DASH, "90%", DASH]),
            Fund("上年结转资金", ["", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", DASH, "", DASH]),
        ],
        goal=("培育农业科技示范主体300户，推广主导品种和主推技术。", "培育示范主体300户，主推技术到位率95%。"),
        levels=[
            L1(
                "产出指标",
                [
                    L2("数量指标", [Ind("指标1：培育科技示范主体", "300户", "300户", "20", "20", "无")]),
                    L2("质量指标", [Ind("指标1：主推技术到位率", "≥95%", "95%", "15", "15", "无")]),
                    L2("时效指标", [Ind("指标1：项目完成时间", "2022年12月", "按期完成", "5", "5", "无")]),
                    L2("成本指标", [Ind("指标1：示范主体补助标准", "≤1500元/户", "1500元/户", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("经济效益指标", [Ind("指标1：示范主体增收", "≥5%", "4%", "15", "12", "受干旱影响部分作物减产，明年加强抗旱技术指导")]),
                    L2("社会效益指标", [Ind("指标1：带动周边农户", "≥1500户", "1600户", "15", "15", "无")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标1：示范主体满意度", "≥90%", "95%", "10", "10", "无")])]),
        ],
        total=("100", "96"),
    )
    national_form(doc, spec)


def level1_points_in_labels(doc: Doc) -> None:
    """"产出指标(50分)" style level-1 labels and 满意度指标 printed at level 2 (池州 style)."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    spec = _road_spec(
        levels=[
            L1(
                "产出指标（50分）",
                [
                    L2("数量指标", [Ind("农村公路日常养护里程", "≥1200公里", "1260公里", "15", "15"),
                                    Ind("危桥改造数量", "3座", "3座", "10", "10")]),
                    L2("质量指标", [Ind("养护工程验收合格率", "≥95%", "100%", "10", "10")]),
                    L2("时效指标", [Ind("危桥改造完工时间", "2022年11月底前", "按期完成", "5", "5")]),
                    L2("成本指标", [Ind("每公里养护成本", "≤0.6万元", "0.58万元", "10", "10")]),
                ],
            ),
            L1(
                "效益指标（30分）",
                [
                    L2("社会效益指标", [Ind("农村公路优良中等路率", "≥80%", "85%", "15", "15")]),
                    L2("可持续影响指标", [Ind("养护长效机制", "建立健全", "达成年度指标", "15", "14", "考核机制尚待完善")]),
                ],
            ),
            L1("满意度指标（10分）", [L2("满意度指标", [Ind("沿线群众满意度", "≥90%", "93%", "10", "10")])]),
        ],
    )
    national_form(doc, spec)


def labels_repeated_not_merged(doc: Doc) -> None:
    """一级/二级 labels typed into every row instead of merged cells; a deduction without a reason."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2021年度）", center=True)
    spec = _road_spec(
        merge_levels=False,
        project_name="城区环卫保洁服务购买",
        department="潼南区城市管理局",
        unit="潼南区环境卫生管理所",
        funds=[
            Fund("年度资金总额", ["2360", "2360", "2242", "10", "95%", "9.5"]),
            Fund("其中：当年财政拨款", ["2360", "2360", "2242", DASH, "95%", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("城区主次干道及背街小巷保洁面积320万平方米，垃圾日产日清。", "完成保洁面积326万平方米，垃圾日产日清。"),
        levels=[
            L1(
                "产出指标",
                [
                    L2("数量指标", [Ind("指标1：道路保洁面积", "≥320万平方米", "326万平方米", "20", "20", "无"),
                                    Ind("指标2：公厕保洁座数", "86座", "86座", "10", "10", "无")]),
                    L2("质量指标", [Ind("指标1：垃圾清运及时率", "100%", "100%", "10", "10", "无")]),
                    L2("成本指标", [Ind("指标1：保洁服务单价", "≤7元/平方米", "6.88元/平方米", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("指标1：城市容貌达标率", "≥95%", "93%", "15", "14", "无")]),
                    L2("生态效益指标", [Ind("指标1：道路扬尘治理", "明显改善", "达成年度指标", "15", "15", "无")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标1：市民满意度", "≥85%", "88%", "10", "10", "无")])]),
        ],
        total=("100", "98.2"),
    )
    national_form(doc, spec)


def fullwidth_digits_and_operators(doc: Doc) -> None:
    """Full-width digits and percent signs, "，" as a thousands separator, ＞＝ and 不低于 / 以内."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（２０２２年度）", center=True)
    spec = _road_spec(
        project_name="社区居家养老服务补贴",
        department="南溪区民政局",
        unit="南溪区社会福利中心",
        funds=[
            Fund("年度资金总额", ["１，２００.５０", "１，２００.５０", "１，１４０.４７５", "１０", "９５％", "９.５"]),
            Fund("其中：当年财政拨款", ["１，２００.５０", "１，２００.５０", "１，１４０.４７５", DASH, "９５％", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("为全区２６００名失能半失能老人提供居家养老服务。", "服务老人２６５０名，服务满意度９６％。"),
        levels=[
            L1(
                "产出指标",
                [
                    L2("数量指标", [Ind("指标１：服务老人人数", "不低于２６００人", "２６５０人", "20", "20", "无")]),
                    L2("质量指标", [Ind("指标１：服务记录完整率", "＞＝９８％", "９９％", "10", "10", "无")]),
                    L2("时效指标", [Ind("指标１：补贴发放周期", "３０天以内", "２８天", "10", "10", "无")]),
                    L2("成本指标", [Ind("指标１：人均补贴标准", "≤４６２元", "４３０元", "10", "10", "无")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("指标１：失能老人照护覆盖率", "≥９０％", "９２％", "15", "15", "无")]),
                    L2("可持续影响指标", [Ind("指标１：服务机构持续运营", "持续运营", "达成年度指标", "15", "15", "无")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标１：老人及家属满意度", "≥９０％", "９６％", "10", "10", "无")])]),
        ],
        total=("１００", "９９.５"),
    )
    national_form(doc, spec)


def extra_columns_sichuan(doc: Doc) -> None:
    """四川 部门预算项目支出绩效自评表: 指标性质/指标值/度量单位/完成值/权重, 财政专户/单位资金 rows."""
    doc.para("部门预算项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2023年度）", center=True)
    doc.para("报表编号:510000_0013zp")
    # 10 columns: 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析
    w = [1.5, 1.6, 3.4, 1.0, 1.1, 1.0, 1.3, 1.0, 1.0, 2.6]
    rows = [
        [C("项目名称", cs=2), C("51000021R000000019951-乡村振兴人才培训项目", cs=8)],
        [C("主管部门", cs=2), C("青神县农业农村局", cs=3), C("实施单位（盖章）", cs=2), C("青神县农业技术推广站", cs=3)],
        [C("年度预算数\n（万元）", rs=6), C("", cs=2), C("年初预算"), C("调整后预算数"), C("预算执行数"),
         C("预算执行率"), C("权重"), C("得分"), C("原因")],
        [C("总额", cs=2), C("60"), C("60"), C("57"), C("95%"), C("10"), C("9.5"), C("")],
        [C("其中:财政资金", cs=2), C("50"), C("50"), C("48"), C("/"), C("/"), C("/"), C("")],
        [C("财政专户管理资金", cs=2), C("0"), C("0"), C("0"), C("/"), C("/"), C("/"), C("")],
        [C("单位资金", cs=2), C("10"), C("10"), C("9"), C("/"), C("/"), C("/"), C("")],
        [C("其他资金", cs=2), C("0"), C("0"), C("0"), C("/"), C("/"), C("/"), C("")],
        [C("项目年度目标", cs=2), C("培训新型职业农民500人次，提升农业生产技能。", cs=8)],
        [C("年度目标完成情况", cs=2), C("培训新型职业农民520人次，参训人员技能考核合格率97%。", cs=8)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标性质"), C("指标值"), C("度量单位"), C("完成值"),
         C("权重"), C("得分"), C("未完成原因分析")],
    ]
    ind = [
        ("产出指标", "数量指标", "培训人次", "≥", "500", "人次", "520", "20", "20", ""),
        ("产出指标", "质量指标", "技能考核合格率", "≥", "95", "%", "97", "20", "20", ""),
        ("产出指标", "时效指标", "培训完成时间", "≤", "11", "月", "10", "10", "10", ""),
        ("产出指标", "成本指标", "人均培训成本", "≤", "1200", "元", "1096", "10", "10", ""),
        ("效益指标", "社会效益指标", "参训农民增收", "≥", "8", "%", "6", "15", "11.25", "受市场价格影响，增收未达预期"),
        ("效益指标", "可持续影响指标", "培训成果持续应用", "=", "达成年度指标", "", "达成年度指标", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "90", "%", "95", "5", "5", ""),
    ]
    for r in ind:
        rows.append([C(x) for x in r])
    rows.append([C("合计", cs=7), C("100"), C("95.75"), C("")])
    rows.append([C("评价结论", cs=2), C("项目总体完成较好，自评等级为优。", cs=8)])
    doc.table(10, rows, w)


def sibling_dept_overall(doc: Doc) -> None:
    """A 部门整体支出绩效自评表: a sibling form that must not be read as a project form."""
    doc.para("部门整体支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    w = [2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2]
    rows = [
        [C("部门名称"), C("宁远县交通运输局", cs=6)],
        [C("部门预算情况\n（万元）", rs=3), C(""), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("预算执行率%"), C("自评得分")],
        [C("年度资金总额"), C("3200"), C("3350"), C("3190"), C("95.22"), C("9.5")],
        [C("其中：财政拨款"), C("3000"), C("3150"), C("3000"), C("95.24"), C("")],
        [C("年度主要任务", rs=3), C("任务名称", cs=2), C("完成情况", cs=4)],
        [C("农村公路养护", cs=2), C("完成养护里程1260公里", cs=4)],
        [C("客运公交化改造", cs=2), C("完成8条线路改造", cs=4)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分")],
        [C("产出指标"), C("数量指标"), C("重点工作完成数"), C("≥10项"), C("11项"), C("30"), C("30")],
        [C("效益指标"), C("社会效益指标"), C("履职效能"), C("显著"), C("达成年度指标"), C("40"), C("38")],
        [C("满意度指标"), C("服务对象满意度指标"), C("群众满意度"), C("≥90%"), C("92%"), C("20"), C("20")],
    ]
    doc.table(7, rows, w)


def sibling_goal_table_then_form(doc: Doc) -> None:
    """A 项目绩效目标表 (ex ante: 指标值 only) followed by the project's self-evaluation form."""
    doc.para("项目绩效目标表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    w = [2.0, 2.2, 4.4, 2.6, 2.6]
    rows = [
        [C("项目名称"), C("农村公路养护工程补助资金", cs=4)],
        [C("项目属性"), C("延续项目"), C("项目期"), C("2022年1月-2022年12月", cs=2)],
        [C("资金总额\n（万元）"), C("800", cs=4)],
        [C("年度目标"), C("完成全县农村公路日常养护里程1200公里，实施危桥改造3座。", cs=4)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值"), C("备注")],
        [C("产出指标"), C("数量指标"), C("农村公路日常养护里程"), C("≥1200公里"), C("")],
        [C("效益指标"), C("社会效益指标"), C("农村公路优良中等路率"), C("≥80%"), C("")],
        [C("满意度指标"), C("服务对象满意度指标"), C("沿线群众满意度"), C("≥90%"), C("")],
    ]
    doc.table(5, rows, w)
    doc.page_break()
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(doc, _road_spec())


def cover_page_and_notes(doc: Doc) -> None:
    """A cover page before the form and a 填表说明 list after it."""
    doc.para("2022年度项目支出绩效自评表", bold=True, size=22, center=True)
    doc.para("")
    doc.para("填报单位：宁远县公路建设养护中心（盖章）", center=True)
    doc.para("填报日期：2023年3月15日", center=True)
    doc.page_break()
    doc.para("附件3")
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    national_form(doc, _road_spec())
    doc.para("填表说明：")
    for line in (
        "1.项目名称、主管部门、实施单位按预算批复口径填写。",
        "2.全年预算数为调整后预算数，执行率=全年执行数/全年预算数，得分=分值×执行率。",
        "3.绩效指标的年度指标值按年初批复的项目支出绩效目标表填写。",
        "4.偏差原因分析及改进措施：得分低于分值的指标须说明原因。",
    ):
        doc.para(line)


def rule_violations_indicators(doc: Doc) -> None:
    """Indicator-level violations: formula scores, reverse indicator, qualitative band, overshoot,
    a score above its weight, execution above budget and a grade that is not the total's band."""
    doc.para("项目支出绩效自评表", bold=True, size=16, center=True)
    doc.para("（2022年度）", center=True)
    spec = _road_spec(
        project_name="智慧政务平台运维服务",
        department="遂宁市行政审批局",
        unit="遂宁市政务服务中心",
        funds=[
            Fund("年度资金总额", ["300", "300", "306", "10", "102%", "10"]),
            Fund("其中：当年财政拨款", ["300", "300", "306", DASH, "102%", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("保障政务平台全年稳定运行，系统可用率不低于99%。", "平台全年稳定运行，可用率99.5%。"),
        levels=[
            L1(
                "产出指标",
                [
                    L2("数量指标", [Ind("指标1：受理事项数", "≥5000件", "4000件", "15", "15", ""),
                                    Ind("指标2：上线服务事项", "≥200项", "300项", "10", "10", "")]),
                    L2("质量指标", [Ind("指标1：系统可用率", "≥99%", "99.5%", "10", "12", "")]),
                    L2("时效指标", [Ind("指标1：故障响应时间", "≤2小时", "3小时", "5", "2.5", "夜间值守人员不足，已增配")]),
                    L2("成本指标", [Ind("指标1：运维成本", "≤300万元", "306万元", "10", "9.5", "硬件更换超支")]),
                ],
            ),
            L1(
                "效益指标",
                [
                    L2("社会效益指标", [Ind("指标1：网办率提升", "明显提升", "部分达成年度指标并具有一定效果", "15", "14", "线下习惯仍较强")]),
                    L2("可持续影响指标", [Ind("指标1：数据共享机制", "建立", "达成年度指标", "15", "10", "共享目录待完善")]),
                ],
            ),
            L1("满意度指标", [L2("服务对象满意度指标", [Ind("指标1：企业群众满意度", "≥90%", "95%", "10", "10", "")])]),
        ],
        total=("100", "83"),
        grade="优",
    )
    national_form(doc, spec)


def not_a_form_letter(doc: Doc) -> None:
    """A Word document without any table (a cover letter sent with the forms)."""
    doc.para("关于报送2022年度项目支出绩效自评结果的函", bold=True, size=16, center=True)
    doc.para("县财政局：")
    doc.para("根据《项目支出绩效评价管理办法》（财预〔2020〕10号）要求，我单位已完成2022年度项目支出绩效自评工作，"
             "现将项目支出绩效自评表报送你局，请审核。")
    doc.para("宁远县交通运输局")
    doc.para("2023年3月20日")


SAMPLES: dict[str, Callable[[Doc], None]] = {
    "seed_datong_2021": seed_datong_2021,
    "real_001_chizhou_2022": real_001_chizhou_2022,
    "real_003_langfang_2019": real_003_langfang_2019,
    "real_004_yongde_2022": real_004_yongde_2022,
    "clean_form_no_findings": clean_form_no_findings,
    "multi_form_two_projects": multi_form_two_projects,
    "split_over_two_tables": split_over_two_tables,
    "yuan_units_thousands_separators": yuan_units_thousands_separators,
    "no_initial_budget_column": no_initial_budget_column,
    "level1_points_in_labels": level1_points_in_labels,
    "labels_repeated_not_merged": labels_repeated_not_merged,
    "fullwidth_digits_and_operators": fullwidth_digits_and_operators,
    "extra_columns_sichuan": extra_columns_sichuan,
    "sibling_dept_overall": sibling_dept_overall,
    "sibling_goal_table_then_form": sibling_goal_table_then_form,
    "cover_page_and_notes": cover_page_and_notes,
    "rule_violations_indicators": rule_violations_indicators,
    "not_a_form_letter": not_a_form_letter,
}

#: Samples whose page is landscape (wide tables).
LANDSCAPE = {"real_004_yongde_2022", "extra_columns_sichuan"}


def broken_truncated_upload(out_dir: Path) -> Path:
    """An upload cut off part-way: the first 60 % of a valid .docx (the zip directory is lost)."""
    full = (out_dir / "clean_form_no_findings.docx").read_bytes()
    path = out_dir / "broken_truncated_upload.docx"
    path.write_bytes(full[: len(full) * 6 // 10])
    return path


def build(out_dir: Path = SAMPLES_DIR, names: list[str] | None = None) -> list[Path]:
    written = []
    for name, make in SAMPLES.items():
        if names and name not in names:
            continue
        doc = Doc(landscape=name in LANDSCAPE)
        make(doc)
        path = out_dir / f"{name}.docx"
        doc.save(path)
        written.append(path)
    if not names or "broken_truncated_upload" in names:
        written.append(broken_truncated_upload(out_dir))
    return written


def main(argv: list[str] | None = None) -> int:
    names = list(argv if argv is not None else sys.argv[1:])
    for path in build(names=names or None):
        print(path.relative_to(SAMPLES_DIR.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
