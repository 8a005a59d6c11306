"""String → number parsing: the one module where it happens (docs/rules.md#how-values-are-written)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from parsers.numbers import (
    is_blank,
    money_unit_of,
    parse_decimal,
    parse_money,
    parse_operator,
    parse_points,
    parse_quantity,
    parse_rate,
    parse_year,
    percent,
    plain,
)
from schemas.records import Quantity


@pytest.mark.parametrize("text", ["", None, "—", "——", "-", "/", "／", "无", "……", "…", " ", "\u3000"])
def test_blank(text: str | None) -> None:
    assert is_blank(text)
    assert parse_quantity(text) == Quantity("blank")


@pytest.mark.parametrize("text", ["0", "无偏差", "10", "完成"])
def test_not_blank(text: str) -> None:
    assert not is_blank(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", D("10")),
        ("9.5", D("9.5")),
        ("１０", D("10")),
        ("1,009.86", D("1009.86")),
        ("１，２００.５０", D("1200.50")),
        ("-3", D("-3")),
        ("10分", None),  # units only where allowed
        ("abc", None),
        ("1,00", None),  # not a thousands grouping
        ("12.3456789", D("12.3456789")),
        ("0.123456789", None),  # more decimals than the dataset stores
        ("1234567890123456789", None),  # an id, not a quantity
    ],
)
def test_parse_decimal(text: str, expected: D | None) -> None:
    assert parse_decimal(text) == expected


def test_points_accept_fen() -> None:
    assert parse_points("10分") == D("10")
    assert parse_points("８.５") == D("8.5")
    assert parse_points("—") is None


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1009.86", "万元", D("1009.86")),
        ("387664.62", "元", D("38.766462")),
        ("7,800,000.00", "元", D("780")),
        ("949.78万元", "元", D("949.78")),  # a unit printed in the cell wins
        ("1,306,800.50", "元", D("130.680050")),
        ("—", "万元", None),
        ("约100", "万元", None),
    ],
)
def test_parse_money_is_exact(text: str, unit: str, expected: D | None) -> None:
    got = parse_money(text, unit)
    assert got == expected
    if got is not None:
        assert got == D(str(got))  # exact, no binary float on the way


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("94%", D("0.94")),
        ("94.05％", D("0.9405")),
        ("９５％", D("0.95")),
        ("100", D("1")),
        ("86", D("0.86")),
        ("0", D("0")),
        ("0.94", None),  # ratio or 0.94 %? ambiguous: never guess
        ("1", None),
        ("—", None),
        ("高", None),
    ],
)
def test_parse_rate(text: str, expected: D | None) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("（   2021 年度）", 2021),
        ("填列单位（公章）：      （ 2021 年度）", 2021),
        ("2019年度)", 2019),
        ("2022年度项目支出绩效自评表", 2022),
        ("（２０２２年度）", 2022),
        ("项目支出绩效自评表", None),
        ("1880年", None),
    ],
)
def test_parse_year(text: str, year: int | None) -> None:
    assert parse_year(text) == year


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("≥50个", "≥", D(50), "个"),
        ("≧735人次", "≥", D(735), "人次"),
        (">=95%", "≥", D(95), "%"),
        ("＞＝９８％", "≥", D(98), "%"),
        ("≥100百分比", "≥", D(100), "%"),
        ("98%以上", "≥", D(98), "%"),
        ("不低于２６００人", "≥", D(2600), "人"),
        ("≤90万元", "≤", D(90), "万元"),
        ("≦5次", "≤", D(5), "次"),
        ("不超过10次", "≤", D(10), "次"),
        ("３０天以内", "≤", D(30), "天"),
        ("=100", "=", D(100), None),
        ("═100%", "=", D(100), "%"),
        ("﹦100%", "=", D(100), "%"),
        ("＞3", ">", D(3), None),
        ("<2小时", "<", D(2), "小时"),
        ("11个区县", None, D(11), "个区县"),
        ("901.58", None, D("901.58"), None),
        ("10 台套", None, D(10), "台套"),
        ("≤7元/平方米", "≤", D(7), "元/平方米"),
    ],
)
def test_quantity_numbers(text: str, op: str | None, value: D, unit: str | None) -> None:
    q = parse_quantity(text)
    assert (q.kind, q.op, q.value, q.unit) == ("number", op, value, unit)


def test_quantity_qualifier_kept() -> None:
    q = parse_quantity("约12000平方米")
    assert (q.kind, q.value, q.unit, q.qualifier) == ("number", D(12000), "平方米", "约")


@pytest.mark.parametrize(
    ("text", "lo", "hi", "unit"),
    [("1-12月", D(1), D(12), "月"), ("3—11月", D(3), D(11), "月"), ("90%-100%", D(90), D(100), "%")],
)
def test_quantity_ranges(text: str, lo: D, hi: D, unit: str) -> None:
    q = parse_quantity(text)
    assert (q.kind, q.op, q.value, q.value_max, q.unit) == ("range", None, lo, hi, unit)


@pytest.mark.parametrize(
    "text",
    [
        "既定提升目标",
        "达成预期指标",
        "扬尘治理六个100%",
        "2021年4月15日",
        "2022年11月底前",
        "12月底之前完成",
        "在项目计划完成时间内完成",
        "≥5个以内",  # contradictory operators
        "11个区县 5次",
    ],
)
def test_quantity_text(text: str) -> None:
    q = parse_quantity(text)
    assert q.kind == "text" and q.value is None and q.op is None and q.unit is None


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("≧", "≥"),
        ("═", "="),
        ("=", "="),
        ("≤", "≤"),
        ("反向指标", "≤"),
        ("正向", "≥"),
        ("定性", None),
        ("", None),
    ],
)
def test_operator_column(text: str, op: str | None) -> None:
    assert parse_operator(text) == op


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("项目资金\n（万元）", "万元"),
        ("项目资金(元)", "元"),
        ("单位：元", "元"),
        ("金额单位:万元", "万元"),
        ("全年预算数（万元）", "万元"),
        ("项目资金", None),
        ("元旦慰问", None),
    ],
)
def test_money_unit_of(text: str, unit: str | None) -> None:
    assert money_unit_of(text) == unit


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1843.2万元", "number"),
        ("2021-04-15", "text"),
        ("2021.4.15", "text"),
        ("2023年12月前", "text"),
        ("2022.5", "number"),
    ],
)
def test_dates_are_text_and_decimals_are_numbers(text: str, kind: str) -> None:
    assert parse_quantity(text).kind == kind


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("10"), None, "10"),
        (D("1E+2"), None, "100"),
        (D("9.405"), 2, "9.41"),
        (D("0E-8"), None, "0"),
        (D("0.000001"), None, "0.000001"),
        (D("125.000000"), None, "125"),
        (D("-0.001"), 2, "0"),
    ],
)
def test_plain_numbers_have_no_exponent_and_no_trailing_zeros(
    value: D, places: int | None, text: str
) -> None:
    assert plain(value, places) == text


def test_percent() -> None:
    assert percent(D("0.9405071"), 2) == "94.05%" and percent(D(1)) == "100%"
