"""The generalization suite's own parts: contents, renderer, harness. Unmarked (unlike
test_generalization.py): a suite that measured the reader against broken documents or compared
nothing would make its figures worthless."""

from __future__ import annotations

import itertools
import random
import re
import zipfile
from io import BytesIO
from typing import Any

import pytest

from parsers.formats.base import Services
from parsers.text import clean_text
from tests.generalize.conftest import SLICE_SHEET_SHARE
from tests.generalize.content import Content, content, named, split_target
from tests.generalize.harness import PRINTED, Outcome, Reading, Run, compare, converted
from tests.generalize.render import render, traditional
from tests.generalize.sheet import XLS_COLUMNS, cell_value, fewer_edges
from tests.generalize.variants import BENCH_SEEDS, DEV_SEEDS, FAST_SEEDS, KNOBS, MEDIA, Variant, draw, plain

CONTENTS = [*sorted(named()), "synthetic-3", "synthetic-11", "synthetic-1000"]


@pytest.fixture(scope="module")
def run() -> Run:
    with Services() as services:
        yield Run(services)  # type: ignore[misc]


def _xml(variant: Variant) -> str:
    with zipfile.ZipFile(BytesIO(render(content(variant.content), variant))) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("name", CONTENTS)
def test_plain_rendering_reads_back_its_content(run: Run, name: str) -> None:
    c: Content = content(name)
    reading = run.plain(name)
    assert reading.status == "ok" and len(reading.forms) == 1
    form = reading.forms[0]
    assert form.form["project_name"] == clean_text(c.project_name)
    assert (form.form["goal_expected"], form.form["goal_actual"]) == tuple(map(clean_text, c.goal))
    assert [f["label_raw"] for f in form.funds] == [clean_text(f.label) for f in c.funds]
    filled = [i for i in c.indicators if any((i.target, i.actual, i.weight, i.score))]
    assert [(r["target_raw"], r["actual_raw"]) for r in form.indicators] == [
        (clean_text(i.target) or None, clean_text(i.actual) or None) for i in filled
    ]


def test_seed_ranges_are_disjoint_and_the_slice_turns_every_knob() -> None:
    ranges = [set(FAST_SEEDS), set(DEV_SEEDS), set(BENCH_SEEDS)]
    assert all(not (a & b) for i, a in enumerate(ranges) for b in ranges[i + 1 :])
    assert len(BENCH_SEEDS) >= 500
    turned = {k for s in FAST_SEEDS for k, _ in draw(s, sheet_share=SLICE_SHEET_SHARE).knobs}
    assert turned == set(KNOBS) - {"pdf", "xls"}  # LibreOffice's media: make generalize
    sheets = {v for s in FAST_SEEDS if (v := draw(s, sheet_share=SLICE_SHEET_SHARE).get("sheet"))}
    assert sheets == set(KNOBS["sheet"])
    # the knobs drawn before the file format do not depend on the shares
    for s in (*FAST_SEEDS, *BENCH_SEEDS[:50]):
        medium = MEDIA
        a, b = draw(s), draw(s, pdf_share=0.5, sheet_share=0.5)
        assert [k for k in b.knobs if k[0] not in medium] in ([k for k in a.knobs if k[0] not in medium], [])


def test_variants_are_deterministic() -> None:
    for seed in (0, 5, 1234, 100007):
        v = draw(seed, sheet_share=0.5)
        assert v == draw(seed, sheet_share=0.5)
        assert render(content(v.content), v) == render(content(v.content), v)
    sheet = Variant(3, "road", (("fine_grid", "on"), ("sheet", "numbers")))
    assert render(content("road"), sheet) == render(content("road"), sheet)


def test_split_target_keeps_the_text() -> None:
    assert split_target("≥4700人") == ("≥", "4700", "人")
    assert split_target("3座") == ("", "3", "座")
    for text in ("建立健全", "1-12月", "2022年11月底前", "不低于２６００人", "≤0.6万元"):
        assert "".join(split_target(text)) == text


def test_knobs_do_what_they_say() -> None:
    grid = re.compile(r"<w:gridCol ")
    plain_xml = _xml(plain("road"))
    assert len(grid.findall(plain_xml)) == 9 and "w:gridAfter" not in plain_xml
    fine = _xml(Variant(1, "road", (("fine_grid", "on"),)))
    assert len(grid.findall(fine)) >= 40
    trad = _xml(Variant(1, "road", (("traditional", "on"),)))
    assert "項目名稱" in trad and "项目名称" not in trad and "農村公路" in trad
    band = _xml(Variant(1, "road", (("ind_band", "2_rows"),)))
    assert ">指标性质<" in band and ">度量单位<" in band and ">≥<" in band and ">1200<" in band
    ragged = _xml(Variant(1, "chizhou", (("ragged", "grid_after"),)))
    assert "<w:gridAfter " in ragged
    split = _xml(Variant(1, "road", (("stray_split", "on"),)))
    assert re.search(r'<w:tcW w:w="(8\d|9\d|1[0-5]\d|160)" w:type="dxa"/>', split)
    extra = _xml(Variant(1, "road", (("extra_columns", "criteria+seq"),)))
    assert ">评分标准<" in extra and ">序号<" in extra
    top = _xml(Variant(1, "road", (("goal_layout", "labels_on_top"), ("goal_labels", "novel"))))
    assert ">年度总体目标<" not in top


def test_cell_value_prints_as_shown() -> None:
    assert cell_value("89.974") == (89.974, "0.000")
    assert cell_value("10") == (10, "0")
    assert cell_value("98.50%") == (0.985, "0.00%")
    assert cell_value("100%") == (1.0, "0%")
    assert cell_value("1,009.86") == (1009.86, "#,##0.00")
    assert cell_value("0.5") == (0.5, "0.0") and cell_value("-3") == (-3, "0")
    # computed values hold digits they do not print; what they print is unchanged
    rng = random.Random(7)
    for text in ("89.97", "97.48%", "100%", "0.5", "1,009.86", "-3.25", "10", "0.00"):
        for _ in range(50):
            value, fmt = cell_value(text, rng)
            assert isinstance(value, int | float)
            places = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            shown = value * 100 if fmt.endswith("%") else value
            printed = f"{shown:,.{places}f}" if "," in fmt else f"{shown:.{places}f}"
            assert printed + ("%" if fmt.endswith("%") else "") == text, (text, value, fmt)
    assert cell_value("89.97", random.Random(1))[0] != 89.97 and cell_value("0.00", rng)[0] == 0.0
    # texts that no number format would print as typed stay text
    for text in ("≥95%", "007", "05%", "1-12月", "2,00", "10分", "1234567890123456", ""):
        assert cell_value(text) == (text, "@")


def _sheet(variant: Variant) -> object:
    from openpyxl import load_workbook

    return load_workbook(BytesIO(render(content(variant.content), variant))).active


def test_sheet_knob_writes_a_workbook_laid_out_as_exported() -> None:
    ws: Any = _sheet(Variant(1, "road", (("sheet", "numbers"),)))
    title = next(
        r for r in ws.merged_cells.ranges if ws.cell(r.min_row, r.min_col).value == "项目支出绩效自评表"
    )
    assert title.max_col == ws.max_column  # merged across the form
    values = [c for row in ws.iter_rows() for c in row if c.value is not None]
    numbers = [c for c in values if isinstance(c.value, int | float)]
    assert numbers and all(c.number_format != "@" for c in numbers)
    assert any(c.number_format.endswith("%") for c in numbers) or any("." in c.number_format for c in numbers)
    assert len(ws.merged_cells.ranges) > 5  # the 一级指标 labels merged down, the goal across
    assert ws.max_column - title.min_col + 1 == 9  # the national template's 9 columns
    text: Any = _sheet(Variant(1, "road", (("sheet", "text"),)))
    assert all(isinstance(c.value, str) for row in text.iter_rows() for c in row if c.value is not None)
    assert ws.parent.properties.modified == ws.parent.properties.created  # not the time of saving
    fine: Any = _sheet(Variant(1, "road", (("fine_grid", "on"), ("sheet", "numbers"))))
    assert fine.max_column >= 40  # every edge of every row is a column boundary
    assert (
        _sheet(Variant(1, "road", (("fine_grid", "on"), ("sheet", "numbers"), ("xls", "on")))).max_column
        <= 256
    )
    from openpyxl import load_workbook

    data = render(content("road"), Variant(1, "road", (("sheet", "numbers"),)))
    formulas = [
        c for row in load_workbook(BytesIO(data)).active.iter_rows() for c in row if c.data_type == "f"
    ]
    results = load_workbook(BytesIO(data), data_only=True).active
    assert [c.value.split("(")[0] for c in formulas] == ["=SUM", "=SUM"]  # the 总分 row's 分值 and 得分
    assert [results[c.coordinate].value for c in formulas] == [100, 98.8]  # saved as printed
    codes: Any = _sheet(Variant(1, "road", (("sheet", "numbers"), ("hidden", "on"))))
    hidden_cols = [k for k, d in codes.column_dimensions.items() if d.hidden]
    hidden_rows = [k for k, d in codes.row_dimensions.items() if d.hidden]
    assert len(hidden_cols) == 1 and len(hidden_rows) == 1
    assert any(str(c.value).startswith("BM") for c in codes[hidden_cols[0]] if c.value)
    assert codes.cell(hidden_rows[0], codes.min_column).value == "项目编码"


def test_fewer_edges_never_collapses_a_cell() -> None:
    rows = [[0, 50, 100, 150, 200], [0, 52, 98, 153, 200], [0, 49, 200], [0, 101, 200]]
    cells = [(a, b) for cuts in rows for a, b in itertools.pairwise(cuts)]
    edges = sorted({x for cuts in rows for x in cuts})
    for most in (7, 5, 4):
        at = fewer_edges(edges, cells, most)
        assert len(set(at.values())) - 1 == most and all(at[a] < at[b] for a, b in cells)
        assert at[0] == 0 and at[200] == 200  # the form keeps its outer edges
    assert fewer_edges(edges, cells, 4)[52] == fewer_edges(edges, cells, 4)[50]  # the nearest merge
    with pytest.raises(ValueError):
        fewer_edges(edges, cells, 3)  # four cells side by side in one row
    assert XLS_COLUMNS == 256


def test_compare_counts_every_field(run: Run) -> None:
    road = run.plain("road")
    equal, cells, diffs = compare(road, road)
    assert equal == cells > 100 and not diffs
    equal, cells, diffs = compare(road, run.plain("subsidy"))
    assert equal < cells and any(d.field == "project_name" for d in diffs)
    nothing = Reading("skipped", None, ())
    equal, cells, diffs = compare(road, nothing)
    assert equal == 0 and len(diffs) == cells
    trad = converted(road, PRINTED, traditional).forms[0]
    assert trad.form["project_name"] == "農村公路養護工程補助資金"
    assert trad.funds[0]["line"] == "total" and trad.indicators[0]["level1"] == "产出指标"


def test_the_slice_reads_without_failures(slice_outcomes: list[Outcome]) -> None:
    assert len(slice_outcomes) == len(FAST_SEEDS)
    assert not [o.variant.seed for o in slice_outcomes if o.status == "failed"]
