"""Column labels by meaning, not by list: what a header cell names, when its exact wording is not
in the vocabulary.

Each lookup tries, in order: the exact synonyms of ``schemas.labels`` (the strong signal, via
``vocab``); the key words that carry the meaning whatever surrounds them (a header containing 原因
is the deviation note; 完成值 / 实际值 / 实际完成 → actual; 指标值 / 目标值 → target; 分值 / 权重 →
weight; 得分 → score; 执行数 → executed; 预算数 → budget …); then jieba word overlap with the
synonyms. Columns that are understood but not read (序号, 备注, 评分标准 …) are ``EXTRA``: their
cells are accounted for as notes. A label that matches nothing is ``None``: the caller keeps it,
reports it, and accounts for its cells.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from parsers.forms import vocab
from parsers.forms.words import terms_of
from parsers.text import label_key, split_paren_tail
from schemas.labels import GOAL_COLUMNS, INDICATOR_COLUMNS

#: A column that is understood and deliberately not read (its cells are notes, not values).
EXTRA: Final = "extra"

#: Key words of columns that forms carry beside the fields jixiao reads: row numbers, remarks,
#: scoring standards, explanations, the finance bureau's review score
#: (docs/rules.md#template-variants-and-sibling-forms).
_EXTRA_WORDS: Final = (
    "序号",
    "编号",
    "备注",
    "评分标准",
    "扣分标准",
    "评(扣)分标准",
    "评分细则",
    "计分方法",
    "评分方法",
    "评分规则",
    "指标解释",
    "指标说明",
    "说明",
    "复核",
    "审核",
    "核定",
    "佐证",
    "证明材料",
    "数据来源",
)

# A pure qualifier printed under a label: "（A）", "(B)", "B/A", "A×10".
_QUALIFIER = re.compile(r"^\(?[A-Za-z](?:[/×*÷][A-Za-z0-9]+)?\)?$")


#: Key words of a column of someone else's numbers: the finance bureau's 复核分 / 审核评分.
_REVIEWER_WORDS: Final = ("复核", "审核", "核定", "财政评分", "评审")


def holds_others_numbers(label: str) -> bool:
    """An understood column whose numbers are another reviewer's (复核分, 财政审核评分): not read,
    and a form that prints them is reviewed by a person (they may contradict the 自评)."""
    key = label_key(label)
    return any(w in key for w in _REVIEWER_WORDS)


def is_qualifier(key: str) -> bool:
    """A sub-label that only letters its parent column: （A）, （B）, B/A."""
    return bool(key) and bool(_QUALIFIER.match(key))


def _is_extra(key: str) -> bool:
    return any(w in key for w in _EXTRA_WORDS)


#: Longest header label classified by key words (a longer text is a value or a sentence).
MAX_LABEL = 16


def _plausible(base: str) -> bool:
    """Whether a text can be a column header at all: short, no digits."""
    return 0 < len(base) <= MAX_LABEL and not any(ch.isdigit() for ch in base)


@functools.cache
def _indicator_synonym_words() -> tuple[tuple[frozenset[str], str], ...]:
    """The words (jieba) of each indicator-column synonym, tokenised once."""
    return tuple((frozenset(terms_of(s)), s) for s in INDICATOR_COLUMNS)


def _by_words(key: str) -> str | None:
    """The indicator-table field of the synonym sharing at least two words with ``key`` (jieba),
    when one synonym shares more than any other."""
    words = set(terms_of(key))
    if len(words) < 2:
        return None
    scored = sorted(((len(words & synonym), s) for synonym, s in _indicator_synonym_words()), reverse=True)
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return INDICATOR_COLUMNS[scored[0][1]]


@functools.lru_cache(maxsize=8192)
def indicator_field(key: str) -> str | None:
    """The indicator-table field a header names (``level1`` … ``deviation``), ``EXTRA``, or None."""
    if not key or len(key) > 2 * MAX_LABEL:
        return None
    exact = vocab.indicator_column(key)
    if exact is not None:
        return exact
    base, _ = split_paren_tail(key)
    if not _plausible(base):
        return None
    if "原因" in base or "偏差" in base or "改进措施" in base or "整改" in base:
        return "deviation"
    if "指标值说明" in base:
        return "target_note"
    if _is_extra(base) or base.startswith(("上年", "去年", "往年", "前一年", "上一年")):
        return EXTRA  # prior-year values are kept beside this year's, not read as them
    for word, field in (("一级", "level1"), ("二级", "level2"), ("三级", "level3")):
        if word in base:
            return field
    if base in ("指标名称", "绩效指标名称", "指标内容", "具体指标", "指标"):
        return "level3"
    if "性质" in base or "符号" in base or "方向" in base:
        return "nature"
    if base.endswith("单位") and len(base) <= 6:
        return "unit"
    if "得分" in base or "评分" in base or base.endswith(("自评", "分数")):
        return "score"
    if "分值" in base or "权重" in base or "满分" in base or "标准分" in base:
        return "weight"
    if ("完成" in base or "实际" in base or "年终" in base or "实绩" in base) and "目标" not in base.replace(
        "目标完成", ""
    ):
        return "actual"
    if "指标值" in base or "目标" in base or "计划值" in base or "计划数" in base or "预期" in base:
        return "target"
    return _by_words(base)


@functools.lru_cache(maxsize=8192)
def fund_field(key: str) -> str | None:
    """The funds-block column a header names (``budget_initial`` … ``score``), ``EXTRA``, or None."""
    if not key or len(key) > 2 * MAX_LABEL:
        return None
    exact = vocab.fund_column_exact(key)
    if exact is not None:
        return exact
    if vocab.is_funds_block_label(key):
        return None  # the block's own label, not a column
    if vocab.weight_in_label(key) is not None:
        return "score"  # 得分(20分*执行率)
    base, _ = split_paren_tail(key)
    if not _plausible(base):
        return None
    if "原因" in base or _is_extra(base):
        return EXTRA
    if "得分" in base or base.endswith("评分"):
        return "score"
    if "分值" in base or "权重" in base:
        return "weight"
    if any(w in base for w in ("执行率", "使用率", "支出率", "完成率", "执行进度")):
        return "rate"
    if "年初" in base:
        return "budget_initial"
    if any(w in base for w in ("执行数", "支出数", "执行金额", "执行额", "实际支出", "实际执行", "决算数")):
        return "executed"
    if base.endswith(("执行", "支出")):
        return "executed"
    if any(
        w in base for w in ("预算数", "预算金额", "预算额", "调整后", "预算资金", "全年预算")
    ) or base.endswith("预算"):
        return "budget_full_year"
    return None


@functools.lru_cache(maxsize=8192)
def goal_field(key: str) -> str | None:
    """``expected`` or ``actual`` for a goal-block label, else None."""
    if not key:
        return None
    exact = vocab.goal_column(key)
    if exact is not None:
        return exact
    if vocab.is_goal_block_label(key):
        return None  # the block's own label (年度总体目标), not one of its fields
    base, _ = split_paren_tail(key)
    if len(base) > 20:
        return None  # a sentence, not a label
    if "完成情况" in base or "实际完成" in base or "完成综述" in base or base.endswith("完成情况综述"):
        return "actual"
    if "目标" in base and "完成" not in base and "指标" not in base:
        return "expected"
    return None


@functools.lru_cache(maxsize=8192)
def header_field(key: str) -> str | None:
    """``project_name`` / ``department`` / ``implementing_unit`` for a header label, else None."""
    if not key:
        return None
    exact = vocab.header_field(key)
    if exact is not None:
        return exact
    base, _ = split_paren_tail(key)
    if len(base) > 12:
        return None
    if "项目" in base and ("名称" in base or "全称" in base) and len(base) <= 8:
        return "project_name"
    if "主管部门" in base or "主管单位" in base:
        return "department"
    if base.endswith(("实施单位", "执行单位", "承担单位", "项目单位", "填报单位")) and len(base) <= 10:
        return "implementing_unit"
    return None


_TOTAL_WORDS: Final = (
    "综合评分",
    "综合得分",
    "总得分",
    "得分合计",
    "合计得分",
    "自评总分",
    "评价总分",
    "总计",
)


@functools.lru_cache(maxsize=8192)
def is_total_label(key: str) -> bool:
    """The label of the 总分 row, also worded otherwise: 总 分（100分）, 综合评分, 自评得分合计."""
    if not key or len(key) > MAX_LABEL:
        return False
    if vocab.is_total_label(key):
        return True
    base, _ = vocab.split_points(key)
    base = base.rstrip("(（")
    return (
        vocab.is_total_label(base) or base.startswith("总分") or base.endswith("总分") or base in _TOTAL_WORDS
    )


def goal_labels(key: str) -> bool:
    """Whether the key is a goal label or the goal block's own label (年度总体目标)."""
    return goal_field(key) is not None or vocab.is_goal_block_label(key)


GOAL_FIELDS: Final = frozenset(GOAL_COLUMNS.values())
