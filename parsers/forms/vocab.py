"""Label lookups: printed label keys → canonical fields, using the vocabulary in ``schemas``.

The lookups are pure functions of the key, memoised (a batch sees the same labels again and again).

Each lookup tries the key as printed, then without a trailing parenthetical ("全年预算数(A)"),
then a few containment rules for labels the vocabulary does not list; it never looks at a
cell's position.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal

from parsers.forms.words import best_label
from parsers.numbers import parse_points
from parsers.text import split_paren_tail
from schemas.hierarchy import LEVEL1_ALIASES, LEVEL1_NAMES, LEVEL2_ALIASES, LEVEL2_PARENT
from schemas.labels import (
    FRAMEWORK_COLUMNS,
    FUND_COLUMNS,
    FUND_LINES,
    FUNDS_BLOCK_LABELS,
    GOAL_BLOCK_LABELS,
    GOAL_COLUMNS,
    GRADES,
    HEADER_FIELDS,
    INDICATOR_COLUMNS,
    MONITORING_COLUMNS,
    PROJECT_TITLE_CUES,
    SIBLING_TITLE_CUES,
    TITLE_MAX_CHARS,
    TOTAL_ROW_LABELS,
    TRAILER_LABELS,
)


def _lookup(table: Mapping[str, str], key: str) -> str | None:
    hit = table.get(key)
    if hit is None:
        base, _ = split_paren_tail(key)
        hit = table.get(base) if base != key else None
    return hit


@functools.lru_cache(maxsize=8192)
def header_field(key: str) -> str | None:
    return _lookup(HEADER_FIELDS, key)


@functools.lru_cache(maxsize=8192)
def fund_column(key: str) -> str | None:
    hit = _lookup(FUND_COLUMNS, key)
    if hit:
        return hit
    if "执行率" in key:
        return "rate"
    if key.startswith("得分"):
        return "score"
    if "年初" in key and "预算" in key:
        return "budget_initial"
    if key.endswith("执行数") or key.endswith("支出数"):
        return "executed"
    if key.endswith("预算数"):
        return "budget_full_year"
    return None


_SCORE_FORMULA_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)分\*?执行率")


def weight_in_label(key: str) -> Decimal | None:
    """Hubei prints the weight inside the score header: "得分(20分*执行率)" → 20."""
    m = _SCORE_FORMULA_WEIGHT.search(key)
    return parse_points(m.group(1)) if m else None


@functools.lru_cache(maxsize=8192)
def is_funds_block_label(key: str) -> bool:
    """The funds block's own label: 项目资金（万元）, 预算执行情况（万元）(20分), 项目资金执行情况 …
    (asked of every key of every row the funds reader and the block cutter look at: cached)"""
    base, _ = split_paren_tail(key)
    base, _ = split_paren_tail(base)  # 预算执行情况(万元)(20分)
    if key in FUNDS_BLOCK_LABELS or base in FUNDS_BLOCK_LABELS:
        return True
    return len(base) <= 12 and base.startswith(("项目资金", "预算执行情况", "资金执行情况", "资金使用情况"))


def fund_column_exact(key: str) -> str | None:
    """A funds column by its listed synonyms only (as printed, or without a trailing parenthetical)."""
    return _lookup(FUND_COLUMNS, key)


_QIZHONG = re.compile(r"^(?:其中|含)[:：]?")


@functools.lru_cache(maxsize=8192)
def fund_line(key: str) -> str | None:
    """Fund row label → total / fiscal / carryover / other."""
    k = _QIZHONG.sub("", key)
    hit = _lookup(FUND_LINES, k)
    if hit:
        return hit
    if "总额" in k or "总计" in k:
        return "total"
    if "结转" in k or "结余" in k:
        return "carryover"
    if "财政" in k and ("拨款" in k or k.endswith("资金")) and "专户" not in k:
        return "fiscal"
    if k.endswith("资金") and len(k) <= 12:
        return "other"
    return None


@functools.lru_cache(maxsize=8192)
def goal_column(key: str) -> str | None:
    return _lookup(GOAL_COLUMNS, key)


def is_goal_block_label(key: str) -> bool:
    return key in GOAL_BLOCK_LABELS


@functools.lru_cache(maxsize=8192)
def indicator_column(key: str) -> str | None:
    return _lookup(INDICATOR_COLUMNS, key)


@functools.lru_cache(maxsize=8192)
def is_framework_column(key: str) -> bool:
    return key in FRAMEWORK_COLUMNS or split_paren_tail(key)[0] in FRAMEWORK_COLUMNS


@functools.lru_cache(maxsize=8192)
def is_monitoring_column(key: str) -> bool:
    return key in MONITORING_COLUMNS or bool(re.match(r"^1-\d{1,2}月(?:执行|完成|实际|累计)", key))


def is_total_label(key: str) -> bool:
    return key in TOTAL_ROW_LABELS


def is_trailer_label(key: str) -> bool:
    return key in TRAILER_LABELS or split_paren_tail(key)[0] in TRAILER_LABELS


def grade(key: str) -> str | None:
    return GRADES.get(key)


_POINTS = re.compile(r"^(.*?)\(?(\d+(?:\.\d+)?)分\)?$")


def split_points(key: str) -> tuple[str, Decimal | None]:
    """ "产出指标(50分)" → ("产出指标", 50); "产出指标" → ("产出指标", None)."""
    m = _POINTS.match(key)
    if not m or not m.group(1):
        return key, None
    return m.group(1).rstrip("(:"), parse_points(m.group(2))


#: How a label was made canonical: listed in the vocabulary, matched by shared words (jieba), or not.
KNOWN, BY_TERMS, UNKNOWN = "known", "terms", "unknown"


@functools.lru_cache(maxsize=8192)
def canonical_level1(key: str) -> tuple[str | None, Decimal | None, str]:
    """(canonical name, declared points, how) of a printed level-1 label."""
    if not key:
        return None, None, KNOWN
    name, points = split_points(key)
    hit = LEVEL1_ALIASES.get(name)
    if hit:
        return hit, points, KNOWN
    guess = _by_terms(name, LEVEL1_NAMES)
    return (guess, points, BY_TERMS) if guess else (name, points, UNKNOWN)


@functools.lru_cache(maxsize=8192)
def canonical_level2(key: str) -> tuple[str | None, str]:
    """(canonical name, how) of a printed level-2 label."""
    if not key:
        return None, KNOWN
    name, _ = split_points(key)
    hit = LEVEL2_ALIASES.get(name)
    if hit:
        return hit, KNOWN
    if name in LEVEL2_PARENT:
        return name, KNOWN
    if name + "指标" in LEVEL2_PARENT:
        return name + "指标", KNOWN
    guess = _by_terms(name, tuple(LEVEL2_PARENT))
    return (guess, BY_TERMS) if guess else (name, UNKNOWN)


def _by_terms(name: str, candidates: tuple[str, ...]) -> str | None:
    """An unfamiliar label read as the canonical name it shares the most words with
    ("经济效益类指标" → 经济效益指标; "项目产出" → 产出指标). Segmentation is jieba's."""
    return best_label(name, candidates)


def level1_of_level2(level2: str | None) -> str | None:
    return LEVEL2_PARENT.get(level2) if level2 else None


_TITLE_NOISE = re.compile(r"^附件\d*[:.、]?|\(?(?:19|20)\d{2}年度?\)?|\((?:修改|修订|草稿)\)|[\d]{4}年度?")


@functools.lru_cache(maxsize=8192)
def title_kind(key: str) -> str | None:
    """ "form" for a 项目支出绩效自评表 title, a sibling's name for a sibling title, else None.

    A title is short and ends with 表 once the year and "附件N" are removed; a 填表说明 sentence
    that mentions the form does not end with 表.
    """
    if not key or len(key) > TITLE_MAX_CHARS:
        return None
    core = _TITLE_NOISE.sub("", key).strip("()")
    if not core.endswith("表") or _TABLE_NUMBER.match(core):
        return None
    for cue, kind in SIBLING_TITLE_CUES:
        if cue in core:
            return kind
    if any(cue in core for cue in PROJECT_TITLE_CUES) and "绩效" in core:
        return "form"
    return OTHER_TABLE if len(core) >= 5 else None


#: The kind of a titled table that is neither a project form nor a known sibling (决算 tables).
OTHER_TABLE = "其他表格"
# Table numbers printed next to titles in disclosures: "公开14表", "附表1", "表3".
_TABLE_NUMBER = re.compile(r"^(?:公开|附|绩评基)?表?[-\d]*表?$")
