"""The batch runner: inputs → plan (what changed) → parse jobs → atomic commits.

Every input file gets exactly one ``sources`` row. A file whose path and sha256 are already in
the dataset is *unchanged* and not read again; identical content under a second path is a
*duplicate* (recorded, not parsed twice); a resubmitted file (same path, new bytes) replaces its
earlier rows. Results are committed every ``commit_every`` files and at the end, each commit
atomic, so a killed run loses at most the files parsed since the last commit and the next run
picks them up.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyarrow as pa

from parsers.base import ParseOptions
from pipeline import discover
from pipeline.extract import extract
from pipeline.rows import result_rows, source_row
from pipeline.writer import Dataset, to_table
from schemas.errors import DatasetError, InputError, ParseTimeout
from schemas.records import Source, SourceResult
from schemas.rules import Profile
from schemas.tables import SCHEMA_VERSION, TABLES

log = logging.getLogger(__name__)

Row = dict[str, Any]
INGESTED = frozenset({"ok", "partial"})
#: Failures worth retrying on the next run with the same bytes (not a property of the file).
TRANSIENT = frozenset({"timeout", "internal", "worker_lost", "memory"})


@dataclass(frozen=True, slots=True)
class Settings:
    """What a worker needs to turn one file into rows (picklable, sent to every worker)."""

    profile: Profile
    parse: ParseOptions = field(default_factory=ParseOptions)
    max_file_bytes: int = 256 * 1024 * 1024
    #: Seconds one file may take to parse; 0 = no limit.
    time_limit: float = 120.0
    fail_fast: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    sha256: str
    size: int
    format: str


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    source: Row
    tables: dict[str, pa.Table]


@dataclass(frozen=True, slots=True)
class Batch:
    """The outcomes of several files: their sources rows, and their table rows merged per table
    (one Arrow table per output table instead of one per file: what crosses a process boundary
    is deserialised once per batch, not once per file)."""

    sources: tuple[tuple[str, Row], ...]
    tables: dict[str, pa.Table]

    @staticmethod
    def of(outcomes: Iterable[Outcome]) -> Batch:
        return Batch.merge(Batch(((o.path, o.source),), o.tables) for o in outcomes)

    def __reduce__(self) -> tuple[Any, ...]:
        # Tables cross process boundaries (sandbox pipes, Dask) as Arrow IPC streams: reading one
        # back is ~15× cheaper than unpickling the table (nested provenance lists, decimals).
        return (_batch_from_ipc, (self.sources, {name: _to_ipc(t) for name, t in self.tables.items()}))

    @staticmethod
    def merge(batches: Iterable[Batch]) -> Batch:
        tables: dict[str, list[pa.Table]] = {}
        sources: list[tuple[str, Row]] = []
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


def _batch_from_ipc(sources: tuple[tuple[str, Row], ...], blobs: dict[str, bytes]) -> Batch:
    return Batch(sources, {name: pa.ipc.open_stream(blob).read_all() for name, blob in blobs.items()})


def failed_outcome(job: Job, code: str, error: str) -> Outcome:
    """The outcome of a file that could not be parsed (no table rows)."""
    source = Source(job.path, job.sha256, job.size, job.format)
    return Outcome(job.path, source_row(SourceResult(source, "failed", code, error)), {})


def process(job: Job, settings: Settings) -> Outcome:
    """Parse one file into its sources row and table rows. Never raises for bad input."""
    source = Source(job.path, job.sha256, job.size, job.format)
    try:
        data = discover.read_file(job.path, settings.max_file_bytes)
        if discover.sha256_of(data) != job.sha256:
            result = SourceResult(
                source, "failed", "changed", "the file changed while the run was reading it"
            )
        else:
            with time_limit(settings.time_limit):
                result = extract(source, data, settings.profile, settings.parse, fail_fast=settings.fail_fast)
    except InputError as e:
        if settings.fail_fast:
            raise
        result = SourceResult(source, "failed", e.code, str(e))
    except OSError as e:
        if settings.fail_fast:
            raise
        result = SourceResult(source, "failed", "unreadable", f"cannot be read ({e.strerror or e})")
    try:
        rows: dict[str, list[Row]] = {t: [] for t in TABLES if t != "sources"}
        for table, row in result_rows(result, settings.profile):
            rows[table].append(row)
        tables = {t: to_table(t, r) for t, r in rows.items() if r}
    except (pa.ArrowException, ValueError, TypeError) as e:
        if settings.fail_fast:
            raise
        log.exception("rows of %s do not fit the output schema", job.path)
        result = SourceResult(
            source, "failed", "internal", f"internal error: rows do not fit the schema ({e})"
        )
        tables = {}
    return Outcome(job.path, source_row(result), tables)


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


class Executor(Protocol):
    """Runs jobs and yields their outcomes, in batches, as they complete (any order)."""

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]: ...


class InProcess:
    """One job after another in this process (``--workers 1``; ``--fail-fast`` debugging)."""

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]:
        for job in jobs:
            yield Batch.of([process(job, settings)])


@dataclass
class Summary:
    files: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    parsed: int = 0
    forms_new: int = 0
    findings_new: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    seconds: float = 0.0
    failed_paths: list[tuple[str, str]] = field(default_factory=list)

    @property
    def any_failed(self) -> bool:
        return self.files["failed"] > 0


def _row(
    path: str,
    sha: str | None,
    size: int | None,
    fmt: str,
    status: str,
    code: str | None,
    error: str | None,
    duplicate_of: str | None = None,
) -> Row:
    return {
        "source_path": path,
        "source_sha256": sha,
        "format": fmt,
        "size_bytes": size,
        "status": status,
        "error_code": code,
        "error": error,
        "forms_found": 0,
        "skipped_parts": [],
        "warnings": [],
        "n_pages": None,
        "duplicate_of": duplicate_of,
        "schema_version": SCHEMA_VERSION,
    }


@dataclass
class Plan:
    rows: dict[str, Row]  # rows decided without parsing (skipped, unreadable, duplicate, unchanged)
    jobs: list[Job]
    unchanged: set[str]


def plan(
    candidates: Iterable[discover.Candidate], old: dict[str, Row], settings: Settings, reprocess: bool = False
) -> Plan:
    """Decide, per file, whether it is unchanged, a duplicate, unreadable or to be parsed."""
    cands = list(candidates)
    in_run = {c.path for c in cands}
    owner: dict[str, str] = {
        r["source_sha256"]: p
        for p, r in sorted(old.items())
        if p not in in_run and r["status"] in INGESTED and r["duplicate_of"] is None and r["source_sha256"]
    }
    rows: dict[str, Row] = {}
    jobs: list[Job] = []
    unchanged: set[str] = set()
    for c in cands:
        if c.skip_code is not None:
            rows[c.path] = _row(c.path, None, None, "-", c.skip_status, c.skip_code, c.skip_reason)
            continue
        try:
            data = discover.read_file(c.path, settings.max_file_bytes)
        except InputError as e:
            rows[c.path] = _row(c.path, None, None, "-", "failed", e.code, str(e))
            continue
        except OSError as e:
            rows[c.path] = _row(
                c.path, None, None, "-", "failed", "unreadable", f"cannot be read ({e.strerror or e})"
            )
            continue
        sha, size, fmt = discover.sha256_of(data), len(data), discover.detect_format(data)
        del data
        refused = discover.refusal(c.path, fmt)
        if refused is not None:
            rows[c.path] = _row(c.path, sha, size, fmt, *refused)
            continue
        if sha in owner and owner[sha] != c.path:
            rows[c.path] = _row(
                c.path,
                sha,
                size,
                fmt,
                "skipped",
                "duplicate",
                f"same content as {owner[sha]}",
                duplicate_of=owner[sha],
            )
            continue
        owner[sha] = c.path
        prev = old.get(c.path)
        if (
            not reprocess
            and prev is not None
            and prev["source_sha256"] == sha
            and prev["duplicate_of"] is None
            and prev["error_code"] not in TRANSIENT
        ):
            rows[c.path] = prev
            unchanged.add(c.path)
            continue
        jobs.append(Job(c.path, sha, size, fmt))
    return Plan(rows, jobs, unchanged)


def _ingested(rows: Iterable[Row]) -> set[str]:
    return {r["source_sha256"] for r in rows if r["status"] in INGESTED and r["duplicate_of"] is None}


def ingest(
    inputs: list[str],
    dataset: Dataset,
    settings: Settings,
    executor: Executor | None = None,
    *,
    commit_every: int = 500,
    commit_seconds: float = 120.0,
    reprocess: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Ingest ``inputs`` into ``dataset``; returns what happened. Raises ``DatasetError`` only."""
    started = time.monotonic()
    executor = executor or InProcess()
    summary = Summary()
    with dataset.lock():
        manifest = dataset.manifest()
        if manifest is not None and manifest.profile != settings.profile.name:
            raise DatasetError(
                f"{dataset.root} was checked with rule profile {manifest.profile!r}; ingest with "
                f"--profile {manifest.profile} or into a new --out directory"
            )
        old = {r["source_path"]: r for r in dataset.read("sources").to_pylist()}
        the_plan = plan(discover.walk(inputs), old, settings, reprocess=reprocess)
        state = dict(old)
        state.update(the_plan.rows)
        in_dataset = _ingested(old.values())
        summary.unchanged = len(the_plan.unchanged)
        pending: dict[str, list[pa.Table]] = {}
        replaced: set[str] = set()
        done_since_commit = 0
        last_commit = time.monotonic()
        total = len(the_plan.jobs)

        committed = dict(old)

        def commit() -> None:
            nonlocal in_dataset, pending, replaced, done_since_commit, last_commit, committed
            rows_now = list(state.values())
            referenced = _ingested(rows_now)
            drop = (in_dataset - referenced) | (replaced & in_dataset)
            new = {t: pa.concat_tables(ts) for t, ts in pending.items() if ts}
            sources = to_table("sources", sorted(rows_now, key=lambda r: r["source_path"]))
            dataset.commit(new, sources, drop, settings.profile.name)
            in_dataset = referenced
            committed = dict(state)
            pending, replaced, done_since_commit = {}, set(), 0
            last_commit = time.monotonic()
            summary.commits += 1

        if progress:
            progress(0, total)
        for batch in executor.run(the_plan.jobs, settings):
            for path, source in batch.sources:
                state[path] = source
                replaced.add(source["source_sha256"])
                if source["status"] in INGESTED:
                    summary.forms_new += source["forms_found"]
            for table, data in batch.tables.items():
                pending.setdefault(table, []).append(data)
            if "findings" in batch.tables:
                summary.findings_new.update(batch.tables["findings"].column("rule_id").to_pylist())
            summary.parsed += len(batch.sources)
            done_since_commit += len(batch.sources)
            if progress:
                progress(summary.parsed, total)
            if done_since_commit >= commit_every or time.monotonic() - last_commit >= commit_seconds:
                commit()
        if done_since_commit or state != committed or (manifest is None and summary.commits == 0):
            commit()
    for path in sorted({c for c in the_plan.rows} | {j.path for j in the_plan.jobs}):
        row = state[path]
        summary.files[row["status"]] += 1
        if row["status"] == "skipped":
            summary.skipped[row["error_code"] or "-"] += 1
        if row["status"] == "failed":
            summary.failed_paths.append((path, f"{row['error_code']}: {row['error']}"))
    summary.seconds = time.monotonic() - started
    return summary
