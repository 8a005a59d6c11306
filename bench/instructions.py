"""``make bench`` (instructions): what an ingest costs, counted rather than timed.

Seconds on a shared host move by a third between identical runs (the same commit measured 70 and
101 forms/s within an hour), which hides any change smaller than that. Valgrind's callgrind counts
the instructions the CPU executes instead: the same code, input and environment give the same
count whatever else the machine is doing. This script ingests a corpus of distinct .xlsx
workbooks (the spreadsheet corpus of ``bench/inbox.py``) and of .docx forms (``bench/corpus.py``)
in a child process run under callgrind, counting only the measured ingest: the child warms up on
a corpus of its own first (imports, jieba's dictionary, memoised vocabulary), then switches
counting on for one ``jixiao ingest`` into a fresh dataset and off again (``callgrind_control``).

Reported: instructions per form (millions), the figure to compare across commits; a change's
effect is the ratio of two counts. Needs valgrind (``make bench`` installs it).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.corpus import build_corpus
from bench.inbox import build_sheets

RESULTS = Path(__file__).resolve().parent / "results"


def _ingest(corpus: Path, out: Path) -> int:
    """``jixiao ingest`` in this process into a fresh dataset, in batches of 16 files whatever
    the time they take (``InProcess`` also cuts a batch after a second: under valgrind that would
    make the count depend on the machine's speed)."""
    from pipeline.batch.executors import InProcess
    from pipeline.batch.jobs import Settings
    from pipeline.batch.run import ingest
    from pipeline.dataset.writer import Dataset

    shutil.rmtree(out, ignore_errors=True)
    summary = ingest([str(corpus)], Dataset(out), Settings(profile="national"), InProcess(16, math.inf))
    return summary.forms_new


def _child(corpus: Path, warm: Path, out: Path) -> int:
    """Under callgrind (counting off): warm up, count one ingest, print its forms."""
    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    _ingest(warm, out / "warm")
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "--instr=on", pid], check=True, capture_output=True)
    forms = _ingest(corpus, out / "measured")
    subprocess.run(["callgrind_control", "--instr=off", pid], check=True, capture_output=True)
    print(f"forms {forms}")
    return 0


def count(corpus: Path, warm: Path, tmp: Path) -> tuple[int, int]:
    """(instructions, forms) of one ingest of ``corpus`` after a warm-up on ``warm``."""
    out = tmp / f"callgrind.{corpus.name}"
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # set iteration order: the same count every run
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--child",
            str(corpus),
            str(warm),
            str(tmp / f"data.{corpus.name}"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"the counted ingest failed:\n{run.stderr[-2000:]}")
    forms = int(run.stdout.split("forms ")[-1].split()[0])
    totals = next(line for line in out.read_text().splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]), forms


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=60, help="files per counted corpus (default 60)")
    ap.add_argument("--child", nargs=3, metavar=("CORPUS", "WARM", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(*(Path(p) for p in args.child))
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            raise SystemExit(f"counting instructions needs valgrind ({tool} not found): make valgrind")
    results: dict[str, Any] = {}
    # one fixed folder, not a fresh random name: file paths are data (sources, ids' inputs), and
    # paths of other lengths are other work
    tmp = Path(tempfile.gettempdir()) / "jixiao-bench-instructions"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for kind in (".xlsx", ".docx"):
            corpus, warm = tmp / f"corpus{kind}", tmp / f"warm{kind}"
            if kind == ".xlsx":
                build_sheets(corpus, args.files, seed=11)
                build_sheets(warm, max(1, args.files // 2), seed=12)
            else:
                build_corpus(corpus, args.files, seed=7)
                build_corpus(warm, max(1, args.files // 2), seed=8)
            instructions, forms = count(corpus, warm, tmp)
            per_form = instructions / forms / 1e6
            results[kind] = {"files": args.files, "forms": forms, "instructions": instructions}
            results[kind]["million_instructions_per_form"] = round(per_form, 2)
            print(f"{kind}: {forms} forms, {per_form:.2f} M instructions per form (callgrind, one ingest)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
