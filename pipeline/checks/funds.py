"""The funds block: execution rate and score, the money columns' sums, execution over budget
(docs/rules.md#exec_rate … #exec_over_budget)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from parsers.numbers import is_blank
from pipeline.checks.context import ZERO, Context, exec_line, fmt, pct
from schemas.records import RATIO_PLACES, Finding, FundLine


def exec_rate(ctx: Context) -> Iterator[Finding]:
    for line in ctx.form.funds:
        computed = line.rate_computed
        if line.rate_reported is None or computed is None:
            continue
        diff_pp = abs(line.rate_reported - computed) * 100
        if diff_pp > ctx.rule.tolerance:
            yield ctx.finding(
                fund=line,
                fields=("rate", "executed", "budget_full_year"),
                expected_value=computed.quantize(RATIO_PLACES, ROUND_HALF_UP),
                actual_value=line.rate_reported,
                label=line.label_raw,
                reported=line.rate_raw,
                executed=fmt(line.executed),
                budget=fmt(line.budget_full_year),
                computed=pct(computed),
                diff=fmt(diff_pp, 2),
            )


def scored_lines(ctx: Context) -> list[FundLine]:
    """The lines whose execution score is checked: the execution line, and every other line that
    prints a 分值 of its own (a template that scores each fund line, Yunnan's)."""
    line = exec_line(ctx.form)
    lines = [line] if line is not None else []
    lines += [f for f in ctx.form.funds if f is not line and f.weight is not None and f.weight_raw]
    return lines


def _exec_expected(line: FundLine) -> tuple[Decimal, Decimal, Decimal] | None:
    """(weight, rate, expected score) of a line; None when no weight is printed (none is assumed)
    or the rate cannot be computed."""
    if line.weight is None or line.score is None:
        return None
    rate = line.rate_computed
    if rate is None:
        return None
    return line.weight, rate, line.weight * min(rate, Decimal(1))


def _exec_finding(ctx: Context, over: bool) -> Iterator[Finding]:
    for line in scored_lines(ctx):
        found = _exec_expected(line)
        if found is None:
            continue
        weight, rate, expected = found
        assert line.score is not None
        diff = line.score - expected
        if (diff if over else -diff) > ctx.rule.tolerance:
            yield ctx.finding(
                fund=line,
                fields=("score", "weight", "executed", "budget_full_year"),
                expected_value=expected.quantize(Decimal("0.0001"), ROUND_HALF_UP),
                actual_value=line.score,
                label=line.label_raw,
                reported=fmt(line.score),
                weight=fmt(weight),
                rate=pct(rate),
                expected=fmt(expected, 2),
                diff=fmt(abs(diff), 2),
            )


def exec_score(ctx: Context) -> Iterator[Finding]:
    """Over-scoring the execution: an error (scores must not be raised)."""
    yield from _exec_finding(ctx, over=True)


def exec_score_under(ctx: Context) -> Iterator[Finding]:
    """Under-scoring the execution: a warning."""
    yield from _exec_finding(ctx, over=False)


def exec_score_blank(ctx: Context) -> Iterator[Finding]:
    for line in scored_lines(ctx):
        if line.weight is not None and line.score is None and is_blank(line.score_raw):
            yield ctx.finding(
                fund=line, fields=("score", "weight"), label=line.label_raw, weight=fmt(line.weight)
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
