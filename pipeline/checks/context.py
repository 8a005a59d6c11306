"""What every check shares: the ``Context`` a check runs in (form, totals, profile, rule), the
form's derived ``Totals``, and how numbers are written in messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from parsers.numbers import percent, plain
from schemas.profiles import Profile
from schemas.records import Finding, Form, FundLine, Indicator, Totals, record, stored_ratio
from schemas.rules import Rule

ZERO = Decimal(0)


def fmt(d: Decimal | None, places: int | None = None) -> str:
    """A number for a message: as printed for inputs, rounded for derived values; 空 for none."""
    return "空" if d is None else plain(d, places)


def pct(ratio: Decimal | None) -> str:
    return "空" if ratio is None else percent(ratio)


def grade_of(total: Decimal, profile: Profile) -> str:
    for low, name in profile.grades:
        if total >= low:
            return name
    return profile.grades[-1][1]


def exec_line(form: Form) -> FundLine | None:
    """The fund line that carries the execution weight: the first with a 分值 printed (or given in
    a label: 得分(20分*执行率)), else the 年度资金总额 line (docs/rules.md#exec_score)."""
    weighted = [f for f in form.funds if f.weight is not None]
    total = form.total_line
    if total is not None and total.weight is not None:
        return total
    return weighted[0] if weighted else total


def totals(form: Form, profile: Profile) -> Totals:
    """The execution line's weight/score/rate, the sums of the indicators, the grade of the total."""
    line = exec_line(form)
    exec_weight = line.weight if line else None
    exec_score = line.score if line else None
    rate = line.rate_computed if line else None
    weights = sum((i.weight for i in form.indicators if i.weight is not None), ZERO)
    scores = sum((i.score for i in form.indicators if i.score is not None), ZERO)
    has_ind = bool(form.indicators)
    tw = (exec_weight or ZERO) + weights if has_ind or exec_weight is not None else None
    ts = (exec_score or ZERO) + scores if has_ind or exec_score is not None else None
    basis = form.total_score_reported if form.total_score_reported is not None else ts
    return Totals(
        exec_weight=exec_weight,
        exec_score=exec_score,
        exec_rate_computed=stored_ratio(rate),
        indicator_weights=weights,
        indicator_scores=scores,
        total_weight_computed=tw,
        total_score_computed=ts,
        grade_computed=grade_of(basis, profile) if basis is not None else None,
    )


@record
class Context:
    form: Form
    totals: Totals
    profile: Profile
    rule: Rule

    def finding(
        self,
        *,
        indicator: Indicator | None = None,
        fund: FundLine | None = None,
        fields: tuple[str, ...] = (),
        expected_value: Decimal | None = None,
        actual_value: Decimal | None = None,
        **params: object,
    ) -> Finding:
        source_refs = indicator.refs if indicator else fund.refs if fund else self.form.refs
        refs = tuple((f, r) for f, r in source_refs if f in fields) if fields else ()
        return Finding(
            rule_id=self.rule.id,
            severity=self.rule.severity,
            message=self.rule.message(**params),
            indicator_seq=indicator.seq if indicator else None,
            fund_line=fund.line if fund else None,
            fund_line_seq=fund.line_seq if fund else None,
            fields=fields,
            expected=_stored(expected_value),
            actual=_stored(actual_value),
            refs=refs,
        )


#: ``findings.expected`` / ``actual`` hold 8 decimals (``schemas.tables.VALUE``).
_VALUE_PLACES = Decimal(1).scaleb(-8)


def _stored(value: Decimal | None) -> Decimal | None:
    """A derived value as ``findings`` stores it: an exact quotient (a rate) rounded half-up to
    8 decimals; printed values have fewer and pass unchanged."""
    if value is None:
        return None
    _, _, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent < -8:
        return value.quantize(_VALUE_PLACES, ROUND_HALF_UP)
    return value


Check = Callable[[Context], Iterable[Finding]]


def name_of(ind: Indicator) -> str:
    return ind.level3 or ind.level3_raw or f"第{ind.seq}项指标"
