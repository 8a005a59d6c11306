"""Word (.docx) → ``RawDocument``: paragraphs and tables with true spans, in document order.

Reads ``word/document.xml`` with ``zipfile`` + ``lxml`` and walks the WordprocessingML itself,
named after the OOXML schema (``w:tc``, ``w:gridSpan``, ``w:vMerge``, ``w:gridBefore``). Why not
python-docx's ``row.cells``: it repeats a merged cell in every grid position it covers, skips rows
and cells wrapped in content controls (``w:sdt``), and loads every package part.

Handled: ``gridSpan``; ``vMerge`` restart/continue (each merged cell emitted once, ``row_span``
counted); legacy ``hMerge``; ``gridBefore``/``gridAfter`` and short rows; rows, cells and
blocks inside ``w:sdt``/``w:customXml``; nested tables (emitted after their parent, their text
not repeated in the parent cell); tracked deletions (``w:del``, ``w:moveFrom``, deleted rows)
ignored; ``w:sym`` symbols from the Symbol font (≥ ≤ typed via Insert Symbol).

Guards: the main part is located through ``_rels/.rels``; decompression is capped (zip bomb);
DTDs are refused and entities never expanded (billion laughs).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from lxml import etree

from parsers.formats.base import ParseOptions, Services
from parsers.formats.zipparts import parse_xml, read_part
from parsers.text import clean_text
from schemas.errors import CorruptDocument, UnsupportedFormat
from schemas.records import Block, Cell, Paragraph, RawDocument, Table

W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS: Final = {"w": W}
_OFFICE_DOC_REL: Final = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (
    _q("p"),
    _q("tbl"),
    _q("tr"),
    _q("tc"),
    _q("sdt"),
    _q("sdtContent"),
    _q("customXml"),
)
VAL: Final = _q("val")
TC_PR, GRID_SPAN, V_MERGE, H_MERGE = _q("tcPr"), _q("gridSpan"), _q("vMerge"), _q("hMerge")

# Text-bearing elements of a paragraph, in document order, outside deleted or duplicated content.
# mc:Fallback repeats mc:Choice; text boxes (w:txbxContent) are drawings, not cell text.
_RUN_CONTENT: Final = etree.XPath(
    "(.//w:t | .//w:tab | .//w:br | .//w:cr | .//w:sym | .//w:noBreakHyphen)"
    "[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)"
    " and not(ancestor::*[local-name()='Fallback'])]",
    namespaces=_NS,
)

# Symbol-font code points (w:sym w:char) of the characters forms use; others are dropped.
_SYMBOL_FONT: Final = {0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB9: "≠", 0x3D: "="}


def _open_main_part(data: bytes, options: ParseOptions) -> bytes:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise CorruptDocument(f"not a readable .docx (zip container broken: {e})") from e
    with zf:
        names = set(zf.namelist())
        name = _main_part_name(zf, names, options)
        if name is None:
            if "xl/workbook.xml" in names:
                raise UnsupportedFormat("an Excel workbook (.xlsx), not a Word document")
            if "ppt/presentation.xml" in names:
                raise UnsupportedFormat("a PowerPoint file (.pptx), not a Word document")
            raise CorruptDocument("zip archive without word/document.xml: not a Word document")
        return read_part(zf, name, options)


def _main_part_name(zf: zipfile.ZipFile, names: set[str], options: ParseOptions) -> str | None:
    if "_rels/.rels" in names:
        rels = parse_xml(read_part(zf, "_rels/.rels", options), "_rels/.rels")
        for rel in rels:
            if rel.get("Type") in _OFFICE_DOC_REL:
                target = (rel.get("Target") or "").lstrip("/")
                if target in names:
                    return target
    return "word/document.xml" if "word/document.xml" in names else None


_TEXT_TAGS: Final = tuple(_q(t) for t in ("t", "tab", "br", "cr", "sym", "noBreakHyphen"))
_HIDDEN_TAGS: Final = (
    _q("del"),
    _q("moveFrom"),
    _q("txbxContent"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
)


def _has_hidden_content(root: etree._Element) -> bool:
    """Whether any text sits in deletions, moves, text boxes or fallbacks (rare in forms)."""
    return next(root.iter(*_HIDDEN_TAGS), None) is not None


def _paragraph_text(p: etree._Element, careful: bool = True) -> str:
    """The paragraph's visible text. ``careful=False`` (no hidden content anywhere in the
    document) takes a fast path: a plain descendant walk instead of the filtering XPath."""
    parts: list[str] = []
    found: Iterable[object] = _RUN_CONTENT(p) if careful else p.iter(*_TEXT_TAGS)  # type: ignore[assignment]
    for el in found:
        if not isinstance(el, etree._Element):
            continue
        tag = el.tag
        if tag == _q("t"):
            parts.append(el.text or "")
        elif tag == _q("tab"):
            parts.append(" ")
        elif tag in (_q("br"), _q("cr")):
            parts.append("\n")
        elif tag == _q("noBreakHyphen"):
            parts.append("-")
        elif tag == _q("sym"):
            code = el.get(_q("char")) or ""
            if code and all(c in "0123456789abcdefABCDEF" for c in code):
                parts.append(_SYMBOL_FONT.get(int(code, 16) & 0xFF, ""))
    return "".join(parts)


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content controls and custom XML wrappers."""
    out: list[etree._Element] = []
    for child in el:
        ctag = child.tag
        if ctag == tag:
            out.append(child)
        elif ctag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                out.extend(_children(content, tag))
        elif ctag == CUSTOM_XML or ctag in (_q("ins"), _q("moveTo")):
            out.extend(_children(child, tag))
    return out


def _blocks(el: etree._Element) -> list[etree._Element]:
    """Block-level content (w:p, w:tbl) in order, through content controls and custom XML."""
    out: list[etree._Element] = []
    for child in el:
        ctag = child.tag
        if ctag in (P, TBL):
            out.append(child)
        elif ctag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                out.extend(_blocks(content))
        elif ctag == CUSTOM_XML:
            out.extend(_blocks(child))
    return out


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(VAL, default))
    except ValueError:
        return default


def _grid_edges(grid: etree._Element | None) -> list[float]:
    """The column edges of a table in points, from its ``w:tblGrid`` (``w:gridCol w:w`` in
    twentieths of a point); empty when the grid is missing or a width is not a positive number."""
    if grid is None:
        return []
    edges = [0.0]
    for col in grid.findall(_q("gridCol")):
        try:
            width = float(col.get(_q("w"), ""))
        except ValueError:
            return []
        if not width > 0 or width > 1e6:
            return []
        edges.append(edges[-1] + width / 20)
    return edges if len(edges) > 1 else []


def _extent(edges: list[float], cell: _CellBuilder) -> tuple[float, float] | None:
    """The cell's horizontal extent in points; None where the grid does not cover it."""
    end = cell.col + cell.col_span
    if not edges or end >= len(edges):
        return None
    return (edges[cell.col], edges[end])


@dataclass(slots=True)
class _CellBuilder:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


class _DocumentWalker:
    """Walks one document; holds only per-document state (table counter, output lists)."""

    def __init__(self, careful: bool) -> None:
        self.blocks: list[Block] = []
        self.n_tables = 0
        self.n_paragraphs = 0
        self.careful = careful
        self.warnings: list[str] = []

    def walk_body(self, body: etree._Element) -> None:
        for el in _blocks(body):
            if el.tag == P:
                text = clean_text(_paragraph_text(el, self.careful))
                if text:
                    self.blocks.append(Paragraph(self.n_paragraphs, text))
                    self.n_paragraphs += 1
            else:
                for table in self.table(el, nested_in=None):
                    self.blocks.append(table)

    def table(self, tbl: etree._Element, nested_in: int | None) -> list[Table]:
        """The table and, after it, the tables nested in its cells."""
        index = self.n_tables
        self.n_tables += 1
        nested: list[Table] = []
        grid = tbl.find(_q("tblGrid"))
        edges = _grid_edges(grid)
        n_cols = len(edges) - 1 if edges else 0
        cells: list[_CellBuilder] = []
        open_v: dict[int, _CellBuilder] = {}
        r = 0
        # Spans are read within the table's width: its grid, or without one its number of cells
        # (bounded by the file's size; a gridSpan of 2**31 would otherwise be a loop that long).
        trs = _children(tbl, TR)
        grid_cols = len(grid.findall(_q("gridCol"))) if grid is not None else 0
        limit, clamped = grid_cols or sum(len(_children(tr, TC)) for tr in trs), False
        for tr in trs:
            tr_pr = tr.find(_q("trPr"))
            if tr_pr is not None and tr_pr.find(_q("del")) is not None:
                continue  # a tracked row deletion
            tcs = _children(tr, TC)
            width = max(limit, len(tcs))  # a row with more cells than the grid has them all
            before = _int_attr(tr_pr.find(_q("gridBefore")) if tr_pr is not None else None, 0)
            first_col = col = min(max(0, before), width)
            clamped |= first_col != before
            prev: _CellBuilder | None = None
            for tc in tcs:
                span = 1
                vmerge: str | None = None
                hmerge: str | None = None
                tc_pr = tc.find(TC_PR)
                if tc_pr is not None:
                    for prop in tc_pr:
                        ptag = prop.tag
                        if ptag == GRID_SPAN:
                            wanted = _int_attr(prop, 1)
                            span = min(max(1, wanted), max(1, width - col))
                            clamped |= span != wanted and wanted > 1
                        elif ptag == V_MERGE:
                            vmerge = prop.get(VAL, "continue")
                        elif ptag == H_MERGE:
                            hmerge = prop.get(VAL, "continue")
                text = self.cell_text(tc, index, nested)
                if hmerge == "continue" and prev is not None:
                    prev.col_span += span
                    if text:
                        prev.text = f"{prev.text}\n{text}" if prev.text else text
                    col += span
                    continue
                above = open_v.get(col) if vmerge == "continue" else None
                if above is not None and above.col_span == span:
                    above.row_span = r - above.row + 1
                    if text:
                        above.text = f"{above.text}\n{text}" if above.text else text
                    cell = above
                else:
                    cell = _CellBuilder(r, col, 1, span, text)
                    cells.append(cell)
                    for c in range(col, col + span):
                        open_v.pop(c, None)
                    if vmerge is not None:  # restart (or a continue with nothing above it)
                        open_v[col] = cell
                prev = cell
                col += span
            after = _int_attr(tr_pr.find(_q("gridAfter")) if tr_pr is not None else None, 0)
            clamped |= not 0 <= after <= max(0, width - col)
            n_cols = max(n_cols, col + min(max(0, after), max(0, width - col)))
            for c in [c for c in open_v if c < first_col or c >= col]:
                del open_v[c]  # a short row ends the vertical merge in the columns it lacks
            r += 1
        if clamped:
            self.warnings.append(
                f"table {index + 1}: w:gridSpan/gridBefore/gridAfter beyond the table's {limit} "
                "grid columns, read within the grid"
            )
        frozen = tuple(
            Cell(b.row, b.col, b.row_span, b.col_span, clean_text(b.text), extent=_extent(edges, b))
            for b in sorted(cells, key=lambda b: (b.row, b.col))
        )
        return [Table(index, r, n_cols, frozen, nested_in=nested_in), *nested]

    def cell_text(self, tc: etree._Element, table_index: int, nested: list[Table]) -> str:
        lines: list[str] = []
        for el in _blocks(tc):
            if el.tag == P:
                lines.append(_paragraph_text(el, self.careful))
            else:
                nested.extend(self.table(el, nested_in=table_index))
        return "\n".join(lines)


def parse_docx(data: bytes, options: ParseOptions, services: Services | None = None) -> RawDocument:
    """Parse a .docx file's bytes into paragraphs and tables in document order."""
    root = parse_xml(_open_main_part(data, options), "word/document.xml")
    body = root.find(_q("body"))
    if body is None:
        raise CorruptDocument("word/document.xml has no w:body")
    walker = _DocumentWalker(careful=_has_hidden_content(body))
    walker.walk_body(body)
    return RawDocument("docx", tuple(walker.blocks), warnings=tuple(walker.warnings))
