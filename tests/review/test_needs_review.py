"""Forms the reader is not sure of come first, with their reasons: in the ingest summary, the
report, the workbook and ``show``."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.review.report import write_report
from tests.conftest import SAMPLES
from tests.forms.drawn import IND_BODY, IND_HEAD, Row, drawn_docx, standard


def _unsure_docx() -> bytes:
    head: Row = [*IND_HEAD[:2], ("三级指标", 6), ("抽样量", 2), *IND_HEAD[3:]]
    widths = [w for _, w in head]
    body = [[(t, w) for (t, _), w in zip([*r[:3], ("12", 0), *r[3:]], widths, strict=True)] for r in IND_BODY]
    return drawn_docx(standard(ind=[head, *body]))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("unsure")
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "a_clean.docx").write_bytes((SAMPLES / "clean_form_no_findings.docx").read_bytes())
    (inbox / "z_unsure.docx").write_bytes(_unsure_docx())
    out = root / "ds"
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0
    return inbox, out


def test_the_summary_counts_forms_that_need_review(
    dataset: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, _ = dataset
    assert main(["ingest", str(inbox), "--out", str(tmp_path / "again"), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 form(s) need review" in out


def test_report_lists_them_first_with_their_reasons(dataset: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = dataset
    html = tmp_path / "report.html"
    write_report(out, html)
    text = html.read_text(encoding="utf-8")
    rows = text[text.index('id="form-rows"') :]
    assert rows.index("需复核") < rows.index("农村公路养护工程补助资金")
    assert "抽样量" in text and "需复核：读取时不能确定以下内容" in text


def test_workbook_lists_them_first_with_their_reasons(dataset: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = dataset
    xlsx = tmp_path / "book.xlsx"
    assert main(["export", str(out), "--xlsx", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx)["表单"]
    header = [c.value for c in ws[1]]
    first = dict(zip(header, [c.value for c in ws[2]], strict=True))
    second = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert (first["需复核"], second["需复核"]) == ("是", "否")
    assert "抽样量" in first["复核原因"]


def test_show_prints_the_reasons_first(dataset: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    inbox, _ = dataset
    assert main(["show", str(inbox / "z_unsure.docx"), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.index("【需复核】") < out.index("┌")
    assert "抽样量" in out
