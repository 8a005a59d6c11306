"""Scoring rules, declared as data.

A ``Rule`` has an identity (pinned id), a severity, a tolerance and a Chinese message template;
its execution lives in ``pipeline.checks`` (one function per rule id). The numbers that differ
by province or era are in ``schemas.profiles``.

Every rule, its formula, tolerance and sources: docs/rules.md#rules. Money tolerances are in 万元.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from schemas.records import Severity

#: ``dataset``: a rule about forms together, computed when the dataset is committed (not by
#: ``pipeline.checks``, which sees one form at a time).
Scope = Literal["form", "fund", "indicator", "dataset"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    tolerance: Decimal
    scope: Scope
    title_zh: str
    message_zh: str
    description: str

    def message(self, **params: object) -> str:
        """The finding text: ``【ID】`` and the template filled with the numbers involved."""
        return f"【{self.id}】" + self.message_zh.format(tol=self.tolerance, **params)


D = Decimal

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "EXEC_RATE",
        "error",
        D("0.5"),
        "fund",
        "执行率计算错误",
        "{label}：填报执行率{reported}，按全年执行数{executed}÷全年预算数{budget}计算为{computed}，"
        "相差{diff}个百分点（容差{tol}个百分点）",
        "A fund line's stated rate differs from executed / budget_full_year by more than 0.5 "
        "percentage points.",
    ),
    Rule(
        "EXEC_SCORE",
        "error",
        D("0.1"),
        "fund",
        "预算执行得分高于计算值",
        "{label}：预算执行率得分填报{reported}分，按分值{weight}×执行率{rate}（不超过100%）计算应为"
        "{expected}分，高出{diff}分（容差{tol}分）",
        "On the line that carries the execution weight, the score is above weight × min(rate, 1) by "
        "more than 0.1 (scores must not be raised).",
    ),
    Rule(
        "EXEC_SCORE_UNDER",
        "warning",
        D("0.1"),
        "fund",
        "预算执行得分低于计算值",
        "{label}：预算执行率得分填报{reported}分，按分值{weight}×执行率{rate}计算应为{expected}分，"
        "低{diff}分（容差{tol}分）",
        "The execution score is below weight × min(rate, 1) by more than 0.1 (under-scoring).",
    ),
    Rule(
        "EXEC_SCORE_BLANK",
        "error",
        D("0"),
        "fund",
        "预算执行得分未填",
        "{label}：分值{weight}已填报，预算执行率得分为空",
        "The line that carries the execution weight has no score.",
    ),
    Rule(
        "SCORE_RANGE",
        "error",
        D("0"),
        "indicator",
        "得分超出分值范围",
        "指标“{name}”得分{score}超出0至分值{weight}的范围",
        "An indicator's score is below 0 or above its weight.",
    ),
    Rule(
        "WEIGHT_SUM",
        "error",
        D("0.01"),
        "form",
        "分值合计不等于100",
        "预算执行率分值{exec_weight}＋各项指标分值合计{indicator_weights}＝{total}，不等于{expected}",
        "Execution weight + Σ indicator weights ≠ 100 (± 0.01).",
    ),
    Rule(
        "TOTAL_SCORE",
        "error",
        D("0.1"),
        "form",
        "总分计算错误",
        "总分填报{reported}分，按预算执行率得分{exec_score}＋各项指标得分合计{indicator_scores}"
        "计算应为{expected}分，相差{diff}分（容差{tol}分）{blanks}",
        "The stated total differs from execution score + Σ indicator scores by more than 0.1 "
        "(blank scores are named, not counted as 0).",
    ),
    Rule(
        "TOTAL_BLANK",
        "error",
        D("0"),
        "form",
        "总分未填",
        "表单有{n}项指标，但总分为空",
        "A form with indicators prints no 总分.",
    ),
    Rule(
        "DEVIATION_MISSING",
        "error",
        D("0"),
        "indicator",
        "扣分未说明偏差原因",
        "指标“{name}”得分{score}低于分值{weight}，偏差原因{note}",
        "Score < weight and the deviation note is blank or says there is none (无偏差, 无, /, —).",
    ),
    Rule(
        "FUNDS_SUM",
        "error",
        D("0.01"),
        "fund",
        "资金合计不等于分项之和",
        "{column}：年度资金总额{total}{unit}，不等于各分项之和{parts_sum}{unit}（{parts}），相差{diff}{unit}",
        "For a money column, the total line ≠ the sum of the other lines (blanks = 0) by more than "
        "0.01 万元, where the total and at least one other line are filled.",
    ),
    Rule(
        "EXEC_OVER_BUDGET",
        "error",
        D("0.01"),
        "fund",
        "执行数超过预算数",
        "{label}：全年执行数{executed}{unit}超过全年预算数{budget}{unit}",
        "Executed > budget_full_year on a fund line (by more than 0.01 万元).",
    ),
    Rule(
        "LEVEL1_WEIGHT",
        "warning",
        D("0.01"),
        "form",
        "一级指标权重与标准不符",
        "{level1}分值合计{actual}，与{profile}规定的{expected}分不符",
        "A level-1 weight sum differs from the profile's split (national: 产出 50 / 效益 30 / "
        "满意度 10 / 预算执行 10).",
    ),
    Rule(
        "LEVEL1_MISSING",
        "error",
        D("0"),
        "form",
        "缺少一级指标",
        "未填报一级指标“{level1}”下的任何指标",
        "No indicator under one of 产出指标, 效益指标, 满意度指标.",
    ),
    Rule(
        "IND_QUANT_SCORE",
        "error",
        D("0.1"),
        "indicator",
        "定量指标得分与计分公式不符",
        "定量指标“{name}”（指标值{target}，完成值{actual}）按{formula}计分应为{expected}分，"
        "填报{score}分，相差{diff}分（容差{tol}分）",
        "A quantitative indicator's score differs from the formula for its operator (≥/＞ and =: "
        "full marks when met, else w×B/A; ≤/＜: the profile's reverse formula).",
    ),
    Rule(
        "IND_QUANT_UNDER",
        "warning",
        D("0.1"),
        "indicator",
        "定量指标得分低于计分公式",
        "定量指标“{name}”（指标值{target}，完成值{actual}）按{formula}计分应为{expected}分，"
        "填报{score}分，低{diff}分（已说明偏差原因：{note}）",
        "A quantitative score below its formula, with a deviation reason given (accepted by the "
        "budget systems; without a reason DEVIATION_MISSING reports it).",
    ),
    Rule(
        "IND_SCORE_BLANK",
        "error",
        D("0"),
        "indicator",
        "指标得分未填",
        "指标“{name}”分值{weight}，得分为空",
        "A weighted indicator without a score.",
    ),
    Rule(
        "IND_ACTUAL_BLANK",
        "error",
        D("0"),
        "indicator",
        "指标完成值未填",
        "指标“{name}”分值{weight}，实际完成值为空",
        "A weighted indicator without its actual value.",
    ),
    Rule(
        "IND_QUANT_TEXT",
        "error",
        D("0"),
        "indicator",
        "定量指标完成值未填数字",
        "定量指标“{name}”指标值为{target}，完成值只写了“{actual}”，没有数字",
        "A quantitative target answered in words only.",
    ),
    Rule(
        "IND_QUAL_BAND",
        "error",
        D("0"),
        "indicator",
        "定性指标得分不在档次区间内",
        "定性指标“{name}”完成情况为“{actual}”，属“{band}”档，得分应在{low}至{high}分之间，填报{score}分",
        "A qualitative indicator's score lies above the band its 完成值 wording implies.",
    ),
    Rule(
        "IND_QUAL_UNDER",
        "warning",
        D("0"),
        "indicator",
        "定性指标得分低于档次区间",
        "定性指标“{name}”完成情况为“{actual}”，属“{band}”档（{low}至{high}分），填报{score}分，低于该档",
        "A qualitative indicator's score lies below the band its 完成值 wording implies.",
    ),
    Rule(
        "FULL_MARKS_SHORTFALL",
        "error",
        D("0"),
        "indicator",
        "满分但自述未完成",
        "指标“{name}”得满分{score}分，但{where}写明“{words}”",
        "Full marks while the deviation note or the actual value admits a shortfall (未完成, 未达到, "
        "滞后 …).",
    ),
    Rule(
        "DEADLINE_LATE",
        "error",
        D("0"),
        "indicator",
        "完成时间晚于目标时间仍得满分",
        "时效指标“{name}”目标为{target}，实际为{actual}，晚于目标，仍得满分{score}分",
        "A deadline indicator whose actual date is later than its target date, scored in full.",
    ),
    Rule(
        "IND_OVERSHOOT",
        "warning",
        D("0"),
        "indicator",
        "超额完成未说明原因",
        "指标“{name}”完成值{actual}为指标值{target}的{ratio}（达到{threshold}以上），"
        "得满分{score}分但未分析偏差原因",
        "Actual ≥ the profile's overshoot threshold × target (120 % nationally), full marks, and no "
        "deviation note, docs/rules.md#ind_overshoot (2020 rule on targets set too low).",
    ),
    Rule(
        "GRADE_MISMATCH",
        "error",
        D("0"),
        "form",
        "自评等级与总分不符",
        "总分{total}分对应等级应为“{expected}”，填报为“{reported}”",
        "The printed grade (优/良/中/差) is not the band of the printed total.",
    ),
    Rule(
        "COST_VS_EXEC",
        "warning",
        D("0.01"),
        "indicator",
        "成本指标与执行数不符",
        "成本指标“{name}”完成值{actual}万元，与全年执行数{executed}万元不符（相差{diff}万元）",
        "A 成本指标 whose actual is money differs from the 全年执行数 (> 0.01 万元).",
    ),
    Rule(
        "EXEC_LOW_FULL_OUTPUT",
        "warning",
        D("0"),
        "form",
        "执行率偏低而产出指标全部满分",
        "预算执行率{rate}低于{threshold}，而{n}项产出指标全部得满分",
        "The execution rate is below the profile's threshold while every 产出 indicator has full marks.",
    ),
    Rule(
        "COST_MISSING",
        "warning",
        D("0"),
        "form",
        "缺少成本指标",
        "{year}年度表单未设成本指标（财预〔2021〕101号起产出指标含成本指标）",
        "No 成本指标 on a form of 2021 or later.",
    ),
    Rule(
        "WEIGHT_CONCENTRATION",
        "warning",
        D("0"),
        "indicator",
        "单项指标分值过高",
        "指标“{name}”分值{weight}分，超过总分的{share}",
        "One indicator carries more than the profile's share of the points.",
    ),
    Rule(
        "SATISFACTION_NO_RATE",
        "warning",
        D("0"),
        "indicator",
        "满意度指标未设比率",
        "满意度指标“{name}”的指标值为“{target}”，不是百分比",
        "A 满意度 indicator whose target is not a percentage.",
    ),
    Rule(
        "TEMPLATE_LEFTOVER",
        "warning",
        D("0"),
        "indicator",
        "保留模板占位内容",
        "指标“{name}”保留了模板占位内容“{text}”",
        "Template placeholders left in a filled row ((≥**人), 指标2：, ……).",
    ),
    Rule(
        "DUPLICATE_FORM",
        "warning",
        D("0"),
        "dataset",
        "重复报送",
        "{year}年度“{department}”的“{name}”已在{first}中报送（表单{first_id}），本表为重复报送，"
        "汇总时只计一次",
        "The same year, department and project name (normalised) as a form in another file that "
        "comes first (by path): the later one is linked to it (forms.duplicate_of).",
    ),
)

RULES_BY_ID: Final = MappingProxyType({r.id: r for r in RULES})
#: The rules ``pipeline.checks`` runs on one form (all but those about the dataset).
FORM_RULES: Final = tuple(r for r in RULES if r.scope != "dataset")
if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a declaration error, caught at import
    raise ValueError("duplicate rule id")

#: A finding's severity, in Chinese (one word everywhere: report, workbook, terminal).
SEVERITY_ZH: Final = MappingProxyType({"error": "错误", "warning": "提示"})
