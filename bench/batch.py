"""``make bench`` (second part): the nightly batch on 2,000+ forms, .docx and .pdf, with 1 and
2 workers, then again on the unchanged input.

Each configuration runs in its own process (``--child``), which is the parent of the parsing
sandboxes, so ``RUSAGE_CHILDREN`` gives the peak resident memory of the largest worker. Reported:
forms/s per configuration, the speed-up of 2 workers over 1, the peak memory per worker, and how
much faster the re-run on unchanged input is than the first run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import build_corpus, build_pdf_corpus


def child(corpus: str, out: str, workers: int) -> int:
    """One ingest in this process; prints seconds, parsed files and worker peak RSS as JSON."""
    from pipeline.batch.executors import LocalPool
    from pipeline.batch.jobs import Settings
    from pipeline.batch.run import ingest
    from pipeline.dataset.writer import Dataset

    t = time.perf_counter()
    summary = ingest([corpus], Dataset(Path(out)), Settings(profile="national"), LocalPool(workers))
    seconds = time.perf_counter() - t
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "parsed": summary.parsed,
                "forms": summary.forms_new,
                "unchanged": summary.unchanged,
                "worker_peak_mib": round(peak_kib / 1024, 1),
            }
        )
    )
    return 0


def run_child(corpus: Path, out: Path, workers: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.batch", "--child", str(corpus), str(out), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1750, help=".docx files (every 5th holds 2 forms)")
    ap.add_argument("--pdfs", type=int, default=250, help=".pdf files")
    ap.add_argument("--repeat", type=int, default=2, help="runs per configuration (median reported)")
    ap.add_argument("--child", nargs=3, metavar=("CORPUS", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1], int(args.child[2]))

    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "corpus"
        forms = build_corpus(corpus / "docx", args.docs)
        pdf_forms, pages = build_pdf_corpus(corpus / "pdf", args.pdfs) if args.pdfs else (0, 0)
        forms += pdf_forms
        print(f"corpus: {args.docs} .docx + {args.pdfs} .pdf ({pages} pages) = {forms} forms")
        results: dict[str, Any] = {"forms": forms, "docx_files": args.docs, "pdf_files": args.pdfs}
        for workers in (1, 2):
            runs = []
            for _ in range(args.repeat):
                out = tmp / f"ds-{workers}"
                shutil.rmtree(out, ignore_errors=True)
                r = run_child(corpus, out, workers)
                assert r["forms"] == forms, r
                runs.append(r)
            seconds = statistics.median(r["seconds"] for r in runs)
            results[f"workers_{workers}"] = {
                "seconds": round(seconds, 2),
                "forms_per_s": round(forms / seconds, 1),
                "worker_peak_mib": max(r["worker_peak_mib"] for r in runs),
            }
            print(
                f"  {workers} worker(s): {forms / seconds:7.1f} forms/s  (median {seconds:.2f} s, "
                f"peak {results[f'workers_{workers}']['worker_peak_mib']} MiB per worker)"
            )
        rerun = run_child(corpus, tmp / "ds-2", 2)
        assert rerun["parsed"] == 0 and rerun["unchanged"] == args.docs + args.pdfs, rerun
        first = results["workers_2"]["seconds"]
        results["speedup_2_over_1"] = round(results["workers_1"]["seconds"] / first, 2)
        results["rerun_unchanged_s"] = round(rerun["seconds"], 3)
        results["first_over_rerun"] = round(first / rerun["seconds"], 1)
        print(f"  speed-up 2 workers / 1: {results['speedup_2_over_1']}×   target ≥ 1.8×")
        print(
            f"  re-run on unchanged input: {rerun['seconds']:.2f} s, "
            f"{results['first_over_rerun']}× faster than the first run   target ≥ 20×"
        )
    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "batch.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
