"""The ``jixiao`` command. ``main(argv) -> int`` is testable in-process; the only place that
configures logging.

Exit codes: 0 — every file was read (or skipped for a stated reason); 1 — the run finished but
some files failed (see ``sources``); 2 — a usage error (bare ``jixiao`` prints the help with it;
a missing input, an empty input, a form the file does not have, an output path under a file) or
the run itself failed (unusable --out, no space, another run writing) — one line in Chinese and
English on stderr, never a traceback; 141 — stdout's reader went away (``| head``), quietly;
130 — interrupted (Ctrl-C).

Every error a user can cause is raised as ``UsageError`` (or ``DatasetError``) and turned into
its message and exit code in one place, ``main``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Final, NoReturn

from parsers.formats.base import OCR_MODES
from pipeline.batch.discover import read_list_file
from pipeline.batch.executors import DEFAULT_MEMORY_MB, DaskExecutor, Executor, InProcess, LocalPool
from pipeline.batch.jobs import DEFAULT_TIME_LIMIT, Settings
from pipeline.batch.progress import Progress
from pipeline.batch.run import DEFAULT_COMMIT_EVERY, Summary, ingest
from pipeline.dataset.writer import Dataset
from pipeline.review import commands, decisions
from pipeline.review.commands import DEFAULT_MAX_ROWS
from pipeline.review.display import visible
from pipeline.review.show import show
from schemas.errors import ConfigurationError, DatasetError, UsageError, dataset_failure
from schemas.profiles import AUTO, DEFAULT_PROFILE, PROFILES
from schemas.rules import RULES
from schemas.statuses import STATUS_ZH, reason_zh
from schemas.tables import SCHEMA_VERSION

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FILES_FAILED, EXIT_RUN_FAILED = 0, 1, 2
#: stdout's reader went away (128 + SIGPIPE, what a shell reports); Ctrl-C (128 + SIGINT)
EXIT_PIPE_CLOSED, EXIT_INTERRUPTED = 141, 130


def default_workers() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _version() -> str:
    try:
        from importlib.metadata import version

        number = version("jixiao")
    except Exception:  # not installed (run from a source tree): the schema still identifies it
        number = "unknown"
    return f"jixiao {number} (dataset schema {SCHEMA_VERSION})"


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in Chinese and English: the usage line, then one line
    ``jixiao ingest: 参数有误 — error: …`` and exit code 2 (subcommands inherit the class)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_RUN_FAILED, f"{self.prog}: 参数有误 — error: {message} (see {self.prog} --help)\n")


def _sub(
    sub: argparse._SubParsersAction[_Parser], name: str, summary: str, description: str, examples: str
) -> _Parser:
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> _Parser:
    p = _Parser(
        prog="jixiao",
        description="Read 项目支出绩效自评表 (budget-performance self-evaluation forms: Word, PDF,\n"
        "spreadsheets) into a checked Parquet dataset, and review it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=_version())
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    ing = _sub(
        sub,
        "ingest",
        "read submissions into a dataset (incremental)",
        "Read every file under the inputs into the dataset DIR. Only new and changed files are parsed;\n"
        "every file gets one row in the sources table; a file gone from the inputs since the last run\n"
        "is marked missing (its rows are kept until --prune). Exit code 0: every file read or skipped\n"
        "for a stated reason; 1: done, some files failed (see sources); 2: a usage error (a missing\n"
        "input, inputs without any file, an --out that is a file) or the run itself failed.",
        "  jixiao ingest sample_docs --out out/demo\n"
        "  jixiao ingest /data/绩效自评/2023 --out /data/jixiao --workers 8 --timeout 120\n"
        "  jixiao ingest --list tonight.txt --out /data/jixiao\n"
        "  jixiao ingest /data/绩效自评/2023 --out /data/jixiao --prune   # drop files gone from the tree\n"
        "  jixiao ingest sample_docs --exclude build --exclude expected --exclude '*.md' --out out/demo",
    )
    ing.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="a file or a folder (walked recursively, sorted; hidden folders skipped); each must exist",
    )
    ing.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="dataset directory (created if missing)"
    )
    ing.add_argument(
        "--list",
        dest="list_file",
        metavar="FILE",
        help="a file with one input path per line ('#' comments and blank lines ignored)",
    )
    ing.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files and folders whose name or path under the input matches GLOB "
        "(repeatable; e.g. --exclude build --exclude '*.md'); they get no sources row",
    )
    ing.add_argument(
        "--prune",
        action="store_true",
        help="drop the rows of files gone from the inputs (otherwise they are kept, marked missing)",
    )
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
        help=f"memory cap per parsing process (default {DEFAULT_MEMORY_MB})",
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

    _sub(
        sub,
        "rules",
        "list the rules and the rule profiles",
        "Every rule (id, severity, tolerance, what it checks) and every rule profile.\n"
        "Formulas, tolerances and their sources: docs/rules.md.",
        "  jixiao rules\n  jixiao rules | grep EXEC",
    )

    q = _sub(
        sub,
        "query",
        "SQL (DuckDB) over a dataset: views forms, funds, indicators, findings, …",
        "Run one SQL statement (DuckDB) over the current version of a dataset. Views: forms, funds,\n"
        "indicators, findings, cells, terms, sources. On a terminal the result is a table that fits\n"
        "its width (a result too wide is shown one record at a time); piped, the table is drawn\n"
        "in full. --csv / --parquet write the whole result instead (folders are created).",
        '  jixiao query out/demo "SELECT rule_id, count(*) FROM findings GROUP BY 1"\n'
        '  jixiao query out/demo "SELECT * FROM indicators" --csv indicators.csv\n'
        '  jixiao query out/demo "SELECT * FROM forms" --csv - | head\n'
        '  jixiao query out/demo "SELECT * FROM findings" --parquet exports/findings.parquet',
    )
    q.add_argument("dataset", type=Path, metavar="DATASET", help=DATASET_HELP)
    q.add_argument("sql", metavar="SQL", help="one SQL statement, quoted")
    q.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for stdout), safe for spreadsheets")
    q.add_argument("--parquet", metavar="FILE", help="write the result as a Parquet file")
    q.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"rows shown on the terminal (default {DEFAULT_MAX_ROWS})",
    )
    q.add_argument("--width", type=int, metavar="COLS", help=WIDTH_HELP)

    show = _sub(
        sub,
        "show",
        "one file's forms drawn as on paper, findings marked on their cells",
        "Read and check one file in this process (nothing is written) and draw each form as on\n"
        "paper, the findings' numbers ⟨n⟩ on their cells. The tables fit the terminal's width\n"
        "(Chinese characters count two columns; long cells wrap); piped, they are drawn in full.",
        "  jixiao show sample_docs/seed_datong_2021.docx\n"
        "  jixiao show sample_docs/multi_form_two_projects.docx --form 1\n"
        "  jixiao show report.pdf --profile hubei --color never | less -R",
    )
    show.add_argument("file", type=Path, metavar="FILE", help="a submission: .docx, .pdf, .xlsx, .doc, …")
    show.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        choices=[AUTO, *sorted(PROFILES)],
        help="rule profile (default auto: by the form's template)",
    )
    show.add_argument("--form", type=int, metavar="N", help="only the form with this index (0-based)")
    show.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="reverse video on the cells findings concern (auto: on a terminal)",
    )
    show.add_argument("--width", type=int, metavar="COLS", help=WIDTH_HELP)
    show.add_argument(
        "--dataset", type=Path, metavar="DIR", help="show the auditors' decisions recorded in DIR"
    )
    show.add_argument(
        "--page",
        action="store_true",
        help="also list where on the page each value is (PDF: page and box in mm and points)",
    )

    rep = _sub(
        sub,
        "report",
        "the HTML review report of a dataset (worst forms first, filters, page crops)",
        "The forms worst first (errors, then needs_review, then warnings), filters by errors,\n"
        "needs_review, rule, department and year, each finding beside the crop of the page it is\n"
        "on (PDFs and scans). Up to 200 forms one self-contained file; more, an index page with a\n"
        "folder <name>_files of pages loaded on demand. A missing folder of the output is created.",
        "  jixiao report out/demo -o report.html\n"
        "  jixiao report /data/jixiao -o reviews/2023/report.html --sources /data/inbox\n"
        "  jixiao report out/demo -o quick.html --no-crops",
    )
    rep.add_argument("dataset", type=Path, metavar="DATASET", help=DATASET_HELP)
    rep.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("report.html"),
        metavar="FILE",
        help="the report file (default report.html); past 200 forms also a folder <name>_files beside it",
    )
    rep.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="where to look for the source files (for the PDF page crops) when not at their stored path",
    )
    rep.add_argument("--no-crops", action="store_true", help="no page crops (faster; no source files needed)")

    exp = _sub(
        sub,
        "export",
        "an Excel workbook of a dataset (forms, indicators, findings, …)",
        "An .xlsx workbook of a dataset, one sheet per table; text a spreadsheet would run as a\n"
        "formula is written as text. A missing folder of the output path is created.",
        "  jixiao export out/demo --xlsx jixiao.xlsx\n  jixiao export /data/jixiao --xlsx exports/2023.xlsx",
    )
    exp.add_argument("dataset", type=Path, metavar="DATASET", help=DATASET_HELP)
    exp.add_argument("--xlsx", type=Path, required=True, metavar="FILE", help="the workbook to write")

    rev = _sub(
        sub,
        "review",
        "record an auditor's decision about a finding, or read a filled-in workbook back",
        "A decision (confirmed / dismissed / fixed, or 确认 / 已说明 / 已整改) is appended to the\n"
        "dataset's reviews table, which every later run keeps; a finding gone after a resubmission\n"
        "keeps its decision, marked stale. --from-xlsx reads the 复核状态 / 复核意见 columns of a\n"
        "workbook from jixiao export back: every row is checked first, and all rows or none are\n"
        "recorded (exit code 2 and the sheet rows at fault).",
        "  jixiao review out/demo FINDING_ID --status confirmed --note 总分多报 --by 张三\n"
        "  jixiao review out/demo --from-xlsx 复核底稿.xlsx",
    )
    rev.add_argument("dataset", type=Path, metavar="DATASET", help=DATASET_HELP)
    rev.add_argument("finding_id", nargs="?", help="the finding's id (findings.finding_id, 问题ID)")
    rev.add_argument("--status", help="confirmed|dismissed|fixed (or 确认/已说明/已整改)")
    rev.add_argument("--note", help="why (复核意见)")
    rev.add_argument("--by", help="who decided (复核人)")
    rev.add_argument(
        "--from-xlsx", type=Path, metavar="FILE", help="the 问题 sheet of a workbook from jixiao export"
    )

    srch = _sub(
        sub,
        "search",
        "forms whose indicators or goals mention every given term",
        "Forms whose project name, goals or indicator names contain every given term, as a part\n"
        "of a word or a quoted phrase (case- and width-insensitive).",
        '  jixiao search out/demo "扬尘"\n  jixiao search out/demo "满意度 学生"\n'
        "  jixiao search out/demo '\"群众 满意度\"'",
    )
    srch.add_argument("dataset", type=Path, metavar="DATASET", help=DATASET_HELP)
    srch.add_argument(
        "terms",
        metavar="TERMS",
        help=(
            "words or parts of words, all in one indicator name or goal; a quoted phrase is one: "
            '扬尘 / "满意度 学生" / \'"群众 满意度"\''
        ),
    )
    return p


DATASET_HELP: Final = "a dataset directory (what jixiao ingest --out wrote)"
WIDTH_HELP: Final = (
    "draw tables at most COLS columns wide (default: the terminal's width, $COLUMNS when piped, "
    "else no limit; 0 = no limit)"
)

EPILOG: Final = """\
examples:
  jixiao ingest sample_docs --out out/demo        # read a folder into a dataset
  jixiao query out/demo "SELECT * FROM findings"  # SQL over it
  jixiao show sample_docs/seed_datong_2021.docx   # one file, drawn as on paper
  jixiao report out/demo -o report.html           # an HTML review report
  jixiao export out/demo --xlsx jixiao.xlsx       # an Excel workbook

exit codes: 0 done; 1 done, some files failed (see sources); 2 a usage error or the run itself
failed, with one line in Chinese and English on stderr; 141 the output's reader went away
(| head). `jixiao COMMAND --help` describes each command."""


def _print_summary(summary: Summary, dataset: Dataset, out: Path) -> None:
    form_rows = dataset.read("forms", columns=["form_id", "needs_review"])
    forms = form_rows.num_rows
    review = sum(bool(v) for v in form_rows.column("needs_review").to_pylist())
    findings = Counter(dataset.read("findings", columns=["rule_id"]).column("rule_id").to_pylist())
    by_status = " · ".join(
        f"{STATUS_ZH[s]} {s} {summary.files[s]}" for s in ("ok", "partial", "skipped", "failed")
    )
    parsed = f"{summary.parsed} parsed, {summary.total - summary.parsed} decided without parsing"
    print(f"jixiao ingest: {summary.total} files ({parsed}) in {summary.seconds:.1f} s → {visible(str(out))}")
    print(f"  文件 files       {by_status}")
    print(
        f"  变化 changes     未变 unchanged {summary.unchanged} · 重新提交 replaced {summary.replaced} · "
        f"{STATUS_ZH['missing']} missing {len(summary.missing)}"
        + (f" · 已删除 pruned {len(summary.pruned)}" if summary.pruned else "")
        + (f" · 已排除 excluded {summary.excluded}" if summary.excluded else "")
    )
    if summary.skipped:
        reasons = ", ".join(f"{reason_zh(code)} {code} {n}" for code, n in sorted(summary.skipped.items()))
        print(f"  已跳过 skipped   {reasons}")
    print(
        f"  表单 forms       本次读取 {summary.forms_new} read in this run; 数据集共 {forms} in the dataset"
    )
    if review:
        print(
            f"  需复核 review    {review} 张表单需复核 — {review} form(s) need review "
            "(see forms.review_reasons)"
        )
    if findings:
        ranked = ", ".join(
            f"{rule} {n}" for rule, n in sorted(findings.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        print(f"  问题 findings    {sum(findings.values())} in the dataset: {ranked}")
    else:
        print("  问题 findings    无 none")
    for path, why in summary.failed_paths:
        print(f"  失败 failed      {visible(path)}: {visible(why)}")
    for path in summary.missing:
        print(f"  不在输入 missing {visible(path)} (其数据保留 rows kept; --prune drops them)")
    for path in summary.pruned:
        print(f"  已删除 pruned    {visible(path)}")
    for given in summary.empty_inputs:
        print(f"  空输入 empty     {visible(given)}: 没有文件 — holds no file")


def _ingest(args: argparse.Namespace) -> int:
    inputs = list(args.inputs)
    for given in inputs:
        if not os.path.lexists(given):
            raise UsageError(f"输入路径不存在：{given}", f"no such input file or folder: {given}")
    if args.list_file:
        try:
            inputs += read_list_file(args.list_file)
        except FileNotFoundError as e:
            raise UsageError(
                f"列表文件不存在：{args.list_file}", f"no such list file: {args.list_file}"
            ) from e
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(
                f"无法读取列表文件：{args.list_file}", f"cannot read the list file {args.list_file} ({e})"
            ) from e
    if not inputs:
        raise UsageError(
            "没有输入：请给出文件或文件夹，或 --list 列表文件",
            "no inputs (give files/folders or --list FILE)",
        )
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
            prune=args.prune,
            exclude=tuple(args.exclude),
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
    "review": decisions.review,
}


#: The arguments that name a file a command writes ('-' is stdout).
_OUTPUT_ARGS: Final = ("output", "xlsx", "csv", "parquet")


def _prepare_outputs(args: argparse.Namespace) -> None:
    """Create the missing folders of the files a command writes (like ``mkdir -p``), and refuse
    an output that is a folder or lies under a file, before any work is done."""
    for name in _OUTPUT_ARGS:
        value = getattr(args, name, None)
        if value is None or str(value) == "-":
            continue
        path = Path(value)
        if path.is_dir():
            raise UsageError(f"输出路径是一个文件夹：{path}", f"the output {path} is a folder: name a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as e:
            raise UsageError(
                f"输出路径中有一段是文件而非文件夹：{path}", f"a part of the output path {path} is a file"
            ) from e
        except OSError as e:
            raise UsageError(
                f"无法创建输出文件夹：{path.parent}", f"cannot create the folder {path.parent} ({e.strerror})"
            ) from e


def _stdout_gone() -> int:
    """The reader of stdout went away (``jixiao show … | head``): the Python documentation's
    advice for SIGPIPE — point stdout at /dev/null so the flush at exit cannot fail again — and
    the exit code a shell reports for a command ended by SIGPIPE."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_PIPE_CLOSED


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help, --version and on usage errors
        return int(e.code) if isinstance(e.code, int) else EXIT_RUN_FAILED
    if args.command is None:  # bare `jixiao`: what it can do
        parser.print_help()
        return EXIT_RUN_FAILED
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    prog = f"jixiao {args.command}"
    try:
        _prepare_outputs(args)
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _stdout_gone()
    except UsageError as e:  # the one place a usage error becomes its message and code
        print(f"{prog}: {visible(str(e))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except (DatasetError, ConfigurationError) as e:  # the run itself cannot go on
        print(f"{prog}: {visible(str(e))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except OSError as e:  # the machine, not a file: no space, a read-only or missing folder
        print(f"{prog}: {visible(str(dataset_failure(e, '运行', 'the run')))}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except MemoryError:
        print(f"{prog}: 内存不足 — out of memory", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print(f"{prog}: 已中断 — interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def entry() -> None:
    sys.exit(main())
