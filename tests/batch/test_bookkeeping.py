"""Nightly bookkeeping across runs: a file gone from the inputs is reported ``missing`` (its rows
kept, marked) until ``--prune`` drops it; a resubmission (same path, new bytes) is counted as
``replaced`` and names the bytes it replaced; a moved file is read at its new path once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import Summary, ingest
from pipeline.cli import main
from pipeline.dataset.writer import Dataset
from schemas.profiles import NATIONAL
from tests import corpus


def _run(inputs: list[Path], ds: Dataset, **kw: bool) -> Summary:
    return ingest([str(p) for p in inputs], ds, Settings(profile=NATIONAL), InProcess(), **kw)


def _sources(ds: Dataset) -> dict[str, dict[str, object]]:
    return {r["source_path"]: r for r in ds.read("sources").to_pylist()}


def _form_shas(ds: Dataset) -> list[str]:
    return sorted(ds.read("forms", columns=["source_sha256"]).column(0).to_pylist())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path: Path) -> list[Path]:
    return corpus.build(tmp_path / "inbox", 3)


def test_a_file_gone_from_the_inputs_is_missing_and_kept(inbox: list[Path], tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "inbox"], ds)
    gone, sha = inbox[1], _sha(inbox[1])
    gone.unlink()
    summary = _run([tmp_path / "inbox"], ds)
    assert summary.missing == [str(gone)] and summary.pruned == []
    assert summary.total == 2 and summary.unchanged == 2 and not summary.any_failed
    row = _sources(ds)[str(gone)]
    assert (row["status"], row["error_code"], row["last_status"]) == ("missing", "gone", "ok")
    assert row["source_sha256"] == sha and row["forms_found"] == 1
    assert str(row["error"]).startswith("文件已不在输入中") and "gone from the inputs" in str(row["error"])
    assert sha in _form_shas(ds)  # its rows are kept
    # a second run without the file: still missing, still kept, nothing else changes
    again = _run([tmp_path / "inbox"], ds)
    assert again.missing == [str(gone)] and again.commits == 0
    assert len(_form_shas(ds)) == 3


def test_prune_drops_the_rows_of_missing_files(inbox: list[Path], tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "inbox"], ds)
    gone, sha = inbox[0], _sha(inbox[0])
    gone.unlink()
    _run([tmp_path / "inbox"], ds)  # marked missing first, then pruned
    summary = _run([tmp_path / "inbox"], ds, prune=True)
    assert summary.pruned == [str(gone)] and summary.missing == []
    assert str(gone) not in _sources(ds)
    assert sha not in _form_shas(ds) and len(_form_shas(ds)) == 2
    for table in ("funds", "indicators", "cells"):
        assert sha not in ds.read(table, columns=["source_sha256"]).column(0).to_pylist(), table


def test_only_files_under_this_runs_inputs_can_go_missing(tmp_path: Path) -> None:
    corpus.build_two(tmp_path / "night1", tmp_path / "night2", 2, 2)
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "night1"], ds)
    summary = _run([tmp_path / "night2"], ds, prune=True)  # another folder: night1 is not gone
    assert summary.missing == [] and summary.pruned == []
    assert {r["status"] for r in _sources(ds).values()} == {"ok"} and len(_sources(ds)) == 4


def test_a_resubmission_is_replaced_and_names_the_old_bytes(inbox: list[Path], tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "inbox"], ds)
    target, old_sha = inbox[2], _sha(inbox[2])
    other = corpus.build(tmp_path / "other", 5)[4]  # a form none of the inbox holds
    target.write_bytes(other.read_bytes())
    summary = _run([tmp_path / "inbox"], ds)
    assert summary.replaced == 1 and summary.parsed == 1 and summary.unchanged == 2
    row = _sources(ds)[str(target)]
    assert row["status"] == "ok" and row["replaced_sha256"] == old_sha
    assert row["source_sha256"] == _sha(target) != old_sha
    shas = _form_shas(ds)
    assert old_sha not in shas and _sha(target) in shas and len(shas) == 3
    # the next run with the same bytes: unchanged, not counted again (the mark stays)
    again = _run([tmp_path / "inbox"], ds)
    assert again.replaced == 0 and again.unchanged == 3
    assert _sources(ds)[str(target)]["replaced_sha256"] == old_sha
    # a file read for the first time is not a resubmission
    assert all(r["replaced_sha256"] is None for p, r in _sources(ds).items() if p != str(target))


def test_a_moved_file_is_read_at_its_new_path_once(inbox: list[Path], tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "inbox"], ds)
    old, sha = inbox[0], _sha(inbox[0])
    new = old.with_name("moved.docx")
    old.rename(new)
    summary = _run([tmp_path / "inbox"], ds)
    assert summary.missing == [str(old)] and summary.parsed == 1
    rows = _sources(ds)
    assert rows[str(new)]["status"] == "ok" and rows[str(new)]["duplicate_of"] is None
    assert rows[str(old)]["status"] == "missing" and rows[str(old)]["duplicate_of"] == str(new)
    forms = ds.read("forms", columns=["form_id", "source_path", "source_sha256"]).to_pylist()
    assert len(forms) == 3 and len({f["form_id"] for f in forms}) == 3  # not read twice
    assert [f["source_path"] for f in forms if f["source_sha256"] == sha] == [str(new)]
    _run([tmp_path / "inbox"], ds, prune=True)
    assert str(old) not in _sources(ds) and sha in _form_shas(ds)  # its forms are the new path's


def test_a_missing_file_that_comes_back_is_read_again(inbox: list[Path], tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    _run([tmp_path / "inbox"], ds)
    data = inbox[1].read_bytes()
    inbox[1].unlink()
    _run([tmp_path / "inbox"], ds)
    inbox[1].write_bytes(data)
    summary = _run([tmp_path / "inbox"], ds)
    assert summary.missing == [] and summary.parsed == 1 and summary.replaced == 0
    row = _sources(ds)[str(inbox[1])]
    assert row["status"] == "ok" and row["last_status"] is None and row["error_code"] is None
    assert len(_form_shas(ds)) == 3


def test_the_summary_reports_missing_replaced_and_pruned(
    inbox: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "ds")
    folder = str(tmp_path / "inbox")
    assert main(["ingest", folder, "--out", out, "--workers", "1"]) == 0
    inbox[0].unlink()
    inbox[1].write_bytes(corpus.build(tmp_path / "other", 5)[4].read_bytes())
    capsys.readouterr()
    assert main(["ingest", folder, "--out", out, "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "重新提交 replaced 1" in text and "已不在输入中 missing 1" in text
    assert f"不在输入 missing {inbox[0]}" in text and "--prune" in text
    assert main(["ingest", folder, "--out", out, "--workers", "1", "--prune"]) == 0
    text = capsys.readouterr().out
    assert "已删除 pruned 1" in text and f"已删除 pruned    {inbox[0]}" in text


def test_exclude_leaves_out_names_and_paths_under_the_input(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    corpus.build(inbox / "keep", 2)
    corpus.build(inbox / "build", 1)
    (inbox / "keep" / "README.md").write_text("notes")
    ds = Dataset(tmp_path / "ds")
    summary = ingest(
        [str(inbox)], ds, Settings(profile=NATIONAL), InProcess(), exclude=("build", "keep/*.md")
    )
    assert summary.excluded == 2 and summary.total == 2
    assert sorted(Path(p).parent.name for p in _sources(ds)) == ["keep", "keep"]
    # an excluded file is out of the inputs: once read, it is missing after it is excluded
    summary = ingest([str(inbox)], ds, Settings(profile=NATIONAL), InProcess(), exclude=("提交_0001.docx",))
    assert summary.excluded == 1 and [Path(p).name for p in summary.missing] == ["提交_0001.docx"]
