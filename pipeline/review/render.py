"""A form drawn in the terminal as the table it is on paper (``jixiao show``).

Cells keep their spans: every cell is a box on a character canvas, the box-drawing junctions
follow from the edges that meet there (so merged cells have no inner lines). Chinese characters
take two columns. Cells that findings concern carry the findings' numbers (⟨1,3⟩) and, on a
colour terminal, are shown in reverse video.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pipeline.review.display import char_width, text_width, visible, wrap
from pipeline.review.paper import PaperTable

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
_JUNCTIONS = {
    LEFT | RIGHT: "─",
    UP | DOWN: "│",
    DOWN | RIGHT: "┌",
    DOWN | LEFT: "┐",
    UP | RIGHT: "└",
    UP | LEFT: "┘",
    UP | DOWN | RIGHT: "├",
    UP | DOWN | LEFT: "┤",
    LEFT | RIGHT | DOWN: "┬",
    LEFT | RIGHT | UP: "┴",
    UP | DOWN | LEFT | RIGHT: "┼",
    LEFT: "─",
    RIGHT: "─",
    UP: "│",
    DOWN: "│",
}
REVERSE, RESET = "\x1b[7m", "\x1b[0m"


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    marks: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """What the cell shows: its text with invisible characters made visible, after the
        findings' numbers."""
        text = visible(self.text)  # one value, one text: a line break in a name shows as ⟨U+000A⟩
        if not self.marks:
            return text
        return "⟨" + ",".join(map(str, self.marks)) + "⟩" + text


#: The narrowest a cell's text is squeezed to when a table must fit a width (one Chinese
#: character); a grid column that no one-column cell with text starts in may shrink to nothing
#: (the slivers of a hand-drawn grid).
MIN_COL: Final = 2


def _natural_widths(cells: Sequence[GridCell], n_cols: int, max_width: int) -> list[int]:
    widths = [1] * n_cols
    for c in sorted(cells, key=lambda c: c.col_span):
        # a merged cell widens its columns a little at most: long text wraps instead
        need = min(text_width(c.label), max_width * min(c.col_span, 2))
        have = sum(widths[c.col : c.col + c.col_span]) + 3 * (c.col_span - 1)
        for i in range(max(0, need - have)):
            widths[c.col + i % c.col_span] += 1
    return widths


def _squeeze(widths: list[int], budget: int, cells: Sequence[GridCell], gap: int) -> list[int]:
    """``widths`` narrowed, widest first, until they add up to ``budget`` or nothing more can
    go: every cell with text keeps ``MIN_COL`` columns inside its borders."""
    floor = [0] * len(widths)
    for c in cells:
        if c.col_span == 1 and c.label:
            floor[c.col] = MIN_COL
    floor = [min(f, w) for f, w in zip(floor, widths, strict=True)]
    out = list(widths)
    excess = sum(out) - budget
    while excess > 0:
        widest = max(range(len(out)), key=lambda i: (out[i] - floor[i], out[i]))
        if out[widest] <= floor[widest]:
            break
        out[widest] -= 1
        excess -= 1
    for c in cells:  # a merged cell with text keeps room for one character
        inner = sum(out[c.col : c.col + c.col_span]) + gap * (c.col_span - 1)
        if c.label and inner < MIN_COL:
            out[c.col] += MIN_COL - inner
    return out


def fit_widths(
    cells: Sequence[GridCell], *, max_width: int = 16, width: int | None = None
) -> tuple[list[int], int] | None:
    """Column widths and the padding (1: a space each side of a cell's text; 0: none) that draw
    the table within ``width`` columns (None: no limit) — wrapping, never cutting, the text.
    None when no widths fit (too many columns for ``width``)."""
    if not cells:
        return [], 1
    n_cols = max(c.col + c.col_span for c in cells)
    widths = _natural_widths(cells, n_cols, max_width)
    if width is None:
        return widths, 1
    for pad in (1, 0):
        gap = 1 + 2 * pad
        budget = width - 1 - gap * n_cols  # a border and the padding per column, the last border
        squeezed = _squeeze(widths, budget, cells, gap)
        if sum(squeezed) <= budget:
            return squeezed, pad
    return None


def render_table(
    cells: Sequence[GridCell],
    *,
    max_width: int = 16,
    color: bool = False,
    width: int | None = None,
    fitted: tuple[list[int], int] | None = None,
) -> str:
    """The cells as a box-drawn table. ``max_width``: widest a single column grows; ``width``:
    the widest the whole table may be (columns narrowed, text wrapped; when even that cannot fit,
    every line is cut at ``width`` and ends in "…")."""
    if not cells:
        return ""
    fit = fitted or fit_widths(cells, max_width=max_width, width=width)
    if fit is None:  # too many columns: drawn as narrow as it goes, then cut
        n_cols = max(c.col + c.col_span for c in cells)
        narrow = _squeeze(_natural_widths(cells, n_cols, max_width), 0, cells, 1)
        drawn = _draw(cells, narrow, 0, False)  # no colour codes to cut through
        return "\n".join(_cut(line, width or 0) for line in drawn.split("\n"))
    return _draw(cells, fit[0], fit[1], color)


def _cut(line: str, width: int) -> str:
    if text_width(line) <= width:
        return line
    out, used = [], 0
    for ch in line:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _draw(cells: Sequence[GridCell], widths: list[int], pad: int, color: bool) -> str:
    n_rows = max(c.row + c.row_span for c in cells)
    gap = 1 + 2 * pad
    xs = [0]
    for w in widths:
        xs.append(xs[-1] + w + gap)
    content = {id(c): wrap(c.label, xs[c.col + c.col_span] - xs[c.col] - gap) for c in cells}
    heights = [1] * n_rows
    for c in sorted(cells, key=lambda c: c.row_span):
        need = len(content[id(c)])
        have = sum(heights[c.row : c.row + c.row_span]) + (c.row_span - 1)
        if need > have:
            heights[c.row + c.row_span - 1] += need - have
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    bits: dict[tuple[int, int], int] = defaultdict(int)
    marked: set[tuple[int, int]] = set()
    for c in cells:
        x0, x1, y0, y1 = xs[c.col], xs[c.col + c.col_span], ys[c.row], ys[c.row + c.row_span]
        for x in range(x0, x1 + 1):
            for y in (y0, y1):
                bits[(y, x)] |= (LEFT if x > x0 else 0) | (RIGHT if x < x1 else 0)
        for y in range(y0, y1 + 1):
            for x in (x0, x1):
                bits[(y, x)] |= (UP if y > y0 else 0) | (DOWN if y < y1 else 0)
        for i, line in enumerate(content[id(c)]):
            x = x0 + 1 + pad
            for ch in line:
                if char_width(ch) == 0:  # a combining mark: with the character before it
                    if x > x0 + 1 + pad:
                        canvas[y0 + 1 + i][x - 1] += ch
                    continue
                canvas[y0 + 1 + i][x] = ch
                if char_width(ch) == 2:
                    canvas[y0 + 1 + i][x + 1] = ""
                if c.marks:
                    marked.add((y0 + 1 + i, x))
                x += char_width(ch)
    for (y, x), b in bits.items():
        canvas[y][x] = _JUNCTIONS.get(b, "┼")
    out = []
    for y, row in enumerate(canvas):
        if color and any((y, x) in marked for x in range(len(row))):
            line = "".join(f"{REVERSE}{ch}{RESET}" if (y, x) in marked else ch for x, ch in enumerate(row))
        else:
            line = "".join(row)
        out.append(line.rstrip())
    return "\n".join(out)


def fit_text(text: str, width: int | None, indent: int = 4) -> str:
    """A line of prose (a heading, a finding) wrapped within ``width`` columns, continuation
    lines indented; as it is when ``width`` is None."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        lead = len(line) - len(line.lstrip(" "))
        pieces = wrap(line, width)
        out.append(pieces[0])
        rest = "".join(pieces[1:])
        if rest:
            hang = min(lead + indent, max(0, width // 3))
            out += [" " * hang + p for p in wrap(rest, width - hang)]
    return "\n".join(out)


def paper_grid(table: PaperTable) -> list[GridCell]:
    """A form's table on the canvas: rows counted from the form's first row."""
    return [
        GridCell(c.row - table.first_row, c.col, c.row_span, c.col_span, c.text, c.marks)
        for c in (*table.cells, *table.unplaced)
    ]
