"""Spreadsheets: values as displayed, spans, sheets, formulas and the notes on what was not read.

Workbooks are built here with openpyxl, the way a clerk or a budget system writes them (and, as
openpyxl never computes formulas, the way a system that exports formulas without results does).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

import pytest
from openpyxl import Workbook

from parsers.formats.base import ParseOptions
from parsers.formats.detect import detect_format
from parsers.formats.numfmt import render_number, render_text
from parsers.formats.registry import PARSERS
from parsers.formats.xlsx import parse_xlsx
from parsers.forms import read_forms
from schemas.errors import ResourceLimit
from schemas.records import Cell, RawDocument
from tests.conftest import SAMPLES

OPTIONS = ParseOptions()


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (0.94, "0%", "94%"),
        (0.9748, "0.00%", "97.48%"),
        (1009.856, "0.00", "1009.86"),
        (2.675, "0.00", "2.68"),  # Excel rounds the decimal, half away from zero (not the binary float)
        (1306800.5, "#,##0.00", "1,306,800.50"),
        (1234.5, "[$¥-804]#,##0.00", "¥1,234.50"),
        (-5, "0.00_);(0.00)", "(5.00)"),
        (-5, "0.00", "-5.00"),
        (0, '_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-"),  # accounting: zero as a dash
        (-1234.5, '_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * "-"??_ ;_ @_ ', "-1,234.50"),
        (12, 'G/通用格式"元"', "12元"),
        (95, '0"分"', "95分"),
        (45260, 'yyyy"年"m"月"d"日"', "2023年11月30日"),
        (45260.5, "yyyy/m/d h:mm", "2023/11/30 12:00"),
        (45260, "aaaa", "星期四"),
        (0.75, "h:mm AM/PM", "6:00 PM"),
        (1 / 3, "General", "0.333333333"),
        (123456, "0.00E+00", "1.23E+05"),
        (1000, "[>=1000]#,##0;0.0", "1,000"),
        (5, "[>=1000]#,##0;0.0", "5.0"),
        (12, "0.0#", "12.0"),
    ],
)
def test_number_formats_render_as_excel_displays(value: float, code: str, shown: str) -> None:
    assert render_number(value, code).text.strip() == shown


def test_rounding_away_digits_is_flagged_and_unknown_codes_are_not_guessed() -> None:
    assert render_number(1009.856, "0.00").rounded
    assert not render_number(0.94, "0%").rounded  # the same number, shown as a percent
    fraction = render_number(1.5, "# ?/?")
    assert not fraction.understood and fraction.text == "1.5"  # shown as General, reported
    assert render_text("无", '_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * "-"??_ ;_ @_ ') == "无"


def test_text_is_shown_inside_its_sections_literals() -> None:
    assert render_text(" 财政局 ", "@") == "财政局"
    assert render_text("财政局", '"单位："@') == "单位：财政局"
    assert render_text("无", '0.00;-0.00;0;"备注："@" 。"') == "备注：无 。"
    assert render_text("财政局", "0.00") == "财政局"  # no text section: the text as stored
    for _ in range(2):  # the pieces of a code are worked out once and reused
        assert render_text("甲", '"单位："@') == "单位：甲"


def _xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cells(doc: RawDocument, table: int = 0) -> dict[tuple[int, int], Cell]:
    return {(c.row, c.col): c for c in doc.tables[table].cells}


def test_merged_ranges_are_one_cell_in_sheet_coordinates_with_extents() -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws.column_dimensions["B"].width = 20
    ws.merge_cells("B3:D3")
    ws["B3"] = "项目名称"
    ws.merge_cells("B4:B6")
    ws["B4"] = "项目资金"
    ws["C4"] = 230
    ws["C4"].number_format = "0.00"
    doc = parse_xlsx(_xlsx(wb), OPTIONS)
    cells = _cells(doc)
    title = cells[(2, 1)]
    assert (title.row_span, title.col_span, title.text) == (1, 3, "项目名称")  # B3 = row 2, col 1
    assert cells[(3, 1)].row_span == 3
    assert [(r, c) for (r, c) in cells if r == 2] == [(2, 1)]  # each merged cell once
    money = cells[(3, 2)]
    assert (money.text, money.stored) == ("230.00", "230")
    # column B is 20 characters wide (105 pt); A, C and D have the sheet's default width
    assert title.extent is not None and money.extent is not None
    default = money.extent[1] - money.extent[0]
    assert title.extent == pytest.approx((default, default + 105.0 + 2 * default))
    assert money.extent[0] == pytest.approx(default + 105.0)
    assert (3, 0) not in cells  # column A lies outside the used area: no cells


def test_hidden_sheet_rows_and_columns_are_not_read_and_are_noted() -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws.title = "自评表"
    for r in range(1, 4):
        ws.cell(r, 1, f"行{r}")
        ws.cell(r, 2, f"列B{r}")
    ws.row_dimensions[2].hidden = True
    ws.column_dimensions["B"].hidden = True
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "填表说明：本表由系统导出"
    notes.sheet_state = "hidden"
    doc = parse_xlsx(_xlsx(wb), OPTIONS)
    assert len(doc.tables) == 1
    texts = {c.text for c in doc.tables[0].cells}
    assert texts == {"行1", "行3"}
    assert any(w.startswith("sheet_skipped:") and "填表说明" in w for w in doc.warnings)
    assert any(w.startswith("hidden_cells:") and "row 2" in w and "column B" in w for w in doc.warnings)


def test_a_formula_without_a_saved_result_is_blank_and_noted_never_computed() -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 40, 59.5, "=SUM(A1:A2)"  # openpyxl saves no cached value
    doc = parse_xlsx(_xlsx(wb), OPTIONS)
    total = _cells(doc)[(2, 0)]
    assert total.text == "" and total.stored == "=SUM(A1:A2)"
    assert any(w.startswith("formula_no_value:") and "A3" in w for w in doc.warnings)


def test_cached_formula_values_and_rounded_displays_in_the_budget_system_export() -> None:
    data = (SAMPLES / "sheet_budget_system_three_forms.xlsx").read_bytes()
    doc = parse_xlsx(data, OPTIONS)
    assert len(doc.tables) == 3  # three sheets; the hidden notes sheet is not one
    rate = next(c for c in doc.tables[0].cells if c.text == "98.75%")
    assert rate.stored == "0.9875"  # =G/F, cached by Calc, under 0.00%
    total = next(c for c in doc.tables[0].cells if c.text == "98.80")
    assert total.stored == "98.8"  # 总分 =SUM(...)
    assert any(w.startswith("display_rounded:") and "1009.856" in w for w in doc.warnings)
    forms, _ = read_forms(doc)
    assert [f.project_name for f in forms] == ["农村公路养护工程补助资金", "城乡客运公交化改造补助", "大同市建设工程事务中心经费"]


def test_dates_are_shown_as_printed() -> None:
    wb = Workbook()
    ws: Any = wb.active
    ws["A1"] = datetime(2023, 11, 30)
    ws["A1"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A2"] = datetime(2023, 11, 30)
    ws["A2"].number_format = "yyyy-mm-dd"
    cells = _cells(parse_xlsx(_xlsx(wb), OPTIONS))
    assert (cells[(0, 0)].text, cells[(1, 0)].text) == ("2023年11月30日", "2023-11-30")


def test_biff_and_ooxml_give_the_same_cells() -> None:
    xls = PARSERS["xls"]((SAMPLES / "seed_datong_2021.xls").read_bytes(), OPTIONS)
    xlsx = parse_xlsx((SAMPLES / "seed_datong_2021.xlsx").read_bytes(), OPTIONS)
    strip = [(c.row, c.col, c.row_span, c.col_span, c.text) for c in xlsx.tables[0].cells]
    assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in xls.tables[0].cells] == strip


def _raw_xlsx(sheet_xml: bytes, *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal workbook around one sheet part (what a generator writes, without styles)."""
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        z.writestr("xl/workbook.xml", b"<workbook " + ns + b" " + rel + b'><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def test_a_sheet_too_large_to_be_a_form_is_refused_with_the_reason() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c></row>' % (r, r, r, r) for r in range(1, 3001))
    data = _raw_xlsx(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    assert detect_format(data) == "xlsx"
    with pytest.raises(ResourceLimit, match="too large to be a form"):
        parse_xlsx(data, ParseOptions(max_sheet_cells=1000))
    assert len(parse_xlsx(data, OPTIONS).tables[0].cells) == 6000


def test_the_render_cache_answers_as_rendering_does() -> None:
    """Rendered numbers are cached by (value, code, date system): asked in any order, again and
    again, with either date system, the cache answers what rendering the number afresh does."""
    from parsers.formats.numfmt import _render

    codes = ["General", "0.00", "0%", "0.00%", "#,##0.00", "yyyy-mm-dd", "yyyy年m月d日", '0.0"万元"', "0.00;[Red]-0.00"]
    values = [0.0, -0.0, 1, 1.0, 0.945, -12.5, 1009.856, 44561.0, 44561.75, 1e-9]
    for _ in range(2):
        for code in codes:
            for value in values:
                for date1904 in (False, True):
                    assert render_number(value, code, date1904) == _render(value, code, date1904), (value, code)


@pytest.mark.parametrize(
    "name", ["seed_datong_2021.xlsx", "sheet_budget_system_three_forms.xlsx", "pdf_spreadsheet_export.xlsx"]
)
def test_a_sheet_parsed_whole_reads_as_one_streamed(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sheet parts up to ``WHOLE_PART_BYTES`` are parsed whole, larger ones streamed: both read
    the same cells, spans, extents, stored values and notes."""
    from parsers.formats import xlsx

    data = (SAMPLES / name).read_bytes()
    whole = parse_xlsx(data, OPTIONS)
    monkeypatch.setattr(xlsx, "WHOLE_PART_BYTES", 0)
    streamed = parse_xlsx(data, OPTIONS)
    assert streamed == whole
    assert sum(len(t.cells) for t in whole.tables) > 100


def test_a_streamed_sheet_too_large_to_be_a_form_is_refused_as_a_whole_one_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from parsers.formats import xlsx

    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 2001))
    data = _raw_xlsx(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    for whole_bytes in (xlsx.WHOLE_PART_BYTES, 0):
        monkeypatch.setattr(xlsx, "WHOLE_PART_BYTES", whole_bytes)
        # the reader's own count ('S' (more than …)), not the used-area check after it
        with pytest.raises(ResourceLimit, match=r"'S' \(more than 1000 cells: too large to be a form"):
            parse_xlsx(data, ParseOptions(max_sheet_cells=1000))
