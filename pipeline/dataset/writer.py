"""The dataset on disk, and the only code that writes it.

Layout of ``DIR``::

    current -> versions/000007                 the version readers see (a relative symlink)
    versions/000007/forms/part-000001.parquet  one folder per table, a file per table and commit
                                               (past COMPACT_FILES, small ones merged)
    versions/000007/…/sources/part-000007.parquet   (one row per input file; rewritten whole)
    versions/000007/manifest.json              schema version, profile, commit number, file list
    versions/000006/…                          earlier versions, kept for ``grace`` seconds
    _jixiao/lock                               the writer lock (``flock``)
    _jixiao/stage-…                            the next version while it is written

A commit writes the next version in ``_jixiao/stage-…`` (unchanged Parquet files hard-linked
from the current version, never copied), renames it to ``versions/N`` and then points
``current`` at it with one ``rename(2)`` of a new symlink over the old one. A run killed with
``kill -9`` at any moment leaves ``current`` at the version before the commit or at the one after
it; what it leaves in ``_jixiao/`` and ``versions/`` beyond ``current`` is removed by the next run.

A reader resolves ``current`` once (``Dataset.open`` → a ``Snapshot`` of ``versions/N``) and
reads only that folder: the files of one version, whole and unchanged, for as long as it reads,
up to ``grace`` seconds (default an hour) after a later commit replaced that version. Only then
is the folder removed. ``DIR`` itself is never replaced, so a symlinked ``--out`` keeps working,
and the lock lives inside it, so every name of one dataset takes the same lock.

A dataset written by jixiao before versioned folders (tables and ``_jixiao/manifest.json`` at the
top of ``DIR``) is read as it is; the next ``jixiao ingest`` moves it into ``versions/`` with its
first commit (hard links) and removes the old top-level folders.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset import duplicates, follow
from pipeline.dataset.atomic import fsync_dir, write_synced
from schemas.errors import DatasetError, dataset_failure
from schemas.tables import KEYS, LEDGERS, SCHEMA_VERSION, TABLES

log = logging.getLogger(__name__)

CURRENT: Final = "current"
VERSIONS: Final = "versions"
MANIFEST: Final = "manifest.json"
INTERNAL: Final = "_jixiao"
#: The manifest of a dataset written before versioned folders (read; migrated by the next commit).
LEGACY_MANIFEST: Final = Path(INTERNAL) / "manifest.json"
#: How long a replaced version stays readable (seconds): longer than any report or query takes.
GRACE_SECONDS: Final = 3600.0
_VERSION_NAME = re.compile(r"[0-9]{6,}")


@dataclass(frozen=True, slots=True)
class Manifest:
    schema_version: str
    profile: str
    commit: int
    files: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema_version": self.schema_version,
                "profile": self.profile,
                "commit": self.commit,
                "files": self.files,
            },
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One committed version of a dataset, as a reader sees it: its folder (``versions/N``,
    resolved once) and its manifest; exactly that version's files, never a glob."""

    root: Path
    manifest: Manifest

    def files(self, table: str) -> list[Path]:
        return [self.root / f for f in self.manifest.files.get(table, [])]

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table (empty with the declared schema when there is none)."""
        return _read_files(self.files(table), table, columns)


class Dataset:
    """A jixiao dataset directory. ``root`` is kept as given (for messages); everything is done
    at its real path, resolved once (a symlinked ``--out`` is one dataset under either name)."""

    def __init__(self, root: Path, grace: float = GRACE_SECONDS) -> None:
        self.root = Path(os.path.abspath(root))
        self.real = Path(os.path.realpath(root))
        self.grace = grace

    # ------------------------------------------------------------------ reading
    def open(self) -> Snapshot:
        """The current version, for reading; the one check that ``root`` is a jixiao dataset."""
        snapshot = self.current()
        if snapshot is None:
            raise DatasetError(
                f"{self.root} 不是 jixiao 数据集 — {self.root} is not a jixiao dataset "
                f"(run jixiao ingest … --out {self.root} first)"
            )
        return snapshot

    def current(self) -> Snapshot | None:
        """The current version, or None for a dataset not written yet (a missing or empty
        folder). Raises ``DatasetError`` for a folder that holds something else."""
        try:
            target = os.readlink(self.real / CURRENT)
        except (FileNotFoundError, NotADirectoryError):
            return self._legacy_or_none()
        except OSError as e:
            raise DatasetError(
                f"{self.root}/{CURRENT} 不是 jixiao 的版本指针 — {self.root}/{CURRENT} is not a jixiao "
                f"version pointer ({e.strerror})"
            ) from e
        parts = Path(target).parts
        if len(parts) != 2 or parts[0] != VERSIONS or not _VERSION_NAME.fullmatch(parts[1]):
            raise DatasetError(
                f"{self.root}/{CURRENT} 指向 {target!r}，不是 jixiao 的数据集版本 — {self.root}/{CURRENT} "
                f"points to {target!r}, not to a jixiao version"
            )
        folder = self.real / target
        return Snapshot(folder, _read_manifest(folder / MANIFEST, self.root))

    def _legacy_or_none(self) -> Snapshot | None:
        legacy = self.real / LEGACY_MANIFEST
        if legacy.exists():
            return Snapshot(self.real, _read_manifest(legacy, self.root))
        if not self.real.exists():
            return None
        if not self.real.is_dir():
            raise DatasetError(
                f"{self.root} 是一个文件而不是数据集文件夹 — {self.root} is a file, not a dataset folder: "
                "choose another --out"
            )
        others = sorted(p.name for p in self.real.iterdir() if p.name not in (INTERNAL, VERSIONS))
        if others:
            raise DatasetError(
                f"{self.root} 已存在且不是 jixiao 数据集 — {self.root} exists and is not a jixiao dataset "
                f"(it holds {others[0]!r} and no {CURRENT}); choose a new or empty --out directory"
            )
        return None  # new, or only what a first commit that failed left behind

    def manifest(self) -> Manifest | None:
        snapshot = self.current()
        return snapshot.manifest if snapshot else None

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table of the current version (empty with the declared schema when there is none)."""
        snapshot = self.current()
        return _read_files(snapshot.files(table) if snapshot else [], table, columns)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive writer lock; fails fast when another run holds it. Also removes what a
        killed run left (a stage, a version it did not make current) and expired versions."""
        self.current()  # refuse a folder that is not a dataset before creating anything in it
        lock_path = self.real / INTERNAL / "lock"
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(lock_path, "a+")  # noqa: SIM115 - held for the whole block
        except OSError as e:
            raise dataset_failure(e, f"锁定数据集 {self.root} ", f"locking the dataset {self.root}") from e
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise DatasetError(
                    f"另一个 jixiao 进程正在写入该数据集 — another jixiao run is writing {self.root} "
                    f"(lock {lock_path})"
                ) from e
            try:
                self._clean()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _versions(self) -> list[tuple[int, Path]]:
        folder = self.real / VERSIONS
        if not folder.is_dir():
            return []
        return sorted((int(p.name), p) for p in folder.iterdir() if _VERSION_NAME.fullmatch(p.name))

    def _clean(self) -> None:
        """Remove stages and pointer links of killed runs, versions newer than ``current`` (a run
        killed between writing a version and pointing at it), and expired versions."""
        for p in (self.real / INTERNAL).iterdir():
            if p.name.startswith(("stage-", "current-")):
                log.info("removing what an interrupted run left: %s", p)
                _remove(p)
        snapshot = self.current()
        if snapshot is None or snapshot.root == self.real:
            return
        now = snapshot.manifest.commit
        for n, path in self._versions():
            if n > now:
                log.info("removing a version an interrupted run did not make current: %s", path)
                _remove(path)
        self._expire(now)
        self._remove_legacy()

    def _expire(self, current: int) -> None:
        """Remove versions replaced more than ``grace`` seconds ago. A version was replaced when
        the next one became current: that folder's mtime (set when it did)."""
        versions = [(n, p) for n, p in self._versions() if n <= current]
        for (_, path), (_, newer) in itertools.pairwise(versions):
            try:
                replaced_at = newer.stat().st_mtime
            except OSError:
                continue
            if time.time() - replaced_at >= self.grace:
                _remove(path)

    def _remove_legacy(self) -> None:
        """The top-level tables and manifest of a dataset from before versioned folders, once
        a version in ``versions/`` is current."""
        for name in TABLES:
            if (self.real / name).is_dir() and not (self.real / name).is_symlink():
                _remove(self.real / name)
        (self.real / LEGACY_MANIFEST).unlink(missing_ok=True)

    def commit(
        self,
        new: dict[str, pa.Table],
        sources: pa.Table,
        drop_sha256: Iterable[str],
        profile: str,
    ) -> Manifest:
        """Write the next version: old rows minus ``drop_sha256``, plus ``new``; ``sources`` replaces
        the sources table. Must be called inside ``lock()``. An OSError (a full disk, a read-only
        file system) leaves the dataset as it was and is raised as a ``DatasetError``."""
        old = self.current()
        number = (old.manifest.commit if old else 0) + 1
        stage = self.real / INTERNAL / f"stage-{uuid.uuid4().hex[:12]}"
        final = self.real / VERSIONS / f"{number:06d}"
        swapped = False
        try:
            stage.mkdir()
            manifest = self._stage(stage, old, new, sources, sorted(set(drop_sha256)), profile, number)
            final.parent.mkdir(exist_ok=True)
            if final.exists():
                _remove(final)  # left by a killed run that never made it current
            os.rename(stage, final)
            fsync_dir(final.parent)
            self._point_current_at(final)
            swapped = True
        except OSError as e:
            _remove(stage)
            if not swapped:
                _remove(final)
            raise dataset_failure(
                e, f"写入数据集 {self.root} 第 {number} 版", f"writing version {number} of {self.root}"
            ) from e
        except BaseException:
            _remove(stage)
            if not swapped:
                _remove(final)
            raise
        with contextlib.suppress(OSError):  # housekeeping: the next run does it again
            os.utime(final)  # the moment it became current: when the previous one started to age
            self._expire(number)
            if old is not None and old.root == self.real:
                self._remove_legacy()
        return manifest

    def _stage(
        self,
        stage: Path,
        old: Snapshot | None,
        new: dict[str, pa.Table],
        sources: pa.Table,
        drop: list[str],
        profile: str,
        number: int,
    ) -> Manifest:
        files: dict[str, list[str]] = {}
        for table in TABLES:
            if table == "sources":
                continue
            # a ledger (the reviews) keeps every row whatever is re-ingested
            kept = _carry_over(old, table, [] if table in LEDGERS else drop, stage, number)
            added = _write_table(stage, table, new.get(table), number)
            files[table] = _compacted(stage, table, sorted(kept + added), number)
        if drop and old is not None:
            files["reviews"] += _follow_decisions(stage, old, new, drop, number)
        added_forms = new.get("forms")
        _link_duplicates(
            stage,
            old,
            files,
            number,
            changed=bool(drop) or (added_forms is not None and added_forms.num_rows > 0),
        )
        files["sources"] = _write_table(stage, "sources", sources, number, allow_empty=True)
        manifest = Manifest(SCHEMA_VERSION, profile, number, files)
        write_synced(stage / MANIFEST, manifest.to_json().encode("utf-8"))
        for d in sorted({(stage / f).parent for fs in files.values() for f in fs}):
            fsync_dir(d)
        fsync_dir(stage)
        return manifest

    def _point_current_at(self, version: Path) -> None:
        link = self.real / INTERNAL / f"current-{uuid.uuid4().hex[:12]}"
        os.symlink(f"{VERSIONS}/{version.name}", link)
        try:
            os.rename(link, self.real / CURRENT)  # atomic: readers see the old or the new pointer
        except BaseException:
            link.unlink(missing_ok=True)
            raise
        fsync_dir(self.real)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _read_manifest(path: Path, root: Path) -> Manifest:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        m = Manifest(raw["schema_version"], raw["profile"], int(raw["commit"]), raw["files"])
    except FileNotFoundError as e:
        raise DatasetError(
            f"缺少 {path}，{root} 不是完整的 jixiao 数据集 — {path} is missing: {root} is not a complete "
            "jixiao dataset"
        ) from e
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DatasetError(f"{path} 无法读取 — {path} is unreadable ({e})") from e
    if m.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DatasetError(
            f"{root} 由数据结构 {m.schema_version} 版写成，本 jixiao 写 {SCHEMA_VERSION} 版，"
            f"请导入到新的 --out 文件夹 — {root} was written with schema {m.schema_version}; "
            f"this jixiao writes {SCHEMA_VERSION}: ingest into a new --out directory"
        )
    return m


def _is_duplicates_file(rel: str) -> bool:
    return rel.startswith(f"findings/{duplicates.FILE_STEM}")


def _link_duplicates(
    stage: Path, old: Snapshot | None, files: dict[str, list[str]], number: int, *, changed: bool
) -> None:
    """``forms.duplicate_of`` and the DUPLICATE_FORM findings over every form of the new version
    (``pipeline.dataset.duplicates``): a forms file whose links change is rewritten, the others
    stay hard links; the findings file of the duplicates is rewritten when it changes. A commit
    that adds and drops no forms (a review) changes no link: it keeps the old file as it is."""
    columns = [*duplicates.COLUMNS, "duplicate_of"]
    parts = {rel: _read_file(stage / rel, "forms", columns) for rel in files.get("forms", [])}
    rows = [r for t in parts.values() for r in t.to_pylist()]
    linked = duplicates.links(rows)
    for rel, part in parts.items():
        if duplicates.relinked(part, linked, check_only=True) is None:
            continue
        changed = True
        table = duplicates.relinked(_read_file(stage / rel, "forms", None), linked)
        assert table is not None
        (stage / rel).unlink()
        files["forms"][files["forms"].index(rel)] = _write_file(stage, "forms", table, f"part-{number:06d}-d")
    before = [r for r in (old.manifest.files.get("findings", []) if old else []) if _is_duplicates_file(r)]
    found: pa.Table | None = None
    if changed or len(before) > 1:
        ids = pa.array(list(linked), pa.string())
        where: dict[str, list[dict[str, object]]] = {}
        for rel in files["forms"]:
            t = _read_file(stage / rel, "forms", ["form_id", "provenance"])
            for r in t.filter(pc.is_in(t.column("form_id"), value_set=ids)).to_pylist():
                where[r["form_id"]] = r["provenance"] or []
        found = duplicates.findings(rows, linked, where)
    if (
        old
        and len(before) == 1
        and (found is None or _read_file(old.root / before[0], "findings", None).equals(found))
    ):
        dst = stage / before[0]
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old.root / before[0], dst)
        except OSError:
            shutil.copy2(old.root / before[0], dst)
        files["findings"].append(before[0])
    elif found is not None and found.num_rows:
        files["findings"].append(_write_file(stage, "findings", found, f"{duplicates.FILE_STEM}{number:06d}"))
    files["findings"].sort()
    files["forms"].sort()


def _follow_decisions(
    stage: Path, old: Snapshot, new: dict[str, pa.Table], drop: list[str], number: int
) -> list[str]:
    """The decisions that follow their finding, word for word the same, into a resubmitted file
    (``pipeline.dataset.follow``), appended to the ledger by this commit."""
    ledger = old.read("reviews").to_pylist()
    if not ledger:
        return []
    forms = old.read("forms", ["form_id", "source_path", "form_index", "source_sha256"])
    gone = forms.filter(pc.is_in(forms.column("source_sha256"), value_set=pa.array(drop, pa.string())))
    extra = follow.followed(ledger, gone.to_pylist(), new.get("forms"), new.get("findings"))
    return [] if extra is None else [_write_file(stage, "reviews", extra, f"part-{number:06d}-followed")]


def _carry_over(old: Snapshot | None, table: str, drop: list[str], stage: Path, number: int) -> list[str]:
    if old is None:
        return []
    out: list[str] = []
    for rel in old.manifest.files.get(table, []):
        if _is_duplicates_file(rel):
            continue  # recomputed over the new version (_link_duplicates)
        src = old.root / rel
        if drop:
            shas = _read_file(src, table, ["source_sha256"]).column(0)
            hit = pc.is_in(shas, value_set=pa.array(drop, pa.string()))
            if pc.any(hit).as_py():
                keep = _read_file(src, table, None).filter(pc.invert(hit))
                if keep.num_rows:
                    out.append(_write_file(stage, table, keep, f"part-{number:06d}-r"))
                continue
        dst = stage / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
        out.append(rel)
    return out


#: A table with more files than this has its small files merged into one by the commit.
COMPACT_FILES: Final = 16
#: Files up to this size are merged, up to this much at a time (memory stays bounded: a nightly
#: commit's file of a few hundred forms is a few hundred KB).
SMALL_FILE_BYTES: Final = 32 << 20


def _compacted(stage: Path, table: str, rels: list[str], number: int) -> list[str]:
    """``rels`` with the table's small files merged into one when it has more than
    ``COMPACT_FILES``: every commit adds a file per table (every ``jixiao review`` one to the
    ledger), and a season of nightly runs would leave hundreds, each read on its own by every
    query and by every commit that drops rows. The rows are kept exactly (sorted by the table's
    key, equal keys in the order they were written); the merged files' hard links leave the stage,
    the earlier versions keep theirs."""
    if len(rels) <= COMPACT_FILES:
        return rels
    sizes = {r: (stage / r).stat().st_size for r in rels if not _is_duplicates_file(r)}
    chosen: list[str] = []
    total = 0
    for rel in sorted((r for r, n in sizes.items() if n <= SMALL_FILE_BYTES), key=lambda r: (sizes[r], r)):
        if chosen and total + sizes[rel] > SMALL_FILE_BYTES:
            break
        chosen.append(rel)
        total += sizes[rel]
    if len(chosen) < 2:
        return rels
    chosen.sort()  # the order written (part-000001 … then this commit's), kept by a stable sort
    merged = pa.concat_tables([_read_file(stage / rel, table, None) for rel in chosen])
    merged = merged.sort_by([(k, "ascending") for k in KEYS[table]])
    into = _write_file(stage, table, merged, f"part-{number:06d}-merged")
    for rel in chosen:
        (stage / rel).unlink()
    return sorted([r for r in rels if r not in chosen] + [into])


def _write_table(
    stage: Path, table: str, data: pa.Table | None, number: int, *, allow_empty: bool = False
) -> list[str]:
    if data is None or (data.num_rows == 0 and not allow_empty):
        return []
    data = data.sort_by([(k, "ascending") for k in KEYS[table]]) if data.num_rows else data
    return [_write_file(stage, table, data, f"part-{number:06d}")]


def _write_file(stage: Path, table: str, data: pa.Table, stem: str) -> str:
    (stage / table).mkdir(parents=True, exist_ok=True)
    rel = f"{table}/{stem}.parquet"
    n = 1
    while (stage / rel).exists():
        n += 1
        rel = f"{table}/{stem}-{n}.parquet"
    path = stage / rel
    pq.write_table(data.cast(TABLES[table]), path, compression="zstd")
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return rel


def _read_files(paths: list[Path], table: str, columns: list[str] | None) -> pa.Table:
    if not paths:
        empty = TABLES[table].empty_table()
        return empty if columns is None else empty.select(columns)
    return pa.concat_tables([_read_file(p, table, columns) for p in paths])


def _read_file(path: Path, table: str, columns: list[str] | None) -> pa.Table:
    """One Parquet file with the declared types; a nullable column added in a later minor
    schema version is null in files written before it. (``ParquetFile``, not ``pq.read_table``:
    the latter goes through the dataset layer and imports pandas, a quarter second per process.)"""
    schema = TABLES[table]
    target = schema if columns is None else pa.schema([schema.field(c) for c in columns])
    pf = pq.ParquetFile(path)
    present = set(pf.schema_arrow.names)
    read = pf.read(columns=[n for n in target.names if n in present])
    if len(read.column_names) < len(target.names):
        missing = [f for f in target if f.name not in present]
        if any(not f.nullable for f in missing):
            names = [f.name for f in missing]
            raise DatasetError(f"{path} 缺少列 {names} — {path} lacks the columns {names}")
        n = read.num_rows
        read = pa.table(
            {f.name: read.column(f.name) if f.name in present else pa.nulls(n, f.type) for f in target}
        )
    return read.cast(target)
