"""How values are shown to people: display width (CJK characters take two columns), wrapping,
and text made safe for spreadsheets and CSV (a submitted form is untrusted input)."""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns a character takes on a terminal or in a spreadsheet: East Asian wide and
    full-width characters (Unicode EastAsianWidth W/F) two, others one."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Display width of a one-line text."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def block_width(text: str) -> int:
    """Display width of the widest line of a text."""
    return max(text_width(line) for line in text.split("\n"))


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns (Chinese text breaks anywhere, like on paper)."""
    lines: list[str] = []
    for para in text.split("\n") or [""]:
        line, used = "", 0
        for ch in para:
            w = char_width(ch)
            if used + w > width and line:
                lines.append(line)
                line, used = "", 0
            line += ch
            used += w
        lines.append(line)
    return lines or [""]


#: A text starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, prefixed with an apostrophe; other values as is.
    Numbers stay numbers (only text is ever a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never 0E-8: a decimal as printed, full precision
    return spreadsheet_safe(value)


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spreadsheet_safe(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()
