"""Evidence beside the numbers: page crops of PDF findings and of cells that need review
(``pipeline.review.crops``), cells named by their printed labels (``pipeline.review.where``),
``jixiao show --page``, and one numbering of findings for ``show`` and the report."""

from __future__ import annotations

import fnmatch
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from parsers.formats.base import ParseOptions, Services
from parsers.formats.detect import detect_format
from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.cli import main
from pipeline.dataset.writer import Dataset
from pipeline.extract import extract, sha256_of
from pipeline.review.crops import OPEN_SOURCES, SCALE, Cropper
from pipeline.review.paper import number_findings
from pipeline.review.report import Decision, Options, write_report
from pipeline.review.report.model import Snapshot, load_details, load_index
from pipeline.review.show import numbered
from pipeline.review.where import Locator, PlacedCell
from schemas.records import Source
from schemas.rules import RULES_BY_ID
from tests.conftest import OCR_HEAVY, SAMPLES

SEED_PDF = SAMPLES / "seed_datong_2021.pdf"


def test_number_findings_top_to_bottom_then_rule_then_counter() -> None:
    order = {"A": 0, "B": 1}
    findings = [
        ((), "A", 1),
        (((0, 5, 1),), "B", 1),
        (((0, 5, 1),), "A", 1),
        (((0, 2, 3), (0, 9, 0)), "B", 2),
    ]
    assert number_findings(findings, order) == [4, 3, 2, 1]
    assert number_findings([], order) == []


def test_locator_names_cells_by_their_printed_labels() -> None:
    cells = [
        PlacedCell(0, 0, 0, 1, 1, "三级指标", "label", "indicators.level3"),
        PlacedCell(0, 0, 1, 1, 1, "实际\n完成值", "label", "indicators.actual"),
        PlacedCell(0, 0, 2, 1, 1, "得分", "label", "indicators.score"),
        PlacedCell(0, 1, 0, 1, 1, "扬尘治理六个100%", "value", "indicators.level3", 2, (10, 20, 30, 40)),
        PlacedCell(0, 1, 1, 1, 1, "100%", "value", "indicators.actual", 2, (30, 20, 50, 40)),
        PlacedCell(0, 1, 2, 1, 1, "8", None, None, 2, (50, 20, 70, 40)),
        PlacedCell(1, 0, 0, 1, 1, "孤立的数", None, None),
    ]
    where = Locator(cells)
    assert (
        where.describe([(0, 1, 1), (0, 1, 2)])
        == "「扬尘治理六个100%」一行的「实际完成值」、「得分」（第2页）"
    )
    assert where.describe([(0, 1, 1)], with_page=False) == "「扬尘治理六个100%」一行的「实际完成值」"
    assert where.describe([(0, 1, 0)]) == "「三级指标」（第2页）"  # the row's name is the cell itself
    assert where.describe([(1, 0, 0)]) == "表2第1行第1列"  # no label printed: the grid place
    assert where.position((0, 1, 1)) == "第2页 x 10.6–17.6 mm, y 7.1–14.1 mm"
    assert where.position((1, 0, 0)) is None


def _one_pdf_dataset(tmp_path: Path, name: str = "seed.pdf") -> tuple[Dataset, Path]:
    src = tmp_path / name
    shutil.copyfile(SEED_PDF, src)
    ds = Dataset(tmp_path / "ds")
    ingest([str(src)], ds, Settings(), InProcess())
    return ds, src


def test_a_moved_or_changed_source_gets_a_note_not_a_crop(tmp_path: Path) -> None:
    ds, src = _one_pdf_dataset(tmp_path)
    out = tmp_path / "report.html"
    assert write_report(ds.root, out)["crops"] >= 5
    src.write_bytes(src.read_bytes() + b"\n%changed\n")  # the file changed after it was read
    stats = write_report(ds.root, out)
    text = out.read_text(encoding="utf-8")
    assert stats["crops"] == 0 and "在读取之后已被更改" in text and "<img" not in text
    src.unlink()  # the file moved away
    stats = write_report(ds.root, out)
    text = out.read_text(encoding="utf-8")
    assert stats["crops"] == 0 and "生成报告时找不到" in text and str(src) in text
    # found again under --sources (the stored path, relative to that folder)
    # found again under --sources: by its stored path inside that folder, or by its name
    mirror = tmp_path / "mirror"
    (mirror / src.parent.relative_to("/")).mkdir(parents=True)
    shutil.copyfile(SEED_PDF, mirror / src.relative_to("/"))
    assert write_report(ds.root, out, Options(sources_base=mirror))["crops"] >= 5
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / src.name).write_bytes(b"%PDF-1.4 another file with the same name\n")
    assert write_report(ds.root, out, Options(sources_base=flat))["crops"] == 0  # not its bytes
    assert "在读取之后已被更改" in out.read_text(encoding="utf-8")
    shutil.copyfile(SEED_PDF, flat / src.name)
    assert write_report(ds.root, out, Options(sources_base=flat))["crops"] >= 5
    stats = write_report(ds.root, out, Options(crops=False))
    assert stats["crops"] == 0 and "<img" not in out.read_text(encoding="utf-8")


def test_cells_that_need_review_are_cropped(sample_dataset: Dataset) -> None:
    with Snapshot(sample_dataset.root) as snap, Cropper(SAMPLES.parent) as cropper:
        views, _, _ = load_index(snap)
        (view,) = [v for v in views if v.row["source_path"].endswith("unknown_number_column_jiangxi.pdf")]
        assert view.row["needs_review"]
        load_details(snap, [view], cropper)
    assert view.crop_note is None
    reasons = {rc.reason: rc for rc in view.review_cells}
    column = next(rc for r, rc in reasons.items() if "复核分" in r)
    assert len(column.keys) >= 8 and "「复核分」" in column.where
    assert column.crops and column.crops[0].data[:4] == b"RIFF" and column.crops[0].data[8:12] == b"WEBP"
    boxes = {(c["table"], c["row"], c["col"]): (c["top"], c["bottom"]) for c in view.cells if c["page"] == 1}
    tops, bottoms = zip(*(boxes[k] for k in column.keys), strict=True)
    # the whole column of unread cells, top to bottom, and its label 「复核分」 above them
    assert column.crops[0].height >= (max(bottoms) - min(tops)) * SCALE
    assert "复核分" in column.where


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_show_page_prints_where_each_value_is(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["show", str(SEED_PDF), "--page", "--color", "never"], capsys)
    assert code == 0
    line = next(x for x in out.splitlines() if "「实际完成值」" in x and "扬尘治理" in x)
    assert re.match(
        r"\s+第2页 x [\d.]+–[\d.]+ mm, y [\d.]+–[\d.]+ mm \([\d.]+,[\d.]+\)–\([\d.]+,[\d.]+\) pt", line
    )
    assert line.endswith("：100%")
    assert "「总分」一行的「得分」：95" in out
    code, out = run(["show", str(SAMPLES / "seed_datong_2021.docx"), "--page", "--color", "never"], capsys)
    assert code == 0 and "只有 PDF 记录每个值在页面上的位置" in out
    code, out = run(["show", str(SEED_PDF), "--color", "never"], capsys)
    assert "页面位置" not in out


def test_show_and_the_report_number_findings_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ds, src = _one_pdf_dataset(tmp_path)
    code, out = run(["show", str(src), "--color", "never"], capsys)
    assert code == 0
    shown = re.findall(r"⟨(\d+)⟩ \[[^]]+\] (【\w+】[^\n（]*)", out)
    assert len(shown) == 9
    with Snapshot(ds.root) as snap:
        views, _, _ = load_index(snap)
        load_details(snap, views)
    reported = [(str(f.n), f.message.split("（")[0]) for f in views[0].findings]
    assert [(n, m.split("（")[0]) for n, m in shown] == reported


@pytest.mark.slow
def test_every_sample_form_is_numbered_alike_in_show_and_the_report(sample_dataset: Dataset) -> None:
    with Snapshot(sample_dataset.root) as snap:
        views, _, _ = load_index(snap)
        load_details(snap, views)
    reported = {
        # a dataset finding (DUPLICATE_FORM) needs the other files: show cannot have it, and it
        # is numbered after every finding of the form's own
        (v.row["source_path"], v.row["form_index"]): [
            (f.n, f.rule_id, f.message) for f in v.findings if RULES_BY_ID[f.rule_id].scope != "dataset"
        ]
        for v in views
    }
    checked = 0
    # numbering is one function for every format: the multi-page scans (seconds of OCR each) are
    # left out, the one-page hand-drawn scan stays
    paths = {p for p, _ in reported if not any(fnmatch.fnmatchcase(Path(p).name, g) for g in OCR_HEAVY)}
    with Services() as services:
        for path in sorted(paths):
            data = (SAMPLES.parent / path).read_bytes()
            source = Source(path, sha256_of(data), len(data), detect_format(data))
            for cf in extract(source, data, "auto", ParseOptions(), services).forms:
                shown = [(n, f.rule_id, f.message) for n, f, _ in numbered(cf)]
                assert shown == reported[(path, cf.form.form_index)], path
                checked += 1
    assert checked == sum(1 for p, _ in reported if p in paths) >= 70


def test_a_recorded_decision_shows_beside_its_finding(tmp_path: Path) -> None:
    ds, _ = _one_pdf_dataset(tmp_path)
    with Snapshot(ds.root) as snap:
        finding_id = snap.con.sql("SELECT min(finding_id) FROM findings").fetchall()[0][0]
    out = tmp_path / "report.html"
    decisions = {finding_id: Decision("已核实", "原表确有此误<b>")}
    write_report(ds.root, out, Options(crops=False, decisions=decisions))
    text = out.read_text(encoding="utf-8")
    assert text.count('class="decision"') == 1 and "复核状态：已核实：原表确有此误&lt;b&gt;" in text
    write_report(ds.root, out, Options(crops=False))
    assert 'class="decision"' not in out.read_text(encoding="utf-8")


def test_the_cropper_keeps_only_a_few_sources_open(tmp_path: Path) -> None:
    paths = []
    for i in range(5):
        path = tmp_path / f"s{i}.pdf"
        shutil.copyfile(SEED_PDF, path)
        paths.append(str(path))
    sha = hashlib.sha256(SEED_PDF.read_bytes()).hexdigest()
    with Cropper() as cropper:
        for path in paths:
            assert cropper.open(path, sha) is None
            crops = cropper.crops(
                path, [(1, (100.0, 300.0, 200.0, 320.0))], [(1, (80.0, 100.0, 500.0, 700.0))]
            )
            assert len(crops) == 1
        assert [p for p, s in cropper._open.items() if not isinstance(s, str)] == paths[-OPEN_SOURCES:]
        assert cropper.crops(paths[0], [(1, (100.0, 300.0, 200.0, 320.0))], []) == []  # closed: open again
        assert (
            cropper.open(paths[0], sha) is None
            and len(cropper.crops(paths[0], [(1, (1.0, 1.0, 9.0, 9.0))], [])) == 1
        )
        assert cropper.open(str(tmp_path / "missing.pdf"), sha) is not None
