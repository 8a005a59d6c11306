"""A small kit for writing Word forms the way real ones are made (used by ``build.py``).

Tables are described like HTML tables: rows of cells with ``cs`` (column span) and ``rs`` (row
span); the kit merges them with python-docx's ``merge()``, which writes ``w:gridSpan`` and
``w:vMerge`` exactly as Word does. Output is byte-for-byte reproducible (fixed zip timestamps and
core properties), so a sample's sha256 — and every ``form_id`` — is stable.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

FIXED_TIME = dt.datetime(2022, 3, 1, 9, 0, 0)
ZIP_TIME = (2022, 3, 1, 9, 0, 0)


@dataclass(frozen=True)
class C:
    """A cell: text ('\\n' starts a new paragraph), column span, row span."""

    text: str = ""
    cs: int = 1
    rs: int = 1
    bold: bool = False
    center: bool = False


Row = list[C]


class Doc:
    def __init__(self, *, landscape: bool = False, font: str = "宋体", size: float = 10.5) -> None:
        self.d = Document()
        style = self.d.styles["Normal"]
        style.font.name = font
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), font)
        sec = self.d.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        if landscape:
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = Cm(2.0)
        sec.top_margin = sec.bottom_margin = Cm(2.0)
        cp = self.d.core_properties
        cp.author = "jixiao sample_docs"
        cp.created = cp.modified = FIXED_TIME
        cp.last_modified_by = "jixiao sample_docs"
        cp.revision = 1

    @property
    def text_width_cm(self) -> float:
        sec = self.d.sections[0]
        return float((sec.page_width - sec.left_margin - sec.right_margin) / 360000)

    def para(self, text: str, *, bold: bool = False, size: float | None = None, center: bool = False) -> None:
        p = self.d.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)

    def page_break(self) -> None:
        self.d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, n_cols: int, rows: list[Row], widths: list[float] | None = None) -> Table:
        placed = _place(n_cols, rows)
        n_rows = len(rows)
        t = self.d.add_table(rows=n_rows, cols=n_cols)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        if widths is None:
            widths = [self.text_width_cm / n_cols] * n_cols
        scale = self.text_width_cm / sum(widths)
        for i, w in enumerate(widths):
            t.columns[i].width = Cm(w * scale)
            for cell in t.columns[i].cells:
                cell.width = Cm(w * scale)
        for r, c, cell in placed:
            target = t.cell(r, c)
            if cell.cs > 1 or cell.rs > 1:
                target = target.merge(t.cell(r + cell.rs - 1, c + cell.cs - 1))
            _set_text(target, cell)
        return t

    def save(self, path: Path) -> None:
        buf = io.BytesIO()
        self.d.save(buf)
        path.write_bytes(reproducible_zip(buf.getvalue()))


def _place(n_cols: int, rows: list[Row]) -> list[tuple[int, int, C]]:
    """HTML-style placement: each cell goes to the next grid position not covered from above."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, C]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if c + cell.cs > n_cols:
                raise ValueError(f"row {r}: cells overflow {n_cols} columns")
            if r + cell.rs > len(rows):
                raise ValueError(f"row {r}: row span {cell.rs} runs past the table")
            for rr in range(r, r + cell.rs):
                for cc in range(c, c + cell.cs):
                    taken.add((rr, cc))
            out.append((r, c, cell))
            c += cell.cs
        while (r, c) in taken:
            c += 1
        if c != n_cols:
            raise ValueError(f"row {r}: fills {c} of {n_cols} columns")
    return out


def _set_text(target: object, cell: C) -> None:
    from docx.table import _Cell

    assert isinstance(target, _Cell)
    lines = cell.text.split("\n")
    paragraphs = target.paragraphs
    # merge() keeps one empty paragraph per merged cell: keep the first, drop the rest
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = target.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else target.add_paragraph()
        if cell.center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if line:
            run = p.add_run(line)
            run.bold = cell.bold


def replace_in_document(data: bytes, old: str, new: str) -> bytes:
    """The .docx with ``old`` replaced by ``new`` in ``word/document.xml``: the same structure,
    other bytes (corpora of thousands of distinct forms without building each one)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(old.encode(), new.encode())
            dst.writestr(info, body)
    return out.getvalue()


def reproducible_zip(data: bytes, patch: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same package with fixed member timestamps, so rebuilding gives identical bytes; each
    member named in ``patch`` rewritten by its function on the way."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if patch and info.filename in patch:
                body = patch[info.filename](body)
            dst.writestr(fixed, body)
    return out.getvalue()


# Children of w:tcPr / w:trPr that must come after the element being inserted (schema order).
_AFTER_TEXT_DIRECTION = ("w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns", "w:cellDel")
_AFTER_TBL_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


def _insert_before(parent: object, child: object, later: tuple[str, ...]) -> None:
    from lxml import etree

    assert isinstance(parent, etree._Element) and isinstance(child, etree._Element)
    for tag in later:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def vertical_text(cell: object, direction: str = "tbRl") -> None:
    """Write a cell's text vertically (``w:textDirection``), as Word's 文字方向 does."""
    from docx.table import _Cell

    assert isinstance(cell, _Cell)
    el = OxmlElement("w:textDirection")
    el.set(qn("w:val"), direction)
    _insert_before(cell._tc.get_or_add_tcPr(), el, _AFTER_TEXT_DIRECTION)


def repeat_as_header(table: Table, n_rows: int = 1) -> None:
    """Mark the first ``n_rows`` rows to repeat at the top of every page (``w:tblHeader``)."""
    for row in table.rows[:n_rows]:
        _insert_before(row._tr.get_or_add_trPr(), OxmlElement("w:tblHeader"), _AFTER_TBL_HEADER)
