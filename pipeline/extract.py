"""One source's bytes → ``SourceResult``: parse, segment, match, check. Pure; no I/O.

Bad input (``InputError``) becomes a ``failed`` result with the error's code and message; any
other exception is an internal defect, recorded with code ``internal`` unless ``fail_fast``.
"""

from __future__ import annotations

import logging

from parsers.base import ParseOptions
from parsers.registry import PARSERS
from pipeline.checks import check_form
from pipeline.match import match_form
from pipeline.segment import FORM, classify, segments, skipped_part
from schemas.errors import InputError
from schemas.records import CheckedForm, RawDocument, SkippedPart, Source, SourceResult, SourceStatus
from schemas.rules import Profile

log = logging.getLogger(__name__)


def forms_of(doc: RawDocument, profile: Profile) -> tuple[list[CheckedForm], list[SkippedPart]]:
    forms: list[CheckedForm] = []
    skipped: list[SkippedPart] = []
    for seg in segments(doc):
        kind = classify(seg)
        if kind != FORM:
            skipped.append(skipped_part(seg, kind))
            continue
        form = match_form(seg, len(forms))
        forms.append(CheckedForm(form, check_form(form, profile)))
    return forms, skipped


def extract(
    source: Source, data: bytes, profile: Profile, options: ParseOptions, *, fail_fast: bool = False
) -> SourceResult:
    parser = PARSERS.get(source.format)
    if parser is None:
        return SourceResult(source, "failed", "unsupported_format", f"no parser for format {source.format!r}")
    try:
        doc = parser(data, options)
        forms, skipped = forms_of(doc, profile)
    except InputError as e:
        if fail_fast:
            raise
        return SourceResult(source, "failed", e.code, str(e))
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
