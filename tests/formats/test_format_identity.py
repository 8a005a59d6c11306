"""A form yields the same rows in every format it exists in: .docx and its .doc/.wps/.rtf/.odt (converted
by LibreOffice), a spreadsheet and its PDF export, a form as .docx and as .xlsx/.xls/.et/.ods
(provenance and file identity aside)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.dataset.writer import Dataset
from tests import golden
from tests.conftest import SAMPLES
from tests.formats.test_pdf_identity import _rows
from tests.test_golden import SUFFIXES

#: The formats this issue added, each checked against the sample's other formats.
NEW = (".doc", ".wps", ".rtf", ".odt", ".xlsx", ".xls", ".et", ".ods")
_BY_STEM: dict[str, list[str]] = defaultdict(list)
for _p in sorted(SAMPLES.iterdir()):
    if _p.suffix in SUFFIXES:
        _BY_STEM[_p.stem].append(_p.suffix)
#: (stem, the new format, the format it is compared with: .docx if there is one, else .pdf)
PAIRS = [
    (stem, suffix, ".docx" if ".docx" in suffixes else ".pdf")
    for stem, suffixes in sorted(_BY_STEM.items())
    for suffix in suffixes
    if suffix in NEW and (".docx" in suffixes or ".pdf" in suffixes)
]


@pytest.fixture(scope="module")
def tables(sample_dataset: Dataset) -> golden.Tables:
    return golden.Tables(sample_dataset)


def test_every_new_format_has_a_twin() -> None:
    kinds = {suffix for _, suffix, _ in PAIRS}
    assert {".doc", ".wps", ".rtf", ".odt", ".xlsx", ".xls", ".et", ".ods"} <= kinds
    assert any(suffix == ".xlsx" and twin == ".pdf" for _, suffix, twin in PAIRS)  # a sheet and its PDF export


@pytest.mark.parametrize(("stem", "suffix", "twin"), PAIRS, ids=[f"{s}{x}" for s, x, _ in PAIRS])
def test_rows_equal_across_formats(stem: str, suffix: str, twin: str, tables: golden.Tables) -> None:
    golden.needs_libreoffice(SAMPLES / f"{stem}{suffix}")
    ours, theirs = f"sample_docs/{stem}{suffix}", f"sample_docs/{stem}{twin}"
    assert tables.sources[ours]["status"] == tables.sources[theirs]["status"]
    mine, other = _rows(tables, ours), _rows(tables, theirs)
    for name in other:
        assert mine[name] == other[name], name
