"""A form's PDF yields the same rows as its Word file (provenance and file identity aside)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.dataset.writer import Dataset
from tests import golden
from tests.conftest import SAMPLES

#: Columns that name the file or where on paper a value sits: they differ between formats.
FILE_COLUMNS = {"provenance", "form_id", "source_sha256", "source_path", "format", "finding_id"}
PAIRS = sorted(p.stem for p in SAMPLES.glob("*.pdf") if (SAMPLES / f"{p.stem}.docx").exists())


@pytest.fixture(scope="module")
def tables(sample_dataset: Dataset) -> golden.Tables:
    return golden.Tables(sample_dataset)


def _rows(tables: golden.Tables, path: str) -> dict[str, list[dict[str, Any]]]:
    src = tables.sources[path]
    fids = {f["form_id"] for f in tables.forms if f["source_sha256"] == src["source_sha256"]}
    out = {}
    for name in ("forms", "funds", "indicators", "findings"):
        rows = [
            r for r in getattr(tables, name) if r["form_id"] in fids and r.get("rule_id") != "DUPLICATE_FORM"
        ]
        if name == "forms":  # which other file holds the same project is the dataset's business
            rows = [
                {**r, "duplicate_of": None, "n_warnings": r["n_warnings"] - (r["duplicate_of"] is not None)}
                for r in rows
            ]
        out[name] = sorted(
            ({k: v for k, v in r.items() if k not in FILE_COLUMNS} for r in rows),
            key=lambda r: (
                r.get("form_index", 0),
                r.get("seq", 0),
                r.get("line_seq", 0),
                r.get("rule_id", ""),
                r.get("message", ""),
            ),
        )
    return out


def test_there_are_pairs() -> None:
    assert len(PAIRS) >= 15


@pytest.mark.parametrize("stem", PAIRS)
def test_pdf_rows_equal_docx_rows(stem: str, tables: golden.Tables) -> None:
    docx = _rows(tables, f"sample_docs/{stem}.docx")
    pdf = _rows(tables, f"sample_docs/{stem}.pdf")
    assert (
        tables.sources[f"sample_docs/{stem}.pdf"]["status"]
        == tables.sources[f"sample_docs/{stem}.docx"]["status"]
    )
    for name in docx:
        assert pdf[name] == docx[name], name


def test_pdf_values_keep_page_and_box(tables: golden.Tables) -> None:
    src = tables.sources["sample_docs/seed_datong_2021.pdf"]
    (form,) = [f for f in tables.forms if f["source_sha256"] == src["source_sha256"]]
    last = max((r for r in tables.indicators if r["form_id"] == form["form_id"]), key=lambda r: r["seq"])
    score = next(p for p in last["provenance"] if p["field"] == "score")
    assert score["page"] == 2 and score["x0"] < score["x1"] and score["top"] < score["bottom"]
