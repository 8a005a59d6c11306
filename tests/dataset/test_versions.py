"""Versions on disk: a reader keeps the version it opened, whole, while commits go on; a symlinked
``--out`` is one dataset under both names; nothing is left beside it; replaced versions expire
after the grace period; a dataset of the layout before versioned folders is read and migrated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.dataset as pads
import pytest

from pipeline.batch.jobs import Settings
from pipeline.batch.run import ingest
from pipeline.cli import main
from pipeline.dataset.writer import Dataset
from schemas.profiles import NATIONAL
from schemas.tables import TABLES
from tests import corpus
from tests.conftest import ROOT

RUN = ("--workers", "1", "--commit-every", "5")


def _forms_agree_with_sources(forms: int, sources: list[dict[str, object]]) -> bool:
    """One whole version: its forms are exactly the forms its sources rows account for."""
    counted = sum(
        int(s["forms_found"])  # type: ignore[call-overload]
        for s in sources
        if s["status"] in ("ok", "partial") and s["duplicate_of"] is None
    )
    return forms == counted


@pytest.mark.slow
def test_readers_see_whole_versions_while_a_run_commits_every_5_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10: `jixiao query` failed 5 of 25 times and the README's pyarrow read 10 of 4,561
    during a run: each commit deleted the version it replaced under the readers' feet."""
    inbox, out = tmp_path / "inbox", tmp_path / "ds"
    corpus.build(inbox, 60)
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", str(inbox), "--out", str(out), *RUN],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    reads, failures, versions, spanned = 0, [], set(), 0
    try:
        while not (out / "current").exists() and run.poll() is None:
            time.sleep(0.01)
        while run.poll() is None:
            # 1. the CLI, through Dataset.open()
            code = main(["query", str(out), "SELECT count(*) AS n FROM forms JOIN sources USING (source_sha256)"])
            err = capsys.readouterr().err
            if code != 0:
                failures.append(f"query exit {code}: {err}")
            # 2. the README's plain read: resolve `current` once, then any reader on the folder
            try:
                v = os.path.realpath(out / "current")
                forms = pads.dataset(f"{v}/forms").to_table(columns=["form_id"]).num_rows
                sources = pads.dataset(f"{v}/sources").to_table().to_pylist()
                versions.add(v)
                if not _forms_agree_with_sources(forms, sources):
                    failures.append(f"{v}: {forms} forms, sources say otherwise")
            except (OSError, ValueError) as e:  # pyarrow's "No files found", FileNotFoundError
                failures.append(f"pyarrow: {e}")
            # 3. a snapshot held while the run commits
            snapshot = Dataset(out).open()
            try:
                time.sleep(0.2)
                forms = snapshot.read("forms", ["form_id"]).num_rows
                if not _forms_agree_with_sources(forms, snapshot.read("sources").to_pylist()):
                    failures.append(f"snapshot {snapshot.root} is not whole")
                spanned += Dataset(out).open().root != snapshot.root
            except (OSError, ValueError) as e:
                failures.append(f"snapshot: {e}")
            reads += 3
    finally:
        run.wait(timeout=300)
    assert run.returncode == 0
    assert failures == [] and reads >= 9
    assert len(versions) >= 3 and spanned >= 1  # the readers did read across commits
    # a commit after every batch of 8 files a worker returns (>= 5 files since the last one)
    assert Dataset(out).open().manifest.commit == 8


def test_a_snapshot_outlives_the_commits_after_it(tmp_path: Path) -> None:
    paths = corpus.build(tmp_path / "inbox", 3)
    ds = Dataset(tmp_path / "ds")
    ingest([str(p) for p in paths[:2]], ds, Settings(profile=NATIONAL))
    held = ds.open()
    before = {t: held.read(t).to_pylist() for t in TABLES}
    # a resubmission: the next commit rewrites the files the held version lists
    shutil.copy(paths[2], paths[0])
    ingest([str(p) for p in paths[:2]], ds, Settings(profile=NATIONAL))
    ingest([str(p) for p in paths[:2]], ds, Settings(profile=NATIONAL), reprocess=True)
    assert ds.open().manifest.commit == 3
    assert {t: held.read(t).to_pylist() for t in TABLES} == before  # the version it opened, whole


def test_replaced_versions_expire_after_the_grace_period(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    paths = corpus.build(inbox, 3)
    ds = Dataset(tmp_path / "ds")
    for n in (1, 2, 3):
        ingest([str(p) for p in paths[:n]], ds, Settings(profile=NATIONAL))
    assert sorted(p.name for p in (ds.root / "versions").iterdir()) == ["000001", "000002", "000003"]
    # version 2 replaced version 1 two hours ago; version 3 replaced version 2 just now
    old = time.time() - 7200
    os.utime(ds.root / "versions" / "000002", (old, old))
    with ds.lock():
        pass
    assert sorted(p.name for p in (ds.root / "versions").iterdir()) == ["000002", "000003"]
    # with no grace, a commit keeps only the version it makes current
    ingest([str(p) for p in paths], Dataset(ds.root, grace=0), Settings(profile=NATIONAL), reprocess=True)
    assert sorted(p.name for p in (ds.root / "versions").iterdir()) == ["000004"]


def test_what_a_killed_commit_leaves_is_removed_by_the_next_run(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    corpus.build(inbox, 2)
    ds = Dataset(tmp_path / "ds")
    ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    # killed while staging, after renaming the version into place, and before swapping the pointer
    (ds.root / "_jixiao" / "stage-0123456789ab" / "forms").mkdir(parents=True)
    shutil.copytree(ds.root / "versions" / "000001", ds.root / "versions" / "000002")
    os.symlink("versions/000002", ds.root / "_jixiao" / "current-0123456789ab")
    assert ds.open().manifest.commit == 1  # readers see the last committed version meanwhile
    ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    assert sorted(p.name for p in (ds.root / "_jixiao").iterdir()) == ["lock"]
    assert sorted(p.name for p in (ds.root / "versions").iterdir()) == ["000001"]


def test_a_symlinked_out_is_one_dataset_under_both_names(tmp_path: Path) -> None:
    """Issue 10: the swap replaced the link itself, and the lock, keyed on the name, let a writer
    using the link and one using the real path run at once (73 forms lost their sources row)."""
    first, second = tmp_path / "first", tmp_path / "second"
    corpus.build_two(first, second, 3, 3)
    (tmp_path / "disk").mkdir()
    real, link = tmp_path / "disk" / "jixiao", tmp_path / "jixiao-link"
    os.symlink(real, link)  # pointing at a folder that does not exist yet
    assert main(["ingest", str(first), "--out", str(link), "--workers", "1"]) == 0
    assert main(["ingest", str(second), "--out", str(real), "--workers", "1"]) == 0
    assert main(["ingest", str(first), str(second), "--out", str(link), "--workers", "1"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link is the user's: untouched
    for name in (link, real):
        snapshot = Dataset(name).open()
        assert snapshot.root == real / "versions" / "000002"  # the third run changed nothing
        sources = snapshot.read("sources").to_pylist()
        assert len(sources) == 6 and {s["status"] for s in sources} == {"ok"}
        forms = snapshot.read("forms", ["source_sha256"]).column(0)
        assert pc.all(pc.is_in(forms, value_set=snapshot.read("sources").column("source_sha256"))).as_py()
        assert len(forms) == 6
    # one lock for both names: a writer through the real path blocks one through the link
    with Dataset(real).lock():
        assert main(["ingest", str(first), "--out", str(link), "--workers", "1"]) == 2
    # and nothing beside or inside the dataset but the dataset
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk", "first", "jixiao-link", "second"]
    assert sorted(p.name for p in (tmp_path / "disk").iterdir()) == ["jixiao"]
    assert sorted(p.name for p in real.iterdir()) == ["_jixiao", "current", "versions"]
    assert sorted(p.name for p in (real / "_jixiao").iterdir()) == ["lock"]


def _as_legacy(root: Path) -> None:
    """Turn a dataset into the layout before versioned folders: tables and _jixiao/manifest.json
    at the top, a sources file without the columns schema 1.3 added."""
    version = Path(os.path.realpath(root / "current"))
    for name in TABLES:
        if (version / name).exists():
            shutil.copytree(version / name, root / name)
    shutil.copy(version / "manifest.json", root / "_jixiao" / "manifest.json")
    (root / "current").unlink()
    shutil.rmtree(root / "versions")
    import pyarrow.parquet as pq

    for f in (root / "sources").iterdir():
        t = pq.read_table(f)
        pq.write_table(t.drop_columns(["source_path_bytes", "attempts"]), f)


def test_a_dataset_of_the_layout_before_versions_is_read_then_migrated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    paths = corpus.build(inbox, 3)
    ds = Dataset(tmp_path / "ds")
    ingest([str(p) for p in paths[:2]], ds, Settings(profile=NATIONAL))
    _as_legacy(ds.root)
    assert ds.open().root == ds.root and ds.read("forms").num_rows == 2  # read where it is
    assert main(["query", str(ds.root), "SELECT count(*) AS n FROM sources WHERE attempts IS NULL"]) == 0
    assert "│ 2 " in capsys.readouterr().out  # the columns added since read as null
    summary = ingest([str(inbox)], ds, Settings(profile=NATIONAL))
    assert (summary.unchanged, summary.parsed) == (2, 1)  # nothing parsed again
    assert sorted(p.name for p in ds.root.iterdir()) == ["_jixiao", "current", "versions"]
    assert sorted(p.name for p in (ds.root / "_jixiao").iterdir()) == ["lock"]
    snapshot = ds.open()
    assert snapshot.root == ds.root / "versions" / "000002"
    assert snapshot.read("forms").num_rows == 3


def test_nightly_commits_leave_few_files_and_exactly_the_rows(tmp_path: Path) -> None:
    """A commit a night adds a file per table; past ``COMPACT_FILES`` the small ones are merged,
    and the rows are exactly those of one ingest of everything (and of every earlier version)."""
    from pipeline.batch.executors import InProcess
    from pipeline.dataset.writer import COMPACT_FILES

    paths = corpus.build(tmp_path / "all", COMPACT_FILES + 4)
    nightly, once = Dataset(tmp_path / "nightly"), Dataset(tmp_path / "once")
    settings = Settings(profile=NATIONAL.name)
    most = 0
    for night, path in enumerate(paths):
        inbox = tmp_path / f"night-{night:02d}"
        inbox.mkdir()
        shutil.copy(path, inbox / path.name)
        ingest([str(inbox)], nightly, settings, InProcess())
        files = nightly.open().manifest.files
        most = max(most, *(len(files.get(t, [])) for t in TABLES if t != "sources"))
        if night == COMPACT_FILES - 1:
            before = nightly.open()  # a reader's version, from before the first merge
            kept = {t: before.read(t).num_rows for t in ("forms", "cells")}
    assert most <= COMPACT_FILES
    merged = nightly.open().manifest.files["cells"]
    assert any("-merged" in f for f in merged) and len(merged) < COMPACT_FILES
    ingest([str(tmp_path / "all")], once, settings, InProcess())
    for table in TABLES:
        if table in ("sources", "reviews"):
            continue  # no decisions were recorded (forms.source_path names each night's folder)

        def rows(ds: Dataset, table: str = table) -> list[dict[str, object]]:
            read = [{k: v for k, v in r.items() if k != "source_path"} for r in ds.read(table).to_pylist()]
            return sorted(read, key=repr)

        assert rows(nightly) == rows(once), table
    # the version a reader opened before the merge still holds its files, whole
    assert {t: before.read(t).num_rows for t in ("forms", "cells")} == kept
