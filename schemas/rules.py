"""Scoring rules and rule profiles, declared as data.

A ``Rule`` has an identity (pinned id), a severity, a tolerance and a Chinese message template;
its execution lives in ``pipeline.checks`` (one function per rule id). A ``Profile`` holds the
numbers that differ by province or era (RULES.md §7.3): the budget-execution weight, the level-1
split, the qualitative bands, the reverse-indicator formula, the overshoot threshold, the grades.

Formulas and their sources: RULES.md §2. Money tolerances are in 万元.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from schemas.hierarchy import BENEFIT, OUTPUT, SATISFACTION
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
        "full marks when met, else w×B/A; ≤/＜: the profile's reverse formula), RULES.md §2.3.",
    ),
    Rule(
        "IND_QUAL_BAND",
        "error",
        D("0"),
        "indicator",
        "定性指标得分不在档次区间内",
        "定性指标“{name}”完成情况为“{actual}”，属“{band}”档，得分应在{low}至{high}分之间，填报{score}分",
        "A qualitative indicator's score lies outside the band its 完成值 wording implies, RULES.md §2.4.",
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
        "deviation note, RULES.md §2.3 (2020 rule on targets set too low).",
    ),
    Rule(
        "GRADE_MISMATCH",
        "error",
        D("0"),
        "form",
        "自评等级与总分不符",
        "总分{total}分对应等级应为“{expected}”，填报为“{reported}”",
        "The printed grade (优/良/中/差) is not the band of the printed total, RULES.md §2.5.",
    ),
)

RULES_BY_ID: Final = MappingProxyType({r.id: r for r in RULES})
if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a declaration error, caught at import
    raise ValueError("duplicate rule id")

ReverseFormula = Literal["linear", "ratio"]


@dataclass(frozen=True, slots=True)
class QualBand:
    name: str
    low: Decimal  # inclusive, as a fraction of the weight
    high: Decimal  # inclusive only for the top band (1)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title_zh: str
    description: str
    total: Decimal
    exec_weight: Decimal
    #: Groups of level-1 names and the weight their indicators must add up to.
    level1_weights: tuple[tuple[tuple[str, ...], Decimal], ...]
    #: Qualitative bands: 达成 / 部分达成 / 未达成, as fractions of the weight.
    qual_bands: tuple[QualBand, QualBand, QualBand]
    reverse_formula: ReverseFormula
    overshoot_ratio: Decimal
    #: (lower bound inclusive, grade), highest first.
    grades: tuple[tuple[Decimal, str], ...]


_GRADES_2020 = ((D(90), "优"), (D(80), "良"), (D(60), "中"), (D(0), "差"))

NATIONAL: Final = Profile(
    name="national",
    title_zh="财预〔2020〕10号",
    description="National: execution 10, 产出50/效益30/满意度10, qualitative bands 80/60, reverse "
    "indicators scored linearly to zero at twice the target (the budget systems' rule), overshoot "
    "flagged at 120 %, grades 90/80/60.",
    total=D(100),
    exec_weight=D(10),
    level1_weights=(((OUTPUT,), D(50)), ((BENEFIT,), D(30)), ((SATISFACTION,), D(10))),
    qual_bands=(
        QualBand("达成年度指标", D("0.8"), D(1)),
        QualBand("部分达成年度指标", D("0.6"), D("0.8")),
        QualBand("未达成年度指标", D(0), D("0.6")),
    ),
    reverse_formula="linear",
    overshoot_ratio=D("1.2"),
    grades=_GRADES_2020,
)

HUBEI: Final = Profile(
    name="hubei",
    title_zh="湖北省项目支出绩效自评",
    description="Hubei: 预算执行情况 20, 产出 40 and 效益+满意度 40, qualitative bands 80/50 "
    "(older 备注 3), reverse indicators scored weight × A/B (备注 2).",
    total=D(100),
    exec_weight=D(20),
    level1_weights=(((OUTPUT,), D(40)), ((BENEFIT, SATISFACTION), D(40))),
    qual_bands=(
        QualBand("达成预期指标", D("0.8"), D(1)),
        QualBand("部分达成预期指标", D("0.5"), D("0.8")),
        QualBand("未达成预期指标", D(0), D("0.5")),
    ),
    reverse_formula="ratio",
    overshoot_ratio=D("1.2"),
    grades=_GRADES_2020,
)

GUANGXI: Final = Profile(
    name="guangxi",
    title_zh="广西项目支出绩效自评",
    description="Guangxi: the national split and bands; an overshoot needs a reason from 130 %.",
    total=D(100),
    exec_weight=D(10),
    level1_weights=NATIONAL.level1_weights,
    qual_bands=NATIONAL.qual_bands,
    reverse_formula="linear",
    overshoot_ratio=D("1.3"),
    grades=_GRADES_2020,
)

SICHUAN: Final = Profile(
    name="sichuan",
    title_zh="四川省部门预算项目支出绩效自评",
    description="Sichuan: 预算执行情况(10分) + 绩效指标(90分) split freely among the level-1 "
    "indicators; national bands and formulas otherwise.",
    total=D(100),
    exec_weight=D(10),
    level1_weights=(((OUTPUT, BENEFIT, SATISFACTION), D(90)),),
    qual_bands=NATIONAL.qual_bands,
    reverse_formula="linear",
    overshoot_ratio=D("1.2"),
    grades=_GRADES_2020,
)

PROFILES: Final = MappingProxyType({p.name: p for p in (NATIONAL, HUBEI, GUANGXI, SICHUAN)})
DEFAULT_PROFILE: Final = NATIONAL.name
