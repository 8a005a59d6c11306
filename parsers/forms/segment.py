"""A document → the forms in it (and the sibling forms and other tables that are not forms).

A segment starts at a title (a short paragraph or table row naming a form, e.g.
"项目支出绩效自评表"), or at a 项目名称 row that comes after the current form already has its
header or indicators (two untitled forms in a row). Everything up to the next start belongs to
the segment, across table boundaries, so a form split over several Word tables stays one form.
Segments without any table rows (a cover page, a title above a 填表说明 list) are dropped.

A segment titled as a sibling (部门整体支出绩效自评表, 项目绩效目标表, …) is reported as skipped;
an untitled one is classified by its column labels (docs/rules.md#template-variants-and-sibling-forms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.forms import meaning, vocab
from parsers.forms.blocks import indicator_header_at, is_indicator_header
from parsers.forms.columns import band_rows
from parsers.forms.layout import Item, RowView, stream
from parsers.text import label_key
from schemas.records import Paragraph, RawDocument, SkippedPart

FORM = "form"


@dataclass(slots=True)
class Segment:
    kind: str
    title: str | None
    items: list[Item] = field(default_factory=list)
    preamble: list[Paragraph] = field(default_factory=list)
    has_rows: bool = False
    has_project_name: bool = False
    has_indicator_header: bool = False

    def add(self, item: Item) -> None:
        self.items.append(item)
        if isinstance(item, RowView):
            self.has_rows = self.has_rows or bool(item.cells)
            if any(meaning.header_field(key) == "project_name" for key in item.keys):
                self.has_project_name = True
            if is_indicator_header(item):
                self.has_indicator_header = True


def _row_title(row: RowView) -> tuple[str, str] | None:
    """A table row that is a title: few filled cells, one of them a title."""
    filled = row.non_empty()
    if not filled or len(filled) > 3:
        return None
    for cell, key in filled:
        kind = vocab.title_kind(key)
        if kind is not None:
            return kind, cell.text
    return None


def segments(doc: RawDocument) -> list[Segment]:
    out: list[Segment] = []
    current: Segment | None = None
    loose: list[Paragraph] = []  # paragraphs before any segment ("附件1", a cover page)

    def start(kind: str, title: str | None) -> Segment:
        nonlocal current, loose
        if current is not None and not current.has_rows:
            # A title with no rows yet: a cover page or a repeated title. A form or sibling title
            # replaces it; a generic table title does not.
            if kind == vocab.OTHER_TABLE and current.kind != vocab.OTHER_TABLE:
                return current
            out.remove(current)
            loose = [*current.preamble, *[i for i in current.items if isinstance(i, Paragraph)]]
        seg = Segment(kind, title, preamble=loose)
        loose = []
        out.append(seg)
        current = seg
        return seg

    for item in stream(doc):
        if isinstance(item, Paragraph):
            kind = vocab.title_kind(label_key(item.text))
            if kind is not None:
                start(kind, item.text)
            elif current is not None:
                current.add(item)
            else:
                loose.append(item)
            continue
        titled = _row_title(item)
        if titled is not None:
            start(*titled)
        elif current is None or (
            current.kind == FORM
            and any(meaning.header_field(k) == "project_name" for k in item.keys)
            and (current.has_project_name or current.has_indicator_header)
        ):
            start(FORM, None)
        assert current is not None
        current.add(item)
    return [s for s in out if s.has_rows]


def classify(seg: Segment) -> str:
    """The segment's kind after looking at its columns: ``form`` or why it is not a form."""
    if seg.kind != FORM:
        return seg.kind
    rows = [item for item in seg.items if isinstance(item, RowView)]
    labels = {k for row in rows for k in row.keys if k}
    cols: set[str | None] = set()  # what the indicator header bands name
    for i, _ in enumerate(rows):
        if indicator_header_at(rows, i):
            for band_row in rows[i : i + band_rows(rows, i, meaning.indicator_field)]:
                cols |= {meaning.indicator_field(k) for k in band_row.keys if k}
    if any(vocab.is_monitoring_column(k) for k in labels):
        return "绩效运行监控表"
    has_actual, has_score = "actual" in cols, "score" in cols
    if any(vocab.is_framework_column(k) for k in labels) and not has_actual:
        return "绩效评价指标体系评分表"
    if "level1" in cols or "level3" in cols:
        if not has_actual and not has_score:
            return "项目绩效目标表"
        return FORM
    if any(meaning.fund_field(k) == "executed" for k in labels) and seg.has_project_name:
        return FORM  # a form whose indicator table is missing: mapped, and reported as partial
    return vocab.OTHER_TABLE


def skipped_part(seg: Segment, kind: str) -> SkippedPart:
    if kind == vocab.OTHER_TABLE:
        reason = "a table that is not a 项目支出绩效自评表 (no 一级/二级/三级指标 with 实际完成值 and 得分)"
    else:
        reason = f"a {kind}, not a 项目支出绩效自评表"
    return SkippedPart(kind, seg.title, reason)
