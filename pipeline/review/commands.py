"""The analyst commands over a dataset: query, search, report, export (``jixiao <command> --help``;
``show`` reads one file: ``pipeline.review.show``).

Each takes the parsed arguments and returns an exit code; output goes to stdout.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from parsers.numbers import plain
from pipeline.dataset.query import connect, run_query
from pipeline.review.display import terminal_width, to_csv, visible
from pipeline.review.render import GridCell, fit_widths, render_table

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Rows ``jixiao query`` shows on a terminal (``--max-rows``).
DEFAULT_MAX_ROWS: Final = 50
#: The narrowest a query column is drawn before the result is shown one record at a time.
MIN_READABLE: Final = 6


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "；".join(_as_text(v) for v in value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def print_table(table: pa.Table, max_rows: int, color: bool = False, width: int | None = None) -> None:
    """A query result drawn like a form (Chinese text aligned), at most ``max_rows`` rows, within
    ``width`` columns (None: no limit). A result with more columns than fit at a readable width
    (no column narrowed below ``MIN_READABLE``) is drawn one record at a time: a table of column and value."""
    rows = table.slice(0, max_rows).to_pylist()
    names = table.column_names
    cells = [GridCell(0, c, 1, 1, name) for c, name in enumerate(names)]
    for r, row in enumerate(rows, 1):
        cells += [GridCell(r, c, 1, 1, _as_text(row[name])) for c, name in enumerate(names)]
    fit = fit_widths(cells, max_width=24, width=width)
    natural = fit_widths(cells, max_width=24)
    readable = (
        fit is not None
        and natural is not None
        and fit[1] == 1
        and all(w >= min(n, MIN_READABLE) for w, n in zip(fit[0], natural[0], strict=True))
    )
    if width is None or readable or not names:
        print(render_table(cells, max_width=24, color=color, fitted=fit))
    else:
        for r, row in enumerate(rows, 1):
            print(f"── 第 {r} 行 row {r} ──")
            record = [
                cell
                for c, name in enumerate(names)
                for cell in (GridCell(c, 0, 1, 1, name), GridCell(c, 1, 1, 1, _as_text(row[name])))
            ]
            print(render_table(record, max_width=max(24, width), color=color, width=width))
    shown = min(max_rows, table.num_rows)
    print(f"({table.num_rows} rows{'' if shown == table.num_rows else f', first {shown} shown'})")


def query(args: argparse.Namespace) -> int:
    try:
        result = run_query(args.dataset, args.sql)
    except duckdb.Error as e:
        print(f"jixiao query: {visible(str(e), newlines=True)}", file=sys.stderr)
        return EXIT_USAGE
    if args.parquet:
        pq.write_table(result, args.parquet)
        print(f"{result.num_rows} rows → {args.parquet}", file=sys.stderr)
    if args.csv:
        rows = (tuple(r.values()) for r in result.to_pylist())
        text = to_csv(result.column_names, rows)
        if args.csv == "-":
            sys.stdout.write(text)
        else:
            Path(args.csv).write_text(text, encoding="utf-8-sig")  # BOM: Excel opens it as UTF-8
            print(f"{result.num_rows} rows → {args.csv}", file=sys.stderr)
    if not args.csv and not args.parquet:
        print_table(result, args.max_rows, width=terminal_width(getattr(args, "width", None)))
    return EXIT_OK


#: Quotes that make a phrase of what they enclose (ASCII, Chinese and corner brackets).
_QUOTED = re.compile(r'"([^"]*)"|\'([^\']*)\'|“([^”]*)”|「([^」]*)」|『([^』]*)』|(\S+)')


def search_terms(query: str) -> tuple[str, ...]:
    """What a search asks for: each word, or each quoted phrase as one, normalised (NFKC, lower
    case, runs of spaces as one). Every one must be found, as a substring, in the same text."""
    out: dict[str, None] = {}
    for m in _QUOTED.finditer(query):
        text = next(g for g in m.groups() if g is not None)
        term = " ".join(unicodedata.normalize("NFKC", text).lower().split())
        if term:
            out.setdefault(term, None)
    return tuple(out)


#: The texts searched: (field, where it is, SQL of (form_id, indicator_seq, text)).
SEARCHED: Final = (
    ("level3", "SELECT form_id, seq AS indicator_seq, level3 AS text FROM indicators"),
    ("project_name", "SELECT form_id, NULL::INTEGER, project_name FROM forms"),
    ("goal_expected", "SELECT form_id, NULL::INTEGER, goal_expected FROM forms"),
    ("goal_actual", "SELECT form_id, NULL::INTEGER, goal_actual FROM forms"),
)


def search(args: argparse.Namespace) -> int:
    """Forms whose indicator names (三级指标), project name or goals contain every term: parts of
    words are found (扬尘 → 扬尘治理), words that are not there are not (the jieba ``terms`` table
    stays for analysis: it matches whole words only)."""
    wanted = search_terms(args.terms)
    if not wanted:
        print("jixiao search: no searchable words in the query", file=sys.stderr)
        return EXIT_USAGE
    con = connect(args.dataset)
    texts = " UNION ALL ".join(f"SELECT '{name}' AS field, * FROM ({sql})" for name, sql in SEARCHED)
    # regexp_replace: runs of whitespace as one space, as the terms are
    normal = "regexp_replace(lower(text), '\\s+', ' ', 'g')"
    match = " AND ".join(f"strpos({normal}, ${i + 1}) > 0" for i in range(len(wanted)))
    result = con.sql(
        f"""
        WITH texts AS ({texts}),
        hits AS (SELECT field, form_id, indicator_seq FROM texts WHERE text IS NOT NULL AND {match})
        SELECT f.project_name AS 项目名称, f.department AS 主管部门, f.year AS 年度,
               CASE h.field WHEN 'level3' THEN '三级指标' WHEN 'project_name' THEN '项目名称'
                            WHEN 'goal_expected' THEN '预期目标' ELSE '实际完成情况' END AS 位置,
               coalesce(i.level3, '') AS 指标, f.source_path AS 文件
        FROM hits h JOIN forms f USING (form_id)
        LEFT JOIN indicators i ON i.form_id = h.form_id AND i.seq = h.indicator_seq
        ORDER BY f.source_path, f.form_index, h.indicator_seq NULLS FIRST, h.field
        """,
        params=list(wanted),
    ).to_arrow_table()
    if result.num_rows == 0:
        print(
            visible(f"没有找到同时含有 {'、'.join(f'「{t}」' for t in wanted)} 的指标名称、项目名称或目标。")
        )
        return EXIT_OK
    print_table(result, max_rows=200)
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from pipeline.dataset.query import decisions
    from pipeline.dataset.writer import Dataset
    from pipeline.review.report import Decision, Options, StaleDecision, write_report

    recorded, stale = {}, []
    for fid, d in decisions(Dataset(args.dataset)).items():
        shown = Decision(f"{d.status_zh}（{d.status}）", d.note, d.by, f"{d.at:%Y-%m-%d}")
        if not d.stale:
            recorded[fid] = shown  # beside its finding
        elif d.moved_to is None:  # gone; one that followed its finding is shown beside that
            tail = d.form_id.rpartition("-")[2]  # form ids end in the form's index in its file
            index = int(tail) if tail.isdigit() else 0
            stale.append(StaleDecision(d.source_path, index, d.rule_id, d.message, shown))
    stale.sort(key=lambda s: (s.source_path, s.form_index, s.decision.at or "", s.rule_id))
    options = Options(
        sources_base=args.sources, crops=not args.no_crops, decisions=recorded, stale=tuple(stale)
    )
    stats = write_report(args.dataset, args.output, options)
    print(f"report → {visible(str(args.output))} ({', '.join(f'{k} {v}' for k, v in stats.items())})")
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from pipeline.review.export import write_xlsx

    counts = write_xlsx(args.dataset, args.xlsx)
    print(f"workbook → {visible(str(args.xlsx))} ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    return EXIT_OK
