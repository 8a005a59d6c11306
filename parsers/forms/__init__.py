"""Form understanding: a ``RawDocument`` → the 项目支出绩效自评表 in it.

``layout`` turns tables into rows with grid occupancy, ``segment`` cuts the document into forms
and sibling parts, ``vocab`` looks printed labels up in ``schemas``' vocabulary, ``match`` reads a
form's blocks, ``words`` segments Chinese text (jieba). Everything is found by printed labels,
never by position; nothing here knows the scoring rules.
"""

from __future__ import annotations

from parsers.forms.match import match_form
from parsers.forms.segment import FORM, classify, segments, skipped_part
from schemas.records import Form, RawDocument, SkippedPart


def read_forms(doc: RawDocument) -> tuple[list[Form], list[SkippedPart]]:
    """The document's forms in order, and the parts that are not forms (with why)."""
    forms: list[Form] = []
    skipped: list[SkippedPart] = []
    for seg in segments(doc):
        kind = classify(seg)
        if kind != FORM:
            skipped.append(skipped_part(seg, kind))
            continue
        forms.append(match_form(seg, len(forms)))
    return forms, skipped
