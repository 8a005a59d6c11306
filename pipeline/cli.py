"""The ``jixiao`` command. ``main(argv) -> int`` is testable in-process; the only place that
configures logging.

Exit codes: 0 — every file was read (or skipped for a stated reason); 1 — the run finished but
some files failed (see ``sources``); 2 — the run itself failed (bad arguments, unusable --out).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Final

from parsers.formats.base import OCR_MODES
from pipeline.batch.discover import read_list_file
from pipeline.batch.executors import DEFAULT_MEMORY_MB, DaskExecutor, Executor, InProcess, LocalPool
from pipeline.batch.jobs import DEFAULT_TIME_LIMIT, Settings
from pipeline.batch.progress import Progress
from pipeline.batch.run import DEFAULT_COMMIT_EVERY, Summary, ingest
from pipeline.dataset.writer import Dataset
from pipeline.review import commands
from pipeline.review.commands import DEFAULT_MAX_ROWS
from pipeline.review.display import visible
from pipeline.review.show import show
from schemas.errors import ConfigurationError, DatasetError
from schemas.profiles import AUTO, DEFAULT_PROFILE, PROFILES
from schemas.rules import RULES

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FILES_FAILED, EXIT_RUN_FAILED = 0, 1, 2


def default_workers() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jixiao",
        description="Read 项目支出绩效自评表 (Word/PDF) into a checked Parquet dataset.",
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read submissions into a dataset (incremental)")
    ing.add_argument("inputs", nargs="*", help="files or folders (walked recursively)")
    ing.add_argument("--out", required=True, type=Path, help="dataset directory (created if missing)")
    ing.add_argument("--list", dest="list_file", help="a file with one input path per line")
    ing.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        choices=[AUTO, *sorted(PROFILES)],
        help="rule profile: auto (default: each form by the template it was filled in) or one for all",
    )
    ing.add_argument("--reprocess", action="store_true", help="parse every input again, even if unchanged")
    ing.add_argument(
        "--ocr",
        default="auto",
        choices=OCR_MODES,
        help="scans and images: auto (default: OCR pages without text), off (needs_ocr), force (every page)",
    )
    ing.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="S",
        help=f"seconds one file may take (0 = none; default {DEFAULT_TIME_LIMIT:g})",
    )
    ing.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help="parallel parsing processes (default: all cores)",
    )
    ing.add_argument(
        "--dask", metavar="ADDRESS", help="run on a Dask cluster (scheduler address, or 'local')"
    )
    ing.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help="memory cap per parsing process",
    )
    ing.add_argument(
        "--commit-every",
        type=int,
        default=DEFAULT_COMMIT_EVERY,
        metavar="N",
        help=f"commit after every N parsed files (default {DEFAULT_COMMIT_EVERY})",
    )
    ing.add_argument(
        "--fail-fast", action="store_true", help="parse in-process and stop at the first error (development)"
    )

    sub.add_parser("rules", help="list the rules and the rule profiles")

    q = sub.add_parser(
        "query", help="SQL (DuckDB) over a dataset: views forms, funds, indicators, findings, …"
    )
    q.add_argument("dataset", type=Path)
    q.add_argument("sql")
    q.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for stdout), safe for spreadsheets")
    q.add_argument("--parquet", metavar="FILE", help="write the result as a Parquet file")
    q.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help=f"rows shown on the terminal (default {DEFAULT_MAX_ROWS})",
    )

    show = sub.add_parser("show", help="one file's forms drawn as on paper, findings marked on their cells")
    show.add_argument("file", type=Path)
    show.add_argument("--profile", default=DEFAULT_PROFILE, choices=[AUTO, *sorted(PROFILES)])
    show.add_argument("--form", type=int, metavar="N", help="only the form with this index (0-based)")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    rep = sub.add_parser("report", help="a self-contained HTML review report of a dataset")
    rep.add_argument("dataset", type=Path)
    rep.add_argument("-o", "--output", type=Path, default=Path("report.html"))

    exp = sub.add_parser("export", help="an Excel workbook of a dataset (forms, indicators, findings, …)")
    exp.add_argument("dataset", type=Path)
    exp.add_argument("--xlsx", type=Path, required=True, metavar="FILE")

    srch = sub.add_parser("search", help="forms whose indicators or goals mention every given term")
    srch.add_argument("dataset", type=Path)
    srch.add_argument("terms", help='e.g. "扬尘治理" or "满意度 学生"')
    return p


def _print_summary(summary: Summary, dataset: Dataset, out: Path) -> None:
    form_rows = dataset.read("forms", columns=["form_id", "needs_review"])
    forms = form_rows.num_rows
    review = sum(bool(v) for v in form_rows.column("needs_review").to_pylist())
    findings = Counter(dataset.read("findings", columns=["rule_id"]).column("rule_id").to_pylist())
    files = sum(summary.files.values())
    by_status = " · ".join(f"{s} {summary.files[s]}" for s in ("ok", "partial", "skipped", "failed"))
    print(f"jixiao ingest: {files} files in {summary.seconds:.1f} s → {visible(str(out))}")
    print(f"  files     {by_status}  (unchanged {summary.unchanged})")
    if summary.skipped:
        reasons = ", ".join(f"{code} {n}" for code, n in sorted(summary.skipped.items()))
        print(f"  skipped   {reasons}")
    print(f"  forms     {summary.forms_new} read in this run; {forms} in the dataset")
    if review:
        print(f"  review    {review} form(s) need review (the reader was not sure: see forms.review_reasons)")
    if findings:
        ranked = ", ".join(
            f"{rule} {n}" for rule, n in sorted(findings.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        print(f"  findings  {sum(findings.values())} in the dataset: {ranked}")
    else:
        print("  findings  none")
    for path, why in summary.failed_paths:
        print(f"  failed    {visible(path)}: {visible(why)}")


def _ingest(args: argparse.Namespace) -> int:
    inputs = list(args.inputs)
    if args.list_file:
        inputs += read_list_file(args.list_file)
    if not inputs:
        print("jixiao ingest: no inputs (give files/folders or --list FILE)", file=sys.stderr)
        return EXIT_RUN_FAILED
    settings = Settings(profile=args.profile, time_limit=args.timeout, fail_fast=args.fail_fast, ocr=args.ocr)
    executor: Executor
    if args.fail_fast:
        executor = InProcess()  # exceptions surface with their tracebacks
    elif args.dask:
        executor = DaskExecutor(args.dask, args.workers, args.memory_mb)
    else:
        executor = LocalPool(args.workers, args.memory_mb)
    dataset = Dataset(args.out)
    with Progress() as progress:
        summary = ingest(
            inputs,
            dataset,
            settings,
            executor,
            reprocess=args.reprocess,
            commit_every=args.commit_every,
            progress=progress.update,
        )
    _print_summary(summary, dataset, args.out)
    return EXIT_FILES_FAILED if summary.any_failed else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    for r in RULES:
        print(f"{r.id:<18} {r.severity:<8} tol {r.tolerance!s:<5} {r.title_zh} — {r.description}")
    print()
    for p in PROFILES.values():
        print(f"{p.name:<10} {p.title_zh}: {p.description}")
    print()
    print("Formulas, tolerances and their sources: docs/rules.md")
    return EXIT_OK


COMMANDS: Final[dict[str, Callable[[argparse.Namespace], int]]] = {
    "ingest": _ingest,
    "rules": _rules,
    "query": commands.query,
    "search": commands.search,
    "show": show,
    "report": commands.report,
    "export": commands.export,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help and on usage errors
        return int(e.code) if isinstance(e.code, int) else EXIT_RUN_FAILED
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    try:
        return COMMANDS[args.command](args)
    except (DatasetError, ConfigurationError) as e:  # the run itself cannot go on
        print(f"jixiao: {visible(str(e))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except OSError as e:  # the machine, not a file: no space, a read-only or missing folder
        print(f"jixiao: {visible(str(e))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except MemoryError:
        print("jixiao: 内存不足 — out of memory", file=sys.stderr)
        return EXIT_RUN_FAILED


def entry() -> None:
    sys.exit(main())
