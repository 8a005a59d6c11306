"""Export the sample Word documents to PDF (run: ``make pdfs``, after ``make samples``).

Every ``sample_docs/*.docx`` (except ``broken_truncated_upload.docx``, which is not a valid .docx)
becomes ``sample_docs/<same stem>.pdf``, printed by LibreOffice Writer the way a submitter's
"export as PDF" prints it; the .docx and its .pdf share one golden file. Then
``pdf_variants.py`` makes the PDF-only samples (scan, rotated page, spreadsheet export, …).

Needs LibreOffice, poppler-utils and the Noto CJK fonts; CI does not: the PDFs are committed and
tests only read them. The output is reproducible (see ``pdfkit.save_reproducible``): exporting
twice on the same machine gives the same bytes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES_DIR = HERE.parent
sys.path.insert(0, str(HERE))

import pdf_variants  # noqa: E402
from pdfkit import convert, normalise  # noqa: E402

#: Samples that are not valid Word documents, so there is nothing to print.
NOT_EXPORTED = {"broken_truncated_upload"}


def word_samples(names: list[str] | None = None) -> list[Path]:
    docs = sorted(p for p in SAMPLES_DIR.glob("*.docx") if p.stem not in NOT_EXPORTED)
    return [p for p in docs if not names or p.stem in names]


def export(names: list[str] | None = None) -> list[Path]:
    sources = word_samples(names)
    if not sources:
        return []
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        raw = convert(sources, Path(tmp))
        return [normalise(pdf, SAMPLES_DIR / pdf.name) for pdf in raw]


def main(argv: list[str] | None = None) -> int:
    names = list(argv if argv is not None else sys.argv[1:]) or None
    written = export(names)
    written += pdf_variants.build(SAMPLES_DIR, names)
    for path in written:
        print(path.relative_to(SAMPLES_DIR.parent), f"{path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
