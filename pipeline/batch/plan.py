"""What a run has to do, decided before any parsing: per input file, whether it is unchanged, a
duplicate of another file, refused by its format, unreadable, or to be parsed.

A file whose path and sha256 are already in the dataset is *unchanged* and not read again,
unless its earlier failure is one the status table retries (``schemas.statuses.retried``:
transient failures always, a timeout once, the bytes' own faults never);
identical content under a second path is a *duplicate* (recorded, not parsed twice); a
resubmitted file (same path, new bytes) is parsed and replaces its earlier rows
(``sources.replaced_sha256`` names the bytes it replaced).

A file an earlier run recorded under one of this run's inputs that is no longer there is
*missing*: its ``sources`` row gets status ``missing`` (code ``gone``, the status it had kept in
``last_status``) and its rows stay, unless the run prunes (``--prune``): then its row goes and
its forms with it. A file that moved (its bytes now under another path of this run) is parsed
at its new path; the old row is marked missing as a duplicate of the new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

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
    #: files of earlier runs gone from this run's inputs, as their rows now read (kept, marked)
    missing: dict[str, SourceRow] = field(default_factory=dict)
    #: files gone from the inputs whose rows this run drops (``--prune``)
    pruned: set[str] = field(default_factory=set)


def _unread(path: str, status: SourceStatus, code: str, error: str) -> SourceRow:
    return SourceRow(path, None, "-", None, status, code, error)


def plan(
    candidates: Iterable[discover.Candidate],
    old: dict[str, SourceRow],
    settings: Settings,
    reprocess: bool = False,
    inputs: Sequence[str] = (),
    prune: bool = False,
) -> Plan:
    """Decide, per file, whether it is unchanged, a duplicate, unreadable or to be parsed; and
    which files of earlier runs under ``inputs`` are gone (missing, or pruned)."""
    cands = list(candidates)
    in_run = {c.path for c in cands}
    scope = discover.roots(inputs)
    gone = sorted(p for p in old if p not in in_run and discover.in_scope(p, scope))
    owner: dict[str, str] = {
        r.source_sha256: p
        for p, r in sorted(old.items())
        if p not in in_run and p not in gone and r.ingested and r.source_sha256
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
            and prev.status != "missing"  # back again: read again (its rows are replaced)
            and prev.duplicate_of is None
            and not retried(prev.error_code, prev.attempts)
        ):
            rows[c.path] = prev
            unchanged.add(c.path)
            continue
        jobs.append(Job(c.path, sha, size, fmt))
    missing: dict[str, SourceRow] = {}
    pruned: set[str] = set()
    for p in gone:
        if prune:
            pruned.add(p)
        else:
            missing[p] = gone_row(old[p], owner)
    return Plan(rows, jobs, unchanged, missing, pruned)


def gone_row(prev: SourceRow, owner: dict[str, str]) -> SourceRow:
    """The row of a file gone from the inputs: status ``missing``, what it was kept in
    ``last_status`` (its rows stay); a duplicate of the path its bytes moved to, if any."""
    last = prev.last_status if prev.status == "missing" else prev.status
    moved = owner.get(prev.source_sha256 or "")
    error = "gone from the inputs since an earlier run (its rows are kept; --prune drops them)"
    if moved is not None and moved != prev.source_path:
        error = f"gone from the inputs; the same bytes are now {moved}"
    return replace(
        prev,
        status="missing",
        error_code="gone",
        error=error,
        last_status=last,
        duplicate_of=moved if moved is not None and moved != prev.source_path else prev.duplicate_of,
    )
