"""PDF → ``RawDocument``: the same tables of cells with spans as the Word parser, built on
pdfplumber's ruled-table finder.

Pipeline per page: ``dedupe_chars`` (fake bold draws every glyph twice) → ``find_tables`` (ruling
lines) → ``cells_to_grid`` (the distinct cell edges become grid lines; each cell's row/col span is
the number of grid bands it covers: merges rebuilt from the boxes, never forward-filled) →
``chars_to_cells`` (each glyph to the cell holding its centre) → ``chars_to_lines`` (reading
order, vertical text included) → ``clean_text`` (shared with Word). Text outside tables becomes
one ``Paragraph`` per line.

Across pages, ``join_continued_tables`` glues a table that runs on from the bottom of one page to
the top of the next (same column edges, only page furniture between), drops header rows the next
page repeats, and reunites a cell whose text the page break cut in two (see ``_is_cut``).

Every cell keeps its page and box, so a value can be found on paper.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pdfplumber
import pdfplumber.page
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from parsers.formats.base import ParseOptions, Services
from parsers.text import clean_text, is_wide
from schemas.errors import CorruptDocument, EncryptedDocument, NeedsOCR, ResourceLimit
from schemas.records import BBox, Block, Cell, Paragraph, RawDocument, Table

Char = dict[str, Any]
_CID = re.compile(r"^\(cid:\d+\)$")
_PAGE_FURNITURE = re.compile(r"^[-—–\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*[/／共]\s*\d+\s*页?)?[-—–\s]*$")


# ----------------------------------------------------------------------------------------------
# Geometry: cells → grid
# ----------------------------------------------------------------------------------------------
def snap_edges(values: Iterable[float], tolerance: float) -> list[float]:
    """Distinct coordinates, values within ``tolerance`` of each other merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _index(edges: Sequence[float], value: float) -> int:
    """Index of the edge nearest to ``value``."""
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


@dataclass
class _Box:
    """A cell while a table is assembled (mutable: joins across pages extend it)."""

    row: int
    col: int
    row_span: int
    col_span: int
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    chars: list[Char] = field(default_factory=list)
    text: str = ""
    # geometry of its last text line (for cut detection at page breaks)
    last_line_bottom: float | None = None
    last_line_right: float | None = None
    first_line_top: float | None = None
    first_line_lead: float = 0.0  # what a line break moved to the first line (``_lead_width``)
    confidence: float | None = None  # OCR recognition confidence (``parsers.formats.scan``)
    paper: BBox | None = None  # the box on the page as scanned, where OCR read a turned page


@dataclass
class _PartTable:
    """A table as found on one page (before joining)."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    boxes: list[_Box]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


def cells_to_grid(cells: Sequence[tuple[float, float, float, float]], page: int, tol: float) -> _PartTable:
    xs = snap_edges([c[0] for c in cells] + [c[2] for c in cells], tol)
    ys = snap_edges([c[1] for c in cells] + [c[3] for c in cells], tol)
    boxes = []
    for x0, top, x1, bottom in cells:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0:
            continue  # a sliver thinner than the snap tolerance
        boxes.append(_Box(r0, c0, r1 - r0, c1 - c0, x0, top, x1, bottom, page))
    boxes.sort(key=lambda b: (b.row, b.col))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return _PartTable(page, bbox, xs, ys, boxes)


# ----------------------------------------------------------------------------------------------
# Text: chars → cells → lines
# ----------------------------------------------------------------------------------------------
def chars_to_cells(chars: Iterable[Char], tables: Sequence[_PartTable]) -> list[Char]:
    """Give every char to the cell holding its centre; return the chars outside every table."""
    lookups = []
    for t in tables:
        cover: dict[tuple[int, int], _Box] = {}
        for b in t.boxes:
            for r in range(b.row, b.row + b.row_span):
                for c in range(b.col, b.col + b.col_span):
                    cover[(r, c)] = b
        lookups.append((t, cover))
    outside = []
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for t, cover in lookups:
            x0, top, x1, bottom = t.bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                r = bisect.bisect_right(t.ys, cy) - 1
                c = bisect.bisect_right(t.xs, cx) - 1
                box = cover.get((min(r, t.n_rows - 1), min(c, t.n_cols - 1)))
                if box is not None:
                    box.chars.append(ch)
                    break
        else:
            outside.append(ch)
    return outside


def _vertical(ch: Char) -> bool:
    return not ch.get("upright", True)


def chars_to_lines(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into lines in reading order.

    Horizontal text: lines top to bottom, chars left to right. Vertical text (``upright`` false,
    e.g. a 绩效指标 label written with text direction tbRl): columns are the lines, read in the
    direction the glyphs advance (from the char matrix), columns right to left for text running
    downward (tbRl) and left to right for text running upward (btLr).
    """
    if not chars:
        return []
    vertical = sum(1 for c in chars if _vertical(c)) * 2 > len(chars)
    if not vertical:
        ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
        lines: list[list[Char]] = []
        for ch in ordered:
            if lines:
                line = lines[-1]
                ref = line[0]
                tol = 0.5 * min(ref["size"], ch["size"])
                if abs(ch["top"] - ref["top"]) <= tol or abs(ch["bottom"] - ref["bottom"]) <= tol:
                    line.append(ch)
                    continue
            lines.append([ch])
        return [sorted(line, key=lambda c: c["x0"]) for line in lines]
    # vertical: matrix (a, b, c, d, e, f); b > 0 → glyphs advance up the page (PDF y grows upward)
    upward = sum(1 for c in chars if (c.get("matrix") or (1, 0))[1] > 0) * 2 > len(chars)
    ordered = sorted(chars, key=lambda c: (c["x0"], c["top"]))
    columns: list[list[Char]] = []
    for ch in ordered:
        if columns and abs(ch["x0"] - columns[-1][0]["x0"]) <= 0.5 * ch["size"]:
            columns[-1].append(ch)
        else:
            columns.append([ch])
    for col in columns:
        col.sort(key=lambda c: c["top"], reverse=upward)
    return columns if upward else columns[::-1]


def _line_text(line: list[Char]) -> str:
    out = ""
    prev: Char | None = None
    for ch in line:
        text = ch["text"]
        if prev is not None and not _vertical(ch):
            gap = ch["x0"] - prev["x1"]
            if gap > 0.25 * ch["size"] and not (is_wide(text[:1]) or is_wide(out[-1:])):
                out += " "
        out += text
        prev = ch
    return out


_DIGITISH = frozenset("0123456789.,%‰")


#: Characters that may not begin a line (CJK line breaking moves them with the glyph before).
_NO_LINE_START = frozenset(")）]】」』》〉,，.。、;；:：!！?？%％")


def _lead_width(line: list[Char]) -> float:
    """Width of what a line break moved to this line at least: its first glyph and the closing
    punctuation glued to it ("分)" in real_001's 满意度指标(10|分))."""
    n = 1
    while n < len(line) and line[n]["text"] in _NO_LINE_START:
        n += 1
    head = line[:n]
    return float(max(c["x1"] for c in head) - head[0]["x0"])


def _cell_text(lines: list[list[Char]], right_edge: float) -> str:
    """The cell's lines joined: a soft wrap (the next glyph did not fit) inside a number
    ("1009.8" | "6", "94" | "%" in a narrow column) or inside one long token of Latin text (a URL,
    "document.title='" | "pwned'": a line without a space that ends mid-token) is closed up;
    every other break is a line break, left to ``clean_text`` exactly as a Word line break is."""
    out = ""
    prev_text = ""
    for i, line in enumerate(lines):
        text = _line_text(line)
        if i and out and text:
            prev = lines[i - 1]
            nxt = line[0]
            room = right_edge - max(c["x1"] for c in prev)
            soft = not _vertical(nxt) and room < _lead_width(line) + 0.6 * nxt["size"]
            in_number = out[-1] in _DIGITISH and text[0] in _DIGITISH
            in_token = not is_wide(out[-1]) and not is_wide(text[0]) and " " not in prev_text
            # a token broken where a line may break without a space (after "/" in a URL) too
            after_mark = in_token and out[-1] in "/-_.=&?:#"
            out += "" if (soft and (in_number or in_token)) or after_mark else "\n"
        out += text
        prev_text = text
    return out


def _fill_box(box: _Box) -> None:
    lines = chars_to_lines(box.chars)
    box.text = clean_text(_cell_text(lines, box.x1))
    if lines and not any(_vertical(c) for c in lines[-1]):
        box.last_line_bottom = max(c["bottom"] for c in lines[-1])
        box.last_line_right = max(c["x1"] for c in lines[-1])
        box.first_line_top = min(c["top"] for c in lines[0])
        box.first_line_lead = _lead_width(lines[0])


# ----------------------------------------------------------------------------------------------
# Joining tables across pages
# ----------------------------------------------------------------------------------------------
@dataclass
class _Joined:
    """A table being assembled from page parts: boxes in global rows."""

    parts: list[_PartTable]
    xs: list[float]
    boxes: list[_Box]
    n_rows: int
    header_rows: list[list[tuple[int, str]]]


def _row_texts(part: _PartTable, row: int) -> list[tuple[int, str]]:
    return [(b.col, b.text) for b in part.boxes if b.row == row]


def _repeats(row: list[tuple[int, str]], header: list[tuple[int, str]]) -> bool:
    """Whether a row repeats a header row: the same cells, at least four in five with the same
    text. (A merged side label that starts in the header row, 绩效指标, spills its last glyphs
    into the row below on repeated pages: long_form_three_pages.pdf.)"""
    if not row or [c for c, _ in row] != [c for c, _ in header]:
        return False
    same = sum(1 for (_, a), (_, b) in zip(row, header, strict=True) if a == b)
    return same * 5 >= len(header) * 4


def _same_columns(a: Sequence[float], b: Sequence[float], tol: float) -> bool:
    if abs(a[0] - b[0]) > tol or abs(a[-1] - b[-1]) > tol:
        return False
    inner_a, inner_b = a[1:-1], b[1:-1]
    if not inner_b:
        return True
    matched = sum(1 for x in inner_b if any(abs(x - y) <= tol for y in inner_a))
    return matched * 2 >= len(inner_b)


def _is_cut(above: _Box, below: _Box) -> bool:
    """Whether the page break cut one cell's text in two: the text above fills its cell to the
    bottom and to the right edge (it wrapped, and ran out of room), and the text below starts at
    the top of its cell. The seed form's PDF cuts 效益指|标 and 经济效|益指标 this way."""
    if not above.text or not below.text or above.last_line_bottom is None or below.first_line_top is None:
        return False
    line_h = max((c["bottom"] - c["top"] for c in above.chars), default=10.0)
    size = max((c["size"] for c in above.chars), default=10.0)
    fills_bottom = above.bottom - above.last_line_bottom < 0.8 * line_h
    room = above.x1 - (above.last_line_right or above.x1)
    fills_width = room < below.first_line_lead + 0.6 * size  # what follows did not fit (+ padding)
    starts_top = below.first_line_top - below.top < 0.8 * line_h
    return fills_bottom and fills_width and starts_top


def join_continued_tables(parts: list[tuple[_PartTable, bool]], tol: float) -> list[_Joined]:
    """Group page parts into tables. ``parts`` is in document order; the flag says whether the
    part continues the previous one (decided by the caller from page positions and text)."""
    out: list[_Joined] = []
    for part, continues in parts:
        if continues and out and _same_columns(out[-1].xs, part.xs, tol):
            _append(out[-1], part)
        else:
            rows = [_row_texts(part, r) for r in range(min(3, part.n_rows))]
            out.append(_Joined([part], list(part.xs), list(part.boxes), part.n_rows, rows))
    return out


def _append(joined: _Joined, part: _PartTable) -> None:
    """Continue ``joined`` with the next page's part.

    The first row of the part is either a *new row* or the rest of a row the page break *split*
    (Word lets rows break across pages). A split row's single-row cells hold only the text that
    overflowed, so each non-empty one continues a cell cut at the bottom of the page above
    (long_form_three_pages.pdf: 整治农贸市场周边秩|序); its row is folded into the last row above.
    In a new row only vertically merged cells can continue (seed: 效益指|标 over 指标2：).
    Geometry alone cannot tell "≥95%|≥3条" (two rows) from "…秩|序" (one cell): the other cells of
    the row can.
    """
    skip = 0  # 1. header rows the next page repeats (Word's "repeat as header row")
    while skip < part.n_rows and skip < len(joined.header_rows):
        if _repeats(_row_texts(part, skip), joined.header_rows[skip]):
            skip += 1
        else:
            break
    col_map = [_index(joined.xs, x) for x in part.xs]  # 2. the part's columns on the joined grid
    last_row = joined.n_rows - 1
    bottom = {b.col: b for b in joined.boxes if b.row + b.row_span - 1 == last_row}

    def above(b: _Box) -> _Box | None:
        a = bottom.get(col_map[b.col])
        return a if a is not None and a.col_span == col_map[b.col + b.col_span] - col_map[b.col] else None

    first = [b for b in part.boxes if b.row == skip]
    single = [
        (a, b)
        for b in first
        if b.text and b.row_span == 1 and (a := above(b)) is not None and a.row_span == 1
    ]
    split = bool(single) and all(_is_cut(a, b) for a, b in single)
    offset = joined.n_rows - skip - (1 if split else 0)
    for b in part.boxes:
        if b.row < skip:
            continue
        a = above(b) if b.row == skip else None
        if a is not None and (split or ((a.row_span > 1 or b.row_span > 1) and _is_cut(a, b))):
            if b.text:
                glue = "" if a.text and a.text[-1] in _DIGITISH and b.text[0] in _DIGITISH else "\n"
                a.text = clean_text(a.text + glue + b.text)
                if b.confidence is not None:
                    a.confidence = min(b.confidence, a.confidence if a.confidence is not None else 1.0)
            a.row_span += b.row_span - (1 if split else 0)
            continue  # the box stays the first page's part: where the cell starts on paper
        c0, c1 = col_map[b.col], col_map[b.col + b.col_span]
        joined.boxes.append(replace(b, row=b.row + offset, col=c0, col_span=c1 - c0, chars=[]))
    joined.n_rows = offset + part.n_rows
    joined.parts.append(part)


def _to_table(joined: _Joined, index: int) -> Table:
    cells = tuple(
        Cell(
            b.row,
            b.col,
            b.row_span,
            b.col_span,
            b.text,
            b.page,
            b.paper or BBox(b.x0, b.top, b.x1, b.bottom),
            extent=(b.x0, b.x1),
            confidence=b.confidence,
        )
        for b in sorted(joined.boxes, key=lambda b: (b.row, b.col))
    )
    return Table(index, joined.n_rows, len(joined.xs) - 1, cells, page=joined.parts[0].page)


# ----------------------------------------------------------------------------------------------
# Pages
# ----------------------------------------------------------------------------------------------
@dataclass
class _PageContent:
    number: int
    items: list[tuple[float, _PartTable | str]]  # (top, table part or a line of text)
    ocr_reason: str | None = None


def _page_content(page: Any, options: ParseOptions) -> _PageContent:
    number = page.page_number
    page = page.dedupe_chars(tolerance=1)
    chars = page.chars
    ocr_reason = None
    if len(chars) < options.min_text_chars and page.images:
        ocr_reason = "no text layer (a scanned image)"
    elif chars:
        cids = sum(1 for c in chars if _CID.match(c["text"]))
        if cids / len(chars) > options.max_cid_share:
            ocr_reason = f"{cids} of {len(chars)} glyphs have no Unicode mapping ((cid:N))"
    settings = {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": options.snap_tolerance,
        "join_tolerance": options.join_tolerance,
    }
    parts = [
        cells_to_grid(t.cells, number, options.snap_tolerance)
        for t in page.find_tables(table_settings=settings)
        if len(t.cells) >= 2
    ]
    outside = chars_to_cells(chars, parts)
    for part in parts:
        for box in part.boxes:
            _fill_box(box)
    items: list[tuple[float, _PartTable | str]] = [(p.bbox[1], p) for p in parts]
    for line in chars_to_lines(outside):
        text = clean_text(_line_text(line))
        if text:
            items.append((min(c["top"] for c in line), text))
    items.sort(key=lambda it: it[0])
    return _PageContent(number, items, ocr_reason)


def _continues(prev_page: _PageContent, prev_idx: int, page: _PageContent, idx: int) -> bool:
    """A table part continues the last table of the previous page when only page furniture
    (page numbers) lies after that table and before this part."""
    between = [*prev_page.items[prev_idx + 1 :], *page.items[:idx]]
    return all(isinstance(t, str) and _PAGE_FURNITURE.match(t) for _, t in between)


def _reading_share(chars: list[Char]) -> float:
    """Share of glyphs that read left to right (matrix a > 0, b ≈ 0)."""
    if not chars:
        return 0.0
    ok = sum(1 for c in chars if (m := c.get("matrix")) and m[0] > 0 and abs(m[1]) < 1e-6)
    return ok / len(chars)


def _upright(pdf: Any, page: Any) -> Any:
    """The page in the frame its text reads in. A portrait page printed with ``/Rotate 90`` (a
    scanner or a "rotate page" tool) shows its text sideways; pdfplumber applies the rotation, so
    the same page is read again without it when that makes the text read left to right
    (pdf_rotated_page.pdf)."""
    if not page.rotation:
        return page
    obj = page.page_obj
    rotation = obj.rotate
    obj.rotate = 0
    plain = pdfplumber.page.Page(pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
    if _reading_share(plain.chars) >= 0.5:
        return plain
    obj.rotate = rotation
    return page


def _open(data: bytes) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except (MemoryError, RecursionError):
        raise
    except PdfminerException as e:
        _raise_resource_errors(e)
        cause = e.args[0] if e.args else e
        name = type(cause).__name__
        if "Password" in name or "Encrypt" in name:
            raise EncryptedDocument(
                "the PDF is password-protected: remove the password and submit again"
            ) from e
        raise CorruptDocument(f"not a readable PDF ({name}: {cause})") from e
    except Exception as e:  # pdfminer raises a zoo of errors on malformed files
        raise CorruptDocument(f"not a readable PDF ({type(e).__name__}: {e})") from e


#: What pdfminer raises on a malformed page (its own errors, and plain ones from bad values).
_MALFORMED = (
    PdfminerException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OverflowError,
    zlib.error,
)


def _raise_resource_errors(e: Exception) -> None:
    """Memory exhaustion and recursion depth are limits, not damage: pdfplumber wraps them in
    ``PdfminerException``; they are raised as they are (``resource_limit`` for the caller)."""
    cause = e.args[0] if isinstance(e, PdfminerException) and e.args else None
    if isinstance(cause, (MemoryError, RecursionError)):
        raise cause from e


def _pages(pdf: Any) -> list[Any]:
    """Every page of the document: its page tree (or a broken xref behind it) is the file's."""
    try:
        return list(pdf.pages)
    except (MemoryError, RecursionError):
        raise
    except Exception as e:  # pdfminer raises a zoo of errors on malformed files
        _raise_resource_errors(e)
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        raise CorruptDocument(f"the PDF's pages cannot be read ({type(cause).__name__}: {cause})") from e


def parse_pdf(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """Parse a PDF's bytes into paragraphs (text lines) and tables, in reading order."""
    pdf = _open(data)
    try:
        all_pages = _pages(pdf)
        if len(all_pages) > options.max_pages:
            raise ResourceLimit(
                f"the PDF has {len(all_pages)} pages, more than the {options.max_pages}-page limit"
            )
        pages = []
        for page in all_pages:
            try:
                pages.append(_page_content(_upright(pdf, page), options))
            except _MALFORMED as e:
                _raise_resource_errors(e)
                raise CorruptDocument(
                    f"page {page.page_number} cannot be read ({type(e).__name__}: {e})"
                ) from e
            finally:
                page.close()
    finally:
        # close() walks the page tree again: on a broken one it raises what _pages reported
        with contextlib.suppress(Exception):
            pdf.close()
    unplaced: tuple[tuple[int, str], ...] = ()
    notes: list[str] = []
    read: tuple[int, ...] = ()
    if options.ocr == "force" or (options.ocr == "auto" and any(p.ocr_reason for p in pages)):
        from parsers.formats.ocr_service import ocr_pdf_pages  # OCR: only for scans

        pages, unplaced, notes, read = ocr_pdf_pages(data, pages, options, services)
    ocr = [(p.number, p.ocr_reason) for p in pages if p.ocr_reason]
    if ocr and len(ocr) == len(pages):
        raise NeedsOCR(f"needs OCR: {ocr[0][1]}" + (f" on all {len(pages)} pages" if len(pages) > 1 else ""))
    doc = _assemble(pages, options, ocr)
    return replace(doc, warnings=(*notes, *doc.warnings), unplaced=unplaced, ocr_read=read) if read else doc


def _assemble(
    pages: list[_PageContent], options: ParseOptions, ocr: Sequence[tuple[int, str | None]]
) -> RawDocument:
    # Decide which table parts continue the previous page's last table.
    sequence: list[tuple[int, _PartTable | str]] = []  # (page number, item) in reading order
    flags: dict[int, bool] = {}
    prev: tuple[_PageContent, int] | None = None
    for page in pages:
        first_table = next((i for i, (_, it) in enumerate(page.items) if isinstance(it, _PartTable)), None)
        for i, (_, item) in enumerate(page.items):
            if isinstance(item, _PartTable):
                flags[id(item)] = bool(i == first_table and prev is not None and _continues(*prev, page, i))
            sequence.append((page.number, item))
        last_table = max(
            (i for i, (_, it) in enumerate(page.items) if isinstance(it, _PartTable)), default=None
        )
        prev = (page, last_table) if last_table is not None else None
    parts = [(it, flags[id(it)]) for _, it in sequence if isinstance(it, _PartTable)]
    joined = join_continued_tables(parts, options.page_join_tolerance)
    first_part = {id(j.parts[0]): j for j in joined}
    blocks: list[Block] = []
    n_par = n_tab = 0
    for page_no, item in sequence:
        if isinstance(item, str):
            if not _PAGE_FURNITURE.match(item):
                blocks.append(Paragraph(n_par, item, page_no))
                n_par += 1
        elif id(item) in first_part:
            blocks.append(_to_table(first_part[id(item)], n_tab))
            n_tab += 1
    warnings = tuple(f"page {n}: needs OCR: {why}" for n, why in ocr)
    return RawDocument(
        "pdf", tuple(blocks), n_pages=len(pages), warnings=warnings, ocr_pages=tuple(n for n, _ in ocr)
    )
