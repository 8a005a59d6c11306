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


def render_table(cells: Sequence[GridCell], *, max_width: int = 16, color: bool = False) -> str:
    """The cells as a box-drawn table. ``max_width``: widest a single column grows."""
    if not cells:
        return ""
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    widths = [1] * n_cols
    for c in sorted(cells, key=lambda c: c.col_span):
        # a merged cell widens its columns a little at most: long text wraps instead
        need = min(text_width(c.label), max_width * min(c.col_span, 2))
        have = sum(widths[c.col : c.col + c.col_span]) + 3 * (c.col_span - 1)
        for i in range(max(0, need - have)):
            widths[c.col + i % c.col_span] += 1
    xs = [0]
    for w in widths:
        xs.append(xs[-1] + w + 3)
    content = {id(c): wrap(c.label, xs[c.col + c.col_span] - xs[c.col] - 3) for c in cells}
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
            x = x0 + 2
            for ch in line:
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


def paper_grid(table: PaperTable) -> list[GridCell]:
    """A form's table on the canvas: rows counted from the form's first row."""
    return [
        GridCell(c.row - table.first_row, c.col, c.row_span, c.col_span, c.text, c.marks)
        for c in (*table.cells, *table.unplaced)
    ]
