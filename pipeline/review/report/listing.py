"""表单列表: the list of forms, drawn by the report's script from data (one record per form) a page
of rows at a time, so the DOM stays small for any number of forms; filtered by text, 错误,
需复核, rule, 主管部门 and 年度, sortable by column, worst first by default (the records' order).

The records are data, never markup: in the one-file report a ``<script type="application/json">``
block (not executed, so outside the script policy; ``<`` escaped so no text closes it), in the
multi-file report ``.js`` files that hand them to ``jixiaoForms(...)`` (loaded by ``<script src>``,
which works from ``file://`` where ``fetch`` does not)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Final

from pipeline.review.display import visible
from pipeline.review.report.html import esc, num, percent
from pipeline.review.report.model import RULE_ID, FormView
from schemas.rules import RULES, RULES_BY_ID

#: Rows of the list drawn at once.
PAGE_ROWS: Final = 100
#: The fields of a record, in order (the script reads them by position).
FIELDS: Final = (
    "href",
    "name",
    "department",
    "unit",
    "year",
    "score",
    "rate",
    "rate_shown",
    "errors",
    "warnings",
    "review",
    "rules",
    "path",
)


def record(v: FormView, href: str) -> list[object]:
    f = v.row
    note = f"（第{int(f['form_index']) + 1}张）" if int(f["form_index"]) > 0 else ""
    rules = " ".join(sorted(r for r in v.rules if RULE_ID.fullmatch(r)))
    return [
        href,
        shown(f["project_name"]),
        shown(f["department"]),
        shown(f["implementing_unit"]),
        f["year"],
        num(f["total_score_reported"]),
        num(f["exec_rate_computed"]),
        percent(f["exec_rate_computed"]),
        v.n_errors,
        v.n_warnings,
        1 if f.get("needs_review") else 0,
        rules,
        shown(f"{f['source_path']}{note}"),
    ]


def shown(text: str | None) -> str:
    """Text as the report shows it: control and bidi characters as ⟨U+202E⟩, never applied
    (the script sets it as ``textContent``; it is never parsed as markup)."""
    return visible(text or "", newlines=True)


def to_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element and as JavaScript source: no ``<``, ``>`` or ``&``
    as such (escaped as ``\\u003c`` …), so no text from a form can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def forms_list(forms: list[FormView], page_rows: int = PAGE_ROWS) -> str:
    """The list's frame: filters, the table head and an empty body the script fills."""
    rules_present: Counter[str] = Counter(r for v in forms for r in v.rules)
    order = {r.id: i for i, r in enumerate(RULES)}
    rule_options = "".join(
        f'<option value="{rule_id}">{rule_id} {esc(RULES_BY_ID[rule_id].title_zh)}（{n}张）</option>'
        for rule_id, n in sorted(rules_present.items(), key=lambda kv: order.get(kv[0], 999))
        if rule_id in RULES_BY_ID
    )
    depts = Counter(v.row["department"] or "" for v in forms)
    dept_options = "".join(
        f'<option value="{esc(d)}">{esc(d) if d else "（未填主管部门）"}（{n}张）</option>'
        for d, n in sorted(depts.items())
    )
    years = Counter(v.row["year"] for v in forms)
    year_options = "".join(
        f'<option value="{"" if y is None else y}">{"（未填年度）" if y is None else y}（{n}张）</option>'
        for y, n in sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    )
    n_err = sum(1 for v in forms if v.n_errors)
    n_review = sum(1 for v in forms if v.row.get("needs_review"))
    heads = (
        ("项目名称", "text", ""),
        ("主管部门", "text", ""),
        ("实施单位", "text", ""),
        ("年度", "num", "n"),
        ("总分", "num", "n"),
        ("执行率", "num", "n"),
        ("错误", "num", "n"),
        ("提示", "num", "n"),
        ("来源文件", "text", ""),
    )
    th = "".join(
        f'<th data-sort="{kind}" tabindex="0" scope="col" class="{cls}">{label}</th>'
        for label, kind, cls in heads
    )
    total = len(forms)
    return f"""<section id="forms" class="card"><h2>表单列表</h2>
<p class="note">默认按问题轻重排列：有错误的表单在前（错误多的在前），其次是需复核的表单，\
再次是只有提示的表单。点击列标题按该列排序。</p>
<div class="filters"><label>筛选 <input id="q" type="search" placeholder="项目、部门、单位、文件名…" \
autocomplete="off"></label><label><input id="only-errors" type="checkbox"> 只看有错误的（{n_err}张）</label>\
<label><input id="only-review" type="checkbox"> 只看需复核的（{n_review}张）</label>\
<label>规则 <select id="rule"><option value="">全部规则</option>{rule_options}</select></label>\
<label>主管部门 <select id="dept"><option value="*">全部部门</option>{dept_options}</select></label>\
<label>年度 <select id="year"><option value="*">全部年度</option>{year_options}</select></label>\
<span>显示 <b id="shown">{total}</b> / {total} 张表单</span></div>
<table class="data" id="form-table" data-page-rows="{max(1, page_rows)}"><thead><tr>{th}</tr></thead>\
<tbody id="form-rows"></tbody></table>
<nav class="pager" id="pager"><button type="button" id="prev-page">上一页</button> \
第 <b id="page-no">1</b> / <b id="page-count">1</b> 页 \
<button type="button" id="next-page">下一页</button></nav>
</section>"""
