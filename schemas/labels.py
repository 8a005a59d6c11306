"""Printed labels of the form, as data: column synonyms, row labels, sibling-form cues.

All keys are *label keys* (``parsers.text.label_key``): NFKC, no whitespace, ASCII punctuation.
A header is looked up as printed first, then with a trailing parenthetical removed
("全年预算数(A)" → "全年预算数"). Sources: docs/rules.md#the-form, #template-variants-and-sibling-forms.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final


def _invert(groups: dict[str, tuple[str, ...]]) -> MappingProxyType[str, str]:
    out: dict[str, str] = {}
    for canonical, synonyms in groups.items():
        for s in synonyms:
            if s in out and out[s] != canonical:
                raise ValueError(f"label {s!r} maps to both {out[s]!r} and {canonical!r}")
            out[s] = canonical
    return MappingProxyType(out)


# ---------------------------------------------------------------------------------------------
# Header fields: label cell → the value in the next cell to its right
# ---------------------------------------------------------------------------------------------
HEADER_FIELDS: Final = _invert(
    {
        "project_name": ("项目名称",),
        "department": ("主管部门", "主管部门及代码", "主管单位", "主管部门名称"),
        "implementing_unit": (
            "实施单位",
            "项目实施单位",
            "实施单位(盖章)",
            "项目单位",
            "实施单位名称",
        ),
    }
)

# ---------------------------------------------------------------------------------------------
# Funds block (项目资金)
# ---------------------------------------------------------------------------------------------
FUND_COLUMNS: Final = _invert(
    {
        "budget_initial": ("年初预算数", "年初预算", "年初预算金额", "年初预算资金"),
        "budget_full_year": (
            "全年预算数",
            "全年预算",
            "调整后预算数",
            "调整后预算",
            "调整预算数",
            "预算数",
            "全年预算资金",
        ),
        "executed": (
            "全年执行数",
            "执行数",
            "预算执行数",
            "实际执行数",
            "全年实际执行数",
            "全年支出数",
        ),
        "weight": ("分值", "权重"),
        "rate": ("执行率", "预算执行率", "执行率%", "资金执行率"),
        "score": ("得分", "自评得分", "得分(分*执行率)"),
    }
)

#: The label of the funds block itself ("项目资金（万元）"); its parenthetical gives the money unit.
FUNDS_BLOCK_LABELS: Final = frozenset(
    {"项目资金", "年度预算数", "预算执行情况", "预算执行情况(万元)", "项目资金情况", "资金情况"}
)

#: Fund row label (after a leading "其中:" is removed) → line.
FUND_LINES: Final = _invert(
    {
        "total": (
            "年度资金总额",
            "资金总额",
            "总额",
            "年度财政资金总额",
            "年度预算资金总额",
            "项目资金总额",
            "合计",
        ),
        "fiscal": (
            "当年财政拨款",
            "本年财政拨款",
            "财政拨款",
            "财政资金",
            "当年财政资金",
            "本年财政资金",
            "财政拨款资金",
        ),
        "carryover": (
            "上年结转资金",
            "上年结转",
            "上年结余结转资金",
            "结转资金",
            "上年结余资金",
            "上年结转结余资金",
        ),
        "other": (
            "其他资金",
            "其他",
            "财政专户管理资金",
            "单位资金",
            "社会投入资金",
            "自有资金",
            "单位自筹资金",
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# Goal block (年度总体目标)
# ---------------------------------------------------------------------------------------------
GOAL_COLUMNS: Final = _invert(
    {
        "expected": ("预期目标", "年初设定目标", "项目年度目标", "年度目标", "年度预期目标", "总体目标"),
        "actual": (
            "实际完成情况",
            "年度总体目标完成情况",
            "年度目标完成情况",
            "全年实际完成情况",
            "目标完成情况",
        ),
    }
)
GOAL_BLOCK_LABELS: Final = frozenset(
    {"年度总体目标", "总体目标", "年度目标", "项目年度目标完成情况", "1.项目年度目标完成情况", "年度绩效目标"}
)

# ---------------------------------------------------------------------------------------------
# Indicator block (绩效指标)
# ---------------------------------------------------------------------------------------------
INDICATOR_COLUMNS: Final = _invert(
    {
        "level1": ("一级指标",),
        "level2": ("二级指标",),
        "level3": ("三级指标", "三级指标名称", "指标内容"),
        "target": (
            "年度指标值",
            "指标值",
            "年初目标值",
            "年初指标值",
            "目标值",
            "目标值(标准)",
            "年度目标值",
            "全年指标值",
            "预期指标值",
        ),
        "actual": (
            "实际完成值",
            "完成值",
            "全年实际值",
            "年终完成值",
            "实际值",
            "全年完成值",
            "实际完成数",
        ),
        "weight": ("分值", "权重", "指标分值", "权重分值"),
        "score": ("得分", "自评得分", "自评分", "实际得分"),
        "deviation": (
            "偏差原因分析及改进措施",
            "偏差原因分析",
            "偏差原因",
            "未完成原因分析",
            "未完成原因分析及改进措施",
            "偏差大或目标未完成原因分析",
            "原因分析及改进措施",
            "改进措施及结果应用方案",
            "原因",
        ),
        "nature": ("指标性质", "计算符号", "指标方向"),
        "unit": ("度量单位", "计量单位", "单位"),
        "target_note": ("指标值说明",),
    }
)

#: Columns whose presence (without 实际完成值/得分) marks a sibling form, not a self-evaluation.
FRAMEWORK_COLUMNS: Final = frozenset(
    {
        "评分标准",
        "评(扣)分标准",
        "指标解释",
        "指标说明及评分标准",
        "扣分原因和其他说明",
        "评分细则",
        "计分方法",
    }
)
MONITORING_COLUMNS: Final = frozenset(
    {"全年预计", "全年预计完成值", "1-6月执行数", "1-6月完成值", "偏差原因分析类型"}
)

#: First-cell labels of the row that closes the indicator table.
TOTAL_ROW_LABELS: Final = frozenset({"总分", "合计", "总计", "自评总分", "综合得分", "总得分"})

#: First-cell labels after which a form's tabular content is over (analysis and sign-off blocks).
TRAILER_LABELS: Final = frozenset(
    {
        "项目绩效分析",
        "自评结果分析",
        "其他需要说明事项",
        "其他需要说明的事项",
        "评价结论",
        "存在问题",
        "改进措施",
        "备注",
        "填表说明",
        "项目负责人",
        "财务负责人",
        "单位主要负责人签批意见",
        "主要经验做法",
        "自评结论",
        "评价等级",
    }
)

#: Grade words as printed → grade.
GRADES: Final = MappingProxyType(
    {
        "优": "优",
        "优秀": "优",
        "良": "良",
        "良好": "良",
        "中": "中",
        "中等": "中",
        "合格": "中",
        "差": "差",
        "较差": "差",
    }
)

# ---------------------------------------------------------------------------------------------
# Titles and sibling forms (docs/rules.md#template-variants-and-sibling-forms)
# ---------------------------------------------------------------------------------------------
#: Substrings of a title key → the sibling kind it names. Checked before the project-form title.
SIBLING_TITLE_CUES: Final = (
    ("部门整体", "部门整体支出绩效自评表"),
    ("整体支出", "部门整体支出绩效自评表"),
    ("运行监控", "绩效运行监控表"),
    ("监控表", "绩效运行监控表"),
    ("目标申报表", "绩效目标申报表"),
    ("绩效目标表", "项目绩效目标表"),
    ("评价指标体系", "绩效评价指标体系评分表"),
    ("评分表", "绩效评价指标体系评分表"),
)

#: Substrings that make a short line a project self-evaluation title (项目支出绩效自评表 and kin).
PROJECT_TITLE_CUES: Final = ("自评表",)

#: A title must be short: a 填表说明 sentence that mentions the form is not a title.
TITLE_MAX_CHARS: Final = 60

# ---------------------------------------------------------------------------------------------
# Wording of qualitative 完成值 (docs/rules.md#ind_qual_band): which band the text claims
# ---------------------------------------------------------------------------------------------
#: Exact texts (label keys, trailing 。 removed) per band; "full" = 达成, "partial", "none" = 未达成.
QUAL_BAND_TEXTS: Final = MappingProxyType(
    {
        "full": frozenset(
            {
                "达成年度指标",
                "达成预期指标",
                "达成预期目标",
                "达成年度目标",
                "达成",
                "达到",
                "达标",
                "完成",
                "已完成",
                "全部完成",
                "圆满完成",
                "按时完成",
                "按期完成",
                "完成年度指标",
            }
        ),
        "partial": frozenset(
            {
                "部分达成年度指标并具有一定效果",
                "部分达成预期指标",
                "部分达成",
                "部分完成",
                "基本完成",
                "基本达成",
                "基本达到",
            }
        ),
        "none": frozenset(
            {"未达成年度指标且效果较差", "未达成预期指标", "未达成", "未完成", "未达到", "未达标"}
        ),
    }
)

#: Words with which a deviation note or an actual value admits a shortfall (FULL_MARKS_SHORTFALL).
SHORTFALL_WORDS: Final = (
    "未完成",
    "未能完成",
    "没有完成",
    "尚未完成",
    "未全部完成",
    "未达到",
    "未达成",
    "未达标",
    "未按期",
    "未按时",
    "滞后",
    "延期",
    "推迟",
    "延迟",
)

#: Template placeholders that a filled form should not keep (TEMPLATE_LEFTOVER).
PLACEHOLDER_MARKS: Final = ("**", "＊＊", "××", "XX", "xx", "XXX")

#: Deviation notes that state there is no deviation (a deduction needs a real reason).
NO_DEVIATION_TEXTS: Final = frozenset(
    {
        "",
        "无",
        "无偏差",
        "没有偏差",
        "无明显偏差",
        "未发生偏差",
        "不存在偏差",
        "暂无",
        "/",
        "—",
        "-",
        "——",
        "0",
    }
)
