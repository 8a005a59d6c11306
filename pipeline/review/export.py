"""The dataset as one Excel workbook that auditors can filter (``jixiao export DIR --xlsx FILE``).

One sheet per table — 表单 (forms), 资金 (funds), 指标 (indicators), 问题 (findings), 文件 (sources) —
plus 字段说明, which maps every Chinese header to its dataset column. The sheets that describe a
form start with the form's 项目名称 / 主管部门 / 实施单位 / 年度 and its 表单ID, so a filtered sheet
reads without joins. Each sheet has a frozen header row, an auto-filter over all its rows and
column widths from its content (CJK characters count double; capped, long text wrapped).

Values keep their types: money, weights, scores, rates and indicator values are numeric cells
(written from the exact decimals; rates are ratios shown as percentages), integers are integers,
nulls are empty cells. ``provenance`` is left out; lists are joined with "；".

A submitted form is untrusted input: every text is written as a string cell, never a formula (nor
an error value such as ``#N/A``), and a text that a spreadsheet would run as a formula (see
``pipeline.review.display.FORMULA_STARTS``) also gets the ``quotePrefix`` style, so Excel keeps it text when
the cell is edited. The text itself is unchanged, except characters an .xlsx file cannot hold
(C0 control characters other than tab, LF and CR become U+FFFD) and text beyond Excel's 32,767
characters per cell (cut, ending in "…").

The workbook is streamed (openpyxl write-only mode) to a temporary file beside ``out`` and renamed
into place, so a failed export never leaves half a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from parsers.numbers import plain
from pipeline.dataset.atomic import atomic_path
from pipeline.dataset.writer import Dataset, Snapshot
from pipeline.review.display import FORMULA_STARTS, block_width, visible
from schemas.errors import DatasetError
from schemas.rules import SEVERITY_ZH
from schemas.tables import Row


class Kind(Enum):
    TEXT = "text"  # one line; wrapped only where longer than the column
    LONG = "long"  # goals, messages, notes: always wrapped in a wider column
    LIST = "list"  # a list of texts, joined with "；" and wrapped
    INT = "int"
    MONEY = "money"  # decimal 万元
    SCORE = "score"  # weights and scores
    RATE = "rate"  # a ratio (0.94), shown as a percentage
    VALUE = "value"  # indicator values, expected/actual of a finding


@dataclass(frozen=True, slots=True)
class Column:
    #: ``column`` of the sheet's own table, or ``forms.column`` (joined by ``form_id``).
    field: str
    header: str
    kind: Kind = Kind.TEXT
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    table: str
    columns: tuple[Column, ...]
    #: Columns ordering the rows within a form (after the form order) or, for sources, overall.
    order: tuple[str, ...]


_FORM = (
    Column("forms.project_name", "项目名称"),
    Column("forms.department", "主管部门"),
    Column("forms.implementing_unit", "实施单位"),
    Column("year", "年度", Kind.INT),
    Column("form_id", "表单ID", note="文件sha256前缀-文件内序号"),
)
_TRAILER = (
    Column("forms.source_path", "文件路径"),
    Column("source_sha256", "文件SHA256"),
)

SHEETS: Final[tuple[Sheet, ...]] = (
    Sheet(
        "表单",
        "forms",
        (
            Column("project_name", "项目名称"),
            Column("department", "主管部门"),
            Column("implementing_unit", "实施单位"),
            Column("year", "年度", Kind.INT),
            Column("form_id", "表单ID", note="文件sha256前缀-文件内序号"),
            Column("needs_review", "需复核", note="读取时不能确定的表单（原因见“复核原因”），排在最前"),
            Column("review_reasons", "复核原因", Kind.LIST),
            Column("total_score_reported", "总分(填报)", Kind.SCORE),
            Column("total_score_computed", "总分(计算)", Kind.SCORE),
            Column("grade_reported", "等级(填报)"),
            Column("grade_computed", "等级(计算)"),
            Column("n_errors", "错误数", Kind.INT),
            Column("n_warnings", "提示数", Kind.INT),
            Column("n_indicators", "指标数", Kind.INT),
            Column("exec_weight", "预算执行率分值", Kind.SCORE),
            Column("exec_score", "预算执行率得分", Kind.SCORE),
            Column("exec_rate_computed", "预算执行率(计算)", Kind.RATE),
            Column("total_weight_reported", "总分值(填报)", Kind.SCORE),
            Column("total_weight_computed", "总分值(计算)", Kind.SCORE),
            Column("goal_expected", "年度总体目标(预期)", Kind.LONG),
            Column("goal_actual", "总体目标实际完成情况", Kind.LONG),
            Column("match_warnings", "识别提示", Kind.LIST),
            Column("money_unit", "原表金额单位", note="资金表的金额一律换算为万元"),
            Column("title_raw", "表头(原文)"),
            Column("format", "格式"),
            Column("profile", "规则口径"),
            Column("form_index", "文件内序号", Kind.INT),
            Column("source_path", "文件路径"),
            Column("source_sha256", "文件SHA256"),
        ),
        ("source_path", "form_index"),
    ),
    Sheet(
        "资金",
        "funds",
        (
            *_FORM,
            Column("line_seq", "行号", Kind.INT),
            Column("label_raw", "资金来源(原文)"),
            Column(
                "line",
                "资金类别",
                note="total=年度资金总额, fiscal=财政拨款, carryover=上年结转, other=其他资金",
            ),
            Column("budget_initial", "年初预算数(万元)", Kind.MONEY),
            Column("budget_full_year", "全年预算数(万元)", Kind.MONEY),
            Column("executed", "全年执行数(万元)", Kind.MONEY),
            Column("weight", "分值", Kind.SCORE),
            Column("score", "得分", Kind.SCORE),
            Column("rate_reported", "执行率(填报)", Kind.RATE),
            Column("rate_computed", "执行率(计算)", Kind.RATE),
            Column("budget_initial_raw", "年初预算数(原文)"),
            Column("budget_full_year_raw", "全年预算数(原文)"),
            Column("executed_raw", "全年执行数(原文)"),
            Column("weight_raw", "分值(原文)"),
            Column("score_raw", "得分(原文)"),
            Column("rate_raw", "执行率(原文)"),
            *_TRAILER,
        ),
        ("line_seq",),
    ),
    Sheet(
        "指标",
        "indicators",
        (
            *_FORM,
            Column("seq", "序号", Kind.INT),
            Column("level1", "一级指标"),
            Column("level2", "二级指标"),
            Column("level3", "三级指标"),
            Column("target_raw", "年度指标值(原文)"),
            Column("actual_raw", "实际完成值(原文)"),
            Column("weight", "分值", Kind.SCORE),
            Column("score", "得分", Kind.SCORE),
            Column("deviation_note", "偏差原因分析及改进措施", Kind.LONG),
            Column("level1_points", "一级指标分值", Kind.SCORE),
            Column("target_kind", "指标值类型", note="number/range/text/blank"),
            Column("target_op", "指标值运算符"),
            Column("target_value", "指标值", Kind.VALUE),
            Column("target_value_max", "指标值上限", Kind.VALUE, note="区间（如1-12月）的上限"),
            Column("target_unit", "指标值单位"),
            Column("actual_kind", "完成值类型", note="number/range/text/blank"),
            Column("actual_op", "完成值运算符"),
            Column("actual_value", "完成值", Kind.VALUE),
            Column("actual_value_max", "完成值上限", Kind.VALUE, note="区间的上限"),
            Column("actual_unit", "完成值单位"),
            Column("level1_raw", "一级指标(原文)"),
            Column("level2_raw", "二级指标(原文)"),
            Column("level3_raw", "三级指标(原文)"),
            Column("weight_raw", "分值(原文)"),
            Column("score_raw", "得分(原文)"),
            Column("nature_raw", "指标性质(原文)"),
            Column("unit_raw", "度量单位(原文)"),
            Column("target_note", "指标值说明(原文)"),
            *_TRAILER,
        ),
        ("seq",),
    ),
    Sheet(
        "问题",
        "findings",
        (
            *_FORM,
            Column("rule_id", "规则", note="jixiao rules 列出全部规则"),
            Column("severity", "级别", note=", ".join(f"{k}={v}" for k, v in SEVERITY_ZH.items())),
            Column("message", "说明", Kind.LONG),
            Column("indicator_seq", "指标序号", Kind.INT, note="对应 指标 表的 序号"),
            Column("fund_line", "资金类别"),
            Column("fund_line_seq", "资金行号", Kind.INT, note="对应 资金 表的 行号"),
            Column("fields", "涉及字段", Kind.LIST),
            Column("expected", "期望值", Kind.VALUE, note="按规则计算或规定的值（比率为小数）"),
            Column("actual", "实际值", Kind.VALUE, note="表中填报或合计的值（比率为小数）"),
            Column("profile", "规则口径"),
            Column("finding_id", "问题ID"),
            *_TRAILER,
        ),
        ("finding_id",),
    ),
    Sheet(
        "文件",
        "sources",
        (
            Column("source_path", "文件路径"),
            Column("format", "格式"),
            Column("status", "状态", note="ok/partial/failed/skipped"),
            Column("error_code", "原因代码"),
            Column("error", "说明", Kind.LONG),
            Column("forms_found", "表单数", Kind.INT),
            Column("skipped_parts", "跳过部分", Kind.LIST),
            Column("warnings", "提示", Kind.LIST),
            Column("n_pages", "页数", Kind.INT),
            Column("size_bytes", "大小(字节)", Kind.INT),
            Column("duplicate_of", "重复于"),
            Column("source_sha256", "文件SHA256"),
            Column("schema_version", "数据版本"),
        ),
        ("source_path",),
    ),
)
FIELDS_SHEET: Final = "字段说明"

#: Excel's limits: characters in a cell, rows in a sheet.
MAX_CELL_CHARS: Final = 32_767
MAX_ROWS: Final = 1_048_576

_KIND_NOTES: Final = {
    Kind.MONEY: "万元（数值，最多6位小数）",
    Kind.RATE: "比率（0.94 = 94%），显示为百分比",
    Kind.LIST: "多项以“；”分隔",
}
_WRAPPED: Final = (Kind.LONG, Kind.LIST)
_CAPS: Final = {Kind.LONG: 60, Kind.LIST: 60}
_CAP: Final = 40
_MIN_WIDTH: Final = 6
_PAD: Final = 2
_LINE_HEIGHT: Final = 15  # points, one line of the default 11 pt font
_MAX_ROW_HEIGHT: Final = 409  # Excel's limit


# Cell styles are registered as named styles: assigning one by name is cheap (building a style
# per cell hashes fonts and alignments, a third of the export time).
_TOP: Final = Alignment(vertical="top")
_STYLES: Final[dict[str, dict[str, Any]]] = {
    "jixiao 表头": {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "alignment": Alignment(vertical="center"),
    },
    "jixiao 文本": {"alignment": _TOP},
    "jixiao 换行": {"alignment": Alignment(vertical="top", wrap_text=True)},
    "jixiao 数值": {"alignment": _TOP},  # General: weights, scores, indicator values as printed
    "jixiao 整数": {"alignment": _TOP, "number_format": "0"},
    # 2 to 6 decimals: every 分 of a 元 amount, in 万元
    "jixiao 金额": {"alignment": _TOP, "number_format": "#,##0.00####"},
    # a ratio has 6 decimals: up to 4 after the percent's decimal point
    "jixiao 比率": {"alignment": _TOP, "number_format": "0.00##%"},
}
_HEADER, _TEXT, _WRAP, _NUMBER = "jixiao 表头", "jixiao 文本", "jixiao 换行", "jixiao 数值"
_NUMBER_STYLES: Final = {Kind.INT: "jixiao 整数", Kind.MONEY: "jixiao 金额", Kind.RATE: "jixiao 比率"}

def write_xlsx(root: Path, out: Path) -> dict[str, int]:
    """Write the dataset at ``root`` as an .xlsx workbook to ``out``; returns the data rows per
    sheet (表单, 资金, 指标, 问题, 文件 — as many as the tables have rows)."""
    data = _sheet_rows(Dataset(root).open())
    for sheet in SHEETS:
        if len(data[sheet.name]) >= MAX_ROWS:
            raise DatasetError(
                f"{sheet.name} ({sheet.table}) has {len(data[sheet.name]):,} rows; an Excel sheet holds "
                f"at most {MAX_ROWS - 1:,}: query the dataset instead (jixiao query … --csv)"
            )

    wb = Workbook(write_only=True)
    wb.properties.creator = "jixiao"
    wb.properties.title = "项目支出绩效自评表"
    for style, attributes in _STYLES.items():
        wb.add_named_style(NamedStyle(style, **attributes))
    for sheet in SHEETS:
        _write_sheet(wb, sheet.name, sheet.columns, data[sheet.name])
    _write_sheet(wb, FIELDS_SHEET, _FIELDS_COLUMNS, _field_rows())

    with atomic_path(Path(out)) as tmp:
        wb.save(tmp)
    return {sheet.name: len(data[sheet.name]) for sheet in SHEETS}


# ---------------------------------------------------------------------------------- the rows
def _own_columns(sheet: Sheet) -> list[str]:
    own = [c.field for c in sheet.columns if not c.field.startswith("forms.")]
    return list(dict.fromkeys([*own, *sheet.order]))


def _sheet_rows(ds: Snapshot) -> dict[str, list[Row]]:
    by_table = {s.table: s for s in SHEETS}
    forms_sheet = by_table["forms"]
    forms = ds.read("forms", _own_columns(forms_sheet)).to_pylist()
    forms.sort(key=lambda r: (not r.get("needs_review"), *(_sort_key(r.get(k)) for k in forms_sheet.order)))
    for r in forms:
        r["needs_review"] = "是" if r.get("needs_review") else "否"
    rank = {r["form_id"]: i for i, r in enumerate(forms)}
    joined = {
        r["form_id"]: {f"forms.{k}": r.get(k) for k in ("project_name", "department", "implementing_unit")}
        | {"forms.source_path": r.get("source_path")}
        for r in forms
    }
    out: dict[str, list[Row]] = {forms_sheet.name: forms}
    for sheet in SHEETS:
        if sheet.table == "forms":
            continue
        rows = ds.read(sheet.table, _own_columns(sheet)).to_pylist()
        if sheet.table == "sources":
            rows.sort(key=lambda r: tuple(_sort_key(r.get(k)) for k in sheet.order))
        else:
            for r in rows:
                r.update(joined.get(r["form_id"], {}))
            rows.sort(
                key=lambda r: (
                    rank.get(r["form_id"], len(rank)),
                    r["form_id"],
                    *(_sort_key(r.get(k)) for k in sheet.order),
                )
            )
        out[sheet.name] = rows
    return out


def _sort_key(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


# ---------------------------------------------------------------------------------- the cells
def _text(value: str) -> str:
    """``value`` as a cell can hold it and a person can see it: control, bidi and other invisible
    characters shown as ``⟨U+202E⟩`` (line feeds kept); at most 32,767 characters."""
    value = visible(value, newlines=True)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def _text_cell(ws: Any, text: str, style: str) -> Any:
    cell = WriteOnlyCell(ws, text)
    # openpyxl makes "=…" a formula and "#N/A" an error value: submitted text is never either.
    cell.data_type = "s"
    cell.style = style
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def _display(value: Any, kind: Kind) -> str | None:
    """The cell's text (numbers roughly as shown), or None for an empty cell."""
    if value is None:
        return None
    if kind is Kind.LIST:
        joined = "；".join(v for v in value if v)
        return _text(joined) if joined else None
    if isinstance(value, str):
        return _text(value) if value else None
    if kind is Kind.RATE:
        return f"{Decimal(value) * 100:.4f}".rstrip("0").rstrip(".") + "%"
    if kind is Kind.MONEY:
        whole, _, frac = f"{Decimal(value):,.6f}".partition(".")
        return f"{whole}.{frac.rstrip('0'):0<2}"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide: an estimate, on the
    high side (fonts differ, and a line breaks before a word that does not fit)."""
    usable = max(1, width * 9 // 10)
    return sum(max(1, -(-block_width(line) // usable)) for line in text.split("\n"))


def _write_sheet(wb: Any, name: str, columns: Sequence[Column], rows: list[Row]) -> None:
    ws = wb.create_sheet(name)
    shown = [[_display(r.get(c.field), c.kind) for c in columns] for r in rows]
    measured = [[0 if t is None else block_width(t) for t in texts] for texts in shown]
    widths: list[int] = []
    for i, col in enumerate(columns):
        content = max((m[i] for m in measured), default=0)
        width = max(_MIN_WIDTH, block_width(col.header), min(content, _CAPS.get(col.kind, _CAP))) + _PAD
        ws.column_dimensions[get_column_letter(i + 1)].width = width
        widths.append(width)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    ws.append([_text_cell(ws, col.header, _HEADER) for col in columns])

    for n, (r, texts, sizes) in enumerate(zip(rows, shown, measured, strict=True), 2):
        cells: list[Any] = []
        lines = 1
        for col, width, text, size in zip(columns, widths, texts, sizes, strict=True):
            value = r.get(col.field)
            if text is None:
                cells.append(None)
            elif isinstance(value, (str, list)):
                fits = size <= width - _PAD
                wrap = col.kind in _WRAPPED or not fits
                if wrap and (not fits or "\n" in text):
                    lines = max(lines, _lines(text, width - _PAD))
                cells.append(_text_cell(ws, text, _WRAP if wrap else _TEXT))
            else:
                cell = WriteOnlyCell(ws, value)
                cell.style = _NUMBER_STYLES.get(col.kind, _NUMBER)
                cells.append(cell)
        if lines > 1:
            # Excel and LibreOffice do not fit row heights to wrapped text on opening a file.
            ws.row_dimensions[n].height = min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines)
        ws.append(cells)


# ---------------------------------------------------------------------------------- 字段说明
_FIELDS_COLUMNS: Final = (
    Column("sheet", "工作表"),
    Column("letter", "列"),
    Column("header", "表头"),
    Column("field", "数据集字段", note="表.字段"),
    Column("note", "说明", Kind.LONG),
)


def _field_rows() -> list[Row]:
    return [
        {
            "sheet": sheet.name,
            "letter": get_column_letter(i),
            "header": col.header,
            "field": col.field if col.field.startswith("forms.") else f"{sheet.table}.{col.field}",
            "note": "；".join(
                n
                for n in (
                    "按 form_id 取自 forms" if col.field.startswith("forms.") else "",
                    _KIND_NOTES.get(col.kind, ""),
                    col.note,
                )
                if n
            ),
        }
        for sheet in SHEETS
        for i, col in enumerate(sheet.columns, 1)
    ]
