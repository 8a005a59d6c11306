"""``jixiao show FILE``: one file read and checked in this process, each form drawn as it is on
paper with the findings' numbers ⟨n⟩ on their cells (nothing is written to any dataset).

``--dataset DIR`` adds the auditors' decisions recorded in DIR (``jixiao review``) beside each
finding, and lists the decisions about this file whose finding is gone (stale: the file was
resubmitted without it) or not shown here (DUPLICATE_FORM is about the dataset)."""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

from parsers.formats.base import ParseOptions, Services
from parsers.formats.detect import detect_format
from pipeline.dataset.reviews import Decision, decisions
from pipeline.dataset.rows import finding_id, form_id, unique_ids
from pipeline.dataset.writer import Dataset
from pipeline.extract import extract, refusal, sha256_of
from pipeline.review.display import terminal_width, visible
from pipeline.review.paper import Key, number_findings, paper_tables
from pipeline.review.render import fit_text, paper_grid, render_table
from pipeline.review.where import Locator, PlacedCell
from schemas.errors import UsageError
from schemas.records import CheckedForm, Finding, Form, Source
from schemas.rules import RULES, SEVERITY_ZH
from schemas.statuses import STATUS_ZH, bilingual

RULE_ORDER = {r.id: i for i, r in enumerate(RULES)}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def show(args: argparse.Namespace) -> int:
    path: Path = args.file
    name = visible(str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise UsageError(f"文件不存在：{name}", f"no such file: {name}") from e
    except IsADirectoryError as e:
        raise UsageError(
            f"这是一个文件夹，不是文件：{name}", f"{name} is a folder: show reads one file"
        ) from e
    except OSError as e:
        raise UsageError(f"无法读取文件：{name}", f"cannot read {name} ({e.strerror})") from e
    fmt = detect_format(data)
    refused = refusal(str(path), fmt)
    if refused is not None:
        print(f"jixiao show: {name}: {visible(bilingual(refused[1], refused[2]) or '')}", file=sys.stderr)
        return EXIT_FAILED
    profile = args.profile
    dataset = getattr(args, "dataset", None)
    decided = decisions(Dataset(dataset).open()) if dataset is not None else None
    with Services() as services:
        source = Source(str(path), sha256_of(data), len(data), fmt)
        result = extract(source, data, profile, ParseOptions(), services)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    width = terminal_width(getattr(args, "width", None))
    if result.status in ("failed", "skipped"):
        why = visible(bilingual(result.error_code, result.error) or "")
        print(
            fit_text(f"{name}: {STATUS_ZH[result.status]} {result.status} ({result.error_code}) {why}", width)
        )
        return EXIT_FAILED if result.status == "failed" else EXIT_OK
    indexes = [cf.form.form_index for cf in result.forms]
    if args.form is not None and args.form not in indexes:
        n = len(indexes)
        held = f"0–{n - 1}" if n else "none"
        raise UsageError(
            f"没有表单 {args.form}：{name} 只有 {n} 张表单（--form {held}）",
            f"no form {args.form}: {name} holds {n} form(s) (--form {held})",
        )
    shown: set[str] = set()
    for cf in result.forms:
        if args.form is None or args.form == cf.form.form_index:
            fid = form_id(source.sha256, cf.form.form_index)
            print(render_form(cf, color=color, decided=decided, fid=fid, width=width))
            if getattr(args, "page", False):
                print("\n".join(fit_text(x, width) for x in render_positions(cf).split("\n")))
            shown.update(_ids(cf, fid))
    if decided:
        others = _other_decisions(decided, str(path), source.sha256, shown)
        if others:
            print("本文件的其他复核记录（问题不在本次读取结果中）：")
            print("\n".join(f"  · {_decision_line(d)}：{visible(d.message)}" for d in others))
    for part in result.skipped:
        print(fit_text(f"（跳过）{visible(part.describe())}", width))
    return EXIT_OK


def _ids(cf: CheckedForm, fid: str) -> list[str]:
    """The findings' ids, as the dataset writes them (``pipeline.dataset.rows``)."""
    return unique_ids(
        finding_id(fid, f.rule_id, f.indicator_seq, f.fund_line_seq, f.fields) for f in cf.findings
    )


def _decision_line(d: Decision) -> str:
    who = f"，{d.by}" if d.by else ""
    stale = "【已失效：问题已不存在】" if d.stale else ""
    note = f"：{d.note}" if d.note else ""
    return visible(f"{stale}复核 {d.status_zh}（{d.status}{who}，{d.at:%Y-%m-%d}）{note}")


def _other_decisions(decided: dict[str, Decision], path: str, sha256: str, shown: set[str]) -> list[Decision]:
    here = os.path.abspath(path)
    return sorted(
        (
            d
            for d in decided.values()
            if d.finding_id not in shown
            and d.moved_to is None  # followed its finding into the resubmission, shown there
            and (d.form_id.startswith(sha256[:16]) or os.path.abspath(d.source_path) == here)
        ),
        key=lambda d: (d.stale, d.finding_id),
    )


def numbered(cf: CheckedForm) -> list[tuple[int, Finding, list[Key]]]:
    """The form's findings with their ⟨n⟩ (``paper.number_findings``, as the report numbers them)
    and the cells behind each: its own, or for a form-level finding those of the fields it names."""
    form = cf.form
    present = {(t, c.row, c.col) for t, c in form.cells}
    header: dict[str, list[Key]] = defaultdict(list)
    for name, ref in form.refs:
        header[name].append((ref.table, ref.row, ref.col))
    counters: dict[str, int] = defaultdict(int)
    located: list[tuple[list[Key], str, int]] = []
    for finding in cf.findings:
        counters[finding.rule_id] += 1
        keys = list(dict.fromkeys((ref.table, ref.row, ref.col) for _, ref in finding.refs))
        if not keys:
            keys = list(dict.fromkeys(k for name in finding.fields for k in header.get(name, ())))
        located.append(([k for k in keys if k in present], finding.rule_id, counters[finding.rule_id]))
    numbers = number_findings(located, RULE_ORDER)
    out = [(n, f, keys) for n, f, (keys, _, _) in zip(numbers, cf.findings, located, strict=True)]
    return sorted(out, key=lambda item: item[0])


def locator(form: Form) -> Locator:
    roles = dict(form.cell_roles)
    return Locator(
        PlacedCell(
            t,
            c.row,
            c.col,
            c.row_span,
            c.col_span,
            c.text,
            role.role if (role := roles.get((t, c.row, c.col))) else None,
            role.field if role else None,
            c.page,
            (c.bbox.x0, c.bbox.top, c.bbox.x1, c.bbox.bottom) if c.bbox else None,
        )
        for t, c in form.cells
    )


def render_positions(cf: CheckedForm) -> str:
    """``show --page``: where on the page each value of the form is (page, box in mm from the
    page's top-left corner, and in points), named by its printed labels."""
    form = cf.form
    where = locator(form)
    values = [c for c in where.cells.values() if c.role == "value" and c.text.strip()]
    if not any(c.page is not None and c.box is not None for c in values):
        return "（页面位置：这份文件没有页面坐标——只有 PDF 记录每个值在页面上的位置）"
    lines = [f"页面位置（表单 {form.form_index}，毫米自页面左上角起；括号内为 PDF 点）："]
    for c in sorted(values, key=lambda c: (c.page or 0, c.box[1] if c.box else 0, c.box[0] if c.box else 0)):
        label = where.describe([c.key], with_page=False)
        if c.page is None or c.box is None:
            lines.append(visible(f"  {label}：{c.text[:30]}  — 无页面位置"))
            continue
        x0, top, x1, bottom = c.box
        lines.append(
            visible(
                f"  {where.position(c.key)} ({x0:.1f},{top:.1f})–({x1:.1f},{bottom:.1f}) pt  "
                f"{label}：{c.text[:30]}"
            )
        )
    return "\n".join(lines)


def render_form(
    cf: CheckedForm,
    *,
    color: bool = False,
    decided: dict[str, Decision] | None = None,
    fid: str | None = None,
    width: int | None = None,
) -> str:
    form = cf.form
    marks: dict[Key, list[int]] = defaultdict(list)
    findings = numbered(cf)
    for n, _, keys in findings:
        for key in keys:
            marks[key].append(n)
    name, year = form.project_name or "（未填项目名称）", form.year or "年度未填"
    head = [
        visible(
            f"━━ 表单 {form.form_index}：{name}  （{year}年度）  "
            f"主管部门：{form.department or '—'}  实施单位：{form.implementing_unit or '—'}"
        )
    ]
    if form.needs_review:
        head.append("【需复核】读取时不能确定以下内容，请对照原表核实：")
        head += [f"  ! {visible(reason)}" for reason in form.review_reasons]
    cells = [(t, c.row, c.col, c.row_span, c.col_span, c.text) for t, c in form.cells]
    tables = [render_table(paper_grid(t), color=color, width=width) for t in paper_tables(cells, marks)]
    tail = []
    if cf.findings:
        tail.append(f"发现问题 {len(cf.findings)} 项（⟨n⟩ 标在相关单元格上）：")
        ids = _ids(cf, fid) if decided is not None and fid is not None else []
        id_of = {id(f): i for f, i in zip(cf.findings, ids, strict=False)}
        for n, finding, keys in findings:
            where = "" if keys else "（无对应单元格）"
            tail.append(f"  ⟨{n}⟩ [{SEVERITY_ZH[finding.severity]}] {visible(finding.message)}{where}")
            d = decided.get(id_of.get(id(finding), "")) if decided else None
            if d is not None:
                tail.append(f"       ↳ {_decision_line(d)}")
    else:
        tail.append("未发现问题。")
    for warning in form.warnings:
        tail.append(f"  · 读取说明: {visible(warning)}")
    return "\n".join([*(fit_text(x, width) for x in head), *tables, *(fit_text(x, width) for x in tail)])
