"""The HTML review report of a dataset, for auditors (``jixiao report DIR -o FILE``).

It opens offline from ``file://``: no network, no external CSS, fonts or anything from elsewhere.

* **总览** (``#overview``): files by status, forms, findings by rule and by 主管部门, and two bar
  charts (reported 总分, computed 执行率) drawn here as inline SVG;
* **表单列表** (``#forms``): every form, worst first (errors, needs_review, warnings), filtered
  by text, 只看有错误/需复核, rule, 主管部门, 年度, sortable, drawn a page of rows at a time by the
  script from one record per form (``listing``);
* **a page per form** (``#form-<form_id>``, shown alone through CSS ``:target``): header fields,
  goals, findings numbered as in ``jixiao show`` with their cells named as printed
  (「…」一行的「实际完成值」（第2页）) and, for a PDF, the crop of the page around them
  (``pipeline.review.crops``); the form drawn as on paper, the cells behind each finding marked;
* **未读取的文件** (``#files``): sources that failed, were skipped or were read in part;
* **已失效的复核记录** (``#stale``, when there are any): the auditors' decisions whose finding is
  gone (its file was resubmitted without it), with the finding as it read, beside a link to the
  file's form as it is now.

Up to :data:`SINGLE_FILE_MAX` forms the report is one self-contained file (crops as ``data:``
images). A larger dataset gets an index file (overview, list, files) and a folder beside it,
``<name>_files/``, with the form pages :data:`FORMS_PER_PAGE` to a file, the list's records as
``.js`` data files and the crops as ``.webp`` files: every file stays a few MB and the browser
holds one page of forms at a time, however large the season.

The style sheet and the script are package data (``report.css``, ``report.js``); the
Content-Security-Policy (``default-src 'none'``) allows that one inline script and style by their
sha256 and, in the multi-file report, the index's data scripts and the form pages' crops from the
report's own files (``'self'``).
A submitted form is untrusted input: every text from the dataset is ``html.escape``-d and only
ever lands in element content or in a quoted attribute, or is JSON data set as ``textContent``;
URLs, ids and class names are built from our own validated tokens. The output is deterministic:
the same dataset (and source files) gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import quote

from pipeline.dataset.atomic import write_atomic
from pipeline.review.crops import Crop, Cropper
from pipeline.review.report.html import esc
from pipeline.review.report.listing import FIELDS, PAGE_ROWS, forms_list, record, to_json
from pipeline.review.report.model import (
    Decision,
    FormView,
    Snapshot,
    StaleDecision,
    load_details,
    load_index,
)
from pipeline.review.report.pages import (
    data_uri,
    files_section,
    form_page,
    overview,
    profile_zh,
    stale_section,
)

T = TypeVar("T")
TITLE: Final = "项目支出绩效自评检查报告"
#: Up to this many forms the report is one file.
SINGLE_FILE_MAX: Final = 200  # measured: 500 forms in one file are 7 MB and 129k DOM nodes (1.6 s)
#: Form pages per file of a multi-file report.
FORMS_PER_PAGE: Final = 100
#: List records per data file of a multi-file report.
RECORDS_PER_FILE: Final = 5000
#: Forms whose details are read from the dataset at once.
DETAIL_BATCH: Final = 100


def asset(name: str) -> str:
    """A file of the report (its style sheet, its script), shipped as package data."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(
    script: str, style: str, own_scripts: bool = False, own_images: bool = False
) -> str:
    """Nothing but our own inline script and style sheet (by hash) and ``data:`` images; in a
    multi-file report also the list's data scripts (the index) or the crops (form pages) from
    the report's own files (``'self'``)."""
    scripts = " 'self'" if own_scripts else ""
    images = " 'self'" if own_images else ""
    return (
        f"default-src 'none'; script-src '{_sha256(script)}'{scripts}; style-src '{_sha256(style)}'; "
        f"img-src data:{images}; base-uri 'none'; form-action 'none'"
    )


@dataclass(frozen=True, slots=True)
class Options:
    """How the report is built: where to find source files for crops (besides their stored
    path), whether to crop at all, the one-file limit and the size of a multi-file page."""

    sources_base: Path | None = None
    crops: bool = True
    single_file_max: int = SINGLE_FILE_MAX
    forms_per_page: int = FORMS_PER_PAGE
    #: Rows of the forms list drawn at once.
    list_rows: int = PAGE_ROWS
    #: The auditors' decisions by finding_id (the reviews table), shown beside each finding.
    decisions: Mapping[str, Decision] | None = None
    #: Decisions whose finding is gone (its file resubmitted without it), listed on their own.
    stale: Sequence[StaleDecision] = ()


def _document(
    body: str, script: str, style: str, *, own_scripts: bool = False, own_images: bool = False
) -> str:
    policy = content_security_policy(script, style, own_scripts, own_images)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{TITLE}</title><style>{style}</style></head>
{body}<script>{script}</script></body></html>
"""


def _header(about: str, home: str = "", stale: bool = False) -> str:
    more = f' · <a href="{home}#stale">已失效的复核记录</a>' if stale else ""
    return (
        f'<body><header class="top"><strong>{TITLE}</strong><nav><a href="{home}#overview">总览</a> · '
        f'<a href="{home}#forms">表单列表</a> · <a href="{home}#files">未读取的文件</a>{more}</nav>'
        f'<span class="info">{esc(about)}</span></header>'
    )


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _home(
    views: list[FormView],
    sources: list[dict[str, object]],
    info: dict[str, object],
    opts: Options,
    href: Callable[[FormView], str],
) -> str:
    orphans = (
        f'<p class="note">另有 {info["orphan_findings"]} 个问题所属的表单不在表单表中，未列出。</p>'
        if info["orphan_findings"]
        else ""
    )
    by_place = {(v.row["source_path"], v.row["form_index"]): v for v in views}

    def link_of(source_path: str, form_index: int) -> str | None:
        view = by_place.get((source_path, form_index))
        return href(view) if view is not None else None

    return (
        f"{overview(views, sources, info)}{orphans}{forms_list(views, opts.list_rows)}"
        f"{files_section(sources)}{stale_section(opts.stale, link_of)}"
    )


def _about(info: dict[str, object]) -> str:
    return (
        f"评分口径 {profile_zh(str(info['profile']))} · "
        f"数据集第 {info['commit']} 次提交 · 表结构 {info['schema_version']}"
    )


def write_report(root: Path, out: Path, options: Options | None = None) -> dict[str, int]:
    """Write the report of the dataset at ``root`` to ``out`` (and, for a large dataset, the
    folder ``<out stem>_files`` beside it); returns counts and sizes."""
    opts = options or Options()
    out = Path(out)
    script, style = asset("report.js"), asset("report.css")
    with Snapshot(Path(root)) as snap, Cropper(opts.sources_base) as cropper:
        views, sources, info = load_index(snap)
        use = cropper if opts.crops else None
        if len(views) <= opts.single_file_max:
            return _single(snap, views, sources, info, out, script, style, use, opts)
        return _multi(snap, views, sources, info, out, script, style, use, opts)


def _single(
    snap: Snapshot,
    views: list[FormView],
    sources: list[dict[str, object]],
    info: dict[str, object],
    out: Path,
    script: str,
    style: str,
    cropper: Cropper | None,
    opts: Options,
) -> dict[str, int]:
    n_crops = 0
    for batch in _batches(views, DETAIL_BATCH):
        load_details(snap, batch, cropper, opts.decisions)
    rendered = []
    for i, v in enumerate(views):
        prev = f"#{views[i - 1].anchor}" if i else None
        nxt = f"#{views[i + 1].anchor}" if i + 1 < len(views) else None
        rendered.append(form_page(v, prev, nxt, "#forms", data_uri))
        n_crops += _crops_of(v)
    data = to_json({"fields": FIELDS, "rows": [record(v, f"#{v.anchor}") for v in views]})
    body = (
        f"{_header(_about(info), stale=bool(opts.stale))}<main>"
        f'<div class="home">{_home(views, sources, info, opts, lambda v: f"#{v.anchor}")}</div>\n'
        f"{''.join(rendered)}</main>"
        f'<script type="application/json" id="forms-data">{data}</script>'
    )
    doc = _document(body, script, style).encode("utf-8")
    write_atomic(out, doc)
    _remove_old_pages(out)
    return {
        "forms": len(views),
        "findings": int(str(info["n_findings"])),
        "bytes": len(doc),
        "files": 1,
        "crops": n_crops,
        "largest_file": len(doc),
    }


def _remove_old_pages(out: Path) -> None:
    """The pages of a multi-file report written earlier under this name (``<name>_files``): a
    one-file report replaces them, or they would lie beside it, stale. Only a folder that holds
    a report's form pages is removed."""
    folder = out.parent / f"{out.stem}_files"
    if (folder / "forms-0001.html").is_file() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


def _crops_of(v: FormView) -> int:
    return sum(len(f.crops) for f in v.findings) + sum(len(r.crops) for r in v.review_cells)


def _multi(
    snap: Snapshot,
    views: list[FormView],
    sources: list[dict[str, object]],
    info: dict[str, object],
    out: Path,
    script: str,
    style: str,
    cropper: Cropper | None,
    opts: Options,
) -> dict[str, int]:
    folder_name = f"{out.stem}_files"
    # as URLs: a name with "#", "?", "%" or a space still links to its file
    folder_url, out_url = quote(folder_name), quote(out.name)
    final = out.parent / folder_name
    work = out.parent / f".{folder_name}.tmp-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    (work / "crops").mkdir(parents=True)
    per = max(1, opts.forms_per_page)
    page_of = {v.anchor: i // per for i, v in enumerate(views)}

    def page_file(n: int) -> str:
        return f"forms-{n + 1:04d}.html"

    sizes: list[int] = []
    n_crops = 0
    about = _about(info)
    try:
        for n, batch in enumerate(_batches(views, per)):
            rendered, links = [], []
            for sub in _batches(batch, DETAIL_BATCH):
                load_details(snap, sub, cropper, opts.decisions)
            for j, v in enumerate(batch):
                i = n * per + j

                def href(w: FormView, here: int = n) -> str:
                    p = page_of[w.anchor]
                    return f"#{w.anchor}" if p == here else f"{page_file(p)}#{w.anchor}"

                prev = href(views[i - 1]) if i else None
                nxt = href(views[i + 1]) if i + 1 < len(views) else None

                def src(crop: Crop, v: FormView = v) -> str:
                    name = f"{v.anchor}-{hashlib.sha256(crop.data).hexdigest()[:12]}.webp"
                    (work / "crops" / name).write_bytes(crop.data)
                    return f"crops/{name}"

                rendered.append(form_page(v, prev, nxt, f"../{out_url}#forms", src))
                n_crops += _crops_of(v)
                name = esc(v.row["project_name"]) if v.row["project_name"] else "（未填项目名称）"
                links.append(f'<li><a href="#{v.anchor}">{name}</a></li>')
                v.findings, v.cells, v.review_cells = [], [], []  # this page is written: let it go
            first, last = n * per + 1, n * per + len(batch)
            body = (
                f"{_header(about, f'../{out_url}', bool(opts.stale))}<main>"
                '<div class="home"><section class="card">'
                f"<h2>表单第 {first}–{last} 张（共 {len(views)} 张）</h2><ol>{''.join(links)}</ol>"
                f"</section></div>\n{''.join(rendered)}</main>"
            )
            doc = _document(body, script, style, own_images=True).encode("utf-8")
            (work / page_file(n)).write_bytes(doc)
            sizes.append(len(doc))
        scripts = []
        records = [record(v, f"{folder_url}/{page_file(page_of[v.anchor])}#{v.anchor}") for v in views]
        for k, part in enumerate(_batches(records, RECORDS_PER_FILE)):
            name = f"list-{k + 1:04d}.js"
            data = f"jixiaoForms({to_json({'fields': FIELDS, 'rows': list(part)})});\n".encode()
            (work / name).write_bytes(data)
            sizes.append(len(data))
            scripts.append(f'<script src="{folder_url}/{name}"></script>')
        home = _home(
            views, sources, info, opts, lambda v: f"{folder_url}/{page_file(page_of[v.anchor])}#{v.anchor}"
        )
        body = f'{_header(about, stale=bool(opts.stale))}<main><div class="home">{home}</div></main>'
        # the data files call jixiaoForms, which the report's script defines: they come after it
        index = _document(body, script, style, own_scripts=True).replace(
            "</script></body>", "</script>" + "".join(scripts) + "</body>"
        )
        old = out.parent / f".{folder_name}.old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        work.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    data_index = index.encode("utf-8")
    write_atomic(out, data_index)
    crops_bytes = sum(f.stat().st_size for f in (final / "crops").iterdir())
    return {
        "forms": len(views),
        "findings": int(str(info["n_findings"])),
        "bytes": len(data_index) + sum(sizes) + crops_bytes,
        "files": 1 + len(sizes),
        "crops": n_crops,
        "largest_file": max([len(data_index), *sizes]),
    }


__all__ = ["PAGE_ROWS", "SINGLE_FILE_MAX", "TITLE", "Decision", "Options", "StaleDecision", "write_report"]
