"""Stable finding ids, the reviews ledger across re-ingests and resubmissions, the workbook read
back all-or-nothing, and duplicate submissions linked across files and runs."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.cli import main
from pipeline.dataset import writer as writer_mod
from pipeline.dataset.follow import FOLLOWED
from pipeline.dataset.query import decisions, run_query, unique_forms
from pipeline.dataset.writer import Dataset
from pipeline.review.export import write_xlsx
from schemas.errors import DatasetError
from schemas.profiles import NATIONAL
from schemas.statuses import STALE_ZH
from tests.conftest import SAMPLES
from tests.wordml import FUNDS_HEADER, FUNDS_ROWS, INDICATOR_HEADER, docx, p, table_rows


def form_docx(total: str, name: str = "社区养老服务补助资金", actual: str = "已完成") -> bytes:
    """A national form whose indicators and execution add up to 99.5; ``total`` is its 总分."""
    rows = [
        ["项目名称", name],
        ["主管部门", "某市民政局", "实施单位", "某市养老服务中心"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "完成养老服务补助发放", actual],
        FUNDS_HEADER,
        *FUNDS_ROWS,
        INDICATOR_HEADER,
        ["产出指标", "数量指标", "补助人数", "≥100人", "100人", "50", "50", ""],
        ["产出指标", "成本指标", "补助成本", "≤100万元", "95万元", "10", "10", ""],
        ["效益指标", "社会效益指标", "服务覆盖率", "≥90%", "95%", "20", "20", ""],
        ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "10", "10", ""],
        ["总分", "", "", "", "", "100", total, ""],
    ]
    return docx(p("2023年度项目支出绩效自评表") + table_rows(rows))


def run(inbox: Path, ds: Dataset) -> None:
    ingest([str(inbox)], ds, Settings(profile=NATIONAL.name), InProcess())


def finding_rows(ds: Dataset) -> list[dict[str, Any]]:
    return sorted(ds.read("findings").to_pylist(), key=lambda r: r["finding_id"])


def test_finding_ids_are_stable_across_ingests_and_unique(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox)
    shutil.copy(SAMPLES / "rule_violations_indicators.docx", inbox)
    first, second = Dataset(tmp_path / "a"), Dataset(tmp_path / "b")
    run(inbox, first)
    run(inbox, second)
    ids = [r["finding_id"] for r in finding_rows(first)]
    assert ids == [r["finding_id"] for r in finding_rows(second)]
    assert len(ids) == len(set(ids)) > 10
    # parsed again (--reprocess): the same ids
    ingest([str(inbox)], first, Settings(profile=NATIONAL.name), InProcess(), reprocess=True)
    assert [r["finding_id"] for r in finding_rows(first)] == ids
    # an id is the form, the rule and a hash of where: not a counter
    for r in finding_rows(first):
        assert r["finding_id"].startswith(f"{r['form_id']}-{r['rule_id']}-")


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Path, Path, str]:
    """A dataset of one form with a TOTAL_SCORE finding, reviewed from the command line."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "养老.docx").write_bytes(form_docx("95"))
    root = tmp_path / "ds"
    run(inbox, Dataset(root))
    (total,) = [r for r in finding_rows(Dataset(root)) if r["rule_id"] == "TOTAL_SCORE"]
    assert (
        main(
            [
                "review",
                str(root),
                total["finding_id"],
                "--status",
                "确认",
                "--note",
                "总分少报",
                "--by",
                "张三",
            ]
        )
        == 0
    )
    return inbox, root, total["finding_id"]


def test_a_review_survives_reingest_and_goes_stale_on_resubmission(
    reviewed: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    inbox, root, fid = reviewed
    ds = Dataset(root)
    d = decisions(ds)[fid]
    assert (d.status, d.note, d.by, d.stale, d.via) == ("confirmed", "总分少报", "张三", False, "cli")
    assert d.message.startswith("【TOTAL_SCORE】总分填报95分")

    # the same input again, and parsed again: the decision is still there, not stale
    run(inbox, ds)
    ingest([str(inbox)], ds, Settings(profile=NATIONAL.name), InProcess(), reprocess=True)
    assert decisions(ds)[fid].stale is False
    assert main(["show", str(inbox / "养老.docx"), "--dataset", str(root), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "↳ 复核 确认（confirmed，张三" in out and "总分少报" in out
    assert main(["report", str(root), "-o", str(tmp_path / "report.html")]) == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "复核状态：确认（confirmed）（张三，" in html and "总分少报" in html

    # resubmitted with the total corrected: the finding is gone, its review stays, stale
    (inbox / "养老.docx").write_bytes(form_docx("99.5"))
    run(inbox, ds)
    assert not [r for r in finding_rows(ds) if r["rule_id"] == "TOTAL_SCORE"]
    d = decisions(ds)[fid]
    assert d.stale and d.status == "confirmed" and d.message.startswith("【TOTAL_SCORE】总分填报95分")
    assert run_query(root, "SELECT count(*) AS n FROM decisions WHERE stale").to_pylist() == [{"n": 1}]
    assert main(["show", str(inbox / "养老.docx"), "--dataset", str(root), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "本文件的其他复核记录" in out and "【已失效：问题已不存在】复核 确认" in out
    assert "总分填报95分" in out  # what the finding said, readable although it is gone

    # the report lists it apart, with what the finding said, beside the file's form as it is now
    assert main(["report", str(root), "-o", str(tmp_path / "after.html")]) == 0
    html = (tmp_path / "after.html").read_text(encoding="utf-8")
    assert '<a href="#stale">已失效的复核记录</a>' in html
    section = html[html.index('<section id="stale"') :].split("</section>", 1)[0]
    (form,) = [r["form_id"] for r in run_query(root, "SELECT form_id FROM forms").to_pylist()]
    assert "总分填报95分" in section and "确认（confirmed）" in section and "张三" in section
    assert "总分少报" in section and f'<a href="#form-{form}">现在的表单</a>' in section
    assert "复核状态：确认" not in html  # not beside any current finding

    write_xlsx(root, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "book.xlsx")
    (ledger,) = records(wb["复核记录"])
    assert (ledger["当前"], ledger["复核状态"], ledger["问题ID"], ledger["复核人"]) == (
        STALE_ZH,
        "确认",
        fid,
        "张三",
    )


def test_a_decision_follows_its_finding_word_for_word_into_a_resubmission(
    reviewed: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, root, fid = reviewed
    ds = Dataset(root)
    # resubmitted with another goal text: new bytes, new ids, the same TOTAL_SCORE finding
    (inbox / "养老.docx").write_bytes(form_docx("95", actual="已全部完成"))
    run(inbox, ds)
    (total,) = [r for r in finding_rows(ds) if r["rule_id"] == "TOTAL_SCORE"]
    assert total["finding_id"] != fid
    found = decisions(ds)
    d = found[total["finding_id"]]
    assert (d.status, d.note, d.by, d.stale) == ("confirmed", "总分少报", "张三", False)
    assert d.via == f"{FOLLOWED}{fid}" and d.at == found[fid].at  # decided then, by 张三
    assert found[fid].stale and found[fid].moved_to == total["finding_id"]
    assert main(["show", str(inbox / "养老.docx"), "--dataset", str(root), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "↳ 复核 确认（confirmed，张三" in out and "其他复核记录" not in out
    # the report shows it beside the finding it followed, and lists nothing as stale
    report = root.parent / "followed.html"
    assert main(["report", str(root), "-o", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "复核状态：确认（confirmed）（张三，" in html and 'id="stale"' not in html

    # resubmitted again with another 总分: the finding's text changed, the decision does not follow
    (inbox / "养老.docx").write_bytes(form_docx("96", actual="已全部完成"))
    run(inbox, ds)
    (total2,) = [r for r in finding_rows(ds) if r["rule_id"] == "TOTAL_SCORE"]
    found = decisions(ds)
    assert total2["finding_id"] not in found
    assert found[total["finding_id"]].stale and found[total["finding_id"]].moved_to is None


def records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_unknown_finding_and_bad_status_change_nothing(
    reviewed: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, root, fid = reviewed
    before = Dataset(root).open().manifest.commit
    assert main(["review", str(root), "nope-TOTAL_SCORE-00000000", "--status", "confirmed"]) == 2
    err = capsys.readouterr().err
    assert "不在数据集中" in err and "unknown finding id" in err and "Traceback" not in err
    assert main(["review", str(root), fid, "--status", "maybe"]) == 2
    assert "复核状态“maybe”无效" in capsys.readouterr().err
    assert Dataset(root).open().manifest.commit == before
    # a later decision wins; the earlier one stays in the ledger
    assert main(["review", str(root), fid, "--status", "fixed", "--note", "已更正"]) == 0
    d = decisions(Dataset(root))[fid]
    assert (d.status, d.note, d.earlier) == ("fixed", "已更正", 1)
    assert Dataset(root).read("reviews").num_rows == 2


def _fill(path: Path, out: Path, edits: dict[int, dict[str, str]]) -> None:
    """Write ``edits`` (sheet row → header → value) into the 问题 sheet of ``path`` as ``out``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["问题"]
    col = {c.value: c.column for c in ws[1]}
    for row, values in edits.items():
        for header, value in values.items():
            ws.cell(row, col[header]).value = value
    wb.save(out)


def test_the_workbook_round_trip_applies_decisions_exactly(tmp_path: Path, sample_dataset: Dataset) -> None:
    root = tmp_path / "ds"
    shutil.copytree(sample_dataset.root, root, symlinks=True)
    book = tmp_path / "book.xlsx"
    write_xlsx(root, book)
    ws = openpyxl.load_workbook(book)["问题"]
    ids = {r: ws.cell(r, [c.value for c in ws[1]].index("问题ID") + 1).value for r in range(2, 7)}
    filled = tmp_path / "filled.xlsx"
    _fill(
        book,
        filled,
        {
            2: {"复核状态": "确认", "复核意见": "属实"},
            3: {"复核状态": "已说明", "复核意见": "单位已说明原因", "复核人": "李四"},
            4: {"复核状态": "fixed"},
            5: {"复核状态": " 已整改 "},
        },
    )
    assert main(["review", str(root), "--from-xlsx", str(filled), "--by", "王五"]) == 0
    got = {fid: (d.status, d.note, d.by, d.via) for fid, d in decisions(Dataset(root)).items()}
    assert got == {
        ids[2]: ("confirmed", "属实", "王五", "filled.xlsx"),
        ids[3]: ("dismissed", "单位已说明原因", "李四", "filled.xlsx"),
        ids[4]: ("fixed", None, "王五", "filled.xlsx"),
        ids[5]: ("fixed", None, "王五", "filled.xlsx"),
    }
    # the next export is prefilled; reading it back records nothing new
    write_xlsx(root, book)
    rows = {r["问题ID"]: r for r in records(openpyxl.load_workbook(book)["问题"])}
    assert (rows[ids[3]]["复核状态"], rows[ids[3]]["复核意见"], rows[ids[3]]["复核人"]) == (
        "已说明",
        "单位已说明原因",
        "李四",
    )
    before = Dataset(root).read("reviews").num_rows
    assert main(["review", str(root), "--from-xlsx", str(book)]) == 0
    assert Dataset(root).read("reviews").num_rows == before == 4


def test_a_bad_workbook_changes_nothing_and_says_why(
    tmp_path: Path, sample_dataset: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ds"
    shutil.copytree(sample_dataset.root, root, symlinks=True)
    book, bad = tmp_path / "book.xlsx", tmp_path / "bad.xlsx"
    write_xlsx(root, book)
    _fill(
        book,
        bad,
        {
            2: {"复核状态": "确认"},  # fine on its own
            3: {"复核状态": "也许"},  # not a status
            4: {"问题ID": "0000000000000000-0-TOTAL_SCORE-deadbeef", "复核状态": "确认"},  # unknown
            5: {"说明": "【TOTAL_SCORE】改过的说明", "复核状态": "已说明"},  # the text changed
        },
    )
    commit = Dataset(root).open().manifest.commit
    assert main(["review", str(root), "--from-xlsx", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "第3行（row 3）：复核状态“也许”无效" in err
    assert "第4行（row 4）：问题ID 0000000000000000-0-TOTAL_SCORE-deadbeef 不在数据集中" in err
    assert "第5行（row 5）" in err and "说明自导出后已改变" in err
    assert "第2行" not in err and "nothing was recorded" in err
    assert Dataset(root).open().manifest.commit == commit
    assert Dataset(root).read("reviews").num_rows == 0
    assert main(["review", str(root), "--from-xlsx", str(tmp_path / "missing.xlsx")]) == 2
    assert "无法读取工作簿" in capsys.readouterr().err


def test_a_docx_and_its_pdf_are_one_project(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.pdf", inbox)
    ds = Dataset(tmp_path / "ds")
    run(inbox, ds)
    assert [r["duplicate_of"] for r in ds.read("forms").to_pylist()] == [None]
    # the next night brings the .docx: it sorts first, so the PDF becomes the duplicate
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox)
    run(inbox, ds)
    forms = {Path(r["source_path"]).suffix: r for r in ds.read("forms").to_pylist()}
    assert forms[".pdf"]["duplicate_of"] == forms[".docx"]["form_id"]
    assert forms[".docx"]["duplicate_of"] is None
    (dup,) = [r for r in ds.read("findings").to_pylist() if r["rule_id"] == "DUPLICATE_FORM"]
    assert dup["form_id"] == forms[".pdf"]["form_id"] and dup["severity"] == "warning"
    assert "seed_datong_2021.docx" in dup["message"] and "大同市建设工程事务中心经费" in dup["message"]
    assert {p["field"] for p in dup["provenance"]} == {"project_name", "department"}
    own = sum(1 for r in ds.read("findings").to_pylist() if r["form_id"] == forms[".pdf"]["form_id"])
    assert forms[".pdf"]["n_warnings"] + forms[".pdf"]["n_errors"] == own
    assert unique_forms(ds.root).column("form_id").to_pylist() == [forms[".docx"]["form_id"]]
    assert run_query(ds.root, "SELECT count(*) AS n FROM forms_unique").to_pylist() == [{"n": 1}]

    # the .docx resubmitted under another project name: the two are no longer one project
    raw = (SAMPLES / "seed_datong_2021.docx").read_bytes()
    from tests.corpus import replace_in_document

    (inbox / "seed_datong_2021.docx").write_bytes(
        replace_in_document(raw, "大同市建设工程事务中心经费", "大同市建设工程质量检测经费")
    )
    run(inbox, ds)
    assert [r["duplicate_of"] for r in ds.read("forms").to_pylist()] == [None, None]
    assert not [r for r in ds.read("findings").to_pylist() if r["rule_id"] == "DUPLICATE_FORM"]
    pdf = next(r for r in ds.read("forms").to_pylist() if r["source_path"].endswith(".pdf"))
    assert pdf["n_warnings"] == forms[".pdf"]["n_warnings"] - 1


def test_names_are_compared_normalised_and_one_file_is_never_its_own_duplicate() -> None:
    from pipeline.dataset.duplicates import links

    def form(
        fid: str,
        path: str,
        index: int,
        name: str,
        dept: str = "某局",
        year: int | None = 2022,
        review: bool = False,
    ) -> dict[str, Any]:
        return {
            "form_id": fid,
            "source_sha256": path,
            "source_path": path,
            "form_index": index,
            "year": year,
            "department": dept,
            "project_name": name,
            "needs_review": review,
        }

    forms = [
        form("b0", "b.pdf", 0, "項目 甲"),  # traditional characters, a space: the same name
        form("a0", "a.docx", 0, "项目甲"),
        form("a1", "a.docx", 1, "项目甲"),  # the same file: not its own duplicate
        form("c0", "c.docx", 0, "项目甲", year=2023),  # another year
        form("d0", "d.docx", 0, "项目甲", dept="另一局"),  # another department
        form("e0", "e.docx", 0, "项目乙", year=None),  # no year: never linked
        form("f0", "f.docx", 0, "项目乙", year=None),
    ]
    assert links(forms) == {"b0": "a0"}
    # the copy of record is the best-read one: a copy that needs review comes after those read sure
    forms = [form("a0", "a.scan.pdf", 0, "项目甲", review=True), form("b0", "b.docx", 0, "项目甲")]
    assert links(forms) == {"a0": "b0"}


def test_a_failed_commit_keeps_every_review(
    reviewed: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, root, fid = reviewed
    (inbox / "养老.docx").write_bytes(form_docx("99.5"))

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # the resubmission's commit fails at the last step, and so does a review's
    monkeypatch.setattr(writer_mod.Dataset, "_point_current_at", boom)
    with pytest.raises(DatasetError, match="no space left"):
        run(inbox, Dataset(root))
    assert main(["review", str(root), fid, "--status", "fixed"]) == 2
    assert "no space left" in capsys.readouterr().err.lower()
    monkeypatch.undo()
    d = decisions(Dataset(root))[fid]
    assert (d.status, d.stale, d.earlier) == ("confirmed", False, 0)
    run(inbox, Dataset(root))  # the disk has room again: the resubmission lands, the review stays
    assert decisions(Dataset(root))[fid].stale
