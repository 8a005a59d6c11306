"""The legacy Word, WPS and spreadsheet samples (run: ``make office-samples``, after ``make samples``).

| sample | made how |
|---|---|
| ``seed_datong_2021.doc`` | the .docx saved by LibreOffice Writer as Word 97-2003 (via .odt: Writer's direct .docx → .doc export drops the tables) |
| ``real_004_yongde_2022.wps`` | the same for the 永德 form, named .wps as WPS Office names its Word-97 files |
| ``rule_violations_indicators.rtf`` | the .docx saved by Writer as RTF (via .odt) |
| ``split_over_two_tables.odt`` | the .docx (a form split over two Word tables) saved by Writer as OpenDocument text |
| ``seed_datong_2021.xlsx`` | the seed form laid out on a worksheet by openpyxl from B3 on (an empty column and rows around it) |
| ``seed_datong_2021.xls`` | that workbook saved by LibreOffice Calc as Excel 97-2003 (BIFF8) |
| ``clean_form_no_findings.et`` | the clean form's worksheet saved by Calc as BIFF8, named .et as WPS names its spreadsheets |
| ``multi_form_two_projects.ods`` | both forms of that sample stacked on one worksheet, saved by Calc as .ods |
| ``pdf_spreadsheet_export.xlsx`` | the workbook ``pdf_spreadsheet_export.pdf`` was printed from |
| ``sheet_budget_system_three_forms.xlsx`` | three forms on three sheets the way budget systems export them: money as numbers under ``#,##0.00``, 执行率 ``=执行数/预算数`` under ``0.00%``, 得分 ``=ROUND(分值*执行率,2)``, 总分 ``=SUM(…)``, amounts holding more decimals than they show, a hidden 填表说明 sheet; recalculated and saved by Calc (cached formula values) |
| ``sheet_truncated_upload.xlsx`` | the first 60 % of ``pdf_spreadsheet_export.xlsx`` |
| ``sheet_password_protected.xls``, ``doc_password_protected.doc`` | saved by LibreOffice with the password ``jixiao2023`` (``lo_password.py``) |
| ``sheet_password_protected.xlsx`` | ``pdf_spreadsheet_export.xlsx`` encrypted with that password by msoffcrypto-tool |

openpyxl workbooks are byte-for-byte reproducible; files saved by LibreOffice carry its save time,
encrypted files a random salt, and change bytes on a rebuild (their golden files do not change: they are the documents' values).
Needs LibreOffice (Writer, Calc, python3-uno) and the Noto CJK fonts; tests do not: every sample is
committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES_DIR = HERE.parent
sys.path.insert(0, str(HERE))

from build import DASH, road_spec, seed_spec  # noqa: E402
from layout import FormSpec, Fund  # noqa: E402
from pdf_variants import USER_PASSWORD, spreadsheet_spec, write_spreadsheet  # noqa: E402
from pdfkit import convert  # noqa: E402
from sheetkit import (  # noqa: E402
    SHEET_FONT_PT,
    Placed,
    place_form,
    print_setup,
    save_reproducible,
    title_rows,
)

MONEY = "#,##0.00"


def _workbook() -> object:
    from openpyxl import Workbook

    wb = Workbook()
    return wb


def form_workbook(path: Path, specs: list[tuple[FormSpec, str]], *, top: int = 1, left: int = 1) -> None:
    """One worksheet holding the forms one under the other (two empty rows between), each titled."""
    from openpyxl.utils import get_column_letter

    wb = _workbook()
    ws = wb.active  # type: ignore[attr-defined]
    ws.title = "项目支出绩效自评表"
    row = top
    for spec, year in specs:
        row = title_rows(ws, row, left, [("项目支出绩效自评表", 16, True), (f"（{year}年度）", SHEET_FONT_PT, False)])
        placed = place_form(ws, spec, row, left)
        row = placed.last_row + 3
    print_setup(ws, f"A1:{get_column_letter(left + 8)}{row - 3}")
    save_reproducible(wb, path)


def second_project_spec() -> FormSpec:
    """The second form of multi_form_two_projects (its 总分 typed as 97: a TOTAL_SCORE finding)."""
    return road_spec(
        project_name="城乡客运公交化改造补助",
        unit="宁远县道路运输服务中心",
        funds=[
            Fund("年度资金总额", ["120", "120", "120", "10", "100%", "10"]),
            Fund("其中：当年财政拨款", ["120", "120", "120", DASH, "100%", DASH]),
            Fund("上年结转资金", ["", "", "", DASH, "", DASH]),
            Fund("其他资金", ["", "", "", DASH, "", DASH]),
        ],
        goal=("完成8条城乡客运线路公交化改造。", "完成8条线路公交化改造并投入运营。"),
        total=("100", "97"),
    )


# ------------------------------------------------------------------------------------------------
# The budget system's export: numbers, formats and formulas laid over the printed form
# ------------------------------------------------------------------------------------------------
#: Amounts the system holds with more decimals than it prints: (row label, column header) → value.
HIDDEN_DECIMALS = {("年度资金总额", "全年预算数"): 1009.856, ("其中：当年财政拨款", "全年执行数"): 949.784}
FUND_LABELS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")


def _money_and_formulas(ws: object, placed: Placed, *, formulas: bool, hidden_decimals: bool) -> None:
    """Money under ``#,##0.00``; with ``formulas``, 执行率, the execution 得分 and 总分 computed by
    the sheet; with ``hidden_decimals``, amounts that hold more decimals than they show."""
    from openpyxl.utils import get_column_letter as letter

    head = placed.find("年初预算数")[0]
    ind_head = placed.find("偏差原因分析及改进措施")[0]

    def col(header: str, row: int = head) -> int:
        return placed.find_in_row(header, row)[1]

    budget, executed, weight, rate = (col(h) for h in ("全年预算数", "全年执行数", "分值", "执行率"))
    money_cols = {col(h): h for h in ("年初预算数", "全年预算数", "全年执行数")}
    cell = ws.cell  # type: ignore[attr-defined]
    for (r, c), label in sorted(placed.cells.items()):
        if label not in FUND_LABELS or c != placed.left + 1:  # the fund line labels' column
            continue
        for c, header in money_cols.items():
            if isinstance(cell(r, c).value, int | float):
                cell(r, c).number_format = MONEY
            if hidden_decimals and (label, header) in HIDDEN_DECIMALS:
                cell(r, c).value = HIDDEN_DECIMALS[(label, header)]
        if formulas and isinstance(cell(r, budget).value, int | float) and cell(r, rate).value not in ("", DASH):
            cell(r, rate).value = f"={letter(executed)}{r}/{letter(budget)}{r}"
            cell(r, rate).number_format = "0.00%"
    if not formulas:
        return
    total_row = placed.find("年度资金总额")[0]
    score = col("得分")
    cell(total_row, score).value = f"=ROUND({letter(weight)}{total_row}*MIN({letter(rate)}{total_row},1),2)"
    cell(total_row, score).number_format = "0.00"
    sum_row = placed.find("总分")[0]
    ind_score = col("得分", ind_head)
    cell(sum_row, ind_score).value = (
        f"={letter(score)}{total_row}+SUM({letter(ind_score)}{ind_head + 1}:{letter(ind_score)}{sum_row - 1})"
    )
    cell(sum_row, ind_score).number_format = "0.00"


def budget_system_workbook(path: Path) -> None:
    """Three forms on three sheets and a hidden notes sheet, as a budget system exports them."""
    from openpyxl.utils import get_column_letter

    wb = _workbook()
    sheets = [
        ("农村公路养护", road_spec(), "2022", True, False),  # formulas
        ("城乡客运公交化", second_project_spec(), "2022", False, False),
        ("建设工程事务中心", seed_spec(), "2021", False, True),  # hidden decimals
    ]
    for i, (name, spec, year, formulas, hidden_decimals) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()  # type: ignore[attr-defined]
        ws.title = name
        top = title_rows(ws, 1, 1, [(f"{year}年度项目支出绩效自评表", 16, True), (f"（{year}年度）", SHEET_FONT_PT, False)])
        placed = place_form(ws, spec, top)
        _money_and_formulas(ws, placed, formulas=formulas, hidden_decimals=hidden_decimals)
        print_setup(ws, f"A1:{get_column_letter(9)}{placed.last_row}")
    notes = wb.create_sheet("填表说明")  # type: ignore[attr-defined]
    for r, text in enumerate(
        ["填表说明：", "1. 本表由预算管理一体化系统导出。", "2. 执行率=全年执行数/全年预算数。", "3. 总分=各项得分之和。"], 1
    ):
        notes.cell(r, 1, text)
    notes.sheet_state = "hidden"
    save_reproducible(wb, path)


# ------------------------------------------------------------------------------------------------
# LibreOffice
# ------------------------------------------------------------------------------------------------
def _via(source: Path, steps: list[str], out: Path, tmp: Path) -> Path:
    """``source`` converted by LibreOffice through each target in ``steps`` (the last one's
    extension is replaced by ``out``'s name)."""
    current = source
    for i, target in enumerate(steps):
        step_dir = tmp / f"step-{source.stem}-{i}"
        (converted,) = convert([current], step_dir, target=target)
        current = converted
    shutil.copyfile(current, out)
    return out


def _recalculated(path: Path, tmp: Path) -> None:
    """The workbook opened and saved again by Calc: formulas get their cached values."""
    (saved,) = convert([path], tmp / "recalc", target="xlsx:Calc MS Excel 2007 XML")
    shutil.copyfile(saved, path)


def _password(source: Path, out: Path, filter_name: str) -> Path:
    subprocess.run(
        ["/usr/bin/python3", str(HERE / "lo_password.py"), str(source), str(out), filter_name, USER_PASSWORD],
        check=True,
        timeout=300,
    )
    return out


def _encrypted_ooxml(source: Path, out: Path) -> Path:
    """An .xlsx encrypted with a password to open (ECMA-376 agile encryption, as Excel writes it:
    an OLE file holding an EncryptedPackage), by msoffcrypto-tool; LibreOffice ignores a password
    given to its .xlsx export."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, out.open("wb") as sealed:
        OOXMLFile(plain).encrypt(USER_PASSWORD, sealed)
    return out


def build(out_dir: Path = SAMPLES_DIR) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as tmp_name:
        tmp = Path(tmp_name)
        # legacy Word, WPS, RTF and OpenDocument text (LibreOffice's own format)
        for stem, ext, steps in (
            ("seed_datong_2021", ".doc", ["odt", "doc:MS Word 97"]),
            ("real_004_yongde_2022", ".wps", ["odt", "doc:MS Word 97"]),
            ("rule_violations_indicators", ".rtf", ["odt", "rtf:Rich Text Format"]),
            ("split_over_two_tables", ".odt", ["odt"]),
        ):
            written.append(_via(out_dir / f"{stem}.docx", steps, out_dir / f"{stem}{ext}", tmp))
        # spreadsheets
        seed = out_dir / "seed_datong_2021.xlsx"
        form_workbook(seed, [(seed_spec(), "2021")], top=3, left=2)
        written.append(seed)
        written.append(_via(seed, ["xls:MS Excel 97"], out_dir / "seed_datong_2021.xls", tmp))
        clean = tmp / "clean_form_no_findings.xlsx"
        form_workbook(clean, [(road_spec(), "2022")])
        written.append(_via(clean, ["xls:MS Excel 97"], out_dir / "clean_form_no_findings.et", tmp))
        multi = tmp / "multi_form_two_projects.xlsx"
        form_workbook(multi, [(road_spec(), "2022"), (second_project_spec(), "2022")])
        written.append(_via(multi, ["ods"], out_dir / "multi_form_two_projects.ods", tmp))
        export = out_dir / "pdf_spreadsheet_export.xlsx"
        write_spreadsheet(export, spreadsheet_spec(), "2023")
        written.append(export)
        budget = out_dir / "sheet_budget_system_three_forms.xlsx"
        budget_system_workbook(budget)
        _recalculated(budget, tmp)
        written.append(budget)
        # bad inputs
        data = export.read_bytes()
        truncated = out_dir / "sheet_truncated_upload.xlsx"
        truncated.write_bytes(data[: len(data) * 6 // 10])
        written.append(truncated)
        written.append(_encrypted_ooxml(export, out_dir / "sheet_password_protected.xlsx"))
        written.append(_password(export, out_dir / "sheet_password_protected.xls", "MS Excel 97"))
        written.append(
            _password(out_dir / "seed_datong_2021.doc", out_dir / "doc_password_protected.doc", "MS Word 97")
        )
    return written


def main() -> int:
    for path in build():
        print(path.relative_to(SAMPLES_DIR.parent), f"{path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
