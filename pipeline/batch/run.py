"""The batch runner: inputs → plan (what changed) → parse jobs → atomic commits.

Every input file gets exactly one ``sources`` row (``plan`` decides which files to parse). Results
are committed every ``commit_every`` files and at the end, each commit atomic, so a killed run
loses at most the files parsed since the last commit and the next run picks them up.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Final

import pyarrow as pa

from pipeline.batch import discover
from pipeline.batch.executors import Executor, InProcess
from pipeline.batch.jobs import Settings
from pipeline.batch.plan import plan
from pipeline.dataset.rows import read_sources, sources_table
from pipeline.dataset.writer import Dataset
from schemas.errors import DatasetError, UsageError
from schemas.records import SourceRow
from schemas.statuses import bilingual

#: Commit after this many parsed files (``--commit-every``) or this many seconds.
DEFAULT_COMMIT_EVERY: Final = 500
DEFAULT_COMMIT_SECONDS: Final = 120.0


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
    #: resubmissions (same path, new bytes) among this run's files
    replaced: int = 0
    #: files of earlier runs gone from the inputs: kept and marked, or dropped (``prune``)
    missing: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    #: inputs that held no file, and entries ``exclude`` left out
    empty_inputs: list[str] = field(default_factory=list)
    excluded: int = 0

    @property
    def total(self) -> int:
        """The files of this run (each with its sources row): what the progress counts."""
        return sum(self.files.values())

    @property
    def any_failed(self) -> bool:
        return self.files["failed"] > 0


def _counted(row: SourceRow, prev: SourceRow | None) -> SourceRow:
    """``row`` with the runs in a row that parsed its bytes (the retry policy's count)."""
    if prev is None or prev.source_sha256 != row.source_sha256 or not prev.attempts:
        return row
    return replace(row, attempts=prev.attempts + 1)


def _marked(row: SourceRow, prev: SourceRow | None) -> SourceRow:
    """``row`` as stored: its reason in Chinese and English (as a row read back from the dataset
    has it, so an unchanged file compares equal), and for a resubmission (same path, new bytes)
    the sha256 of the bytes it replaced."""
    error = bilingual(row.error_code, row.error)
    if error != row.error:
        row = replace(row, error=error)
    if (
        prev is not None
        and prev.source_sha256
        and row.source_sha256
        and prev.source_sha256 != row.source_sha256
    ):
        return replace(row, replaced_sha256=prev.source_sha256)
    return row


def _ingested(rows: Iterable[SourceRow]) -> set[str]:
    return {r.source_sha256 for r in rows if r.ingested and r.source_sha256}


def ingest(
    inputs: list[str],
    dataset: Dataset,
    settings: Settings,
    executor: Executor | None = None,
    *,
    commit_every: int = DEFAULT_COMMIT_EVERY,
    commit_seconds: float = DEFAULT_COMMIT_SECONDS,
    reprocess: bool = False,
    prune: bool = False,
    exclude: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Ingest ``inputs`` into ``dataset``; returns what happened. ``progress(done, total)`` counts
    every file of the run (those decided without parsing are done at once). Raises
    ``DatasetError``, or ``UsageError`` when the inputs hold no file at all (nothing is written)."""
    started = time.monotonic()
    executor = executor or InProcess()
    summary = Summary()
    walked = discover.Walked()
    candidates = list(discover.walk(inputs, exclude, walked))
    summary.empty_inputs, summary.excluded = walked.empty, walked.excluded
    if not candidates:
        shown = "、".join(inputs)
        raise UsageError(f"输入中没有任何文件：{shown}", f"no files in the input: {', '.join(inputs)}")
    with dataset.lock():
        manifest = dataset.manifest()
        if manifest is not None and manifest.profile != settings.profile:
            raise DatasetError(
                f"{dataset.root} 按规则配置 {manifest.profile!r} 检查过，请用 --profile {manifest.profile} "
                f"导入，或导入到新的 --out 文件夹 — {dataset.root} was checked with rule profile "
                f"{manifest.profile!r}; ingest with --profile {manifest.profile} "
                "or into a new --out directory"
            )
        old = read_sources(dataset.read("sources"))
        the_plan = plan(candidates, old, settings, reprocess=reprocess, inputs=inputs, prune=prune)
        decided = {p: _marked(r, old.get(p)) for p, r in the_plan.rows.items()}
        state = dict(old)
        state.update(decided)
        state.update({p: _marked(r, None) for p, r in the_plan.missing.items()})
        for path in the_plan.pruned:
            del state[path]
        in_dataset = _ingested(old.values())
        summary.unchanged = len(the_plan.unchanged)
        pending: dict[str, list[pa.Table]] = {}
        replaced: set[str] = set()
        done_since_commit = 0
        last_commit = time.monotonic()
        total = len(decided) + len(the_plan.jobs)

        committed = dict(old)

        def commit() -> None:
            nonlocal in_dataset, pending, replaced, done_since_commit, last_commit, committed
            rows_now = list(state.values())
            referenced = _ingested(rows_now)
            drop = (in_dataset - referenced) | (replaced & in_dataset)
            new = {t: pa.concat_tables(ts) for t, ts in pending.items() if ts}
            sources = sources_table(sorted(rows_now, key=lambda r: r.source_path))
            dataset.commit(new, sources, drop, settings.profile)
            in_dataset = referenced
            committed = dict(state)
            pending, replaced, done_since_commit = {}, set(), 0
            last_commit = time.monotonic()
            summary.commits += 1

        if progress:
            progress(len(decided), total)
        for batch in executor.run(the_plan.jobs, settings):
            for source in batch.sources:
                source = _marked(_counted(source, old.get(source.source_path)), old.get(source.source_path))
                state[source.source_path] = source
                if source.source_sha256:
                    replaced.add(source.source_sha256)
                if source.ingested:
                    summary.forms_new += source.forms_found
            for table, data in batch.tables.items():
                pending.setdefault(table, []).append(data)
            if "findings" in batch.tables:
                summary.findings_new.update(batch.tables["findings"].column("rule_id").to_pylist())
            summary.parsed += len(batch.sources)
            done_since_commit += len(batch.sources)
            if progress:
                progress(len(decided) + summary.parsed, total)
            if done_since_commit >= commit_every or time.monotonic() - last_commit >= commit_seconds:
                commit()
        if done_since_commit or state != committed or (manifest is None and summary.commits == 0):
            commit()
    for path in sorted({c for c in the_plan.rows} | {j.path for j in the_plan.jobs}):
        row = state[path]
        summary.files[row.status] += 1
        if row.status == "skipped":
            summary.skipped[row.error_code or "-"] += 1
        if row.status == "failed":
            summary.failed_paths.append((path, f"{row.error_code} {bilingual(row.error_code, row.error)}"))
        prev = old.get(path)
        if row.replaced_sha256 and prev is not None and prev.source_sha256 == row.replaced_sha256:
            summary.replaced += 1
    summary.missing = sorted(the_plan.missing)
    summary.pruned = sorted(the_plan.pruned)
    summary.seconds = time.monotonic() - started
    return summary
