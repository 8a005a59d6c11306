"""The report's pages: 总览 (overview), 表单列表 (the forms list), one page per form with the form
drawn as on paper, 未读取的文件 (files not read). Every text from the dataset goes through
``esc``; ids and rule ids in attributes are validated tokens."""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.review.crops import Crop
from pipeline.review.paper import Key, PaperCell, paper_tables
from pipeline.review.report.html import (
    RATE_BINS,
    SCORE_BINS,
    bar_chart,
    esc,
    num,
    percent,
    rate_bin,
    score_bin,
)
from pipeline.review.report.model import RULE_ID, FindingView, FormView, StaleDecision
from pipeline.review.where import grid_place
from schemas.profiles import PROFILES
from schemas.rules import RULES, RULES_BY_ID, SEVERITY_ZH
from schemas.statuses import STATUS_ZH, reason_zh
from schemas.tables import Row


def paper_html(view: FormView) -> str:
    """Each table of the form as an HTML table: cells placed by (row, col) with their spans, rows
    numbered as in the grid (what ``provenance`` points to), cells behind findings marked."""
    by_key: dict[Key, list[FindingView]] = defaultdict(list)
    for fv in view.findings:
        for key in fv.keys:
            by_key[key].append(fv)
    cells = [
        (int(c["table"]), int(c["row"]), int(c["col"]), int(c["row_span"]), int(c["col_span"]), c["text"])
        for c in view.cells
    ]
    out: list[str] = []
    for table in paper_tables(cells, {k: [fv.n for fv in fvs] for k, fvs in by_key.items()}):
        t = table.table
        anchors = {(c.row, c.col): c for c in table.cells}
        covered = table.covered()
        rows = []
        for r in range(table.first_row, table.first_row + table.n_rows):
            tds = [f'<th class="rn">{r + 1}</th>']
            for col in range(table.n_cols):
                if (r, col) in anchors:
                    tds.append(_td(t, anchors[(r, col)], by_key.get((t, r, col), [])))
                elif (r, col) not in covered:
                    tds.append('<td class="gap"></td>')
            rows.append("<tr>" + "".join(tds) + "</tr>")
        caption = f"<caption>表格 {t + 1}（左侧为行号）</caption>"
        out.append(f'<table class="paper">{caption}<tbody>{"".join(rows)}</tbody></table>')
        if table.unplaced:
            items = "".join(
                f"<li>{grid_place((t, c.row, c.col))}：{esc(c.text)}</li>" for c in table.unplaced
            )
            out.append(
                f'<p class="note">与合并单元格重叠、无法放入表格的单元格：</p><ul class="note">{items}</ul>'
            )
    return "".join(out)


def data_uri(crop: Crop) -> str:
    """A crop embedded in the page (the one-file report)."""
    return f"data:{crop.mime};base64,{base64.b64encode(crop.data).decode('ascii')}"


def _td(table: int, cell: PaperCell, marks: list[FindingView]) -> str:
    rs, cs = cell.row_span, cell.col_span
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    if marks:
        sev = "e" if any(m.severity == "error" for m in marks) else "w"
        numbers = ",".join(str(m.n) for m in marks)
        attrs += f' class="hl hl-{sev}" data-k="{table}-{cell.row}-{cell.col}" data-f="{numbers}"'
    return f"<td{attrs}>{esc(cell.text)}</td>"


def _kpi(value: object, label: str) -> str:
    return f'<div class="kpi"><b>{esc(value)}</b><span>{esc(label)}</span></div>'


def overview(forms: list[FormView], sources: list[Row], info: dict[str, Any]) -> str:
    by_status = Counter(s["status"] for s in sources)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for s in sources:
        if s["error_code"]:
            reasons[s["status"]][s["error_code"]] += 1
    status_rows = []
    for status in (*STATUS_ZH, *sorted(set(by_status) - set(STATUS_ZH))):
        detail = "，".join(f"{esc(reason_zh(code))} {n}" for code, n in sorted(reasons[status].items()))
        zero = "" if by_status[status] else ' class="zero"'
        status_rows.append(
            f"<tr{zero}><td>{esc(STATUS_ZH.get(status, status))}</td><td><code>{esc(status)}</code></td>"
            f'<td class="n">{by_status[status]}</td><td>{detail}</td></tr>'
        )
    n_all = sum(v.n_errors + v.n_warnings for v in forms)
    n_err = sum(v.n_errors for v in forms)
    per_rule: Counter[str] = Counter()
    for v in forms:
        per_rule.update(v.rules)
    forms_per_rule = Counter(r for v in forms for r in v.rules)
    rule_rows = []
    for rule_id in [r.id for r in RULES] + sorted(set(per_rule) - set(RULES_BY_ID)):
        rule = RULES_BY_ID.get(rule_id)
        sev = rule.severity if rule else "error"
        cls = "e" if sev == "error" else "w"
        link = (
            f'<a href="#forms" data-rule="{rule_id}">{rule_id}</a>'
            if RULE_ID.fullmatch(rule_id) and per_rule[rule_id]
            else esc(rule_id)
        )
        zero = "" if per_rule[rule_id] else ' class="zero"'
        rule_rows.append(
            f"<tr{zero}><td><code>{link}</code></td><td>{esc(rule.title_zh if rule else '（未知规则）')}</td>"
            f'<td class="{cls}">{SEVERITY_ZH.get(sev, esc(sev))}</td><td class="n">{per_rule[rule_id]}</td>'
            f'<td class="n">{forms_per_rule[rule_id]}</td></tr>'
        )
    depts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for v in forms:
        d = depts[v.row["department"]]
        d[0] += 1
        d[1] += v.errors
        d[2] += v.warnings
    dept_rows = []
    for dept, (n, e, w) in sorted(depts.items(), key=lambda kv: (-kv[1][1], -kv[1][2], kv[0] or "\uffff")):
        name = f'<a href="#forms" class="dept">{esc(dept)}</a>' if dept else "（未填主管部门）"
        dept_rows.append(
            f'<tr><td>{name}</td><td class="n">{n}</td><td class="n e">{e}</td><td class="n w">{w}</td></tr>'
        )
    scores = [v.row["total_score_reported"] for v in forms]
    rates = [v.row["exec_rate_computed"] for v in forms]
    score_counts = [0] * len(SCORE_BINS)
    for s in scores:
        if s is not None:
            score_counts[score_bin(s)] += 1
    rate_counts = [0] * len(RATE_BINS)
    for r in rates:
        if r is not None:
            rate_counts[rate_bin(r)] += 1
    no_score, no_rate = scores.count(None), rates.count(None)
    score_chart = bar_chart("chart-score", "填报总分分布（表单数）", SCORE_BINS, score_counts, {0, 5})
    rate_chart = bar_chart("chart-rate", "预算执行率分布（%，表单数）", RATE_BINS, rate_counts, {10})
    forms_clean = sum(not v.rules for v in forms)
    return f"""<section id="overview" class="card"><h2>总览</h2>
<div class="kpis">{_kpi(len(sources), "文件")}{_kpi(len(forms), "张自评表")}\
{_kpi(n_all, "个问题")}{_kpi(n_err, "错误")}{_kpi(n_all - n_err, "提示")}\
{_kpi(forms_clean, "张表单未发现问题")}</div>
<div class="cols"><div><h3>文件读取情况</h3><table class="data" id="by-status"><thead><tr>\
<th>状态</th><th>代码</th><th class="n">文件数</th><th>原因</th></tr></thead>\
<tbody>{"".join(status_rows)}</tbody></table>
<p class="note">未读取的文件及原因见 <a href="#files">未读取的文件</a>。</p></div>
<div><h3>各主管部门</h3><table class="data" id="by-dept"><thead><tr><th>主管部门</th>\
<th class="n">表单数</th><th class="n">错误</th><th class="n">提示</th></tr></thead>\
<tbody>{"".join(dept_rows)}</tbody></table></div></div>
<h3>问题按规则统计</h3><p class="note">点击规则编号，在表单列表中只显示有该问题的表单。</p>
<table class="data" id="by-rule"><thead><tr><th>规则</th><th>名称</th><th>级别</th><th class="n">问题数</th>\
<th class="n">涉及表单</th></tr></thead><tbody>{"".join(rule_rows)}</tbody></table>
<div class="cols"><figure><figcaption>填报总分分布</figcaption>{score_chart}
<p class="note">横轴：总分区间（90–100 含 100）；纵轴：表单数。未填总分 {no_score} 张。</p></figure>
<figure><figcaption>预算执行率分布</figcaption>{rate_chart}
<p class="note">横轴：执行率区间（%）；纵轴：表单数。执行率为全年执行数÷全年预算数\
（按年度资金总额计算，90–100% 含 100%）。无法计算 {no_rate} 张。</p></figure></div></section>"""


def profile_zh(name: str) -> str:
    profile = PROFILES.get(name)
    return f"{name}（{profile.title_zh}）" if profile else name


def _index_note(f: Row) -> str:
    return f"（第{int(f['form_index']) + 1}张）" if int(f["form_index"]) > 0 else ""


def crop_imgs(crops: list[Crop], src: Callable[[Crop], str], alt: str) -> str:
    """The page crops of a finding (or of unread cells), lazily loaded when their form is shown."""
    return "".join(
        f'<figure class="crop"><img src="{src(c)}" width="{c.width}" height="{c.height}" '
        f'loading="lazy" alt="{esc(alt)}（第{c.page}页）"><figcaption>原件第{c.page}页（红框为相关单元格）'
        "</figcaption></figure>"
        for c in crops
    )


def _decision(fv: FindingView) -> str:
    """The auditors' decision on the finding, when one is recorded (``FindingView.decision``)."""
    d = fv.decision
    if d is None:
        return ""
    note = f"：{esc(d.note)}" if d.note else ""
    who = "，".join(esc(x) for x in (d.by, d.at) if x)
    who = f"（{who}）" if who else ""
    return f'<span class="decision">复核状态：{esc(d.status)}{who}{note}</span>'


def _finding(fv: FindingView, src: Callable[[Crop], str]) -> str:
    rule = RULES_BY_ID.get(fv.rule_id)
    cls = "fd" if fv.severity == "error" else "fd w"
    keys = " ".join(f"{t}-{r}-{c}" for t, r, c in fv.keys)
    if fv.keys:
        where = "对应单元格：" + fv.where
        if fv.by_field:
            where += "（按表单字段定位）"
    elif not fv.missing:
        where = "无对应单元格（表单层面的问题）"
    else:
        where = "原表中找不到对应单元格"
    if fv.missing:
        where += "；所指的 " + "、".join(grid_place(k) for k in fv.missing) + " 不在单元格表中"
    sev_cls = "e" if fv.severity == "error" else "w"
    return (
        f'<li><button type="button" class="{cls}" aria-pressed="false" data-k="{keys}">'
        f'<span class="no">{fv.n}.</span><span class="rule">{esc(fv.rule_id)}</span>'
        f'<span class="{sev_cls}">{SEVERITY_ZH.get(fv.severity, esc(fv.severity))}</span> '
        f'{esc(rule.title_zh if rule else "")}<span class="msg">{esc(fv.message)}</span>'
        f'<span class="where">{esc(where)}</span>{_decision(fv)}</button>'
        f"{crop_imgs(fv.crops, src, f'问题{fv.n}的原件截图')}</li>"
    )


def _review_box(v: FormView, src: Callable[[Crop], str]) -> str:
    f = v.row
    if not f.get("needs_review"):
        return ""
    reasons = "".join(f"<li>{esc(r)}</li>" for r in f.get("review_reasons") or [])
    cells = "".join(
        f"<li>{esc(rc.reason)}：{esc(rc.where)}{crop_imgs(rc.crops, src, '需复核单元格的原件截图')}</li>"
        for rc in v.review_cells
    )
    note = f'<p class="note">{esc(v.crop_note)}</p>' if v.crop_note else ""
    cells = f'<h3>未读取的单元格</h3>{note}<ul class="unread">{cells}</ul>' if cells else ""
    return (
        '<div class="review-box"><h3>需复核：读取时不能确定以下内容，请对照原表核实</h3>'
        f"<ul>{reasons}</ul>{cells}</div>"
    )


def form_page(
    v: FormView,
    prev: str | None,
    nxt: str | None,
    home: str = "#forms",
    src: Callable[[Crop], str] = data_uri,
) -> str:
    """A form's page; ``prev``/``nxt`` are the links to its neighbours in the list, ``home`` the
    link back to the list, ``src`` what a crop's ``img src`` is (a data: URI or a file)."""
    f = v.row
    nav = [f'<a href="{home}">← 返回表单列表</a>']
    if prev is not None:
        nav.append(f'<a href="{prev}">上一张</a>')
    if nxt is not None:
        nav.append(f'<a href="{nxt}">下一张</a>')
    reported_computed = (
        (
            "总分（填报/计算）",
            f"{num(f['total_score_reported']) or '—'} / {num(f['total_score_computed']) or '—'}",
        ),
        (
            "分值合计（填报/计算）",
            f"{num(f['total_weight_reported']) or '—'} / {num(f['total_weight_computed']) or '—'}",
        ),
        ("自评等级（填报/按总分）", f"{f['grade_reported'] or '—'} / {f['grade_computed'] or '—'}"),
        ("预算执行率（计算）", percent(f["exec_rate_computed"]) or "—"),
        ("执行率分值/得分", f"{num(f['exec_weight']) or '—'} / {num(f['exec_score']) or '—'}"),
        ("资金单位", f["money_unit_raw"] or f["money_unit"] or "—"),
    )
    meta = [
        ("主管部门", f["department"] or "—"),
        ("实施单位", f["implementing_unit"] or "—"),
        ("年度", f["year"] or "—"),
        ("来源文件", f"{f['source_path']}（{f['format']}，第{int(f['form_index']) + 1}张表）"),
        ("表头", f["title_raw"] or "—"),
        ("评分口径", profile_zh(f["profile"])),
        *reported_computed,
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in meta)
    goals = (
        f'<dl class="meta goals"><dt>预期目标</dt><dd>{esc(f["goal_expected"] or "（未填）")}</dd>'
        f"<dt>实际完成情况</dt><dd>{esc(f['goal_actual'] or '（未填）')}</dd></dl>"
    )
    items = [_finding(fv, src) for fv in v.findings]
    if items:
        crop_note = f'<p class="note">{esc(v.crop_note)}</p>' if v.crop_note else ""
        findings = (
            f'<p class="note">共 {len(items)} 项（错误 {v.errors}，提示 {v.warnings}），'
            "编号与 jixiao show 相同。"
            f"点击问题，原表中对应的单元格会突出显示；点击标有⟨编号⟩的单元格，显示与之相关的问题。</p>"
            f'{crop_note}<ol class="findings">{"".join(items)}</ol>'
        )
    else:
        findings = "<p>未发现问题。</p>"
    warnings = f["match_warnings"] or []
    notes = (
        '<h3>读取说明</h3><ul class="note">' + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>"
        if warnings
        else ""
    )
    title = esc(f["project_name"]) if f["project_name"] else "（未填项目名称）"
    paper = paper_html(v) if v.cells else '<p class="note">单元格表中没有这张表单的单元格。</p>'
    return f"""<section class="form-page card" id="{v.anchor}"><nav class="crumbs">{" ".join(nav)}</nav>
<h2>{title}</h2>{_review_box(v, src)}<dl class="meta">{dl}</dl><h3>年度总体目标</h3>{goals}
<h3>发现的问题</h3>{findings}{notes}<h3>原表</h3><div class="paper-wrap">{paper}</div></section>"""


def files_section(sources: list[Row]) -> str:
    order = {"failed": 0, "partial": 1, "skipped": 2}
    unread = sorted(
        (s for s in sources if s["status"] != "ok"),
        key=lambda s: (order.get(s["status"], 3), s["source_path"]),
    )

    def row(s: Row) -> str:
        code = s["error_code"] or ""
        reason = esc(reason_zh(code)) if code else ""
        dup = f"（与 {esc(s['duplicate_of'])} 相同）" if s.get("duplicate_of") else ""
        return (
            f"<tr><td>{esc(s['source_path'])}</td><td>{esc(STATUS_ZH.get(s['status'], s['status']))}</td>"
            f"<td>{reason} <code>{esc(code)}</code></td><td>{esc(s['error'])}{dup}</td></tr>"
        )

    head = "<thead><tr><th>文件</th><th>状态</th><th>原因</th><th>说明</th></tr></thead>"
    main_rows = [row(s) for s in unread if s["status"] != "skipped"]
    skipped = [row(s) for s in unread if s["status"] == "skipped"]
    parts = []
    if main_rows:
        parts.append(
            f'<table class="data" id="failed-files">{head}<tbody>{"".join(main_rows)}</tbody></table>'
        )
    else:
        parts.append("<p>没有读取失败的文件。</p>")
    if skipped:
        parts.append(
            f"<details><summary>已跳过的文件（{len(skipped)} 个：非Word/PDF文档、未找到自评表等）</summary>"
            f'<table class="data" id="skipped-files">{head}<tbody>{"".join(skipped)}</tbody></table>'
            "</details>"
        )
    parts_skipped = [
        f"<tr><td>{esc(s['source_path'])}</td><td>{esc(part)}</td></tr>"
        for s in sources
        if s["status"] in ("ok", "partial")
        for part in (s["skipped_parts"] or [])
    ]
    if parts_skipped:
        parts.append(
            f"<details><summary>文件中未作为自评表读取的表格（{len(parts_skipped)} 个）</summary>"
            f'<table class="data"><thead><tr><th>文件</th><th>表格及原因</th></tr></thead>'
            f"<tbody>{''.join(parts_skipped)}</tbody></table></details>"
        )
    return f'<section id="files" class="card"><h2>未读取的文件</h2>{"".join(parts)}</section>'


def stale_section(stale: Sequence[StaleDecision], link_of: Callable[[str, int], str | None]) -> str:
    """已失效的复核记录: decisions whose finding is gone (the file was resubmitted without it),
    each with what the finding said and a link to the file's form as it is now. Empty without any."""
    if not stale:
        return ""

    def row(s: StaleDecision) -> str:
        d = s.decision
        href = link_of(s.source_path, s.form_index)
        now = f'<a href="{esc(href)}">现在的表单</a>' if href else "文件中已无此表单"
        who = "，".join(esc(x) for x in (d.by, d.at) if x)
        return (
            f"<tr><td>{esc(s.source_path)}</td><td><code>{esc(s.rule_id)}</code></td>"
            f"<td>{esc(s.message)}</td><td>{esc(d.status)}</td><td>{who}</td>"
            f"<td>{esc(d.note or '')}</td><td>{now}</td></tr>"
        )

    head = (
        "<thead><tr><th>文件</th><th>规则</th><th>复核时的问题</th><th>复核状态</th><th>复核人、日期</th>"
        "<th>复核意见</th><th></th></tr></thead>"
    )
    return (
        f'<section id="stale" class="card"><h2>已失效的复核记录</h2>'
        f"<p>以下 {len(stale)} 条复核所针对的问题，在文件重新提交后已不存在（复核记录仍保留在数据集的 "
        "reviews 表中）。请核对现在的表单：问题是已改正，还是以别的形式出现。</p>"
        f'<table class="data" id="stale-decisions">{head}<tbody>{"".join(row(s) for s in stale)}</tbody>'
        "</table></section>"
    )
