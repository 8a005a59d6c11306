"""DuckDB over a dataset: one view per table, named like the table (forms, funds, indicators,
findings, cells, terms, sources), over exactly the files of one version (the snapshot's list in
its ``versions/N`` folder, not a glob: a reader never mixes two versions, and a commit while it
reads changes nothing it sees). Files of an earlier minor schema version read their added
columns as null (``union_by_name``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.dataset.writer import Dataset, Snapshot
from schemas.tables import TABLES


def connect_snapshot(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the snapshot's tables as views."""
    con = duckdb.connect()
    for name, schema in TABLES.items():
        files = [str(f) for f in snapshot.files(name)]
        con.register(f"_{name}_empty", schema.empty_table())
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            # every declared column, also those added after a file was written (null there)
            con.execute(
                f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listing}], union_by_name = true) '
                f'UNION ALL BY NAME SELECT * FROM "_{name}_empty"'
            )
        else:
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM "_{name}_empty"')
    return con


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the current version of the dataset at ``root``."""
    return connect_snapshot(Dataset(root).open())


def run_query(root: Path, sql: str) -> pa.Table:
    """The result of ``sql`` over the dataset, as an Arrow table."""
    con = connect(root)
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()
