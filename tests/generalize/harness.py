"""Read each variant and its plain rendering through the real pipeline and compare them cell by cell.

For each (content, variant): the plain rendering (the content in the national template) and the
variant are read by ``pipeline.extract.extract`` (national profile, one ``Services`` for the
run); their ``forms``, ``funds`` and ``indicators`` rows (``pipeline.dataset.rows.form_rows``)
are compared field by field on the fields of ``tests/golden.py``'s projection. One *cell* is one
field of one output row; a missing or an extra row counts all its fields as unequal. Rows are
paired in order (by their 三级指标 / fund line when the counts differ).

A variant is *equal* when every cell is; otherwise it *differs*, and it must be *flagged*: a form
says ``needs_review``, or the file's status is not ``ok`` (jixiao said it could not read it). A
variant that differs unflagged is *silently wrong* — what the invariant forbids.

A variant in traditional characters prints every text in 繁體: its expected rows are the plain
rendering's with the printed-text fields converted the same way (values stay as printed;
canonical fields such as 一级指标 or the fund line stay as they are; a parsed unit may be either).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parsers.formats.base import ParseOptions, Services
from parsers.formats.detect import detect_format
from pipeline.dataset.rows import form_rows
from pipeline.extract import extract, sha256_of
from schemas.profiles import NATIONAL
from schemas.records import Source
from tests import golden
from tests.generalize.content import Content, content
from tests.generalize.render import render, simplified, traditional
from tests.generalize.variants import Variant, plain

#: The fields compared: tests/golden.py's projection (the ids of the rows aside: rows are paired).
FORM_FIELDS = tuple(f for f in golden.FORM_FIELDS if f != "form_index")
FUND_FIELDS = golden.FUND_FIELDS
INDICATOR_FIELDS = tuple(f for f in golden.INDICATOR_FIELDS if f != "seq")
#: Fields that hold text as printed (converted for a variant printed in traditional characters).
PRINTED = frozenset(
    {
        "project_name",
        "department",
        "implementing_unit",
        "goal_expected",
        "goal_actual",
        "label_raw",
        "level3",
        "target_raw",
        "actual_raw",
        "deviation_note",
    }
)
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class FormRows:
    form: Row
    funds: tuple[Row, ...]
    indicators: tuple[Row, ...]
    needs_review: bool
    review_reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    status: str
    error: str | None
    forms: tuple[FormRows, ...]


def read(data: bytes, name: str, services: Services) -> Reading:
    """One file through the real pipeline, projected on the compared fields."""
    src = Source(name, sha256_of(data), len(data), detect_format(data))
    result = extract(src, data, NATIONAL, ParseOptions(), services)
    forms = []
    for cf in result.forms:
        rows = form_rows(result, cf)
        forms.append(
            FormRows(
                {f: rows["forms"][0][f] for f in FORM_FIELDS},
                tuple({f: r[f] for f in FUND_FIELDS} for r in rows["funds"]),
                tuple({f: r[f] for f in INDICATOR_FIELDS} for r in rows["indicators"]),
                cf.form.needs_review,
                cf.form.review_reasons,
            )
        )
    return Reading(result.status, result.error, tuple(forms))


#: Parsed units: a reader may keep them as printed or normalise them to simplified characters.
UNITS = frozenset({"target_unit", "actual_unit"})


def converted(reading: Reading, fields: frozenset[str], conv_text: Callable[[str], str]) -> Reading:
    """The reading with ``fields`` of every row converted by ``conv_text``."""

    def conv(row: Row) -> Row:
        return {k: conv_text(v) if k in fields and isinstance(v, str) else v for k, v in row.items()}

    forms = tuple(
        FormRows(
            conv(f.form),
            tuple(map(conv, f.funds)),
            tuple(map(conv, f.indicators)),
            f.needs_review,
            f.review_reasons,
        )
        for f in reading.forms
    )
    return Reading(reading.status, reading.error, forms)


# -------------------------------------------------------------------------------------------
# Comparison
# -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Diff:
    where: str  # "forms[0]", "indicators[3]", "funds[1]"
    field: str
    expected: Any
    got: Any

    def describe(self) -> str:
        return f"{self.where}.{self.field}: expected {self.expected!r}, got {self.got!r}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return bool(a == b) and type(a) is type(b)


def _rows(
    where: str, fields: tuple[str, ...], exp: tuple[Row, ...], got: tuple[Row, ...], key: Callable[[Row], Any]
) -> tuple[int, int, list[Diff]]:
    """(cells equal, cells, diffs) for two lists of rows, paired in order."""
    pairs: list[tuple[int | None, int | None]] = []
    if len(exp) == len(got):
        pairs = [(i, i) for i in range(len(exp))]
    else:
        sm = difflib.SequenceMatcher(None, [key(r) for r in exp], [key(r) for r in got], autojunk=False)
        for _op, i0, i1, j0, j1 in sm.get_opcodes():
            n = max(i1 - i0, j1 - j0)
            for k in range(n):
                pairs.append((i0 + k if i0 + k < i1 else None, j0 + k if j0 + k < j1 else None))
    equal, diffs = 0, []
    for i, j in pairs:
        for f in fields:
            e = exp[i][f] if i is not None else "<no row>"
            g = got[j][f] if j is not None else "<no row>"
            if i is not None and j is not None and _same(e, g):
                equal += 1
            else:
                diffs.append(Diff(f"{where}[{i if i is not None else f'+{j}'}]", f, e, g))
    return equal, len(pairs) * len(fields), diffs


def compare(expected: Reading, got: Reading) -> tuple[int, int, list[Diff]]:
    """(cells equal, cells, diffs) between the expected reading and a variant's."""
    equal = total = 0
    diffs: list[Diff] = []
    for k in range(max(len(expected.forms), len(got.forms))):
        e = expected.forms[k] if k < len(expected.forms) else None
        g = got.forms[k] if k < len(got.forms) else None
        empty = FormRows({}, (), (), False, ())
        parts = [
            ("forms", FORM_FIELDS, ((e or empty).form,) if e else (), (g.form,) if g else (), lambda r: 0),
            (
                "funds",
                FUND_FIELDS,
                (e or empty).funds,
                (g or empty).funds,
                lambda r: (r["line"], r["label_raw"]),
            ),
            (
                "indicators",
                INDICATOR_FIELDS,
                (e or empty).indicators,
                (g or empty).indicators,
                lambda r: r["level3"],
            ),
        ]
        for name, fields, exp_rows, got_rows, key in parts:
            q, n, d = _rows(f"{name}" if k == 0 else f"form{k}.{name}", fields, exp_rows, got_rows, key)
            equal, total, diffs = equal + q, total + n, diffs + d
    return equal, total, diffs


@dataclass(frozen=True, slots=True)
class Outcome:
    variant: Variant
    cells_equal: int
    cells: int
    diffs: tuple[Diff, ...]
    status: str
    needs_review: bool
    reasons: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return bool(self.diffs)

    @property
    def flagged(self) -> bool:
        return self.needs_review or self.status != "ok"

    @property
    def silent(self) -> bool:
        return self.differs and not self.flagged


@dataclass
class Run:
    """Reads plain renderings once per content, and every variant against its plain reading."""

    services: Services
    plain_readings: dict[str, Reading] = field(default_factory=dict)

    def plain(self, name: str) -> Reading:
        if name not in self.plain_readings:
            self.plain_readings[name] = read(
                render(content(name), plain(name)), f"{name}.plain.docx", self.services
            )
        return self.plain_readings[name]

    def outcome(self, variant: Variant, data: bytes, suffix: str = "docx") -> Outcome:
        expected = self.plain(variant.content)
        got = read(data, f"variant-{variant.seed}.{suffix}", self.services)
        if variant.has("traditional"):
            expected = converted(expected, PRINTED, traditional)
            got = converted(got, UNITS, simplified)
        equal, cells, diffs = compare(expected, got)
        return Outcome(
            variant,
            equal,
            cells,
            tuple(diffs),
            got.status,
            any(f.needs_review for f in got.forms),
            tuple(r for f in got.forms for r in f.review_reasons),
        )


def render_variant(variant: Variant) -> tuple[Content, bytes]:
    c = content(variant.content)
    return c, render(c, variant)


def suffix(variant: Variant) -> str:
    """The file's suffix: what it is (jixiao reads it by content, the name is only shown)."""
    if variant.has("pdf"):
        return "pdf"
    if variant.has("sheet"):
        return "xls" if variant.has("xls") else "xlsx"
    return "docx"


def evaluate(variants: Iterable[Variant], services: Services) -> list[Outcome]:
    """Every variant as .docx, or .xlsx (``sheet``); ``pdf`` and ``xls`` variants need LibreOffice
    (``tests.generalize.pdf``: see bench)."""
    run = Run(services)
    return [run.outcome(v, render_variant(v)[1], suffix(v)) for v in variants]
