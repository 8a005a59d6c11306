"""The ruling lines of a scanned page → tables of cells with row/column spans, and OCR text boxes →
the cells they belong to.

* **Lines** (``line_masks``): in the page's ink (``scan_image.binarize``), a morphological opening
  with a long thin kernel keeps only runs longer than any stroke of a character (0.3 in);
  a closing along the line bridges the gaps a scan leaves in a thin rule.
* **Line positions** (``_segments``/``_cluster``): each run is a segment; segments within a small
  distance across the line (0.03 in) are one ruling line, which keeps the union of the intervals
  it covers — a line drawn over only some columns covers only those.
* **Tables** (``find_grids``): connected groups of lines. Their distinct line positions are the
  grid; an elementary grid cell is merged with its neighbour where the line between them is
  missing (covers less than half of the shared edge), which rebuilds every merge — row spans and
  column spans — from the drawing, as ``pdf.cells_to_grid`` does from cell boxes.
* **Text** (``place``): a text box goes to the cell it lies in; a box that runs over a vertical
  line (the detector joined "10" and "94%" in two narrow cells) is cut at the line, each piece
  read on its own; a box across a horizontal line is text the grid cannot place.

Everything here is in image pixels of the upright page; ``scan`` converts to points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from parsers.formats.scan_image import Image

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (pixels)


@dataclass
class Line:
    """A ruling line: its position across (y of a horizontal line, x of a vertical one) and the
    intervals along it that are drawn."""

    pos: float
    spans: list[tuple[float, float]]
    weight: float = 0.0

    def covers(self, a: float, b: float) -> float:
        """Share of [a, b] the line draws."""
        if b <= a:
            return 0.0
        drawn = sum(max(0.0, min(b, s1) - max(a, s0)) for s0, s1 in self.spans)
        return drawn / (b - a)


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    box: Box
    pieces: list[tuple[Box, str, float]] = field(default_factory=list)  # (box, text, confidence)


@dataclass
class Grid:
    """A table found on the page: its line positions (pixels) and its cells."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


#: Shortest horizontal rule (inches): longer than any stroke of a character.
H_MIN = 0.3
#: Shortest vertical rule (inches): a one-line row of a hand-drawn grid is cut by rules not much
#: taller than its text, so vertical runs are kept from 0.15 in and must then run from one
#: horizontal rule to another (a character's stroke does not).
V_MIN = 0.15


def line_masks(ink: Image, dpi: float) -> tuple[Image, Image]:
    """(horizontal, vertical) ruling-line masks of the ink."""
    length = max(15, int(dpi * H_MIN))
    tall = max(8, int(dpi * V_MIN))
    bridge = max(3, int(dpi * 0.04))
    # a thin rule turned by the deskew steps from one pixel row to the next: thickened by a pixel
    # across first, it stays one run
    across_h = cv2.dilate(ink, np.ones((3, 1), np.uint8))
    across_v = cv2.dilate(ink, np.ones((1, 3), np.uint8))
    hor = cv2.morphologyEx(across_h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    ver = cv2.morphologyEx(across_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall)))
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    ver = cv2.morphologyEx(ver, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    return hor, ver


def _segments(
    mask: Image, horizontal: bool, min_length: float
) -> tuple[list[tuple[float, float, float, float]], Any]:
    """(position across, start, end, pixel count) of each run in a line mask, its component
    label last; and the label image."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (float(v) for v in stats[i])
        if horizontal and w >= min_length:
            out.append((y + h / 2, x, x + w, area, i))
        elif not horizontal and h >= min_length:
            out.append((x + w / 2, y, y + h, area, i))
    return [s[:4] for s in out], (labels, [s[4] for s in out])


def _cluster(segments: list[tuple[float, float, float, float]], tol: float) -> list[Line]:
    lines: list[Line] = []
    for pos, a, b, area in sorted(segments):
        if lines and pos - lines[-1].pos <= tol:
            line = lines[-1]
            line.pos = (line.pos * line.weight + pos * area) / (line.weight + area)
            line.weight += area
            line.spans.append((a, b))
        else:
            lines.append(Line(pos, [(a, b)], area))
    for line in lines:
        line.spans.sort()
        merged: list[tuple[float, float]] = []
        for a, b in line.spans:
            if merged and a <= merged[-1][1] + tol:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        line.spans = merged
    return lines


def find_grids(hor: Image, ver: Image, dpi: float) -> tuple[list[Grid], Image]:
    """The tables drawn on the page, top to bottom, and the mask of their ruling lines."""
    tol = max(2.0, dpi * 0.03)
    h_segments, _ = _segments(hor, True, dpi * H_MIN)
    h_lines = _cluster(h_segments, tol)
    reach = 3 * tol

    def ends_on_rules(pos: float, a: float, b: float) -> bool:
        near = [ln for ln in h_lines if ln.covers(pos - reach, pos + reach) > 0]
        return any(abs(ln.pos - a) <= reach for ln in near) and any(abs(ln.pos - b) <= reach for ln in near)

    v_segments, (v_labels, v_ids) = _segments(ver, False, dpi * V_MIN)
    kept = [(s, i) for s, i in zip(v_segments, v_ids, strict=True) if ends_on_rules(*s[:3])]
    v_lines = _cluster([s for s, _ in kept], tol)
    ver = np.where(np.isin(v_labels, [i for _, i in kept]), 255, 0).astype(np.uint8)
    rules = cv2.bitwise_or(hor, ver)
    both = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, h, _ = (float(v) for v in stats[i])
        if w < dpi * 1.0 or h < dpi * 0.3:
            continue  # an underline, a stray rule: not a table
        rows = [ln for ln in h_lines if y - tol <= ln.pos <= y + h + tol and ln.covers(x, x + w) > 0.02]
        cols = [ln for ln in v_lines if x - tol <= ln.pos <= x + w + tol and ln.covers(y, y + h) > 0.02]
        grid = _grid(rows, cols, (x + 2, y + 2, x + w - 2, y + h - 2), tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    inside = np.zeros_like(rules)
    for g in grids:
        x0, y0, x1, y1 = (round(v) for v in g.box)
        inside[max(0, y0 - 8) : y1 + 8, max(0, x0 - 8) : x1 + 8] = 255
    return grids, cv2.bitwise_and(rules, inside)


def _grid(rows: list[Line], cols: list[Line], box: Box, tol: float) -> Grid | None:
    x0, y0, x1, y1 = box
    # an open table (no outer border drawn) is closed by the extent of its lines
    if not rows or abs(rows[0].pos - y0) > 3 * tol:
        rows = [Line(y0, [(x0, x1)]), *rows]
    if abs(rows[-1].pos - y1) > 3 * tol:
        rows = [*rows, Line(y1, [(x0, x1)])]
    if not cols or abs(cols[0].pos - x0) > 3 * tol:
        cols = [Line(x0, [(y0, y1)]), *cols]
    if abs(cols[-1].pos - x1) > 3 * tol:
        cols = [*cols, Line(x1, [(y0, y1)])]
    if len(rows) < 2 or len(cols) < 2 or (len(rows) < 3 and len(cols) < 3):
        return None
    ys = [ln.pos for ln in rows]
    xs = [ln.pos for ln in cols]
    n_r, n_c = len(ys) - 1, len(xs) - 1

    def inner(a: float, b: float) -> tuple[float, float]:  # the edge less its corners
        m = min(tol, 0.25 * (b - a))
        return a + m, b - m

    def split_v(r: int, c: int) -> bool:  # a line between (r, c) and (r, c + 1)
        return cols[c + 1].covers(*inner(ys[r], ys[r + 1])) >= 0.5

    def split_h(r: int, c: int) -> bool:  # a line between (r, c) and (r + 1, c)
        return rows[r + 1].covers(*inner(xs[c], xs[c + 1])) >= 0.5

    parent = list(range(n_r * n_c))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c and not split_v(r, c):
                parent[find(r * n_c + c + 1)] = find(r * n_c + c)
            if r + 1 < n_r and not split_h(r, c):
                parent[find((r + 1) * n_c + c)] = find(r * n_c + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_r):
        for c in range(n_c):
            groups.setdefault(find(r * n_c + c), []).append((r, c))
    cells = []
    for members in groups.values():
        rs = [r for r, _ in members]
        cs = [c for _, c in members]
        r0, r1, c0, c1 = min(rs), max(rs), min(cs), max(cs)
        if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
            cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
            continue
        # not a rectangle (a line the scan lost in one row only): keep the merges along each row
        for r in sorted(set(rs)):
            run = sorted(c for rr, c in members if rr == r)
            start = prev = run[0]
            for c in [*run[1:], -1]:  # -1: the end of the row
                if c == prev + 1 and not split_v(r, prev):
                    prev = c
                    continue
                cells.append(
                    GridCell(r, start, 1, prev - start + 1, (xs[start], ys[r], xs[prev + 1], ys[r + 1]))
                )
                start = prev = c
    cells.sort(key=lambda g: (g.row, g.col))
    return Grid(xs, ys, cells)


def _inter(a: Box, b: Box) -> Box | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _area(b: Box) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


@dataclass
class Placement:
    """Where each text box goes: pieces to read inside cells, boxes outside every table, and boxes
    the grid cannot place (read whole, reported)."""

    in_cells: list[tuple[GridCell, Box]]
    outside: list[Box]
    unplaced: list[Box]


def place(boxes: list[Box], grids: list[Grid]) -> Placement:
    out = Placement([], [], [])
    for box in boxes:
        height = box[3] - box[1]
        grid = next(
            (g for g in grids if (i := _inter(box, g.box)) is not None and _area(i) >= 0.5 * _area(box)), None
        )
        if grid is None:
            out.outside.append(box)
            continue
        pieces = []
        for cell in grid.cells:
            part = _inter(box, cell.box)
            if part is None:
                continue
            share_h = (part[3] - part[1]) / max(height, 1.0)
            if share_h < 0.25 or part[2] - part[0] < 0.3 * height:
                continue  # the box's edge grazing a neighbour
            pieces.append((cell, part, share_h))
        rows = {(c.row, c.row_span) for c, _, _ in pieces}
        if not pieces or (len(rows) > 1 and sum(1 for _, _, s in pieces if s < 0.75) > 0):
            out.unplaced.append(box)  # across a horizontal rule: not one cell's line of text
            continue
        for cell, part, _ in pieces:
            out.in_cells.append((cell, part))
    return out
