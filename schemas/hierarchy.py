"""The 一级/二级指标 hierarchy of the national template, as data.

Keys are *label keys*: NFKC-normalised, whitespace removed, ASCII parentheses (see
``parsers.text.label_key``). Sources: docs/rules.md#the-form and #template-variants-and-sibling-forms.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

OUTPUT: Final = "产出指标"
BENEFIT: Final = "效益指标"
SATISFACTION: Final = "满意度指标"

#: Level-1 names of the national template, in the order they appear on a form.
LEVEL1_NAMES: Final = (OUTPUT, BENEFIT, SATISFACTION)

#: Printed level-1 label (key) → canonical level-1 name.
LEVEL1_ALIASES: Final = MappingProxyType(
    {
        "产出指标": OUTPUT,
        "产出": OUTPUT,
        "项目产出指标": OUTPUT,
        "效益指标": BENEFIT,
        "效益": BENEFIT,
        "项目效益指标": BENEFIT,
        "满意度指标": SATISFACTION,
        "满意度": SATISFACTION,
        # The 2016 central notice names the level-1 block after its only level-2 indicator.
        "服务对象满意度指标": SATISFACTION,
        "服务对象满意度": SATISFACTION,
    }
)

#: Canonical level-2 name → its level-1 parent. The three 成本 splits are 财预〔2021〕101号 (2021+).
LEVEL2_PARENT: Final = MappingProxyType(
    {
        "数量指标": OUTPUT,
        "质量指标": OUTPUT,
        "时效指标": OUTPUT,
        "成本指标": OUTPUT,
        "经济成本指标": OUTPUT,
        "社会成本指标": OUTPUT,
        "生态环境成本指标": OUTPUT,
        "经济效益指标": BENEFIT,
        "社会效益指标": BENEFIT,
        "生态效益指标": BENEFIT,
        "可持续影响指标": BENEFIT,
        "服务对象满意度指标": SATISFACTION,
    }
)

#: Printed level-2 label (key) → canonical level-2 name, besides the canonical names themselves
#: and their forms without the trailing 指标 (both accepted by the matcher).
LEVEL2_ALIASES: Final = MappingProxyType(
    {
        # Chizhou 2022 (real-forms/001) prints 满意度指标 at level 2.
        "满意度指标": "服务对象满意度指标",
        "满意度": "服务对象满意度指标",
        # Yunnan 决算 公开14表 (real-forms/004) prints "服务对象满意度指标等".
        "服务对象满意度指标等": "服务对象满意度指标",
        "社会公众或服务对象满意度指标": "服务对象满意度指标",
        "生态环境成本": "生态环境成本指标",
        "生态成本指标": "生态环境成本指标",
        "可持续影响": "可持续影响指标",
        "可持续发展指标": "可持续影响指标",
    }
)

#: Level-3 names (once the template prefix "指标N：" is stripped) that mean the row is an unfilled
#: placeholder of the template: "指标2：" → "", "……", "指标1：无" → "无".
LEVEL3_PLACEHOLDER_TEXTS: Final = frozenset({"", "……", "…", "...", "......", "无", "略", "-", "—", "/"})
