"""``show`` and ``query`` fit the terminal: at 80 (and 60) columns every line is within the width
(Chinese characters counted two), each table's box is whole (no box line wrapped: every line of a
table ends on its right border), and piped output without a width stays whole."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.review.display import text_width, wrap
from pipeline.review.render import GridCell, fit_widths, render_table
from tests.conftest import ROOT, SAMPLES

BOX_START = "┌│├└"
RIGHT_EDGES = "┐│┤┘"


def _content(text: str) -> Counter[str]:
    """What a drawing says, whatever its width: every character but spaces and box lines."""
    return Counter(ch for ch in text if not ch.isspace() and not 0x2500 <= ord(ch) <= 0x257F)


def _tables(text: str) -> list[list[str]]:
    """The box-drawn tables of an output: runs of lines that start with a box character."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line[:1] and line[0] in BOX_START:
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _assert_fits(text: str, width: int) -> None:
    lines = text.splitlines()
    assert lines
    too_wide = [line for line in lines if text_width(line) > width]
    assert not too_wide, too_wide[:3]
    tables = _tables(text)
    assert tables
    for table in tables:
        assert table[0].startswith("┌") and table[-1].startswith("└"), table[:2]
        right = {text_width(line) for line in table}
        assert len(right) == 1, (right, table[:3])  # each line ends on the same right border
        assert all(line[-1] in RIGHT_EDGES for line in table), [x for x in table if x[-1] not in RIGHT_EDGES]
        assert not any(line.endswith("…") for line in table)  # fitted, not cut


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("width")
    inbox = root / "inbox"
    inbox.mkdir()
    for name in ("seed_datong_2021.docx", "multi_form_two_projects.docx"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    out = root / "ds"
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0
    return out


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize(
    "name", ["seed_datong_2021.docx", "long_form_three_pages.docx", "real_004_yongde_2022.pdf"]
)
def test_show_fits_the_width(name: str, width: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(SAMPLES / name), "--color", "never", "--width", str(width)]) == 0
    out = capsys.readouterr().out
    _assert_fits(out, width)
    assert "发现问题" in out or "未发现问题" in out


def test_show_honours_columns_when_piped_and_is_whole_without() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    cmd = [sys.executable, "-c", "from pipeline.cli import entry; entry()", "show", "--color", "never"]
    doc = str(SAMPLES / "seed_datong_2021.docx")
    fitted = subprocess.run([*cmd, doc], capture_output=True, text=True, env=env, timeout=120, check=True)
    _assert_fits(fitted.stdout, 80)
    env.pop("COLUMNS")
    whole = subprocess.run([*cmd, doc], capture_output=True, text=True, env=env, timeout=120, check=True)
    assert max(text_width(line) for line in whole.stdout.splitlines()) > 100  # drawn in full
    assert _content(whole.stdout) == _content(fitted.stdout)  # nothing cut, only wrapped


def test_a_grid_too_fine_for_the_width_is_cut_visibly_never_wrapped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The hand-drawn grid (40+ grid columns, every row cut differently) fits 80 columns; at 40
    its lines are cut and end in "…": still no line over the width."""
    doc = str(SAMPLES / "hand_drawn_grid_zhejiang.docx")
    for width in (80, 40):
        assert main(["show", doc, "--color", "never", "--width", str(width)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(text_width(line) for line in lines) <= width
    assert any(line.endswith("…") for line in lines)


@pytest.mark.parametrize("width", [80, 60])
def test_query_fits_the_width(dataset: Path, width: int, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT project_name, department, implementing_unit, n_errors, source_path FROM forms ORDER BY 1"
    assert main(["query", str(dataset), sql, "--width", str(width)]) == 0
    out = capsys.readouterr().out
    _assert_fits(out, width)
    assert len(_tables(out)) == 1
    capsys.readouterr()
    assert main(["query", str(dataset), sql, "--width", "0"]) == 0
    assert _content(capsys.readouterr().out) == _content(out)  # the same text, only wrapped
    assert out.rstrip().endswith("(3 rows)")


def test_a_query_too_wide_is_shown_one_record_at_a_time(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", str(dataset), "SELECT * FROM forms ORDER BY form_id", "--width", "80"]) == 0
    out = capsys.readouterr().out
    _assert_fits(out, 80)
    assert out.count("── 第 ") == 3 and len(_tables(out)) == 3
    assert "goal_expected" in out and out.rstrip().endswith("(3 rows)")
    # no width (piped, no $COLUMNS): one table, whole
    assert main(["query", str(dataset), "SELECT * FROM forms ORDER BY form_id", "--width", "0"]) == 0
    whole = capsys.readouterr().out
    assert len(_tables(whole)) == 1 and "── 第 " not in whole


def test_squeezing_keeps_merged_cells_and_chinese_whole() -> None:
    cells = [
        GridCell(0, 0, 1, 3, "项目名称：大同市建设工程事务中心经费，一个很长的合并单元格"),
        GridCell(1, 0, 1, 1, "一级指标"),
        GridCell(1, 1, 1, 1, "二级指标名称比较长"),
        GridCell(1, 2, 1, 1, "≥95%"),
    ]
    for width in (30, 24, 16):
        fit = fit_widths(cells, width=width)
        assert fit is not None
        drawn = render_table(cells, width=width)
        _assert_fits(drawn, width)
        assert _content(drawn) == _content("".join(c.text for c in cells))
    assert fit_widths(cells, width=8) is None  # three columns of one character and borders: no
    assert all(text_width(line) <= 8 for line in render_table(cells, width=8).splitlines())


def test_combining_marks_and_emoji_keep_the_box_aligned() -> None:
    """Widths by rich's cell table: a combining mark takes no column (drawn with its letter),
    an emoji two, like a Chinese character."""
    cells = [
        GridCell(0, 0, 1, 1, "Cafe\u0301 报告"),
        GridCell(0, 1, 1, 1, "😀满意"),
        GridCell(1, 0, 1, 2, "合计"),
    ]
    drawn = render_table(cells, width=20)
    _assert_fits(drawn, 20)
    assert "e\u0301" in drawn and "😀" in drawn


def test_wrap_keeps_numbers_and_latin_words_whole_when_they_fit() -> None:
    assert wrap("各分项之和949.78万元", 12) == ["各分项之和", "949.78万元"]
    assert wrap("needs OCR: no text layer", 10) == ["needs OCR:", "no text", "layer"]
    assert wrap("大同市住房和城乡建设局", 6) == ["大同市", "住房和", "城乡建", "设局"]  # Chinese anywhere
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # a word wider than the line breaks
    assert all(text_width(line) <= 7 for line in wrap("⟨2,7⟩1009.86 万元 DEVIATION_MISSING", 7))
