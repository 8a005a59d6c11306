"""Records → rows of the output tables (dicts keyed by ``schemas.tables`` columns) → Arrow tables,
and the ``sources`` table back to ``SourceRow`` records.

Ids are deterministic: ``form_id`` is the file's sha256 prefix and the form's index in the file
(same bytes → same id, wherever the file lies); ``finding_id`` adds the rule id and a short hash
of the finding's location (indicator, fund line, fields), so the same finding of the same form has
the same id on every run — what an auditor's review (``reviews``) is attached to.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from parsers.forms.words import form_terms
from schemas.records import (
    Cell,
    CellRef,
    CellRole,
    CheckedForm,
    Quantity,
    Refs,
    SourceResult,
    SourceRow,
    stored_ratio,
)
from schemas.statuses import bilingual
from schemas.tables import SCHEMA_VERSION, TABLES, Row


def raw_name(path: str) -> bytes | None:
    """The bytes of a path that is not valid UTF-8, or None. Linux names are bytes; Python holds
    the bytes it cannot decode as surrogate escapes, which an Arrow string cannot store."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate of another origin
            return path.encode("utf-8", "surrogatepass")
    return None


def utf8_text(text: str) -> str:
    """``text`` as valid UTF-8: the bytes of an undecodable name shown as ``\\xNN``."""
    raw = raw_name(text)
    return text if raw is None else raw.decode("utf-8", "backslashreplace")


def _utf8_values(value: Any) -> Any:
    if isinstance(value, str):
        return utf8_text(value)
    if isinstance(value, list):
        return [_utf8_values(v) for v in value]
    if isinstance(value, dict):
        return {k: _utf8_values(v) for k, v in value.items()}
    return value


def form_id(sha256: str, form_index: int) -> str:
    return f"{sha256[:16]}-{form_index}"


def finding_id(
    fid: str, rule_id: str, indicator_seq: int | None, fund_line_seq: int | None, fields: Iterable[str]
) -> str:
    """``{form_id}-{rule_id}-{hash}``: the hash (8 hex digits) of where the finding is — the
    indicator's seq, the fund line's seq, the fields it names — so it does not depend on how many
    other findings the form has. ``unique_ids`` disambiguates a rule that fires twice at one place."""
    where = f"{rule_id}|{'' if indicator_seq is None else indicator_seq}|"
    where += f"{'' if fund_line_seq is None else fund_line_seq}|{','.join(fields)}"
    return f"{fid}-{rule_id}-{hashlib.sha256(where.encode('utf-8')).hexdigest()[:8]}"


def unique_ids(ids: Iterable[str]) -> list[str]:
    """``ids`` in order, the second and later of an id that repeats suffixed ``-2``, ``-3`` …"""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for i in ids:
        seen[i] += 1
        out.append(i if seen[i] == 1 else f"{i}-{seen[i]}")
    return out


#: A cell a value was read from, as one ``PROVENANCE`` struct: its fields in the schema's order
#: (field, table, row, col, page, x0, top, x1, bottom). Arrow takes a tuple for a struct at half
#: the cost of a dict, and a form has ~100 of them.
ProvenanceRef = tuple[str, int, int, int, int | None, float | None, float | None, float | None, float | None]


def provenance(refs: Refs) -> list[ProvenanceRef]:
    return [_ref(field, ref) for field, ref in refs]


def _ref(field: str, ref: CellRef) -> ProvenanceRef:
    box = ref.bbox  # PDF only: Word and spreadsheets have no page geometry
    if box is None:
        return (field, ref.table, ref.row, ref.col, ref.page, None, None, None, None)
    return (field, ref.table, ref.row, ref.col, ref.page, box.x0, box.top, box.x1, box.bottom)


def _quantity(prefix: str, q: Quantity) -> Row:
    return {
        f"{prefix}_kind": q.kind,
        f"{prefix}_op": q.op,
        f"{prefix}_value": q.value,
        f"{prefix}_value_max": q.value_max,
        f"{prefix}_unit": q.unit,
    }


class Columns:
    """Rows of one table held as columns (name → values): how the bulk table is built — a form's
    ~150 cells. A list per column costs half of a dict per row, and
    becomes Arrow without being taken apart again (``to_table``)."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, list[Any]]) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(next(iter(self.data.values()), []))

    def extend(self, other: Columns) -> None:
        for name, values in other.data.items():
            self.data[name].extend(values)

    def copy(self) -> Columns:
        return Columns({name: list(values) for name, values in self.data.items()})


#: A table's rows: a dict per row, or (the ``cells`` table) a list per column.
Rows = list[Row] | Columns


def cell_columns(
    fid: str, sha: str, cells: tuple[tuple[int, Cell], ...], roles: dict[tuple[int, int, int], CellRole]
) -> Columns:
    """The ``cells`` rows of a form: every cell with what the reader made of it."""
    n = len(cells)
    role = [roles.get((t, c.row, c.col)) for t, c in cells]
    box = [c.bbox for _, c in cells]
    return Columns(
        {
            "form_id": [fid] * n,
            "source_sha256": [sha] * n,
            "table": [t for t, _ in cells],
            "row": [c.row for _, c in cells],
            "col": [c.col for _, c in cells],
            "row_span": [c.row_span for _, c in cells],
            "col_span": [c.col_span for _, c in cells],
            "text": [c.text for _, c in cells],
            "page": [c.page for _, c in cells],
            "x0": [b.x0 if b else None for b in box],
            "top": [b.top if b else None for b in box],
            "x1": [b.x1 if b else None for b in box],
            "bottom": [b.bottom if b else None for b in box],
            "role": [r.role if r else None for r in role],
            "field": [r.field if r else None for r in role],
            "reason": [r.reason if r else None for r in role],
            "confidence": [c.confidence for _, c in cells],
            "stored": [c.stored for _, c in cells],
        }
    )


def form_rows(result: SourceResult, cf: CheckedForm) -> dict[str, Rows]:
    form, src, t = cf.form, result.source, cf.totals
    fid = form_id(src.sha256, form.form_index)
    common = {"form_id": fid, "source_sha256": src.sha256, "year": form.year}
    out: dict[str, list[Row]] = defaultdict(list)
    out["forms"].append(
        {
            **common,
            "source_path": src.path,
            "form_index": form.form_index,
            "format": src.format,
            "title_raw": form.title_raw,
            "project_name": form.project_name,
            "department": form.department,
            "implementing_unit": form.implementing_unit,
            "money_unit": form.money_unit,
            "money_unit_raw": form.money_unit_raw,
            "goal_expected": form.goal_expected,
            "goal_actual": form.goal_actual,
            "exec_weight": t.exec_weight,
            "exec_score": t.exec_score,
            "exec_rate_computed": t.exec_rate_computed,
            "total_weight_reported": form.total_weight_reported,
            "total_score_reported": form.total_score_reported,
            "total_weight_computed": t.total_weight_computed,
            "total_score_computed": t.total_score_computed,
            "grade_reported": form.grade_reported,
            "grade_computed": t.grade_computed,
            "n_indicators": len(form.indicators),
            "n_errors": sum(1 for f in cf.findings if f.severity == "error"),
            "n_warnings": sum(1 for f in cf.findings if f.severity == "warning"),
            "indicator_columns": list(form.indicator_columns),
            "match_warnings": list(form.warnings),
            "needs_review": form.needs_review,
            "review_reasons": list(form.review_reasons),
            "template": form.template,
            "profile": cf.profile,
            "provenance": provenance(form.refs),
        }
    )
    for line in form.funds:
        out["funds"].append(
            {
                **common,
                "line_seq": line.line_seq,
                "line": line.line,
                "label_raw": line.label_raw,
                "budget_initial": line.budget_initial,
                "budget_full_year": line.budget_full_year,
                "executed": line.executed,
                "weight": line.weight,
                "score": line.score,
                "rate_reported": line.rate_reported,
                "rate_computed": stored_ratio(line.rate_computed),
                "budget_initial_raw": line.budget_initial_raw,
                "budget_full_year_raw": line.budget_full_year_raw,
                "executed_raw": line.executed_raw,
                "weight_raw": line.weight_raw,
                "score_raw": line.score_raw,
                "rate_raw": line.rate_raw,
                "provenance": provenance(line.refs),
            }
        )
    for ind in form.indicators:
        out["indicators"].append(
            {
                **common,
                "seq": ind.seq,
                "level1": ind.level1,
                "level2": ind.level2,
                "level3": ind.level3,
                "level1_raw": ind.level1_raw,
                "level2_raw": ind.level2_raw,
                "level3_raw": ind.level3_raw,
                "level1_points": ind.level1_points,
                "target_raw": ind.target_raw,
                "actual_raw": ind.actual_raw,
                **_quantity("target", ind.target),
                **_quantity("actual", ind.actual),
                "weight": ind.weight,
                "score": ind.score,
                "weight_raw": ind.weight_raw,
                "score_raw": ind.score_raw,
                "deviation_note": ind.deviation_note,
                "nature_raw": ind.nature_raw,
                "unit_raw": ind.unit_raw,
                "target_note": ind.target_note,
                "provenance": provenance(ind.refs),
            }
        )
    sha = src.sha256
    for field, seq, term in form_terms(form):
        out["terms"].append(
            {"form_id": fid, "source_sha256": sha, "field": field, "indicator_seq": seq, "term": term}
        )
    ids = unique_ids(
        finding_id(fid, f.rule_id, f.indicator_seq, f.fund_line_seq, f.fields) for f in cf.findings
    )
    for finding, fnd_id in zip(cf.findings, ids, strict=True):
        out["findings"].append(
            {
                **common,
                "finding_id": fnd_id,
                "rule_id": finding.rule_id,
                "severity": finding.severity,
                "message": finding.message,
                "indicator_seq": finding.indicator_seq,
                "fund_line": finding.fund_line,
                "fund_line_seq": finding.fund_line_seq,
                "fields": list(finding.fields),
                "expected": finding.expected,
                "actual": finding.actual,
                "profile": cf.profile,
                "provenance": provenance(finding.refs),
            }
        )
    return {**out, "cells": cell_columns(fid, sha, form.cells, dict(form.cell_roles))}


def to_table(table: str, rows: Rows) -> pa.Table:
    schema = TABLES[table]
    try:
        if isinstance(rows, Columns):
            return pa.Table.from_pydict(rows.data, schema=schema)
        return pa.Table.from_pylist(rows, schema=schema)
    except UnicodeEncodeError:  # a path or text with undecodable bytes: shown as \xNN
        if isinstance(rows, Columns):
            return pa.Table.from_pydict(_utf8_values(rows.data), schema=schema)
        return pa.Table.from_pylist([_utf8_values(r) for r in rows], schema=schema)


def _gather(parts: Iterable[dict[str, Rows]]) -> dict[str, Rows]:
    """Several parts' rows, table by table (the parts are left as they were)."""
    out: dict[str, Rows] = {}
    for part in parts:
        for table, rows in part.items():
            got = out.get(table)
            if got is None:
                out[table] = rows.copy()
            elif isinstance(got, Columns):
                assert isinstance(rows, Columns)
                got.extend(rows)
            else:
                assert isinstance(rows, list)
                got.extend(rows)
    return out


def result_rows(result: SourceResult) -> dict[str, Rows]:
    """The rows of every form of a result, per table (not its ``sources`` row)."""
    return _gather(form_rows(result, cf) for cf in result.forms)


def tables_of(parts: Iterable[dict[str, Rows]]) -> dict[str, pa.Table]:
    """Several files' rows as one Arrow table per output table. Converting costs about 0.3 ms a
    call before the first row (6 calls a file): rows are converted once per batch of files."""
    return {t: to_table(t, r) for t, r in _gather(parts).items() if len(r)}


def sources_table(rows: Iterable[SourceRow]) -> pa.Table:
    """The ``sources`` table; every name kept exactly (``source_path_bytes`` for the names that
    are not UTF-8), every text valid UTF-8."""
    return to_table(
        "sources",
        [
            {
                **r.as_dict(),
                "error": bilingual(r.error_code, r.error),
                "source_path_bytes": raw_name(r.source_path),
                "schema_version": SCHEMA_VERSION,
            }
            for r in rows
        ],
    )


def read_sources(table: pa.Table) -> dict[str, SourceRow]:
    """The ``sources`` table as records, by path (the path exactly as the file system gives it)."""
    out: dict[str, SourceRow] = {}
    for r in table.to_pylist():
        raw = r.get("source_path_bytes")
        if raw is not None:
            r["source_path"] = raw.decode("utf-8", "surrogateescape")
        out[r["source_path"]] = SourceRow.from_dict(r)
    return out
