"""``make generalize`` (and part of ``make bench``): the generalization benchmark.

Renders ≥ 500 template variants of the sample forms' content and of contents of the suite's own
(``tests/generalize``), a share printed to PDF, a share written as .xlsx workbooks and some of those
saved as .xls by LibreOffice (where ``soffice`` is installed), reads each through the real pipeline and compares it with the plain rendering of the same content.
Prints the share of cells equal, the variants that differ and the share of those flagged
(``needs_review``, or a status that is not ok), and the failures grouped by knob with one example
each; writes the figures to ``bench/results/generalize.json`` (and ``.txt``).

Seeds are held out: the benchmark runs on 100000–100599 (``variants.BENCH_SEEDS``); the fast slice
in ``make test`` uses 0–47 and tuning the reader uses the dev range 1000–9999 (``--dev``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from parsers.formats.base import Services
from tests.generalize import pdf
from tests.generalize.harness import Outcome, Run, render_variant, suffix
from tests.generalize.report import summary, text
from tests.generalize.variants import BENCH_SEEDS, DEV_SEEDS, draw

RESULTS = Path(__file__).resolve().parent / "results"


def run(seeds: range, pdf_share: float, sheet_share: float, xls_share: float) -> list[Outcome]:
    variants = [draw(s, pdf_share=pdf_share, sheet_share=sheet_share, xls_share=xls_share) for s in seeds]
    rendered = {f"variant-{v.seed}": render_variant(v)[1] for v in variants}
    files = dict(rendered)
    files |= pdf.to_pdf(
        {f"variant-{v.seed}": rendered[f"variant-{v.seed}"] for v in variants if v.has("pdf")}
    )
    files |= pdf.to_xls(
        {f"variant-{v.seed}": rendered[f"variant-{v.seed}"] for v in variants if v.has("xls")}
    )
    with Services() as services:
        harness = Run(services)
        return [harness.outcome(v, files[f"variant-{v.seed}"], suffix(v)) for v in variants]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", action="store_true", help="run on the development seeds (1000–) instead")
    ap.add_argument(
        "--start", type=int, help="first seed of a range of your own (a fresh unseen range: 200000)"
    )
    ap.add_argument("-n", type=int, default=len(BENCH_SEEDS), help="number of variants (default 600)")
    ap.add_argument(
        "--pdf-share", type=float, default=0.1, help="share of variants printed to PDF (needs soffice)"
    )
    ap.add_argument(
        "--sheet-share",
        type=float,
        default=0.15,
        help="share of variants written as .xlsx workbooks (of those not printed to PDF)",
    )
    ap.add_argument(
        "--xls-share",
        type=float,
        default=0.4,
        help="share of the workbooks saved as .xls by LibreOffice Calc (needs soffice and Calc)",
    )
    args = ap.parse_args(argv)
    base = DEV_SEEDS if args.dev else BENCH_SEEDS
    first = args.start if args.start is not None else base.start
    seeds = range(first, first + args.n)
    share = args.pdf_share
    if share and pdf.soffice() is None:
        print("LibreOffice (soffice) not installed: no variant is printed to PDF")
        share = 0.0
    if share and not pdf.cjk_font():
        print("no Chinese font (fonts-noto-cjk; `make fonts`): no variant is printed to PDF")
        share = 0.0
    xls_share = args.xls_share if pdf.soffice() is not None else 0.0
    if args.xls_share and not xls_share:
        print("LibreOffice (soffice) not installed: no workbook is saved as .xls")
    t = time.perf_counter()
    outcomes = run(seeds, share, args.sheet_share, xls_share)
    s = summary(outcomes, f"{seeds.start}–{seeds.stop - 1}")
    s["seconds"] = round(time.perf_counter() - t, 1)
    report = text(s)
    print(report)
    print(f"  ({s['seconds']} s)")
    RESULTS.mkdir(exist_ok=True)
    stem = "generalize-dev" if args.dev else "generalize" if args.start is None else f"generalize-{first}"
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(s, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (RESULTS / f"{stem}.txt").write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
