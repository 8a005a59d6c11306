"""Form-level rules: weights and scores adding up, level-1 weights and blocks, the grade
(docs/rules.md#weight_sum … #grade_mismatch)."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.context import ZERO, Context, fmt, grade_of
from schemas.hierarchy import LEVEL1_NAMES
from schemas.records import Finding


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
    blank = sum(1 for i in ctx.form.indicators if i.weight is not None and i.weight > 0 and i.score is None)
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
            blanks=f"；其中{blank}项指标得分为空，未计入合计（见IND_SCORE_BLANK）" if blank else "",
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
