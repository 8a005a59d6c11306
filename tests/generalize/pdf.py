"""A share of the variants printed to PDF, and a share of the workbooks saved as Excel 97 (.xls), by
LibreOffice (benchmark only: CI has no LibreOffice Calc, and printing takes minutes).

One ``soffice`` call converts many files, with a profile directory of its own
(``-env:UserInstallation``) so that it neither meets a running LibreOffice nor leaves settings in
the user's home.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def cjk_font() -> bool:
    """True when fontconfig knows a Chinese font: without one LibreOffice prints the forms' text as
    boxes and every printed variant is skipped as no form (a benchmark of nothing)."""
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def to_pdf(docs: dict[str, bytes], timeout: int = 1800) -> dict[str, bytes]:
    """``{name: docx bytes}`` → ``{name: pdf bytes}`` (names are file stems); needs ``soffice``."""
    return convert(docs, "docx", "pdf", timeout)


def to_xls(books: dict[str, bytes], timeout: int = 1800) -> dict[str, bytes]:
    """``{name: xlsx bytes}`` → ``{name: xls bytes}`` (BIFF8, as Excel 97–2003 saves); needs
    ``soffice`` with Calc (``make calc``)."""
    return convert(books, "xlsx", "xls:MS Excel 97", timeout)


def convert(files: dict[str, bytes], suffix: str, target: str, timeout: int) -> dict[str, bytes]:
    """One ``soffice --convert-to`` over all the files; ``target`` is LibreOffice's filter spec."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: make libreoffice (make calc for .xls)")
    if not files:
        return {}
    out_suffix = target.split(":")[0]
    with tempfile.TemporaryDirectory(prefix="jixiao-generalize-") as tmp:
        src = Path(tmp)
        for name, data in files.items():
            (src / f"{name}.{suffix}").write_bytes(data)
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{src}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(src / "out"),
                *sorted(str(p) for p in src.glob(f"*.{suffix}")),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        missing = [name for name in files if not (src / "out" / f"{name}.{out_suffix}").exists()]
        if missing:
            raise RuntimeError(
                f"LibreOffice converted {len(files) - len(missing)} of {len(files)} files to {out_suffix}"
                + (": is Calc installed? (make calc)" if out_suffix == "xls" else "")
            )
        return {name: (src / "out" / f"{name}.{out_suffix}").read_bytes() for name in files}
