"""``make bench``: end-to-end ingestion against the bare read of the same files, one core.

.docx — bare read = for every file: zipfile open + read word/document.xml + lxml parse (the
        floor: no walking, no matching, no checks, no Parquet).
.pdf  — bare read = pdfplumber's ``extract_tables()`` on every page (what a generic extractor
        costs; the corpus is exported by LibreOffice, so the PDF part needs ``soffice``).
end-to-end = ``jixiao ingest`` in-process into a fresh dataset: hashing, parsing, segmentation,
        matching, rules, Arrow conversion, the atomic Parquet commit.

Everything runs in this process pinned to one CPU, three times each; medians are reported, with
the ratio end-to-end / bare (stable on a noisy machine, unlike absolute seconds).
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
from typing import Any

import pyarrow as pa
from lxml import etree

from bench.corpus import build_corpus, build_pdf_corpus
from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.writer import Dataset


def pdf_bare_read(files: list[Path]) -> None:
    import pdfplumber

    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()


def raw_read(files: list[Path]) -> None:
    parser = etree.XMLParser(resolve_entities=False)
    for f in files:
        with zipfile.ZipFile(f) as z:
            etree.fromstring(z.read("word/document.xml"), parser)


def end_to_end(corpus: Path, out: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    summary = ingest([str(corpus)], Dataset(out), Settings(profile="national"), InProcess())
    return summary.forms_new


def timed(fn: object, *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - t0


def _measure(
    name: str, corpus: Path, files: list[Path], n_forms: int, bare: Any, repeat: int, tmp: Path
) -> dict[str, float]:
    bare(files)  # warm the page cache
    bare_s = statistics.median(timed(bare, files) for _ in range(repeat))
    e2e = []
    for _ in range(repeat):
        t = time.perf_counter()
        got = end_to_end(corpus, tmp / f"ds-{name}")
        e2e.append(time.perf_counter() - t)
        assert got == n_forms, f"ingested {got} forms of {n_forms}"
    return {"bare_s": round(bare_s, 3), "end_to_end_s": round(statistics.median(e2e), 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--docs", type=int, default=1000, help=".docx files in the corpus (every 5th holds 2 forms)"
    )
    ap.add_argument("--pdfs", type=int, default=120, help=".pdf files in the PDF corpus (0 to skip)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    results: dict[str, Any] = {"cores": 1, "repeat": args.repeat}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "docx"
        n_forms = build_corpus(corpus, args.docs)
        files = sorted(corpus.glob("*.docx"))
        m = _measure("docx", corpus, files, n_forms, raw_read, args.repeat, tmp)
        results["docx"] = {
            "files": len(files),
            "forms": n_forms,
            **m,
            "bare_forms_per_s": round(n_forms / m["bare_s"], 1),
            "end_to_end_forms_per_s": round(n_forms / m["end_to_end_s"], 1),
            "end_to_end_over_bare": round(m["end_to_end_s"] / m["bare_s"], 2),
        }
        d = results["docx"]
        print(f".docx: {len(files)} files, {n_forms} forms")
        print(f"  bare read (zipfile + lxml)  {d['bare_forms_per_s']:>8} forms/s  (median {d['bare_s']} s)")
        print(
            f"  end-to-end (jixiao ingest)  {d['end_to_end_forms_per_s']:>8} forms/s  (median {d['end_to_end_s']} s)"
        )
        print(f"  end-to-end / bare: {d['end_to_end_over_bare']}×   target ≥ 100 forms/s per core")
        if args.pdfs:
            corpus = tmp / "pdf"
            n_forms, n_pages = build_pdf_corpus(corpus, args.pdfs)
            files = sorted(corpus.glob("*.pdf"))
            m = _measure("pdf", corpus, files, n_forms, pdf_bare_read, args.repeat, tmp)
            results["pdf"] = {
                "files": len(files),
                "forms": n_forms,
                "pages": n_pages,
                **m,
                "bare_pages_per_s": round(n_pages / m["bare_s"], 1),
                "end_to_end_pages_per_s": round(n_pages / m["end_to_end_s"], 1),
                "end_to_end_over_bare": round(m["end_to_end_s"] / m["bare_s"], 2),
            }
            p = results["pdf"]
            print(f".pdf: {len(files)} files, {n_pages} pages, {n_forms} forms")
            print(
                f"  bare extract_tables()       {p['bare_pages_per_s']:>8} pages/s  (median {p['bare_s']} s)"
            )
            print(
                f"  end-to-end (jixiao ingest)  {p['end_to_end_pages_per_s']:>8} pages/s  (median {p['end_to_end_s']} s)"
            )
            print(f"  end-to-end / bare: {p['end_to_end_over_bare']}×   target ≤ 1.5×")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "single_core.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
