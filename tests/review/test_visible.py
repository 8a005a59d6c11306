"""Control and bidi/format characters never reach a terminal, the report or the workbook as they
are (issue 10: U+202E and the isolates reached them as invisible spoofing characters): ``show``,
``query``'s table, the report and the workbook show them as ``⟨U+202E⟩``; the dataset keeps them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.cli import main
from pipeline.dataset.writer import Dataset
from pipeline.review.display import visible
from pipeline.review.export import write_xlsx
from pipeline.review.report import write_report
from schemas.profiles import NATIONAL
from tests.wordml import FUNDS_HEADER, FUNDS_ROWS, INDICATOR_HEADER, docx, p, table_rows

#: A project name that reads "…资金项目" on screen but holds a right-to-left override, an isolate
#: pair and a hidden tag string (zero-width marks the parsers drop themselves).
SPOOF = "农村公路\u202e目项金资\u202c养护\u2066甲\u2069\U000e0041\U000e0042"
SHOWN = "农村公路⟨U+202E⟩目项金资⟨U+202C⟩养护⟨U+2066⟩甲⟨U+2069⟩⟨U+E0041⟩⟨U+E0042⟩"
HIDDEN = ("\u202e", "\u202c", "\u2066", "\u2069", "\U000e0041")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;title\x07\x1b[2J", "⟨U+001B⟩]0;title⟨U+0007⟩⟨U+001B⟩[2J"),
        (SPOOF, SHOWN),
        ("a\u2028b\u2029c\ufeffd", "a⟨U+2028⟩b⟨U+2029⟩c⟨U+FEFF⟩d"),
        ("name\udcff\udcfe.docx", "name\\xff\\xfe.docx"),  # the bytes of a name that is not UTF-8
        ("\ufffe\uffff", "⟨U+FFFE⟩⟨U+FFFF⟩"),
        ("项目支出　绩效 ≥90%", "项目支出　绩效 ≥90%"),  # printable text, spaces included, as it is
        ("一\n二\t三", "一⟨U+000A⟩二⟨U+0009⟩三"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_keeps_line_feeds_on_request() -> None:
    assert visible("一\n二\x1b", newlines=True) == "一\n二⟨U+001B⟩"


@pytest.fixture(scope="module")
def spoofed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("spoof")
    rows = [
        ["项目名称", SPOOF],
        FUNDS_HEADER,
        *FUNDS_ROWS,
        INDICATOR_HEADER,
        ["产出指标", "数量指标", "完成\u202e率", "≥10个", "10个", "50", "50", "无"],
        ["效益指标", "社会效益指标", "效果", "显著", "显著", "30", "30", ""],
        ["满意度指标", "满意度指标", "群众满意度", "≥90%", "95%", "10", "10", ""],
    ]
    (tmp / "spoof.docx").write_bytes(docx(p("2023年度项目支出绩效自评表") + table_rows(rows)))
    ds = Dataset(tmp / "ds")
    ingest([str(tmp / "spoof.docx")], ds, Settings(profile=NATIONAL), InProcess())
    (form,) = ds.read("forms").to_pylist()
    assert form["project_name"] == SPOOF  # the dataset keeps the raw text: it is what was submitted
    return tmp


def test_show_and_query_show_them(spoofed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(spoofed / "spoof.docx"), "--color", "never"]) == 0
    assert main(["query", str(spoofed / "ds"), "SELECT project_name FROM forms"]) == 0
    out = capsys.readouterr().out
    assert not any(h in out for h in HIDDEN)
    assert SHOWN in out  # the title line of show
    assert out.count("⟨U+202E⟩") >= 4  # the title, the cells of 项目名称 and 完成率, the query result


def test_the_report_and_the_workbook_show_them(spoofed: Path) -> None:
    write_report(spoofed / "ds", spoofed / "report.html")
    html = (spoofed / "report.html").read_text(encoding="utf-8")
    assert not any(h in html for h in HIDDEN)
    assert SHOWN in html and "完成⟨U+202E⟩率" in html
    write_xlsx(spoofed / "ds", spoofed / "book.xlsx")
    wb = openpyxl.load_workbook(spoofed / "book.xlsx")
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(h in t for t in texts for h in HIDDEN)
    assert SHOWN in texts and any("完成⟨U+202E⟩率" in t for t in texts)
