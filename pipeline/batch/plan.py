"""What a run has to do, decided before any parsing: per input file, whether it is unchanged, a
duplicate of another file, refused by its format, unreadable, or to be parsed.

A file whose path and sha256 are already in the dataset is *unchanged* and not read again,
unless its earlier failure is one the status table retries (``schemas.statuses.retried``:
transient failures always, a timeout once, the bytes' own faults never);
identical content under a second path is a *duplicate* (recorded, not parsed twice); a
resubmitted file (same path, new bytes) is parsed and replaces its earlier rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parsers.formats.detect import detect_format
from pipeline.batch import discover
from pipeline.batch.jobs import Job, Settings
from pipeline.extract import read_file, refusal, sha256_of
from schemas.errors import InputError
from schemas.records import SourceRow, SourceStatus
from schemas.statuses import retried


@dataclass
class Plan:
    rows: dict[str, SourceRow]  # decided without parsing (skipped, unreadable, duplicate, unchanged)
    jobs: list[Job]
    unchanged: set[str]


def _unread(path: str, status: SourceStatus, code: str, error: str) -> SourceRow:
    return SourceRow(path, None, "-", None, status, code, error)


def plan(
    candidates: Iterable[discover.Candidate],
    old: dict[str, SourceRow],
    settings: Settings,
    reprocess: bool = False,
) -> Plan:
    """Decide, per file, whether it is unchanged, a duplicate, unreadable or to be parsed."""
    cands = list(candidates)
    in_run = {c.path for c in cands}
    owner: dict[str, str] = {
        r.source_sha256: p
        for p, r in sorted(old.items())
        if p not in in_run and r.ingested and r.source_sha256
    }
    rows: dict[str, SourceRow] = {}
    jobs: list[Job] = []
    unchanged: set[str] = set()
    for c in cands:
        if c.skip_code is not None:
            rows[c.path] = _unread(c.path, c.skip_status, c.skip_code, c.skip_reason or "")
            continue
        try:
            data = read_file(c.path, settings.max_file_bytes)
        except InputError as e:
            rows[c.path] = _unread(c.path, "failed", e.code, str(e))
            continue
        except OSError as e:
            rows[c.path] = _unread(c.path, "failed", "unreadable", f"cannot be read ({e.strerror or e})")
            continue
        sha, size, fmt = sha256_of(data), len(data), detect_format(data)
        del data
        refused = refusal(c.path, fmt)
        if refused is not None:
            status, code, why = refused
            rows[c.path] = SourceRow(c.path, sha, fmt, size, status, code, why)
            continue
        if sha in owner and owner[sha] != c.path:
            rows[c.path] = SourceRow(
                c.path,
                sha,
                fmt,
                size,
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
            and prev.source_sha256 == sha
            and prev.duplicate_of is None
            and not retried(prev.error_code, prev.attempts)
        ):
            rows[c.path] = prev
            unchanged.add(c.path)
            continue
        jobs.append(Job(c.path, sha, size, fmt))
    return Plan(rows, jobs, unchanged)
