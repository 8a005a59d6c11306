"""Template variants: which knobs a variant turns, drawn from a seed.

A ``Variant`` is a small record — the seed, the content's name and the knobs turned (name →
value) — so that a failure can be reported by knob. Everything the renderer does is decided by
the record and the seed: the same seed gives the same document on every machine.

Seed ranges (disjoint, so that what the reader is tuned on is not what it is measured on):

=================  ==============  ============================================================
range              used by         for
=================  ==============  ============================================================
0 – 47             fast slice      ``tests/generalize/test_generalization.py`` (``make test``)
1000 – 9999        development     tuning the reader (``python -m bench.generalize --dev``)
100000 – 100599    benchmark       ``make generalize`` / ``make bench``: held out, never tuned on
=================  ==============  ============================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.generalize.content import named

FAST_SEEDS = range(0, 48)
DEV_SEEDS = range(1000, 10000)
BENCH_SEEDS = range(100000, 100600)

# -------------------------------------------------------------------------------------------
# Column orders real templates use (value columns only; the level columns always lead)
# -------------------------------------------------------------------------------------------
IND_ORDERS: dict[str, tuple[str, ...]] = {
    "national": ("target", "actual", "weight", "score", "note"),
    "weight_first": ("weight", "target", "actual", "score", "note"),  # 四川: 权重 before the targets
    "weight_after_target": ("target", "weight", "actual", "score", "note"),
    "score_before_weight": ("target", "actual", "score", "weight", "note"),
    "score_before_actual": ("target", "weight", "score", "actual", "note"),
    "note_before_score": ("target", "actual", "weight", "note", "score"),
    "note_after_actual": ("target", "actual", "note", "weight", "score"),
}
FUND_ORDERS: dict[str, tuple[str, ...]] = {
    "national": ("initial", "full_year", "executed", "weight", "rate", "score"),
    "rate_before_weight": ("initial", "full_year", "executed", "rate", "weight", "score"),  # 四川
    "weight_first": ("weight", "initial", "full_year", "executed", "rate", "score"),
    "score_after_executed": ("initial", "full_year", "executed", "score", "rate", "weight"),
}

# -------------------------------------------------------------------------------------------
# Header wording: synonyms jixiao lists today (schemas/labels.py, copied here so that the
# documents do not change when the vocabulary grows) and compositions it does not list
# -------------------------------------------------------------------------------------------
IND_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # field: (listed synonyms, compositions not in the vocabulary)
    "l1": (("一级指标",), ("一级指标名称", "一级")),
    "l2": (("二级指标",), ("二级指标名称", "二级")),
    "l3": (("三级指标", "三级指标名称", "指标内容"), ("三级指标（具体指标）", "绩效指标名称")),
    "target": (
        ("年度指标值", "指标值", "年初目标值", "目标值", "年度目标值", "全年指标值", "预期指标值"),
        ("年度目标值（A）", "本年度指标值", "年初设定指标值", "计划目标值"),
    ),
    "actual": (
        ("实际完成值", "完成值", "全年实际值", "年终完成值", "实际值", "全年完成值"),
        ("本年度实际完成情况", "实际完成值（B）", "年度实际完成数值", "全年实际完成值"),
    ),
    "weight": (
        ("分值", "权重", "指标分值", "权重分值"),
        ("指标分值（分）", "分值（分）", "标准分值", "权重（%）"),
    ),
    "score": (("得分", "自评得分", "自评分", "实际得分"), ("自评得分（分）", "评价得分", "本项得分")),
    "note": (
        ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "原因分析及改进措施"),
        ("未完成原因及整改措施", "偏差原因及改进措施", "未达标原因说明", "存在问题及原因"),
    ),
}
FUND_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "initial": (("年初预算数", "年初预算", "年初预算金额"), ("年初批复预算数", "年初安排数")),
    "full_year": (("全年预算数", "调整后预算数", "预算数", "全年预算"), ("全年调整预算数", "本年度预算数")),
    "executed": (("全年执行数", "执行数", "预算执行数", "实际执行数"), ("全年实际支出数", "本年度执行数")),
    "weight": (("分值", "权重"), ("分值（分）", "执行率分值")),
    "rate": (("执行率", "预算执行率", "资金执行率"), ("预算执行率（%）", "资金使用率")),
    "score": (("得分", "自评得分"), ("执行率得分", "得分（分）")),
}
MONEY_LABELS = (("项目资金", "年度预算数", "项目资金情况"), ("预算资金", "项目资金执行情况"))
HEAD_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "project": (("项目名称",), ("项目名称（全称）", "项目全称")),
    "department": (("主管部门", "主管单位", "主管部门名称"), ("主管部门（单位）", "预算主管部门")),
    "unit": (
        ("实施单位", "项目实施单位", "实施单位（盖章）", "项目单位"),
        ("项目执行单位", "实施单位（部门）"),
    ),
}
GOAL_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "expected": (
        ("预期目标", "年初设定目标", "项目年度目标", "年度目标"),
        ("年初设定的年度目标", "绩效目标（年初）"),
    ),
    "actual": (
        ("实际完成情况", "年度总体目标完成情况", "年度目标完成情况", "全年实际完成情况"),
        ("年度总体目标完成情况综述", "本年度实际完成情况", "实际完成情况综述"),
    ),
}
GOAL_BLOCK_LABELS = ("年度总体目标", "总体目标", "年度绩效目标")
TOTAL_LABELS = (("总分", "合计", "总计", "自评总分"), ("总   分（100分）", "综合评分"))

# -------------------------------------------------------------------------------------------
# Extra columns: header, where it goes, what its cells hold
# -------------------------------------------------------------------------------------------
EXTRA_COLUMNS: dict[str, tuple[str, str, str]] = {
    "seq": ("序号", "before_l1", "numbers"),
    "remark_empty": ("备注", "end", "empty"),
    "remark_text": ("备注", "end", "text"),
    "explain": ("指标解释", "after_l3", "text"),
    "criteria": ("评分标准", "after_weight", "text"),
    "prev_year": ("上年完成值", "before_actual", "numbers"),
}

#: Every knob and the values it takes. ``pdf``, ``sheet`` (the form written as an .xlsx workbook:
#: ``tests/generalize/sheet.py``), ``hidden`` (a workbook with a hidden column and row of codes)
#: and ``xls`` (the workbook saved as Excel 97 by LibreOffice) are only drawn when the caller
#: allows them.
MEDIA = ("pdf", "sheet", "xls", "hidden")
KNOBS: dict[str, tuple[str, ...]] = {
    "ind_order": tuple(k for k in IND_ORDERS if k != "national"),
    "fund_order": tuple(k for k in FUND_ORDERS if k != "national"),
    "ind_labels": ("listed", "novel"),
    "fund_labels": ("listed", "novel"),
    "head_labels": ("listed", "novel"),
    "goal_layout": ("labels_on_top", "label_left", "label_left_no_block"),
    "goal_labels": ("listed", "novel"),
    "total_label": ("listed", "novel"),
    "traditional": ("on",),
    "extra_columns": tuple(EXTRA_COLUMNS),
    "ind_band": ("2_rows", "3_rows"),
    "fund_band": ("2_rows", "3_rows"),
    "fine_grid": ("on",),
    "stray_split": ("on",),
    "ragged": ("grid_after", "short_rows"),
    "per_block_columns": ("on",),
    "funds_after_indicators": ("on",),
    "fund_score_subline": ("on",),
    "no_initial": ("on",),
    "repeated_levels": ("on",),
    "split_tables": ("on",),
    "pdf": ("on",),
    "sheet": ("numbers", "computed", "text"),
    "xls": ("on",),
    "hidden": ("on",),
}


@dataclass(frozen=True, slots=True)
class Variant:
    seed: int
    content: str
    knobs: tuple[tuple[str, str], ...]

    def get(self, knob: str) -> str | None:
        return next((v for k, v in self.knobs if k == knob), None)

    def has(self, knob: str) -> bool:
        return self.get(knob) is not None

    def describe(self) -> str:
        return ", ".join(k if v == "on" else f"{k}={v}" for k, v in self.knobs) or "plain"


def _content_name(rng: random.Random, seed: int) -> str:
    names = sorted(named())
    return rng.choice(names) if rng.random() < 0.55 else f"synthetic-{seed}"


def draw(seed: int, *, pdf_share: float = 0.0, sheet_share: float = 0.0, xls_share: float = 0.0) -> Variant:
    """The variant of ``seed``: a content and one knob (40 %) or two to six knobs at once; then,
    with the given shares, printed to PDF or written as a workbook, and a share of the workbooks
    saved as .xls (the knobs drawn before are the same whatever the shares)."""
    rng = random.Random(f"variant-{seed}")
    content = _content_name(rng, seed)
    pool = [k for k in KNOBS if k not in MEDIA]
    n = 1 if rng.random() < 0.4 else rng.randint(2, 6)
    chosen = sorted(rng.sample(pool, n), key=list(KNOBS).index)
    knobs: list[tuple[str, str]] = []
    for k in chosen:
        if k == "extra_columns":
            picked = rng.sample(sorted(EXTRA_COLUMNS), rng.randint(1, 3))
            if "remark_empty" in picked and "remark_text" in picked:
                picked.remove("remark_empty")
            knobs.append((k, "+".join(sorted(picked))))
        else:
            knobs.append((k, rng.choice(KNOBS[k])))
    if rng.random() < pdf_share:
        # a fifth of the printed variants are the plain template printed: PDF reading alone
        knobs = [("pdf", "on")] if rng.random() < 0.2 else [*knobs, ("pdf", "on")]
    elif rng.random() < sheet_share:
        # likewise a fifth of the workbooks are the plain template: the spreadsheet reader alone
        sheet = ("sheet", rng.choice(KNOBS["sheet"]))
        knobs = [sheet] if rng.random() < 0.2 else [*knobs, sheet]
        if rng.random() < 0.3:
            knobs.append(("hidden", "on"))
        if rng.random() < xls_share:
            knobs.append(("xls", "on"))
    if any(k == "no_initial" for k, _ in knobs):
        content = f"{content}/no-initial"
    return Variant(seed, content, tuple(knobs))


def plain(content: str) -> Variant:
    """The content in the national template, no knob turned: what every variant is compared to."""
    return Variant(-1, content, ())
