"""The checks a finance bureau's 复核 applies that one form can answer (docs/rules.md#cost_vs_exec
… #template_leftover): money against results, words against scores, deadlines, and how the
indicators were set (a 成本指标, the share of one indicator, satisfaction as a rate, leftovers
of the template)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from parsers.numbers import nfkc, parse_date, percent
from parsers.text import label_key
from pipeline.checks.context import Context, exec_line, fmt, name_of, pct
from schemas.hierarchy import LEVEL3_PLACEHOLDER_TEXTS, OUTPUT, SATISFACTION
from schemas.labels import PLACEHOLDER_MARKS, SHORTFALL_WORDS
from schemas.records import Finding, Indicator

COST_LEVEL2 = frozenset({"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标"})
_YUAN_TO_WAN = Decimal(1).scaleb(-4)


def _is_cost(ind: Indicator) -> bool:
    return ind.level2 in COST_LEVEL2


def _wan(value: Decimal | None, unit: str | None) -> Decimal | None:
    if value is None:
        return None
    if unit == "万元":
        return value
    if unit == "元":
        return value * _YUAN_TO_WAN
    return None


#: Names of the project's total cost (项目总成本, 成本总额, 总投资).
_TOTAL_COST = ("总成本", "成本总额", "总投资", "项目成本", "总费用", "费用总额", "资金总额")


def _project_money(ctx: Context, name: str) -> Decimal | None:
    """The project's 全年预算数 / 全年执行数: the 年度资金总额 line's when it is filled, else the
    largest line's (a total line printed 0 while the fiscal line holds the money: real_001)."""
    total = ctx.form.total_line
    value = getattr(total, name) if total is not None else None
    if value:
        return value  # type: ignore[no-any-return]
    filled = [getattr(f, name) for f in ctx.form.funds if getattr(f, name)]
    return max(filled) if filled else None


def cost_vs_exec(ctx: Context) -> Iterator[Finding]:
    """The project's total-cost indicator — named so (项目总成本 …), or its target the 全年预算数
    (within 1 %): the target of a total cost should be the budget and its actual the 全年执行数
    (docs/rules.md#cost_vs_exec) — whose money actual differs from the 全年执行数."""
    executed, budget = _project_money(ctx, "executed"), _project_money(ctx, "budget_full_year")
    if executed is None or not budget:
        return
    for ind in ctx.form.indicators:
        if not _is_cost(ind) or ind.actual.kind != "number" or ind.target.kind != "number":
            continue
        target = _wan(ind.target.value, ind.target.unit)
        actual = _wan(ind.actual.value, ind.actual.unit or ind.target.unit)  # "≤90万元" → "90"
        if actual is None or target is None:
            continue
        named = any(w in (ind.level3 or "") for w in _TOTAL_COST)
        if not named and abs(target - budget) > budget / 100:
            continue
        diff = abs(actual - executed)
        if diff > ctx.rule.tolerance:
            yield ctx.finding(
                indicator=ind,
                fields=("actual",),
                expected_value=executed,
                actual_value=actual,
                name=name_of(ind),
                actual=fmt(actual),
                executed=fmt(executed),
                diff=fmt(diff),
            )


def exec_low_full_output(ctx: Context) -> Iterator[Finding]:
    line = exec_line(ctx.form)
    rate = line.rate_computed if line is not None else None
    if rate is None or rate >= ctx.profile.exec_threshold:
        return
    outputs = [
        i for i in ctx.form.indicators if i.level1 == OUTPUT and i.weight is not None and i.score is not None
    ]
    if outputs and all(i.score >= i.weight for i in outputs):  # type: ignore[operator]
        yield ctx.finding(
            expected_value=ctx.profile.exec_threshold,
            actual_value=rate,
            rate=pct(rate),
            threshold=percent(ctx.profile.exec_threshold, 0),
            n=len(outputs),
        )


def quant_text(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        words_only = ind.actual.kind == "text" and not any(ch.isdigit() for ch in nfkc(ind.actual_raw or ""))
        if ind.target.is_numeric and words_only and ind.weight is not None:
            yield ctx.finding(
                indicator=ind,
                fields=("target", "actual"),
                name=name_of(ind),
                target=ind.target_raw,
                actual=ind.actual_raw,
            )


#: Words that deny what follows them: "未出现延期", "无滞后", "没有未完成的任务".
_NEGATORS = ("未出现", "未发生", "没有", "不存在", "无", "杜绝", "避免")


def _admits(text: str | None) -> str | None:
    """The first shortfall word the text states (not one it denies)."""
    if not text:
        return None
    for word in SHORTFALL_WORDS:
        start = text.find(word)
        while start >= 0:
            before = text[max(0, start - 3) : start]
            if not any(before.endswith(n) for n in _NEGATORS):
                return word
            start = text.find(word, start + 1)
    return None


def full_marks_shortfall(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.weight is None or ind.score is None or ind.score < ind.weight or ind.weight <= 0:
            continue
        for where, field, text in (
            ("偏差原因", "deviation", ind.deviation_note),
            ("完成值", "actual", ind.actual_raw),
        ):
            words = _admits(text)
            if words is not None:
                yield ctx.finding(
                    indicator=ind,
                    fields=("score", field),
                    name=name_of(ind),
                    score=fmt(ind.score),
                    where=where,
                    words=words,
                )
                break


_TIMELY_WORDS = ("及时", "时间", "时限", "进度", "期限", "时效")


def _is_deadline(ind: Indicator) -> bool:
    name = ind.level3 or ""
    return ind.level2 == "时效指标" or any(w in name for w in _TIMELY_WORDS)


def deadline_late(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.weight is None or ind.score is None or ind.score < ind.weight or not _is_deadline(ind):
            continue
        target, actual = parse_date(ind.target_raw), parse_date(ind.actual_raw)
        if target is None or actual is None:
            continue
        # a date printed without its year is in the form's year (12月底前 on a 2023 form)
        ty = target[0] or ctx.form.year or actual[0]
        ay = actual[0] or ctx.form.year or target[0]
        if ty is None or ay is None:
            continue
        late = (ay, actual[1]) > (ty, target[1]) or (
            (ay, actual[1]) == (ty, target[1])
            and target[2] is not None
            and actual[2] is not None
            and actual[2] > target[2]
        )
        if late:
            yield ctx.finding(
                indicator=ind,
                fields=("target", "actual", "score"),
                name=name_of(ind),
                target=ind.target_raw,
                actual=ind.actual_raw,
                score=fmt(ind.score),
            )


def cost_missing(ctx: Context) -> Iterator[Finding]:
    year = ctx.form.year
    if year is None or year < ctx.profile.cost_required_from or not ctx.form.indicators:
        return
    if not any(_is_cost(i) for i in ctx.form.indicators):
        yield ctx.finding(year=year)


def weight_concentration(ctx: Context) -> Iterator[Finding]:
    limit = ctx.profile.total * ctx.profile.max_indicator_share
    for ind in ctx.form.indicators:
        if ind.weight is not None and ind.weight > limit:
            yield ctx.finding(
                indicator=ind,
                fields=("weight",),
                expected_value=limit,
                actual_value=ind.weight,
                name=name_of(ind),
                weight=fmt(ind.weight),
                share=percent(ctx.profile.max_indicator_share, 0),
            )


def satisfaction_no_rate(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        if ind.level1 != SATISFACTION or ind.weight is None or ind.target.kind == "blank":
            continue
        if not (ind.target.kind in ("number", "range") and ind.target.unit == "%"):
            yield ctx.finding(indicator=ind, fields=("target",), name=name_of(ind), target=ind.target_raw)


def template_leftover(ctx: Context) -> Iterator[Finding]:
    for ind in ctx.form.indicators:
        texts = [(ind.level3_raw or ""), (ind.target_raw or ""), (ind.actual_raw or "")]
        mark = next((t for t in texts if any(m in t for m in PLACEHOLDER_MARKS)), None)
        if (
            mark is None
            and ind.level3_raw
            and (ind.level3 is None or label_key(ind.level3) in LEVEL3_PLACEHOLDER_TEXTS)
        ):
            mark = ind.level3_raw  # an "指标2：" or "……" row kept with values but no name
        if mark is not None:
            yield ctx.finding(
                indicator=ind, fields=("level3", "target", "actual"), name=name_of(ind), text=mark
            )
