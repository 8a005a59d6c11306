# ruff: noqa: E501 - the fixed XML parts of a workbook are clearer on one line each
"""A streaming .xlsx (SpreadsheetML) writer: rows go straight into the zip member as XML text.

openpyxl's write-only mode builds a cell object, binds a style and walks lxml for every cell —
about 30 µs a cell, 130 s for a workbook of 10,000 forms. What jixiao's workbook needs is small
and fixed (a handful of styles, inline strings, numbers, internal hyperlinks, frozen panes, an
auto-filter, a list validation, print settings), so it is written here directly: a few string
operations a cell, each sheet streamed into the zip as it is written.

Every text is written as an inline string (``t="inlineStr"``), never as a formula or an error
value, whatever it starts with; the caller makes it XML-safe (``pipeline.review.display.visible``
shows control characters) and this module escapes ``& < >``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from typing import IO, Any, Final
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter


class Style(IntEnum):
    """The cell formats of ``styles.xml`` (``cellXfs`` index)."""

    DEFAULT = 0
    HEADER = 1
    TEXT = 2
    WRAP = 3
    NUMBER = 4
    INT = 5
    MONEY = 6
    RATE = 7
    TEXT_QUOTED = 8  # quotePrefix: a text Excel would otherwise take as a formula when edited
    WRAP_QUOTED = 9
    LINK = 10
    SCORE = 11  # averages: two decimals
    NOTE = 12  # a summary sheet's note line (grey, wrapped)
    LINK_QUOTED = 13


QUOTED: Final = {Style.TEXT: Style.TEXT_QUOTED, Style.WRAP: Style.WRAP_QUOTED, Style.LINK: Style.LINK_QUOTED}

_STYLES_XML: Final = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0.00####"/><numFmt numFmtId="165" formatCode="0.00##%"/><numFmt numFmtId="166" formatCode="0.00"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font><font><i/><sz val="10"/><color rgb="FF595959"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="14">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1" quotePrefix="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1" quotePrefix="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1" quotePrefix="1"><alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""

_NS: Final = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml"
#: Column letters, computed once.
LETTERS: Final = [get_column_letter(i) for i in range(1, 1001)]


@dataclass(slots=True)
class SheetSpec:
    name: str
    widths: Sequence[float]
    #: Frozen: rows above and columns left of this (1-based) cell stay in view ("B2": header row
    #: and first column).
    freeze: str | None = "B2"
    autofilter: bool = True
    #: The header row repeated on every printed page.
    print_titles: bool = True
    landscape: bool = True
    hidden: frozenset[int] = frozenset()  # 0-based columns
    #: Cell ranges shown as one ("A40:J40").
    merges: tuple[str, ...] = ()
    #: Columns printed (the first n); None: all.
    print_columns: int | None = None
    #: (0-based column, allowed values): a drop-down list on every data row of that column.
    choices: tuple[int, Sequence[str]] | None = None


@dataclass(slots=True)
class _Written:
    spec: SheetSpec
    rows: int
    cols: int


@dataclass(slots=True)
class Cell:
    """A cell with a style and, optionally, a link to a cell of the workbook (``'表单'!A5``)."""

    value: Any
    style: Style = Style.TEXT
    link: str | None = None


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, bool):
        return "1" if value else "0"
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(slots=True)
class Workbook:
    """Sheets are written one after another (``sheet``), then ``close`` writes the workbook part."""

    path: Path
    title: str = ""
    _zip: zipfile.ZipFile = field(init=False)
    _sheets: list[_Written] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    def sheet(
        self, spec: SheetSpec, header: Sequence[str], rows: Iterable[Sequence[Any]], size_hint: int = 0
    ) -> int:
        """Write one sheet: the header row, then ``rows`` (a value is None → empty cell; a
        ``Cell``, or ``(value, Style)``, or a bare value: text style for str, number otherwise; a
        row may end with a row height in points as ``Height``). Returns the data rows written.
        ``size_hint`` (rows expected): a sheet that may pass 2 GiB of XML is written with ZIP64
        headers, which every reader of a small file need not meet."""
        n = len(self._sheets) + 1
        ncols = len(header)
        links: list[str] = []
        last = LETTERS[ncols - 1]
        big = size_hint * ncols > 20_000_000
        with self._zip.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=big) as fh:
            _write_head(fh, spec, n == 1, ncols)
            fh.write(b"<sheetData>")
            fh.write(_row(1, [Cell(h, Style.HEADER) for h in header], None, links).encode("utf-8"))
            count = 0
            buffer: list[str] = []
            for count, row in enumerate(rows, 1):
                height = None
                if row and isinstance(row[-1], Height):
                    height, row = row[-1], row[:-1]
                buffer.append(_row(count + 1, row, height, links))
                if len(buffer) >= 512:
                    fh.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            fh.write("".join(buffer).encode("utf-8"))
            fh.write(b"</sheetData>")
            tail = []
            if spec.autofilter:
                tail.append(f'<autoFilter ref="A1:{last}{count + 1}"/>')
            if spec.merges:
                ranges = "".join(f'<mergeCell ref="{m}"/>' for m in spec.merges)
                tail.append(f'<mergeCells count="{len(spec.merges)}">{ranges}</mergeCells>')
            if spec.choices is not None and count:
                col, values = spec.choices
                letter = LETTERS[col]
                listing = escape('"' + ",".join(values) + '"')
                tail.append(
                    f'<dataValidations count="1"><dataValidation type="list" allowBlank="1" '
                    f'showErrorMessage="1" sqref="{letter}2:{letter}{count + 1}">'
                    f"<formula1>{listing}</formula1></dataValidation></dataValidations>"
                )
            if links:
                tail.append(f"<hyperlinks>{''.join(links)}</hyperlinks>")
            tail.append('<printOptions gridLines="1"/>')
            tail.append(
                '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
            )
            orientation = "landscape" if spec.landscape else "portrait"
            tail.append(
                f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
            )
            tail.append(
                f"<headerFooter><oddFooter>{escape('&L&A&C第 &P 页，共 &N 页')}</oddFooter></headerFooter>"
            )
            tail.append("</worksheet>")
            fh.write("".join(tail).encode("utf-8"))
        self._sheets.append(_Written(spec, count, ncols))
        return count

    def close(self) -> None:
        sheets = "".join(
            f'<sheet name={quoteattr(w.spec.name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, w in enumerate(self._sheets, 1)
        )
        names = []
        for i, w in enumerate(self._sheets):
            quoted = "'" + w.spec.name.replace("'", "''") + "'"
            if w.spec.autofilter:
                ref = f"{quoted}!$A$1:${LETTERS[w.cols - 1]}${w.rows + 1}"
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{ref}</definedName>'
                )
            if w.spec.print_columns:
                names.append(
                    f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{quoted}!$A$1:${LETTERS[w.spec.print_columns - 1]}${w.rows + 1}</definedName>'
                )
            if w.spec.print_titles:
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{quoted}!$1:$1</definedName>'
                )
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        z = self._zip
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>{defined}</workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        k = len(self._sheets) + 1
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">{rels}'
            f'<Relationship Id="rId{k}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("xl/styles.xml", _STYLES_XML)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>',
        )
        z.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(self.title)}</dc:title><dc:creator>jixiao</dc:creator></cp:coreProperties>",
        )
        z.close()


class Height(float):
    """A row height in points, as the last item of a row."""


def _write_head(fh: IO[bytes], spec: SheetSpec, first: bool, ncols: int) -> None:
    head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>']
    head.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    view = f'<sheetView workbookViewId="0"{" tabSelected=" + chr(34) + "1" + chr(34) if first else ""}>'
    if spec.freeze:
        col = ord(spec.freeze[0]) - ord("A")
        row = int(spec.freeze[1:]) - 1
        split = (f' xSplit="{col}"' if col else "") + (f' ySplit="{row}"' if row else "")
        pane = "bottomRight" if col and row else ("bottomLeft" if row else "topRight")
        view += (
            f'<pane{split} topLeftCell="{spec.freeze}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{spec.freeze}" sqref="{spec.freeze}"/>'
        )
    head.append(f"<sheetViews>{view}</sheetView></sheetViews>")
    head.append('<sheetFormatPr defaultRowHeight="15"/>')
    cols = []
    for i, w in enumerate(spec.widths[:ncols]):
        hidden = ' hidden="1"' if i in spec.hidden else ""
        cols.append(f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"{hidden}/>')
    if cols:
        head.append(f"<cols>{''.join(cols)}</cols>")
    fh.write("".join(head).encode("utf-8"))


def _row(n: int, row: Sequence[Any], height: float | None, links: list[str]) -> str:
    ht = f' ht="{height:.1f}" customHeight="1"' if height else ""
    out = [f'<row r="{n}"{ht}>']
    for i, cell in enumerate(row):
        if cell is None:
            continue
        link = None
        if cell.__class__ is tuple:
            value, style = cell
        elif isinstance(cell, Cell):
            value, style, link = cell.value, cell.style, cell.link
        else:
            value, style = cell, (Style.TEXT if isinstance(cell, str) else Style.NUMBER)
        if value is None:
            continue
        if isinstance(value, str):
            shown = escape(value) if ("&" in value or "<" in value or ">" in value) else value
            out.append(
                f'<c r="{LETTERS[i]}{n}" s="{int(style)}" t="inlineStr"><is><t xml:space="preserve">{shown}</t></is></c>'
            )
        else:
            out.append(f'<c r="{LETTERS[i]}{n}" s="{int(style)}"><v>{_number(value)}</v></c>')
        if link:
            ref = f"{LETTERS[i]}{n}"
            links.append(
                f'<hyperlink ref="{ref}" location={quoteattr(link)} display={quoteattr(str(value)[:255])}/>'
            )
    out.append("</row>")
    return "".join(out)
