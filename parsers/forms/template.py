"""Which template a form was filled in, from the labels it prints
(docs/rules.md#template-variants-and-sibling-forms).

The template decides the rule profile a form is judged under (``schemas.profiles``), unless
``--profile`` forces one. Cues, strongest first:

* **hubei** — the budget block's weight printed as 20 points (预算执行情况（20分）, 得分(20分*执行率)),
  年度绩效目标（80分）, the Hubei columns 偏差大或目标未完成原因分析 / 改进措施及结果应用方案, or 湖北
  in the title;
* **sichuan** — 报表编号 (the system export), the title 部门预算项目支出绩效自评表, 绩效指标（90分）,
  or the Sichuan indicator columns 指标性质 and 度量单位 with 未完成原因分析 or 财政专户管理资金;
* **yunnan** — the 决算 公开表 layout: 指标性质 | 指标值 | 度量单位 under 年度指标值, with
  服务对象满意度指标等;
* **national** — everything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_POINTS = re.compile(r"(\d+)分")


def _points(key: str, word: str) -> int | None:
    if word not in key:
        return None
    m = _POINTS.search(key)
    return int(m.group(1)) if m else None


def template_of(keys: Iterable[str], title: str | None) -> str:
    """The template of a form whose cells and title read ``keys`` (label keys) and ``title``."""
    ks = set(keys)
    title_key = title or ""
    if "湖北" in title_key:
        return "hubei"
    for k in ks:
        if _points(k, "预算执行情况") == 20 or _points(k, "执行率") == 20 or _points(k, "年度绩效目标") == 80:
            return "hubei"
    if "偏差大或目标未完成原因分析" in ks or "改进措施及结果应用方案" in ks:
        return "hubei"
    if "报表编号" in ks or "部门预算项目支出绩效自评表" in title_key or "四川" in title_key:
        return "sichuan"
    if any(_points(k, "绩效指标") == 90 for k in ks):
        return "sichuan"
    if {"指标性质", "度量单位"} <= ks and ("未完成原因分析" in ks or "财政专户管理资金" in ks):
        return "sichuan"
    if {"指标性质", "度量单位"} <= ks and any(k.startswith("服务对象满意度指标等") for k in ks):
        return "yunnan"
    return "national"
