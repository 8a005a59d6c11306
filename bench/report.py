"""The report at a province's scale: a dataset of ``--forms`` forms (default 10,000), the report
built from it, and every kind of page loaded in headless Chromium (Debian's /usr/bin/chromium).

The dataset is synthesized from the sample dataset's real rows: each sample form (with its funds,
indicators, findings and cells) copied under a new ``form_id``, a numbered project name, one of
60 departments and one of four years, written through the dataset writer — real pages, real
findings, at scale, in seconds instead of parsing 10,000 files. The copies keep their source's
path and sha256, so PDF forms get their page crops (``--no-crops`` to leave them out).

Measured: build seconds; files, total and largest file size; per page load seconds in Chromium
(the index until its list is drawn; form pages first, middle and last, with a form shown);
filter and paging seconds on the index. Targets (issue 14): under 3 s per page, a few MB per file.

    python -m bench.report [--forms 10000] [--out DIR] [--no-crops] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.writer import Dataset
from pipeline.review.report import Options, write_report
from schemas.tables import TABLES

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
YEARS = (2020, 2021, 2022, 2023)


def sample_dataset(out: Path) -> Dataset:
    """sample_docs ingested (paths as "sample_docs/…", relative to the repository)."""
    ds = Dataset(out)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        ingest(["sample_docs"], ds, Settings(), InProcess())
    finally:
        os.chdir(cwd)
    return ds


def synthesize(sample: Dataset, out: Path, n_forms: int) -> Dataset:
    """A dataset of ``n_forms`` forms copied from ``sample``'s (see the module's note)."""
    tables = {name: sample.read(name).to_pylist() for name in TABLES}
    forms = tables["forms"]
    by_form: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in ("funds", "indicators", "findings", "cells", "terms"):
        for row in tables[name]:
            by_form.setdefault(row["form_id"], {}).setdefault(name, []).append(row)
    new: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES if name != "sources"}
    for i in range(n_forms):
        base = forms[i % len(forms)]
        old_id = base["form_id"]
        fid = hashlib.sha256(f"{old_id}/{i}".encode()).hexdigest()[:16] + f"-{base['form_index']}"
        year = YEARS[i % len(YEARS)]
        form = {
            **base,
            "form_id": fid,
            "year": year,
            "project_name": f"{base['project_name'] or '项目'}（第{i + 1}号）",
            "department": f"{['市', '县', '区'][i % 3]}第{i % 60 + 1}主管部门",
        }
        new["forms"].append(form)
        for name, rows in by_form.get(old_id, {}).items():
            for row in rows:
                copy = {**row, "form_id": fid}
                if "year" in copy:
                    copy["year"] = year
                if name == "findings":
                    copy["finding_id"] = fid + row["finding_id"][len(old_id) :]
                new[name].append(copy)
    ds = Dataset(out)
    arrow = {name: pa.Table.from_pylist(rows, schema=TABLES[name]) for name, rows in new.items()}
    sources = pa.Table.from_pylist(tables["sources"], schema=TABLES["sources"])
    with ds.lock():
        ds.commit(arrow, sources, [], "auto")
    return ds


def measure_pages(report: Path, folder: Path | None, browser: Browser | None = None) -> dict[str, Any]:
    """Load times in Chromium (a browser of its own unless one is given)."""
    if browser is not None:
        return _measure(browser, report, folder)
    from playwright.sync_api import sync_playwright

    from tests.review.browser import launch_chromium

    with sync_playwright() as pw:
        own = launch_chromium(pw)
        try:
            return _measure(own, report, folder)
        finally:
            own.close()


def _measure(browser: Browser, report: Path, folder: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t = time.perf_counter()
        page.goto(report.resolve().as_uri())
        page.wait_for_selector("#form-rows tr", state="attached")
        out["index_load_s"] = round(time.perf_counter() - t, 3)
        out["index_dom_nodes"] = page.evaluate("document.getElementsByTagName('*').length")
        if page.locator("#next-page").is_enabled():
            t = time.perf_counter()
            page.click("#next-page")
            out["next_page_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        page.check("#only-errors")
        page.select_option("#year", "2022")
        out["filter_s"] = round(time.perf_counter() - t, 3)
        out["filtered_forms"] = int(page.locator("#shown").inner_text())
        t = time.perf_counter()
        page.fill("#q", "第77号")
        out["text_filter_s"] = round(time.perf_counter() - t, 3)
        pages = sorted(folder.glob("forms-*.html")) if folder else []
        loads = []
        for p in sorted({0, len(pages) // 2, len(pages) - 1}) if pages else []:
            html = pages[p]
            fresh = context.new_page()  # a new tab per page
            fresh.on("pageerror", lambda e: errors.append(str(e)))
            t = time.perf_counter()
            fresh.goto(html.resolve().as_uri())
            first = fresh.locator(".home a").first.get_attribute("href") or ""
            fresh.goto(html.resolve().as_uri() + first)
            fresh.wait_for_selector(".form-page:target", state="visible")
            loads.append(
                {
                    "page": html.name,
                    "load_s": round(time.perf_counter() - t, 3),
                    "dom_nodes": fresh.evaluate("document.getElementsByTagName('*').length"),
                    "mb": round(html.stat().st_size / 1e6, 2),
                }
            )
            fresh.close()
        out["form_pages"] = loads
        out["page_errors"] = errors
    finally:
        context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--forms", type=int, default=10_000)
    ap.add_argument("--out", type=Path, help="work folder (default: a temporary one)")
    ap.add_argument("--no-crops", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args(argv)
    work = args.out or Path(tempfile.mkdtemp(prefix="jixiao-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        sample = sample_dataset(work / "sample")
        big = synthesize(sample, work / "big", args.forms)
        synth_s = time.perf_counter() - t
        report = work / "report" / "report.html"
        report.parent.mkdir(exist_ok=True)
        cwd = os.getcwd()
        os.chdir(ROOT)  # the copies' sources are "sample_docs/…"
        try:
            t = time.perf_counter()
            stats = write_report(big.root, report, Options(crops=not args.no_crops))
            build_s = time.perf_counter() - t
        finally:
            os.chdir(cwd)
        folder = report.parent / f"{report.stem}_files"
        result = {
            "forms": stats["forms"],
            "findings": stats["findings"],
            "crops": stats["crops"],
            "synthesize_s": round(synth_s, 1),
            "build_s": round(build_s, 1),
            "files": stats["files"],
            "total_mb": round(stats["bytes"] / 1e6, 1),
            "largest_file_mb": round(stats["largest_file"] / 1e6, 2),
            "index_mb": round(report.stat().st_size / 1e6, 2),
            **measure_pages(report, folder if folder.exists() else None),
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        slowest = max([result["index_load_s"], *(p["load_s"] for p in result["form_pages"])])
        return 0 if slowest < 3 and not result["page_errors"] else 1
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
