"""How values are shown to people: invisible characters made visible, display width (CJK
characters take two columns), wrapping, and text made safe for spreadsheets and CSV (a submitted
form, and a file's name, are untrusted input)."""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rich.cells import get_character_cell_size

#: Unicode categories never shown as they are: controls (ESC starts a terminal command), format
#: characters (U+202E and the bidi isolates reorder what follows, tags hide text, zero-width
#: marks), surrogates (the bytes of a name that is not UTF-8) and line/paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _shown(ch: str) -> str:
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte of a file name (surrogate escape)
        return f"\\x{o - 0xDC00:02x}"
    return f"⟨U+{o:04X}⟩"


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control, format and other invisible character shown as ``⟨U+202E⟩``
    (an undecodable byte of a name as ``\\xff``): what reaches a terminal, the report and the
    workbook. ``newlines`` keeps line feeds (a table cell or a paragraph may break lines). The
    dataset keeps the raw text; only what people see goes through here."""
    if text.isprintable():
        return text  # the common case, at C speed (spaces other than U+0020 take the slow path)
    out = []
    for ch in text:
        if (ch == "\n" and newlines) or (unicodedata.category(ch) not in _INVISIBLE and not _nonchar(ch)):
            out.append(ch)
        else:
            out.append(_shown(ch))
    return "".join(out)


def _nonchar(ch: str) -> bool:
    """U+FFFE, U+FFFF and the other noncharacters: not allowed in XML (the workbook) either."""
    o = ord(ch)
    return 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns a character takes on a terminal or in a spreadsheet, by rich's cell table (the
    one a maintained terminal library keeps up with Unicode): East Asian wide and full-width
    characters and emoji two, combining marks and zero-width characters none, others one."""
    return get_character_cell_size(ch)


def text_width(text: str) -> int:
    """Display width of a one-line text."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(ch) for ch in text)


def block_width(text: str) -> int:
    """Display width of the widest line of a text."""
    return max(text_width(line) for line in text.split("\n"))


def _word_start(line: str) -> int:
    """Where the run of Latin letters, digits and punctuation that ends ``line`` begins."""
    i = len(line)
    while i > 0 and line[i - 1].isascii() and not line[i - 1].isspace():
        i -= 1
    return i


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns. Chinese text breaks anywhere, like on paper; a run of
    Latin letters and digits (a number, a rule id, an English word) moves whole to the next line
    when it fits there."""
    lines: list[str] = []
    for para in text.split("\n") or [""]:
        line, used, first = "", 0, len(lines)
        for ch in para:
            w = char_width(ch)
            if used + w > width and line:
                cut = _word_start(line) if ch.isascii() and not ch.isspace() else len(line)
                if 0 < cut < len(line) and len(line) - cut + 1 < width:
                    lines.append(line[:cut].rstrip(" "))
                    line = line[cut:]
                    used = len(line)
                else:
                    lines.append(line)
                    line, used = "", 0
                if ch == " " and not line:
                    continue  # no line starts with the space it broke at
            line += ch
            used += w
        if line or len(lines) == first:
            lines.append(line)
    return lines or [""]


def terminal_width(requested: int | None = None) -> int | None:
    """The width tables are drawn within: ``requested`` (``--width``; 0 = no limit), else the
    terminal's (``shutil.get_terminal_size``, which honours ``$COLUMNS``) when stdout is one,
    else ``$COLUMNS`` when set; None (no limit: piped output stays whole) otherwise."""
    if requested is not None:
        return requested if requested > 0 else None
    if sys.stdout.isatty():
        return max(20, shutil.get_terminal_size().columns)
    columns = os.environ.get("COLUMNS", "")
    return max(20, int(columns)) if columns.isdigit() and int(columns) > 0 else None


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
