"""Tables placed in twips → WordprocessingML, with the grid Word itself would write.

A table is a list of rows; a row a list of ``PCell`` placed by their left and right edge in
twips (1/1440 inch) and how many rows they span downward. The ``w:tblGrid`` is every edge of
every row (so a table whose rows are cut differently gets as many ``w:gridCol`` as Word gives a
hand-drawn table); each cell's ``w:gridSpan`` is the number of grid columns between its edges,
its ``w:tcW`` its width; a vertically merged cell is written ``w:vMerge="restart"`` and repeated
as ``w:vMerge`` continuation cells below; a row that starts or stops short of the table's edges
gets ``w:gridBefore``/``w:gridAfter`` (or, ``short``, nothing: a short row Word also accepts).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from tests import wordml


@dataclass(slots=True)
class PCell:
    text: str
    x0: int
    x1: int
    rs: int = 1
    #: A total of the column above (the 总分 row's 分值 and 得分): a workbook writes it as a
    #: ``SUM`` formula holding the printed number as its saved result.
    total: bool = False


@dataclass(slots=True)
class PRow:
    cells: list[PCell]
    #: The row stops short without declaring the missing grid columns (no ``w:gridAfter``).
    short: bool = False
    header: bool = False


BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _para(text: str) -> str:
    if not text:
        return "<w:p/>"
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr><w:r><w:rPr><w:sz w:val="18"/></w:rPr>{runs}</w:r></w:p>'


def table_xml(rows: list[PRow], width: int) -> str:
    """One ``w:tbl``. Cells of a row must be contiguous; vertical merges are expanded here."""
    placed: list[list[tuple[PCell, str | None]]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        for cell in row.cells:
            placed[r].append((cell, "restart" if cell.rs > 1 else None))
            for below in range(r + 1, min(r + cell.rs, len(rows))):
                placed[below].append((PCell("", cell.x0, cell.x1), "continue"))
    edges = sorted({0, width, *(x for row in placed for c, _ in row for x in (c.x0, c.x1))})
    index = {x: i for i, x in enumerate(edges)}
    grid = "".join(f'<w:gridCol w:w="{b - a}"/>' for a, b in itertools.pairwise(edges))
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:tblBorders>{BORDERS}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="40" w:type="dxa"/>'
        '<w:right w:w="40" w:type="dxa"/></w:tblCellMar></w:tblPr>',
        f"<w:tblGrid>{grid}</w:tblGrid>",
    ]
    for row, cells in zip(rows, placed, strict=True):
        cells.sort(key=lambda cv: cv[0].x0)
        for (a, _), (b, _) in itertools.pairwise(cells):
            if a.x1 != b.x0:
                raise ValueError(f"cells not contiguous: {a} then {b}")
        props = ""
        before = index[cells[0][0].x0] if cells else 0
        after = len(edges) - 1 - index[cells[-1][0].x1] if cells else 0
        if before:
            props += f'<w:gridBefore w:val="{before}"/><w:wBefore w:w="{cells[0][0].x0}" w:type="dxa"/>'
        if after and not row.short:
            props += f'<w:gridAfter w:val="{after}"/><w:wAfter w:w="{width - cells[-1][0].x1}" w:type="dxa"/>'
        if row.header:
            props += "<w:tblHeader/>"
        out.append(f"<w:tr><w:trPr>{props}<w:cantSplit/></w:trPr>")
        for cell, vmerge in cells:
            span = index[cell.x1] - index[cell.x0]
            out.append(wordml.tc(span=span, vmerge=vmerge, body=_para(cell.text), width=cell.x1 - cell.x0))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


#: A4 landscape with 1.5 cm margins: 16838 × 11906 twips, 14138 twips of line width.
SECTION = (
    '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
    '<w:pgMar w:top="850" w:right="850" w:bottom="850" w:left="850" w:header="0" w:footer="0" w:gutter="0"/>'
    "</w:sectPr>"
)
LINE_WIDTH = 16838 - 2 * 850


def paragraph(text: str, *, center: bool = False, size: int = 0) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    rpr = f'<w:rPr><w:b/><w:sz w:val="{size}"/></w:rPr>' if size else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def document(body: list[str]) -> bytes:
    """A minimal .docx package (tests/wordml.py) around the given block XML."""
    return wordml.docx("".join(body) + SECTION)
