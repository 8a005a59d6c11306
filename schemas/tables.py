"""The output tables: one Arrow schema each, declared once and versioned.

Money is ``decimal128(20, 6)`` in 万元 (a 元 amount with 分 converts exactly); weights and scores
``decimal128(12, 4)``; rates are ratios (0.94 for 94 %) ``decimal128(12, 6)``; indicator values
``decimal128(28, 8)``. Every row carries ``source_sha256`` (lineage) and, where it describes
something on paper, ``provenance``: the cells it was read from (table, grid row/col; for PDF the
page and box).

Tables are not partitioned: ``year`` is an ordinary column, so pandas, polars, DuckDB and pyarrow
read every folder alike (a hive ``year=`` partition broke pandas on forms without a printed year:
pyarrow cannot unify a dictionary-typed partition with nulls). At this size a folder is a few MB.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

import pyarrow as pa

#: Bump the minor version for added columns, the major version for anything a reader would notice.
SCHEMA_VERSION: Final = "1.6"  # 1.1: the cells and terms tables; 1.2: needs_review, cell roles;
# 1.3: cells.stored (a spreadsheet cell's stored value where it differs from its text);
# 1.4: sources.source_path_bytes (a name that is not UTF-8), sources.attempts (the retry policy);
# 1.5: forms.duplicate_of (the same project filed in another file), finding ids stable by location,
# the reviews table (the auditors' decisions, carried into every version);
# 1.6: sources missing/replaced (status missing + last_status for files gone from the inputs,
#      replaced_sha256 for resubmissions)

MONEY: Final = pa.decimal128(20, 6)
SCORE: Final = pa.decimal128(12, 4)
RATIO: Final = pa.decimal128(12, 6)
VALUE: Final = pa.decimal128(28, 8)

#: Where a cell is on a PDF page: the page and its box in points (null for Word).
PAGE_BOX: Final = (
    pa.field("page", pa.int32()),
    pa.field("x0", pa.float32()),
    pa.field("top", pa.float32()),
    pa.field("x1", pa.float32()),
    pa.field("bottom", pa.float32()),
)
PROVENANCE: Final = pa.list_(
    pa.struct(
        [
            pa.field("field", pa.string()),
            pa.field("table", pa.int32()),
            pa.field("row", pa.int32()),
            pa.field("col", pa.int32()),
            *PAGE_BOX,
        ]
    )
)
STRINGS: Final = pa.list_(pa.string())

#: One row of a table as Python values, keyed by column name.
Row = dict[str, Any]


def _schema(name: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(fields, metadata={"jixiao.table": name, "jixiao.schema_version": SCHEMA_VERSION})


s, i32 = pa.string(), pa.int32()

FORMS: Final = _schema(
    "forms",
    [
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("source_path", s, nullable=False),
        pa.field("form_index", i32, nullable=False),
        pa.field("year", i32),
        pa.field("format", s, nullable=False),
        pa.field("title_raw", s),
        pa.field("project_name", s),
        pa.field("department", s),
        pa.field("implementing_unit", s),
        pa.field("money_unit", s),
        pa.field("money_unit_raw", s),
        pa.field("goal_expected", s),
        pa.field("goal_actual", s),
        pa.field("exec_weight", SCORE),
        pa.field("exec_score", SCORE),
        pa.field("exec_rate_computed", RATIO),
        pa.field("total_weight_reported", SCORE),
        pa.field("total_score_reported", SCORE),
        pa.field("total_weight_computed", SCORE),
        pa.field("total_score_computed", SCORE),
        pa.field("grade_reported", s),
        pa.field("grade_computed", s),
        pa.field("n_indicators", i32, nullable=False),
        pa.field("n_errors", i32, nullable=False),
        pa.field("n_warnings", i32, nullable=False),
        pa.field("indicator_columns", STRINGS),
        pa.field("match_warnings", STRINGS),
        pa.field("needs_review", pa.bool_(), nullable=False),
        pa.field("review_reasons", STRINGS),
        pa.field("template", s),
        pa.field("profile", s, nullable=False),
        pa.field("provenance", PROVENANCE),
        # the form_id of the first form (by source_path, form_index) of the same year, department
        # and project name in another file; set at each commit over the whole dataset
        pa.field("duplicate_of", s),
    ],
)

FUNDS: Final = _schema(
    "funds",
    [
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("year", i32),
        pa.field("line_seq", i32, nullable=False),
        pa.field("line", s, nullable=False),
        pa.field("label_raw", s, nullable=False),
        pa.field("budget_initial", MONEY),
        pa.field("budget_full_year", MONEY),
        pa.field("executed", MONEY),
        pa.field("weight", SCORE),
        pa.field("score", SCORE),
        pa.field("rate_reported", RATIO),
        pa.field("rate_computed", RATIO),
        pa.field("budget_initial_raw", s),
        pa.field("budget_full_year_raw", s),
        pa.field("executed_raw", s),
        pa.field("weight_raw", s),
        pa.field("score_raw", s),
        pa.field("rate_raw", s),
        pa.field("provenance", PROVENANCE),
    ],
)

INDICATORS: Final = _schema(
    "indicators",
    [
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("year", i32),
        pa.field("seq", i32, nullable=False),
        pa.field("level1", s),
        pa.field("level2", s),
        pa.field("level3", s),
        pa.field("level1_raw", s),
        pa.field("level2_raw", s),
        pa.field("level3_raw", s),
        pa.field("level1_points", SCORE),
        pa.field("target_raw", s),
        pa.field("actual_raw", s),
        pa.field("target_kind", s, nullable=False),
        pa.field("target_op", s),
        pa.field("target_value", VALUE),
        pa.field("target_value_max", VALUE),
        pa.field("target_unit", s),
        pa.field("actual_kind", s, nullable=False),
        pa.field("actual_op", s),
        pa.field("actual_value", VALUE),
        pa.field("actual_value_max", VALUE),
        pa.field("actual_unit", s),
        pa.field("weight", SCORE),
        pa.field("score", SCORE),
        pa.field("weight_raw", s),
        pa.field("score_raw", s),
        pa.field("deviation_note", s),
        pa.field("nature_raw", s),
        pa.field("unit_raw", s),
        pa.field("target_note", s),
        pa.field("provenance", PROVENANCE),
    ],
)

FINDINGS: Final = _schema(
    "findings",
    [
        pa.field("finding_id", s, nullable=False),
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("year", i32),
        pa.field("rule_id", s, nullable=False),
        pa.field("severity", s, nullable=False),
        pa.field("message", s, nullable=False),
        pa.field("indicator_seq", i32),
        pa.field("fund_line", s),
        pa.field("fund_line_seq", i32),
        pa.field("fields", STRINGS),
        pa.field("expected", VALUE),
        pa.field("actual", VALUE),
        pa.field("profile", s, nullable=False),
        pa.field("provenance", PROVENANCE),
    ],
)

SOURCES: Final = _schema(
    "sources",
    [
        # the path as text; a name that is not valid UTF-8 shows its bytes as \xNN here and is
        # kept exactly in source_path_bytes (null for every other name)
        pa.field("source_path", s, nullable=False),
        pa.field("source_path_bytes", pa.binary()),
        pa.field("source_sha256", s),
        pa.field("format", s, nullable=False),
        pa.field("size_bytes", pa.int64()),
        pa.field("status", s, nullable=False),
        pa.field("error_code", s),
        pa.field("error", s),
        # runs in a row that parsed these bytes (the retry policy: schemas.statuses)
        pa.field("attempts", i32),
        pa.field("forms_found", i32, nullable=False),
        pa.field("skipped_parts", STRINGS),
        pa.field("warnings", STRINGS),
        pa.field("n_pages", i32),
        pa.field("duplicate_of", s),
        # a resubmission (same path, new bytes): the sha256 of the bytes it replaced (1.6)
        pa.field("replaced_sha256", s),
        # status missing (gone from the inputs since an earlier run): the status it had then (1.6)
        pa.field("last_status", s),
        pa.field("schema_version", s, nullable=False),
    ],
)

#: Every cell of the table rows a form was read from, as on paper: what reports draw, and what
#: ``provenance`` (table, row, col) points into.
CELLS: Final = _schema(
    "cells",
    [
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("table", i32, nullable=False),
        pa.field("row", i32, nullable=False),
        pa.field("col", i32, nullable=False),
        pa.field("row_span", i32, nullable=False),
        pa.field("col_span", i32, nullable=False),
        pa.field("text", s, nullable=False),
        *PAGE_BOX,
        # what the reader made of the cell: label / value / title / note / placeholder / unread
        pa.field("role", s),
        pa.field("field", s),  # the field it labels, or the table.field it was read into
        pa.field("reason", s),  # why an unread cell was not read (Chinese)
        pa.field("confidence", pa.float32()),  # OCR recognition confidence (null: text layer)
        pa.field("stored", s),  # a spreadsheet cell's stored value where it differs from its text
    ],
)

#: Words of indicator names and goal texts (jieba, with a budget-performance dictionary).
TERMS: Final = _schema(
    "terms",
    [
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),
        pa.field("field", s, nullable=False),
        pa.field("indicator_seq", i32),
        pa.field("term", s, nullable=False),
    ],
)

#: The auditors' ledger: one row per decision about a finding (append only; the latest per
#: finding_id wins, the earlier ones are its history). Never dropped by a re-ingest: a decision
#: whose finding is gone (a resubmission fixed it) stays, and is shown as stale.
REVIEWS: Final = _schema(
    "reviews",
    [
        pa.field("finding_id", s, nullable=False),
        pa.field("form_id", s, nullable=False),
        pa.field("source_sha256", s, nullable=False),  # of the form when it was reviewed
        pa.field("rule_id", s, nullable=False),
        pa.field("source_path", s, nullable=False),
        pa.field("status", s, nullable=False),  # confirmed / dismissed / fixed
        pa.field("note", s),
        pa.field("by", s),
        pa.field("at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("message", s, nullable=False),  # what the finding said when it was reviewed
        pa.field("via", s, nullable=False),  # "cli", or the workbook's file name
    ],
)

TABLES: Final = MappingProxyType(
    {
        "forms": FORMS,
        "funds": FUNDS,
        "indicators": INDICATORS,
        "findings": FINDINGS,
        "cells": CELLS,
        "terms": TERMS,
        "sources": SOURCES,
        "reviews": REVIEWS,
    }
)
#: The primary key of each table (rows are written sorted by it).
KEYS: Final = MappingProxyType(
    {
        "forms": ("form_id",),
        "funds": ("form_id", "line_seq"),
        "indicators": ("form_id", "seq"),
        "findings": ("finding_id",),
        "cells": ("form_id", "table", "row", "col"),
        "terms": ("form_id", "field", "indicator_seq", "term"),
        "sources": ("source_path",),
        "reviews": ("finding_id", "at"),
    }
)
#: Tables a re-ingest never drops rows from (``source_sha256`` there is history, not lineage).
LEDGERS: Final = frozenset({"reviews"})


def fits(value: Decimal, type_: pa.Decimal128Type) -> bool:
    """True when ``value`` can be stored in ``type_`` without rounding or overflow."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return False
    scale = max(0, -exponent)
    if scale > type_.scale:
        return False
    integer_digits = max(0, len(digits) + exponent)
    return bool(integer_digits <= type_.precision - type_.scale)
