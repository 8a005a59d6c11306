"""Every sample document yields exactly its golden file (checked by hand against the document)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.dataset.writer import Dataset
from tests import golden
from tests.conftest import SAMPLES

REGEN = os.environ.get("JIXIAO_REGEN_GOLDEN") == "1"
#: Every format a submission comes in (a sample in several formats shares one golden file).
SUFFIXES = (".docx", ".pdf", ".doc", ".wps", ".rtf", ".odt", ".xlsx", ".xlsm", ".xls", ".et", ".ods")
#: Scans and photos of a sample (``<stem>.scan.pdf``) are held to their source's golden file in
#: tests/formats/test_scanned.py: equal, or needs_review with the cells named.
DOCUMENTS = sorted(p for p in SAMPLES.iterdir() if p.suffix in SUFFIXES and not golden.variant_of(p))


@pytest.fixture(scope="module")
def tables(sample_dataset: Dataset) -> golden.Tables:
    return golden.Tables(sample_dataset)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_sample_matches_golden(document: Path, tables: golden.Tables) -> None:
    golden.needs_libreoffice(document)
    expected_path = SAMPLES / "expected" / f"{document.stem}.json"
    actual = golden.project(tables, f"sample_docs/{document.name}")
    if REGEN:
        expected_path.write_text(golden.dump(actual), encoding="utf-8")
        pytest.skip("golden file rewritten: review it against the document (git diff)")
    assert expected_path.exists(), f"no golden file for {document.name}"
    expected = golden.load(expected_path)
    assert golden.normalise(actual) == golden.normalise(expected)


def test_every_golden_has_a_document() -> None:
    stems = {p.stem for p in DOCUMENTS}
    orphans = [p.name for p in (SAMPLES / "expected").glob("*.json") if p.stem not in stems]
    assert not orphans


def test_regen_flag_off_in_ci() -> None:
    if os.environ.get("CI"):
        assert not REGEN, "JIXIAO_REGEN_GOLDEN must never be set in CI"
