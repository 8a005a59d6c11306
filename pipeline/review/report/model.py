"""The report's data: one snapshot of a dataset read through DuckDB.

* :func:`load_index` — every form, worst first (errors, then needs_review, then warnings; ties by
  file and form index), with its finding counts and rules: what the overview and the list need;
* :func:`load_details` — for a slice of those forms, their cells and findings, numbered as on
  paper by the one function ``jixiao show`` numbers with (``paper.number_findings``), each
  finding's cells named as printed (``where.Locator``) and, for a PDF, its page crops.

Details are read a slice at a time, so a province's season never sits in memory at once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.dataset.query import connect_snapshot
from pipeline.dataset.writer import Dataset
from pipeline.review.crops import Crop, Cropper
from pipeline.review.paper import Key, number_findings
from pipeline.review.where import Locator, PlacedCell
from schemas.rules import RULES
from schemas.tables import Row

#: Tokens that may appear in attributes the script reads (ids, rule ids): checked, never trusted.
FORM_ID = re.compile(r"[0-9a-f]{6,64}-[0-9]{1,6}")
RULE_ID = re.compile(r"[A-Z][A-Z0-9_]{0,40}")
RULE_ORDER = {r.id: i for i, r in enumerate(RULES)}


@dataclass(frozen=True, slots=True)
class Decision:
    """An auditor's decision on a finding (复核状态 / 复核意见), read from the reviews the
    ``jixiao review`` command records; the report shows it beside the finding."""

    status: str  # as people read it: 确认（confirmed）
    note: str | None = None
    by: str | None = None
    at: str | None = None  # the day it was decided, 2026-12-01


@dataclass(frozen=True, slots=True)
class StaleDecision:
    """A decision whose finding is gone: its file was resubmitted and no longer says it. The
    report lists it on its own, with what the finding said, beside the file's current form."""

    source_path: str
    form_index: int  # of the form the finding was about, in its file
    rule_id: str
    message: str  # the finding as it read when it was reviewed
    decision: Decision


@dataclass(slots=True)
class FindingView:
    n: int  # 1-based number within its form, the ⟨n⟩ marked on its cells (as in ``jixiao show``)
    finding_id: str
    rule_id: str
    severity: str
    message: str
    keys: list[Key]  # cells of the form behind it (in the cells table)
    missing: list[Key]  # provenance that points to no cell of the form
    by_field: bool = False  # located through the form's header provenance (fields), not its own
    where: str = ""  # the cells as printed: 「…」一行的「实际完成值」（第2页）
    crops: list[Crop] = field(default_factory=list)
    #: The auditors' decision, when one is recorded (``load_details(decisions=…)``).
    decision: Decision | None = None


@dataclass(slots=True)
class ReviewCells:
    """Cells left unread in a form that needs review, by reason, with their crops."""

    reason: str
    keys: list[Key]
    where: str
    crops: list[Crop] = field(default_factory=list)


@dataclass(slots=True)
class FormView:
    row: Row
    anchor: str
    n_errors: int = 0
    n_warnings: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    findings: list[FindingView] = field(default_factory=list)
    cells: list[Row] = field(default_factory=list)
    review_cells: list[ReviewCells] = field(default_factory=list)
    crop_note: str | None = None  # why a PDF form has no crops (its file moved or changed)

    @property
    def errors(self) -> int:
        return self.n_errors

    @property
    def warnings(self) -> int:
        return self.n_warnings

    @property
    def tier(self) -> int:
        """0 errors, 1 needs review, 2 warnings, 3 clean: the report's default order."""
        if self.n_errors:
            return 0
        if self.row.get("needs_review"):
            return 1
        return 2 if self.n_warnings else 3


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


def worst_first(views: Iterable[FormView]) -> list[FormView]:
    return sorted(
        views,
        key=lambda v: (
            v.tier,
            -v.n_errors,
            -v.n_warnings,
            str(v.row["source_path"]),
            int(v.row["form_index"]),
            str(v.row["form_id"]),
        ),
    )


class Snapshot:
    """One version of the dataset, open for the report (a DuckDB connection over its files)."""

    def __init__(self, root: Path) -> None:
        snap = Dataset(root).open()
        self.manifest = snap.manifest
        self.con = connect_snapshot(snap)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def load_index(snap: Snapshot) -> tuple[list[FormView], list[Row], dict[str, Any]]:
    """Every form (worst first) with its counts, the sources, and facts about the dataset."""
    con = snap.con
    forms = _rows(con, "SELECT * EXCLUDE (provenance) FROM forms ORDER BY source_path, form_index, form_id")
    counts = _rows(
        con,
        "SELECT form_id, rule_id, severity, count(*) AS n FROM findings GROUP BY ALL ORDER BY ALL",
    )
    sources = _rows(con, "SELECT * FROM sources ORDER BY source_path")
    views: dict[str, FormView] = {}
    for i, f in enumerate(forms, 1):
        fid = str(f["form_id"])
        anchor = f"form-{fid}" if FORM_ID.fullmatch(fid) else f"form-n{i}"
        views[fid] = FormView(f, anchor)
    orphans = total = 0
    for c in counts:
        total += c["n"]
        view = views.get(c["form_id"])
        if view is None:  # a finding without its form: counted, cannot be shown on a page
            orphans += c["n"]
            continue
        view.rules[c["rule_id"]] += c["n"]
        if c["severity"] == "error":
            view.n_errors += c["n"]
        else:
            view.n_warnings += c["n"]
    info = {
        "profile": snap.manifest.profile,
        "commit": snap.manifest.commit,
        "schema_version": snap.manifest.schema_version,
        "orphan_findings": orphans,
        "n_findings": total,
    }
    return worst_first(views.values()), sources, info


def _placed(c: Row) -> PlacedCell:
    box = None
    if c["page"] is not None and None not in (c["x0"], c["top"], c["x1"], c["bottom"]):
        box = (float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
    return PlacedCell(
        int(c["table"]),
        int(c["row"]),
        int(c["col"]),
        int(c["row_span"]),
        int(c["col_span"]),
        c["text"],
        c["role"],
        c["field"],
        c["page"],
        box,
    )


def _counter(finding_id: str) -> int:
    tail = finding_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def load_details(
    snap: Snapshot,
    views: Sequence[FormView],
    cropper: Cropper | None = None,
    decisions: Mapping[str, Decision] | None = None,
) -> None:
    """Fill in the cells and findings of ``views`` (a slice of :func:`load_index`'s forms), with
    crops of PDF pages when a ``cropper`` is given and decisions by ``finding_id``."""
    by_id = {str(v.row["form_id"]): v for v in views}
    con = snap.con
    con.register("_wanted", pa.table({"form_id": list(by_id)}))
    try:
        header = _rows(con, "SELECT form_id, provenance FROM forms JOIN _wanted USING (form_id)")
        findings = _rows(
            con,
            "SELECT form_id, finding_id, rule_id, severity, message, fields, provenance FROM findings "
            "JOIN _wanted USING (form_id) ORDER BY form_id, finding_id",
        )
        cells = _rows(
            con,
            'SELECT form_id, "table", "row", col, row_span, col_span, text, role, field, reason, page, '
            'x0, "top", x1, bottom FROM cells JOIN _wanted USING (form_id) '
            'ORDER BY form_id, "table", "row", col',
        )
    finally:
        con.unregister("_wanted")
    provenance = {h["form_id"]: h["provenance"] for h in header}
    for c in cells:
        by_id[c["form_id"]].cells.append(c)
    grouped: dict[str, list[Row]] = defaultdict(list)
    for fd in findings:
        grouped[fd["form_id"]].append(fd)
    for fid, view in by_id.items():
        _detail(view, grouped.get(fid, []), provenance.get(fid), cropper, decisions or {})


def _detail(
    view: FormView,
    items: list[Row],
    provenance: list[Row] | None,
    cropper: Cropper | None,
    decisions: Mapping[str, Decision],
) -> None:
    placed = [_placed(c) for c in view.cells]
    locator = Locator(placed)
    present = set(locator.cells)
    header: dict[str | None, list[Row]] = defaultdict(list)
    for p in provenance or ():
        header[p.get("field")].append(p)
    found: list[FindingView] = []
    for fd in items:
        keys, by_field = _refs(fd["provenance"]), False
        if not keys:  # a form-level finding: the header cells of the fields it names (总分 …)
            keys = _refs(p for name in fd["fields"] or () for p in header.get(name, ()))
            by_field = bool(keys)
        here = [k for k in keys if k in present]
        missing = [k for k in keys if k not in present]
        found.append(
            FindingView(
                0,
                fd["finding_id"],
                fd["rule_id"],
                fd["severity"],
                fd["message"],
                here,
                missing,
                by_field,
                locator.describe(here),
                decision=decisions.get(fd["finding_id"]),
            )
        )
    numbers = number_findings([(f.keys, f.rule_id, _counter(f.finding_id)) for f in found], RULE_ORDER)
    for f, n in zip(found, numbers, strict=True):
        f.n = n
    view.findings = sorted(found, key=lambda f: f.n)
    unread: dict[str, list[Key]] = defaultdict(list)
    if view.row.get("needs_review"):
        for c in view.cells:
            if c["role"] == "unread":
                unread[c["reason"] or "未读取"].append((int(c["table"]), int(c["row"]), int(c["col"])))
    view.review_cells = [ReviewCells(r, keys, locator.describe(keys)) for r, keys in unread.items()]
    if cropper is None:
        return
    boxed = [(c.page, c.box) for c in placed if c.page is not None and c.box is not None]
    if not boxed or not (view.findings or view.review_cells):
        return
    note = cropper.open(str(view.row["source_path"]), view.row.get("source_sha256"))
    if note is not None:
        view.crop_note = note
        return
    path = str(view.row["source_path"])
    targets: list[FindingView | ReviewCells] = [*view.findings, *view.review_cells]
    for target in targets:
        marked = [
            (pc.page, pc.box)
            for k in target.keys
            if (pc := locator.cells[k]).page is not None and pc.box is not None
        ]
        headers = [
            (h.page, h.box)
            for k in target.keys
            if (h := locator.column_header(k)) is not None and h.page is not None and h.box is not None
        ]
        if marked:
            target.crops = cropper.crops(path, marked, boxed, headers)
