"""Frozen records passed between the stages.

Data flow: ``Source`` → ``RawDocument`` (tables of cells with spans) → ``Form`` (+ match warnings)
→ ``CheckedForm`` (findings, totals) → ``SourceResult`` → rows (``SourceRow`` and the form tables)
→ writer.

Every extracted field keeps the text it was read from and the cell it came from (``CellRef``), so
an auditor can trace any number back to the page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeVar, dataclass_transform

_R = TypeVar("_R")


@dataclass_transform(frozen_default=True)
def record(cls: type[_R]) -> type[_R]:
    """A record: a frozen, slotted dataclass whose ``__init__`` stores each field through its slot.

    The ``__init__`` that ``dataclass(frozen=True)`` writes sets each field with
    ``object.__setattr__``, twice the cost of the slot's own setter: ~2 µs for a ``Cell``, and a
    spreadsheet form makes several hundred records (3.9 % of an ingest's instructions, counted with
    callgrind). Instances are as frozen as before (assigning a field raises
    ``FrozenInstanceError``); ``dataclasses.replace``, ``fields`` and equality work as for any
    dataclass. Fields need plain defaults (no ``default_factory``, no ``__post_init__``)."""
    made: Any = dataclasses.dataclass(frozen=True, slots=True)(cls)
    if hasattr(made, "__post_init__"):
        raise TypeError(f"record {made.__name__}: __post_init__ is not run by the record __init__")
    names: dict[str, Any] = {}
    params, body = [], []
    for i, f in enumerate(dataclasses.fields(made)):
        if f.default_factory is not dataclasses.MISSING or not f.init or f.kw_only:
            raise TypeError(f"record {made.__name__}.{f.name}: only plain fields with plain defaults")
        names[f"_set{i}"] = made.__dict__[f.name].__set__  # the slot's member descriptor
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            names[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        body.append(f"    _set{i}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"]) + "\n"
    exec(source, names)  # as dataclasses itself makes __init__: from source, once per class
    init = names["__init__"]
    init.__qualname__ = f"{made.__qualname__}.__init__"
    init.__doc__ = made.__init__.__doc__
    made.__init__ = init
    return made  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# Raw document structure (what a parser produces; knows nothing of forms or rules)
# --------------------------------------------------------------------------------------------


@record
class BBox:
    """A box on a PDF page, in PDF points, origin top-left (pdfplumber's convention)."""

    x0: float
    top: float
    x1: float
    bottom: float


@record
class Cell:
    """One table cell, emitted once however many grid positions it covers.

    ``row``/``col`` are the top-left grid position; ``text`` is the cell text after
    :func:`parsers.text.clean_text` (layout whitespace removed, characters as printed).
    ``extent`` is the cell's horizontal extent across its table in points (Word: from the
    ``w:tblGrid`` column widths; PDF: the cell box; spreadsheets: the column widths), what
    columns are matched by when a grid index does not line up with the header's. ``confidence``
    is the recognition confidence of OCR'd text (0–1; None for text read from a text layer).
    ``stored`` is what a spreadsheet cell holds where that differs from the text it displays
    (0.94 shown as "94%", 1009.856 as "1009.86", a formula without a saved result); None when
    the text is all there is (Word, PDF).
    """

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str = ""
    page: int | None = None
    bbox: BBox | None = None
    extent: tuple[float, float] | None = None
    confidence: float | None = None
    stored: str | None = None


@record
class Table:
    index: int
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    page: int | None = None
    nested_in: int | None = None


@record
class Paragraph:
    index: int
    text: str
    page: int | None = None


Block = Paragraph | Table


@record
class RawDocument:
    format: str
    blocks: tuple[Block, ...]
    n_pages: int | None = None
    warnings: tuple[str, ...] = ()
    #: PDF pages without usable text (scans, unmapped glyphs): their content needs OCR.
    ocr_pages: tuple[int, ...] = ()
    #: OCR'd text the table grid could not place in one cell: (page, text), for review.
    unplaced: tuple[tuple[int, str], ...] = ()
    #: Pages read by OCR (scans, images).
    ocr_read: tuple[int, ...] = ()

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))


# --------------------------------------------------------------------------------------------
# Parsed values
# --------------------------------------------------------------------------------------------

ValueKind = Literal["blank", "number", "range", "text"]


@record
class Quantity:
    """A target or actual value as written: ``≥50个`` → op ``≥``, value 50, unit ``个``.

    ``kind`` is ``blank`` for an empty or placeholder cell, ``text`` for qualitative wording
    (value is None), ``range`` for "1-12月" (value 1, value_max 12).
    """

    kind: ValueKind
    op: str | None = None
    value: Decimal | None = None
    value_max: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.kind == "number" and self.value is not None


BLANK = Quantity("blank")


@record
class CellRef:
    """Where a value was read: the table (document order), grid row/col, and for PDF page + box."""

    table: int
    row: int
    col: int
    page: int | None = None
    bbox: BBox | None = None


Refs = tuple[tuple[str, CellRef], ...]


# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------

#: What a cell of a form is, as the reader understood it (``cells.role``).
CellRoleKind = Literal["label", "value", "title", "note", "placeholder", "unread"]


@record
class CellRole:
    """The role of one non-empty cell of a form: a label (of which field), a value (which
    ``table.field`` it was read into), a title or note, a template placeholder, or ``unread``
    with the reason (in Chinese). Every non-empty cell of a form's region gets one."""

    role: CellRoleKind
    field: str | None = None
    reason: str | None = None


FundLineKind = Literal["total", "fiscal", "carryover", "other"]


@record
class FundLine:
    line: FundLineKind
    line_seq: int
    label_raw: str
    budget_initial: Decimal | None = None
    budget_full_year: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    rate_reported: Decimal | None = None
    budget_initial_raw: str | None = None
    budget_full_year_raw: str | None = None
    executed_raw: str | None = None
    weight_raw: str | None = None
    score_raw: str | None = None
    rate_raw: str | None = None
    refs: Refs = ()

    @property
    def rate_computed(self) -> Decimal | None:
        """全年执行数 ÷ 全年预算数, exact; None when either is missing or the budget is 0."""
        if self.executed is None or self.budget_full_year is None or self.budget_full_year == 0:
            return None
        return self.executed / self.budget_full_year


#: Derived ratios are stored with 6 decimals (``schemas.tables.RATIO``), rounded half-up.
RATIO_PLACES = Decimal("0.000001")


def stored_ratio(ratio: Decimal | None) -> Decimal | None:
    """A derived ratio as the dataset stores it (one rounding for every table)."""
    return None if ratio is None else ratio.quantize(RATIO_PLACES, ROUND_HALF_UP)


@record
class Indicator:
    seq: int
    level1: str | None
    level2: str | None
    level3: str | None
    level1_raw: str | None = None
    level2_raw: str | None = None
    level3_raw: str | None = None
    level1_points: Decimal | None = None
    target_raw: str | None = None
    actual_raw: str | None = None
    target: Quantity = BLANK
    actual: Quantity = BLANK
    weight: Decimal | None = None
    score: Decimal | None = None
    weight_raw: str | None = None
    score_raw: str | None = None
    deviation_note: str | None = None
    nature_raw: str | None = None
    unit_raw: str | None = None
    target_note: str | None = None
    refs: Refs = ()


@record
class Form:
    form_index: int
    year: int | None = None
    title_raw: str | None = None
    project_name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    money_unit: str | None = None
    money_unit_raw: str | None = None
    goal_expected: str | None = None
    goal_actual: str | None = None
    funds: tuple[FundLine, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    total_weight_reported: Decimal | None = None
    total_score_reported: Decimal | None = None
    total_weight_raw: str | None = None
    total_score_raw: str | None = None
    grade_reported: str | None = None
    indicator_columns: tuple[str, ...] = ()
    refs: Refs = ()
    warnings: tuple[str, ...] = ()
    #: The cells of the table rows the form occupies: (table index, cell), in reading order.
    cells: tuple[tuple[int, Cell], ...] = ()
    #: The role of each non-empty cell, by (table, row, col).
    cell_roles: tuple[tuple[tuple[int, int, int], CellRole], ...] = ()
    #: Whether the reader is not sure of what it read, and why (Chinese, one reason per line).
    needs_review: bool = False
    review_reasons: tuple[str, ...] = ()
    #: The template recognised from the printed labels (national, hubei, sichuan, yunnan).
    template: str = "national"

    @property
    def total_line(self) -> FundLine | None:
        return next((f for f in self.funds if f.line == "total"), None)


@record
class SkippedPart:
    """A part of a document that is not a project self-evaluation form (and why)."""

    kind: str
    title: str | None
    reason: str

    def describe(self) -> str:
        """As ``sources.skipped_parts`` lists it: "kind 《title》: reason"."""
        return f"{self.kind}{f' 《{self.title}》' if self.title else ''}: {self.reason}"


# --------------------------------------------------------------------------------------------
# Checks and results
# --------------------------------------------------------------------------------------------

Severity = Literal["error", "warning"]


@record
class Finding:
    rule_id: str
    severity: Severity
    message: str
    indicator_seq: int | None = None
    fund_line: str | None = None
    fund_line_seq: int | None = None
    fields: tuple[str, ...] = ()
    expected: Decimal | None = None
    actual: Decimal | None = None
    refs: Refs = ()


#: ``missing``: a file an earlier run read that is gone from the inputs (its rows are kept until
#: ``ingest --prune``).
SourceStatus = Literal["ok", "partial", "failed", "skipped", "missing"]


@record
class Source:
    path: str
    sha256: str
    size: int
    format: str


@record
class Totals:
    """What the checks derive from a form (stored in ``forms``): execution line, sums, grade."""

    exec_weight: Decimal | None
    exec_score: Decimal | None
    exec_rate_computed: Decimal | None
    indicator_weights: Decimal
    indicator_scores: Decimal
    total_weight_computed: Decimal | None
    total_score_computed: Decimal | None
    grade_computed: str | None


@record
class CheckedForm:
    form: Form
    findings: tuple[Finding, ...]
    totals: Totals
    #: The name of the rule profile the form was checked under.
    profile: str


@record
class SourceResult:
    source: Source
    status: SourceStatus
    error_code: str | None = None
    error: str | None = None
    forms: tuple[CheckedForm, ...] = ()
    skipped: tuple[SkippedPart, ...] = ()
    warnings: tuple[str, ...] = ()
    n_pages: int | None = None
    duplicate_of: str | None = None


@record
class SourceRow:
    """One input file's row in ``sources``: what happened to it. Built here, for parsed files
    (``of_result``) and for files decided without parsing (skipped, duplicate, unreadable) alike."""

    source_path: str
    source_sha256: str | None
    format: str
    size_bytes: int | None
    status: SourceStatus
    error_code: str | None = None
    error: str | None = None
    forms_found: int = 0
    skipped_parts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    n_pages: int | None = None
    duplicate_of: str | None = None
    #: Runs in a row that parsed these bytes (None: decided without parsing). The retry policy
    #: (``schemas.statuses``) retries a timeout once: when this is 1.
    attempts: int | None = None
    #: A resubmission (same path, new bytes): the sha256 of the bytes these replaced.
    replaced_sha256: str | None = None
    #: A ``missing`` file: the status it had when it was last seen (its rows are kept when that
    #: was ok or partial).
    last_status: SourceStatus | None = None

    @staticmethod
    def of_result(result: SourceResult) -> SourceRow:
        src = result.source
        return SourceRow(
            source_path=src.path,
            source_sha256=src.sha256 or None,
            format=src.format,
            size_bytes=src.size,
            status=result.status,
            error_code=result.error_code,
            error=result.error,
            forms_found=len(result.forms),
            skipped_parts=tuple(p.describe() for p in result.skipped),
            warnings=result.warnings,
            n_pages=result.n_pages,
            duplicate_of=result.duplicate_of,
            attempts=1,
        )

    @property
    def ingested(self) -> bool:
        """Whether the file's forms are in the dataset under its own sha256."""
        status = self.last_status if self.status == "missing" else self.status
        return status in ("ok", "partial") and self.duplicate_of is None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @staticmethod
    def from_dict(row: dict[str, Any]) -> SourceRow:
        values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(SourceRow)}
        values["skipped_parts"] = tuple(values["skipped_parts"] or ())
        values["warnings"] = tuple(values["warnings"] or ())
        return SourceRow(**values)
