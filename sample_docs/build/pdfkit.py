"""A small kit for the sample PDFs (used by ``export_pdf.py`` and ``pdf_variants.py``).

``convert`` runs LibreOffice headless (``soffice --convert-to pdf``) in a throw-away user profile,
so it works while another LibreOffice is open, with ``fonts.conf`` pinning the 宋体 substitute.
``save_reproducible`` rewrites a PDF with pikepdf so that exporting twice gives the same bytes:
no creation/modification dates (document info and XMP), no LibreOffice ``/DocChecksum`` and a
fixed ``/ID`` derived from the file's name.

LibreOffice is needed only to *make* the PDFs; they are committed, and tests only read them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf

HERE = Path(__file__).resolve().parent
SAMPLES_DIR = HERE.parent
FONTS_CONF = HERE / "fonts.conf"

#: Document-info keys that change on every export.
_DATE_KEYS = ("/CreationDate", "/ModDate")
#: Trailer keys that change on every export (LibreOffice's /DocChecksum hashes the export time too).
_TRAILER_KEYS = ("/DocChecksum",)
#: XMP properties that change on every export (LibreOffice writes XMP only for PDF/A, Pillow never:
#: removed wherever they appear).
_XMP_DATE_KEYS = ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate")


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise SystemExit(
            "LibreOffice (soffice) is needed to export the sample PDFs: apt-get install libreoffice-writer "
            "libreoffice-calc fonts-noto-cjk poppler-utils"
        )
    return exe


def convert(sources: list[Path], out_dir: Path, *, target: str = "pdf") -> list[Path]:
    """``soffice --headless --convert-to pdf`` for every source, into ``out_dir``; the PDFs' paths.

    One LibreOffice process per document: the Type 1 font subsets it embeds are numbered
    (``/UniqueID``) by a counter that runs over a whole process, so a batch conversion would make
    a PDF's bytes depend on which documents were converted before it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), LC_ALL="C.UTF-8", TZ="UTC")
    outputs = []
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as profile:
        for source in sources:
            cmd = [
                soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                str(source),
            ]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
            pdf = out_dir / f"{source.stem}.{target.split(':', 1)[0]}"
            if proc.returncode != 0 or not pdf.exists():
                raise SystemExit(
                    f"soffice could not convert {source.name} (exit {proc.returncode}):\n{proc.stderr}"
                )
            outputs.append(pdf)
    return outputs


def fixed_id(name: str) -> bytes:
    """A 16-byte /ID that depends only on the sample's name."""
    return hashlib.md5(f"jixiao sample_docs/{name}".encode(), usedforsecurity=False).digest()


def strip_dates(pdf: pikepdf.Pdf) -> None:
    for key in _DATE_KEYS:
        if key in pdf.docinfo:
            del pdf.docinfo[key]
    for key in _TRAILER_KEYS:
        if key in pdf.trailer:
            del pdf.trailer[key]
    if "/Metadata" in pdf.Root:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            for key in _XMP_DATE_KEYS:
                if key in meta:
                    del meta[key]


def save_reproducible(pdf: pikepdf.Pdf, path: Path, **save_options: object) -> None:
    """Save without dates and with a fixed /ID, so the same input always gives the same bytes."""
    strip_dates(pdf)
    ident = pikepdf.String(fixed_id(path.name))
    pdf.trailer.ID = pikepdf.Array([ident, ident])
    options: dict[str, object] = {
        # qpdf keeps the first /ID string set above and writes a constant second one instead of
        # mixing in the time (its deterministic_id mode hashes the input file, /ID included)
        "static_id": True,
        "object_stream_mode": pikepdf.ObjectStreamMode.generate,
        "compress_streams": True,
    }
    options.update(save_options)
    tmp = path.with_name(path.name + ".tmp")
    pdf.save(tmp, **options)  # type: ignore[arg-type]
    tmp.replace(path)


def normalise(src: Path, dst: Path) -> Path:
    """``src`` (a fresh LibreOffice export) saved reproducibly as ``dst``."""
    with pikepdf.open(src) as pdf:
        save_reproducible(pdf, dst)
    return dst
