"""A self-contained HTML review report of a dataset, for auditors (``jixiao report DIR -o FILE``).

One file that opens offline from ``file://``: no network, no external CSS, scripts, fonts or
images. It holds

* **总览** (``#overview``): files by status, forms, findings by rule and by 主管部门, and two bar
  charts (reported 总分, computed 执行率) drawn here as inline SVG;
* **表单列表** (``#forms``): every form, filterable by text and by rule, sortable by column;
* **a page per form** (``#form-<form_id>``, shown alone through CSS ``:target``): header fields,
  goals, findings, and the form drawn as on paper from the ``cells`` table (true row/col spans),
  the cells behind each finding highlighted; clicking a finding emphasises its cells;
* **未读取的文件** (``#files``): sources that failed, were skipped or were read in part.

A submitted form is untrusted input. Every text from the dataset is ``html.escape``-d and only
ever lands in element content or in a quoted ``data-`` attribute; URLs (``href="#…"``), ids and
class names are built from our own validated tokens, never from data. The one inline script
reads ``textContent``/``data-`` attributes and toggles classes; it is allowed by its sha256 in a
Content-Security-Policy (``default-src 'none'``), so even text that slipped through escaping
could not run. The output is deterministic: the same dataset gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from parsers.numbers import percent as as_percent
from parsers.numbers import plain
from pipeline.query import connect
from pipeline.writer import Dataset
from schemas.errors import DatasetError
from schemas.rules import PROFILES, RULES, RULES_BY_ID

Row = dict[str, Any]
Key = tuple[int, int, int]  # (table, row, col) of a cell

TITLE: Final = "项目支出绩效自评检查报告"
STATUS_ZH: Final = {"ok": "已读取", "partial": "部分读取", "failed": "读取失败", "skipped": "已跳过"}
SEVERITY_ZH: Final = {"error": "错误", "warning": "提示"}
#: The reasons a file was not read (``sources.error_code``), in Chinese; unknown codes are shown as is.
REASON_ZH: Final = {
    "corrupt": "文件损坏",
    "encrypted": "有密码保护",
    "needs_ocr": "需要OCR（无文字层）",
    "not_a_document": "不是Word或PDF文档",
    "no_form": "未找到项目支出绩效自评表",
    "unsupported_format": "不支持的格式",
    "duplicate": "与另一文件内容相同",
    "changed": "读取期间文件被修改",
    "timeout": "解析超时",
    "resource_limit": "超出资源限制",
    "memory": "超出内存限制",
    "worker_lost": "解析进程异常退出",
    "internal": "内部错误",
    "bad_input": "输入有误",
    "empty": "空文件",
    "missing": "文件不存在",
    "unreadable": "无法读取",
    "broken_symlink": "失效的链接",
    "symlink_loop": "循环链接",
    "not_a_file": "不是普通文件",
    "lock_file": "Office临时锁文件",
    "hidden": "隐藏文件",
}

#: Tokens that may appear in attributes the script reads (ids, rule ids): checked, never trusted.
_FORM_ID = re.compile(r"[0-9a-f]{6,64}-[0-9]{1,6}")
_RULE_ID = re.compile(r"[A-Z][A-Z0-9_]{0,40}")


def esc(value: object) -> str:
    """Text from the dataset, safe in element content and in quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def num(value: Decimal | int | float | None) -> str:
    """A number as printed: no exponent, no trailing zeros ("95", "9.41")."""
    if value is None:
        return ""
    return plain(value if isinstance(value, Decimal) else Decimal(value))


def percent(ratio: Decimal | None) -> str:
    return "" if ratio is None else as_percent(ratio)


# --------------------------------------------------------------------------------- the data


@dataclass(slots=True)
class FindingView:
    n: int  # 1-based number within its form, the ⟨n⟩ marked on its cells
    rule_id: str
    severity: str
    message: str
    keys: list[Key]  # cells of the form behind it (in the cells table)
    missing: list[Key]  # provenance that points to no cell of the form
    by_field: bool = False  # located through the form's header provenance (fields), not its own


@dataclass(slots=True)
class FormView:
    row: Row
    anchor: str
    findings: list[FindingView] = field(default_factory=list)
    cells: list[Row] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity != "error" for f in self.findings)


def _rows(con: Any, sql: str) -> list[Row]:
    rows: list[Row] = con.sql(sql).to_arrow_table().to_pylist()
    return rows


def _refs(provenance: Iterable[Row] | None) -> list[Key]:
    keys: list[Key] = []
    for p in provenance or ():
        if p.get("table") is not None and p.get("row") is not None and p.get("col") is not None:
            key = (int(p["table"]), int(p["row"]), int(p["col"]))
            if key not in keys:
                keys.append(key)
    return keys


def _load(root: Path) -> tuple[list[FormView], list[Row], dict[str, Any]]:
    manifest = Dataset(root).manifest()
    if manifest is None:
        raise DatasetError(f"{root} is not a jixiao dataset (run jixiao ingest … --out {root} first)")
    con = connect(root)
    try:
        forms = _rows(con, "SELECT * FROM forms ORDER BY source_path, form_index, form_id")
        findings = _rows(
            con,
            "SELECT form_id, finding_id, rule_id, severity, message, fields, provenance FROM findings "
            "ORDER BY form_id, finding_id",
        )
        cells = _rows(
            con,
            'SELECT form_id, "table", "row", col, row_span, col_span, text FROM cells '
            'ORDER BY form_id, "table", "row", col',
        )
        sources = _rows(con, "SELECT * FROM sources ORDER BY source_path")
    finally:
        con.close()

    views: dict[str, FormView] = {}
    for i, f in enumerate(forms, 1):
        fid = str(f["form_id"])
        anchor = f"form-{fid}" if _FORM_ID.fullmatch(fid) else f"form-n{i}"
        views[fid] = FormView(f, anchor)
    for c in cells:
        if c["form_id"] in views:
            views[c["form_id"]].cells.append(c)
    present = {fid: {(c["table"], c["row"], c["col"]) for c in v.cells} for fid, v in views.items()}
    rule_order = {r.id: i for i, r in enumerate(RULES)}
    grouped: dict[str, list[Row]] = defaultdict(list)
    for fd in findings:
        grouped[fd["form_id"]].append(fd)
    orphans = 0
    for fid, items in grouped.items():
        view = views.get(fid)
        if view is None:  # a finding without its form: counted, cannot be shown on a page
            orphans += len(items)
            continue
        header: dict[str | None, list[Row]] = defaultdict(list)
        for p in view.row.get("provenance") or ():
            header[p.get("field")].append(p)
        located: list[tuple[tuple[float, ...], FindingView]] = []
        for fd in items:
            keys, by_field = _refs(fd["provenance"]), False
            if not keys:  # a form-level finding: the header cells of the fields it names (总分 …)
                keys = _refs(p for name in fd["fields"] or () for p in header.get(name, ()))
                by_field = bool(keys)
            here = [k for k in keys if k in present[fid]]
            missing = [k for k in keys if k not in present[fid]]
            first = min(here) if here else (math.inf,)
            view_fd = FindingView(0, fd["rule_id"], fd["severity"], fd["message"], here, missing, by_field)
            located.append(((*first, rule_order.get(fd["rule_id"], 99)), view_fd))
        located.sort(key=lambda item: item[0])  # as on paper, top to bottom; form-level last
        for n, (_, fv) in enumerate(located, 1):
            fv.n = n
            view.findings.append(fv)
    info = {
        "profile": manifest.profile,
        "commit": manifest.commit,
        "schema_version": manifest.schema_version,
        "orphan_findings": orphans,
        "n_findings": len(findings),
    }
    return list(views.values()), sources, info


# --------------------------------------------------------------------------------- charts

SCORE_BINS: Final = ("<60", "60–70", "70–80", "80–90", "90–100", ">100")
RATE_BINS: Final = (*(f"{i * 10}–{i * 10 + 10}" for i in range(10)), ">100")  # per cent


def score_bin(score: Decimal) -> int:
    """<60, [60,70), [70,80), [80,90), [90,100], >100."""
    if score < 60:
        return 0
    if score > 100:
        return 5
    return min(int((score - 60) // 10) + 1, 4)


def rate_bin(rate: Decimal) -> int:
    """[0,10%), … [90%,100%], >100% (a negative rate counts in the first bin)."""
    if rate > 1:
        return 10
    return max(0, min(int(rate * 10), 9))


def bar_chart(chart_id: str, title: str, labels: Sequence[str], counts: Sequence[int], bad: set[int]) -> str:
    """A bar chart as inline SVG (labels are ours; counts are numbers)."""
    width, height, left, right, top, bottom = 560, 236, 40, 10, 16, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(counts, default=0)
    step = max(1, math.ceil(peak / 5)) if peak else 1
    y_max = max(step * math.ceil(peak / step), 1)
    band = plot_w / len(counts)
    out = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
    ]
    for v in range(0, y_max + 1, step):
        y = top + plot_h - plot_h * v / y_max
        out.append(
            f'<line class="gl" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>'
        )
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        h = plot_h * count / y_max
        x = left + band * i + band * 0.15
        y = top + plot_h - h
        cls = "bar bad" if i in bad else "bar"
        out.append(
            f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{band * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{esc(label)}：{count}</title></rect>"
        )
        if count:
            out.append(
                f'<text class="val" x="{x + band * 0.35:.1f}" y="{y - 3:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
        out.append(
            f'<text class="lab" x="{left + band * (i + 0.5):.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/></svg>'
    )
    return "".join(out)


# --------------------------------------------------------------------------------- the form on paper


def paper_tables(view: FormView) -> str:
    """Each table of the form as an HTML table: cells placed by (row, col) with their spans, rows
    numbered as in the grid (what ``provenance`` points to), cells behind findings marked."""
    marks: dict[Key, list[FindingView]] = defaultdict(list)
    for fv in view.findings:
        for key in fv.keys:
            marks[key].append(fv)
    by_table: dict[int, list[Row]] = defaultdict(list)
    for c in view.cells:
        by_table[int(c["table"])].append(c)
    out: list[str] = []
    for t, cells in sorted(by_table.items()):
        first = min(int(c["row"]) for c in cells)
        end = max(int(c["row"]) + max(1, int(c["row_span"])) for c in cells)
        n_cols = max(int(c["col"]) + max(1, int(c["col_span"])) for c in cells)
        taken: set[tuple[int, int]] = set()
        anchors: dict[tuple[int, int], tuple[Row, int, int]] = {}
        unplaced: list[Row] = []
        for c in sorted(cells, key=lambda c: (c["row"], c["col"])):
            r, col = int(c["row"]), int(c["col"])
            rs, cs = max(1, int(c["row_span"])), max(1, int(c["col_span"]))
            if (r, col) in taken:
                unplaced.append(c)  # overlaps a merged cell above or to the left
                continue
            area = {(i, j) for i in range(r, r + rs) for j in range(col, col + cs)}
            if area & taken:
                rs, cs, area = 1, 1, {(r, col)}
            taken |= area
            anchors[(r, col)] = (c, rs, cs)
        rows = []
        for r in range(first, end):
            tds = [f'<th class="rn">{r + 1}</th>']
            for col in range(n_cols):
                if (r, col) in anchors:
                    c, rs, cs = anchors[(r, col)]
                    tds.append(_td(t, c, rs, cs, marks.get((t, r, col), [])))
                elif (r, col) not in taken:
                    tds.append('<td class="gap"></td>')
            rows.append("<tr>" + "".join(tds) + "</tr>")
        caption = f"<caption>表格 {t + 1}（左侧为行号）</caption>"
        out.append(f'<table class="paper">{caption}<tbody>{"".join(rows)}</tbody></table>')
        if unplaced:
            items = "".join(f"<li>{_where(t, c['row'], c['col'])}：{esc(c['text'])}</li>" for c in unplaced)
            out.append(
                f'<p class="note">与合并单元格重叠、无法放入表格的单元格：</p><ul class="note">{items}</ul>'
            )
    return "".join(out)


def _where(table: int, row: int, col: int) -> str:
    """A cell's place as people count (from 1); ``provenance`` and ``data-k`` count from 0."""
    return f"表{table + 1}第{row + 1}行第{col + 1}列"


def _td(table: int, cell: Row, rs: int, cs: int, marks: list[FindingView]) -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    if marks:
        sev = "e" if any(m.severity == "error" for m in marks) else "w"
        numbers = ",".join(str(m.n) for m in marks)
        attrs += f' class="hl hl-{sev}" data-k="{table}-{cell["row"]}-{cell["col"]}" data-f="{numbers}"'
    return f"<td{attrs}>{esc(cell['text'])}</td>"


# --------------------------------------------------------------------------------- pages

CSS: Final = """
:root{--ink:#1f2328;--mute:#5f6b7a;--line:#d0d7de;--acc:#0b5cad;--err:#b42318;--err-bg:#fde2e1;
--warn:#9a6700;--warn-bg:#fff1c2;--focus:#cfe3ff}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#f3f5f8;font:14px/1.55 "Noto Sans CJK SC","Source Han Sans SC",
"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif}
a{color:var(--acc)}
header.top{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:6px 22px;align-items:baseline;
padding:8px 22px;background:#17324d;color:#fff}
header.top strong{font-size:16px}
header.top a{color:#fff;text-decoration:none}
header.top a:hover{text-decoration:underline}
header.top .info{margin-left:auto;color:#b8c7d9;font-size:12px}
main{max-width:1320px;margin:0 auto;padding:6px 22px 60px}
main section{scroll-margin-top:52px}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 18px 16px;margin:14px 0}
h2{font-size:19px;margin:6px 0 10px}
h3{font-size:15px;margin:16px 0 6px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:4px 0 8px}
.kpi{border:1px solid var(--line);border-radius:6px;padding:6px 14px;min-width:120px}
.kpi b{display:block;font-size:22px}
.kpi span{color:var(--mute);font-size:12px}
.cols{display:flex;flex-wrap:wrap;gap:10px 36px;align-items:flex-start}
table.data{border-collapse:collapse;margin:4px 0}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left;
vertical-align:top}
table.data th{background:#eef1f5;font-weight:600;white-space:nowrap}
table.data td.n,table.data th.n{text-align:right;font-variant-numeric:tabular-nums}
table.data tr.zero td{color:#9aa4b2}
.e{color:var(--err)}.w{color:var(--warn)}
svg.chart{max-width:100%;height:auto;background:#fff}
svg.chart .bar{fill:#3a78c9}svg.chart .bar.bad{fill:#d1495b}
svg.chart .gl{stroke:#e4e8ee}svg.chart .axis{stroke:#5f6b7a}
svg.chart text{font-size:12px;fill:#333}svg.chart .val{font-weight:600}
figure{margin:0;flex:0 1 560px}figcaption{font-weight:600;margin:4px 0}
.filters{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;margin:6px 0 10px}
.filters input,.filters select{font:inherit;padding:3px 6px;border:1px solid #9aa4b2;border-radius:4px}
.filters input{width:260px}
#form-table th[data-sort]{cursor:pointer;user-select:none}
#form-table th[data-sort]::after{content:" \\2195";color:#9aa4b2}
#form-table th[aria-sort=ascending]::after{content:" \\25B2";color:var(--ink)}
#form-table th[aria-sort=descending]::after{content:" \\25BC";color:var(--ink)}
#form-table{width:100%}
#form-table td{overflow-wrap:anywhere}
#form-table td.path{color:var(--mute);font-size:12px;min-width:12em}
.form-page{display:none}
.form-page:target{display:block}
main:has(.form-page:target)>.home,body.on-form .home{display:none}
.crumbs{display:flex;gap:18px;margin:10px 0 0}
dl.meta{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:3px 14px;margin:6px 0}
dl.goals{grid-template-columns:max-content 1fr}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;white-space:pre-wrap;word-break:break-word}
ol.findings{list-style:none;padding:0;margin:4px 0}
ol.findings li{margin:5px 0}
button.fd{display:block;width:100%;text-align:left;font:inherit;color:inherit;cursor:pointer;background:#fff;
border:1px solid var(--line);border-left:5px solid var(--err);border-radius:4px;padding:5px 10px}
button.fd.w{border-left-color:var(--warn)}
button.fd:hover{background:#f6f9fc}
button.fd.focus{background:#e8f1ff;border-color:var(--acc);box-shadow:0 0 0 2px var(--focus)}
button.fd .no{display:inline-block;min-width:2.2em;font-weight:700}
button.fd .rule{font-family:ui-monospace,Consolas,monospace;font-size:12px;margin-right:6px}
button.fd .msg{display:block;white-space:pre-wrap;word-break:break-word}
button.fd .where{display:block;color:var(--mute);font-size:12px}
.paper-wrap{overflow-x:auto}
table.paper{border-collapse:collapse;background:#fff;margin:8px 0 14px}
table.paper caption{text-align:left;color:var(--mute);font-size:12px;padding:2px 0}
table.paper td{border:1px solid #333;padding:3px 6px;min-width:2.5em;font-size:13px;white-space:pre-wrap;
word-break:break-word;vertical-align:middle}
table.paper th.rn{border:0;padding:0 6px 0 0;color:#9aa4b2;font:11px ui-monospace,monospace;text-align:right}
table.paper td.gap{background:#eceff3}
table.paper td.hl{cursor:pointer}
table.paper td.hl-e{background:var(--err-bg)}
table.paper td.hl-w{background:var(--warn-bg)}
table.paper td[data-f]::before{content:"\\27E8" attr(data-f) "\\27E9";color:var(--err);font-size:11px;
margin-right:3px}
table.paper td.hl-w[data-f]::before{color:var(--warn)}
table.paper td.focus{background:var(--focus);outline:3px solid var(--acc);outline-offset:-3px}
.note{color:var(--mute);font-size:12px}
details summary{cursor:pointer;margin:6px 0}
@media print{header.top,.filters,.crumbs{display:none}.form-page{display:block;break-before:page}}
"""

JS: Final = """
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  // browsers without CSS :has() (older Chromium kernels): hide the home page on a form's anchor
  function route() {
    document.body.classList.toggle("on-form", document.querySelector(".form-page:target") !== null);
  }
  window.addEventListener("hashchange", route);
  route();
  var rows = document.getElementById("form-rows");
  var q = document.getElementById("q");
  var rule = document.getElementById("rule");
  var shown = document.getElementById("shown");
  function apply() {
    var text = q.value.trim().toLowerCase(), want = rule.value, n = 0;
    each(rows.rows, function (tr) {
      var ok = (!text || tr.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!want || tr.getAttribute("data-rules").split(" ").indexOf(want) >= 0);
      tr.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
  }
  q.addEventListener("input", apply);
  rule.addEventListener("change", apply);

  var heads = document.querySelectorAll("#form-table th[data-sort]");
  function key(tr, i, numeric) {
    var td = tr.cells[i], v = numeric ? td.getAttribute("data-v") : td.textContent.trim();
    if (v === null || v === "") { return null; }
    return numeric ? parseFloat(v) : v;
  }
  function sortBy(th) {
    var i = th.cellIndex, numeric = th.getAttribute("data-sort") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    each(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var list = Array.prototype.slice.call(rows.rows);
    list.sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
      return dir * (numeric ? x - y : x.localeCompare(y, "zh-CN"));
    });
    list.forEach(function (tr) { rows.appendChild(tr); });
  }
  each(heads, function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });

  function focus(page, keys, buttons, scroll) {
    each(page.querySelectorAll(".focus"), function (el) {
      el.classList.remove("focus");
      if (el.hasAttribute("aria-pressed")) { el.setAttribute("aria-pressed", "false"); }
    });
    var first = null;
    each(page.querySelectorAll("td[data-k]"), function (td) {
      if (keys.indexOf(td.getAttribute("data-k")) >= 0) {
        td.classList.add("focus");
        if (first === null) { first = td; }
      }
    });
    buttons.forEach(function (b) { b.classList.add("focus"); b.setAttribute("aria-pressed", "true"); });
    if (scroll && first !== null) { first.scrollIntoView({block: "center"}); }
  }
  function cellsOf(b) { return b.getAttribute("data-k").split(" ").filter(Boolean); }
  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (t === null) { return; }
    var el = t.closest("button.fd, td[data-k], a[data-rule], a.dept");
    if (el === null) { return; }
    if (el.matches("a[data-rule]")) {
      rule.value = el.getAttribute("data-rule"); q.value = ""; apply();
    } else if (el.matches("a.dept")) {
      q.value = el.textContent; rule.value = ""; apply();
    } else {
      var page = el.closest(".form-page");
      if (el.matches("button.fd")) {
        focus(page, cellsOf(el), [el], true);
      } else {
        var k = el.getAttribute("data-k"), hits = [];
        each(page.querySelectorAll("button.fd"), function (b) {
          if (cellsOf(b).indexOf(k) >= 0) { hits.push(b); }
        });
        focus(page, [k], hits, false);
      }
    }
  });
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(script: str, style: str) -> str:
    """Nothing but our own inline script and style sheet (by hash) and ``data:`` images."""
    return (
        f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


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
        detail = "，".join(
            f"{esc(REASON_ZH.get(code, code))} {n}" for code, n in sorted(reasons[status].items())
        )
        zero = "" if by_status[status] else ' class="zero"'
        status_rows.append(
            f"<tr{zero}><td>{esc(STATUS_ZH.get(status, status))}</td><td><code>{esc(status)}</code></td>"
            f'<td class="n">{by_status[status]}</td><td>{detail}</td></tr>'
        )
    all_findings = [fv for v in forms for fv in v.findings]
    n_err = sum(fv.severity == "error" for fv in all_findings)
    per_rule = Counter(fv.rule_id for fv in all_findings)
    forms_per_rule = Counter(r for v in forms for r in {fv.rule_id for fv in v.findings})
    rule_rows = []
    for rule_id in [r.id for r in RULES] + sorted(set(per_rule) - set(RULES_BY_ID)):
        rule = RULES_BY_ID.get(rule_id)
        sev = rule.severity if rule else "error"
        cls = "e" if sev == "error" else "w"
        link = (
            f'<a href="#forms" data-rule="{rule_id}">{rule_id}</a>'
            if _RULE_ID.fullmatch(rule_id) and per_rule[rule_id]
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
    forms_clean = sum(not v.findings for v in forms)
    return f"""<section id="overview" class="card"><h2>总览</h2>
<div class="kpis">{_kpi(len(sources), "文件")}{_kpi(len(forms), "张自评表")}\
{_kpi(len(all_findings), "个问题")}{_kpi(n_err, "错误")}{_kpi(len(all_findings) - n_err, "提示")}\
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


def forms_list(forms: list[FormView]) -> str:
    rules_present = Counter(r for v in forms for r in {fv.rule_id for fv in v.findings})
    options = "".join(
        f'<option value="{rule_id}">{rule_id} {esc(RULES_BY_ID[rule_id].title_zh)}（{n}张）</option>'
        for rule_id, n in sorted(rules_present.items(), key=lambda kv: [r.id for r in RULES].index(kv[0]))
        if rule_id in RULES_BY_ID
    )
    body = []
    for v in forms:
        f = v.row
        rule_ids = " ".join(sorted({fv.rule_id for fv in v.findings if _RULE_ID.fullmatch(fv.rule_id)}))
        name = esc(f["project_name"]) if f["project_name"] else "（未填项目名称）"
        score, rate = f["total_score_reported"], f["exec_rate_computed"]
        body.append(
            f'<tr data-rules="{rule_ids}"><td><a href="#{v.anchor}">{name}</a></td>'
            f"<td>{esc(f['department'])}</td><td>{esc(f['implementing_unit'])}</td>"
            f'<td class="n" data-v="{f["year"] or ""}">{f["year"] or ""}</td>'
            f'<td class="n" data-v="{num(score)}">{num(score)}</td>'
            f'<td class="n" data-v="{num(rate)}">{percent(rate)}</td>'
            f'<td class="n e" data-v="{v.errors}">{v.errors}</td>'
            f'<td class="n w" data-v="{v.warnings}">{v.warnings}</td>'
            f'<td class="path">{esc(f["source_path"])}{_index_note(f)}</td></tr>'
        )
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
    return f"""<section id="forms" class="card"><h2>表单列表</h2>
<div class="filters"><label>筛选 <input id="q" type="search" placeholder="项目、部门、单位、文件名…" \
autocomplete="off"></label><label>规则 <select id="rule"><option value="">全部表单</option>{options}</select>\
</label><span>显示 <b id="shown">{len(forms)}</b> / {len(forms)} 张表单（点击列标题排序）</span></div>
<table class="data" id="form-table"><thead><tr>{th}</tr></thead><tbody id="form-rows">{"".join(body)}</tbody>\
</table></section>"""


def _profile_zh(name: str) -> str:
    profile = PROFILES.get(name)
    return f"{name}（{profile.title_zh}）" if profile else name


def _index_note(f: Row) -> str:
    return f"（第{int(f['form_index']) + 1}张）" if int(f["form_index"]) > 0 else ""


def form_page(v: FormView, prev: FormView | None, nxt: FormView | None) -> str:
    f = v.row
    nav = ['<a href="#forms">← 返回表单列表</a>']
    if prev is not None:
        nav.append(f'<a href="#{prev.anchor}">上一张</a>')
    if nxt is not None:
        nav.append(f'<a href="#{nxt.anchor}">下一张</a>')
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
        ("评分口径", _profile_zh(f["profile"])),
        *reported_computed,
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in meta)
    goals = (
        f'<dl class="meta goals"><dt>预期目标</dt><dd>{esc(f["goal_expected"] or "（未填）")}</dd>'
        f"<dt>实际完成情况</dt><dd>{esc(f['goal_actual'] or '（未填）')}</dd></dl>"
    )
    items = []
    for fv in v.findings:
        rule = RULES_BY_ID.get(fv.rule_id)
        cls = "fd" if fv.severity == "error" else "fd w"
        keys = " ".join(f"{t}-{r}-{c}" for t, r, c in fv.keys)
        if fv.keys:
            where = "对应单元格：" + "、".join(_where(*k) for k in fv.keys)
            if fv.by_field:
                where += "（按表单字段定位）"
        elif not fv.missing:
            where = "无对应单元格（表单层面的问题）"
        else:
            where = "原表中找不到对应单元格"
        if fv.missing:
            where += "；所指的 " + "、".join(_where(*k) for k in fv.missing) + " 不在单元格表中"
        sev_cls = "e" if fv.severity == "error" else "w"
        items.append(
            f'<li><button type="button" class="{cls}" aria-pressed="false" data-k="{keys}">'
            f'<span class="no">{fv.n}.</span><span class="rule">{esc(fv.rule_id)}</span>'
            f'<span class="{sev_cls}">{SEVERITY_ZH.get(fv.severity, esc(fv.severity))}</span> '
            f'{esc(rule.title_zh if rule else "")}<span class="msg">{esc(fv.message)}</span>'
            f'<span class="where">{esc(where)}</span></button></li>'
        )
    if items:
        findings = (
            f'<p class="note">共 {len(items)} 项（错误 {v.errors}，提示 {v.warnings}）。'
            f"点击问题，原表中对应的单元格会突出显示；点击标有⟨编号⟩的单元格，显示与之相关的问题。</p>"
            f'<ol class="findings">{"".join(items)}</ol>'
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
    paper = paper_tables(v) if v.cells else '<p class="note">单元格表中没有这张表单的单元格。</p>'
    return f"""<section class="form-page card" id="{v.anchor}"><nav class="crumbs">{" ".join(nav)}</nav>
<h2>{title}</h2><dl class="meta">{dl}</dl><h3>年度总体目标</h3>{goals}
<h3>发现的问题</h3>{findings}{notes}<h3>原表</h3><div class="paper-wrap">{paper}</div></section>"""


def files_section(sources: list[Row]) -> str:
    order = {"failed": 0, "partial": 1, "skipped": 2}
    unread = sorted(
        (s for s in sources if s["status"] != "ok"),
        key=lambda s: (order.get(s["status"], 3), s["source_path"]),
    )

    def row(s: Row) -> str:
        code = s["error_code"] or ""
        reason = esc(REASON_ZH.get(code, code)) if code else ""
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


def render(root: Path) -> tuple[str, int, int]:
    """The report's HTML, the number of forms and the number of findings."""
    forms, sources, info = _load(root)
    pages = "".join(
        form_page(v, forms[i - 1] if i else None, forms[i + 1] if i + 1 < len(forms) else None)
        for i, v in enumerate(forms)
    )
    about = (
        f"评分口径 {_profile_zh(info['profile'])} · "
        f"数据集第 {info['commit']} 次提交 · 表结构 {info['schema_version']}"
    )
    orphans = (
        f'<p class="note">另有 {info["orphan_findings"]} 个问题所属的表单不在表单表中，未列出。</p>'
        if info["orphan_findings"]
        else ""
    )
    doc = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy(JS, CSS))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{TITLE}</title><style>{CSS}</style></head>
<body><header class="top"><strong>{TITLE}</strong><nav><a href="#overview">总览</a> · \
<a href="#forms">表单列表</a> · <a href="#files">未读取的文件</a></nav>\
<span class="info">{esc(about)}</span></header>
<main><div class="home">{overview(forms, sources, info)}{orphans}{forms_list(forms)}\
{files_section(sources)}</div>
{pages}</main><script>{JS}</script></body></html>
"""
    return doc, len(forms), info["n_findings"]


def write_report(root: Path, out: Path) -> dict[str, int]:
    """Write the HTML report of the dataset at ``root`` to ``out`` (atomically); returns counts."""
    doc, n_forms, n_findings = render(Path(root))
    data = doc.encode("utf-8")
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"forms": n_forms, "findings": n_findings, "bytes": len(data)}
