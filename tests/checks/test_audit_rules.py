"""The rules a 复核 applies (issue 11): severity by direction, blanks, money against results,
words against scores, deadlines, how indicators were set — each with a passing case, a failing
case and its edge (docs/rules.md#rules)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from pipeline.checks.indicators import formula_score
from schemas.profiles import HUBEI, NATIONAL, SICHUAN
from schemas.records import Indicator
from tests.checks.test_rules import findings, form, fund, ind, standard_indicators


def with_fourth(i4: Indicator, **kw: object) -> list[object]:
    inds = (*standard_indicators()[:3], i4)
    return form(indicators=inds, total_score=None, **kw)  # type: ignore[arg-type,return-value]


# ------------------------------------------------------------------ IND_QUANT_SCORE / _UNDER
@pytest.mark.parametrize(
    ("score", "note", "over", "under"),
    [
        ("9.5", "说明", 0, 0),  # 10 × 95/100 = 9.5
        ("9.6", "说明", 0, 0),  # on the tolerance
        ("9.61", "说明", 1, 0),  # over the formula: an error
        ("9.39", "进度滞后", 0, 1),  # under it with a reason: a warning
        ("9.39", "无", 0, 0),  # under it without a reason: DEVIATION_MISSING's, not counted twice
    ],
)
def test_quant_score_by_direction(score: str, note: str, over: int, under: int) -> None:
    f = with_fourth(ind(4, "满意度指标", "10", score, target="≥100%", actual="95%", note=note))
    assert len(findings(f, "IND_QUANT_SCORE")) == over
    assert len(findings(f, "IND_QUANT_UNDER")) == under
    assert all(x.severity == "warning" for x in findings(f, "IND_QUANT_UNDER"))


def test_a_target_of_zero_or_more_is_met_by_any_actual() -> None:
    assert formula_score("≥", D(0), D(3), D(10), NATIONAL)[0] == D(10)
    assert formula_score("=", D(0), D(3), D(10), NATIONAL)[0] == D(0)  # "= 0" is missed by 3
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥0个", actual="3个"))
    assert findings(f, "IND_QUANT_SCORE") == []


def test_a_percentage_against_a_bare_ratio_is_read_as_a_percentage() -> None:
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥95%", actual="0.96"))
    assert findings(f, "IND_QUANT_SCORE") == [] and findings(f, "IND_QUANT_UNDER") == []
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥95%", actual="0.90"))
    (x,) = findings(f, "IND_QUANT_SCORE")
    assert "按90%比较" in x.message


def test_the_ratio_reverse_formula_never_divides_by_zero() -> None:
    assert formula_score("≤", D(-1), D(0), D(10), HUBEI)[0] == D(0)


# ------------------------------------------------------------------ blanks
def test_a_weighted_indicator_without_a_score() -> None:
    f = with_fourth(ind(4, "满意度指标", "10", None, target="≥90%", actual="95%"))
    (x,) = findings(f, "IND_SCORE_BLANK")
    assert x.severity == "error" and x.indicator_seq == 4
    f = with_fourth(ind(4, "满意度指标", None, None, target="≥90%", actual="95%"))
    assert findings(f, "IND_SCORE_BLANK") == []  # no weight: nothing was due


def test_a_weighted_indicator_without_an_actual() -> None:
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥90%"))
    assert len(findings(f, "IND_ACTUAL_BLANK")) == 1
    assert (
        findings(
            with_fourth(ind(4, "满意度指标", "10", "10", target="≥90%", actual="95%")), "IND_ACTUAL_BLANK"
        )
        == []
    )


def test_a_form_without_a_total_and_a_total_with_blank_scores() -> None:
    assert len(findings(form(total_score=None), "TOTAL_BLANK")) == 1
    assert findings(form(), "TOTAL_BLANK") == []
    inds = (*standard_indicators()[:3], ind(4, "满意度指标", "10", None, target="≥90%", actual="95%"))
    (x,) = findings(form(indicators=inds), "TOTAL_SCORE")  # 100 printed, 90 summed
    assert "1项指标得分为空" in x.message


# ------------------------------------------------------------------ words against numbers
def test_a_quantitative_target_answered_in_words() -> None:
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥1591平方米", actual="未完成"))
    assert len(findings(f, "IND_QUANT_TEXT")) == 1
    assert (
        findings(
            with_fourth(ind(4, "满意度指标", "10", "10", target="明显提升", actual="未完成")),
            "IND_QUANT_TEXT",
        )
        == []
    )


@pytest.mark.parametrize(
    ("score", "note", "actual", "hits"),
    [
        ("10", "工程进度滞后，年底未完成验收", "95%", 1),
        ("10", "无", "未达到预期", 1),
        ("9", "工程进度滞后", "95%", 0),  # points deducted: consistent with the words
        ("10", "已全部完成", "100%", 0),
    ],
)
def test_full_marks_while_the_text_admits_a_shortfall(score: str, note: str, actual: str, hits: int) -> None:
    f = with_fourth(ind(4, "满意度指标", "10", score, target="明显提升", actual=actual, note=note))
    assert len(findings(f, "FULL_MARKS_SHORTFALL")) == hits


@pytest.mark.parametrize(
    ("target", "actual", "score", "hits"),
    [
        ("2022年12月底前", "2023年1月完成", "10", 1),
        ("2022年12月底前", "2022年12月完成", "10", 0),  # the same month is in time
        ("2022年12月15日前", "2022年12月20日", "10", 1),
        ("2022年12月底前", "2023年1月完成", "8", 0),  # points were deducted
        ("按月安排", "按月完成", "10", 0),  # no dates to compare
    ],
)
def test_a_late_deadline_scored_in_full(target: str, actual: str, score: str, hits: int) -> None:
    i4 = replace(
        ind(4, "产出指标", "10", score, target=target, actual=actual, note="说明"), level2="时效指标"
    )
    assert len(findings(with_fourth(i4), "DEADLINE_LATE")) == hits


# ------------------------------------------------------------------ money against results
@pytest.mark.parametrize(("actual", "hits"), [("95万元", 0), ("95.01万元", 0), ("95.02万元", 1), ("90", 1)])
def test_total_cost_against_execution(actual: str, hits: int) -> None:
    i4 = replace(
        ind(4, "产出指标", "10", "10", target="≤100万元", actual=actual),
        level2="成本指标",
        level3="项目总成本",
    )
    f = with_fourth(i4, funds=(fund("total", "100", "95", weight="10", score="9.5", rate="0.95"),))
    assert len(findings(f, "COST_VS_EXEC")) == hits


def test_a_unit_cost_is_not_compared_with_execution() -> None:
    i4 = replace(
        ind(4, "产出指标", "10", "10", target="≤0.6万元", actual="0.58万元"),
        level2="成本指标",
        level3="每公里养护成本",
    )
    f = with_fourth(i4, funds=(fund("total", "100", "95", weight="10", score="9.5", rate="0.95"),))
    assert findings(f, "COST_VS_EXEC") == []


@pytest.mark.parametrize(("executed", "hits"), [("89", 1), ("90", 0)])
def test_low_execution_with_every_output_at_full_marks(executed: str, hits: int) -> None:
    f = form(
        funds=(
            fund(
                "total",
                "100",
                executed,
                weight="10",
                score=str(D(executed) / 10),
                rate=str(D(executed) / 100),
            ),
        )
    )
    assert len(findings(f, "EXEC_LOW_FULL_OUTPUT")) == hits
    # an output indicator that lost points: consistent with low execution
    inds = (
        ind(1, "产出指标", "30", "25", target="≥10个", actual="8个", note="资金未到位"),
        *standard_indicators()[1:],
    )
    f = form(funds=f.funds, indicators=inds)
    assert findings(f, "EXEC_LOW_FULL_OUTPUT") == []


# ------------------------------------------------------------------ how the indicators were set
def test_no_cost_indicator_from_2021() -> None:
    assert len(findings(replace(form(), year=2021), "COST_MISSING")) == 1
    assert findings(replace(form(), year=2020), "COST_MISSING") == []
    inds = (
        *standard_indicators(),
        replace(ind(5, "产出指标", "0", "0", target="≤1万元", actual="1万元"), level2="成本指标"),
    )
    assert findings(replace(form(indicators=inds), year=2022), "COST_MISSING") == []


@pytest.mark.parametrize(("weight", "hits"), [("30", 0), ("30.01", 1), ("90", 1)])
def test_one_indicator_carrying_too_much(weight: str, hits: int) -> None:
    f = with_fourth(ind(4, "满意度指标", weight, weight, target="≥90%", actual="95%"))
    assert len(findings(f, "WEIGHT_CONCENTRATION")) == hits
    assert len(findings(f, "WEIGHT_CONCENTRATION", SICHUAN)) == hits  # the same share in Sichuan


@pytest.mark.parametrize(("target", "hits"), [("≥90%", 0), ("满意", 1), ("100", 1)])
def test_satisfaction_measured_as_a_rate(target: str, hits: int) -> None:
    f = with_fourth(ind(4, "满意度指标", "10", "10", target=target, actual="95%"))
    assert len(findings(f, "SATISFACTION_NO_RATE")) == hits


@pytest.mark.parametrize(("target", "hits"), [("≥**人", 1), ("(≥××个)", 1), ("≥50人", 0)])
def test_template_leftovers(target: str, hits: int) -> None:
    f = with_fourth(ind(4, "满意度指标", "10", "10", target=target, actual="95%"))
    assert len(findings(f, "TEMPLATE_LEFTOVER")) == hits


def test_a_finding_about_an_exact_quotient_fits_the_dataset() -> None:
    # 87.654321…% execution: the finding's actual is the exact rate, stored with 8 decimals
    f = form(funds=(fund("total", "81", "71", weight="10", score=str(D(710) / D(81))[:6], rate="0.8765"),))
    (x,) = findings(f, "EXEC_LOW_FULL_OUTPUT")
    assert x.actual is not None and -x.actual.as_tuple().exponent <= 8  # type: ignore[operator]


def test_the_documented_edges_of_the_review_rules() -> None:
    # a dash in the execution score's cell is a blank where a weight is printed
    line = replace(fund("total", "200", "190", weight="10", rate="0.95"), score_raw="—")
    assert len(findings(form(funds=(line,)), "EXEC_SCORE_BLANK")) == 1
    # words with a number in them are no answer "in words only"
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="≥95%", actual="达到95%"))
    assert findings(f, "IND_QUANT_TEXT") == []
    # a denied shortfall is no shortfall
    f = with_fourth(
        ind(4, "满意度指标", "10", "10", target="明显提升", actual="达成年度指标", note="未出现延期")
    )
    assert findings(f, "FULL_MARKS_SHORTFALL") == []
    # a range of percentages is a rate
    f = with_fourth(ind(4, "满意度指标", "10", "10", target="90%-100%", actual="95%"))
    assert findings(f, "SATISFACTION_NO_RATE") == []
    # a "……" row kept with values is a leftover of the template
    i4 = replace(ind(4, "满意度指标", "10", "10", target="≥90%", actual="95%"), level3=None, level3_raw="……")
    assert len(findings(with_fourth(i4), "TEMPLATE_LEFTOVER")) == 1


def test_a_deadline_without_a_year_is_in_the_forms_year() -> None:
    i4 = replace(
        ind(4, "产出指标", "10", "10", target="12月底前", actual="2023年1月完成", note="说明"),
        level2="时效指标",
    )
    assert len(findings(replace(with_fourth(i4), year=2022), "DEADLINE_LATE")) == 1  # type: ignore[type-var]
