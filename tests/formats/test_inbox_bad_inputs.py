"""The rest of the inbox in one nightly run: spreadsheets and legacy Word read by what they are,
whatever their names; a corrupt, a password-protected, a 50 MB noise and a zip-bomb spreadsheet
each get a sources row with the reason; the batch goes on and memory stays bounded."""

from __future__ import annotations

import io
import os
import random
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.dataset.writer import Dataset
from tests.conftest import ROOT, SAMPLES

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook(sheet: bytes | None, *, size: int = 0, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook around one sheet part: ``sheet`` itself, or ``size`` bytes of noise cells."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        z.writestr(
            "xl/workbook.xml",
            b"<workbook " + NS + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b"<worksheet " + NS + b"><sheetData>")
            if sheet is not None:
                part.write(sheet)
            rng = random.Random(12)
            written, r = 0, 0
            while written < size:
                r += 1
                row = b'<row r="%d">' % r + b"".join(
                    b'<c r="%s%d"><v>%.6f</v></c>' % (col, r, rng.random() * 1e6) for col in (b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H")
                ) + b"</row>"
                part.write(row)
                written += len(row)
            part.write(b"</sheetData></worksheet>")
    return buf.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"), reason="needs LibreOffice")
def test_the_inbox_every_file_accounted_for_memory_bounded(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    expect: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, status: str, code: str = "") -> None:
        (inbox / name).write_bytes(data)
        expect[name] = (status, code)

    put("农村饮水.xlsx", (SAMPLES / "pdf_spreadsheet_export.xlsx").read_bytes(), "ok")
    put("其实是xlsx.xls", (SAMPLES / "seed_datong_2021.xlsx").read_bytes(), "ok")  # named .xls, read as .xlsx
    put("WPS文档.txt", (SAMPLES / "real_004_yongde_2022.wps").read_bytes(), "ok")  # a WPS file named anything
    put("老版本.docx", (SAMPLES / "seed_datong_2021.doc").read_bytes(), "ok")  # a .doc named .docx
    put("表格.et", (SAMPLES / "clean_form_no_findings.et").read_bytes(), "ok")
    put("损坏.xlsx", (SAMPLES / "sheet_truncated_upload.xlsx").read_bytes(), "failed", "corrupt")
    put("加密.xlsx", (SAMPLES / "sheet_password_protected.xlsx").read_bytes(), "failed", "encrypted")
    put("加密.xls", (SAMPLES / "sheet_password_protected.xls").read_bytes(), "failed", "encrypted")
    put("加密.doc", (SAMPLES / "doc_password_protected.doc").read_bytes(), "failed", "encrypted")
    noise = _workbook(None, size=52 << 20, compress=zipfile.ZIP_STORED)
    assert len(noise) > 50 << 20
    put("噪声50MB.xlsx", noise, "failed", "resource_limit")
    put("压缩炸弹.xlsx", _workbook(b"<row/>" * 5_000_000), "failed", "resource_limit")
    out = tmp_path / "ds"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(inbox), "--out", str(out)]
    cmd += ["--workers", "2", "--timeout", "120", "--memory-mb", "1024"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # done, some files failed
    rows = {os.path.basename(r["source_path"]): r for r in Dataset(out).read("sources").to_pylist()}
    got = {name: (r["status"], r["error_code"] or "") for name, r in rows.items()}
    assert got == expect
    assert all(r["error"] for r in rows.values() if r["status"] != "ok")  # a reason for each
    assert "too large to be a form" in rows["噪声50MB.xlsx"]["error"]
    assert "zip bomb" in rows["压缩炸弹.xlsx"]["error"]
    assert any(w.startswith("converted: ") for w in rows["WPS文档.txt"]["warnings"])
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert peak_mb < 1024  # no process (parsing child or LibreOffice) went past its cap
