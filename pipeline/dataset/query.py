"""DuckDB over a dataset: one view per table, named like the table (forms, funds, indicators,
findings, cells, terms, sources, reviews), and ``VIEWS`` over them (``forms_unique``,
``decisions``), over exactly the files of one version (the snapshot's list in
its ``versions/N`` folder, not a glob: a reader never mixes two versions, and a commit while it
reads changes nothing it sees). Files of an earlier minor schema version read their added
columns as null (``union_by_name``)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from pipeline.dataset.reviews import Decision
from pipeline.dataset.reviews import decisions as _decisions
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
    for name, sql in VIEWS.items():
        con.execute(f'CREATE VIEW "{name}" AS {sql}')
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


#: Views over the tables, for the questions analysts ask (``jixiao query``):
#: ``forms_unique`` — each project once (forms without a ``duplicate_of``: the first filing of a
#: project filed in several files); ``decisions`` — the latest review of each finding, ``stale``
#: when the finding no longer exists.
VIEWS: Final = {
    "forms_unique": "SELECT * FROM forms WHERE duplicate_of IS NULL",
    "decisions": """
        SELECT r.* EXCLUDE (rn), f.finding_id IS NULL AS stale FROM (
            SELECT *, row_number() OVER (PARTITION BY finding_id ORDER BY "at" DESC) AS rn FROM reviews
        ) r LEFT JOIN (SELECT finding_id FROM findings) f USING (finding_id) WHERE rn = 1
    """,
}


def unique_forms(root: Path) -> pa.Table:
    """The ``forms`` table with each project once (``forms_unique``): what totals should count."""
    return run_query(root, "SELECT * FROM forms_unique")


def decisions(dataset: Dataset | Snapshot) -> dict[str, Decision]:
    """finding_id → the latest auditor's decision about it (``Decision.stale`` when the finding
    is gone), for the report, ``show`` and the workbook."""
    return _decisions(dataset.open() if isinstance(dataset, Dataset) else dataset)
