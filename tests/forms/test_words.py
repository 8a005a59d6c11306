"""Term search (jieba with the budget-performance dictionary) over the written dataset."""

from __future__ import annotations

import duckdb

from parsers.forms.words import best_label, query_terms, terms_of
from pipeline.dataset.writer import Dataset


def test_domain_words_stay_whole() -> None:
    terms = terms_of("建筑工程生态环境扬尘治理六个100%")
    assert "扬尘治理" in terms and "100%" not in terms
    assert "预算执行率" in terms_of("提高预算执行率")
    assert query_terms("扬尘治理 满意度") == ("扬尘治理", "满意度")


def test_best_label_needs_a_unique_winner() -> None:
    assert best_label("经济效益类指标", ["经济效益指标", "社会效益指标"]) == "经济效益指标"
    assert best_label("效益", ["经济效益指标", "社会效益指标"]) is None  # a tie
    assert best_label("其他", ["经济效益指标"]) is None


def test_forms_with_an_indicator_about_a_term(sample_dataset: Dataset) -> None:
    con = duckdb.connect()
    con.register("terms", sample_dataset.read("terms"))
    con.register("forms", sample_dataset.read("forms"))
    hits = con.execute(
        "SELECT DISTINCT f.source_path FROM terms t JOIN forms f USING (form_id) "
        "WHERE t.term = '扬尘治理' AND t.field = 'level3' ORDER BY 1"
    ).fetchall()
    assert ("sample_docs/seed_datong_2021.docx",) in hits
    satisfaction = con.execute("SELECT count(DISTINCT form_id) FROM terms WHERE term = '满意度'").fetchone()
    assert satisfaction is not None and satisfaction[0] >= 10
