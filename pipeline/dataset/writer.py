"""The dataset on disk, and the only code that writes it.

Layout of ``DIR``::

    forms/part-000001.parquet           (one file per table and commit)
    funds/… indicators/… findings/…
    sources/part-000001.parquet         (one row per input file: the ingest state; rewritten whole)
    _jixiao/manifest.json                    (schema version, profile, commit number, file list)

Every commit is atomic: the next version of the whole directory is staged beside it
(unchanged Parquet files hard-linked, never copied), then swapped in with one
``renameat2(RENAME_EXCHANGE)``. A reader — or a run killed with ``kill -9`` at any moment —
sees the dataset as before the commit or as after it, never in between. A stale stage left by a
killed run is removed by the next run. One writer at a time (an ``flock`` beside ``DIR``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.dataset.atomic import fsync_dir, write_synced
from schemas.errors import DatasetError
from schemas.tables import KEYS, SCHEMA_VERSION, TABLES

log = logging.getLogger(__name__)

MANIFEST = Path("_jixiao") / "manifest.json"
_STAGE_TAG = ".jixiao-stage-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


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


def _exchange(a: Path, b: Path) -> None:
    """Atomically swap two directories (Linux renameat2). Raises OSError where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        raise OSError(errno.ENOSYS, "renameat2 not available")
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One committed version of a dataset, as a reader sees it: the manifest it was opened at and
    exactly that version's files (never a glob, so two versions are never mixed)."""

    root: Path
    manifest: Manifest

    def files(self, table: str) -> list[Path]:
        return [self.root / f for f in self.manifest.files.get(table, [])]

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table (empty with the declared schema when there is none)."""
        return _read_files(self.files(table), table, columns)


class Dataset:
    """A jixiao dataset directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))

    # ------------------------------------------------------------------ reading
    def open(self) -> Snapshot:
        """The current version, for reading; the one check that ``root`` is a jixiao dataset."""
        manifest = self.manifest()
        if manifest is None:
            raise DatasetError(
                f"{self.root} is not a jixiao dataset (run jixiao ingest … --out {self.root} first)"
            )
        return Snapshot(self.root, manifest)

    def manifest(self) -> Manifest | None:
        path = self.root / MANIFEST
        if not path.exists():
            if self.root.exists() and any(self.root.iterdir()):
                raise DatasetError(
                    f"{self.root} exists and is not a jixiao dataset (no {MANIFEST}); "
                    "choose a new or empty --out directory"
                )
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            m = Manifest(raw["schema_version"], raw["profile"], int(raw["commit"]), raw["files"])
        except (ValueError, KeyError, TypeError) as e:
            raise DatasetError(f"{path} is unreadable ({e})") from e
        if m.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise DatasetError(
                f"{self.root} was written with schema {m.schema_version}; this jixiao writes "
                f"{SCHEMA_VERSION}: ingest into a new --out directory"
            )
        return m

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """One table of the current version (empty with the declared schema when there is none)."""
        m = self.manifest()
        return _read_files([self.root / f for f in m.files.get(table, [])] if m else [], table, columns)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive writer lock; fails fast when another run holds it."""
        self.root.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.root.parent / f".{self.root.name}.jixiao-lock"
        with open(lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise DatasetError(f"another jixiao run is writing {self.root} (lock {lock_path})") from e
            try:
                self._remove_stale_stages()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _remove_stale_stages(self) -> None:
        prefix = f".{self.root.name}{_STAGE_TAG}"
        for p in self.root.parent.iterdir():
            if p.name.startswith(prefix) and p.is_dir():
                log.info("removing a stage left by an interrupted run: %s", p)
                shutil.rmtree(p, ignore_errors=True)

    def commit(
        self,
        new: dict[str, pa.Table],
        sources: pa.Table,
        drop_sha256: Iterable[str],
        profile: str,
    ) -> Manifest:
        """Write the next version: old rows minus ``drop_sha256``, plus ``new``; ``sources`` replaces
        the sources table. Must be called inside ``lock()``."""
        old = self.manifest()
        number = (old.commit if old else 0) + 1
        drop = sorted(set(drop_sha256))
        stage = self.root.parent / f".{self.root.name}{_STAGE_TAG}{uuid.uuid4().hex[:12]}"
        stage.mkdir()
        try:
            files: dict[str, list[str]] = {}
            for table in TABLES:
                if table == "sources":
                    continue
                kept = self._carry_over(old, table, drop, stage, number)
                added = self._write_table(stage, table, new.get(table), number)
                files[table] = sorted(kept + added)
            files["sources"] = self._write_table(stage, "sources", sources, number, allow_empty=True)
            manifest = Manifest(SCHEMA_VERSION, profile, number, files)
            (stage / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
            write_synced(stage / MANIFEST, manifest.to_json().encode("utf-8"))
            for d in sorted(
                {(stage / f).parent for fs in files.values() for f in fs} | {stage / MANIFEST.parent}
            ):
                fsync_dir(d)
            fsync_dir(stage)
            self._swap_in(stage)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        shutil.rmtree(stage, ignore_errors=True)  # now the previous version
        return manifest

    def _swap_in(self, stage: Path) -> None:
        if not self.root.exists():
            os.rename(stage, self.root)
        else:
            try:
                _exchange(stage, self.root)
            except OSError as e:
                if e.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
                # No atomic exchange on this filesystem: two renames, a moment without DIR.
                aside = stage.with_name(stage.name + "-old")
                os.rename(self.root, aside)
                os.rename(stage, self.root)
                os.rename(aside, stage)
        fsync_dir(self.root.parent)

    def _carry_over(
        self, old: Manifest | None, table: str, drop: list[str], stage: Path, number: int
    ) -> list[str]:
        if old is None:
            return []
        out: list[str] = []
        for rel in old.files.get(table, []):
            src = self.root / rel
            if drop:
                shas = _read_file(src, table, ["source_sha256"]).column(0)
                hit = pc.is_in(shas, value_set=pa.array(drop, pa.string()))
                if pc.any(hit).as_py():
                    keep = _read_file(src, table, None).filter(pc.invert(hit))
                    if keep.num_rows:
                        out.append(self._write_file(stage, table, keep, f"part-{number:06d}-r"))
                    continue
            dst = stage / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            out.append(rel)
        return out

    def _write_table(
        self, stage: Path, table: str, data: pa.Table | None, number: int, *, allow_empty: bool = False
    ) -> list[str]:
        if data is None or (data.num_rows == 0 and not allow_empty):
            return []
        data = data.sort_by([(k, "ascending") for k in KEYS[table]]) if data.num_rows else data
        return [self._write_file(stage, table, data, f"part-{number:06d}")]

    def _write_file(self, stage: Path, table: str, data: pa.Table, stem: str) -> str:
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
    """One Parquet file with the declared types. (``ParquetFile``, not ``pq.read_table``: the
    latter goes through the dataset layer and imports pandas, a quarter second per process.)"""
    schema = TABLES[table]
    target = schema if columns is None else pa.schema([schema.field(c) for c in columns])
    return pq.ParquetFile(path).read(columns=target.names).cast(target)

