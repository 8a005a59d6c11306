"""``jixiao review``: an auditor's decision about a finding, recorded in the dataset's ``reviews``
ledger (``pipeline.dataset.reviews``), one at a time or read back from the working paper.

::

    jixiao review DIR FINDING_ID --status confirmed|dismissed|fixed --note "…" [--by 张三]
    jixiao review DIR --from-xlsx 复核底稿.xlsx [--by 张三]

The workbook (``jixiao export``) carries 复核状态 / 复核意见 / 复核人 on its 问题 sheet. Reading it
back is all or nothing: a row naming an unknown finding, a row whose finding text (说明) is no
longer what the dataset says (the file was re-read since the export), a status that is none of
确认 / 已说明 / 已整改 (or confirmed / dismissed / fixed) — every such row is reported with its
sheet row number and nothing is recorded. Rows left empty, and rows whose decision is the one
already recorded (the export prefills them), are not recorded again.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from typing import Any

from pipeline.dataset.reviews import Request, ReviewError, decisions, record
from pipeline.dataset.writer import Dataset
from pipeline.review.display import visible
from pipeline.review.export import text
from pipeline.review.sheets import FINDINGS_SHEET, REVIEW_HEADERS
from schemas.statuses import review_status

EXIT_OK, EXIT_USAGE = 0, 2


def review(args: argparse.Namespace) -> int:
    dataset = Dataset(args.dataset)
    try:
        if args.from_xlsx is not None:
            if args.finding_id or args.status or args.note:
                return _usage(
                    "--from-xlsx 与问题ID/--status/--note 不能同时使用 — "
                    "--from-xlsx takes no finding id, --status or --note"
                )
            requests = read_workbook(args.from_xlsx, dataset, args.by)
            n = record(dataset, requests, args.from_xlsx.name, display=lambda m: text(m).strip())
            print(f"复核记录 {n} 条已写入 — {n} decision(s) recorded from {visible(str(args.from_xlsx))}")
            return EXIT_OK
        if not args.finding_id or not args.status:
            return _usage("需要问题ID和 --status — give a FINDING_ID and --status (or --from-xlsx FILE)")
        status = review_status(args.status)
        req = Request(args.finding_id, status, args.note, args.by, written_status=args.status)
        record(dataset, [req], "cli")
    except ReviewError as e:
        for problem in e.problems:
            print(f"jixiao review: {visible(problem)}", file=sys.stderr)
        print("jixiao review: 未写入任何复核记录 — nothing was recorded", file=sys.stderr)
        return EXIT_USAGE
    print(f"已记录 — recorded: {visible(args.finding_id)} {status}")
    return EXIT_OK


def _usage(message: str) -> int:
    print(f"jixiao review: {message}", file=sys.stderr)
    return EXIT_USAGE


def _cell(row: tuple[Any, ...], index: int | None) -> str | None:
    if index is None or index >= len(row) or row[index] is None:
        return None
    value = str(row[index]).strip()
    return value or None


def read_workbook(path: Path, dataset: Dataset, by: str | None = None) -> list[Request]:
    """The decisions the 问题 sheet of a filled-in workbook asks for (rows that changed), each
    with its sheet row number; a workbook jixiao did not write is a ``ReviewError``."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReviewError([f"无法读取工作簿 {path}（{e}） — cannot read the workbook {path}"]) from e
    try:
        if FINDINGS_SHEET not in wb.sheetnames:
            raise ReviewError(
                [f"工作簿中没有“{FINDINGS_SHEET}”表 — the workbook has no {FINDINGS_SHEET} sheet"]
            )
        rows = wb[FINDINGS_SHEET].iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(rows, ())]
        missing = [h for h in REVIEW_HEADERS if h not in header]
        if missing:
            raise ReviewError(
                [f"“{FINDINGS_SHEET}”表缺少列 {'、'.join(missing)} — the sheet lacks the columns {missing}"]
            )
        col = {h: header.index(h) for h in REVIEW_HEADERS}
        current = decisions(dataset.open())
        out: list[Request] = []
        for n, row in enumerate(rows, 2):
            fid = _cell(row, col["问题ID"])
            written, note = _cell(row, col["复核状态"]), _cell(row, col["复核意见"])
            who = _cell(row, col["复核人"]) or by
            if written is None and note is None:
                continue
            if fid is None:
                out.append(Request("（空）", None, row=n, written_status=written))
                continue
            status = review_status(written) if written is not None else None
            d = current.get(fid)
            if d is not None and not d.stale and d.status == status and (d.note or None) == note:
                continue  # the decision already recorded (prefilled by the export)
            out.append(
                Request(
                    fid,
                    status,
                    note,
                    who,
                    row=n,
                    written_status=written or "（空）",
                    shown=_cell(row, col["说明"]) or "",
                )
            )
        return out
    finally:
        wb.close()
