"""The PDF parser rebuilds the same table structure as the Word parser, on tiny synthetic PDFs."""

from __future__ import annotations

import pytest

from parsers.formats.base import ParseOptions
from parsers.formats.pdf import chars_to_lines, parse_pdf, snap_edges
from schemas.errors import CorruptDocument, NeedsOCR
from schemas.records import Paragraph, RawDocument, Table
from tests.pdfgen import Page, build

OPTS = ParseOptions()
XS = [50.0, 150.0, 250.0, 350.0]


def parse(*pages: Page) -> RawDocument:
    return parse_pdf(build(list(pages)), OPTS)


def cells(t: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells]


def test_spans_are_rebuilt_from_cell_boxes() -> None:
    page = Page().grid(
        XS,
        [100, 130, 160, 190],
        merged={(0, 0): (2, 1), (2, 1): (1, 2)},
        texts={(0, 0): "A", (0, 1): "B", (0, 2): "C", (1, 1): "D", (1, 2): "E", (2, 0): "F", (2, 1): "G"},
    )
    (t,) = parse(page).tables
    assert cells(t) == [
        (0, 0, 2, 1, "A"),
        (0, 1, 1, 1, "B"),
        (0, 2, 1, 1, "C"),
        (1, 1, 1, 1, "D"),
        (1, 2, 1, 1, "E"),
        (2, 0, 1, 1, "F"),
        (2, 1, 1, 2, "G"),
    ]
    assert (t.n_rows, t.n_cols) == (3, 3)


def test_every_cell_keeps_its_page_and_box() -> None:
    (t,) = parse(Page().grid(XS, [100, 130], texts={(0, 1): "x"})).tables
    cell = t.cells[1]
    assert cell.page == 1 and cell.bbox is not None
    assert (cell.bbox.x0, cell.bbox.top, cell.bbox.x1, cell.bbox.bottom) == (150.0, 100.0, 250.0, 130.0)


def test_text_outside_tables_is_paragraphs_in_reading_order() -> None:
    page = Page().text(50, 40, "Title").grid(XS, [100, 130], texts={(0, 0): "a"}).text(50, 200, "Note")
    doc = parse(page)
    kinds = [(type(b).__name__, getattr(b, "text", None)) for b in doc.blocks]
    assert kinds == [("Paragraph", "Title"), ("Table", None), ("Paragraph", "Note")]


def _page_table(ys: list[float], texts: dict[tuple[int, int], str], merged: dict | None = None) -> Page:  # type: ignore[type-arg]
    return Page().grid(XS, ys, merged=merged, texts=texts)


def test_a_table_running_over_a_page_is_joined() -> None:
    p1 = _page_table([700, 730, 760, 790], {(0, 0): "h1", (0, 1): "h2", (1, 0): "a", (2, 0): "b"}).text(
        280, 820, "- 1 -"
    )
    p2 = _page_table([50, 80, 110], {(0, 0): "c", (1, 0): "d"})
    doc = parse(p1, p2)
    (t,) = doc.tables
    assert [c.text for c in t.cells if c.col == 0] == ["h1", "a", "b", "c", "d"]
    assert t.n_rows == 5
    assert [c.page for c in t.cells if c.col == 0] == [1, 1, 1, 2, 2]
    assert not any(isinstance(b, Paragraph) for b in doc.blocks)  # the page number is furniture


def test_a_repeated_header_row_is_dropped() -> None:
    header = {(0, 0): "Level", (0, 1): "Target", (0, 2): "Score"}
    p1 = _page_table([700, 730, 760], {**header, (1, 0): "a"})
    p2 = _page_table([50, 80, 110], {**header, (1, 0): "b"})
    (t,) = parse(p1, p2).tables
    assert [c.text for c in t.cells if c.col == 0] == ["Level", "a", "b"]


def test_a_title_between_tables_keeps_them_apart() -> None:
    p1 = _page_table([700, 730, 760], {(0, 0): "a"})
    p2 = Page().text(50, 30, "Form 2").grid(XS, [60, 90], texts={(0, 0): "b"})
    assert len(parse(p1, p2).tables) == 2


def test_other_columns_keep_tables_apart() -> None:
    p1 = _page_table([700, 730, 760], {(0, 0): "a"})
    p2 = Page().grid([50, 120, 350], [50, 80], texts={(0, 0): "b"})
    assert len(parse(p1, p2).tables) == 2


def test_merged_label_cut_by_the_page_break_is_reunited() -> None:
    # a narrow column (five digits wide): the label wraps; its second line fills the cell at the
    # bottom of page 1 and the rest continues at the top of page 2 (the seed's 效益指|标)
    xs = [50.0, 85.0, 350.0]
    p1 = Page().grid(xs, [740, 760, 790], texts={(0, 0): "top", (0, 1): "x"})
    p1.text(52, 763, "12345").text(52, 776, "67890")
    p1.text(87, 763, "row one")
    p2 = Page().grid(
        xs, [50, 80, 110], merged={(0, 0): (2, 1)}, texts={(0, 1): "row two", (1, 1): "row three"}
    )
    p2.text(52, 52, "12")
    (t,) = parse(p1, p2).tables
    col0 = [c for c in t.cells if c.col == 0]
    assert [(c.text, c.row_span) for c in col0] == [("top", 1), ("123456789012", 3)]
    assert [c.text for c in t.cells if c.col == 1] == ["x", "row one", "row two", "row three"]


def test_a_complete_cell_at_the_page_bottom_is_not_glued_to_the_next() -> None:
    xs = [50.0, 200.0, 350.0]
    p1 = Page().grid(xs, [740, 760, 790], texts={(0, 0): "top", (1, 0): "short", (1, 1): "x"})
    p2 = Page().grid(xs, [50, 80], texts={(0, 0): "next", (0, 1): "y"})
    (t,) = parse(p1, p2).tables
    assert [c.text for c in t.cells if c.col == 0] == ["top", "short", "next"]


def test_vertical_text_reads_top_to_bottom() -> None:
    page = Page().grid([50.0, 80.0, 350.0], [100, 200], texts={(0, 1): "x"})
    page.text(60, 110, "TOTAL", rotate=90)
    (t,) = parse(page).tables
    assert t.cells[0].text == "TOTAL"


def test_fake_bold_duplicate_glyphs_are_dropped() -> None:
    page = Page().grid(XS, [100, 130])
    page.text(52, 102, "Bold 95%").text(52, 102, "Bold 95%", dx=0.3)
    (t,) = parse(page).tables
    assert t.cells[0].text == "Bold 95%"


def test_numbers_wrapped_in_a_narrow_cell_close_up() -> None:
    page = Page().grid([50.0, 80.0, 350.0], [100, 140])
    page.text(52, 102, "1009.8").text(52, 116, "6")
    page.text(82, 102, "43.2").text(82, 116, "37.24")  # a wide cell: a real line break
    (t,) = parse(page).tables
    assert [c.text for c in t.cells] == ["1009.86", "43.2 37.24"]


def test_scan_without_text_needs_ocr() -> None:
    with pytest.raises(NeedsOCR):
        parse(Page(image=True))


def test_truncated_pdf_is_corrupt() -> None:
    data = build([Page().grid(XS, [100, 130], texts={(0, 0): "a"})])
    with pytest.raises(CorruptDocument):
        parse_pdf(data[: len(data) // 3], OPTS)
    with pytest.raises(CorruptDocument):
        parse_pdf(b"%PDF-1.4\nnot really", OPTS)


def test_snap_edges_merges_close_coordinates() -> None:
    assert snap_edges([10.0, 10.4, 50.0, 49.8, 90.0], 1.0) == [10.2, 49.9, 90.0]


def test_lines_group_by_baseline() -> None:
    chars = [
        {"text": "b", "x0": 20, "x1": 25, "top": 10, "bottom": 20, "size": 10, "upright": True},
        {"text": "a", "x0": 10, "x1": 15, "top": 10.5, "bottom": 20.5, "size": 10, "upright": True},
        {"text": "c", "x0": 10, "x1": 15, "top": 25, "bottom": 35, "size": 10, "upright": True},
    ]
    assert [[c["text"] for c in line] for line in chars_to_lines(chars)] == [["a", "b"], ["c"]]


def _two_pages(first_row_p2: dict[tuple[int, int], str]) -> Table:
    """Page 1 ends with a row whose narrow middle cell is full to the bottom right ("12345"
    in a five-digit column); page 2 starts with ``first_row_p2``."""
    xs = [50.0, 150.0, 185.0, 350.0]
    p1 = Page().grid(xs, [740, 760, 790], texts={(0, 0): "head", (1, 0): "wide cell"})
    p1.text(152, 776, "12345").text(187, 776, "x")
    p2 = Page().grid(xs, [50, 80, 110], texts={**first_row_p2, (1, 0): "next row"})
    (t,) = parse(p1, p2).tables
    return t


def test_a_row_split_by_the_page_break_is_folded_back() -> None:
    # only the overflowing cell continues; the other cells of the continuation row are empty
    t = _two_pages({(0, 1): "678"})
    assert [c.text for c in t.cells if c.col == 1] == ["", "12345678", ""]
    assert t.n_rows == 3  # head, the split row, next row


def test_a_new_row_is_not_glued_even_when_a_cell_above_looks_full() -> None:
    # "≥95%|≥3条" in long_form_three_pages: the new row's other cells are full rows of their own
    t = _two_pages({(0, 0): "another row", (0, 1): "678"})
    assert [c.text for c in t.cells if c.col == 1] == ["", "12345", "678", ""]
    assert t.n_rows == 4
