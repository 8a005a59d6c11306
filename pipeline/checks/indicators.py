"""Indicator-level rules: score range, deviation reasons, the quantitative formulas, the
qualitative bands, overshoot (docs/rules.md#score_range … #ind_overshoot)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from parsers.text import label_key
from pipeline.checks.context import ZERO, Context, fmt, name_of, pct
from schemas.labels import NO_DEVIATION_TEXTS, QUAL_BAND_TEXTS
from schemas.profiles import Profile, QualBand
from schemas.records import Finding, Indicator, Quantity


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
                name=name_of(ind),
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
                name=name_of(ind),
                score=fmt(ind.score),
                weight=fmt(ind.weight),
                note=f"填为“{ind.deviation_note}”" if ind.deviation_note else "未填写",
            )


def compared(target: Quantity, actual: Quantity) -> tuple[Decimal, Decimal, str] | None:
    """(target value, actual value, note) when the two can be compared as numbers: the same unit
    (or one printed without it), or a percentage against a bare ratio (≥95% against 0.95, read
    as 95%, and said so in the message); None otherwise."""
    if not (target.is_numeric and actual.is_numeric):
        return None
    assert target.value is not None and actual.value is not None
    t, a = target.value, actual.value
    if target.unit == "%" and actual.unit is None and 0 < a <= Decimal("1.5") and t > Decimal("1.5"):
        return t, a * 100, f"（完成值{fmt(a)}按{fmt(a * 100)}%比较）"
    if actual.unit == "%" and target.unit is None and 0 < t <= Decimal("1.5") and a > Decimal("1.5"):
        return t * 100, a, f"（指标值{fmt(t)}按{fmt(t * 100)}%比较）"
    if target.unit is None or actual.unit is None or target.unit == actual.unit:
        return t, a, ""
    return None


POSITIVE_OPS = frozenset({"≥", ">", "=", None})


def _overshoots(op: str | None, t: Decimal, a: Decimal, profile: Profile) -> bool:
    """A met positive target exceeded by the profile's ratio."""
    return op in POSITIVE_OPS and t > 0 and a >= profile.overshoot_ratio * t


def _printed(ind: Indicator, which: str) -> str:
    """A target/actual as the auditor sees it on paper, with its 指标性质/度量单位 columns."""
    raw = ind.target_raw if which == "target" else ind.actual_raw
    nature = (
        ind.nature_raw if which == "target" and not (raw or "").startswith(ind.nature_raw or "") else None
    )
    unit = ind.unit_raw if ind.unit_raw and raw and not raw.endswith(ind.unit_raw) else None
    return f"{nature or ''}{raw or '空'}{unit or ''}"


def formula_score(
    op: str | None, a: Decimal, b: Decimal, w: Decimal, profile: Profile
) -> tuple[Decimal, str]:
    """The score a quantitative row earns (docs/rules.md#ind_quant_score), and the formula's name
    for the message."""
    b = max(b, ZERO)  # a negative actual counts as 0
    if op in ("≤", "<"):
        if b <= a:
            return w, "反向指标（完成值不高于指标值得满分）"
        if profile.reverse_formula == "ratio":
            if b == 0:  # a negative target that a zero actual misses
                return ZERO, "反向指标（分值×指标值÷完成值）"
            return max(w * a / b, ZERO), "反向指标（分值×指标值÷完成值）"
        if a <= 0 or b >= 2 * a:
            return ZERO, "反向指标（完成值达到指标值2倍及以上得0分）"
        return (1 - (b - a) / a) * w, "反向指标（分值×(1−(完成值−指标值)÷指标值)）"
    if a == 0 and op == "=":
        return (w if b <= 0 else ZERO), "等于0的指标（完成值为0得满分）"
    kind = "等于指标" if op == "=" else "正向指标"
    if b >= a:
        return w, f"{kind}（完成值达到指标值得满分）"
    return w * b / a, f"{kind}（分值×完成值÷指标值）"


def _quant(ctx: Context, over: bool) -> Iterator[Finding]:
    """Scores against the formula. Over-scoring is an error (scores must not be raised, 严禁刻意
    抬高分数); under-scoring only a warning, and only where a reason is given — without one,
    DEVIATION_MISSING already reports the row."""
    for ind in ctx.form.indicators:
        pair = compared(ind.target, ind.actual)
        if ind.weight is None or ind.score is None or pair is None:
            continue
        t, a, note = pair
        if _overshoots(ind.target.op, t, a, ctx.profile) and ind.score <= ind.weight:
            continue  # 2020: a score may be cut for a target set too low (see IND_OVERSHOOT)
        expected, formula = formula_score(ind.target.op, t, a, ind.weight, ctx.profile)
        diff = ind.score - expected
        if (diff if over else -diff) <= ctx.rule.tolerance:
            continue
        if not over and _no_reason(ind.deviation_note):
            continue
        yield ctx.finding(
            indicator=ind,
            fields=("score", "target", "actual", "weight"),
            expected_value=expected.quantize(Decimal("0.0001"), ROUND_HALF_UP),
            actual_value=ind.score,
            name=name_of(ind),
            target=_printed(ind, "target"),
            actual=_printed(ind, "actual") + note,
            formula=formula,
            expected=fmt(expected, 2),
            score=fmt(ind.score),
            diff=fmt(abs(diff), 2),
            note=ind.deviation_note or "",
        )


def quant_score(ctx: Context) -> Iterator[Finding]:
    yield from _quant(ctx, over=True)


def quant_under(ctx: Context) -> Iterator[Finding]:
    yield from _quant(ctx, over=False)


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


def _qual(ctx: Context, above: bool) -> Iterator[Finding]:
    """A qualitative score outside its band: above it an error, below it a warning (where a
    reason is given; without one DEVIATION_MISSING reports it)."""
    for ind in ctx.form.indicators:
        if ind.weight is None or ind.score is None or ind.actual.kind != "text":
            continue
        band = qual_band(ind.actual_raw, ctx.profile)
        if band is None:
            continue
        low, high = band.low * ind.weight, band.high * ind.weight
        top = band.high == 1
        is_above = ind.score > high if top else ind.score >= high
        is_below = ind.score < low
        if (is_above if above else is_below) and (above or not _no_reason(ind.deviation_note)):
            yield ctx.finding(
                indicator=ind,
                fields=("score", "actual", "weight"),
                actual_value=ind.score,
                name=name_of(ind),
                actual=ind.actual_raw,
                band=band.name,
                low=fmt(low),
                high=fmt(high) if top else f"{fmt(high)}（不含）",
                score=fmt(ind.score),
            )


def qual_score(ctx: Context) -> Iterator[Finding]:
    yield from _qual(ctx, above=True)


def qual_under(ctx: Context) -> Iterator[Finding]:
    yield from _qual(ctx, above=False)


def overshoot(ctx: Context) -> Iterator[Finding]:
    ratio = ctx.profile.overshoot_ratio
    for ind in ctx.form.indicators:
        pair = compared(ind.target, ind.actual)
        if ind.weight is None or ind.score is None or pair is None:
            continue
        t, a, _ = pair
        if not _overshoots(ind.target.op, t, a, ctx.profile):
            continue
        if ind.score >= ind.weight and _no_reason(ind.deviation_note):
            yield ctx.finding(
                indicator=ind,
                fields=("actual", "target", "score", "deviation"),
                expected_value=t * ratio,
                actual_value=a,
                name=name_of(ind),
                actual=_printed(ind, "actual"),
                target=_printed(ind, "target"),
                ratio=pct(a / t),
                threshold=pct(ratio),
                score=fmt(ind.score),
            )
