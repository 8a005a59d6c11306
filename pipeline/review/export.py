"""The dataset as an audit working paper in Excel (``jixiao export DIR --xlsx FILE``).

Sheets, in order: 汇总 (by department and by year: forms, projects counted once, errors,
warnings, needs_review, average score and execution rate, findings reviewed), 问题 (the findings,
sorted by department, severity and form, each linked to its form's row in 表单 and located as
printed — page, table, row, column label — with the 复核状态 / 复核意见 / 复核人 columns that
``jixiao review DIR --from-xlsx FILE`` reads back), 表单, 资金, 指标, 文件, 复核记录 (the reviews
ledger, stale decisions included) and 字段说明 (every header → its dataset column).

Everything a person reads is Chinese (错误/提示, 年度资金总额, 已跳过, the reasons); the codes are
kept in trailing columns (表单ID, 规则代码, 问题ID …) for machines. Every sheet freezes its header
row and first column, has an auto-filter, row heights that fit wrapped text, and prints landscape,
fit to the page width, with the header row repeated on every page.

Values keep their types: money, weights, scores, rates and indicator values are numeric cells
(rates are ratios shown as percentages), nulls are empty cells. A submitted form is untrusted
input: every text is a string cell, never a formula or an error value, and a text a spreadsheet
would run as a formula (``pipeline.review.display.FORMULA_STARTS``) also gets ``quotePrefix``.
Control and format characters are shown as ``⟨U+202E⟩``; a text beyond Excel's 32,767
characters is cut, ending in "…".

The workbook is streamed (``pipeline.review.xlsx``, a few string operations a cell) to a temporary
file beside ``out`` and renamed into place, so a failed export never leaves half a file; a
progress bar goes to stderr on a terminal.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tqdm import tqdm

from pipeline.dataset.atomic import atomic_path
from pipeline.dataset.reviews import Decision, decisions
from pipeline.dataset.writer import Dataset, Snapshot
from pipeline.review import workpaper as wp
from pipeline.review.display import FORMULA_STARTS, visible
from pipeline.review.sheets import (
    FIELDS_SHEET,
    MAX_CELL_CHARS,
    MAX_ROWS,
    PROJECT,
    SHEETS,
    SUMMARY_SHEET,
    Column,
    Kind,
    Sheet,
)
from pipeline.review.xlsx import LETTERS, QUOTED, Cell, Height, SheetSpec, Style, Workbook
from schemas.errors import DatasetError
from schemas.rules import RULES
from schemas.statuses import REVIEW_STATUS_ZH, STALE_ZH
from schemas.tables import Row

_KIND_NOTES: Final = {
    Kind.MONEY: "万元（数值，最多6位小数）",
    Kind.RATE: "比率（0.94 = 94%），显示为百分比",
    Kind.LIST: "多项以“；”分隔",
}
_WRAPPED: Final = (Kind.LONG, Kind.LIST)
_CAPS: Final = {Kind.LONG: 60, Kind.LIST: 50}
_CAP: Final = 40
_MIN_WIDTH: Final = 6
_PAD: Final = 2
_LINE_HEIGHT: Final = 15  # points, one line of the default 11 pt font
_MAX_ROW_HEIGHT: Final = 409  # Excel's limit
_NUMBER_STYLES: Final = {Kind.INT: Style.INT, Kind.MONEY: Style.MONEY, Kind.RATE: Style.RATE}
_SEVERITY_RANK: Final = {"error": 0, "warning": 1}
_RULE_RANK: Final = {r.id: i for i, r in enumerate(RULES)}


def write_xlsx(root: Path, out: Path, *, progress: bool | None = None) -> dict[str, int]:
    """Write the dataset at ``root`` as the working paper to ``out``; returns the data rows per
    sheet (问题, 表单, 资金, 指标, 文件, 复核记录). ``progress``: a bar on stderr (None: on a
    terminal)."""
    snapshot = Dataset(root).open()
    data = sheet_rows(snapshot)
    for sheet in SHEETS:
        if len(data[sheet.name]) >= MAX_ROWS:
            n = len(data[sheet.name])
            raise DatasetError(
                f"“{sheet.name}”有 {n:,} 行，超过 Excel 工作表的上限 {MAX_ROWS - 1:,} 行，"
                f"请改用 jixiao query … --csv — {sheet.name} ({sheet.table}) has {n:,} rows; "
                f"an Excel sheet holds at most {MAX_ROWS - 1:,}: query the dataset instead "
                "(jixiao query … --csv)"
            )
    total = sum(len(v) for v in data.values())
    disable = None if progress is None else not progress
    with (
        tqdm(total=total, unit="行", desc="导出工作簿", file=sys.stderr, disable=disable, leave=False) as bar,
        atomic_path(Path(out)) as tmp,
    ):
        wb = Workbook(tmp, "项目支出绩效自评表 复核底稿")
        _write_summary(wb, data)
        for sheet in SHEETS:
            through = (
                [c.header for c in sheet.columns].index(sheet.print_through) + 1
                if sheet.print_through
                else None
            )
            _write_sheet(wb, sheet.name, sheet.columns, data[sheet.name], bar.update, through)
        _write_sheet(wb, FIELDS_SHEET, _FIELDS_COLUMNS, _field_rows(), None)
        wb.close()
    return {sheet.name: len(data[sheet.name]) for sheet in SHEETS}


# ---------------------------------------------------------------------------------- the rows
def _own_columns(sheet: Sheet) -> list[str]:
    return list(dict.fromkeys(c.field for c in sheet.columns if not c.field.startswith(("forms.", "~"))))


def _key(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


def sheet_rows(snapshot: Snapshot) -> dict[str, list[Row]]:
    """Every sheet's rows (dicts by ``Column.field``), sorted, with the derived values."""
    by_table = {s.table: s for s in SHEETS}
    forms = snapshot.read("forms", _own_columns(by_table["forms"])).to_pylist()
    forms.sort(
        key=lambda r: (
            not r.get("needs_review"),
            r.get("department") or "\uffff",
            r.get("project_name") or "\uffff",
            r["source_path"],
            r["form_index"],
        )
    )
    path_of = {r["form_id"]: r["source_path"] for r in forms}
    row_of = {r["form_id"]: n for n, r in enumerate(forms, 2)}
    for r in forms:
        r["~duplicate_path"] = path_of.get(r["duplicate_of"]) if r.get("duplicate_of") else None
    joined = {
        r["form_id"]: {
            "forms.project_name": r.get("project_name"),
            "forms.department": r.get("department"),
            "forms.implementing_unit": r.get("implementing_unit"),
            "forms.source_path": r["source_path"],
            "~form_link": f"'表单'!A{row_of[r['form_id']]}",
        }
        for r in forms
    }
    rank = {r["form_id"]: i for i, r in enumerate(forms)}
    out: dict[str, list[Row]] = {"表单": forms}
    for table, order in (("funds", "line_seq"), ("indicators", "seq")):
        rows = snapshot.read(table, _own_columns(by_table[table])).to_pylist()
        for r in rows:
            r.update(joined.get(r["form_id"], {}))
        rows.sort(key=lambda r: (rank.get(r["form_id"], len(rank)), r["form_id"], _key(r.get(order))))
        out[by_table[table].name] = rows
    out["问题"] = _findings(snapshot, by_table["findings"], forms, joined, out)
    sources = snapshot.read("sources", _own_columns(by_table["sources"])).to_pylist()
    sources.sort(key=lambda r: r["source_path"])
    out["文件"] = sources
    out["复核记录"] = _ledger(snapshot)
    return out


def _findings(
    snapshot: Snapshot, sheet: Sheet, forms: list[Row], joined: dict[str, Row], done: dict[str, list[Row]]
) -> list[Row]:
    rows: list[Row] = snapshot.read("findings", [*_own_columns(sheet), "provenance"]).to_pylist()
    names: dict[tuple[str, str, int], str] = {}
    for r in done["指标"]:
        if r.get("level3"):
            names[(r["form_id"], "i", r["seq"])] = r["level3"]
    for r in done["资金"]:
        names[(r["form_id"], "f", r["line_seq"])] = r["label_raw"]
    labels = wp.read_labels(snapshot, {r["form_id"] for r in rows})
    decided = decisions(snapshot)
    form_key = {
        f["form_id"]: (
            f.get("department") or "\uffff",
            f.get("project_name") or "\uffff",
            f["source_path"],
            f["form_index"],
        )
        for f in forms
    }
    for r in rows:
        r.update(joined.get(r["form_id"], {}))
        fid = r["form_id"]
        name = (
            names.get((fid, "i", r["indicator_seq"]))
            if r["indicator_seq"] is not None
            else names.get((fid, "f", r["fund_line_seq"]))
            if r["fund_line_seq"] is not None
            else None
        )
        r["~location"] = wp.location(r.pop("provenance"), labels, fid, name)
        d = decided.get(r["finding_id"])
        if d is not None:
            r.update(_review_values(d))
    rows.sort(
        key=lambda r: (
            form_key.get(r["form_id"], ("\uffff",))[0],
            _SEVERITY_RANK.get(r["severity"], 2),
            form_key.get(r["form_id"], ("\uffff", "", "", 0)),
            r["form_id"],
            _key(r.get("indicator_seq")),
            _key(r.get("fund_line_seq")),
            _RULE_RANK.get(r["rule_id"], len(_RULE_RANK)),
            r["finding_id"],
        )
    )
    return rows


def _at(d: dt.datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M UTC")


def _review_values(d: Decision) -> Row:
    return {
        "~review_status": d.status_zh,
        "~review_note": d.note,
        "~review_by": d.by,
        "~review_at": _at(d.at),
    }


def _ledger(snapshot: Snapshot) -> list[Row]:
    rows: list[Row] = snapshot.read("reviews").to_pylist()
    latest = decisions(snapshot)
    for r in rows:
        d = latest[r["finding_id"]]
        if d.stale:
            state = STALE_ZH
        elif d.at == r["at"]:
            state = "有效"
        else:
            state = "已被后来的复核取代"
        rule = wp.rule_zh(r["rule_id"])
        r.update(
            {
                "~rule": rule,
                "~status": REVIEW_STATUS_ZH.get(r["status"], r["status"]),
                "~at": _at(r["at"]),
                "~state": state,
            }
        )
    rows.sort(key=lambda r: (r["source_path"], r["finding_id"], r["at"]))
    return rows


# ---------------------------------------------------------------------------------- the cells
def text(value: str) -> str:
    """``value`` as a cell can hold it and a person can see it: control, bidi and other invisible
    characters shown as ``⟨U+202E⟩`` (line feeds kept); at most 32,767 characters."""
    value = visible(value, newlines=True)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def _width1(line: str) -> int:
    """Display width of one line, CJK characters double: (UTF-8 bytes + characters) / 2 is
    exact for ASCII and for 3-byte CJK, near enough for the rest, and runs at C speed."""
    return len(line) if line.isascii() else (len(line.encode("utf-8", "surrogatepass")) + len(line)) // 2


def _width(t: str) -> int:
    return max(map(_width1, t.split("\n"))) if "\n" in t else _width1(t)


def _lines(t: str, width: int) -> int:
    """How many lines ``t`` wraps to in a column ``width`` characters wide (an estimate, on the
    high side: fonts differ, and a line breaks before a word that does not fit)."""
    usable = max(1, width * 9 // 10)
    return sum(max(1, -(-_width1(line) // usable)) for line in t.split("\n"))


def _display(value: Any, col: Column) -> Any:
    """The cell's value: a text made visible, a number as it is, or None."""
    if col.show is not None:
        value = col.show(value)
    if value is None:
        return None
    if isinstance(value, list):
        joined = "；".join(v for v in value if v)
        return text(joined) if joined else None
    if isinstance(value, str):
        return text(value) if value else None
    if isinstance(value, bool):
        return wp.YES_NO[value]
    return value


def _number_width(value: Any, kind: Kind) -> int:
    if kind is Kind.MONEY:
        return len(f"{value:,.2f}")
    if kind is Kind.RATE:
        return 8
    return len(str(value.normalize()) if isinstance(value, Decimal) else str(value))


#: Rows measured for the column widths (the widths are capped, so a sample reaches them).
_SAMPLE: Final = 2000


def _converter(col: Column) -> Callable[[Any], Any]:
    """The function from a dataset value to the cell's value (``_display``, specialised)."""
    if col.show is not None or col.kind is Kind.LIST:
        return lambda v: _display(v, col)

    def plain(v: Any) -> Any:
        if v is None or v == "":
            return None
        if v.__class__ is str:
            return v if v.isprintable() and len(v) <= MAX_CELL_CHARS else text(v)
        return _display(v, col)

    return plain


def _write_sheet(
    wb: Workbook,
    name: str,
    columns: Sequence[Column],
    rows: list[Row],
    step: Callable[[int], Any] | None,
    print_columns: int | None = None,
) -> None:
    fields = [c.field for c in columns]
    convert = [_converter(c) for c in columns]

    def shown(r: Row) -> list[Any]:
        return [f(r.get(k)) for f, k in zip(convert, fields, strict=True)]

    sample = [shown(r) for r in rows[:_SAMPLE]]
    widths: list[int] = []
    for i, col in enumerate(columns):
        content = 0
        for values in sample:
            v = values[i]
            if v is not None:
                content = max(content, _width(v) if isinstance(v, str) else _number_width(v, col.kind))
        widths.append(max(_MIN_WIDTH, _width(col.header) + 1, min(content, _CAPS.get(col.kind, _CAP))) + _PAD)
    links = [r.get("~form_link") for r in rows] if columns and columns[0] is PROJECT else None
    spec = SheetSpec(
        name,
        widths,
        print_columns=print_columns,
        choices=(_index(columns, "~review_status"), tuple(REVIEW_STATUS_ZH.values()))
        if any(c.field == "~review_status" for c in columns)
        else None,
    )
    stream = (sample[n] if n < len(sample) else shown(r) for n, r in enumerate(rows))
    cells = _cells(columns, widths, stream, len(rows), links, step)
    wb.sheet(spec, [c.header for c in columns], cells, size_hint=len(rows))


def _index(columns: Sequence[Column], field: str) -> int:
    return next(i for i, c in enumerate(columns) if c.field == field)


_S_TEXT, _S_WRAP = int(Style.TEXT), int(Style.WRAP)
_S_QUOTED = {int(k): int(v) for k, v in QUOTED.items()}


def _cells(
    columns: Sequence[Column],
    widths: list[int],
    shown: Iterator[list[Any]],
    count: int,
    links: list[str | None] | None,
    step: Callable[[int], Any] | None,
) -> Iterator[list[Any]]:
    wrapped = [c.kind in _WRAPPED for c in columns]
    numeric = [int(_NUMBER_STYLES.get(c.kind, Style.NUMBER)) for c in columns]
    usable = [w - _PAD for w in widths]
    for n, values in enumerate(shown):
        cells: list[Any] = []
        lines = 1
        for i, v in enumerate(values):
            if v is None:
                cells.append(None)
            elif v.__class__ is str:
                wide = _width(v) > usable[i]
                wrap = wrapped[i] or wide
                if wrap and (wide or "\n" in v):
                    lines = max(lines, _lines(v, usable[i]))
                style = _S_WRAP if wrap else _S_TEXT
                if v.startswith(FORMULA_STARTS):
                    style = _S_QUOTED[style]
                cells.append((v, style))
            else:
                cells.append((v, numeric[i]))
        if links is not None and links[n] is not None and cells:
            # a form whose name was not read still gets its link, on a cell that says so
            first = cells[0][0] if cells[0] is not None else "（未读出）"
            cells[0] = Cell(
                first, QUOTED[Style.LINK] if first.startswith(FORMULA_STARTS) else Style.LINK, links[n]
            )
        if lines > 1:
            # Excel and LibreOffice do not fit row heights to wrapped text on opening a file.
            cells.append(Height(min(_MAX_ROW_HEIGHT, _LINE_HEIGHT * lines)))
        if step is not None and n % 1000 == 999:
            step(1000)
        yield cells
    if step is not None:
        step(count % 1000)


# ---------------------------------------------------------------------------------- 汇总, 字段说明
def _write_summary(wb: Workbook, data: dict[str, list[Row]]) -> None:
    reviewed: dict[str, int] = defaultdict(int)
    for r in data["问题"]:
        if r.get("~review_status"):
            reviewed[r["form_id"]] += 1
    rows: list[list[Any]] = []
    for values in wp.summary_rows(data["表单"], reviewed):
        name, *head, score, rate, n_reviewed = values
        shown = text(name)
        rows.append(
            [
                (shown, QUOTED[Style.TEXT] if shown.startswith(FORMULA_STARTS) else Style.TEXT),
                *head,
                None if score is None else (score.quantize(Decimal("0.01")), Style.SCORE),
                None if rate is None else (rate.quantize(Decimal("0.000001")), Style.RATE),
                n_reviewed,
            ]
        )
    rows.append([])
    rows.append([(wp.SUMMARY_NOTE, Style.NOTE), Height(32)])
    widths = [max(14, min(40, max((_width(r[0][0]) for r in rows[:-2]), default=0) + 2)), 12]
    widths += [max(10, _width(h) + 2) for h in wp.SUMMARY_HEADER[2:]]
    note = f"A{len(rows) + 1}:{LETTERS[len(wp.SUMMARY_HEADER) - 1]}{len(rows) + 1}"  # the last row
    wb.sheet(SheetSpec(SUMMARY_SHEET, widths, autofilter=False, merges=(note,)), wp.SUMMARY_HEADER, rows)


_FIELDS_COLUMNS: Final = (
    Column("sheet", "工作表"),
    Column("letter", "列"),
    Column("header", "表头"),
    Column("field", "数据集字段", note="表.字段"),
    Column("note", "说明", Kind.LONG),
)
_DERIVED: Final = {
    "~location": "由 findings.provenance 与 cells 的列标题得出",
    "~duplicate_path": "由 forms.duplicate_of 得出",
    "~review_status": "reviews（最新一条）",
    "~review_note": "reviews.note（最新一条）",
    "~review_by": "reviews.by（最新一条）",
    "~review_at": "reviews.at（最新一条）",
    "~rule": "由 reviews.rule_id 得出",
    "~status": "由 reviews.status 得出",
    "~at": "reviews.at",
    "~state": "由 reviews 与 findings 得出",
}


def _field_rows() -> list[Row]:
    from openpyxl.utils import get_column_letter

    def field(sheet: Sheet, col: Column) -> str:
        if col.field.startswith("~"):
            return _DERIVED.get(col.field, "")
        return col.field if col.field.startswith("forms.") else f"{sheet.table}.{col.field}"

    return [
        {
            "sheet": sheet.name,
            "letter": get_column_letter(i),
            "header": col.header,
            "field": field(sheet, col),
            "note": "；".join(
                n
                for n in (
                    "按 form_id 取自 forms" if col.field.startswith("forms.") else "",
                    "中文显示，代码见后面的“…代码”列" if col.show is not None else "",
                    _KIND_NOTES.get(col.kind, ""),
                    col.note,
                )
                if n
            ),
        }
        for sheet in SHEETS
        for i, col in enumerate(sheet.columns, 1)
    ]
