"""``make bench``: end-to-end .docx ingestion against the raw read of the same files, one core.

raw read  = for every file: zipfile open + read word/document.xml + lxml parse (the floor: no
            walking, no matching, no checks, no Parquet).
end-to-end = ``jixiao ingest`` in-process into a fresh dataset: hashing, parsing, segmentation,
            matching, rules, Arrow conversion, the atomic Parquet commit.

Both run in this process pinned to one CPU, three times each; the median is reported, with the
ratio between them (stable on a noisy machine, unlike absolute seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

import pyarrow as pa
from lxml import etree

from bench.corpus import build_corpus
from pipeline.run import InProcess, Settings, ingest
from pipeline.writer import Dataset
from schemas.rules import NATIONAL


def raw_read(files: list[Path]) -> None:
    parser = etree.XMLParser(resolve_entities=False)
    for f in files:
        with zipfile.ZipFile(f) as z:
            etree.fromstring(z.read("word/document.xml"), parser)


def end_to_end(corpus: Path, out: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    summary = ingest([str(corpus)], Dataset(out), Settings(profile=NATIONAL), InProcess())
    return summary.forms_new


def timed(fn: object, *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--docs", type=int, default=1000, help="documents in the corpus (every 5th holds 2 forms)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        n_forms = build_corpus(corpus, args.docs)
        files = sorted(corpus.glob("*.docx"))
        print(f"corpus: {len(files)} .docx, {n_forms} forms (built in {time.perf_counter() - t0:.1f} s)")
        raw_read(files)  # warm the page cache
        raw = [timed(raw_read, files) for _ in range(args.repeat)]
        e2e = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            got = end_to_end(corpus, Path(tmp) / "ds")
            e2e.append(time.perf_counter() - t)
            assert got == n_forms, f"ingested {got} forms of {n_forms}"
        raw_med, e2e_med = statistics.median(raw), statistics.median(e2e)
        result = {
            "docs": len(files),
            "forms": n_forms,
            "raw_read_s": round(raw_med, 3),
            "end_to_end_s": round(e2e_med, 3),
            "raw_read_forms_per_s": round(n_forms / raw_med, 1),
            "end_to_end_forms_per_s": round(n_forms / e2e_med, 1),
            "end_to_end_over_raw": round(e2e_med / raw_med, 2),
            "cores": 1,
            "repeat": args.repeat,
        }
    print(
        f"raw read (zipfile + lxml):  {result['raw_read_forms_per_s']:>8} forms/s  (median {raw_med:.3f} s)"
    )
    print(
        f"end-to-end (jixiao ingest): {result['end_to_end_forms_per_s']:>8} forms/s  (median {e2e_med:.3f} s)"
    )
    print(f"end-to-end / raw read: {result['end_to_end_over_raw']}×   target: ≥ 100 forms/s per core")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "docx.json").write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
