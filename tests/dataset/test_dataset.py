"""The dataset contract: declared schemas, read back by pyarrow and DuckDB; deterministic ids and
rows; incremental re-runs; atomic commits; bad files recorded while the batch goes on."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset as pads
import pytest

from pipeline.batch.executors import InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.cli import main
from pipeline.dataset import writer as writer_mod
from pipeline.dataset.writer import Dataset
from schemas.errors import DatasetError
from schemas.profiles import HUBEI, NATIONAL
from schemas.tables import LEDGERS, TABLES
from tests.conftest import OCR_HEAVY, PINNED_RULES, SAMPLES


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def version(root: Path) -> Path:
    """The current version's folder, resolved once, as the README tells readers to."""
    return Path(os.path.realpath(root / "current"))


def test_tables_read_back_with_pyarrow_dataset(sample_dataset: Dataset) -> None:
    for name, schema in TABLES.items():
        if name in LEDGERS:
            continue  # empty until an auditor records a decision (tests/dataset/test_reviews.py)
        table = pads.dataset(version(sample_dataset.root) / name).to_table()  # as the README reads it
        assert table.num_rows > 0, name
        for field in schema:
            assert field.name in table.schema.names, (name, field.name)
            got = table.schema.field(field.name).type
            assert got == field.type, (name, field.name, got, field.type)


def test_tables_read_back_with_duckdb(sample_dataset: Dataset) -> None:
    root = version(sample_dataset.root)
    con = duckdb.connect()
    for name in set(TABLES) - LEDGERS:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{root}/{name}/*.parquet')")
    forms, indicators = con.execute("SELECT count(*), sum(n_indicators) FROM forms").fetchone()  # type: ignore[misc]
    assert forms >= 17
    assert con.execute("SELECT count(*) FROM indicators").fetchone() == (indicators,)
    # every finding belongs to a form; counts agree with the per-form tallies
    assert con.execute(
        "SELECT count(*) FROM findings f LEFT JOIN forms USING (form_id) WHERE forms.form_id IS NULL"
    ).fetchone() == (0,)
    assert con.execute(
        "SELECT sum(n_errors + n_warnings) = (SELECT count(*) FROM findings) FROM forms"
    ).fetchone() == (True,)
    # money is exact decimal, rates are ratios
    row = con.execute(
        "SELECT typeof(executed), executed, rate_reported FROM funds JOIN forms USING (form_id) "
        "WHERE project_name = '大同市建设工程事务中心经费' AND line = 'total'"
    ).fetchone()
    assert (
        row is not None
        and row[0].startswith("DECIMAL")
        and str(row[1]) == "949.780000"
        and str(row[2]) == "0.940000"
    )
    # year is an ordinary column (tables are not partitioned)
    assert con.execute("SELECT count(*) FROM forms WHERE year = 2021").fetchone()[0] >= 1  # type: ignore[index]


def test_tables_read_back_with_pandas_and_polars(sample_dataset: Dataset) -> None:
    import pandas as pd
    import polars as pl

    root = version(sample_dataset.root)
    forms = pd.read_parquet(root / "forms")  # a folder of Parquet files
    assert {"form_id", "year", "project_name"} <= set(forms.columns) and len(forms) >= 17
    indicators = pl.read_parquet(root / "indicators" / "*.parquet")
    weights = indicators.group_by("form_id").agg(pl.col("weight").sum())
    assert weights.height == len(forms)


def test_seed_form_findings(sample_dataset: Dataset) -> None:
    con = duckdb.connect()
    root = version(sample_dataset.root)
    rows = con.execute(
        f"""SELECT rule_id, fund_line, indicator_seq, severity, message FROM
            read_parquet('{root}/findings/*.parquet') f
            JOIN read_parquet('{root}/forms/*.parquet') USING (form_id)
            WHERE source_path = 'sample_docs/seed_datong_2021.docx' ORDER BY finding_id"""
    ).fetchall()
    assert {r[0] for r in rows} & PINNED_RULES == {
        "EXEC_RATE",
        "EXEC_SCORE",
        "FUNDS_SUM",
        "WEIGHT_SUM",
        "TOTAL_SCORE",
        "DEVIATION_MISSING",
        "LEVEL1_WEIGHT",
    }
    assert ("EXEC_RATE", "fiscal") in {(r[0], r[1]) for r in rows}
    assert all(r[4].startswith(f"【{r[0]}】") for r in rows)
    n_ind = con.execute(
        f"SELECT n_indicators FROM read_parquet('{root}/forms/**/*.parquet') WHERE source_path LIKE '%seed_datong%'"
    ).fetchone()
    assert n_ind == (14,)


def test_same_input_gives_identical_files(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        ds = Dataset(tmp_path / name)
        ingest([str(SAMPLES)], ds, Settings(profile=NATIONAL), InProcess(), exclude=OCR_HEAVY)
        outs.append(_files(ds.root))
    assert outs[0] == outs[1]


def test_rerun_is_a_no_op_and_resubmission_replaces_rows(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "form.docx")
    ds = Dataset(tmp_path / "ds")
    s = Settings(profile=NATIONAL)
    ingest([str(inbox)], ds, s)
    first = _files(ds.root)
    again = ingest([str(inbox)], ds, s)
    assert again.unchanged == 1 and again.parsed == 0
    assert _files(ds.root) == first  # nothing rewritten
    # the unit resubmits a corrected form under the same name
    shutil.copy(SAMPLES / "clean_form_no_findings.docx", inbox / "form.docx")
    ingest([str(inbox)], ds, s)
    forms = ds.read("forms").to_pylist()
    assert [f["project_name"] for f in forms] == ["农村公路养护工程补助资金"]
    assert ds.read("findings").num_rows == 0
    assert len(ds.read("sources").to_pylist()) == 1


def test_identical_content_under_two_paths_is_a_duplicate(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "a.docx")
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "b.docx")
    ds = Dataset(tmp_path / "ds")
    ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    rows = {r["source_path"].rsplit("/", 1)[1]: r for r in ds.read("sources").to_pylist()}
    assert rows["a.docx"]["status"] == "ok"
    assert (rows["b.docx"]["status"], rows["b.docx"]["error_code"]) == ("skipped", "duplicate")
    assert rows["b.docx"]["duplicate_of"].endswith("a.docx")
    assert ds.read("forms").num_rows == 1


def test_a_failed_commit_leaves_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "a.docx")
    ds = Dataset(tmp_path / "ds")
    ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    before = _files(ds.root)
    shutil.copy(SAMPLES / "clean_form_no_findings.docx", inbox / "b.docx")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # the new version is written and in versions/, but the pointer cannot be swapped
    monkeypatch.setattr(writer_mod.Dataset, "_point_current_at", boom)
    with pytest.raises(DatasetError, match="no space left"):
        ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    assert _files(ds.root) == before
    assert sorted(p.name for p in (ds.root / "_jixiao").iterdir()) == ["lock"]


def test_profile_is_fixed_per_dataset(tmp_path: Path) -> None:
    ds = Dataset(tmp_path / "ds")
    ingest([str(SAMPLES / "seed_datong_2021.docx")], ds, Settings(profile=NATIONAL))
    with pytest.raises(DatasetError, match="profile"):
        ingest([str(SAMPLES / "seed_datong_2021.docx")], ds, Settings(profile=HUBEI))


def test_refuses_a_directory_that_is_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DatasetError, match="not a jixiao dataset"):
        ingest([str(SAMPLES / "seed_datong_2021.docx")], Dataset(tmp_path), Settings(profile=NATIONAL))


def test_bad_files_are_recorded_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "1_good.docx")
    (inbox / "2_empty.docx").write_bytes(b"")
    (inbox / "3_random.docx").write_bytes(bytes(range(256)) * 40)
    (inbox / "4_truncated.docx").write_bytes((SAMPLES / "seed_datong_2021.docx").read_bytes()[:5000])
    (inbox / "5_legacy.docx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 10
    )
    (inbox / "~$1_good.docx").write_bytes(b"lock")
    (inbox / "notes.txt").write_text("清单", encoding="utf-8")
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "6_good_again.docx")
    code = main(["ingest", str(inbox), "--out", str(tmp_path / "ds")])
    assert code == 1  # done, but some files failed
    rows = {Path(r["source_path"]).name: r for r in Dataset(tmp_path / "ds").read("sources").to_pylist()}
    assert set(rows) == {p.name for p in inbox.iterdir()}  # every file accounted for
    status = {name: (r["status"], r["error_code"]) for name, r in rows.items()}
    assert status == {
        "1_good.docx": ("ok", None),
        "2_empty.docx": ("failed", "empty"),
        "3_random.docx": ("failed", "corrupt"),
        "4_truncated.docx": ("failed", "corrupt"),
        "5_legacy.docx": ("failed", "corrupt"),  # read as the .doc it claims to be: a broken one
        "~$1_good.docx": ("skipped", "lock_file"),
        "notes.txt": ("skipped", "not_a_document"),
        "6_good_again.docx": ("skipped", "duplicate"),
    }
    assert "Word 97-2003" in rows["5_legacy.docx"]["error"]
    out = capsys.readouterr().out
    assert "failed" in out and "4_truncated.docx" in out


def test_cli_exit_codes(tmp_path: Path) -> None:
    assert main(["ingest", str(SAMPLES / "seed_datong_2021.docx"), "--out", str(tmp_path / "ok")]) == 0
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    assert main(["ingest", str(SAMPLES / "seed_datong_2021.docx"), "--out", str(tmp_path / "junk")]) == 2
    assert main(["ingest", "--out", str(tmp_path / "none")]) == 2
    assert main(["no-such-command"]) == 2


def test_forms_without_a_year_do_not_break_pandas(tmp_path: Path) -> None:
    # a hive year= partition made pandas fail here ("Cannot yet unify dictionaries with nulls")
    from tests.wordml import docx, p, table_rows

    rows = [
        ["项目名称", "无年度的项目"],
        ["项目资金（万元）", "", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "10", "10", "10", "100%", "10"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "甲", "1", "1", "90", "90"],
    ]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "no_year.docx").write_bytes(docx(p("项目支出绩效自评表") + table_rows(rows)))
    shutil.copy(SAMPLES / "seed_datong_2021.docx", inbox / "seed.docx")
    ds = Dataset(tmp_path / "ds")
    ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    import pandas as pd

    forms = pd.read_parquet(version(ds.root) / "forms")
    assert forms["year"].isna().sum() == 1 and set(forms["year"].dropna()) == {2021}
    assert len(pads.dataset(version(ds.root) / "funds").to_table()) == 5
