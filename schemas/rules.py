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

Scope = Literal["form", "fund", "indicator"]


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
        "预算执行得分错误",
        "预算执行率得分填报{reported}分，按分值{weight}×执行率{rate}（不超过100%）计算应为{expected}分，"
        "相差{diff}分（容差{tol}分）",
        "The execution score differs from weight × min(rate_computed, 1) by more than 0.1.",
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
        "计算应为{expected}分，相差{diff}分（容差{tol}分）",
        "The stated total differs from execution score + Σ indicator scores by more than 0.1.",
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
        "IND_QUAL_BAND",
        "error",
        D("0"),
        "indicator",
        "定性指标得分不在档次区间内",
        "定性指标“{name}”完成情况为“{actual}”，属“{band}”档，得分应在{low}至{high}分之间，填报{score}分",
        "A qualitative indicator's score lies outside the band its 完成值 wording implies.",
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
)

RULES_BY_ID: Final = MappingProxyType({r.id: r for r in RULES})
if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a declaration error, caught at import
    raise ValueError("duplicate rule id")

#: A finding's severity, in Chinese (one word everywhere: report, workbook, terminal).
SEVERITY_ZH: Final = MappingProxyType({"error": "错误", "warning": "提示"})
