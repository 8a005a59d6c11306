"""What a worker runs: one file → its ``sources`` row and table rows (``process``), and the records
that cross process boundaries (``Settings``, ``Job``, ``Outcome``, ``Batch``).

The sandbox child imports this module and nothing of the runner: what the parent decides (the
plan, the commits) lives in ``plan`` and ``run``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import resource
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Final

import pyarrow as pa

from parsers.formats.base import ParseOptions, Services
from parsers.forms.words import tokenizer
from pipeline.dataset.rows import Rows, result_rows, tables_of
from pipeline.extract import extract, read_file, sha256_of
from schemas.errors import InputError, ParseTimeout
from schemas.profiles import AUTO, DEFAULT_PROFILE, PROFILES, Profile
from schemas.records import Source, SourceResult, SourceRow

log = logging.getLogger(__name__)

#: Seconds one file may take to parse (``--timeout``); 0 = no limit.
DEFAULT_TIME_LIMIT: Final = 120.0
#: Largest input file read (bytes).
DEFAULT_MAX_FILE_BYTES: Final = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """What a worker needs to turn one file into rows (picklable, sent to every worker)."""

    #: A rule profile's name, or ``auto`` (each form by its template). A ``Profile`` given here
    #: stands for its name.
    profile: str = DEFAULT_PROFILE
    parse: ParseOptions = field(default_factory=ParseOptions)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    time_limit: float = DEFAULT_TIME_LIMIT
    fail_fast: bool = False
    #: ``--ocr``: auto (OCR only pages without text, and images), off (``needs_ocr``), force (every
    #: PDF page); None keeps ``parse.ocr``. Given, it is written into ``parse``.
    ocr: str | None = None

    def __post_init__(self) -> None:
        if self.ocr is not None and self.ocr != self.parse.ocr:
            object.__setattr__(self, "parse", replace(self.parse, ocr=self.ocr))
        if isinstance(self.profile, Profile):
            object.__setattr__(self, "profile", self.profile.name)
        if self.profile != AUTO and self.profile not in PROFILES:
            raise ValueError(f"unknown rule profile {self.profile!r}")


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    sha256: str
    size: int
    format: str

    @property
    def source(self) -> Source:
        return Source(self.path, self.sha256, self.size, self.format)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One file's sources row and its rows per output table, still Python: a batch of outcomes
    becomes Arrow at once (``Batch.of``)."""

    source: SourceRow
    rows: dict[str, Rows]


@dataclass(frozen=True, slots=True)
class Batch:
    """The outcomes of several files: their sources rows, and their table rows merged per table
    (one Arrow table per output table instead of one per file: the rows are converted once per
    batch, and what crosses a process boundary is deserialised once per batch)."""

    sources: tuple[SourceRow, ...]
    tables: dict[str, pa.Table]

    @staticmethod
    def of(outcomes: Iterable[Outcome], *, fail_fast: bool = False) -> Batch:
        """The outcomes' rows converted together. Rows that do not fit the output schema (an
        internal defect) fail their own file, not the batch: on an error the outcomes are
        converted one by one, and the file whose rows do not convert is ``failed``."""
        outcomes = list(outcomes)
        try:
            return Batch(tuple(o.source for o in outcomes), tables_of(o.rows for o in outcomes))
        except (pa.ArrowException, ValueError, TypeError, MemoryError) as e:
            if fail_fast:
                raise
            if len(outcomes) > 1:
                return Batch.merge(Batch.of([o]) for o in outcomes)
            return Batch((_unfit(outcomes[0].source, e),), {})

    def __reduce__(self) -> tuple[Any, ...]:
        # Tables cross process boundaries (sandbox pipes, Dask) as Arrow IPC streams: reading one
        # back is ~15× cheaper than unpickling the table (nested provenance lists, decimals).
        return (_batch_from_ipc, (self.sources, {name: _to_ipc(t) for name, t in self.tables.items()}))

    @staticmethod
    def merge(batches: Iterable[Batch]) -> Batch:
        tables: dict[str, list[pa.Table]] = {}
        sources: list[SourceRow] = []
        for b in batches:
            sources.extend(b.sources)
            for name, table in b.tables.items():
                tables.setdefault(name, []).append(table)
        return Batch(
            tuple(sources),
            {name: ts[0] if len(ts) == 1 else pa.concat_tables(ts) for name, ts in tables.items()},
        )


def _to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _batch_from_ipc(sources: tuple[SourceRow, ...], blobs: dict[str, bytes]) -> Batch:
    return Batch(sources, {name: pa.ipc.open_stream(blob).read_all() for name, blob in blobs.items()})


def warm_up() -> None:
    """One-time set-up of a worker process, outside any file's time limit: jieba's prefix
    dictionary takes about a second to build, which the first file would otherwise pay."""
    tokenizer()


@contextlib.contextmanager
def settled_heap() -> Iterator[None]:
    """Run with what is alive now (modules, jieba's dictionary, the memoised vocabulary: ~150,000
    objects that live as long as the worker) out of the cyclic garbage collector's sight
    (``gc.freeze``): every full collection walked them again, ~3 % of the instructions of a
    spreadsheet ingest. They are put back in its sight at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def out_of_memory() -> str:
    """Why a file failed with ``MemoryError``, naming the limit: this process's address-space
    cap (``--memory-mb``) when it has one."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return "parsing ran out of memory"
    return f"parsing needed more than the {soft // (1 << 20)} MiB memory cap (--memory-mb)"


def failed_outcome(job: Job, code: str, error: str) -> Outcome:
    """The outcome of a file that could not be parsed (no table rows)."""
    return Outcome(SourceRow.of_result(SourceResult(job.source, "failed", code, error)), {})


def _unfit(row: SourceRow, error: BaseException) -> SourceRow:
    """The sources row of a file whose table rows could not be made Arrow."""
    source = Source(row.source_path, row.source_sha256 or "", row.size_bytes or 0, row.format)
    if isinstance(error, MemoryError):
        return SourceRow.of_result(SourceResult(source, "failed", "resource_limit", out_of_memory()))
    log.error("rows of %s do not fit the output schema", row.source_path, exc_info=error)
    why = f"internal error: rows do not fit the schema ({error})"
    return SourceRow.of_result(SourceResult(source, "failed", "internal", why))


def process(job: Job, settings: Settings, services: Services) -> Outcome:
    """Parse one file into its sources row and table rows. Never raises for bad input."""
    source = job.source
    try:
        data = read_file(job.path, settings.max_file_bytes)
        if sha256_of(data) != job.sha256:
            result = SourceResult(
                source, "failed", "changed", "the file changed while the run was reading it"
            )
        else:
            with time_limit(settings.time_limit):
                result = extract(
                    source, data, settings.profile, settings.parse, services, fail_fast=settings.fail_fast
                )
    except InputError as e:
        if settings.fail_fast:
            raise
        result = SourceResult(source, "failed", e.code, str(e))
    except FileNotFoundError:
        if settings.fail_fast:
            raise
        why = "the file disappeared while the run was reading it"
        result = SourceResult(source, "failed", "missing", why)
    except OSError as e:
        if settings.fail_fast:
            raise
        result = SourceResult(source, "failed", "unreadable", f"cannot be read ({e.strerror or e})")
    except MemoryError:
        if settings.fail_fast:
            raise
        result = SourceResult(source, "failed", "resource_limit", out_of_memory())
    try:
        rows = result_rows(result)
    except MemoryError:
        if settings.fail_fast:
            raise
        result, rows = SourceResult(source, "failed", "resource_limit", out_of_memory()), {}
    except (ValueError, TypeError) as e:
        if settings.fail_fast:
            raise
        log.exception("rows of %s could not be built", job.path)
        result, rows = SourceResult(source, "failed", "internal", f"internal error: rows not built ({e})"), {}
    return Outcome(SourceRow.of_result(result), rows)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``ParseTimeout`` in this thread after ``seconds`` (SIGALRM: the main thread of a
    process only; elsewhere a no-op, and the executor's process-level limit applies)."""
    in_main = threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not in_main or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ParseTimeout(f"parsing took longer than the {seconds:g} s limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
