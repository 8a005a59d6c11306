"""Cell text normalisation, shared by every parser so that Word and PDF yield the same strings.

Two levels:

``clean_text`` — what a reader would say the cell *prints*: layout whitespace removed (line
breaks inside a cell, alignment spaces between Chinese characters, exotic spaces), every printed
character kept as it is (full-width digits and punctuation stay full-width). A PDF wraps a long
cell onto several lines where Word stores one paragraph; joining wrapped lines between Chinese
characters without a space makes both formats agree.

``label_key`` — what a label *means*: ``clean_text`` + NFKC (full-width → ASCII), traditional
characters as simplified (OpenCC), no whitespace at all, no trailing colon. Only used to look
labels up in ``schemas.labels``; never stored: values keep the characters they were printed in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Characters that are layout, not content: zero-width marks, and control characters (never printed;
# an escape sequence in a cell must not reach a terminal, a CSV or a report).
_ZERO_WIDTH = dict.fromkeys(
    [
        *map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"),
        *range(0x00, 0x09),
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
    ],
    None,
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BREAKS = re.compile(r"\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]")


def is_wide(ch: str) -> bool:
    """True for Chinese characters and the punctuation set with them (no space around them)."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK symbols/punctuation, kana, unified ideographs, ext A
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF  # ideograph extensions B–H
        or o in (0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00B7, 0x2030)
    )


def _join(left: str, right: str) -> str:
    if not left:
        return right
    if not right:
        return left
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return left + " " + right


def _squeeze_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    if " " not in line:
        return line
    # A space between two wide characters is alignment ("项 目 名 称", "经济效益 指标").
    parts = line.split(" ")
    out = parts[0]
    for part in parts[1:]:
        out = _join(out, part)
    return out


#: Texts up to this length are cleaned once per distinct text (labels, scores and units recur in
#: every form of a batch); longer ones (goals, notes) rarely recur and are cleaned each time.
_CACHED_CHARS = 64


def clean_text(raw: str | None) -> str:
    """Normalise layout whitespace; keep every printed character as printed."""
    if not raw:
        return ""
    if len(raw) <= _CACHED_CHARS:
        return _clean_short(raw)
    return _clean(raw)


@functools.lru_cache(maxsize=16384)
def _clean_short(raw: str) -> str:
    return _clean(raw)


def _clean(raw: str) -> str:
    text = raw.translate(_ZERO_WIDTH)
    out = ""
    for line in _BREAKS.split(text):
        out = _join(out, _squeeze_line(line))
    return out


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@functools.lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """``text`` with traditional characters written as simplified ones (項目 → 项目), for matching
    only. A form retyped in traditional characters is read with the same vocabulary."""
    return _t2s().convert(text) if _has_cjk(text) else text


@functools.lru_cache(maxsize=16384)
def label_key(text: str | None) -> str:
    """The lookup key of a printed label: NFKC, simplified characters, no whitespace, no trailing
    colon.

    Memoised: forms repeat the same labels thousands of times in a batch (a pure function)."""
    if not text:
        return ""
    key = simplified(unicodedata.normalize("NFKC", clean_text(text)))
    key = "".join(key.split())
    return key.rstrip(":：")


_PAREN_TAIL = re.compile(r"^(.*?)\(([^()]*)\)$")


def split_paren_tail(key: str) -> tuple[str, str | None]:
    """'全年预算数(A)' → ('全年预算数', 'A'); a key without a trailing parenthetical → (key, None)."""
    m = _PAREN_TAIL.match(key)
    if not m or not m.group(1):
        return key, None
    return m.group(1), m.group(2)
