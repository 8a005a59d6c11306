"""The only place where strings become numbers (and, in ``plain``/``percent``, numbers text).

Everything returns exact ``Decimal`` values or ``None``; nothing is rounded, nothing "corrected".
When a cell is not clearly a number the answer is ``None`` (or a ``Quantity`` of kind ``text``)
and the caller records a warning: never guess.

Input is printed text (``clean_text``); NFKC is applied here, so full-width digits, full-width
percent signs and Chinese commas used as thousands separators are read like their ASCII forms.
Value conventions: docs/rules.md#how-values-are-written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from parsers.text import simplified
from schemas.records import BLANK, Quantity

#: Cells that mean "nothing here" in a value column (docs/rules.md#how-values-are-written).
BLANK_TEXTS: Final = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "——",
        "–",
        "/",
        "\\",
        "无",
        "空",
        "……",
        "…",
        "...",
        "......",
        "、",
        "*",
        "×",
        "x",
        "X",
    }
)
#: More decimals than this in a value cannot be stored exactly (``schemas.tables.VALUE``).
MAX_DECIMALS: Final = 8
#: A number with more integer digits than this is an id or a code, not a quantity.
MAX_INTEGER_DIGITS: Final = 18

_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_NUM_RE = re.compile(rf"^(?:{_NUM})$")

# Operators, longest spelling first. Keys are after NFKC (＞ → >, ＝ → =, ﹦ → =).
_PREFIX_OPS: Final = (
    (">=", "≥"),
    ("=>", "≥"),
    ("≥", "≥"),
    ("≧", "≥"),
    ("⩾", "≥"),
    ("大于等于", "≥"),
    ("大于或等于", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("至少", "≥"),
    ("<=", "≤"),
    ("=<", "≤"),
    ("≤", "≤"),
    ("≦", "≤"),
    ("⩽", "≤"),
    ("小于等于", "≤"),
    ("小于或等于", "≤"),
    ("不超过", "≤"),
    ("不高于", "≤"),
    ("不大于", "≤"),
    ("不多于", "≤"),
    ("控制在", "≤"),
    ("==", "="),
    ("=", "="),
    ("═", "="),
    ("等于", "="),
    (">", ">"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("<", "<"),
    ("小于", "<"),
    ("低于", "<"),
)
_SUFFIX_OPS: Final = (
    ("及以上", "≥"),
    ("以上", "≥"),
    ("以内", "≤"),
    ("之内", "≤"),
    ("及以下", "≤"),
    ("以下", "≤"),
)
_QUALIFIERS: Final = (("大约", "约"), ("约", "约"), ("近", "约"), ("左右", "约"))
_PERCENT_UNITS: Final = frozenset({"%", "百分比", "百分点"})
_RANGE_SEP = r"(?:-|~|～|至|—|－|–|到)"
_RANGE_RE = re.compile(rf"^({_NUM})\s*([^\d\s.,-]{{0,6}}?)\s*{_RANGE_SEP}\s*({_NUM})\s*([^\d\s.,]{{0,6}})$")
# Dates: "2021年4月15日", "2023年12月前", "2021-04-15", "2021.4.15" (a year with 年, or all three
# parts). "1843.2万元" and "2022.5" are numbers (long_form_three_pages, seq 28).
_DATE_RE = re.compile(r"^(?:19|20)\d{2}\s*(?:年|[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2})")
# Words that make the tail of "12月底之前完成" a sentence, not a unit.
_NOT_UNIT = re.compile(r"完成|之前|以前|之后|以后|月底|年底|前|后|底|中旬|上旬|下旬|期间|左右|达到|实现|全部")
_UNIT_RE = re.compile(r"^[^\d\s,.:;，。：；()（）]{1,6}$")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


#: Values up to this length are compacted once per distinct text (asked twice of every value
#: parsed: ``is_blank``, then the parse); longer texts (notes) rarely recur and are not kept.
_CACHED_CHARS: Final = 64


def _compact(text: str) -> str:
    """The text to read a value from: NFKC, simplified characters (不低於 → 不低于), no spaces."""
    return _compact_short(text) if len(text) <= _CACHED_CHARS else _compacted(text)


@functools.lru_cache(maxsize=16384)
def _compact_short(text: str) -> str:
    return _compacted(text)


def _compacted(text: str) -> str:
    return "".join(simplified(nfkc(text)).split())


def is_blank(text: str | None) -> bool:
    """True for an empty cell or a dash/slash/"无" placeholder."""
    return text is None or _compact(text) in BLANK_TEXTS


def _to_decimal(num: str) -> Decimal | None:
    try:
        d = Decimal(num.replace(",", ""))
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    _, digits, exp = d.as_tuple()
    if not isinstance(exp, int) or exp < -MAX_DECIMALS or len(digits) + exp > MAX_INTEGER_DIGITS:
        return None
    return d


def parse_decimal(text: str | None, *, allow_units: tuple[str, ...] = ()) -> Decimal | None:
    """A plain number ("10", "9.5", "１０", "1,009.86"), optionally followed by one of ``allow_units``.

    Blank cells and anything else → None.
    """
    if is_blank(text):
        return None
    assert text is not None
    s = _compact(text)
    for unit in sorted(allow_units, key=len, reverse=True):
        if unit and s.endswith(unit) and len(s) > len(unit):
            s = s[: -len(unit)]
            break
    if not _NUM_RE.match(s):
        return None
    return _to_decimal(s)


def parse_points(text: str | None) -> Decimal | None:
    """A weight or score: "10", "10分", "8.5". (A few templates print weights as "10%".)"""
    return parse_decimal(text, allow_units=("分", "%"))


#: 1 元 = 0.0001 万元, exactly.
_YUAN_TO_WAN = Decimal(1).scaleb(-4)


def money_unit_of(text: str | None) -> str | None:
    """The money unit a label declares: "项目资金（万元）" → 万元, "（元）" → 元, else None."""
    if not text:
        return None
    s = _compact(text)
    if "万元" in s:
        return "万元"
    if re.search(r"(?:^|[(:/单位])元(?:$|[)])", s):
        return "元"
    return None


def to_wan(value: Decimal, unit: str) -> Decimal:
    """A money amount in 万元 (exact)."""
    if unit == "元":
        return value * _YUAN_TO_WAN
    if unit == "万元":
        return value
    raise ValueError(f"unknown money unit {unit!r}")


def parse_money(text: str | None, unit: str) -> Decimal | None:
    """A money cell in 万元. ``unit`` is the form's unit; a unit printed in the cell overrides it."""
    if is_blank(text):
        return None
    assert text is not None
    s = _compact(text)
    cell_unit = unit
    if s.endswith("万元"):
        s, cell_unit = s[:-2], "万元"
    elif s.endswith("元"):
        s, cell_unit = s[:-1], "元"
    if not _NUM_RE.match(s):
        return None
    d = _to_decimal(s)
    return None if d is None else to_wan(d, cell_unit)


def parse_rate(text: str | None) -> Decimal | None:
    """An execution rate as a ratio: "94%" → 0.94, "94.05％" → 0.9405, "100" → 1 (percent points).

    A bare number between 0 and 1.5 is ambiguous (a ratio, or a percent below 1.5?) → None.
    """
    if is_blank(text):
        return None
    assert text is not None
    s = _compact(text)
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if not _NUM_RE.match(s):
        return None
    d = _to_decimal(s)
    if d is None:
        return None
    if not percent and 0 < d <= Decimal("1.5"):
        return None
    return d.scaleb(-2)


def parse_year(text: str | None) -> int | None:
    """The year of "（ 2021 年度）", "2021年度项目支出绩效自评表", "2019年度)"."""
    if not text:
        return None
    m = _YEAR_RE.search(_compact(text))
    return int(m.group(1)) if m else None


def _unit(raw: str) -> str | None:
    if not raw:
        return None
    return "%" if raw in _PERCENT_UNITS else raw


def _strip_op(s: str) -> tuple[str | None, str]:
    for spelling, op in _PREFIX_OPS:
        if s.startswith(spelling):
            return op, s[len(spelling) :]
    return None, s


@functools.lru_cache(maxsize=16384)
def parse_quantity(text: str | None) -> Quantity:
    """A target or actual value: operator, qualifier, number (or range), unit; else text or blank.

    ``≥50个`` → (≥, 50, 个); ``98%以上`` → (≥, 98, %); ``≥100百分比`` → (≥, 100, %);
    ``1-12月`` → range 1..12 月; ``约12000平方米`` → (None, 12000, 平方米, 约);
    ``既定提升目标`` / ``2021年12月完成`` → text; ``—`` / ``/`` / ``""`` → blank.
    """
    if is_blank(text):
        return BLANK
    assert text is not None
    s = _compact(text)
    if _DATE_RE.match(s):
        return Quantity("text")
    qualifier = None
    for spelling, q in _QUALIFIERS:
        if s.startswith(spelling):
            s, qualifier = s[len(spelling) :], q
            break
    op, s = _strip_op(s)
    if qualifier is None:
        for spelling, q in _QUALIFIERS:
            if s.startswith(spelling):
                s, qualifier = s[len(spelling) :], q
                break
    for spelling, q in _QUALIFIERS:
        if s.endswith(spelling) and len(s) > len(spelling):
            s, qualifier = s[: -len(spelling)], q
            break
    for spelling, suffix_op in _SUFFIX_OPS:
        if s.endswith(spelling) and len(s) > len(spelling):
            if op is not None and op != suffix_op:
                return Quantity("text")
            s, op = s[: -len(spelling)], suffix_op
            break

    m = re.match(rf"^({_NUM})(.*)$", s)
    if m:
        value = _to_decimal(m.group(1))
        rest = m.group(2)
        if value is not None and (rest == "" or (_UNIT_RE.match(rest) and not _NOT_UNIT.search(rest))):
            return Quantity("number", op, value, None, _unit(rest), qualifier)
    r = _RANGE_RE.match(s)
    if r and op is None:
        lo, hi = _to_decimal(r.group(1)), _to_decimal(r.group(3))
        unit1, unit2 = r.group(2), r.group(4)
        unit = unit2 or unit1
        if (
            lo is not None
            and hi is not None
            and lo <= hi
            and (not unit1 or not unit2 or unit1 == unit2)
            and (not unit or (_UNIT_RE.match(unit) and not _NOT_UNIT.search(unit)))
        ):
            return Quantity("range", None, lo, hi, _unit(unit), qualifier)
    return Quantity("text")


_DATE_YMD = re.compile(r"((?:19|20)\d{2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{1,2}))?")
_DATE_CN = re.compile(r"(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")


def parse_date(text: str | None) -> tuple[int | None, int, int | None] | None:
    """(year, month, day) of the first date in a text: "2022年12月底前" → (2022, 12, None),
    "12月底之前完成" → (None, 12, None), "2021-04-15" → (2021, 4, 15); None without one."""
    if is_blank(text):
        return None
    assert text is not None
    s = _compact(text)
    m = _DATE_CN.search(s) or _DATE_YMD.search(s)
    if m is None:
        return None
    year = int(m.group(1)) if m.group(1) else None
    month = int(m.group(2))
    day = int(m.group(3)) if m.group(3) else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return year, month, day


def plain(value: Decimal, places: int | None = None) -> str:
    """A number as people write it: no exponent, no trailing zeros ("95", "9.41", "0.000001");
    rounded half-up to ``places`` when given (derived values; printed ones are shown as is)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(ratio: Decimal, places: int = 2) -> str:
    """A ratio as a percentage: 0.940507 → "94.05%"."""
    return plain(ratio * 100, places) + "%"


_NATURE_WORDS: Final = {"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤"}


def parse_operator(text: str | None) -> str | None:
    """The operator printed in a 指标性质/计算符号 column: "≧" → ≥, "═" → =, "反向指标" → ≤.

    "定性" and anything else that is not an operator → None.
    """
    if is_blank(text):
        return None
    assert text is not None
    s = _compact(text)
    if s in _NATURE_WORDS:
        return _NATURE_WORDS[s]
    op, rest = _strip_op(s)
    return op if op is not None and rest == "" else None
