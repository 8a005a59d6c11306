"""The analyst commands, run in-process through ``main(argv)`` on the sample dataset."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.dataset.query import connect
from pipeline.dataset.writer import Dataset
from pipeline.review.commands import search_terms
from tests.conftest import SAMPLES


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_show_draws_the_form_with_findings_on_their_cells(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["show", str(SAMPLES / "seed_datong_2021.docx"), "--color", "never"], capsys)
    assert code == 0
    assert "大同市建设工程事务中心经费" in out and "┼" in out
    # numbered as on paper, top to bottom (as the report numbers them): the 年度资金总额 line's
    # findings first, then EXEC_RATE on the fiscal line below it, its 执行率 cell marked
    assert "⟨1⟩ [错误] 【FUNDS_SUM】年初预算数" in out
    assert "⟨4⟩ [错误] 【EXEC_RATE】其中：当年财政拨款" in out
    assert "⟨4⟩94%" in out
    # DEVIATION_MISSING marks the 生态效益 indicator's score 8 and its note
    assert "⟨5⟩8 " in out and "⟨5⟩无偏差" in out
    assert out.count("【") >= 9


def test_show_reports_files_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["show", str(SAMPLES / "pdf_malformed_truncated.pdf")], capsys)
    assert code == 1 and "corrupt" in out
    code, _, err = run(["show", str(SAMPLES / "README.md")], capsys)
    assert code == 1 and "not a document" in err


def test_show_colours_marked_cells_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["show", str(SAMPLES / "seed_datong_2021.docx"), "--color", "always"], capsys)
    assert "\x1b[7m" in out


def test_query_prints_a_table(sample_dataset: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT rule_id, count(*) AS n FROM findings GROUP BY 1 ORDER BY n DESC, rule_id"
    code, out, _ = run(["query", str(sample_dataset.root), sql], capsys)
    assert code == 0 and "LEVEL1_WEIGHT" in out and "rows)" in out


def test_query_writes_csv_and_parquet(
    sample_dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = (  # (a scan of page 1 alone has no 总分)
        "SELECT project_name, total_score_reported FROM forms WHERE project_name LIKE '%大同%'"
        " AND total_score_reported IS NOT NULL ORDER BY 1"
    )
    code, out, _ = run(["query", str(sample_dataset.root), sql, "--csv", "-"], capsys)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["project_name", "total_score_reported"]
    assert rows[1][0] == "大同市建设工程事务中心经费" and float(rows[1][1]) == 95
    target = tmp_path / "out.parquet"
    assert run(["query", str(sample_dataset.root), sql, "--parquet", str(target)], capsys)[0] == 0
    assert pq.read_table(target).num_rows == len(rows) - 1


def test_query_reports_bad_sql(sample_dataset: Dataset, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["query", str(sample_dataset.root), "SELECT nope FROM forms"], capsys)
    assert code == 2 and "nope" in err


def test_query_needs_a_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["query", str(tmp_path / "none"), "SELECT 1"], capsys)
    assert code == 2 and "not a jixiao dataset" in err


def test_search_finds_forms_by_indicator_words(
    sample_dataset: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["search", str(sample_dataset.root), "扬尘治理"], capsys)
    assert code == 0 and "大同市建设工程事务中心经" in out and "三级指标" in out
    code, out, _ = run(["search", str(sample_dataset.root), "满意度 学生"], capsys)
    assert code == 0 and "学生满意度" in out and "沿线群众" not in out


def test_search_finds_parts_of_words_and_nothing_that_is_not_there(
    sample_dataset: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    # 扬尘 is a part of the indexed word 扬尘治理: found, as the whole word is
    whole = run(["search", str(sample_dataset.root), "扬尘治理"], capsys)[1]
    code, out, _ = run(["search", str(sample_dataset.root), "扬尘"], capsys)
    assert code == 0 and "扬尘治理" in out and "三级指标" in out
    assert out.count("三级指标") >= whole.count("三级指标") > 0
    # 不存在的词 is in no form; jieba matched its word 存在 in 存在问题整改率
    code, out, _ = run(["search", str(sample_dataset.root), "不存在的词"], capsys)
    assert code == 0 and "没有找到" in out and "存在问题" not in out and "rows)" not in out
    con = connect(sample_dataset.root)
    assert con.execute("SELECT count(*) FROM terms WHERE term = '存在'").fetchall()[0][0] > 0
    # a quoted phrase is one substring; separate words need not be adjacent
    assert "学生满意度" in run(["search", str(sample_dataset.root), '"学生满意"'], capsys)[1]
    assert "没有找到" in run(["search", str(sample_dataset.root), "「满意学生」"], capsys)[1]
    assert "学生满意度" in run(["search", str(sample_dataset.root), "满意 学生"], capsys)[1]
    code, _, err = run(["search", str(sample_dataset.root), '""'], capsys)
    assert code == 2 and "no searchable words" in err


def test_search_terms() -> None:
    assert search_terms('扬尘  "群众 满意度" 「学生」 ＡＢＣ') == ("扬尘", "群众 满意度", "学生", "abc")
    assert search_terms("满意度 满意度") == ("满意度",)
    assert search_terms("  ") == ()
