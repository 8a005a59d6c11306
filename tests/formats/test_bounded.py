"""Bounded work for bounded input, and what a malformed file raises classified by what it means
(issue 10): spans within the table grid, a corrupt deflate stream ``corrupt``, the XML parser's
depth and size limits ``resource_limit`` with the limit named."""

from __future__ import annotations

import pytest

from parsers.formats.base import ParseOptions
from parsers.formats.docx import parse_docx
from parsers.formats.pdf import parse_pdf
from schemas.errors import CorruptDocument, ResourceLimit
from schemas.records import Table
from tests import fuzz
from tests.conftest import SAMPLES
from tests.wordml import docx, p, tbl, tc, tr

OPTS = ParseOptions()
HUGE = (2**31, 10**12)


def _table(body: str) -> tuple[Table, tuple[str, ...]]:
    doc = parse_docx(docx(body), OPTS)
    (table,) = doc.tables
    return table, doc.warnings


@pytest.mark.parametrize("n", HUGE)
def test_a_huge_grid_span_is_read_within_the_grid(n: int) -> None:
    table, warnings = _table(tbl(tr(tc("a"), tc("b", span=n)), tr(tc("c"), tc("d"), tc("e")), cols=3))
    assert [(c.row, c.col, c.col_span, c.text) for c in table.cells] == [
        (0, 0, 1, "a"),
        (0, 1, 2, "b"),  # to the grid's edge
        (1, 0, 1, "c"),
        (1, 1, 1, "d"),
        (1, 2, 1, "e"),
    ]
    assert table.n_cols == 3
    assert any("3 grid columns" in w for w in warnings)


@pytest.mark.parametrize("n", HUGE)
def test_huge_grid_before_and_after_are_read_within_the_grid(n: int) -> None:
    table, warnings = _table(tbl(tr(tc("a"), before=n), tr(tc("b"), after=n), tr(tc("c"), tc("d")), cols=2))
    assert table.n_cols <= 3 and len(table.cells) == 4
    assert warnings


def test_spans_that_fit_are_read_as_written_without_a_warning() -> None:
    table, warnings = _table(tbl(tr(tc("a", span=2), tc("b")), tr(tc("c"), tc("d"), before=1), cols=3))
    assert [(c.col, c.col_span) for c in table.cells] == [(0, 2), (2, 1), (1, 1), (2, 1)]
    assert warnings == ()


def test_a_grid_shorter_than_its_rows_still_reads_every_cell() -> None:
    table, _ = _table(tbl(tr(tc("a"), tc("b"), tc("c"), tc("d")), cols=2))  # tblGrid lists 2 of 4
    assert [c.text for c in table.cells] == ["a", "b", "c", "d"] and table.n_cols == 4


def test_without_a_grid_spans_are_read_within_the_tables_cells() -> None:
    body = tbl(tr(tc("a", span=3)), tr(tc("b"), tc("c"), tc("d")), tr(tc("e"), tc("f", span=2**31)), cols=3)
    table, warnings = _table(body.replace("<w:tblGrid>", "<w:x>").replace("</w:tblGrid>", "</w:x>"))
    assert [(c.col, c.col_span) for c in table.cells] == [(0, 3), (0, 1), (1, 1), (2, 1), (0, 1), (1, 5)]
    assert table.n_cols == 6 and warnings  # 6 cells in the table: the widest it can be


def test_a_corrupt_deflate_stream_is_corrupt() -> None:
    data = fuzz.corrupt_deflate(docx(p("项目支出绩效自评表")))
    with pytest.raises(CorruptDocument, match="invalid block type"):
        parse_docx(data, OPTS)


@pytest.mark.parametrize(
    ("body", "limit"),
    [
        ("<w:customXml>" * 300 + p("深") + "</w:customXml>" * 300, "Excessive depth"),
        (p("字" * 3_400_000), "Text node too long"),  # 10.2 MB of UTF-8 in one text node
    ],
    ids=["depth", "text-node"],
)
def test_the_xml_parsers_limits_are_resource_limits_that_name_the_limit(body: str, limit: str) -> None:
    with pytest.raises(ResourceLimit, match="256 levels of nesting, 10,000,000 bytes") as e:
        parse_docx(docx(body), ParseOptions(max_compression_ratio=100_000))
    assert limit in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("name", sorted(fuzz.BROKEN_PAGES))
def test_a_pdf_whose_pages_cannot_be_built_is_corrupt(name: str) -> None:
    """Issue 10: these escaped ``len(pdf.pages)`` (and pdfplumber's close) as ``internal``."""
    with pytest.raises(CorruptDocument, match="pages cannot be read"):
        parse_pdf(fuzz.broken_pages(name), OPTS)


def test_a_sample_pdf_still_reads() -> None:
    assert parse_pdf((SAMPLES / "seed_datong_2021.pdf").read_bytes(), OPTS).tables
