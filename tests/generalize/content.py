"""The content of a form, apart from its template: what the generator renders in many templates.

A ``Content`` holds what a submitter types (names, money, goals, indicator rows, totals), never
how it is laid out. Contents come from three places:

* the sample forms' specs in ``sample_docs/build`` (imported by their public names, as
  ``bench/corpus.py`` does), converted from ``FormSpec``;
* a few specs of this suite's own (other projects, other indicator counts, qualitative and
  quantitative mixes), so that not every variant is a sample's content;
* ``synthetic(seed)``: a seeded, internally consistent form of 3–24 indicators.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sample_docs" / "build"))

import build  # noqa: E402
import pdf_variants  # noqa: E402
from layout import FormSpec  # noqa: E402

DASH = "—"


@dataclass(frozen=True, slots=True)
class FundRow:
    label: str
    initial: str = ""
    full_year: str = ""
    executed: str = ""
    weight: str = ""
    rate: str = ""
    score: str = ""


#: The money columns of a fund row, in the national template's order.
FUND_FIELDS = ("initial", "full_year", "executed", "weight", "rate", "score")


@dataclass(frozen=True, slots=True)
class IndRow:
    l1: str
    l2: str
    l3: str
    target: str = ""
    actual: str = ""
    weight: str = ""
    score: str = ""
    note: str = ""


#: The value columns of an indicator row, in the national template's order.
IND_FIELDS = ("target", "actual", "weight", "score", "note")


@dataclass(frozen=True, slots=True)
class Content:
    name: str
    year: str
    project_name: str
    department: str
    unit: str
    money_unit: str  # 万元 or 元
    funds: tuple[FundRow, ...]
    goal: tuple[str, str]
    indicators: tuple[IndRow, ...]
    total: tuple[str, str] | None = None  # (分值, 得分) of the 总分 row
    grade: str | None = None

    def without_initial(self) -> Content:
        """The same form with 年初预算数 left blank on every line (for the no-年初预算数 templates)."""
        return replace(
            self, name=f"{self.name}/no-initial", funds=tuple(replace(f, initial="") for f in self.funds)
        )


_TARGET = re.compile(r"^(≥|≤|≧|≦|>=|<=|＞＝|＜＝|>|<|＞|＜|=|═|﹦)?([0-9０-９][0-9０-９.．,，]*)(\D*)$")


def split_target(text: str) -> tuple[str, str, str]:
    """A value as a submitter types it over 指标性质 | 指标值 | 度量单位: ("≥", "4700", "人").
    Text that is not operator + number + unit stays whole in the middle cell. Always
    ``"".join(split_target(t)) == t``."""
    m = _TARGET.match(text)
    if m is None or "-" in text:
        return "", text, ""
    return m.group(1) or "", m.group(2), m.group(3)


# -------------------------------------------------------------------------------------------
# From the sample builder's specs
# -------------------------------------------------------------------------------------------
_FUND_HEADER = {
    "年初预算数": "initial",
    "全年预算数": "full_year",
    "全年执行数": "executed",
    "分值": "weight",
    "执行率": "rate",
    "得分": "score",
}


def _fund_field(header: str) -> str:
    key = re.sub(r"[（(].*?[)）]", "", header.replace("\n", ""))
    return _FUND_HEADER[key]


def from_spec(name: str, year: str, spec: FormSpec) -> Content:
    fields = [_fund_field(h) for h in spec.fund_headers]
    funds = tuple(FundRow(f.label, **dict(zip(fields, f.values, strict=True))) for f in spec.funds)
    rows = tuple(
        IndRow(l1.label, g.label, i.l3, i.target, i.actual, i.weight, i.score, i.note)
        for l1 in spec.levels
        for g in l1.groups
        for i in g.rows
    )
    unit = "元" if "（元）" in spec.money_label or "(元)" in spec.money_label else "万元"
    return Content(
        name,
        year,
        spec.project_name,
        spec.department,
        spec.unit,
        unit,
        funds,
        spec.goal,
        rows,
        spec.total,
        spec.grade,
    )


def _yongde() -> Content:
    """real_004_yongde_2022: money in 元, the target printed over 指标性质/指标值/度量单位."""
    rows = tuple(
        IndRow(l1, l2, l3, op + val + unit, actual, wt, sc)
        for l1, l2, l3, op, val, unit, actual, wt, sc in build.YONGDE_INDICATORS
    )
    goal = "确保每一个学生都能享受到国家政策福利,改善学生体质"
    return Content(
        "yongde",
        "2022",
        "义务教育营养改善计划专项资金",
        "永德县教育体育局",
        "永德县明朗中学",
        "元",
        (
            FundRow("年度资金总额", "", "387664.62", "387664.62", "10", "100%", "10"),
            FundRow("其中:当年财政\n拨款", "", "387664.62", "387664.62", DASH, "", DASH),
            FundRow("上年结转\n资金", "", "", "", DASH, "", DASH),
            FundRow("其他资金", DASH, DASH, DASH, DASH, "", DASH),
        ),
        (goal, goal),
        rows,
        ("100", "96"),
        "优",
    )


def _sichuan() -> Content:
    """extra_columns_sichuan: 财政专户管理资金 and 单位资金 lines, 合计 with 权重/得分."""
    rows = tuple(
        IndRow(l1, l2, l3, op + val + unit if val[:1].isdigit() else val, actual, wt, sc, note)
        for l1, l2, l3, op, val, unit, actual, wt, sc, note in build.SICHUAN_INDICATORS
    )
    return Content(
        "sichuan",
        "2023",
        "51000021R000000019951-乡村振兴人才培训项目",
        "青神县农业农村局",
        "青神县农业技术推广站",
        "万元",
        (
            FundRow("总额", "60", "60", "57", "10", "95%", "9.5"),
            FundRow("其中:财政资金", "50", "50", "48", "/", "/", "/"),
            FundRow("财政专户管理资金", "0", "0", "0", "/", "/", "/"),
            FundRow("单位资金", "10", "10", "9", "/", "/", "/"),
            FundRow("其他资金", "0", "0", "0", "/", "/", "/"),
        ),
        (
            "培训新型职业农民500人次，提升农业生产技能。",
            "培训新型职业农民520人次，参训人员技能考核合格率97%。",
        ),
        rows,
        ("100", "95.75"),
    )


# -------------------------------------------------------------------------------------------
# This suite's own contents
# -------------------------------------------------------------------------------------------
def _heritage() -> Content:
    """Mostly qualitative targets, a grade of 良, an 其他资金 line with money."""
    i = IndRow
    rows = (
        i("产出指标", "数量指标", "修缮文物保护单位", "3处", "3处", "15", "15", "无"),
        i("产出指标", "质量指标", "修缮工程质量", "符合文物保护规范", "达成年度指标", "15", "15", "无"),
        i(
            "产出指标",
            "时效指标",
            "修缮工程完工",
            "2023年10月底前",
            "部分完成",
            "10",
            "6",
            "雨季延长致两处工程停工，已调整工期至2024年3月",
        ),
        i("产出指标", "成本指标", "修缮经费控制", "控制在批复概算内", "达成年度指标", "10", "10", "无"),
        i("效益指标", "社会效益指标", "文物安全状况", "明显改善", "达成年度指标", "15", "15", "无"),
        i(
            "效益指标",
            "可持续影响指标",
            "文物保护长效机制",
            "建立健全",
            "部分达成年度指标并具有一定效果",
            "15",
            "11",
            "日常巡查制度未覆盖全部乡镇，下年度纳入考核",
        ),
        i("满意度指标", "服务对象满意度指标", "周边群众满意度", "≥85%", "90%", "10", "10", "无"),
    )
    return Content(
        "heritage",
        "2023",
        "文物保护单位修缮保护专项资金",
        "平遥县文化和旅游局",
        "平遥县文物保护中心",
        "万元",
        (
            FundRow("年度资金总额", "420", "460", "437", "10", "95%", "9.5"),
            FundRow("其中：当年财政拨款", "400", "400", "390", DASH, "97.5%", DASH),
            FundRow("上年结转资金", "", "40", "35", DASH, "87.5%", DASH),
            FundRow("其他资金", "20", "20", "12", DASH, "60%", DASH),
        ),
        (
            "完成3处县级以上文物保护单位本体修缮，消除重大安全隐患，建立文物日常巡查制度。",
            "3处文物本体修缮主体完成，其中2处通过验收；重大安全隐患全部消除，巡查制度在8个乡镇落实。",
        ),
        rows,
        ("100", "91.5"),
        "良",
    )


def _health() -> Content:
    """A long quantitative form (20 indicators, decimal weights), money in 元."""
    i = IndRow
    q = [
        ("数量指标", "建立居民电子健康档案", "≥45000份", "46210份"),
        ("数量指标", "65岁以上老年人健康管理", "≥5200人", "5350人"),
        ("数量指标", "高血压患者规范管理", "≥3800人", "3620人"),
        ("数量指标", "2型糖尿病患者规范管理", "≥1500人", "1532人"),
        ("数量指标", "0-6岁儿童健康管理", "≥4100人", "4188人"),
        ("数量指标", "孕产妇健康管理", "≥620人", "631人"),
        ("质量指标", "电子健康档案建档率", "≥90%", "92.4%"),
        ("质量指标", "适龄儿童疫苗接种率", "≥95%", "98.1%"),
        ("质量指标", "传染病报告及时率", "100%", "100%"),
        ("质量指标", "严重精神障碍患者规范管理率", "≥80%", "83%"),
        ("时效指标", "补助资金拨付时间", "1-12月", "1-12月"),
        ("时效指标", "突发公共卫生事件报告时限", "≤2小时", "1.5小时"),
        ("成本指标", "人均基本公共卫生服务补助", "≥89元", "89元"),
        ("成本指标", "项目总成本", "≤412.8万元", "405.6万元"),
    ]
    rows = [i("产出指标", l2, l3, t, a, "3.5", "3.5", "无") for l2, l3, t, a in q]
    rows[2] = replace(rows[2], score="3.33", note="部分患者外出务工，随访不到位，下年度推行远程随访")
    rows += [
        i("效益指标", "社会效益指标", "居民健康素养水平", "≥25%", "26.3%", "6", "6", "无"),
        i("效益指标", "社会效益指标", "重点人群健康服务覆盖", "明显提高", "达成年度指标", "6", "6", "无"),
        i("效益指标", "可持续影响指标", "基层医疗机构服务能力", "持续提升", "达成年度指标", "6", "6", "无"),
        i(
            "效益指标",
            "可持续影响指标",
            "健康档案使用率",
            "≥60%",
            "58%",
            "3",
            "2.9",
            "档案更新不及时，纳入月度考核",
        ),
        i("满意度指标", "服务对象满意度指标", "城乡居民满意度", "≥85%", "91%", "5", "5", "无"),
        i("满意度指标", "服务对象满意度指标", "家庭医生签约居民满意度", "≥85%", "88%", "5", "5", "无"),
    ]
    return Content(
        "health",
        "2022",
        "基本公共卫生服务项目补助资金",
        "汉寿县卫生健康局",
        "汉寿县疾病预防控制中心",
        "元",
        (
            FundRow("年度资金总额", "4,128,000.00", "4,128,000.00", "4,056,300.00", "10", "98.26%", "9.83"),
            FundRow(
                "其中：当年财政拨款", "4,128,000.00", "4,128,000.00", "4,056,300.00", DASH, "98.26%", DASH
            ),
            FundRow("上年结转资金", "", "", "", DASH, "", DASH),
            FundRow("其他资金", "", "", "", DASH, "", DASH),
        ),
        (
            "为辖区常住居民免费提供12类基本公共卫生服务，重点人群健康管理率达到国家要求。",
            "12类服务全部开展，重点人群健康管理率均达到或超过国家要求，高血压患者管理略低于目标。",
        ),
        tuple(rows),
        ("100", "99.56"),
    )


def _small() -> Content:
    """Four indicators, no 年初预算数, weights that are not whole numbers, no deviation notes."""
    i = IndRow
    return Content(
        "small",
        "2021",
        "社区消防站运维经费",
        "华容区应急管理局",
        "华容区消防救援大队",
        "万元",
        (
            FundRow("年度资金总额", "", "36", "36", "10", "100%", "10"),
            FundRow("其中：当年财政拨款", "", "36", "36", "", "100%", ""),
        ),
        ("保障4个社区消防站全年正常运转。", "4个社区消防站全年正常运转，出警126次。"),
        (
            i("产出指标", "数量指标", "运维社区消防站", "4个", "4个", "22.5", "22.5"),
            i("产出指标", "时效指标", "接警出动时间", "≤5分钟", "4分钟", "22.5", "22.5"),
            i("效益指标", "社会效益指标", "火灾事故发生率", "较上年下降", "达成年度指标", "35", "35"),
            i("满意度指标", "服务对象满意度指标", "社区居民满意度", "≥90%", "95%", "10", "10"),
        ),
        ("100", "100"),
        "优",
    )


# -------------------------------------------------------------------------------------------
# Synthetic contents: seeded, internally consistent
# -------------------------------------------------------------------------------------------
_PROJECTS = (
    ("高标准农田建设项目", "临澧县农业农村局", "临澧县农田建设服务中心"),
    ("城市污水管网改造补助", "南充市住房和城乡建设局", "南充市排水管理处"),
    ("中小学教师培训经费", "仁寿县教育和体育局", "仁寿县教师进修学校"),
    ("残疾人康复救助资金", "射洪市残疾人联合会", "射洪市残疾人康复中心"),
    ("森林防火专项经费", "荥经县林业局", "荥经县森林防火指挥部办公室"),
    ("公共就业服务补助资金", "湘乡市人力资源和社会保障局", "湘乡市就业服务中心"),
)
# (二级, 三级, how the target reads: "n" number+unit, "p" percent, "q" qualitative, "r" range)
_POOL = {
    "产出指标": (
        ("数量指标", "培训人次", "n", "人次"),
        ("数量指标", "新建改建设施", "n", "座"),
        ("数量指标", "覆盖行政村", "n", "个"),
        ("数量指标", "改造管网长度", "n", "公里"),
        ("质量指标", "验收合格率", "p", ""),
        ("质量指标", "服务达标率", "p", ""),
        ("时效指标", "任务完成时间", "q", ""),
        ("时效指标", "服务时段", "r", "月"),
        ("成本指标", "单位建设成本", "c", "万元"),
    ),
    "效益指标": (
        ("经济效益指标", "带动群众增收", "p", ""),
        ("社会效益指标", "政策知晓率", "p", ""),
        ("社会效益指标", "群众生产生活条件", "q", ""),
        ("生态效益指标", "生态环境质量", "q", ""),
        ("可持续影响指标", "长效管护机制", "q", ""),
        ("可持续影响指标", "设施使用年限", "n", "年"),
    ),
    "满意度指标": (
        ("服务对象满意度指标", "受益群众满意度", "p", ""),
        ("服务对象满意度指标", "服务对象满意度", "p", ""),
    ),
}
_QUAL = (("明显改善", "达成年度指标"), ("建立健全", "达成年度指标"), ("按期完成", "按期完成"))


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _indicator(rng: random.Random, l1: str, weight: float, pick: tuple[str, str, str, str]) -> IndRow:
    l2, l3, kind, unit = pick
    short = rng.random() < 0.25
    ratio = rng.uniform(0.7, 0.99) if short else 1.0
    if kind == "n":
        n = rng.randint(3, 5000)
        target, actual = f"≥{n}{unit}", f"{round(n * ratio) if short else n + rng.randint(0, n // 10)}{unit}"
    elif kind == "p":
        p = rng.choice((80, 85, 90, 95, 98, 100))
        target, actual = (f"≥{p}%" if p < 100 else "100%"), f"{_num(p * ratio) if short else p}%"
    elif kind == "c":
        c = rng.randint(5, 300) / 10
        target, actual = f"≤{_num(c)}{unit}", f"{_num(c / ratio if short else c * 0.95)}{unit}"
    elif kind == "r":
        target = actual = f"1-12{unit}"
        short = False
    else:
        target, actual = rng.choice(_QUAL)
        if short:
            actual = "部分达成年度指标并具有一定效果"
    w = _num(weight)
    score = _num(weight * ratio) if short else w
    note = (
        rng.choice(("受天气影响进度滞后，已调整计划", "部分资金未及时到位，下年度加强调度"))
        if short
        else rng.choice(("无", "", "无偏差"))
    )
    return IndRow(l1, l2, l3, target, actual, w, score, note)


def synthetic(seed: int) -> Content:
    rng = random.Random(f"content-{seed}")
    project, dept, unit = rng.choice(_PROJECTS)
    n = rng.randint(3, 24)
    n_out = max(1, round(n * 0.55))
    n_sat = 1 if n < 8 else 2
    n_ben = max(1, n - n_out - n_sat)
    split = ((n_out, "产出指标", 50), (n_ben, "效益指标", 30), (n_sat, "满意度指标", 10))
    rows: list[IndRow] = []
    for count, l1, points in split:
        each = [round(points / count * 2) / 2] * count
        each[0] = points - sum(each[1:])
        pool = _POOL[l1]
        picks = rng.sample(pool, min(count, len(pool))) + rng.choices(pool, k=max(0, count - len(pool)))
        group = [_indicator(rng, l1, w, pick) for w, pick in zip(each, picks, strict=True)]
        rows += sorted(group, key=lambda r: [g[0] for g in _POOL[l1]].index(r.l2))
    budget = rng.randint(20, 9000) / 10
    carry = rng.choice((0, 0, round(budget * 0.1, 1)))
    executed = round((budget + carry) * rng.uniform(0.8, 1.0), 2)
    rate = executed / (budget + carry)
    exec_score = round(10 * rate, 2)
    funds = (
        FundRow(
            "年度资金总额",
            _num(budget),
            _num(budget + carry),
            _num(executed),
            "10",
            f"{rate:.2%}",
            _num(exec_score),
        ),
        FundRow(
            "其中：当年财政拨款", _num(budget), _num(budget), _num(executed - carry * 0.9), DASH, "", DASH
        ),
        FundRow(
            "上年结转资金",
            "",
            _num(carry) if carry else "",
            _num(carry * 0.9) if carry else "",
            DASH,
            "",
            DASH,
        ),
        FundRow("其他资金", "", "", "", DASH, "", DASH),
    )
    total = _num(exec_score + sum(float(r.score) for r in rows))
    return Content(
        f"synthetic-{seed}",
        str(rng.choice((2021, 2022, 2023))),
        project,
        dept,
        unit,
        "万元",
        funds,
        (f"按计划实施{project}，完成年度各项任务。", f"{project}年度任务基本完成，资金执行率{rate:.0%}。"),
        tuple(rows),
        ("100", total),
    )


@cache
def named() -> dict[str, Content]:
    """The named contents: the samples' and this suite's own, by name."""
    specs: list[tuple[str, str, Any]] = [
        ("seed_datong", "2021", build.seed_spec()),
        ("road", "2022", build.road_spec()),
        ("chizhou", "2022", build.chizhou_spec()),
        ("langfang", "2019", build.langfang_spec()),
        ("subsidy", "2022", build.subsidy_spec()),
        ("sanitation", "2022", build.sanitation_spec()),
        ("spreadsheet", "2023", pdf_variants.spreadsheet_spec()),
        ("landscape", "2022", pdf_variants.landscape_spec()),
    ]
    out = {name: from_spec(name, year, spec) for name, year, spec in specs}
    for c in (_yongde(), _sichuan(), _heritage(), _health(), _small()):
        out[c.name] = c
    return out


def content(name: str) -> Content:
    """A content by name: a named one, ``synthetic-<seed>``, or either with ``/no-initial``."""
    base, _, variant = name.partition("/")
    c = synthetic(int(base.split("-", 1)[1])) if base.startswith("synthetic-") else named()[base]
    return c.without_initial() if variant == "no-initial" else c
