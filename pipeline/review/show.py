"""``jixiao show FILE``: one file read and checked in this process, each form drawn as it is on
paper with the findings' numbers ⟨n⟩ on their cells (nothing is written to any dataset)."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from parsers.formats.base import ParseOptions, Services
from parsers.formats.detect import detect_format
from pipeline.extract import extract, refusal, sha256_of
from pipeline.review.display import terminal_width, visible
from pipeline.review.paper import Key, paper_tables
from pipeline.review.render import fit_text, paper_grid, render_table
from schemas.errors import UsageError
from schemas.records import CheckedForm, Source
from schemas.rules import SEVERITY_ZH
from schemas.statuses import STATUS_ZH, bilingual

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
    for cf in result.forms:
        if args.form is None or args.form == cf.form.form_index:
            print(render_form(cf, color=color, width=width))
    for part in result.skipped:
        print(fit_text(f"（跳过）{visible(part.describe())}", width))
    return EXIT_OK


def render_form(cf: CheckedForm, *, color: bool = False, width: int | None = None) -> str:
    form = cf.form
    marks: dict[Key, list[int]] = defaultdict(list)
    for n, finding in enumerate(cf.findings, 1):
        for _, ref in finding.refs:
            marks[(ref.table, ref.row, ref.col)].append(n)
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
        for n, finding in enumerate(cf.findings, 1):
            where = "" if finding.refs else "（无对应单元格）"
            tail.append(f"  ⟨{n}⟩ [{SEVERITY_ZH[finding.severity]}] {visible(finding.message)}{where}")
    else:
        tail.append("未发现问题。")
    for warning in form.warnings:
        tail.append(f"  · 读取说明: {visible(warning)}")
    return "\n".join([*(fit_text(x, width) for x in head), *tables, *(fit_text(x, width) for x in tail)])
