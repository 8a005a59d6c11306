"""One file → ``SourceResult``: read, tell the format, parse, read the forms, check them.

Used by the batch jobs (in a worker, one file at a time) and by ``jixiao show``; writes nothing.
Bad input (``InputError``) becomes a ``failed`` result with the error's code and message; nesting
past Python's recursion limit is a ``resource_limit``; ``MemoryError`` is left to the caller, who
knows the memory cap; any other exception is an internal defect, recorded with code
``internal`` unless ``fail_fast`` (the parsers turn what a malformed file raises into
``CorruptDocument`` themselves).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

from parsers.formats.base import ParseOptions, Services
from parsers.formats.registry import PARSERS
from parsers.forms import read_forms
from parsers.forms.accounting import ocr_review
from pipeline.checks import check_form
from schemas.errors import InputError, ResourceLimit
from schemas.profiles import Profile, profile_for
from schemas.records import CheckedForm, RawDocument, SkippedPart, Source, SourceResult, SourceStatus

log = logging.getLogger(__name__)

#: What to tell the user for each format jixiao does not read.
UNSUPPORTED = {
    "empty": "the file is empty (0 bytes)",
    "ppt": "a PowerPoint file, not a Word/PDF form",
    "pptx": "a PowerPoint file (.pptx), not a Word/PDF form",
    "encrypted-office": "a password-protected Office document: remove the password and submit again",
    "ole": "an OLE compound file that is neither a Word document nor an Excel/WPS workbook",
    "word-xml": "a Word 2003 XML file: save it as .docx and submit again",
    "html": "a web page (Word 'save as HTML'?), not a .docx/PDF",
    "zip": "a zip archive that is not a Word document: unpack it and ingest its files",
    "gif": "a GIF image: save the scan or photo as PNG, JPEG or PDF and submit again",
    "unknown": "not a document (neither Word, WPS, PDF nor a spreadsheet by its content)",
}
#: Formats that are not submissions at all (notes, scripts, checksums): skipped, not failed.
NOT_DOCUMENTS = frozenset({"unknown"})


#: Formats jixiao parses.
PARSEABLE = frozenset(PARSERS)
#: Extensions that say "this is a submission" (used only to word the error, never to pick a parser).
DOCUMENT_EXTENSIONS = frozenset(
    {".docx", ".doc", ".pdf", ".wps", ".docm", ".dotx", ".rtf", ".odt"}
    | {".xlsx", ".xlsm", ".xls", ".et", ".ods"}
    | {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif"}
)


def refusal(path: str, fmt: str) -> tuple[SourceStatus, str, str] | None:
    """(status, code, reason) for a file that is not parsed, judged by its content; None to parse.

    A file named like a submission whose content is no document (random bytes, a zip without
    word/document.xml) is a damaged upload, ``failed``; a note or a script is ``skipped``; a
    document in another format is ``failed`` with what to do about it.
    """
    if fmt in PARSEABLE:
        return None
    named_like_a_document = os.path.splitext(path)[1].lower() in DOCUMENT_EXTENSIONS
    if fmt == "zip" and named_like_a_document:
        why = (
            "a zip archive that is not a complete Office document "
            "(no word/document.xml or xl/workbook.xml: damaged upload?)"
        )
        return "failed", "corrupt", why
    if fmt in NOT_DOCUMENTS:
        if named_like_a_document:
            return (
                "failed",
                "corrupt",
                "named like a document but its content is neither .docx nor PDF (damaged upload?)",
            )
        return "skipped", "not_a_document", UNSUPPORTED[fmt]
    codes = {"empty": "empty", "encrypted-office": "encrypted"}
    code = codes.get(fmt, "unsupported_format")
    return "failed", code, UNSUPPORTED[fmt]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing files larger than ``max_bytes``."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ResourceLimit(
            f"file is {size // (1 << 20)} MiB, larger than the {max_bytes // (1 << 20)} MiB limit"
        )
    return Path(path).read_bytes()


def forms_of(
    doc: RawDocument, profile: str | Profile, options: ParseOptions | None = None
) -> tuple[list[CheckedForm], list[SkippedPart]]:
    """The document's forms, each checked under ``profile`` — a profile's name, or ``auto``: the
    profile of the template the form was recognised as. Forms read by OCR get the reasons to
    review them that OCR gives (``accounting.ocr_review``: low confidence, unplaced text)."""
    forms, skipped = read_forms(doc)
    threshold = (options or ParseOptions()).ocr_min_confidence
    forms = [ocr_review(form, threshold, doc.unplaced) for form in forms]
    return [check_form(form, profile_for(form.template, profile)) for form in forms], skipped


def extract(
    source: Source,
    data: bytes,
    profile: str,
    options: ParseOptions,
    services: Services | None = None,
    *,
    fail_fast: bool = False,
) -> SourceResult:
    parser = PARSERS.get(source.format)
    if parser is None:
        return SourceResult(source, "failed", "unsupported_format", f"no parser for format {source.format!r}")
    try:
        doc = parser(data, options, services)
        forms, skipped = forms_of(doc, profile, options)
    except InputError as e:
        if fail_fast:
            raise
        return SourceResult(source, "failed", e.code, str(e))
    except MemoryError:
        raise  # a resource limit: the caller knows the cap (``batch.jobs.process``)
    except RecursionError as e:
        if fail_fast:
            raise
        why = f"nested deeper than the parser's recursion limit ({sys.getrecursionlimit()} levels)"
        return SourceResult(source, "failed", "resource_limit", f"{why}: {e}")
    except Exception as e:
        if fail_fast:
            raise
        log.exception("internal error on %s", source.path)
        return SourceResult(source, "failed", "internal", f"internal error ({type(e).__name__}: {e})")
    ocr = (
        f"pages {', '.join(map(str, doc.ocr_pages))} have no usable text and need OCR"
        if doc.ocr_pages
        else None
    )
    if not forms and ocr:
        return SourceResult(source, "failed", "needs_ocr", ocr, warnings=doc.warnings, n_pages=doc.n_pages)
    if not forms and doc.ocr_read:
        # a scan that OCR made no form of may be a form misread (its title, its header): a person
        # looks at it, it is not skipped as a letter would be
        found = "; ".join(s.kind for s in skipped) or "no table with 一级/二级/三级指标"
        why = (
            f"OCR识别后未找到项目支出绩效自评表（{found}），可能识别有误，请人工核对原件"
            f" / read by OCR, but no 项目支出绩效自评表 was recognised ({found}): check the scan"
        )
        return SourceResult(
            source,
            "failed",
            "needs_ocr",
            why,
            skipped=tuple(skipped),
            warnings=doc.warnings,
            n_pages=doc.n_pages,
        )
    if not forms:
        reason = (
            "no 项目支出绩效自评表 in this file; found: " + "; ".join(s.kind for s in skipped)
            if skipped
            else "no 项目支出绩效自评表 in this file (no table with 一级/二级/三级指标 found)"
        )
        return SourceResult(
            source,
            "skipped",
            "no_form",
            reason,
            skipped=tuple(skipped),
            warnings=doc.warnings,
            n_pages=doc.n_pages,
        )
    incomplete = [f.form.form_index for f in forms if not f.form.indicators or not f.form.funds]
    problems = []
    if incomplete:
        problems.append(f"form(s) {', '.join(map(str, incomplete))} lack a funds block or indicator rows")
    if ocr:
        problems.append(ocr)
    status: SourceStatus = "partial" if problems else "ok"
    code = "needs_ocr" if ocr else "incomplete_form" if incomplete else None
    return SourceResult(
        source,
        status,
        code,
        "; ".join(problems) or None,
        forms=tuple(forms),
        skipped=tuple(skipped),
        warnings=doc.warnings,
        n_pages=doc.n_pages,
    )
