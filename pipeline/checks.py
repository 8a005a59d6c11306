"""Execution of the scoring rules declared in ``schemas.rules``.

Every rule runs on every form; every violation is a ``Finding`` (never an exception). A rule
that cannot be evaluated (a value missing or not a number) reports nothing: the match warnings
already say what is missing. Numbers are the form's as printed; derived values (rates, formula
scores) are computed exactly and only rounded in messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from parsers.numbers import percent, plain
from parsers.text import label_key
from schemas.hierarchy import LEVEL1_NAMES
from schemas.labels import NO_DEVIATION_TEXTS, QUAL_BAND_TEXTS
from schemas.records import Finding, Form, FundLine, Indicator, Quantity
from schemas.rules import RULES, Profile, QualBand, Rule

ZERO = Decimal(0)
RATE_PLACES = Decimal("0.000001")


def fmt(d: Decimal | None, places: int | None = None) -> str:
    """A number for a message: as printed for inputs, rounded for derived values; 空 for none."""
    return "空" if d is None else plain(d, places)


def pct(ratio: Decimal | None) -> str:
    return "空" if ratio is None else percent(ratio)


def rate_of(line: FundLine) -> Decimal | None:
    """全年执行数 ÷ 全年预算数, exact; None when either is missing or the budget is 0."""
    if line.executed is None or line.budget_full_year is None or line.budget_full_year == 0:
        return None
    return line.executed / line.budget_full_year


@dataclass(frozen=True, slots=True)
class Totals:
    exec_weight: Decimal | None
    exec_score: Decimal | None
    exec_rate_computed: Decimal | None
    indicator_weights: Decimal
    indicator_scores: Decimal
    total_weight_computed: Decimal | None
    total_score_computed: Decimal | None
    grade_computed: str | None


def grade_of(total: Decimal, profile: Profile) -> str:
    for low, name in profile.grades:
        if total >= low:
            return name
    return profile.grades[-1][1]


def totals(form: Form, profile: Profile) -> Totals:
    line = form.total_line
    exec_weight = line.weight if line else None
    exec_score = line.score if line else None
    rate = rate_of(line) if line else None
    weights = sum((i.weight for i in form.indicators if i.weight is not None), ZERO)
    scores = sum((i.score for i in form.indicators if i.score is not None), ZERO)
    has_ind = bool(form.indicators)
    tw = (exec_weight or ZERO) + weights if has_ind or exec_weight is not None else None
    ts = (exec_score or ZERO) + scores if has_ind or exec_score is not None else None
    basis = form.total_score_reported if form.total_score_reported is not None else ts
    return Totals(
        exec_weight=exec_weight,
        exec_score=exec_score,
        exec_rate_computed=rate.quantize(RATE_PLACES, ROUND_HALF_UP) if rate is not None else None,
        indicator_weights=weights,
        indicator_scores=scores,
        total_weight_computed=tw,
        total_score_computed=ts,
        grade_computed=grade_of(basis, profile) if basis is not None else None,
    )


@dataclass(frozen=True, slots=True)
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
            expected=expected_value,
            actual=actual_value,
            refs=refs,
        )


Check = Callable[[Context], Iterable[Finding]]


def _name(ind: Indicator) -> str:
    return ind.level3 or ind.level3_raw or f"第{ind.seq}项指标"


# --------------------------------------------------------------------------------------------
# Funds
# --------------------------------------------------------------------------------------------
def exec_rate(ctx: Context) -> Iterator[Finding]:
    for line in ctx.form.funds:
        computed = rate_of(line)
        if line.rate_reported is None or computed is None:
            continue
        diff_pp = abs(line.rate_reported - computed) * 100
        if diff_pp > ctx.rule.tolerance:
            yield ctx.finding(
                fund=line,
                fields=("rate", "executed", "budget_full_year"),
                expected_value=computed.quantize(RATE_PLACES, ROUND_HALF_UP),
                actual_value=line.rate_reported,
                label=line.label_raw,
                reported=line.rate_raw,
                executed=fmt(line.executed),
                budget=fmt(line.budget_full_year),
                computed=pct(computed),
                diff=fmt(diff_pp, 2),
            )


def exec_score(ctx: Context) -> Iterator[Finding]:
    for line in ctx.form.funds:
        rate = rate_of(line)
        if line.score is None or rate is None:
            continue
        weight = line.weight if line.weight is not None else ctx.profile.exec_weight
        expected = weight * min(rate, Decimal(1))
        diff = abs(line.score - expected)
        if diff > ctx.rule.tolerance:
            yield ctx.finding(
                fund=line,
                fields=("score", "weight", "executed", "budget_full_year"),
                expected_value=expected.quantize(Decimal("0.0001"), ROUND_HALF_UP),
                actual_value=line.score,
                reported=fmt(line.score),
                weight=fmt(weight),
                rate=pct(rate),
                expected=fmt(expected, 2),
                diff=fmt(diff, 2),
            )


MONEY_COLUMNS = (
    ("budget_initial", "年初预算数"),
    ("budget_full_year", "全年预算数"),
    ("executed", "全年执行数"),
)


def funds_sum(ctx: Context) -> Iterator[Finding]:
    total = ctx.form.total_line
    if total is None:
        return
    parts = [f for f in ctx.form.funds if f is not total and f.line != "total"]
    for field, name in MONEY_COLUMNS:
        total_value: Decimal | None = getattr(total, field)
        values = [(p, getattr(p, field)) for p in parts]
        filled = [(p, v) for p, v in values if v is not None]
        if total_value is None or not filled:
            continue
        parts_sum = sum((v for _, v in filled), ZERO)
        diff = abs(total_value - parts_sum)
        if diff > ctx.rule.tolerance:
            yield ctx.finding(
                fund=total,
                fields=(field,),
                expected_value=parts_sum,
                actual_value=total_value,
                column=name,
                total=fmt(total_value),
                parts_sum=fmt(parts_sum),
                parts="＋".join(f"{p.label_raw}{fmt(v)}" for p, v in filled),
                diff=fmt(diff),
                unit="万元",
            )


def exec_over_budget(ctx: Context) -> Iterator[Finding]:
    for line in ctx.form.funds:
        if line.executed is None or line.budget_full_year is None:
            continue
        if line.executed - line.budget_full_year > ctx.rule.tolerance:
            yield ctx.finding(
                fund=line,
                fields=("executed", "budget_full_year"),
                expected_value=line.budget_full_year,
                actual_value=line.executed,
                label=line.label_raw,
                executed=fmt(line.executed),
                budget=fmt(line.budget_full_year),
                unit="万元",
            )


# --------------------------------------------------------------------------------------------
# Form totals
# --------------------------------------------------------------------------------------------
def weight_sum(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.indicators:
        return
    t = ctx.totals
    exec_weight = t.exec_weight if t.exec_weight is not None else ctx.profile.exec_weight
    total = exec_weight + t.indicator_weights
    if abs(total - ctx.profile.total) > ctx.rule.tolerance:
        yield ctx.finding(
            fields=("total_weight",),
            expected_value=ctx.profile.total,
            actual_value=total,
            exec_weight=fmt(exec_weight),
            indicator_weights=fmt(t.indicator_weights),
            total=fmt(total),
            expected=fmt(ctx.profile.total),
        )


def total_score(ctx: Context) -> Iterator[Finding]:
    reported = ctx.form.total_score_reported
    if reported is None or not ctx.form.indicators:
        return
    t = ctx.totals
    exec_score_ = t.exec_score or ZERO
    expected = exec_score_ + t.indicator_scores
    diff = abs(reported - expected)
    if diff > ctx.rule.tolerance:
        yield ctx.finding(
            fields=("total_score",),
            expected_value=expected,
            actual_value=reported,
            reported=fmt(reported),
            exec_score=fmt(exec_score_),
            indicator_scores=fmt(t.indicator_scores),
            expected=fmt(expected),
            diff=fmt(diff),
        )


def level1_weight(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.indicators:
        return
    p = ctx.profile
    if (
        ctx.totals.exec_weight is not None
        and abs(ctx.totals.exec_weight - p.exec_weight) > ctx.rule.tolerance
    ):
        yield ctx.finding(
            expected_value=p.exec_weight,
            actual_value=ctx.totals.exec_weight,
            level1="预算执行率",
            actual=fmt(ctx.totals.exec_weight),
            expected=fmt(p.exec_weight),
            profile=p.title_zh,
        )
    for group, expected in p.level1_weights:
        actual = sum(
            (i.weight for i in ctx.form.indicators if i.level1 in group and i.weight is not None), ZERO
        )
        if abs(actual - expected) > ctx.rule.tolerance:
            yield ctx.finding(
                expected_value=expected,
                actual_value=actual,
                level1="＋".join(group),
                actual=fmt(actual),
                expected=fmt(expected),
                profile=p.title_zh,
            )


def level1_missing(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.indicators:
        return
    present = {i.level1 for i in ctx.form.indicators}
    for name in LEVEL1_NAMES:
        if name not in present:
            yield ctx.finding(level1=name)


def grade_mismatch(ctx: Context) -> Iterator[Finding]:
    reported, total = ctx.form.grade_reported, ctx.form.total_score_reported
    if reported is None or total is None:
        return
    expected = grade_of(total, ctx.profile)
    if expected != reported:
        yield ctx.finding(
            fields=("grade", "total_score"), total=fmt(total), expected=expected, reported=reported
        )


# --------------------------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------------------------
def score_range(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.score is None:
            continue
        if ind.score < 0 or (ind.weight is not None and ind.score > ind.weight):
            yield ctx.finding(
                indicator=ind,
                fields=("score", "weight"),
                expected_value=ind.weight,
                actual_value=ind.score,
                name=_name(ind),
                score=fmt(ind.score),
                weight=fmt(ind.weight),
            )


def _no_reason(note: str | None) -> bool:
    return label_key(note).rstrip("。.") in NO_DEVIATION_TEXTS


def deviation_missing(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.score is None or ind.weight is None or ind.score >= ind.weight:
            continue
        if _no_reason(ind.deviation_note):
            yield ctx.finding(
                indicator=ind,
                fields=("score", "weight", "deviation"),
                expected_value=ind.weight,
                actual_value=ind.score,
                name=_name(ind),
                score=fmt(ind.score),
                weight=fmt(ind.weight),
                note=f"填为“{ind.deviation_note}”" if ind.deviation_note else "未填写",
            )


def _comparable(target: Quantity, actual: Quantity) -> bool:
    if not (target.is_numeric and actual.is_numeric):
        return False
    return target.unit is None or actual.unit is None or target.unit == actual.unit


POSITIVE_OPS = frozenset({"≥", ">", "=", None})


def _overshoots(t: Quantity, a: Quantity, profile: Profile) -> bool:
    """A met positive target exceeded by the profile's ratio (values known to be numeric)."""
    assert t.value is not None and a.value is not None
    return t.op in POSITIVE_OPS and t.value > 0 and a.value >= profile.overshoot_ratio * t.value


def _printed(ind: Indicator, which: str) -> str:
    """A target/actual as the auditor sees it on paper, with its 指标性质/度量单位 columns."""
    raw = ind.target_raw if which == "target" else ind.actual_raw
    nature = ind.nature_raw if which == "target" else None
    unit = ind.unit_raw if ind.unit_raw and raw and not raw.endswith(ind.unit_raw) else None
    return f"{nature or ''}{raw or '空'}{unit or ''}"


def formula_score(
    op: str | None, a: Decimal, b: Decimal, w: Decimal, profile: Profile
) -> tuple[Decimal, str]:
    """The score RULES.md §2.3 gives a quantitative row, and the formula's name for the message."""
    b = max(b, ZERO)  # a negative actual counts as 0
    if op in ("≤", "<"):
        if b <= a:
            return w, "反向指标（完成值不高于指标值得满分）"
        if profile.reverse_formula == "ratio":
            return w * a / b, "反向指标（分值×指标值÷完成值）"
        if a == 0 or b >= 2 * a:
            return ZERO, "反向指标（完成值达到指标值2倍及以上得0分）"
        return (1 - (b - a) / a) * w, "反向指标（分值×(1−(完成值−指标值)÷指标值)）"
    if a == 0:
        return (w if b <= 0 else ZERO), "等于0的指标（完成值为0得满分）"
    kind = "等于指标" if op == "=" else "正向指标"
    if b >= a:
        return w, f"{kind}（完成值达到指标值得满分）"
    return w * b / a, f"{kind}（分值×完成值÷指标值）"


def quant_score(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        t, a = ind.target, ind.actual
        if ind.weight is None or ind.score is None or not _comparable(t, a):
            continue
        assert t.value is not None and a.value is not None
        if _overshoots(t, a, ctx.profile) and ind.score <= ind.weight:
            continue  # 2020: a score may be cut for a target set too low (see IND_OVERSHOOT)
        expected, formula = formula_score(t.op, t.value, a.value, ind.weight, ctx.profile)
        diff = abs(ind.score - expected)
        if diff > ctx.rule.tolerance:
            yield ctx.finding(
                indicator=ind,
                fields=("score", "target", "actual", "weight"),
                expected_value=expected.quantize(Decimal("0.0001"), ROUND_HALF_UP),
                actual_value=ind.score,
                name=_name(ind),
                target=_printed(ind, "target"),
                actual=_printed(ind, "actual"),
                formula=formula,
                expected=fmt(expected, 2),
                score=fmt(ind.score),
                diff=fmt(diff, 2),
            )


def qual_band(text: str | None, profile: Profile) -> QualBand | None:
    """The band a qualitative 完成值 claims, or None when its wording does not say."""
    key = label_key(text).rstrip("。.")
    full, partial, none = profile.qual_bands
    if key in QUAL_BAND_TEXTS["none"]:
        return none
    if key in QUAL_BAND_TEXTS["partial"]:
        return partial
    if key in QUAL_BAND_TEXTS["full"]:
        return full
    return None


def qual_score(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.weight is None or ind.score is None or ind.actual.kind != "text":
            continue
        band = qual_band(ind.actual_raw, ctx.profile)
        if band is None:
            continue
        low, high = band.low * ind.weight, band.high * ind.weight
        top = band.high == 1
        inside = low <= ind.score <= high if top else low <= ind.score < high
        if not inside:
            yield ctx.finding(
                indicator=ind,
                fields=("score", "actual", "weight"),
                actual_value=ind.score,
                name=_name(ind),
                actual=ind.actual_raw,
                band=band.name,
                low=fmt(low),
                high=fmt(high) if top else f"{fmt(high)}（不含）",
                score=fmt(ind.score),
            )


def overshoot(ctx: Context) -> Iterator[Finding]:
    ratio = ctx.profile.overshoot_ratio
    for ind in ctx.form.indicators:
        t, a = ind.target, ind.actual
        if ind.weight is None or ind.score is None or not _comparable(t, a):
            continue
        assert t.value is not None and a.value is not None
        if not _overshoots(t, a, ctx.profile):
            continue
        if ind.score >= ind.weight and _no_reason(ind.deviation_note):
            yield ctx.finding(
                indicator=ind,
                fields=("actual", "target", "score", "deviation"),
                expected_value=t.value * ratio,
                actual_value=a.value,
                name=_name(ind),
                actual=_printed(ind, "actual"),
                target=_printed(ind, "target"),
                ratio=pct(a.value / t.value),
                threshold=pct(ratio),
                score=fmt(ind.score),
            )


CHECKS: MappingProxyType[str, Check] = MappingProxyType(
    {
        "EXEC_RATE": exec_rate,
        "EXEC_SCORE": exec_score,
        "SCORE_RANGE": score_range,
        "WEIGHT_SUM": weight_sum,
        "TOTAL_SCORE": total_score,
        "DEVIATION_MISSING": deviation_missing,
        "FUNDS_SUM": funds_sum,
        "EXEC_OVER_BUDGET": exec_over_budget,
        "LEVEL1_WEIGHT": level1_weight,
        "LEVEL1_MISSING": level1_missing,
        "IND_QUANT_SCORE": quant_score,
        "IND_QUAL_BAND": qual_score,
        "IND_OVERSHOOT": overshoot,
        "GRADE_MISMATCH": grade_mismatch,
    }
)
if set(CHECKS) != {r.id for r in RULES}:  # pragma: no cover - a declaration error, caught at import
    raise ValueError("every declared rule needs exactly one check")


def check_form(form: Form, profile: Profile) -> tuple[Finding, ...]:
    """All findings of one form, in rule declaration order."""
    t = totals(form, profile)
    out: list[Finding] = []
    for rule in RULES:
        out.extend(CHECKS[rule.id](Context(form, t, profile, rule)))
    return tuple(out)
