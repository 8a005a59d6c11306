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

The style sheet and the script are package data (``report.css``, ``report.js``), loaded with
``importlib.resources``; the Content-Security-Policy hashes are computed from them.

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
from importlib.resources import files
from pathlib import Path
from typing import Final

from pipeline.dataset.atomic import write_atomic
from pipeline.review.report.html import esc
from pipeline.review.report.model import load
from pipeline.review.report.pages import files_section, form_page, forms_list, overview, profile_zh

TITLE: Final = "项目支出绩效自评检查报告"


def asset(name: str) -> str:
    """A file of the report (its style sheet, its script), shipped as package data."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(script: str, style: str) -> str:
    """Nothing but our own inline script and style sheet (by hash) and ``data:`` images."""
    return (
        f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render(root: Path) -> tuple[str, int, int]:
    """The report's HTML, the number of forms and the number of findings."""
    forms, sources, info = load(root)
    script, style = asset("report.js"), asset("report.css")
    pages = "".join(
        form_page(v, forms[i - 1] if i else None, forms[i + 1] if i + 1 < len(forms) else None)
        for i, v in enumerate(forms)
    )
    about = (
        f"评分口径 {profile_zh(info['profile'])} · "
        f"数据集第 {info['commit']} 次提交 · 表结构 {info['schema_version']}"
    )
    orphans = (
        f'<p class="note">另有 {info["orphan_findings"]} 个问题所属的表单不在表单表中，未列出。</p>'
        if info["orphan_findings"]
        else ""
    )
    doc = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy(script, style))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{TITLE}</title><style>{style}</style></head>
<body><header class="top"><strong>{TITLE}</strong><nav><a href="#overview">总览</a> · \
<a href="#forms">表单列表</a> · <a href="#files">未读取的文件</a></nav>\
<span class="info">{esc(about)}</span></header>
<main><div class="home">{overview(forms, sources, info)}{orphans}{forms_list(forms)}\
{files_section(sources)}</div>
{pages}</main><script>{script}</script></body></html>
"""
    return doc, len(forms), info["n_findings"]


def write_report(root: Path, out: Path) -> dict[str, int]:
    """Write the HTML report of the dataset at ``root`` to ``out`` (atomically); returns counts."""
    doc, n_forms, n_findings = render(Path(root))
    data = doc.encode("utf-8")
    write_atomic(Path(out), data)
    return {"forms": n_forms, "findings": n_findings, "bytes": len(data)}
