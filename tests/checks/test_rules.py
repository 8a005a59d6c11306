"""Each rule: a passing case, a failing case and a case on the tolerance edge (docs/rules.md#rules)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from parsers.numbers import parse_quantity
from pipeline.checks import CHECKS, check_form
from pipeline.checks.context import grade_of
from pipeline.checks.indicators import formula_score
from schemas.profiles import HUBEI, NATIONAL, PROFILES, Profile
from schemas.records import Finding, Form, FundLine, Indicator
from schemas.rules import RULES, RULES_BY_ID
from tests.conftest import PINNED_RULES


def fund(
    line: str,
    budget: str | None = None,
    executed: str | None = None,
    *,
    initial: str | None = None,
    weight: str | None = None,
    score: str | None = None,
    rate: str | None = None,
    seq: int = 1,
) -> FundLine:
    d = lambda s: D(s) if s is not None else None  # noqa: E731
    return FundLine(
        line=line,  # type: ignore[arg-type]
        line_seq=seq,
        label_raw={"total": "年度资金总额", "fiscal": "其中：当年财政拨款", "carryover": "上年结转资金"}.get(
            line, "其他资金"
        ),
        budget_initial=d(initial),
        budget_full_year=d(budget),
        executed=d(executed),
        weight=d(weight),
        score=d(score),
        weight_raw=weight,
        rate_reported=d(rate),
        rate_raw=None if rate is None else f"{D(rate) * 100}%",
    )


def ind(
    seq: int,
    level1: str,
    weight: str | None,
    score: str | None,
    *,
    target: str = "",
    actual: str = "",
    note: str | None = None,
    name: str = "指标",
) -> Indicator:
    return Indicator(
        seq=seq,
        level1=level1,
        level2=None,
        level3=f"{name}{seq}",
        target_raw=target or None,
        actual_raw=actual or None,
        target=parse_quantity(target),
        actual=parse_quantity(actual),
        weight=D(weight) if weight is not None else None,
        score=D(score) if score is not None else None,
        deviation_note=note,
    )


def standard_indicators() -> tuple[Indicator, ...]:
    """50 / 30 / 10 across the three level-1 blocks, every target met, full marks."""
    return (
        ind(1, "产出指标", "30", "30", target="≥10个", actual="10个"),
        ind(2, "产出指标", "20", "20", target="≥95%", actual="96%"),
        ind(3, "效益指标", "30", "30", target="明显提升", actual="达成年度指标"),
        ind(4, "满意度指标", "10", "10", target="≥90%", actual="95%"),
    )


def form(
    *,
    funds: tuple[FundLine, ...] | None = None,
    indicators: tuple[Indicator, ...] | None = None,
    total_score: str | None = "100",
    grade: str | None = None,
) -> Form:
    return Form(
        form_index=0,
        funds=funds
        if funds is not None
        else (fund("total", "100", "100", weight="10", score="10", rate="1"),),
        indicators=indicators if indicators is not None else standard_indicators(),
        total_score_reported=D(total_score) if total_score is not None else None,
        grade_reported=grade,
    )


def findings(f: Form, rule: str, profile: Profile = NATIONAL) -> list[Finding]:
    return [x for x in check_form(f, profile).findings if x.rule_id == rule]


def test_every_rule_is_declared_once_and_has_a_check() -> None:
    assert [r.id for r in RULES] == list(CHECKS)
    assert len(RULES_BY_ID) == len(RULES)
    for pinned in PINNED_RULES:
        assert pinned in RULES_BY_ID


def test_pinned_tolerances_and_severities() -> None:
    expect = {
        "EXEC_RATE": "0.5",
        "EXEC_SCORE": "0.1",
        "WEIGHT_SUM": "0.01",
        "TOTAL_SCORE": "0.1",
        "FUNDS_SUM": "0.01",
        "EXEC_OVER_BUDGET": "0.01",
    }
    for rule_id, tol in expect.items():
        assert RULES_BY_ID[rule_id].tolerance == D(tol)
    assert RULES_BY_ID["LEVEL1_WEIGHT"].severity == "warning"
    assert {r.severity for r in RULES} <= {"error", "warning"}


def test_a_clean_form_has_no_findings() -> None:
    assert check_form(form(), NATIONAL).findings == ()


def test_messages_are_chinese_with_the_rule_id_and_numbers() -> None:
    f = form(funds=(fund("total", "1009.86", "949.78", weight="10", score="10", rate="0.94"),))
    (x,) = findings(f, "EXEC_SCORE")
    assert x.message.startswith("【EXEC_SCORE】") and "9.41" in x.message and "10" in x.message


# ------------------------------------------------------------------ EXEC_RATE
@pytest.mark.parametrize(
    ("rate", "hits"),
    [("0.9405", 0), ("0.94", 0), ("0.9356", 0), ("0.9355", 1), ("0.9456", 1), ("1", 1)],
)
def test_exec_rate(rate: str, hits: int) -> None:
    # 949.78 / 1009.86 = 94.0507…%: 94.00 % is 0.05 pp off; 93.56 % is 0.4907 pp (inside), 93.55 % 0.5007 pp
    f = form(funds=(fund("total", "1009.86", "949.78", weight="10", score="9.41", rate=rate),))
    assert len(findings(f, "EXEC_RATE")) == hits


def test_exec_rate_edge_exactly_half_a_point_passes() -> None:
    f = form(funds=(fund("total", "200", "100", weight="10", score="5", rate="0.505"),))
    assert findings(f, "EXEC_RATE") == []
    f = form(funds=(fund("total", "200", "100", weight="10", score="5", rate="0.50501"),))
    assert len(findings(f, "EXEC_RATE")) == 1


def test_exec_rate_not_evaluable_without_budget() -> None:
    f = form(funds=(fund("total", "0", "0", weight="10", score="0", rate="0"),))
    assert findings(f, "EXEC_RATE") == [] and findings(f, "EXEC_SCORE") == []


# ------------------------------------------------------------------ EXEC_SCORE
@pytest.mark.parametrize(
    ("score", "over", "under"),
    [("9.5", 0, 0), ("9.6", 0, 0), ("9.4", 0, 0), ("9.61", 1, 0), ("9.39", 0, 1), ("10", 1, 0), ("5", 0, 1)],
)
def test_exec_score_by_direction(score: str, over: int, under: int) -> None:
    # over-scoring the execution is an error; under-scoring a warning
    f = form(funds=(fund("total", "200", "190", weight="10", score=score, rate="0.95"),))
    assert len(findings(f, "EXEC_SCORE")) == over
    assert len(findings(f, "EXEC_SCORE_UNDER")) == under
    assert all(x.severity == "warning" for x in findings(f, "EXEC_SCORE_UNDER"))


def test_exec_score_is_capped_at_the_weight() -> None:
    f = form(funds=(fund("total", "100", "120", weight="10", score="10", rate="1.2"),))
    assert findings(f, "EXEC_SCORE") == []
    f = form(funds=(fund("total", "100", "120", weight="10", score="12", rate="1.2"),))
    assert len(findings(f, "EXEC_SCORE")) == 1


def test_exec_score_assumes_no_weight_that_is_not_printed() -> None:
    # no 分值 printed, none in a label: not evaluated (the profile's 10 is not assumed)
    f = form(funds=(fund("total", "100", "50", score="10", rate="0.5"),))
    assert findings(f, "EXEC_SCORE", HUBEI) == [] and findings(f, "EXEC_SCORE", NATIONAL) == []


def test_exec_score_is_checked_on_the_line_that_carries_the_weight() -> None:
    # the total line prints no 分值; the fiscal line does, with its score
    f = form(
        funds=(
            fund("total", "200", "190", rate="0.95"),
            fund("fiscal", "200", "190", weight="10", score="10", rate="0.95", seq=2),
        )
    )
    (x,) = findings(f, "EXEC_SCORE")
    assert x.fund_line == "fiscal"
    # a sub-line whose 得分 column holds a rate is not the execution line: nothing is assumed
    f = form(
        funds=(
            fund("total", "200", "190", weight="10", score="9.5", rate="0.95"),
            fund("fiscal", "100", "94", score="94", rate="0.94", seq=2),
        )
    )
    assert findings(f, "EXEC_SCORE") == []


def test_exec_score_on_every_line_that_prints_its_own_weight() -> None:
    # Yunnan scores each fund line: the fiscal line's 8 × 96 % = 7.68 is claimed as 8
    f = form(
        funds=(
            fund("total", "500", "470", weight="10", score="9.4", rate="0.94"),
            fund("fiscal", "400", "384", weight="8", score="8", rate="0.96", seq=2),
            fund("carryover", "60", "48", weight="1", score="0.7", rate="0.8", seq=3),
            fund("other", "40", "38", weight="1", rate="0.95", seq=4),
        )
    )
    assert [x.fund_line for x in findings(f, "EXEC_SCORE")] == ["fiscal"]
    assert findings(f, "EXEC_SCORE_UNDER") == []  # 0.8 − 0.7 = 0.1 is within the tolerance
    assert [x.fund_line for x in findings(f, "EXEC_SCORE_BLANK")] == ["other"]


def test_exec_score_blank() -> None:
    f = form(funds=(fund("total", "200", "190", weight="10", rate="0.95"),))
    (x,) = findings(f, "EXEC_SCORE_BLANK")
    assert x.severity == "error" and x.fund_line == "total"
    assert findings(form(), "EXEC_SCORE_BLANK") == []


# ------------------------------------------------------------------ SCORE_RANGE
@pytest.mark.parametrize(("score", "hits"), [("10", 0), ("0", 0), ("10.01", 1), ("-0.5", 1)])
def test_score_range(score: str, hits: int) -> None:
    inds = (*standard_indicators()[:3], ind(4, "满意度指标", "10", score, note="原因"))
    assert len(findings(form(indicators=inds, total_score=None), "SCORE_RANGE")) == hits


# ------------------------------------------------------------------ WEIGHT_SUM
@pytest.mark.parametrize(("weight", "hits"), [("10", 0), ("10.01", 0), ("9.99", 0), ("10.02", 1), ("15", 1)])
def test_weight_sum(weight: str, hits: int) -> None:
    inds = (*standard_indicators()[:3], ind(4, "满意度指标", weight, weight))
    assert len(findings(form(indicators=inds, total_score=None), "WEIGHT_SUM")) == hits


def test_weight_sum_without_printed_exec_weight_uses_profile() -> None:
    f = form(funds=(fund("total", "100", "100", score="10", rate="1"),))
    assert findings(f, "WEIGHT_SUM") == []


# ------------------------------------------------------------------ TOTAL_SCORE
@pytest.mark.parametrize(("total", "hits"), [("100", 0), ("99.9", 0), ("100.1", 0), ("99.89", 1), ("95", 1)])
def test_total_score(total: str, hits: int) -> None:
    assert len(findings(form(total_score=total), "TOTAL_SCORE")) == hits


def test_total_score_needs_a_printed_total() -> None:
    assert findings(form(total_score=None), "TOTAL_SCORE") == []


# ------------------------------------------------------------------ DEVIATION_MISSING
@pytest.mark.parametrize(
    ("score", "note", "hits"),
    [
        ("10", None, 0),  # full marks: no reason needed
        ("9", "部分工程仍存在隐患，持续整改中", 0),
        ("9", None, 1),
        ("9", "无偏差", 1),
        ("9", "无", 1),
        ("9", "/", 1),
        ("9", "—", 1),
        ("9", "0", 1),
        ("9.99", "", 1),  # any deduction, however small
    ],
)
def test_deviation_missing(score: str, note: str | None, hits: int) -> None:
    inds = (*standard_indicators()[:3], ind(4, "满意度指标", "10", score, note=note))
    assert len(findings(form(indicators=inds, total_score=None), "DEVIATION_MISSING")) == hits


# ------------------------------------------------------------------ FUNDS_SUM
def test_funds_sum_passes_with_blanks_as_zero() -> None:
    f = form(
        funds=(
            fund("total", "100", "90", weight="10", score="9", rate="0.9"),
            fund("fiscal", "100", "90", seq=2),
            fund("carryover", seq=3),
        )
    )
    assert findings(f, "FUNDS_SUM") == []


def test_funds_sum_one_finding_per_column() -> None:
    f = form(
        funds=(
            fund("total", "1009.86", "949.78", initial="1009.86", weight="10", score="9.41", rate="0.94"),
            fund("fiscal", "949.78", "949.78", initial="949.78", seq=2),
        )
    )
    got = findings(f, "FUNDS_SUM")
    assert [x.fields for x in got] == [("budget_initial",), ("budget_full_year",)]
    assert all(x.fund_line == "total" for x in got)


@pytest.mark.parametrize(("part", "hits"), [("99.99", 0), ("100.01", 0), ("99.989", 1), ("100.011", 1)])
def test_funds_sum_tolerance(part: str, hits: int) -> None:
    f = form(
        funds=(fund("total", "100", "90", weight="10", score="9", rate="0.9"), fund("fiscal", part, seq=2))
    )
    assert len(findings(f, "FUNDS_SUM")) == hits


def test_funds_sum_needs_a_filled_part() -> None:
    f = form(funds=(fund("total", "100", "90", weight="10", score="9", rate="0.9"), fund("fiscal", seq=2)))
    assert findings(f, "FUNDS_SUM") == []


# ------------------------------------------------------------------ EXEC_OVER_BUDGET
@pytest.mark.parametrize(("executed", "hits"), [("100", 0), ("100.01", 0), ("100.011", 1), ("120", 1)])
def test_exec_over_budget(executed: str, hits: int) -> None:
    f = form(funds=(fund("total", "100", executed, weight="10", score="10", rate=str(D(executed) / 100)),))
    assert len(findings(f, "EXEC_OVER_BUDGET")) == hits


# ------------------------------------------------------------------ LEVEL1_WEIGHT / LEVEL1_MISSING
def test_level1_weight() -> None:
    assert findings(form(), "LEVEL1_WEIGHT") == []
    inds = (ind(1, "产出指标", "55", "55"), ind(2, "效益指标", "25", "25"), ind(3, "满意度指标", "10", "10"))
    got = findings(form(indicators=inds, total_score=None), "LEVEL1_WEIGHT")
    assert {x.severity for x in got} == {"warning"} and len(got) == 2


def test_level1_weight_tolerance_edge() -> None:
    inds = (
        ind(1, "产出指标", "50.01", "50"),
        ind(2, "效益指标", "29.99", "29"),
        ind(3, "满意度指标", "10", "10"),
    )
    assert findings(form(indicators=inds, total_score=None), "LEVEL1_WEIGHT") == []
    inds = (
        ind(1, "产出指标", "50.02", "50"),
        ind(2, "效益指标", "29.98", "29"),
        ind(3, "满意度指标", "10", "10"),
    )
    assert len(findings(form(indicators=inds, total_score=None), "LEVEL1_WEIGHT")) == 2


def test_level1_weight_groups_by_profile() -> None:
    inds = (ind(1, "产出指标", "40", "40"), ind(2, "效益指标", "30", "30"), ind(3, "满意度指标", "10", "10"))
    f = form(
        funds=(fund("total", "100", "100", weight="20", score="20", rate="1"),),
        indicators=inds,
        total_score=None,
    )
    assert findings(f, "LEVEL1_WEIGHT", HUBEI) == []
    assert len(findings(f, "LEVEL1_WEIGHT", NATIONAL)) == 2  # 产出 40 and exec 20; 效益, 满意度 ok


def test_level1_missing() -> None:
    assert findings(form(), "LEVEL1_MISSING") == []
    inds = (ind(1, "产出指标", "60", "60"), ind(2, "效益指标", "30", "30"))
    got = findings(form(indicators=inds, total_score=None), "LEVEL1_MISSING")
    assert len(got) == 1 and "满意度指标" in got[0].message
    assert (
        findings(form(indicators=()), "LEVEL1_MISSING") == []
    )  # no indicator table: a match warning instead


# ------------------------------------------------------------------ IND_QUANT_SCORE
@pytest.mark.parametrize(
    ("target", "actual", "score", "hits"),
    [
        ("≥100个", "100个", "10", 0),
        ("≥100个", "90个", "9", 0),
        ("≥100个", "90个", "9.1", 0),  # tolerance edge: 0.1
        ("≥100个", "90个", "9.11", 1),
        ("≥100个", "90个", "10", 1),
        ("43.2", "37.24", "9", 1),  # Langfang 2019: 8.62 printed as 9 (docs/rules.md#ind_quant_score)
        ("≤2小时", "3小时", "5", 0),  # linear: 1 − (3−2)/2 = 0.5 of 10
        ("≤2小时", "4小时", "0", 0),
        ("≤2小时", "3小时", "10", 1),
        ("=0起", "0起", "10", 0),
        ("=0起", "1起", "10", 1),
        ("≥95%", "96", "10", 0),  # actual printed without unit
        ("≥95%", "96万元", "1", 0),  # units differ: not comparable
        ("1-12月", "12月", "1", 0),  # a range is not scored by formula
        ("≥100个", "200个", "8", 0),  # overshoot may be cut (2020 rule)
    ],
)
def test_quant_score(target: str, actual: str, score: str, hits: int) -> None:
    inds = (
        *standard_indicators()[:3],
        ind(4, "满意度指标", "10", score, target=target, actual=actual, note="说明"),
    )
    assert len(findings(form(indicators=inds, total_score=None), "IND_QUANT_SCORE")) == hits


def test_reverse_formula_is_a_profile_parameter() -> None:
    assert formula_score("≤", D(2), D(3), D(10), NATIONAL)[0] == D(5)
    assert formula_score("≤", D(2), D(4), D(10), HUBEI)[0] == D(5)  # 10 × 2/4
    assert formula_score("≤", D(2), D(3), D(10), HUBEI)[0] == D(10) * D(2) / D(3)


# ------------------------------------------------------------------ IND_QUAL_BAND
@pytest.mark.parametrize(
    ("actual", "score", "profile", "above", "below"),
    [
        ("达成年度指标", "8", NATIONAL, 0, 0),
        ("达成年度指标", "7.99", NATIONAL, 0, 1),
        ("部分达成年度指标并具有一定效果", "6", NATIONAL, 0, 0),
        ("部分达成年度指标并具有一定效果", "8", NATIONAL, 1, 0),  # the upper bound is exclusive
        ("部分达成年度指标并具有一定效果", "5.9", NATIONAL, 0, 1),
        ("部分达成年度指标并具有一定效果", "5", HUBEI, 0, 0),  # Hubei's middle band starts at 50 %
        ("未达成年度指标且效果较差", "6", NATIONAL, 1, 0),
        ("未达成年度指标且效果较差", "5.99", NATIONAL, 0, 0),
        ("效果明显", "1", NATIONAL, 0, 0),  # wording that names no band: not evaluable
    ],
)
def test_qual_band_by_direction(actual: str, score: str, profile: Profile, above: int, below: int) -> None:
    inds = (
        *standard_indicators()[:3],
        ind(4, "满意度指标", "10", score, target="明显提升", actual=actual, note="说明"),
    )
    f = form(indicators=inds, total_score=None)
    assert len(findings(f, "IND_QUAL_BAND", profile)) == above
    assert len(findings(f, "IND_QUAL_UNDER", profile)) == below


def test_below_the_band_without_a_reason_is_left_to_deviation_missing() -> None:
    inds = (*standard_indicators()[:3], ind(4, "满意度指标", "10", "7", actual="达成年度指标", note="无"))
    f = form(indicators=inds, total_score=None)
    assert findings(f, "IND_QUAL_UNDER") == [] and len(findings(f, "DEVIATION_MISSING")) == 1


# ------------------------------------------------------------------ IND_OVERSHOOT
@pytest.mark.parametrize(
    ("actual", "score", "note", "profile", "hits"),
    [
        ("119个", "10", None, NATIONAL, 0),
        ("120个", "10", None, NATIONAL, 1),  # the threshold is inclusive
        ("120个", "10", "年初指标值设定偏低，明年调整", NATIONAL, 0),
        ("120个", "9", "按偏离度调减1分", NATIONAL, 0),
        ("125个", "10", None, PROFILES["guangxi"], 0),  # Guangxi: 130 %
        ("130个", "10", None, PROFILES["guangxi"], 1),
    ],
)
def test_overshoot(actual: str, score: str, note: str | None, profile: Profile, hits: int) -> None:
    inds = (
        *standard_indicators()[:3],
        ind(4, "满意度指标", "10", score, target="≥100个", actual=actual, note=note),
    )
    assert len(findings(form(indicators=inds, total_score=None), "IND_OVERSHOOT", profile)) == hits


# ------------------------------------------------------------------ GRADE_MISMATCH
@pytest.mark.parametrize(
    ("total", "grade", "hits"),
    [
        ("95", "优", 0),
        ("90", "优", 0),
        ("89.99", "优", 1),
        ("89.99", "良", 0),
        ("80", "良", 0),
        ("59", "中", 1),
        (None, "优", 0),
    ],
)
def test_grade(total: str | None, grade: str, hits: int) -> None:
    inds = standard_indicators()
    f = replace(form(indicators=inds), total_score_reported=D(total) if total else None, grade_reported=grade)
    assert len(findings(f, "GRADE_MISMATCH")) == hits


def test_grade_bands() -> None:
    assert [grade_of(D(x), NATIONAL) for x in ("100", "90", "89.9", "80", "79.99", "60", "59.5", "0")] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]
