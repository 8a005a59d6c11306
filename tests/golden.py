"""Golden files: the meaning of each sample document, checked by a person against the document.

``sample_docs/expected/<sample>.json`` holds, per sample, the ``sources`` outcome and for each form
its header fields, whether it must be reviewed by a person (``needs_review``: true only when the
document holds something a correct reader cannot place, such as a column of numbers no label
names), fund lines, indicators and findings (rule id + where). Numbers are strings
compared as exact decimals ("10" == "10.00"). Ids, messages and provenance are not part of a
golden file: they are the code's business; the values are the document's.

``project(dataset, path)`` builds the same projection from a written dataset, so the test compares
like with like. ``JIXIAO_REGEN_GOLDEN=1`` writes projections over the golden files for review
(``git diff``) — never in CI (``test_regen_flag_off_in_ci``).
"""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from parsers.numbers import plain
from pipeline.dataset.writer import Dataset

FORM_FIELDS = (
    "form_index",
    "year",
    "project_name",
    "department",
    "implementing_unit",
    "money_unit",
    "goal_expected",
    "goal_actual",
    "total_weight_reported",
    "total_score_reported",
    "grade_reported",
    "needs_review",
)
FUND_FIELDS = (
    "line",
    "label_raw",
    "budget_initial",
    "budget_full_year",
    "executed",
    "weight",
    "score",
    "rate_reported",
)
INDICATOR_FIELDS = (
    "seq",
    "level1",
    "level2",
    "level3",
    "target_raw",
    "actual_raw",
    "weight",
    "score",
    "deviation_note",
    "target_op",
    "target_value",
    "target_unit",
    "actual_op",
    "actual_value",
    "actual_unit",
)
FINDING_FIELDS = ("rule_id", "fund_line", "indicator_seq")
SOURCE_FIELDS = ("status", "error_code", "forms_found")


#: Samples read through LibreOffice (``make test`` installs it; CI never skips them).
CONVERTED = frozenset({".doc", ".wps", ".rtf", ".odt"})


def needs_libreoffice(document: Path) -> None:
    """Skip a converted sample where LibreOffice is missing: on a developer's machine only."""
    if document.suffix in CONVERTED and shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (make test installs it)")


#: Suffixes of the variants made from a sample (``sample_docs/build/scans.py``): a scan or a photo
#: of ``<stem>.pdf`` is ``<stem>.<variant>.<ext>`` and shares ``<stem>``'s golden file.
VARIANTS = frozenset({"scan", "photo"})


#: Samples whose text layer cannot be used, so that OCR reads them, held like scans to the golden
#: file of the sample they were made from: the PDF whose fonts lost their /ToUnicode maps is read
#: from its page image (full-width digits come back half-width: OCR cannot tell them apart).
READ_BY_OCR = {"pdf_unmapped_glyphs_cid.pdf": "fullwidth_digits_and_operators"}


def variant_of(document: Path) -> str | None:
    """``scan`` for ``seed_datong_2021.scan.pdf``, ``ocr`` for a sample in ``READ_BY_OCR``;
    None for a sample that is no variant."""
    if document.name in READ_BY_OCR:
        return "ocr"
    parts = document.name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-2] in VARIANTS else None


def golden_path(document: Path) -> Path:
    """The golden file of a sample: ``expected/<stem>.json``, the source form's for a variant."""
    stem = READ_BY_OCR.get(document.name) or (
        document.name.split(".")[0] if variant_of(document) else document.stem
    )
    return document.parent / "expected" / f"{stem}.json"


def _plain(v: Any) -> Any:
    return plain(v) if isinstance(v, Decimal) else v


def _pick(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _plain(row[f]) for f in fields}


class Tables:
    """The dataset's tables as lists of dicts, indexed for projection."""

    def __init__(self, dataset: Dataset) -> None:
        def rows(name: str) -> list[dict[str, Any]]:
            table: pa.Table = dataset.read(name)
            return table.to_pylist()

        self.sources = {r["source_path"]: r for r in rows("sources")}
        self.forms = rows("forms")
        self.funds = rows("funds")
        self.indicators = rows("indicators")
        self.findings = rows("findings")


def project(tables: Tables, path: str) -> dict[str, Any]:
    src = tables.sources[path]
    out: dict[str, Any] = {"source": _pick(src, SOURCE_FIELDS)}
    out["source"]["skipped_kinds"] = sorted(p.split(" ", 1)[0].split(":", 1)[0] for p in src["skipped_parts"])
    forms = sorted(
        (
            f
            for f in tables.forms
            if f["source_sha256"] == src["source_sha256"] and src["duplicate_of"] is None
        ),
        key=lambda f: f["form_index"],
    )
    out["forms"] = []
    for form in forms:
        fid = form["form_id"]
        entry = _pick(form, FORM_FIELDS)
        entry["funds"] = [
            _pick(r, FUND_FIELDS)
            for r in sorted((r for r in tables.funds if r["form_id"] == fid), key=lambda r: r["line_seq"])
        ]
        entry["indicators"] = [
            _pick(r, INDICATOR_FIELDS)
            for r in sorted((r for r in tables.indicators if r["form_id"] == fid), key=lambda r: r["seq"])
        ]
        entry["findings"] = sorted(
            # DUPLICATE_FORM is about the dataset (which other file holds the same project), not
            # about the document: tests/dataset/test_reviews.py checks it
            (
                _pick(r, FINDING_FIELDS)
                for r in tables.findings
                if r["form_id"] == fid and r["rule_id"] != "DUPLICATE_FORM"
            ),
            key=lambda f: (f["rule_id"], f["fund_line"] or "", f["indicator_seq"] or 0),
        )
        out["forms"].append(entry)
    return out


NUMERIC = frozenset(
    {
        "total_weight_reported",
        "total_score_reported",
        "budget_initial",
        "budget_full_year",
        "executed",
        "weight",
        "score",
        "rate_reported",
        "target_value",
        "actual_value",
    }
)


def normalise(v: Any, key: str | None = None) -> Any:
    """Numeric fields compare as exact decimals ("10" == "10.00"); everything else as is."""
    if isinstance(v, dict):
        return {k: normalise(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [normalise(x) for x in v]
    if key in NUMERIC and v is not None:
        return Decimal(str(v)).normalize()
    return v


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
