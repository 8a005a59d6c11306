"""The workbook's sheets and columns, declared once (``pipeline.review.export`` writes them):
for each column the dataset field it shows (``table.column``, ``forms.column`` joined by
``form_id``, or ``~name`` derived by the export), its Chinese header, its kind and, for a code,
the Chinese word shown (the code itself in a trailing ``…代码`` column)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from pipeline.review import workpaper as wp
from schemas.rules import SEVERITY_ZH
from schemas.statuses import STALE_ZH


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
    #: ``column`` of the sheet's own table, ``forms.column`` (joined by ``form_id``) or
    #: ``~name``, a value the export derives (a review, a location, a link's target).
    field: str
    header: str
    kind: Kind = Kind.TEXT
    note: str = ""
    #: The Chinese word for a code (the code itself is in a trailing column).
    show: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    table: str
    columns: tuple[Column, ...]
    #: The columns up to this one (its header) are printed; the rest (codes, raw texts) are
    #: there to filter and for machines. None: every column.
    print_through: str | None = None


def _yes_no(v: Any) -> str | None:
    return None if v is None else wp.YES_NO[bool(v)]


PROJECT = Column("forms.project_name", "项目名称", note="点击转到该表单在“表单”表中的行")
_FORM = (
    Column("forms.department", "主管部门"),
    Column("forms.implementing_unit", "实施单位"),
    Column("year", "年度", Kind.INT),
)
_TRAILER = (
    Column("forms.source_path", "文件路径"),
    Column("form_id", "表单ID", note="文件sha256前缀-文件内序号"),
    Column("source_sha256", "文件SHA256"),
)

SHEETS: Final[tuple[Sheet, ...]] = (
    Sheet(
        "问题",
        "findings",
        (
            PROJECT,
            *_FORM,
            Column("severity", "级别", show=wp.severity_zh, note="错误 / 提示"),
            Column("rule_id", "规则", show=wp.rule_zh, note="jixiao rules 列出全部规则"),
            Column("message", "说明", Kind.LONG),
            Column("~location", "位置", Kind.LONG, note="原表中的页、表、行和列标题（PDF有页码）"),
            Column(
                "~review_status",
                "复核状态",
                note="确认 / 已说明 / 已整改；填写后用 jixiao review --from-xlsx 读回",
            ),
            Column("~review_note", "复核意见", Kind.LONG),
            Column("~review_by", "复核人"),
            Column("~review_at", "复核时间"),
            Column("expected", "期望值", Kind.VALUE, note="按规则计算或规定的值（比率为小数）"),
            Column("actual", "实际值", Kind.VALUE, note="表中填报或合计的值（比率为小数）"),
            Column("fields", "涉及字段", Kind.LIST, show=wp.fields_zh),
            Column("indicator_seq", "指标序号", Kind.INT, note="对应 指标 表的 序号"),
            Column("fund_line", "资金类别", show=lambda v: wp.zh(wp.LINE_ZH, v)),
            Column("fund_line_seq", "资金行号", Kind.INT, note="对应 资金 表的 行号"),
            Column("profile", "规则口径", show=lambda v: wp.zh(wp.PROFILE_ZH, v)),
            *_TRAILER,
            Column("rule_id", "规则代码"),
            Column("severity", "级别代码", note=", ".join(f"{k}={v}" for k, v in SEVERITY_ZH.items())),
            Column("fund_line", "资金类别代码"),
            Column("fields", "涉及字段代码", Kind.LIST),
            Column("finding_id", "问题ID", note="复核读回时按此ID对应问题，请勿修改"),
        ),
        print_through="复核时间",
    ),
    Sheet(
        "表单",
        "forms",
        (
            Column("project_name", "项目名称"),
            Column("department", "主管部门"),
            Column("implementing_unit", "实施单位"),
            Column("year", "年度", Kind.INT),
            Column(
                "needs_review",
                "需复核",
                show=_yes_no,
                note="读取时不能确定的表单（原因见“复核原因”），排在最前",
            ),
            Column("review_reasons", "复核原因", Kind.LIST),
            Column(
                "~duplicate_path", "重复报送(原表文件)", note="同一年度、主管部门、项目名称已在该文件中报送"
            ),
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
            Column("profile", "规则口径", show=lambda v: wp.zh(wp.PROFILE_ZH, v)),
            Column("form_index", "文件内序号", Kind.INT),
            Column("source_path", "文件路径"),
            Column("form_id", "表单ID", note="文件sha256前缀-文件内序号"),
            Column("duplicate_of", "重复于表单ID"),
            Column("profile", "规则口径代码"),
            Column("source_sha256", "文件SHA256"),
        ),
        print_through="提示数",
    ),
    Sheet(
        "资金",
        "funds",
        (
            PROJECT,
            *_FORM,
            Column("line_seq", "行号", Kind.INT),
            Column("label_raw", "资金来源(原文)"),
            Column("line", "资金类别", show=lambda v: wp.zh(wp.LINE_ZH, v)),
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
            Column(
                "line",
                "资金类别代码",
                note="total=年度资金总额, fiscal=财政拨款, carryover=上年结转, other=其他资金",
            ),
        ),
        print_through="执行率(计算)",
    ),
    Sheet(
        "指标",
        "indicators",
        (
            PROJECT,
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
            Column("target_kind", "指标值类型", show=lambda v: wp.zh(wp.KIND_ZH, v)),
            Column("target_op", "指标值运算符"),
            Column("target_value", "指标值", Kind.VALUE),
            Column("target_value_max", "指标值上限", Kind.VALUE, note="区间（如1-12月）的上限"),
            Column("target_unit", "指标值单位"),
            Column("actual_kind", "完成值类型", show=lambda v: wp.zh(wp.KIND_ZH, v)),
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
            Column("target_kind", "指标值类型代码", note="number/range/text/blank"),
            Column("actual_kind", "完成值类型代码", note="number/range/text/blank"),
        ),
        print_through="偏差原因分析及改进措施",
    ),
    Sheet(
        "文件",
        "sources",
        (
            Column("source_path", "文件路径"),
            Column("status", "状态", show=wp.status_zh, note="已读取 / 部分读取 / 读取失败 / 已跳过"),
            Column("error_code", "原因", show=wp.reason),
            Column("error", "说明", Kind.LONG),
            Column("format", "格式"),
            Column("forms_found", "表单数", Kind.INT),
            Column("skipped_parts", "跳过部分", Kind.LIST),
            Column("warnings", "提示", Kind.LIST),
            Column("n_pages", "页数", Kind.INT),
            Column("size_bytes", "大小(字节)", Kind.INT),
            Column("duplicate_of", "重复于(相同文件)"),
            Column("status", "状态代码", note="ok/partial/failed/skipped"),
            Column("error_code", "原因代码"),
            Column("source_sha256", "文件SHA256"),
            Column("schema_version", "数据版本"),
        ),
        print_through="页数",
    ),
    Sheet(
        "复核记录",
        "reviews",
        (
            Column("source_path", "文件路径"),
            Column("~rule", "规则"),
            Column("~status", "复核状态"),
            Column("note", "复核意见", Kind.LONG),
            Column("by", "复核人"),
            Column("~at", "复核时间"),
            Column("~state", "当前", note=f"有效 / 已被后来的复核取代 / {STALE_ZH}"),
            Column("message", "复核时的问题说明", Kind.LONG),
            Column("via", "来源", note="cli = 命令行；否则为读回的工作簿文件名"),
            Column("status", "复核状态代码", note="confirmed=确认, dismissed=已说明, fixed=已整改"),
            Column("rule_id", "规则代码"),
            Column("form_id", "表单ID"),
            Column("finding_id", "问题ID"),
        ),
        print_through="复核时的问题说明",
    ),
)
SUMMARY_SHEET: Final = "汇总"
FIELDS_SHEET: Final = "字段说明"
#: The sheet ``jixiao review --from-xlsx`` reads, and its columns it reads.
FINDINGS_SHEET: Final = "问题"
REVIEW_HEADERS: Final = ("问题ID", "复核状态", "复核意见", "复核人", "说明")

#: Excel's limits: characters in a cell, rows in a sheet.
MAX_CELL_CHARS: Final = 32_767
MAX_ROWS: Final = 1_048_576
