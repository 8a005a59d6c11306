"""Blanks where a number is due (docs/rules.md#ind_score_blank … #total_blank): a weighted
indicator without 得分 or 完成值, a form without 总分. A blank never counts as 0 silently."""

from __future__ import annotations

from collections.abc import Iterator

from parsers.numbers import is_blank
from pipeline.checks.context import Context, fmt, name_of
from schemas.records import Finding, Indicator


def _weighted(ind: Indicator) -> bool:
    return ind.weight is not None and ind.weight > 0


def ind_score_blank(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if _weighted(ind) and ind.score is None and is_blank(ind.score_raw):
            yield ctx.finding(
                indicator=ind, fields=("score", "weight"), name=name_of(ind), weight=fmt(ind.weight)
            )


def ind_actual_blank(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if _weighted(ind) and ind.actual.kind == "blank" and is_blank(ind.actual_raw):
            yield ctx.finding(
                indicator=ind, fields=("actual", "weight"), name=name_of(ind), weight=fmt(ind.weight)
            )


def total_blank(ctx: Context) -> Iterator[Finding]:
    if ctx.form.indicators and ctx.form.total_score_reported is None and is_blank(ctx.form.total_score_raw):
        yield ctx.finding(fields=("total_score",), n=len(ctx.form.indicators))
