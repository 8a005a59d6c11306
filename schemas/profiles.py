"""Rule profiles: the numbers that differ by province or era, declared as data.

A ``Profile`` holds the budget-execution weight, the level-1 split, the qualitative bands, the
reverse-indicator formula, the overshoot threshold and the grades. Each profile and the sources
of its numbers: docs/rules.md#profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from schemas.hierarchy import BENEFIT, OUTPUT, SATISFACTION

D = Decimal

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
    #: An execution rate below this needs explaining (Sichuan's note: 90 %); EXEC_LOW_FULL_OUTPUT.
    exec_threshold: Decimal = Decimal("0.9")
    #: Most of the total one indicator should carry (WEIGHT_CONCENTRATION; jixiao's choice).
    max_indicator_share: Decimal = Decimal("0.3")
    #: Forms of this year or later must carry a 成本指标 (财预〔2021〕101号; COST_MISSING).
    cost_required_from: int = 2021


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
#: ``--profile auto`` (the default): each form is judged under the profile of the template it was
#: recognised as (``TEMPLATE_PROFILES``), the national one when the template is not provincial.
AUTO: Final = "auto"
DEFAULT_PROFILE: Final = AUTO
#: Template (``forms.template``, recognised from printed labels) → the profile it is judged under.
TEMPLATE_PROFILES: Final = MappingProxyType(
    {"national": NATIONAL.name, "hubei": HUBEI.name, "sichuan": SICHUAN.name, "yunnan": NATIONAL.name}
)


def profile_for(template: str | None, forced: str | Profile) -> Profile:
    """The profile a form is judged under: the forced one (a profile or its name), or, with
    ``auto``, its template's."""
    if isinstance(forced, Profile):
        return forced
    if forced != AUTO:
        return PROFILES[forced]
    return PROFILES[TEMPLATE_PROFILES.get(template or "national", NATIONAL.name)]
