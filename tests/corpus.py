"""Distinct real forms in bulk for batch tests: sample .docx files with a numbered project name
written into word/document.xml (same structure, distinct bytes and sha256)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLES

sys.path.insert(0, str(ROOT / "sample_docs" / "build"))
from docxkit import replace_in_document

STAMPED = {
    "clean_form_no_findings.docx": "农村公路养护工程补助资金",
    "seed_datong_2021.docx": "大同市建设工程事务中心经费",
    "rule_violations_indicators.docx": "智慧政务平台运维服务",
}


def build_two(first: Path, second: Path, n_first: int, n_second: int) -> tuple[list[Path], list[Path]]:
    """Distinct forms in two folders (two nights' submissions): none of ``second`` repeats one
    of ``first``."""
    paths = build(first, n_first + n_second)
    second.mkdir(parents=True, exist_ok=True)
    moved = [p.rename(second / p.name) for p in paths[n_first:]]
    return paths[:n_first], moved


def build(out: Path, n: int) -> list[Path]:
    """``n`` distinct one-form .docx files in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    sources = [(SAMPLES / name).read_bytes() for name in STAMPED]
    names = list(STAMPED.values())
    paths = []
    for i in range(n):
        k = i % len(sources)
        path = out / f"提交_{i:04d}.docx"
        path.write_bytes(replace_in_document(sources[k], names[k], f"{names[k]}{i:04d}"))
        paths.append(path)
    return paths
