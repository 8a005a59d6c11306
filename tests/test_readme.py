"""The README's claims about the demo, checked against a real run of the Makefile's command: the
summary it shows, line by line (the seconds aside), and the progress line counting the same
files."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
SECONDS = re.compile(r" in \d+\.\d s →")


def _demo_arguments() -> list[str]:
    """What `make demo` passes to jixiao ingest before --out (the recipe's continuation joined)."""
    recipe = MAKEFILE.split("\ndemo:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    found = re.search(r"\$\(BIN\)/jixiao ingest (.+?) --out \$\(OUT\)", recipe)
    assert found, recipe
    return shlex.split(found.group(1))


def _readme_summary() -> list[str]:
    found = re.search(r"```text\n(jixiao ingest: .*?)```", README, re.DOTALL)
    assert found, "the README shows the demo's summary"
    return found.group(1).splitlines()


def test_the_demo_summary_is_the_readmes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _demo_arguments()
    assert args[0] == "sample_docs" and "--exclude" in args
    out = tmp_path / "demo"
    cwd = os.getcwd()
    os.chdir(ROOT)  # the paths in the summary are as the Makefile gives them: sample_docs/…
    try:
        code = main(["ingest", *args, "--out", str(out), "--workers", "2"])
    finally:
        os.chdir(cwd)
    assert code == 1  # done, some files failed: what the Makefile's `|| [ $? -eq 1 ]` expects
    captured = capsys.readouterr()
    shown = [
        SECONDS.sub(" in 15.0 s →", line).replace(str(out), "out/demo") for line in captured.out.splitlines()
    ]
    assert shown == [SECONDS.sub(" in 15.0 s →", line) for line in _readme_summary()]
    # the progress line counts the files the summary counts
    files = int(re.match(r"jixiao ingest: (\d+) files", shown[0]).group(1))  # type: ignore[union-attr]
    progress = [line for line in captured.err.splitlines() if line.startswith("ingest: ")]
    assert progress and progress[-1].startswith(f"ingest: {files}/{files} files (100%)")
    assert f"({files} files:" in README.replace("\n", " ") or f"{files} files" in README
    # only documents: no builder script, golden file or README became a sources row
    assert "not_a_document" not in captured.out


def test_the_readme_cites_files_that_exist() -> None:
    for doc in ("README.md", "sample_docs/README.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "RULES.md" not in text, doc  # the domain reference is not in the repo: docs/rules.md is
        for target in re.findall(r"\]\(((?:\.\./)?docs/[^)#]+)", text):
            assert (ROOT / doc).parent.joinpath(target).resolve().is_file(), (doc, target)
