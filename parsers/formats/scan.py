"""OCR of a page image → the same page content as a PDF page with a text layer: table parts of
cells with spans (``pdf._PartTable``) and lines of text outside tables, in points, so the PDF
parser joins a form over scanned pages exactly as over printed ones, and the form reader, the
mapping and the rules are the same for both.

Per page: the red seal suppressed and the background flattened (``scan_image``) → the skew
measured and undone → the page turned upright (text boxes taller than wide: a quarter turn; the
line classifier reading most lines upside down: a half turn) → ruling lines, grid and cells
(``scan_grid``) → text boxes detected (on the page at half resolution), cut at the cell edges,
recognised in the page with its ruling lines removed → each cell's text (lines top to bottom,
pieces left to right) with its confidence, the lowest of its pieces'.

Boxes are in points of the upright page (``x / dpi × 72``); each cell also keeps its box on the
page as scanned (``paper``) for provenance. No character is ever changed: what the recogniser
reads is kept with its confidence, and the form reader decides what needs a person's review.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from parsers.formats import scan_grid as sg
from parsers.formats import scan_image as si
from parsers.formats.ocr_engine import OcrEngine
from parsers.formats.pdf import _DIGITISH, _Box, _PageContent, _PartTable
from parsers.text import clean_text, is_wide
from schemas.errors import CorruptDocument, ResourceLimit
from schemas.records import BBox

Box = sg.Box
#: Resolution text is detected at (recognition reads the crops at the full resolution): a 10-point
#: line is 20 px high, and the sample scans and photos read as well as they did when detection ran
#: at about 210 dpi (50 fields differing from their goldens, against 51); at 130 dpi the detector
#: begins to cut the last glyph off a short piece ("11个区县" read "11个县").
DETECT_DPI = 150.0


# ----------------------------------------------------------------------------------------------
# Orientation
# ----------------------------------------------------------------------------------------------
def _sideways(boxes: Sequence[Box]) -> bool:
    """Whether the text lines run up and down the page (it lies on its side)."""
    tall = sum(1 for b in boxes if (b[3] - b[1]) > 2 * (b[2] - b[0]))
    wide = sum(1 for b in boxes if (b[2] - b[0]) > 2 * (b[3] - b[1]))
    return tall >= 5 and tall > 2 * wide


def _crop(image: si.Image, box: Box, pad: float = 2.0, within: Box | None = None) -> si.Image:
    x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    if within is not None:
        x0, y0 = max(x0, within[0]), max(y0, within[1])
        x1, y1 = min(x1, within[2]), min(y1, within[3])
    h, w = image.shape[:2]
    xa, ya = max(0, int(x0)), max(0, int(y0))
    xb, yb = min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1)))
    crop = image[ya : max(yb, ya + 1), xa : max(xb, xa + 1)]
    return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) if crop.ndim == 2 else crop


def _widest(boxes: Sequence[Box], n: int) -> list[Box]:
    return sorted(boxes, key=lambda b: b[2] - b[0], reverse=True)[:n]


def upright(grey: si.Image, ocr: OcrEngine, dpi: float) -> tuple[si.Image, si.Matrix, list[Box], str]:
    """The deskewed page turned upright, the matrix from the input's pixels, its text boxes, and
    what was done (for the file's notes)."""
    ink = si.binarize(grey, dpi)
    angle = si.estimate_skew(ink)
    matrix = np.eye(3)
    done = []
    if abs(angle) > 0.1:  # within the search step of straight: left as it is
        grey, matrix = si.rotate(grey, angle)
        done.append(f"deskewed {-angle:+.2f}°")
    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    boxes = ocr.detect(bgr, dpi, DETECT_DPI)
    quarter = 0
    if _sideways(boxes):
        quarter = 1
        grey, m = si.turn(grey, 1)
        matrix = m @ matrix
        boxes = [si.map_box(m, b) for b in boxes]
    sample = [_crop(grey, b) for b in _widest(boxes, 16)]
    if sample and ocr.upside_down(sample) >= 0.6:
        quarter += 2
        grey, m = si.turn(grey, 2)
        matrix = m @ matrix
        boxes = [si.map_box(m, b) for b in boxes]
    if quarter:
        done.append(f"turned {90 * quarter}°")
    return grey, matrix, boxes, ", ".join(done)


# ----------------------------------------------------------------------------------------------
# Text of a cell
# ----------------------------------------------------------------------------------------------
def _is_text(text: str) -> bool:
    """Whether recognised text holds a character at all (not only dots and strokes of noise)."""
    return any(ch.isalnum() or (is_wide(ch) and ch not in "，。、：；·…—") for ch in text)


def _lines(pieces: Sequence[tuple[Box, str, float]]) -> list[list[tuple[Box, str, float]]]:
    lines: list[list[tuple[Box, str, float]]] = []
    for piece in sorted(pieces, key=lambda p: (p[0][1] + p[0][3]) / 2):
        box = piece[0]
        cy, h = (box[1] + box[3]) / 2, box[3] - box[1]
        if lines:
            ref = lines[-1][-1][0]
            if abs(cy - (ref[1] + ref[3]) / 2) < 0.5 * min(h, ref[3] - ref[1]):
                lines[-1].append(piece)
                continue
        lines.append([piece])
    return [sorted(line, key=lambda p: p[0][0]) for line in lines]


def _line_text(line: Sequence[tuple[Box, str, float]]) -> str:
    out = ""
    prev: Box | None = None
    for box, text, _ in line:
        if prev is not None and out and text:
            gap = box[0] - prev[2]
            if gap > 0.3 * (box[3] - box[1]) and not (is_wide(text[0]) or is_wide(out[-1])):
                out += " "
        out += text
        prev = box
    return out


def cell_text(pieces: Sequence[tuple[Box, str, float]], right: float) -> tuple[str, list[list[Box]]]:
    """A cell's text from its recognised pieces, and the boxes of its lines. A number wrapped in a
    narrow cell ("94" | "%") is closed up when its line ran to the cell's right edge, as the PDF
    parser does; every other break is a line break."""
    lines = _lines(pieces)
    out = ""
    for i, line in enumerate(lines):
        text = _line_text(line)
        if i and out and text:
            prev = lines[i - 1]
            room = right - max(p[0][2] for p in prev)
            height = prev[-1][0][3] - prev[-1][0][1]
            soft = room < 1.5 * height
            out += "" if soft and out[-1] in _DIGITISH and text[0] in _DIGITISH else "\n"
        out += text
    return out, [[p[0] for p in line] for line in lines]


# ----------------------------------------------------------------------------------------------
# A page
# ----------------------------------------------------------------------------------------------
def ocr_page(
    image: si.Image, dpi: float, number: int, ocr: OcrEngine
) -> tuple[_PageContent, list[tuple[int, str]], str]:
    """One page image (BGR or grey) at ``dpi`` → its content, the text the grid could not place,
    and a note on what was done to read it."""
    grey = si.flatten(si.suppress_seal(image))
    grey, matrix, boxes, done = upright(grey, ocr, dpi)
    ink = si.binarize(grey, dpi)
    hor, ver = sg.line_masks(ink, dpi)
    grids, rules = sg.find_grids(hor, ver, dpi)
    clean = grey.copy()  # the page without its ruling lines, for recognition
    clean[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    placed = sg.place(boxes, grids)
    # each piece read from its box and a few pixels (more room beside a piece takes in ink from
    # the cell's edge, or a neighbour's first glyph: "11个区" + "县" read "11个县")
    crops = [_crop(clean, part, 3.0, _inset(cell.box)) for cell, part in placed.in_cells]
    crops += [_crop(clean, box, 3.0) for box in placed.outside + placed.unplaced]
    read = ocr.recognize(crops)
    n_in, n_out = len(placed.in_cells), len(placed.outside)
    for (cell, part), (text, score) in zip(placed.in_cells, read[:n_in], strict=True):
        if text.strip() and (_is_text(text) or score >= 0.5):
            cell.pieces.append((part, text.strip(), score))
    pt = 72.0 / dpi
    inverse = np.linalg.inv(matrix)
    items: list[tuple[float, _PartTable | str]] = []
    for grid in grids:
        table = _part(grid, number, pt, inverse)
        if table is not None:
            items.append((table.bbox[1], table))
    outside = [
        (box, text.strip(), score)
        for box, (text, score) in zip(placed.outside, read[n_in : n_in + n_out], strict=True)
        if text.strip() and _is_text(text)
    ]
    for line in _lines(outside):
        text = clean_text(_line_text(line))
        if text:
            items.append((min(p[0][1] for p in line) * pt, text))
    items.sort(key=lambda it: it[0])
    unplaced = [
        (number, f"第{number}页“{text.strip()}”跨越表格线，无法归入单元格")
        for text, score in read[n_in + n_out :]
        if text.strip() and _is_text(text)
    ]
    unplaced += _unread(clean, grids, dpi, number)
    reason = None if boxes else "OCR found no text on the page"
    note = f"page {number}: read by OCR at {dpi:.0f} dpi" + (f" ({done})" if done else "")
    return _PageContent(number, items, reason), unplaced, note


#: Smallest height and width (inches) of a blob of ink in a cell that must have been read as
#: text: a full stop (。) at 10 points; a dash (—) is lower and may stay unread (it reads as blank).
MIN_GLYPH = 0.025


def _unread(clean: si.Image, grids: Sequence[sg.Grid], dpi: float, number: int) -> list[tuple[int, str]]:
    """Cells holding ink of a character's height that no recognised piece covers: a digit the
    detector missed (a lone "1") must not pass as a blank cell."""
    ink = si.binarize(clean, dpi)
    out = []
    for grid in grids:
        for cell in grid.cells:
            x0, y0, x1, y1 = (round(v) for v in _inset(cell.box, 4.0))
            if x1 <= x0 or y1 <= y0:
                continue
            region = ink[y0:y1, x0:x1].copy()
            for box, _, _ in cell.pieces:
                bx0, by0 = int(box[0] - 3) - x0, int(box[1] - 3) - y0
                bx1, by1 = int(box[2] + 3) - x0, int(box[3] + 3) - y0
                region[max(by0, 0) : max(by1, 0), max(bx0, 0) : max(bx1, 0)] = 0
            n, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
            tall = [
                i
                for i in range(1, n)
                if stats[i][3] >= MIN_GLYPH * dpi and stats[i][4] >= 0.4 * MIN_GLYPH * dpi
            ]
            if tall:
                where = f"第{number}页表格第{cell.row + 1}行第{cell.col + 1}列"
                out.append((number, f"{where}有字迹未能识别"))
    return out


def _inset(box: Box, by: float = 2.0) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def _part(grid: sg.Grid, number: int, pt: float, inverse: si.Matrix) -> _PartTable | None:
    boxes = []
    for cell in grid.cells:
        x0, y0, x1, y1 = cell.box
        text, lines = cell_text(cell.pieces, x1)
        box = _Box(
            cell.row, cell.col, cell.row_span, cell.col_span, x0 * pt, y0 * pt, x1 * pt, y1 * pt, number
        )
        box.text = clean_text(text)
        if box.text:
            box.confidence = round(min(p[2] for p in cell.pieces), 4)
            last, first = lines[-1], lines[0]
            box.last_line_bottom = max(b[3] for b in last) * pt
            box.last_line_right = max(b[2] for b in last) * pt
            box.first_line_top = min(b[1] for b in first) * pt
            box.first_line_lead = (first[0][3] - first[0][1]) * pt  # about one character
        paper = si.map_box(inverse, cell.box)
        box.paper = BBox(*(round(v * pt, 2) for v in paper))
        boxes.append(box)
    if len(boxes) < 2:
        return None
    xs = [x * pt for x in grid.xs]
    ys = [y * pt for y in grid.ys]
    return _PartTable(number, (xs[0], ys[0], xs[-1], ys[-1]), xs, ys, boxes)


# ----------------------------------------------------------------------------------------------
# Pages of a file
# ----------------------------------------------------------------------------------------------
#: The longer side of an A4 page (inches): what an image of a form is assumed to span.
PAGE_INCHES = 11.69


def read_pages(kind: str, data: bytes, params: dict[str, Any], ocr: OcrEngine) -> list[Any]:
    """``(content, unplaced, note)`` of each page read by OCR: ``kind`` ``pdf``: the pages
    ``params["indices"]`` (numbered ``params["numbers"]``) rendered at ``params["dpi"]``;
    ``image``: every frame of an image file (at most ``params["max_pages"]``)."""
    dpi = int(params["dpi"])
    if kind == "image":
        out = []
        for number, frame in enumerate(_frames(data, int(params["max_pages"])), start=1):
            # an image says nothing reliable of its size on paper (a phone writes 72 dpi into every
            # photo): its longer side is an A4 page's; scaled to ``dpi`` (finer needs no more time,
            # coarser loses its thin ruling lines in the deskew)
            own = max(frame.shape[:2]) / PAGE_INCHES
            if abs(own - dpi) > 0.1 * dpi:
                f = dpi / own
                method = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
                frame = cv2.resize(frame, None, fx=f, fy=f, interpolation=method)
            out.append(ocr_page(frame, dpi, number, ocr))
        return out
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise CorruptDocument(f"the PDF's pages cannot be rendered for OCR ({e})") from e
    out = []
    try:
        for i, number in zip(params["indices"], params["numbers"], strict=True):
            page = pdf[i]
            try:
                image: Any = page.render(scale=dpi / 72.0).to_numpy()
            finally:
                page.close()
            if image.ndim == 3 and image.shape[2] == 4:
                image = image[..., :3]
            out.append(ocr_page(np.ascontiguousarray(image), dpi, number, ocr))
    finally:
        pdf.close()
    return out


def _frames(data: bytes, max_pages: int) -> list[Any]:
    ok, frames = cv2.imdecodemulti(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if not ok or not frames:
        raise CorruptDocument("not a readable image (the file is damaged or truncated)")
    if len(frames) > max_pages:
        raise ResourceLimit(f"the image has {len(frames)} pages, more than the {max_pages}-page limit")
    return list(frames)
