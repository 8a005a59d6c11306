"""The Excel export: sheets auditors can filter, numbers as numbers, and no cell ever a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.query import run_query
from pipeline.dataset.rows import to_table
from pipeline.dataset.writer import Dataset
from pipeline.review.display import to_csv
from pipeline.review.export import FIELDS_SHEET, MAX_CELL_CHARS, SHEETS, SUMMARY_SHEET, write_xlsx
from schemas.errors import DatasetError
from schemas.profiles import NATIONAL
from schemas.tables import SCHEMA_VERSION, TABLES
from tests.wordml import FUNDS_HEADER, FUNDS_ROWS, INDICATOR_HEADER, docx, p, table_rows

DATA_SHEETS = ["问题", "表单", "资金", "指标", "文件", "复核记录"]
SEED = "大同市建设工程事务中心经费"


def records(ws: Worksheet) -> list[dict[str, Any]]:
    """The sheet's data rows as dicts keyed by the header."""
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def cells_by_header(ws: Worksheet) -> list[dict[str, Any]]:
    """The sheet's data rows as dicts of cells (to check types and styles)."""
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def assert_no_formulas(wb: Any) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


@pytest.fixture(scope="module")
def sample_xlsx(
    sample_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("xlsx") / "jixiao.xlsx"
    return out, write_xlsx(sample_dataset.root, out)


def test_sheet_columns_are_dataset_columns() -> None:
    for sheet in SHEETS:
        for col in sheet.columns:
            table, _, name = col.field.rpartition(".")
            assert col.field.startswith("~") or name in TABLES[table or sheet.table].names, (
                sheet.name,
                col.field,
            )
        headers = [c.header for c in sheet.columns]
        assert len(set(headers)) == len(headers), sheet.name
        assert "provenance" not in {c.field for c in sheet.columns}


def test_workbook_layout_and_counts(
    sample_dataset: Dataset, sample_xlsx: tuple[Path, dict[str, int]]
) -> None:
    path, counts = sample_xlsx
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SUMMARY_SHEET, *DATA_SHEETS, FIELDS_SHEET]
    assert list(counts) == DATA_SHEETS
    for sheet in SHEETS:
        ws = wb[sheet.name]
        n = sample_dataset.read(sheet.table).num_rows
        assert counts[sheet.name] == n and (n > 0 or sheet.table == "reviews")
        assert ws.max_row == n + 1
        assert ws.freeze_panes == "B2"  # the header row and the first column
        last = openpyxl.utils.get_column_letter(len(sheet.columns))
        assert ws.auto_filter.ref == f"A1:{last}{n + 1}"
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        widths = [
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
            for i in range(1, ws.max_column + 1)
        ]
        assert all(6 <= w <= 62 for w in widths), (sheet.name, widths)
    for name in ("问题", "资金", "指标"):  # readable without joins; codes at the end
        assert [c.value for c in wb[name][1]][:4] == ["项目名称", "主管部门", "实施单位", "年度"]
        assert "表单ID" in [c.value for c in wb[name][1]][-8:]
    assert_no_formulas(wb)

    fields = records(wb[FIELDS_SHEET])
    assert {
        "工作表": "指标",
        "列": "I",
        "表头": "年度指标值(原文)",
        "数据集字段": "indicators.target_raw",
    }.items() <= (next(r for r in fields if r["表头"] == "年度指标值(原文)").items())
    assert len(fields) == sum(len(s.columns) for s in SHEETS)


def test_the_workbook_is_a_working_paper(
    sample_dataset: Dataset, sample_xlsx: tuple[Path, dict[str, int]]
) -> None:
    wb = openpyxl.load_workbook(sample_xlsx[0])
    # 汇总 first: by department, by year, the total; projects counted once
    summary = records(wb[SUMMARY_SHEET])
    total = next(r for r in summary if r["汇总项"] == "合计")
    forms = sample_dataset.read("forms").to_pylist()
    assert total["表单数"] == len(forms)
    assert total["项目数(不含重复报送)"] == sum(1 for f in forms if f["duplicate_of"] is None) < len(forms)
    assert total["错误"] == sum(f["n_errors"] for f in forms)
    assert total["提示"] == sum(f["n_warnings"] for f in forms)
    assert total["需复核表单"] == sum(f["needs_review"] for f in forms)
    datong = next(r for r in summary if r["汇总项"] == "大同市住房和城乡建设局")
    assert datong["口径"] == "按主管部门" and datong["项目数(不含重复报送)"] == 1
    assert datong["平均总分(填报)"] == 95 and datong["平均执行率(计算)"] == pytest.approx(0.940507)
    years = [r["汇总项"] for r in summary if r["口径"] == "按年度"]
    assert years == sorted(years) and "2021年度" in years
    assert wb[SUMMARY_SHEET].freeze_panes == "B2"

    # 问题: sorted by department, then errors before warnings, each linked to its form's row
    ws = wb["问题"]
    rows = records(ws)
    keys = [(r["主管部门"] or "\uffff", {"错误": 0, "提示": 1}[r["级别"]]) for r in rows]
    assert keys == sorted(keys)
    forms_sheet = wb["表单"]
    ids_by_row = {
        f"'表单'!A{n}": forms_sheet.cell(n, [c.value for c in forms_sheet[1]].index("表单ID") + 1).value
        for n in range(2, forms_sheet.max_row + 1)
    }
    id_col = [c.value for c in ws[1]].index("表单ID")
    for row in ws.iter_rows(min_row=2):
        link = row[0].hyperlink
        assert link is not None and ids_by_row[link.location] == row[id_col].value
    # Chinese values, with the codes in trailing columns
    seed = [r for r in rows if r["文件路径"] == "sample_docs/seed_datong_2021.docx"]
    total_score = next(r for r in seed if r["规则代码"] == "TOTAL_SCORE")
    assert (total_score["级别"], total_score["级别代码"], total_score["规则"]) == (
        "错误",
        "error",
        "总分计算错误",
    )
    rate = next(r for r in seed if r["规则代码"] == "EXEC_RATE")
    assert (rate["资金类别"], rate["资金类别代码"]) == ("财政拨款", "fiscal")
    # the location as printed: the row's name and the column's label
    assert rate["位置"] == "表1 第5行（其中：当年财政拨款）「全年预算数」「全年执行数」「执行率」"
    pdf = next(
        r
        for r in rows
        if r["文件路径"] == "sample_docs/seed_datong_2021.pdf" and r["规则代码"] == "EXEC_RATE"
    )
    assert pdf["位置"].startswith("第1页 表1 ") and "「执行率」" in pdf["位置"]
    assert {"复核状态", "复核意见", "复核人", "问题ID"} <= set(rows[0])
    assert ws.data_validations.dataValidation[0].formula1 == '"确认,已说明,已整改"'
    assert {r["状态"] for r in records(wb["文件"])} >= {"已读取", "读取失败", "已跳过"}
    assert next(r for r in records(wb["文件"]) if r["状态代码"] == "skipped")["状态"] == "已跳过"
    lines = {r["资金类别"] for r in records(wb["资金"])}
    assert "年度资金总额" in lines and "total" not in lines

    # print: landscape, one page wide, the header on every page; rows as high as their text
    for name in wb.sheetnames:
        sheet = wb[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.print_title_rows == "$1:$1", name
    # what is printed: the columns people read, up to the 复核 columns; the codes are not
    assert ws.print_area == f"'问题'!$A$1:$L${ws.max_row}" and ws.cell(1, 12).value == "复核时间"
    message_col = [c.value for c in ws[1]].index("说明") + 1
    tall = [n for n in range(2, ws.max_row + 1) if len(ws.cell(n, message_col).value) > 120]
    assert tall and all((ws.row_dimensions[n].height or 15) >= 45 for n in tall)
    assert ws.cell(2, message_col).alignment.wrap_text


def test_a_progress_bar_on_stderr(
    sample_dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_xlsx(sample_dataset.root, tmp_path / "a.xlsx", progress=True)
    captured = capsys.readouterr()
    assert "导出工作簿" in captured.err and captured.out == ""
    write_xlsx(sample_dataset.root, tmp_path / "b.xlsx")  # not a terminal: no bar
    assert capsys.readouterr().err == ""


def test_seed_form_reads_back_with_numbers_as_numbers(sample_xlsx: tuple[Path, dict[str, int]]) -> None:
    wb = openpyxl.load_workbook(sample_xlsx[0])
    (form,) = [
        r
        for r in records(wb["表单"])
        if r["项目名称"] == SEED and r["文件路径"].endswith("seed_datong_2021.docx")
    ]
    assert (form["主管部门"], form["实施单位"], form["年度"]) == (
        "大同市住房和城乡建设局",
        "大同市建设工程事务中心",
        2021,
    )
    assert (form["总分(填报)"], form["总分(计算)"], form["指标数"], form["等级(填报)"]) == (95, 105, 14, None)
    assert (form["需复核"], form["规则口径代码"]) == ("否", "national")
    form_id = form["表单ID"]

    indicators = [r for r in cells_by_header(wb["指标"]) if r["表单ID"].value == form_id]
    assert [r["序号"].value for r in indicators] == list(range(1, 15))
    assert {r["项目名称"].value for r in indicators} == {SEED}
    eleventh = indicators[10]
    assert eleventh["三级指标"].value == "建筑工程生态环境扬尘治理六个100%"
    assert (eleventh["分值"].value, eleventh["得分"].value) == (10, 8)
    assert eleventh["得分"].data_type == "n" and eleventh["分值(原文)"].data_type == "s"
    assert indicators[6]["指标值"].value == 901.58 and indicators[6]["指标值"].data_type == "n"
    assert indicators[0]["指标值上限"].value is None  # null → empty cell
    assert [(r["指标值类型"].value, r["指标值类型代码"].value) for r in indicators[6:7]] == [
        ("数值", "number")
    ]

    findings = [r for r in records(wb["问题"]) if r["表单ID"] == form_id]
    own = [r for r in findings if r["规则代码"] != "DUPLICATE_FORM"]  # the .doc sorts first
    assert len(own) == 9 and {r["项目名称"] for r in findings} == {SEED}
    total = next(r for r in findings if r["规则代码"] == "TOTAL_SCORE")
    assert (total["级别"], total["期望值"], total["实际值"]) == ("错误", 105, 95)
    assert total["说明"].startswith("【TOTAL_SCORE】总分填报95分")

    funds = {r["资金类别代码"].value: r for r in cells_by_header(wb["资金"]) if r["表单ID"].value == form_id}
    executed = funds["total"]["全年执行数(万元)"]
    assert (executed.value, executed.data_type) == (949.78, "n")
    assert executed.number_format == "#,##0.00####"
    rate = funds["total"]["执行率(填报)"]
    assert (rate.value, rate.data_type) == (0.94, "n") and rate.number_format.endswith("%")
    assert funds["total"]["执行率(计算)"].value == pytest.approx(0.940507, abs=0)
    assert funds["total"]["执行率(原文)"].value == "94%"
    assert funds["carryover"]["全年预算数(万元)"].value is None


HYPERLINK = '=HYPERLINK("http://evil.example","点击")'
CMD = "+cmd|' /C calc'!A0"
PAYLOADS = {HYPERLINK, CMD, "-2+3", "@SUM(1+1)", "=1+1", "-5"}


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    rows = [
        ["项目名称", HYPERLINK],
        ["主管部门", CMD, "实施单位", "@SUM(1+1)"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "-2+3", "=1+1"],
        FUNDS_HEADER,
        *FUNDS_ROWS,
        INDICATOR_HEADER,
        ["产出指标", "数量指标", "=1+1", "-2+3", "@SUM(1+1)", "50", "40", HYPERLINK],
        ["效益指标", "社会效益指标", CMD, "#N/A", "=1+1", "30", "-5", "-2+3"],
        ["满意度指标", "满意度指标", "满意度", "≥90%", "95%", "10", "10", ""],
        ["总分", "", "", "", "", "100", "89.5", ""],
    ]
    tmp = tmp_path_factory.mktemp("hostile")
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "hostile.docx").write_bytes(docx(p("2023年度项目支出绩效自评表") + table_rows(rows)))
    ds = Dataset(tmp / "ds")
    ingest([str(inbox)], ds, Settings(profile=NATIONAL), InProcess())
    return ds


def test_hostile_text_stays_text_in_xlsx(hostile_dataset: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "hostile.xlsx"
    counts = write_xlsx(hostile_dataset.root, out)
    # SCORE_RANGE, TOTAL_SCORE, and the 复核 checks COST_MISSING (2023, no 成本指标) and
    # WEIGHT_CONCENTRATION (one indicator of 50 points)
    assert counts == {"问题": 4, "表单": 1, "资金": 2, "指标": 3, "文件": 1, "复核记录": 0}
    wb = openpyxl.load_workbook(out)
    assert_no_formulas(wb)

    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value)
    assert seen == PAYLOADS  # every payload arrives exactly as printed

    (form,) = cells_by_header(wb["表单"])
    assert form["项目名称"].value == HYPERLINK and form["项目名称"].hyperlink is None
    # the 问题 sheet links to the form's row inside the workbook, never to what the text says
    for finding in cells_by_header(wb["问题"]):
        assert (
            finding["项目名称"].value == HYPERLINK and finding["项目名称"].hyperlink.location == "'表单'!A2"
        )
        assert finding["项目名称"].hyperlink.target is None
    assert (form["主管部门"].value, form["实施单位"].value) == (CMD, "@SUM(1+1)")
    assert (form["年度总体目标(预期)"].value, form["总体目标实际完成情况"].value) == ("-2+3", "=1+1")
    first, second, _ = cells_by_header(wb["指标"])
    assert [first[h].value for h in ("项目名称", "三级指标", "年度指标值(原文)", "实际完成值(原文)")] == [
        HYPERLINK,
        "=1+1",
        "-2+3",
        "@SUM(1+1)",
    ]
    assert first["偏差原因分析及改进措施"].value == HYPERLINK
    # an error-looking text is text, not Excel's #N/A error value
    assert (second["年度指标值(原文)"].value, second["年度指标值(原文)"].data_type) == ("#N/A", "s")
    # numbers are never touched: a negative score is a number, its printed text a protected string
    assert (second["得分"].value, second["得分"].data_type, second["得分"].quotePrefix) == (-5, "n", False)
    assert (second["得分(原文)"].value, second["得分(原文)"].data_type) == ("-5", "s")
    assert {r["规则代码"] for r in records(wb["问题"])} == {
        "SCORE_RANGE",
        "TOTAL_SCORE",
        "COST_MISSING",
        "WEIGHT_CONCENTRATION",
    }
    summary = records(wb[SUMMARY_SHEET])
    assert summary[0]["汇总项"] == CMD and cells_by_header(wb[SUMMARY_SHEET])[0]["汇总项"].quotePrefix


def test_hostile_text_in_csv_and_query(hostile_dataset: Dataset) -> None:
    root = hostile_dataset.root
    # the dataset itself keeps the raw text
    forms = run_query(
        root, "SELECT project_name, department, implementing_unit, goal_expected, goal_actual FROM forms"
    )
    assert forms.to_pylist() == [
        {
            "project_name": HYPERLINK,
            "department": CMD,
            "implementing_unit": "@SUM(1+1)",
            "goal_expected": "-2+3",
            "goal_actual": "=1+1",
        }
    ]
    ind = run_query(
        root,
        "SELECT seq, level3, target_raw, actual_raw, weight, score, score_raw FROM indicators ORDER BY seq",
    )
    assert ind.to_pylist()[1] == {
        "seq": 2,
        "level3": CMD,
        "target_raw": "#N/A",
        "actual_raw": "=1+1",
        "weight": D("30.0000"),
        "score": D("-5.0000"),
        "score_raw": "-5",
    }

    text = to_csv(ind.column_names, [list(r.values()) for r in ind.to_pylist()])
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ind.column_names
    assert rows[0] == ["1", "'=1+1", "'-2+3", "'@SUM(1+1)", "50.0000", "40.0000", "40"]
    assert rows[1] == ["2", "'" + CMD, "#N/A", "'=1+1", "30.0000", "-5.0000", "'-5"]  # the number stays -5
    text = to_csv(forms.column_names, [list(r.values()) for r in forms.to_pylist()])
    assert list(csv.reader(io.StringIO(text)))[1] == [
        "'" + HYPERLINK,
        "'" + CMD,
        "'@SUM(1+1)",
        "'-2+3",
        "'=1+1",
    ]


def test_text_an_xlsx_cannot_hold(tmp_path: Path) -> None:
    """Control characters (a file name may hold them) and Excel's 32,767-character cell limit."""
    ds = Dataset(tmp_path / "ds")
    base = {"format": "docx", "forms_found": 0, "schema_version": SCHEMA_VERSION}
    sources = to_table(
        "sources",
        [
            {
                **base,
                "source_path": "a\x01b\x1b.docx",
                "status": "failed",
                "error": "x" * 40_000,
                "error_code": "#N/A",
            },
            {**base, "source_path": "=1+1.docx", "status": "skipped", "skipped_parts": ["=A1", "@B2"]},
        ],
    )
    with ds.lock():
        ds.commit({}, sources, [], NATIONAL.name)
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "out.xlsx"
    out.write_bytes(b"an older export")
    assert write_xlsx(ds.root, out) == {"问题": 0, "表单": 0, "资金": 0, "指标": 0, "文件": 2, "复核记录": 0}
    assert [p.name for p in out.parent.iterdir()] == ["out.xlsx"]  # replaced, no temporary left
    wb = openpyxl.load_workbook(out)
    assert_no_formulas(wb)
    last = openpyxl.utils.get_column_letter(len(SHEETS[1].columns))
    assert wb["表单"].max_row == 1 and wb["表单"].auto_filter.ref == f"A1:{last}1"
    second, first = cells_by_header(wb["文件"])  # sorted by path: "=" before "a"
    assert first["文件路径"].value == "a⟨U+0001⟩b⟨U+001B⟩.docx"
    assert len(first["说明"].value) == MAX_CELL_CHARS and first["说明"].value.endswith("…")
    assert (first["原因代码"].value, first["原因代码"].data_type) == ("#N/A", "s")
    assert (second["文件路径"].value, second["文件路径"].quotePrefix) == ("=1+1.docx", True)
    assert (second["跳过部分"].value, second["跳过部分"].data_type) == ("=A1；@B2", "s")


def test_not_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a jixiao dataset"):
        write_xlsx(tmp_path / "nothing", tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
