"""``python -m bench.export [--forms N]``: the time ``jixiao export`` takes on a large dataset.

The dataset is sample_docs ingested once by the real pipeline, then copied as many times as it
takes to hold ``--forms`` forms (default 10,000): each copy gets its own sha256 prefixes (so its
own form and finding ids), its own folder in ``source_path`` and a numbered project name, so no
two copies are the same project. Copies are written as one commit (``Dataset.commit``), as a
nightly run would leave them. Then the workbook is written once and timed; printed: forms,
findings, wall and CPU seconds, forms/s, the workbook's size. ``--keep DIR`` keeps (and reuses)
the dataset, so two versions of the exporter can be timed on the same one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.dataset.writer import Dataset
from schemas.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
#: Columns that hold an id starting with the file's sha256 prefix (rewritten per copy).
ID_COLUMNS = ("form_id", "source_sha256", "finding_id", "duplicate_of")


def _copy(table: pa.Table, k: int) -> pa.Table:
    """``table`` as copy ``k``: ids re-prefixed, paths in their own folder, project names numbered."""
    prefix = f"{k:05x}"
    for name in table.column_names:
        col = table.column(name)
        if name in ID_COLUMNS and pa.types.is_string(col.type):
            new = pc.utf8_replace_slice(col, 0, len(prefix), prefix)
        elif name == "source_path":
            new = pc.binary_join_element_wise(f"bench/{k:05d}/", col, "")
        elif name == "project_name":
            new = pc.binary_join_element_wise(col, f"（{k}）", "")
        else:
            continue
        table = table.set_column(table.schema.get_field_index(name), name, new)
    return table


def build(out: Path, forms: int, work: Path) -> int:
    """A dataset at ``out`` with at least ``forms`` forms; returns how many it holds."""
    base = Dataset(work / "base")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        ingest(["sample_docs"], base, Settings(), InProcess())
    finally:
        os.chdir(cwd)
    snapshot = base.open()
    tables = {t: snapshot.read(t) for t in TABLES}
    per_copy = tables["forms"].num_rows
    copies = -(-forms // per_copy)
    new = {
        t: pa.concat_tables([_copy(tables[t], k) for k in range(copies)]) for t in TABLES if t != "sources"
    }
    sources = pa.concat_tables([_copy(tables["sources"], k) for k in range(copies)])
    target = Dataset(out)
    with target.lock():
        target.commit(new, sources, [], snapshot.manifest.profile)
    return per_copy * copies


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.export", description=__doc__)
    p.add_argument("--forms", type=int, default=10_000)
    p.add_argument("--keep", type=Path, help="build the dataset here (and keep it) instead of a temp folder")
    args = p.parse_args(argv)
    from pipeline.review.export import write_xlsx

    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jixiao-bench-export-")))
        out = args.keep or work / "dataset"
        if not (out / "current").exists():
            t = time.perf_counter()
            n = build(out, args.forms, work)
            print(f"built {n:,} forms in {time.perf_counter() - t:.1f} s", flush=True)
        ds = Dataset(out).open()
        n_forms = sum(1 for _ in ds.read("forms", ["form_id"]).column(0))
        n_findings = ds.read("findings", ["finding_id"]).num_rows
        xlsx = work / "export.xlsx"
        t, cpu = time.perf_counter(), time.process_time()
        write_xlsx(out, xlsx)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        result = {
            "forms": n_forms,
            "findings": n_findings,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),  # the machine may be shared: CPU time is the fairer figure
            "forms_per_s": round(n_forms / seconds),
            "xlsx_mb": round(xlsx.stat().st_size / 1e6, 1),
        }
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
