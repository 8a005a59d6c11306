"""Every error a user can cause gets one line in Chinese and English and its documented exit
code, never a traceback (``pipeline/cli.py``, README "Exit codes"): 2 for usage errors and runs
that cannot start, 141 (quietly) when stdout's reader goes away, 0 for --version."""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import EXIT_PIPE_CLOSED, _parser, main
from schemas.tables import SCHEMA_VERSION
from tests.conftest import ROOT, SAMPLES

F_SETPIPE_SZ = 1031  # Linux fcntl: a pipe's buffer size
CJK = re.compile(r"[\u4e00-\u9fff]")


def _one_line_error(err: str, *english: str) -> str:
    """The one ``jixiao …:`` line of stderr: Chinese and English, with ``english`` in it."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("jixiao")]
    assert len(lines) == 1, err
    line = lines[0]
    assert CJK.search(line) and re.search(r"[A-Za-z]{3,}", line), line
    for word in english:
        assert word in line, line
    return line


def _run(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import entry; entry()", *args],
        capture_output=stdout is not None,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "clean.docx").write_bytes((SAMPLES / "clean_form_no_findings.docx").read_bytes())
    out = root / "ds"
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0
    return out


# --------------------------------------------------------------------------- ingest
def test_an_out_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    doc = str(SAMPLES / "clean_form_no_findings.docx")
    assert main(["ingest", doc, "--out", str(target), "--workers", "1"]) == 2
    _one_line_error(capsys.readouterr().err, "is a file")
    assert main(["ingest", doc, "--out", str(target / "ds"), "--workers", "1"]) == 2
    _one_line_error(capsys.readouterr().err, "is a file")
    assert target.read_text() == "mine"


def test_a_missing_input_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ds"
    assert main(["ingest", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    line = _one_line_error(capsys.readouterr().err, "no such input")
    assert "输入路径不存在" in line
    assert not out.exists()  # nothing written: not a dataset of one sources row


def test_an_empty_input_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    out = tmp_path / "ds"
    assert main(["ingest", str(empty), "--out", str(out)]) == 2
    line = _one_line_error(capsys.readouterr().err, "no files in the input")
    assert "没有任何文件" in line
    assert not out.exists()


def test_no_inputs_and_a_missing_list_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--out", str(tmp_path / "ds")]) == 2
    _one_line_error(capsys.readouterr().err, "no inputs")
    assert main(["ingest", "--list", str(tmp_path / "none.txt"), "--out", str(tmp_path / "ds")]) == 2
    _one_line_error(capsys.readouterr().err, "no such list file")


def test_bad_arguments_are_one_line_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "sample_docs"]) == 2  # --out missing
    err = capsys.readouterr().err
    assert err.startswith("usage: jixiao ingest")
    assert "参数有误" in _one_line_error(err, "--out")
    assert main(["query", "out", "SELECT 1", "--max-rows", "many"]) == 2
    _one_line_error(capsys.readouterr().err, "invalid int value")
    assert main(["frobnicate"]) == 2
    _one_line_error(capsys.readouterr().err, "invalid choice")


# --------------------------------------------------------------------------- outputs
def test_outputs_into_a_missing_folder_are_written_there(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv, pq = tmp_path / "a" / "b" / "forms.csv", tmp_path / "p" / "forms.parquet"
    assert main(["query", str(dataset), "SELECT * FROM forms", "--csv", str(csv), "--parquet", str(pq)]) == 0
    assert csv.read_text(encoding="utf-8-sig").startswith("form_id,") and pq.stat().st_size > 0
    html = tmp_path / "r" / "report.html"
    assert main(["report", str(dataset), "-o", str(html)]) == 0
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    xlsx = tmp_path / "x" / "y" / "jixiao.xlsx"
    assert main(["export", str(dataset), "--xlsx", str(xlsx)]) == 0
    assert xlsx.read_bytes()[:2] == b"PK"
    assert "Traceback" not in capsys.readouterr().err


def test_an_output_under_a_file_or_at_a_folder(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder is wanted")
    assert main(["query", str(dataset), "SELECT 1", "--csv", str(blocker / "out.csv")]) == 2
    _one_line_error(capsys.readouterr().err, "is a file")
    assert main(["report", str(dataset), "-o", str(blocker / "r" / "report.html")]) == 2
    _one_line_error(capsys.readouterr().err, "is a file")
    assert main(["export", str(dataset), "--xlsx", str(tmp_path)]) == 2
    _one_line_error(capsys.readouterr().err, "is a folder")


def test_a_dataset_that_is_not_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(tmp_path / "nothing"), "SELECT 1"]) == 2
    _one_line_error(capsys.readouterr().err, "is not a jixiao dataset")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    assert main(["report", str(tmp_path / "other"), "-o", str(tmp_path / "r.html")]) == 2
    _one_line_error(capsys.readouterr().err, "is not a jixiao dataset")


# --------------------------------------------------------------------------- show
def test_show_a_form_the_file_does_not_have(capsys: pytest.CaptureFixture[str]) -> None:
    two = str(SAMPLES / "multi_form_two_projects.docx")
    assert main(["show", two, "--form", "5", "--color", "never"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # nothing drawn before the error
    line = _one_line_error(err, "no form 5", "holds 2 form(s)")
    assert "只有 2 张表单" in line
    assert main(["show", two, "--form", "1", "--color", "never"]) == 0
    assert "━━ 表单 1" in capsys.readouterr().out


def test_show_a_missing_file_or_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(tmp_path / "none.docx")]) == 2
    _one_line_error(capsys.readouterr().err, "no such file")
    assert main(["show", str(tmp_path)]) == 2
    _one_line_error(capsys.readouterr().err, "is a folder")


def test_show_into_a_closed_pipe_exits_quietly() -> None:
    """``jixiao show … | head -1``: the reader goes away after one line; no BrokenPipeError, no
    message, exit code 141 (what a shell reports for a command ended by SIGPIPE)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)  # smaller than the drawing: the writer must wait
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pipeline.cli import entry; entry()",
            "show",
            "--color",
            "never",
            str(SAMPLES / "long_form_three_pages.docx"),
        ],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline().startswith("━━ 表单".encode())
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_PIPE_CLOSED
    assert err == b"", err.decode()


# --------------------------------------------------------------------------- help and version
def test_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert re.fullmatch(rf"jixiao \S+ \(dataset schema {re.escape(SCHEMA_VERSION)}\)\n", done.stdout)


def test_bare_jixiao_prints_the_help() -> None:
    done = _run()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stdout.startswith("usage: jixiao")
    for command in ("ingest", "query", "show", "report", "export", "search", "rules"):
        assert command in done.stdout
    assert "examples:" in done.stdout and "exit codes:" in done.stdout


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_every_option_and_argument_is_described_with_examples() -> None:
    subs = _subparsers(_parser())
    assert set(subs) >= {"ingest", "rules", "query", "show", "report", "export", "search"}
    for name, sub in subs.items():
        assert sub.description and sub.epilog and sub.epilog.startswith("examples:\n"), name
        assert f"jixiao {name}" in sub.epilog, name
        for action in sub._actions:
            assert action.help and action.help.strip(), (name, action.dest)
        help_text = sub.format_help()
        assert "examples:" in help_text and sub.epilog.splitlines()[1] in help_text  # not reflowed


def test_one_empty_input_among_others_is_listed_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    doc = str(SAMPLES / "clean_form_no_findings.docx")
    out = str(tmp_path / "ds")
    assert main(["ingest", doc, str(tmp_path / "empty"), "--out", out, "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert f"空输入 empty     {tmp_path / 'empty'}: 没有文件 — holds no file" in text


def test_a_dataset_of_another_profile_or_a_broken_pointer(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "more"
    inbox.mkdir()
    (inbox / "seed.docx").write_bytes((SAMPLES / "seed_datong_2021.docx").read_bytes())
    assert main(["ingest", str(inbox), "--out", str(dataset), "--profile", "hubei", "--workers", "1"]) == 2
    _one_line_error(capsys.readouterr().err, "rule profile", "--profile auto")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "current").symlink_to("somewhere/else")
    assert main(["query", str(broken), "SELECT 1"]) == 2
    _one_line_error(capsys.readouterr().err, "not to a jixiao version")


def test_every_dataset_error_message_is_chinese_and_english() -> None:
    """Each ``DatasetError(...)`` written in the code: its message has Chinese, then " — ", then
    English (what the CLI prints as its one line)."""
    import ast

    found = 0
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DatasetError"):
                continue
            found += 1
            literal = "".join(
                part.value
                for arg in node.args
                for part in ast.walk(arg)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            at = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert " — " in literal, at
            zh, en = literal.split(" — ", 1)
            assert CJK.search(zh) and re.search(r"[A-Za-z]{3,}", en), at
    assert found >= 10
