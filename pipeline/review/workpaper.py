"""What makes the workbook an audit working paper rather than a dump: Chinese words for the
dataset's codes, where a finding is *as printed* (page, table, row, column label), and the 汇总
sheet's figures by department and by year.

Codes stay in the workbook too (trailing columns), for machines; these are what people read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import pyarrow.compute as pc

from pipeline.dataset.writer import Snapshot
from schemas.profiles import PROFILES
from schemas.rules import RULES_BY_ID, SEVERITY_ZH
from schemas.statuses import STATUS_ZH, reason_zh
from schemas.tables import Row

LINE_ZH: Final = {"total": "年度资金总额", "fiscal": "财政拨款", "carryover": "上年结转", "other": "其他资金"}
KIND_ZH: Final = {"number": "数值", "range": "区间", "text": "文字", "blank": "空白"}
FIELD_ZH: Final = {
    "project_name": "项目名称",
    "department": "主管部门",
    "implementing_unit": "实施单位",
    "year": "年度",
    "goal_expected": "预期目标",
    "goal_actual": "实际完成情况",
    "budget_initial": "年初预算数",
    "budget_full_year": "全年预算数",
    "executed": "全年执行数",
    "rate": "执行率",
    "weight": "分值",
    "score": "得分",
    "target": "年度指标值",
    "actual": "实际完成值",
    "deviation": "偏差原因",
    "total_score": "总分",
    "total_weight": "总分值",
    "grade": "等级",
}
PROFILE_ZH: Final = {name: p.title_zh for name, p in PROFILES.items()}
YES_NO: Final = {True: "是", False: "否"}


def zh(mapping: dict[Any, str], code: Any) -> str | None:
    """The Chinese word for ``code`` (an unknown code as it is; None stays None)."""
    if code is None:
        return None
    return mapping.get(code, str(code))


def severity_zh(code: str | None) -> str | None:
    return zh(dict(SEVERITY_ZH), code)


def rule_zh(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return rule.title_zh if rule else rule_id


def status_zh(code: str | None) -> str | None:
    return zh(dict(STATUS_ZH), code)


def reason(code: str | None) -> str | None:
    return reason_zh(code) or None


def fields_zh(fields: Iterable[str] | None) -> list[str]:
    return [FIELD_ZH.get(f, f) for f in fields or []]


# ---------------------------------------------------------------------------------- locations
#: (form_id, table) → the label cells: (row, col, col_span, text)
Labels = dict[tuple[str, int], list[tuple[int, int, int, str]]]


def read_labels(snapshot: Snapshot, form_ids: set[str]) -> Labels:
    """The printed labels of the forms' tables (cells with role ``label``)."""
    cells = snapshot.read("cells", ["form_id", "table", "row", "col", "col_span", "text", "role"])
    cells = cells.filter(pc.equal(cells.column("role"), "label"))
    out: Labels = defaultdict(list)
    for r in cells.to_pylist():
        if r["form_id"] in form_ids:
            out[(r["form_id"], r["table"])].append((r["row"], r["col"], r["col_span"], r["text"]))
    return out


def column_label(labels: Labels, form_id: str, table: int, row: int, col: int) -> str | None:
    """The label printed over column ``col`` above ``row`` (the nearest one), if any."""
    best: tuple[int, str] | None = None
    for lr, lc, span, text in labels.get((form_id, table), ()):
        if lr < row and lc <= col < lc + span and (best is None or lr > best[0]):
            best = (lr, text)
    return " ".join(best[1].split()) if best else None


def location(
    provenance: list[Row] | None, labels: Labels, form_id: str, row_name: str | None = None
) -> str | None:
    """Where a finding is on paper, one entry per printed row, its cells by column label:
    ``第1页 表1 第5行（其中：当年财政拨款）「全年预算数」「执行率」`` (the page for a PDF; the
    row's name — the indicator, the fund line — when known; a column without a label by number)."""
    rows: dict[tuple[Any, int, int], list[str]] = {}
    for p in provenance or []:
        if p["table"] is None:
            continue
        label = column_label(labels, form_id, p["table"], p["row"], p["col"])
        cell = f"「{label}」" if label else f"第{p['col'] + 1}列"
        cells = rows.setdefault((p.get("page"), p["table"], p["row"]), [])
        if cell not in cells:
            cells.append(cell)
    parts = []
    for (page, table, row), cells in rows.items():
        text = f"第{page}页 " if page else ""
        text += f"表{table + 1} 第{row + 1}行"
        if row_name:
            text += f"（{row_name}）"
        parts.append(text + "".join(cells))
    return "；".join(parts) or None


# ---------------------------------------------------------------------------------- 汇总
SUMMARY_HEADER: Final = (
    "汇总项",
    "口径",
    "表单数",
    "项目数(不含重复报送)",
    "错误",
    "提示",
    "需复核表单",
    "平均总分(填报)",
    "平均执行率(计算)",
    "已复核问题",
)
SUMMARY_NOTE: Final = (
    "说明：错误、提示为问题条数（含重复报送的表单）；平均总分、平均执行率按项目计算，重复报送的表单只计一次"
    "（forms.duplicate_of 为空的表单），未填的不计入；已复核问题为有复核记录（未失效）的问题条数。"
)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def summary_rows(forms: list[Row], reviewed: dict[str, int]) -> list[list[Any]]:
    """One row per department, then one per year, then the total: the figures of ``SUMMARY_HEADER``.
    ``reviewed`` is form_id → how many of its findings have a (current) decision."""
    groups: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for f in forms:
        groups[(0, f.get("department") or "（未填主管部门）")].append(f)
        year = f.get("year")
        groups[(1, f"{year}年度" if year is not None else "（未填年度）")].append(f)
    out: list[list[Any]] = []
    for (kind, name), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        out.append(_figures(name, "按主管部门" if kind == 0 else "按年度", members, reviewed))
    out.append(_figures("合计", "全部表单", forms, reviewed))
    return out


def _figures(name: str, kind: str, forms: list[Row], reviewed: dict[str, int]) -> list[Any]:
    unique = [f for f in forms if f.get("duplicate_of") is None]
    scores = [f["total_score_reported"] for f in unique if f.get("total_score_reported") is not None]
    rates = [f["exec_rate_computed"] for f in unique if f.get("exec_rate_computed") is not None]
    return [
        name,
        kind,
        len(forms),
        len(unique),
        sum(f.get("n_errors") or 0 for f in forms),
        sum(f.get("n_warnings") or 0 for f in forms),
        sum(1 for f in forms if f.get("needs_review")),
        _mean(scores),
        _mean(rates),
        sum(reviewed.get(f["form_id"], 0) for f in forms),
    ]
