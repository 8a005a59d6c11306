"""The Word parser sees the real table structure: each merged cell once, with its span."""

from __future__ import annotations

import io
import zipfile

import pytest

from parsers.formats.base import ParseOptions
from parsers.formats.docx import parse_docx
from parsers.text import clean_text, label_key
from schemas.errors import CorruptDocument, ResourceLimit, UnsupportedFormat
from schemas.records import Cell, Paragraph, RawDocument, Table
from tests.wordml import docx, p, sdt, tbl, tc, tr

OPTS = ParseOptions()


def parse(body: str, **kw: object) -> RawDocument:
    return parse_docx(docx(body, **kw), OPTS)  # type: ignore[arg-type]


def only_table(doc: RawDocument) -> Table:
    (table,) = doc.tables
    return table


def cells(table: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.row_span, c.col_span, c.text) for c in table.cells]


def test_grid_span_and_vmerge_emit_each_cell_once() -> None:
    t = only_table(
        parse(
            tbl(
                tr(tc("项目资金\n（万元）", vmerge="restart"), tc("年初预算数"), tc("全年预算数", span=2)),
                tr(tc(vmerge="continue"), tc("1"), tc("2", span=2)),
                tr(tc(vmerge="continue"), tc("3"), tc("4"), tc("5")),
                cols=4,
            )
        )
    )
    assert cells(t) == [
        (0, 0, 3, 1, "项目资金（万元）"),
        (0, 1, 1, 1, "年初预算数"),
        (0, 2, 1, 2, "全年预算数"),
        (1, 1, 1, 1, "1"),
        (1, 2, 1, 2, "2"),
        (2, 1, 1, 1, "3"),
        (2, 2, 1, 1, "4"),
        (2, 3, 1, 1, "5"),
    ]
    assert (t.n_rows, t.n_cols) == (3, 4)


def test_vmerge_across_spanned_cells_needs_the_same_span() -> None:
    t = only_table(
        parse(
            tbl(
                tr(tc("A", span=2, vmerge="restart"), tc("x")),
                tr(tc(span=2, vmerge="continue"), tc("y")),
                tr(tc("B"), tc("C"), tc("z")),
                cols=3,
            )
        )
    )
    assert cells(t)[0] == (0, 0, 2, 2, "A")
    assert (2, 0, 1, 1, "B") in cells(t)


def test_grid_before_after_and_short_rows() -> None:
    t = only_table(
        parse(
            tbl(
                tr(tc("a"), tc("b"), tc("c")),
                tr(tc("d"), before=1, after=1),
                tr(tc("e")),  # a short row: no cells after the first
                cols=3,
            )
        )
    )
    assert (1, 1, 1, 1, "d") in cells(t)
    assert (2, 0, 1, 1, "e") in cells(t)
    assert t.n_cols == 3


def test_short_row_ends_a_vertical_merge() -> None:
    t = only_table(
        parse(
            tbl(
                tr(tc("a"), tc("L", vmerge="restart")),
                tr(tc("b")),
                tr(tc("c"), tc(vmerge="continue")),
                cols=2,
            )
        )
    )
    assert (0, 1, 1, 1, "L") in cells(t)
    # the continuation after the gap starts a new (empty) cell instead of reaching over row 1
    assert (2, 1, 1, 1, "") in cells(t)


def test_content_controls_wrap_rows_cells_and_blocks() -> None:
    body = sdt(p("项目支出绩效自评表")) + tbl(
        tr(tc("项目名称"), sdt(tc("某项目"))),
        sdt(tr(tc("主管部门"), tc("某局"))),
        cols=2,
    )
    doc = parse(body)
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "项目支出绩效自评表"
    assert cells(only_table(doc)) == [
        (0, 0, 1, 1, "项目名称"),
        (0, 1, 1, 1, "某项目"),
        (1, 0, 1, 1, "主管部门"),
        (1, 1, 1, 1, "某局"),
    ]


def test_tracked_deletions_are_ignored() -> None:
    deleted_run = '<w:del w:id="1" w:author="a" w:date="2022-01-01T00:00:00Z"><w:r><w:delText>95</w:delText></w:r></w:del>'
    moved_away = '<w:moveFrom w:id="2" w:author="a" w:date="2022-01-01T00:00:00Z"><w:r><w:t>旧</w:t></w:r></w:moveFrom>'
    cell = f'<w:tc><w:p>{deleted_run}{moved_away}<w:ins w:id="3" w:author="a"><w:r><w:t>96</w:t></w:r></w:ins></w:p></w:tc>'
    t = only_table(
        parse(
            tbl(
                tr(tc("得分"), cell),
                tr(tc("删除的行"), tc("x"), deleted=True),
                tr(tc("总分"), tc("100")),
                cols=2,
            )
        )
    )
    assert cells(t) == [(0, 0, 1, 1, "得分"), (0, 1, 1, 1, "96"), (1, 0, 1, 1, "总分"), (1, 1, 1, 1, "100")]


def test_nested_table_is_its_own_table_after_its_parent() -> None:
    inner = tbl(tr(tc("内"), tc("表")), cols=2)
    doc = parse(tbl(tr(tc("外"), tc(body=p("说明") + inner)), cols=2))
    outer, nested = doc.tables
    assert (outer.index, nested.index, nested.nested_in) == (0, 1, 0)
    assert cells(outer)[1][4] == "说明"  # the nested table's text is not repeated in the parent
    assert [c.text for c in nested.cells] == ["内", "表"]


def test_legacy_hmerge() -> None:
    t = only_table(parse(tbl(tr(tc("合并", hmerge="restart"), tc(hmerge="continue"), tc("c")), cols=3)))
    assert cells(t) == [(0, 0, 1, 2, "合并"), (0, 2, 1, 1, "c")]


def test_paragraphs_between_tables_keep_document_order() -> None:
    doc = parse(p("附件1") + tbl(tr(tc("a")), cols=1) + p("（续表）") + tbl(tr(tc("b")), cols=1))
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph", "Table"]


def test_symbol_font_operators_and_breaks() -> None:
    sym = '<w:r><w:sym w:font="Symbol" w:char="F0B3"/><w:t>95%</w:t></w:r>'
    t = only_table(parse(tbl(tr(f"<w:tc><w:p>{sym}</w:p></w:tc>", tc("年度\n指标值")), cols=2)))
    assert [c.text for c in t.cells] == ["≥95%", "年度指标值"]


def test_main_part_found_through_relationships() -> None:
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document2.xml"/></Relationships>'
    )
    from tests.wordml import document_xml

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document2.xml", document_xml(p("另存的文档")))
    doc = parse_docx(buf.getvalue(), OPTS)
    assert doc.blocks == (Paragraph(0, "另存的文档"),)


# ------------------------------------------------------------------ bad input
def test_truncated_docx_is_corrupt() -> None:
    data = docx(p("x"))
    with pytest.raises(CorruptDocument):
        parse_docx(data[: len(data) // 2], OPTS)


def test_zip_without_document_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(CorruptDocument, match=r"word/document\.xml"):
        parse_docx(buf.getvalue(), OPTS)


def test_xlsx_renamed_docx_is_named() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat, match="Excel"):
        parse_docx(buf.getvalue(), OPTS)


def test_entity_expansion_is_refused() -> None:
    lol = '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with pytest.raises(ResourceLimit, match="DTD"):
        parse(p("&b;"), prolog=lol)


def test_zip_bomb_is_refused() -> None:
    huge = b"<w:p/>" * 3_000_000  # ~18 MB of one repeated element compresses ~1000:1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", huge)
    with pytest.raises(ResourceLimit, match="zip bomb"):
        parse_docx(buf.getvalue(), OPTS)


def test_part_size_cap_holds_even_with_a_modest_ratio() -> None:
    with pytest.raises(ResourceLimit, match="larger than"):
        parse_docx(docx(p("x" * 5000)), ParseOptions(max_part_bytes=2048))


# ------------------------------------------------------------------ text normalisation
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("年度\n指标值", "年度指标值"),
        ("  其他资金", "其他资金"),
        ("经济效益 指标", "经济效益指标"),
        ("项 目 名 称", "项目名称"),
        ("ABC\nDEF", "ABC DEF"),
        ("１００％", "１００％"),  # printed characters are kept
        ("a\u3000\u00a0b", "a b"),
        ("\u200b指标\ufeff", "指标"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_label_key_is_nfkc_without_spaces_or_colon() -> None:
    assert label_key("项目资金\n（万元）") == "项目资金(万元)"
    assert label_key("年度资金总额：") == "年度资金总额"
    assert label_key("全年预算数（A）") == "全年预算数(A)"


def test_cell_defaults() -> None:
    assert Cell(0, 0) == Cell(0, 0, 1, 1, "")


def test_control_characters_never_reach_the_text() -> None:
    assert clean_text("红\x1b[31m字\x07\x00") == "红[31m字"
