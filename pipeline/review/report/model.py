"""The report's data: one snapshot of a dataset read through DuckDB, forms with their findings
numbered as on paper (top to bottom, form-level last) and the cells each finding points to."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.dataset.query import connect_snapshot
from pipeline.dataset.writer import Dataset
from pipeline.review.paper import Key
from schemas.rules import RULES
from schemas.tables import Row

#: Tokens that may appear in attributes the script reads (ids, rule ids): checked, never trusted.
FORM_ID = re.compile(r"[0-9a-f]{6,64}-[0-9]{1,6}")
RULE_ID = re.compile(r"[A-Z][A-Z0-9_]{0,40}")


@dataclass(slots=True)
class FindingView:
    n: int  # 1-based number within its form, the ⟨n⟩ marked on its cells
    rule_id: str
    severity: str
    message: str
    keys: list[Key]  # cells of the form behind it (in the cells table)
    missing: list[Key]  # provenance that points to no cell of the form
    by_field: bool = False  # located through the form's header provenance (fields), not its own


@dataclass(slots=True)
class FormView:
    row: Row
    anchor: str
    findings: list[FindingView] = field(default_factory=list)
    cells: list[Row] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity != "error" for f in self.findings)


def _rows(con: Any, sql: str) -> list[Row]:
    rows: list[Row] = con.sql(sql).to_arrow_table().to_pylist()
    return rows


def _refs(provenance: Iterable[Row] | None) -> list[Key]:
    keys: list[Key] = []
    for p in provenance or ():
        if p.get("table") is not None and p.get("row") is not None and p.get("col") is not None:
            key = (int(p["table"]), int(p["row"]), int(p["col"]))
            if key not in keys:
                keys.append(key)
    return keys


def load(root: Path) -> tuple[list[FormView], list[Row], dict[str, Any]]:
    snapshot = Dataset(root).open()
    manifest = snapshot.manifest
    con = connect_snapshot(snapshot)
    try:
        # forms the reader was not sure of first: they need a person before their findings count
        forms = _rows(con, "SELECT * FROM forms ORDER BY needs_review DESC, source_path, form_index, form_id")
        findings = _rows(
            con,
            "SELECT form_id, finding_id, rule_id, severity, message, fields, provenance FROM findings "
            "ORDER BY form_id, finding_id",
        )
        cells = _rows(
            con,
            'SELECT form_id, "table", "row", col, row_span, col_span, text FROM cells '
            'ORDER BY form_id, "table", "row", col',
        )
        sources = _rows(con, "SELECT * FROM sources ORDER BY source_path")
    finally:
        con.close()

    views: dict[str, FormView] = {}
    for i, f in enumerate(forms, 1):
        fid = str(f["form_id"])
        anchor = f"form-{fid}" if FORM_ID.fullmatch(fid) else f"form-n{i}"
        views[fid] = FormView(f, anchor)
    for c in cells:
        if c["form_id"] in views:
            views[c["form_id"]].cells.append(c)
    present = {fid: {(c["table"], c["row"], c["col"]) for c in v.cells} for fid, v in views.items()}
    rule_order = {r.id: i for i, r in enumerate(RULES)}
    grouped: dict[str, list[Row]] = defaultdict(list)
    for fd in findings:
        grouped[fd["form_id"]].append(fd)
    orphans = 0
    for fid, items in grouped.items():
        view = views.get(fid)
        if view is None:  # a finding without its form: counted, cannot be shown on a page
            orphans += len(items)
            continue
        header: dict[str | None, list[Row]] = defaultdict(list)
        for p in view.row.get("provenance") or ():
            header[p.get("field")].append(p)
        located: list[tuple[tuple[float, ...], FindingView]] = []
        for fd in items:
            keys, by_field = _refs(fd["provenance"]), False
            if not keys:  # a form-level finding: the header cells of the fields it names (总分 …)
                keys = _refs(p for name in fd["fields"] or () for p in header.get(name, ()))
                by_field = bool(keys)
            here = [k for k in keys if k in present[fid]]
            missing = [k for k in keys if k not in present[fid]]
            first = min(here) if here else (math.inf,)
            view_fd = FindingView(0, fd["rule_id"], fd["severity"], fd["message"], here, missing, by_field)
            located.append(((*first, rule_order.get(fd["rule_id"], 99)), view_fd))
        located.sort(key=lambda item: item[0])  # as on paper, top to bottom; form-level last
        for n, (_, fv) in enumerate(located, 1):
            fv.n = n
            view.findings.append(fv)
    info = {
        "profile": manifest.profile,
        "commit": manifest.commit,
        "schema_version": manifest.schema_version,
        "orphan_findings": orphans,
        "n_findings": len(findings),
    }
    return list(views.values()), sources, info
