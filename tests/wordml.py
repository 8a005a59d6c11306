"""Tiny synthetic .docx files written as WordprocessingML, for structural edge cases.

``docx(body)`` wraps ``<w:body>`` content into a minimal package; ``tbl``/``tr``/``tc``/``p``
spell the elements. Deliberately hand-written XML (not python-docx): these tests check the
parser against the OOXML schema, including constructs python-docx cannot produce.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def document_xml(body: str, prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{prolog}<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )


def docx(body: str, *, prolog: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document_xml(body, prolog))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def p(text: str = "") -> str:
    if not text:
        return "<w:p/>"
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f"<w:p><w:r>{runs}</w:r></w:p>"


def tc(
    text: str = "",
    *,
    span: int = 1,
    vmerge: str | None = None,
    hmerge: str | None = None,
    body: str = "",
    width: int | None = None,
) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>' if width is not None else ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    if hmerge:
        props += f'<w:hMerge w:val="{hmerge}"/>' if hmerge == "restart" else "<w:hMerge/>"
    pr = f"<w:tcPr>{props}</w:tcPr>" if props else ""
    return f"<w:tc>{pr}{body or p(text)}</w:tc>"


def tr(*cells: str, before: int = 0, after: int = 0, deleted: bool = False) -> str:
    props = ""
    if before:
        props += f'<w:gridBefore w:val="{before}"/>'
    if after:
        props += f'<w:gridAfter w:val="{after}"/>'
    if deleted:
        props += '<w:del w:id="9" w:author="审核" w:date="2022-01-01T00:00:00Z"/>'
    pr = f"<w:trPr>{props}</w:trPr>" if props else ""
    return f"<w:tr>{pr}{''.join(cells)}</w:tr>"


def tbl(*rows: str, cols: int, widths: list[int] | None = None) -> str:
    """A table; ``widths`` are the ``w:gridCol`` widths in twips (default 1000 each)."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in (widths or [1000] * cols))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def grid_table(rows: list[list[tuple[str, int]]], widths: list[int]) -> str:
    """A table drawn on a fine grid: each row a list of (text, grid columns spanned), every row
    free to be cut differently (as tables drawn by hand in Word are)."""
    return tbl(*[tr(*[tc(t, span=n) for t, n in r]) for r in rows], cols=len(widths), widths=widths)


def sdt(content: str) -> str:
    """A content control wrapping block, row or cell content."""
    return f'<w:sdt><w:sdtPr><w:alias w:val="field"/></w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>'


def table_rows(rows: list[list[str]]) -> str:
    """A plain table of text rows (no merges), as many columns as the widest row."""
    cols = max(len(r) for r in rows)
    return tbl(*[tr(*[tc(t) for t in r]) for r in rows], cols=cols)


# The rows of a minimal national-layout form, for tests that build one (text cells only).
FUNDS_HEADER = ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
FUNDS_ROWS = [
    ["", "年度资金总额", "100", "100", "95", "10", "95%", "9.5"],
    ["", "其中：当年财政拨款", "100", "100", "95", "—", "95%", "—"],
]
INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
