"""``make bench`` (third part): the rest of the inbox, on one pinned core.

Spreadsheets — a corpus of distinct workbooks (the benchmark forms laid out by openpyxl, as .xlsx,
and the same saved by LibreOffice Calc as .xls); ``jixiao ingest`` end-to-end in this process:
forms/s (wall clock and CPU time, medians of ``--repeat`` runs: the machine may be shared), against
the target of 100 forms/s per core.

Legacy Word — .doc files (the benchmark forms saved by LibreOffice Writer), converted in the
same run by LibreOffice's own batch mode (one ``soffice --convert-to docx a.doc b.doc …``) and
by jixiao's converter (one office kept for the worker, driven over UNO); seconds per file,
amortised over the batch with the office's start-up included, and the peak resident memory of
each office. Then ``jixiao ingest`` of the .doc corpus end-to-end (forms/s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from bench.corpus import _spec, build_corpus
from bench.run import end_to_end
from parsers.formats.base import ParseOptions, Services
from parsers.formats.legacy import SERVICE
from parsers.formats.soffice import LibreOffice

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sample_docs" / "build"))
from sheetkit import place_form, save_reproducible, title_rows


def build_sheets(out: Path, n: int, seed: int = 11) -> int:
    """``n`` distinct one-form workbooks; every fifth holds two forms on two sheets."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    forms = 0
    for i in range(n):
        wb = Workbook()
        for k in range(2 if i % 5 == 4 else 1):
            ws: Any = wb.active if k == 0 else wb.create_sheet()
            ws.title = f"表{k + 1}"
            spec: Any = _spec(rng, i * 2 + k)
            top = title_rows(ws, 1, 1, [("项目支出绩效自评表", 16, True), ("（2022年度）", 10, False)])
            place_form(ws, spec, top)
            forms += 1
        save_reproducible(wb, out / f"sheet_{i:05d}.xlsx")
    return forms


def soffice() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        raise SystemExit("the legacy Word benchmark needs LibreOffice (soffice)")
    return exe


def lo_batch(files: list[Path], target: str, out: Path, profile: Path) -> tuple[float, int]:
    """LibreOffice's own batch conversion: seconds, and the office's peak RSS (KiB). The peak is
    each LibreOffice process's own high-water mark (``VmHWM``), read while it runs: the rusage of
    waited-for children would report this Python process's RSS instead (a child's high-water
    mark starts at its parent's when it is forked)."""
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    cmd = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    args = [*cmd, "--convert-to", target, "--outdir", str(out), *map(str, files)]
    peak = 0
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
        while proc.poll() is None:
            peak = max([peak, *(_vm_hwm_kib(pid) for pid in _descendants(proc.pid))])
            time.sleep(0.05)
        if proc.wait(timeout=3600) != 0:
            raise SystemExit(f"LibreOffice's batch conversion to {target} exited with {proc.returncode}")
    made = len(list(out.iterdir()))
    if made < len(files):
        component = "Calc (make calc)" if target.startswith("xls") else "Writer (make libreoffice)"
        raise SystemExit(
            f"LibreOffice converted {made} of {len(files)} files to {target}: is {component} installed?"
        )
    return time.perf_counter() - t, peak


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (from ``/proc/*/stat``)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process has gone
        parents[int(stat.parent.name)] = int(fields[1])
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(p for p, pp in parents.items() if pp == pid)
    return out


def _vm_hwm_kib(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0  # the process has gone
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def ours(files: list[Path]) -> dict[str, float]:
    """jixiao's converter over the same files: start-up, per-file and amortised seconds, RSS."""
    options = ParseOptions()
    with Services() as services:
        t = time.perf_counter()
        office = services.get(SERVICE, lambda: LibreOffice(options))
        start = time.perf_counter() - t
        per_file = []
        for f in files:
            t1 = time.perf_counter()
            office.convert(f.read_bytes(), ".doc", options.convert_timeout)
            per_file.append(time.perf_counter() - t1)
        total = time.perf_counter() - t
        rss = _vm_hwm_kib(office._office.pid) if office._office else 0
    return {
        "start_s": round(start, 2),
        "median_file_s": round(sorted(per_file)[len(per_file) // 2], 3),
        "amortised_s_per_file": round(total / len(files), 3),
        "office_peak_rss_mb": round(rss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sheets", type=int, default=300, help=".xlsx files in the spreadsheet corpus")
    ap.add_argument("--docs", type=int, default=24, help=".doc files in the legacy Word corpus")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each spreadsheet corpus (median)")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    results: dict[str, Any] = {"cores": 1}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-inbox-") as tmp_name:
        tmp = Path(tmp_name)
        xlsx = tmp / "xlsx"
        n_forms = build_sheets(xlsx, args.sheets)
        xls = tmp / "xls"
        n_xls = args.sheets // 5
        xls_forms = sum(2 if i % 5 == 4 else 1 for i in range(n_xls))
        lo_batch(sorted(xlsx.glob("*.xlsx"))[:n_xls], "xls:MS Excel 97", xls, tmp / "lo-xls")
        for name, corpus, forms in (("xlsx", xlsx, n_forms), ("xls", xls, xls_forms)):
            end_to_end(corpus, tmp / f"warm-{name}")  # warm caches and jieba
            walls, cpus = [], []
            for _ in range(args.repeat):  # the host is shared: one run may be 30 % off
                c0, t0 = time.process_time(), time.perf_counter()
                got = end_to_end(corpus, tmp / f"ds-{name}")
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
                assert got == forms, (got, forms)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            results[name] = {
                "files": len(list(corpus.iterdir())),
                "forms": forms,
                "runs": args.repeat,
                "forms_per_s": round(forms / wall, 1),
                "forms_per_cpu_s": round(forms / cpu, 1),
                "forms_per_cpu_s_range": [round(forms / max(cpus), 1), round(forms / min(cpus), 1)],
            }
            r = results[name]
            print(
                f".{name}: {forms} forms  {r['forms_per_s']:7.1f} forms/s wall  {r['forms_per_cpu_s']:7.1f} forms/s CPU"
                f"   (median of {args.repeat} runs; CPU {r['forms_per_cpu_s_range'][0]}–{r['forms_per_cpu_s_range'][1]}; target ≥ 100 per core)"
            )
        # legacy Word: the benchmark templates saved as .doc (via .odt: Writer's direct .docx → .doc drops tables)
        src = tmp / "docx"
        build_corpus(src, args.docs)
        lo_batch(sorted(src.glob("*.docx")), "odt", tmp / "odt", tmp / "lo-odt")
        lo_batch(sorted((tmp / "odt").glob("*.odt")), "doc:MS Word 97", tmp / "doc", tmp / "lo-doc")
        docs = sorted((tmp / "doc").glob("*.doc"))
        batch_s, batch_rss = lo_batch(docs, "docx", tmp / "lo-out", tmp / "lo-batch")
        mine = ours(docs)
        results["legacy"] = {
            "files": len(docs),
            "libreoffice_batch_s_per_file": round(batch_s / len(docs), 3),
            "libreoffice_batch_peak_rss_mb": round(batch_rss / 1024, 1),
            **{f"jixiao_{k}": v for k, v in mine.items()},
        }
        lg = results["legacy"]
        print(f".doc: {len(docs)} files")
        print(
            f"  LibreOffice batch (one soffice --convert-to)   {lg['libreoffice_batch_s_per_file']:6.3f} s/file amortised, peak RSS {lg['libreoffice_batch_peak_rss_mb']} MB"
        )
        print(
            f"  jixiao converter (one office, UNO)             {lg['jixiao_amortised_s_per_file']:6.3f} s/file amortised (start {lg['jixiao_start_s']} s, median file {lg['jixiao_median_file_s']} s), office peak RSS {lg['jixiao_office_peak_rss_mb']} MB"
        )
        c0, t0 = time.process_time(), time.perf_counter()
        got = end_to_end(tmp / "doc", tmp / "ds-doc")
        wall = time.perf_counter() - t0
        lg["end_to_end_forms_per_s"] = round(got / wall, 2)
        print(f"  end-to-end (jixiao ingest, converting)         {got / wall:6.2f} forms/s ({got} forms)")
        results["python_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "inbox.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
