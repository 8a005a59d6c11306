"""Duplicate submissions: the same project filed in two files (its .docx and its PDF, or a
resubmission under a new name) is one project, not two.

Two forms are the same project when their year, department and project name are equal after
``parsers.text.label_key`` (NFKC, simplified characters, no whitespace), all three read. Forms
are ordered by ``(source_path, form_index)``; in a group of the same project the first is the
original and every later form *in another file* is linked to the first form before it that is
in another file (``forms.duplicate_of``) and gets one ``DUPLICATE_FORM`` warning.

This is a property of the dataset, not of one form, so the writer computes it at every commit
over all forms (``Dataset.commit``), incremental runs included: a new earlier file makes an
original a duplicate, and a resubmission that renames the project removes the link.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Final

import pyarrow as pa

from parsers.text import label_key
from pipeline.dataset.rows import finding_id, to_table
from schemas.rules import RULES_BY_ID
from schemas.tables import Row

RULE: Final = RULES_BY_ID["DUPLICATE_FORM"]
#: The ``forms`` columns the links are computed from.
COLUMNS: Final = [
    "form_id",
    "source_sha256",
    "source_path",
    "form_index",
    "year",
    "department",
    "project_name",
    "profile",
    "needs_review",
]
#: Where a DUPLICATE_FORM finding points on paper.
FIELDS: Final = ("year", "department", "project_name")
#: The findings file that holds the DUPLICATE_FORM findings (rewritten whole when they change).
FILE_STEM: Final = "duplicates-"


def project_key(year: int | None, department: str | None, name: str | None) -> tuple[int, str, str] | None:
    """What makes two forms the same project; None when one of the three is not read."""
    dept, proj = label_key(department), label_key(name)
    if year is None or not dept or not proj:
        return None
    return (year, dept, proj)


def links(forms: list[Row]) -> dict[str, str]:
    """form_id → the form_id it duplicates, for every later form of a project filed twice. The
    project's first form is its best-read one: a form read sure before one that needs review
    (a partial scan of page 1 is not the project's copy of record), then by path."""
    groups: dict[tuple[int, str, str], list[Row]] = defaultdict(list)
    order = sorted(
        forms, key=lambda r: (bool(r["needs_review"]), r["source_path"], r["form_index"], r["form_id"])
    )
    for r in order:
        key = project_key(r["year"], r["department"], r["project_name"])
        if key is not None:
            groups[key].append(r)
    out: dict[str, str] = {}
    for group in groups.values():
        for i, r in enumerate(group[1:], 1):
            first = next((g for g in group[:i] if g["source_sha256"] != r["source_sha256"]), None)
            if first is not None:
                out[r["form_id"]] = first["form_id"]
    return out


def findings(forms: list[Row], linked: dict[str, str], provenance: dict[str, list[Row]]) -> pa.Table:
    """The DUPLICATE_FORM findings, one per linked form, sorted by finding_id; ``provenance`` is
    the linked forms' ``forms.provenance`` (where their name, department and year are printed)."""
    by_id = {r["form_id"]: r for r in forms}
    rows: list[Row] = []
    for fid, first_id in linked.items():
        r, first = by_id[fid], by_id[first_id]
        rows.append(
            {
                "finding_id": finding_id(fid, RULE.id, None, None, FIELDS),
                "form_id": fid,
                "source_sha256": r["source_sha256"],
                "year": r["year"],
                "rule_id": RULE.id,
                "severity": RULE.severity,
                "message": RULE.message(
                    year=r["year"],
                    department=r["department"],
                    name=r["project_name"],
                    first=first["source_path"],
                    first_id=first_id,
                ),
                "indicator_seq": None,
                "fund_line": None,
                "fund_line_seq": None,
                "fields": list(FIELDS),
                "expected": None,
                "actual": None,
                "profile": r["profile"],
                "provenance": [p for p in provenance.get(fid, []) if p["field"] in FIELDS],
            }
        )
    rows.sort(key=lambda r: r["finding_id"])
    return to_table("findings", rows)


def relinked(table: pa.Table, linked: dict[str, str], *, check_only: bool = False) -> pa.Table | None:
    """A forms table with ``duplicate_of`` (and ``n_warnings``, which counts the DUPLICATE_FORM
    warning) as ``linked`` says, or None when nothing in it changes (``check_only``: ``table``
    itself when something does)."""
    ids = table.column("form_id").to_pylist()
    old = table.column("duplicate_of").to_pylist()
    new = [linked.get(i) for i in ids]
    if new == old:
        return None
    if check_only:
        return table
    warnings = [
        n - (o is not None) + (d is not None)
        for n, o, d in zip(table.column("n_warnings").to_pylist(), old, new, strict=True)
    ]
    table = _set(table, "duplicate_of", pa.array(new, pa.string()))
    return _set(table, "n_warnings", pa.array(warnings, pa.int32()))


def _set(table: pa.Table, name: str, values: Any) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, table.schema.field(name), values)
