"""DuckDB over a dataset: one view per table, named like the table (forms, funds, indicators,
findings, cells, terms, sources), over exactly the files of the current version (the manifest's
list, not a glob: a reader never mixes two versions).

Also the one place that makes text safe for spreadsheets: ``spreadsheet_safe`` neutralises cells
that Excel or LibreOffice would run as formulas (a submitted form is untrusted input).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.writer import Dataset
from schemas.errors import DatasetError
from schemas.tables import TABLES


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the dataset's tables as views."""
    ds = Dataset(root)
    manifest = ds.manifest()
    if manifest is None:
        raise DatasetError(f"{root} is not a jixiao dataset (run jixiao ingest … --out {root} first)")
    con = duckdb.connect()
    for name, schema in TABLES.items():
        files = [str(ds.root / f) for f in manifest.files.get(name, [])]
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listing}])')
        else:
            con.register(f"_{name}_empty", schema.empty_table())
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM "_{name}_empty"')
    return con


#: A text starting with one of these is a formula to Excel/LibreOffice (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, prefixed with an apostrophe; other values as is.
    Numbers stay numbers (only text is ever a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # never 0E-8: a decimal as printed, full precision
    return spreadsheet_safe(value)


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spreadsheet_safe(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def run_query(root: Path, sql: str) -> pa.Table:
    """The result of ``sql`` over the dataset, as an Arrow table."""
    con = connect(root)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()
