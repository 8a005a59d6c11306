"""The nightly batch: the same dataset on 1 worker, N workers and a Dask LocalCluster; files
parsed in isolated processes with time and memory limits; a bad-input suite where every file
ends up in ``sources``; runs killed with SIGKILL part-way leave a consistent dataset."""

from __future__ import annotations

import hashlib
import io
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.batch.executors import DaskExecutor, InProcess, LocalPool
from pipeline.batch.jobs import Job, Settings
from pipeline.batch.progress import Progress
from pipeline.batch.run import ingest
from pipeline.batch.sandbox import Sandbox
from pipeline.dataset.writer import Dataset
from schemas.profiles import NATIONAL
from schemas.records import SourceRow
from tests import corpus
from tests.conftest import OCR_HEAVY, ROOT, SAMPLES
from tests.pdfgen import Page, build
from tests.wordml import docx, p

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, bytes]:
    return {str(q.relative_to(root)): q.read_bytes() for q in sorted(root.rglob("*")) if q.is_file()}


def _table_rows(ds: Dataset) -> dict[str, list[str]]:
    return {
        t: sorted(map(repr, ds.read(t).to_pylist()))
        for t in ("forms", "funds", "indicators", "findings", "sources")
    }


# ---------------------------------------------------------------------------------------------
# Same dataset whatever runs the jobs
# ---------------------------------------------------------------------------------------------
def test_same_dataset_on_one_worker_n_workers_and_a_dask_local_cluster(tmp_path: Path) -> None:
    settings = Settings(profile=NATIONAL)
    executors = {
        "in-process": InProcess(),
        "1 worker": LocalPool(1),
        "2 workers": LocalPool(2),
        "dask": DaskExecutor("local", 2),
    }
    outputs = {}
    for name, executor in executors.items():
        ds = Dataset(tmp_path / name.replace(" ", "_"))
        ingest([str(SAMPLES)], ds, settings, executor, exclude=OCR_HEAVY)
        outputs[name] = _files(ds.root)
    reference = outputs.pop("in-process")
    assert len(reference) >= 6
    for name, files in outputs.items():
        assert files == reference, name  # byte for byte: rows are sorted before they are written


# ---------------------------------------------------------------------------------------------
# Isolation
# ---------------------------------------------------------------------------------------------
def _one(sandbox: Sandbox, job: Job) -> SourceRow:
    (row,) = sandbox.run_batch([job]).sources
    return row


def _job(path: Path) -> Job:
    data = path.read_bytes()
    fmt = "pdf" if data.startswith(b"%PDF") else "docx"
    return Job(str(path), hashlib.sha256(data).hexdigest(), len(data), fmt)


def test_a_child_that_stops_answering_is_killed_at_the_deadline() -> None:
    sandbox = Sandbox(Settings(profile=NATIONAL, time_limit=1.0), memory_mb=2048)
    sandbox.grace = 1.0
    with sandbox:
        assert _one(sandbox, _job(SAMPLES / "seed_datong_2021.docx")).status == "ok"
        assert sandbox._proc is not None
        os.kill(sandbox._proc.pid, signal.SIGSTOP)  # a hang no in-process alarm can interrupt
        t = time.monotonic()
        outcome = _one(sandbox, _job(SAMPLES / "clean_form_no_findings.docx"))
        assert (outcome.status, outcome.error_code) == ("failed", "timeout")
        assert time.monotonic() - t < 10
        # the next file gets a fresh child
        assert _one(sandbox, _job(SAMPLES / "clean_form_no_findings.docx")).status == "ok"


def test_a_child_killed_mid_file_fails_that_file_only(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(_dense_grid_pdf(150))
    with Sandbox(Settings(profile=NATIONAL), memory_mb=2048) as sandbox:
        _one(sandbox, _job(SAMPLES / "seed_datong_2021.docx"))
        assert sandbox._proc is not None
        child = sandbox._proc
        killer = threading.Timer(1.0, child.kill)  # the OOM killer, or an operator
        killer.start()
        outcome = _one(sandbox, _job(slow))
        killer.join()
        assert (outcome.status, outcome.error_code) == ("failed", "worker_lost")
        assert "signal 9" in outcome.error
        assert _one(sandbox, _job(SAMPLES / "seed_datong_2021.docx")).status == "ok"


def test_the_memory_cap_fails_a_file_that_needs_too_much(tmp_path: Path) -> None:
    rng = random.Random(1)
    body = "".join(f"<w:p><w:r><w:t>{rng.randrange(10**6)}</w:t></w:r></w:p>" for _ in range(700_000))
    path = tmp_path / "huge.docx"
    path.write_bytes(docx(body))  # ~3 MB zipped, 40 MB of XML, ~1 GB as a tree
    with Sandbox(Settings(profile=NATIONAL), memory_mb=600) as sandbox:
        outcome = _one(sandbox, _job(path))
        assert (outcome.status, outcome.error_code) == ("failed", "resource_limit")
        assert _one(sandbox, _job(SAMPLES / "seed_datong_2021.docx")).status == "ok"


# ---------------------------------------------------------------------------------------------
# The bad-input suite
# ---------------------------------------------------------------------------------------------
def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _dense_grid_pdf(n: int) -> bytes:
    """A page of n × n ruling lines 6 pt apart (wider than the snap tolerance, so they stay
    apart): pdfplumber's table finder grows steeply with n — 150 lines take ~10 s, 200 ~30 s."""
    size = 40 + 6 * n
    page = Page(width=size, height=size)
    for i in range(n + 1):
        x = 20 + i * 6
        page.ops.append(f"{x} 20 m {x} {size - 20} l S")
        page.ops.append(f"20 {x} m {size - 20} {x} l S")
    return build([page])


def _make_bad_inputs(inbox: Path) -> dict[str, tuple[str, str]]:
    """Files under ``inbox`` and the (status, error_code) each must get."""
    expect: dict[str, tuple[str, str]] = {}

    def put(rel: str, data: bytes, status: str, code: str) -> None:
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[rel] = (status, code)

    good = (SAMPLES / "seed_datong_2021.docx").read_bytes()
    put("正常 提交/大同 2021.docx", good, "ok", "")
    put("正常 提交/扫描件.pdf", (SAMPLES / "pdf_scan_no_text.pdf").read_bytes(), "failed", "needs_ocr")
    put("empty.docx", b"", "failed", "empty")
    put("empty.pdf", b"", "failed", "empty")
    put("random.docx", os.urandom(4096), "failed", "corrupt")
    put("truncated.docx", good[: len(good) // 2], "failed", "corrupt")
    put(
        "no_document_part.docx",
        _zip({"[Content_Types].xml": b"<Types/>", "docProps/app.xml": b"<x/>"}),
        "failed",
        "corrupt",
    )
    # read by what they are (a Word 97 binary, a workbook), and these are broken ones
    put(
        "really_a.doc.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 64,
        "failed",
        "corrupt",
    )
    put(
        "really_an.xlsx.docx",
        _zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}),
        "failed",
        "corrupt",
    )
    put("encrypted.pdf", (SAMPLES / "pdf_encrypted_password.pdf").read_bytes(), "failed", "encrypted")
    put("no_table.pdf", build([Page().text(50, 50, "Just a letter, no table.")]), "skipped", "no_form")
    put("zip_bomb.docx", _zip({"word/document.xml": b"<w:p/>" * 4_000_000}), "failed", "resource_limit")
    lol = '<!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    put("entity_bomb.docx", docx(p("&b;"), prolog=lol), "failed", "resource_limit")
    put("long.pdf", build([Page().text(50, 50, f"page {i}") for i in range(600)]), "failed", "resource_limit")
    put("hanging.pdf", _dense_grid_pdf(220), "failed", "timeout")
    put("~$大同 2021.docx", b"lock", "skipped", "lock_file")
    put(".hidden.docx", good, "skipped", "hidden")
    put("notes.txt", "提交清单".encode(), "skipped", "not_a_document")
    put("重复提交/copy.docx", good, "skipped", "duplicate")  # walked after 正常 提交/
    # a folder that contains itself
    os.symlink("..", inbox / "正常 提交" / "loop")
    expect["正常 提交/loop"] = ("skipped", "symlink_loop")
    os.symlink("no/such/file.docx", inbox / "dangling.docx")
    expect["dangling.docx"] = ("failed", "broken_symlink")
    os.mkfifo(inbox / "a_pipe.docx")
    expect["a_pipe.docx"] = ("skipped", "not_a_file")
    if os.geteuid() != 0:  # root reads everything
        put("unreadable.docx", good, "failed", "unreadable")
        os.chmod(inbox / "unreadable.docx", 0)
    return expect


def test_bad_input_suite_every_file_accounted_for(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱 2023"
    expect = _make_bad_inputs(inbox)
    out = tmp_path / "ds"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "ingest",
            str(inbox),
            "--out",
            str(out),
            "--workers",
            "2",
            "--timeout",
            "3",
            "--memory-mb",
            "800",
            "--ocr",
            "off",  # the scan is reported needs_ocr (OCR itself: tests/formats/test_scanned.py)
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    elapsed = time.monotonic() - t
    assert proc.returncode == 1, proc.stderr  # done, some files failed
    rows = {r["source_path"]: r for r in Dataset(out).read("sources").to_pylist()}
    got = {os.path.relpath(path, inbox): (r["status"], r["error_code"] or "") for path, r in rows.items()}
    assert got == expect
    assert all(r["error"] for r in rows.values() if r["status"] != "ok")  # a reason for each
    assert elapsed < 120  # the hanging PDF cost its 3 s limit, not the run
    # memory stayed bounded: no parsing process went past its cap
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert peak_mb < 1024
    assert "failed" in proc.stdout and "duplicate" in proc.stdout


def test_a_list_file_names_the_inputs(tmp_path: Path) -> None:
    listing = tmp_path / "tonight.txt"
    listing.write_text(
        f"# submissions received today\n{SAMPLES / 'seed_datong_2021.docx'}\n\n{SAMPLES / 'clean_form_no_findings.pdf'}\n",
        encoding="utf-8",
    )
    from pipeline.cli import main

    assert main(["ingest", "--list", str(listing), "--out", str(tmp_path / "ds"), "--workers", "1"]) == 0
    assert Dataset(tmp_path / "ds").read("forms").num_rows == 2


# ---------------------------------------------------------------------------------------------
# Crash safety: kill -9 real runs part-way
# ---------------------------------------------------------------------------------------------
def _check_consistent(root: Path) -> int:
    """The dataset reads back and agrees with itself; returns the number of forms."""
    ds = Dataset(root)
    if ds.manifest() is None:
        return 0
    con = duckdb.connect()
    for name in ("forms", "funds", "indicators", "findings", "sources"):
        con.register(name, ds.read(name))
    assert con.execute(
        "SELECT count(*) FROM forms f LEFT JOIN (SELECT * FROM sources WHERE duplicate_of IS NULL "
        "AND status IN ('ok', 'partial')) s USING (source_sha256) WHERE s.source_sha256 IS NULL"
    ).fetchone() == (0,)
    assert con.execute(
        "SELECT count(*) FROM (SELECT source_sha256, count(*) n FROM forms GROUP BY 1) f "
        "JOIN sources s USING (source_sha256) WHERE s.duplicate_of IS NULL AND s.forms_found <> f.n"
    ).fetchone() == (0,)
    for child in ("funds", "indicators", "findings"):
        assert con.execute(
            f"SELECT count(*) FROM {child} c LEFT JOIN forms f USING (form_id) WHERE f.form_id IS NULL"
        ).fetchone() == (0,), child
    n = con.execute("SELECT count(*) FROM forms").fetchone()
    assert n is not None
    return int(n[0])


def _start(inbox: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "ingest",
            str(inbox),
            "--out",
            str(out),
            "--workers",
            "2",
            "--commit-every",
            "10",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _commit_number(out: Path) -> int:
    try:
        m = Dataset(out).manifest()
    except Exception:
        return 0
    return m.commit if m else 0


def test_killed_runs_leave_a_consistent_dataset_and_the_next_run_completes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    corpus.build(inbox, 150)
    out = tmp_path / "ds"
    kills = 0
    # kill at different moments: before the first commit, just after commits, at random times
    for moment in ("early", 2, 5, "random", 9):
        proc = _start(inbox, out)
        start = _commit_number(out)
        deadline = time.monotonic() + 60
        if moment == "early":
            time.sleep(0.3)
        elif moment == "random":
            time.sleep(random.Random(4).uniform(0.5, 2.0))
        else:
            while (
                _commit_number(out) < start + int(moment)
                and proc.poll() is None
                and time.monotonic() < deadline
            ):
                time.sleep(0.01)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        _check_consistent(out)  # as before the commit in flight, or as after it
    assert kills >= 3
    final = _start(inbox, out)
    assert final.wait(timeout=300) == 0
    assert _check_consistent(out) == 150
    # the same rows as one uninterrupted run
    clean = Dataset(tmp_path / "clean")
    ingest([str(inbox)], clean, Settings(profile=NATIONAL), InProcess())
    assert _table_rows(Dataset(out)) == _table_rows(clean)
    # and nothing left lying around
    assert sorted(q.name for q in (out / "_jixiao").iterdir()) == ["lock"]
    assert sorted(q.name for q in tmp_path.iterdir()) == ["clean", "ds", "inbox"]


# ---------------------------------------------------------------------------------------------
# Operability
# ---------------------------------------------------------------------------------------------
def test_progress_is_plain_lines_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(every=0.0, stream=stream) as progress:
        for i in range(1, 4):
            progress.update(i, 3)
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("ingest: 3/3 files (100%)") and "files/s" in lines[-1]


def test_rerun_on_unchanged_input_parses_nothing(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    corpus.build(inbox, 12)
    ds = Dataset(tmp_path / "ds")
    first = ingest([str(inbox)], ds, Settings(profile=NATIONAL), LocalPool(2))
    again = ingest([str(inbox)], ds, Settings(profile=NATIONAL), LocalPool(2))
    assert (first.parsed, again.parsed, again.unchanged) == (12, 0, 12)


def test_a_child_dying_mid_batch_fails_only_the_file_it_was_on(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(_dense_grid_pdf(150))
    good = [_job(SAMPLES / "seed_datong_2021.docx"), _job(SAMPLES / "clean_form_no_findings.docx")]
    with Sandbox(Settings(profile=NATIONAL), memory_mb=2048) as sandbox:
        _one(sandbox, good[0])  # the child is up
        assert sandbox._proc is not None
        killer = threading.Timer(2.0, sandbox._proc.kill)
        killer.start()
        batch = sandbox.run_batch([good[0], _job(slow), good[1]])
        killer.join()
    status = {Path(s.source_path).name: (s.status, s.error_code) for s in batch.sources}
    assert status == {
        "seed_datong_2021.docx": ("ok", None),
        "slow.pdf": ("failed", "worker_lost"),
        "clean_form_no_findings.docx": ("ok", None),
    }
    # the rows of the files before the failure were parsed again, not lost
    assert batch.tables["forms"].num_rows == 2
