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
    """The score a quantitative row earns (docs/rules.md#ind_quant_score), and the formula's name
    for the message."""
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
                name=name_of(ind),
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
                name=name_of(ind),
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
                name=name_of(ind),
                actual=_printed(ind, "actual"),
                target=_printed(ind, "target"),
                ratio=pct(a.value / t.value),
                threshold=pct(ratio),
                score=fmt(ind.score),
            )
