"""Spreadsheet number formats: a stored value and its format code → the text the cell displays.

Excel (and WPS, and LibreOffice writing .xlsx/.xls) stores numbers and a format code per cell; what
a submitter sees and prints is the number *with the code applied*: 0.94 under ``0%`` is "94%",
1009.856 under ``0.00`` is "1009.86", 45260 under ``yyyy"年"m"月"d"日"`` is "2023年11月30日". No
well-kept Python library renders format codes (openpyxl and xlrd expose the code, python-calamine
neither), so this module does, for what budget forms use: digit placeholders (``0 # ?``),
thousands separators, scaling commas, percent, scientific notation, sections (positive; negative;
zero; text) and conditions, literals (``"元"``, ``\\-``, ``_)``, ``*``), currency locales
(``[$¥-804]``), Chinese Excel's ``G/通用格式``, dates and times (``yyyy m d h mm ss``, ``aaaa``,
``上午/下午``, elapsed ``[h]``). Rounding is Excel's: half away from zero on the value's
15-significant-digit decimal form.

A code it does not understand (fractions, ``[DBNum1]`` Chinese numerals, digits interleaved with
literals) is reported (``Rendered.understood`` False) and the value shown as General: the caller
warns, so an odd display is never silent.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Final

#: Built-in format ids (ECMA-376 Part 1, 18.8.30): a cell may name one without the file spelling
#: it out. Ids 14 and 27–36, 50–58 as Chinese (zh-CN) Excel and WPS display them.
BUILTIN: Final = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"¥"#,##0_);("¥"#,##0)',
    6: '"¥"#,##0_);[Red]("¥"#,##0)',
    7: '"¥"#,##0.00_);("¥"#,##0.00)',
    8: '"¥"#,##0.00_);[Red]("¥"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "yyyy/m/d",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)',
    42: '_("¥"* #,##0_);_("¥"* (#,##0);_("¥"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)',
    44: '_("¥"* #,##0.00_);_("¥"* (#,##0.00);_("¥"* "-"??_);_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mm:ss.0",
    48: "##0.0E+0",
    49: "@",
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_WEEKDAYS_ZH: Final = "一二三四五六日"
_MONTHS_EN: Final = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_DAYS_EN: Final = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
#: Windows "system" date and time formats ([$-F800], [$-F400]), as zh-CN shows them.
_SYSTEM_FORMATS: Final = {"F800": 'yyyy"年"m"月"d"日"', "F400": "h:mm:ss"}


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    #: False when the format code was not understood (the value is shown as General).
    understood: bool = True
    #: True when the display drops digits the cell holds (1009.856 shown as "1009.86").
    rounded: bool = False


# ------------------------------------------------------------------------------------------------
# Tokenising a format code
# ------------------------------------------------------------------------------------------------
_TOKEN: Final = re.compile(
    r'"(?P<quoted>[^"]*)"?'
    r"|\\(?P<escaped>.)"
    r"|_(?P<pad>.)"
    r"|\*(?P<fill>.)"
    r"|\[(?P<bracket>[^\]]*)\]"
    r"|(?P<general>General|G/通用格式)"
    r"|(?P<ampm>AM/PM|A/P|上午/下午)"
    r"|(?P<date>[yY]+|[mM]+|[dD]+|[hH]+|[sS]+|[eE](?![+-])|[aA]{3,4}|[bB]{2,4})"
    r"|(?P<exp>[eE][+-])"
    r"|(?P<other>.)",
    re.DOTALL | re.IGNORECASE,
)
_CONDITION: Final = re.compile(r"^(<=|>=|<>|<|>|=)\s*(-?[\d.]+(?:[eE][+-]?\d+)?)$")


@dataclass(frozen=True, slots=True)
class _Section:
    tokens: tuple[tuple[str, str], ...]
    condition: tuple[str, Decimal] | None
    is_date: bool
    is_text: bool  # holds "@"
    is_general: bool
    #: what the code cannot render (fractions, Chinese numerals, …); None when renderable
    unsupported: str | None


def _split_sections(code: str) -> list[str]:
    out, buf, quoted, i = [], [], False, 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and not quoted and i + 1 < len(code):
            buf.append(code[i : i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append("".join(buf))
            buf = []
            i += 1
            continue
        buf.append(ch)
        i += 1
    out.append("".join(buf))
    return out


def _section(text: str) -> _Section:
    tokens: list[tuple[str, str]] = []
    condition = None
    unsupported = None
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        value = m.group(kind) or ""
        if kind == "bracket":
            cond = _CONDITION.match(value.strip())
            if cond:
                condition = (cond.group(1), Decimal(cond.group(2)))
                continue
            lower = value.lower()
            if lower in ("h", "hh", "m", "mm", "s", "ss"):
                tokens.append(("elapsed", lower))
            elif value.startswith("$"):  # [$¥-804]: a currency symbol and/or a locale
                symbol, _, locale = value[1:].partition("-")
                if symbol:
                    tokens.append(("literal", symbol))
                if locale.upper() in _SYSTEM_FORMATS:
                    return _section(_SYSTEM_FORMATS[locale.upper()])
            elif lower.startswith("dbnum"):
                unsupported = f"[{value}] (Chinese numerals)"
            # colours ([Red], [Color10]) change nothing in the text
            continue
        if kind == "other" and value in "/" and any(t[0] == "digit" for t in tokens):
            unsupported = "a fraction"
        if kind == "other" and value in "0#?":
            kind = "digit"
        elif kind == "other" and value in ".,%@":
            kind = value
        elif kind in ("quoted", "escaped", "other"):
            kind = "literal"
        elif kind == "pad":
            kind, value = "literal", " "
        elif kind == "fill":
            continue
        tokens.append((kind, value))
    kinds = {k for k, _ in tokens}
    is_date = bool(kinds & {"date", "ampm", "elapsed"})
    return _Section(
        tuple(tokens), condition, is_date, "@" in kinds, "general" in kinds and not is_date, unsupported
    )


@lru_cache(maxsize=4096)
def _parse(code: str) -> tuple[_Section, ...]:
    return tuple(_section(s) for s in _split_sections(code))


def is_date_format(code: str) -> bool:
    """Whether the code shows a number as a date or time (its first section does)."""
    sections = _parse(code)
    return bool(sections) and sections[0].is_date


# ------------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------------
def _decimal(value: float) -> Decimal:
    """The value as Excel keeps it for display: 15 significant digits."""
    return Decimal(f"{value:.15g}")


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def general(value: float) -> str:
    """Excel's General format: integers as integers, up to 11 digits, else scientific."""
    if value == 0:
        return "0"
    d = _decimal(abs(value))
    sign = "-" if value < 0 else ""
    if d >= Decimal("1e11") or d < Decimal("1e-9"):
        mantissa, _, exponent = f"{d:.5E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        exp = int(exponent)
        return f"{sign}{mantissa}E{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    int_digits = len(str(int(d))) if d >= 1 else 1
    text = f"{_round(d, max(0, 10 - int_digits)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sign + (text or "0")


def _choose(sections: tuple[_Section, ...], value: float) -> tuple[_Section, bool]:
    """The section that shows ``value``, and whether a minus sign must be added."""
    conditional = [s for s in sections if s.condition is not None]
    if conditional:
        for s in sections:
            if s.condition is not None and _holds(s.condition, value):
                return s, False
        rest = [s for s in sections if s.condition is None and not s.is_text]
        chosen = rest[0] if rest else sections[-1]
        return chosen, value < 0
    numeric = [s for s in sections if not (s.is_text and not any(k == "digit" for k, _ in s.tokens))]
    numeric = numeric or list(sections)
    if value < 0 and len(numeric) >= 2:
        return numeric[1], False
    if value == 0 and len(numeric) >= 3:
        return numeric[2], False
    return numeric[0], value < 0


def _holds(condition: tuple[str, Decimal], value: float) -> bool:
    op, bound = condition
    v = _decimal(value)
    return {
        "<": v < bound,
        ">": v > bound,
        "=": v == bound,
        "<=": v <= bound,
        ">=": v >= bound,
        "<>": v != bound,
    }[op]


def _render_number(section: _Section, value: float, minus: bool) -> Rendered | None:
    tokens = section.tokens
    digit_at = [i for i, (k, _) in enumerate(tokens) if k == "digit"]
    if section.is_general:
        text = "".join(general(abs(value)) if k == "general" else _literal(k, v) for k, v in tokens)
        return Rendered(("-" if minus else "") + text)
    if not digit_at:  # only literals ("-" for zero in accounting formats, or text)
        text = "".join(_literal(k, v) for k, v in tokens)
        return Rendered(("-" if minus and value != 0 else "") + text, rounded=value != 0)
    first, last = digit_at[0], digit_at[-1]
    core = tokens[first : last + 1]
    # the scaling commas and percent signs right after the last digit belong to the number
    tail = last + 1
    while tail < len(tokens) and tokens[tail][0] == ",":
        tail += 1
    core = tokens[first:tail]
    if any(k not in ("digit", ".", ",", "exp") for k, _ in core):
        return None  # digits interleaved with literals ("000-0000"): not rendered here
    percent = sum(1 for k, _ in tokens if k == "%")
    number = _decimal(abs(value)) * (Decimal(100) ** percent)
    pattern = "".join(v for _, v in core)
    if any(k == "exp" for k, _ in core):
        body = _scientific(number, pattern)
        rounded = False
    else:
        body, rounded = _fixed(number, pattern)
    prefix = "".join(_literal(k, v) for k, v in tokens[:first])
    suffix = "".join(_literal(k, v) for k, v in tokens[tail:])
    sign = "-" if minus and body.strip("0.,") else ""
    return Rendered(f"{sign}{prefix}{body}{suffix}", rounded=rounded)


def _literal(kind: str, value: str) -> str:
    if kind in ("literal", "%", ".", ","):
        return value
    return ""


def _fixed(number: Decimal, pattern: str) -> tuple[str, bool]:
    int_part, point, frac_part = pattern.partition(".")
    scale_commas = len(int_part) - len(int_part.rstrip(","))
    int_part = int_part.rstrip(",")
    frac_part = frac_part.replace(",", "")
    number = number / (Decimal(1000) ** scale_commas)
    places = len(frac_part)
    rounded_value = _round(number, places)
    lost = rounded_value != number
    whole, _, frac = f"{rounded_value:f}".partition(".")
    frac = frac.ljust(places, "0")[:places]
    # optional decimals (#) drop trailing zeros down to the required ones (0 and ?)
    required = len(frac_part.rstrip("#"))
    while len(frac) > required and frac.endswith("0"):
        frac = frac[:-1]
    frac = frac + " " * (len(frac_part) - len(frac)) if "?" in frac_part else frac
    min_int = int_part.count("0")
    grouped = "," in int_part
    if whole == "0" and min_int == 0:
        whole = ""
    whole = whole.rjust(min_int, "0")
    if grouped and whole:
        whole = f"{int(whole):,}".rjust(min_int, "0")
    text = whole + ("." + frac if point and (frac or frac_part) else "." if point else "")
    return text, lost


def _scientific(number: Decimal, pattern: str) -> str:
    mant_pat, _, exp_pat = re.split(r"([eE][+-])", pattern, maxsplit=1)
    sign_char = re.search(r"[eE]([+-])", pattern)
    int_pat, _, frac_pat = mant_pat.partition(".")
    places = len(frac_pat)
    if number == 0:
        exp = 0
        mant = Decimal(0)
    else:
        step = len(int_pat) if len(int_pat) > 1 and "#" in int_pat else 1  # engineering "##0.0E+0"
        exp = number.adjusted()
        exp -= exp % step
        mant = _round(number.scaleb(-exp), places)
        if mant >= Decimal(10) ** step:
            exp += step
            mant = _round(number.scaleb(-exp), places)
    text = f"{mant:.{places}f}"
    exp_sign = "-" if exp < 0 else ("+" if sign_char and sign_char.group(1) == "+" else "")
    return f"{text}E{exp_sign}{abs(exp):0{len(exp_pat)}d}"


# ------------------------------------------------------------------------------------------------
# Dates and times
# ------------------------------------------------------------------------------------------------
def serial_to_datetime(serial: float, date1904: bool = False) -> datetime | None:
    """An Excel serial day number → datetime (None for Excel's fictitious 1900-02-29 or out of range)."""
    if date1904:
        base = datetime(1904, 1, 1)
    elif serial >= 61:
        base = datetime(1899, 12, 30)
    elif 1 <= serial < 60:
        base = datetime(1899, 12, 31)
    elif 0 <= serial < 1:
        base = datetime(1899, 12, 30)  # a time of day only
    else:
        return None
    try:
        return base + timedelta(days=serial)
    except OverflowError:
        return None


def _render_date(section: _Section, value: float, date1904: bool) -> Rendered | None:
    tokens = section.tokens
    has_ampm = any(k == "ampm" for k, _ in tokens)
    sub_second = 0
    for i, (k, v) in enumerate(tokens):  # "ss.00": hundredths of a second
        if k == "date" and v.lower().startswith("s") and i + 1 < len(tokens) and tokens[i + 1][0] == ".":
            sub_second = sum(1 for kk, vv in tokens[i + 2 :] if kk == "digit" and vv == "0")
    rounding = timedelta(seconds=0.5 / (10**sub_second))
    when = serial_to_datetime(value, date1904)
    if when is None:
        return None
    when = when + rounding
    out: list[str] = []
    date_tokens = [i for i, (k, _) in enumerate(tokens) if k in ("date", "elapsed")]
    for i, (kind, raw) in enumerate(tokens):
        low = raw.lower()
        if kind == "date":
            out.append(_date_part(low, i, tokens, date_tokens, when, has_ampm))
        elif kind == "elapsed":
            total = value * 86400 + 0.5
            out.append(
                str(int(total // 3600))
                if low.startswith("h")
                else str(int(total // 60))
                if low.startswith("m")
                else str(int(total))
            )
        elif kind == "ampm":
            am = when.hour < 12
            marks = {"am/pm": ("AM", "PM"), "a/p": ("A", "P")}.get(low, ("上午", "下午"))
            out.append(marks[0] if am else marks[1])
        elif kind == "digit" and raw == "0" and sub_second:
            continue  # emitted with the "."
        elif kind == "." and sub_second:
            frac = f"{when.microsecond / 1e6:.{sub_second}f}"[1:]
            out.append(frac[: sub_second + 1])
        else:
            out.append(_literal(kind, raw) if kind != "digit" else raw)
    return Rendered("".join(out))


def _date_part(
    low: str,
    i: int,
    tokens: tuple[tuple[str, str], ...],
    date_tokens: list[int],
    when: datetime,
    has_ampm: bool,
) -> str:
    if low.startswith("y") or low == "e":
        return f"{when.year % 100:02d}" if len(low) <= 2 and low != "e" else str(when.year)
    if low.startswith("b"):
        return str(when.year + 543)  # Buddhist era: never in these forms, but a defined code
    if low.startswith("m"):
        pos = date_tokens.index(i)
        prev = tokens[date_tokens[pos - 1]][1].lower() if pos > 0 else ""
        nxt = tokens[date_tokens[pos + 1]][1].lower() if pos + 1 < len(date_tokens) else ""
        if len(low) <= 2 and (prev.startswith("h") or nxt.startswith("s")):
            return f"{when.minute:0{len(low)}d}"
        if len(low) <= 2:
            return f"{when.month:0{len(low)}d}"
        name = _MONTHS_EN[when.month - 1]
        return name[:3] if len(low) == 3 else name[0] if len(low) == 5 else name
    if low.startswith("d"):
        if len(low) <= 2:
            return f"{when.day:0{len(low)}d}"
        name = _DAYS_EN[when.weekday()]
        return name[:3] if len(low) == 3 else name
    if low.startswith("a"):
        day = _WEEKDAYS_ZH[when.weekday()]
        return f"星期{day}" if len(low) == 4 else day
    if low.startswith("h"):
        hour = when.hour % 12 or 12 if has_ampm else when.hour
        return f"{hour:0{min(len(low), 2)}d}"
    if low.startswith("s"):
        return f"{when.second:0{min(len(low), 2)}d}"
    return low


# ------------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------------
def render_number(value: float, code: str, date1904: bool = False) -> Rendered:
    """A number (or date serial) as the format code displays it."""
    if value == 0 and math.copysign(1.0, value) < 0:
        return _render(value, code, date1904)  # -0.0: equal to 0.0, so not looked up in the cache
    return _render_cached(value, code, date1904)


def _render(value: float, code: str, date1904: bool) -> Rendered:
    if code in ("", "General", "@") or code.lower() == "general":
        return Rendered(general(value))
    sections = _parse(code)
    section, minus = _choose(sections, value)
    if section.unsupported is not None:
        return Rendered(general(value), understood=False)
    if section.is_date:
        shown = _render_date(section, value, date1904)
    elif section.is_text and not any(k == "digit" or k == "general" for k, _ in section.tokens):
        shown = Rendered(general(value))
    else:
        shown = _render_number(section, value, minus)
    return shown if shown is not None else Rendered(general(value), understood=False)


#: A workbook repeats its values and formats (scores, weights, 100%): rendering is a pure function
#: of the number (typed: 1 and 1.0 are different keys), the code and the date system.
_render_cached = lru_cache(maxsize=4096, typed=True)(_render)


def render_text(text: str, code: str) -> str:
    """A text value under a format code: the text section's literals around ``@``."""
    if "@" not in code:
        return text
    pieces = _text_pieces(code)
    if pieces is None:
        return text
    return "".join(text if p is None else p for p in pieces).strip() or text


@lru_cache(maxsize=4096)
def _text_pieces(code: str) -> tuple[str | None, ...] | None:
    """The code's text section as literals and ``None`` where the text goes (worked out once per
    code: a workbook shows every text cell through the same few codes); None without one."""
    section = next((s for s in _parse(code) if s.is_text), None)
    if section is None:
        return None
    return tuple(None if k == "@" else _literal(k, v) for k, v in section.tokens)
