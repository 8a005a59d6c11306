"""A share of the variants printed to PDF by LibreOffice (benchmark only: CI has no LibreOffice).

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
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    if not docs:
        return {}
    with tempfile.TemporaryDirectory(prefix="jixiao-generalize-") as tmp:
        src = Path(tmp)
        for name, data in docs.items():
            (src / f"{name}.docx").write_bytes(data)
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{src}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(src / "pdf"),
                *sorted(str(p) for p in src.glob("*.docx")),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return {name: (src / "pdf" / f"{name}.pdf").read_bytes() for name in docs}
