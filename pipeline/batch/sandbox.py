"""Parse files in a child process with a time limit and a memory cap.

A ``Sandbox`` owns one child (``python -m pipeline.batch.sandbox``) and feeds it jobs over a
pipe, one at a time. The child enforces the time limit itself (SIGALRM, see ``jobs.time_limit``) and runs
under ``RLIMIT_AS`` (the memory cap); the parent adds a hard deadline for hangs inside C code and
notices a child that dies (killed by the kernel, crashed). In each case the file gets a ``failed``
sources row with the reason, the child is replaced, and the batch goes on.

A plain subprocess, not ``multiprocessing``: it also works inside a Dask worker (a daemonic
process may not have multiprocessing children).
"""

from __future__ import annotations

import importlib.abc
import logging
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import time
from typing import IO, Any

from parsers.formats.base import Services
from pipeline.batch.jobs import (
    Batch,
    Job,
    Settings,
    failed_outcome,
    out_of_memory,
    process,
    settled_heap,
    warm_up,
)

_HEADER = struct.Struct(">Q")
#: The parent waits this much longer than the time limit before it kills a silent child.
GRACE_SECONDS = 10.0
#: How long a new child may take to start (imports, jieba's dictionary) before it is given up.
START_SECONDS = 120.0
#: The child's first frame: set up, waiting for jobs (its start-up is no file's time).
READY = "jixiao-sandbox-ready"


class _NotStarted(Exception):
    """Raised when a new child does not report ready (it died or hung while starting)."""


def _write_frame(fh: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


EOF, TIMEOUT = object(), object()


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | object:
    """``n`` bytes from ``fd``; ``EOF`` when the writer is gone, ``TIMEOUT`` past the deadline."""
    out = bytearray()
    while len(out) < n:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return TIMEOUT
        chunk = os.read(fd, min(1 << 20, n - len(out)))
        if not chunk:
            return EOF
        out += chunk
    return bytes(out)


def _read_frame(fd: int, deadline: float | None) -> Any:
    """The next object from ``fd``, or ``EOF`` / ``TIMEOUT``."""
    head = _read_exact(fd, _HEADER.size, deadline)
    if not isinstance(head, bytes):
        return head
    (size,) = _HEADER.unpack(head)
    body = _read_exact(fd, size, deadline)
    return pickle.loads(body) if isinstance(body, bytes) else body


class Sandbox:
    """One child process that parses files for this process."""

    def __init__(self, settings: Settings, memory_mb: int) -> None:
        self.settings = settings
        self.memory_mb = memory_mb
        self.grace = GRACE_SECONDS
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        # Arrow's jemalloc reserves ~1 GB of address space up front; the system allocator does not,
        # so the address-space cap measures what a file really costs.
        env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.batch.sandbox", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        self._proc = proc
        try:
            _write_frame(proc.stdin, self.settings)
            ready = _read_frame(proc.stdout.fileno(), time.monotonic() + START_SECONDS)
        except OSError as e:
            self._kill()
            raise _NotStarted from e
        if ready != READY:
            self._kill()
            raise _NotStarted
        return proc

    def run_batch(self, jobs: list[Job]) -> Batch:
        """Several files in one round trip. The child reports each file as it finishes, which
        restarts the deadline; if it hangs or dies, the file it was on fails alone (with the
        reason) and the others of the batch are parsed again by a fresh child."""
        if not jobs:
            return Batch((), {})
        reply = self._exchange(jobs)
        if isinstance(reply, Batch):
            return reply
        done, (code, error) = reply
        culprit = jobs[done]
        rest = jobs[:done] + jobs[done + 1 :]  # results of the files before it died with the child
        failed = Batch.of([failed_outcome(culprit, code, error)])
        return Batch.merge([failed, self.run_batch(rest)]) if rest else failed

    def _exchange(self, jobs: list[Job]) -> Batch | tuple[int, tuple[str, str]]:
        """Send jobs; the child's Batch, or (index of the file it was on, (code, reason))."""
        not_started = 0, ("worker_lost", "the parsing process could not be started; retried on the next run")
        try:
            proc = self._proc if self._proc is not None and self._proc.poll() is None else self._start()
        except _NotStarted:
            return not_started
        for attempt in (1, 2):
            assert proc.stdin is not None
            try:
                _write_frame(proc.stdin, jobs)
                break
            except (BrokenPipeError, OSError):
                # the child died between batches: nothing of this batch started, a fresh one takes it
                self._kill()
                if attempt == 2:
                    return not_started
                try:
                    proc = self._start()
                except _NotStarted:
                    return not_started
        assert proc.stdout is not None
        limit = self.settings.time_limit
        done = 0
        while True:
            deadline = time.monotonic() + limit + self.grace if limit > 0 else None
            reply = _read_frame(proc.stdout.fileno(), deadline)
            if isinstance(reply, Batch):
                if any(s.error_code == "resource_limit" for s in reply.sources):
                    self._kill()  # after running out of memory the child's heap is suspect: start afresh
                return reply
            if isinstance(reply, str):  # "finished one file": the next file's clock starts
                done += 1
                continue
            if reply is TIMEOUT:  # silent past the deadline: hung where no alarm reaches (C code)
                self._kill()
                return done, ("timeout", f"parsing took longer than the {limit:g} s limit (killed)")
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            self._kill()
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            return done, ("worker_lost", f"the parsing process died ({how}); retried on the next run")

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for fh in (proc.stdin, proc.stdout):
            if fh is not None:
                fh.close()

    def close(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()  # EOF: the child's loop ends
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _NoPandas(importlib.abc.MetaPathFinder):
    """Makes pandas look absent in the parsing child (see ``__main__``)."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"no module named {fullname!r} in the parsing process")
        return None


def _child(memory_mb: int) -> int:
    """The child: the memory cap, the settings, its one-time set-up, then ``_serve``."""
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    settings = _read_frame(stdin.fileno(), None)
    if not isinstance(settings, Settings):
        return 2
    warm_up()
    _write_frame(stdout, READY)
    with settled_heap(), Services() as services:
        return _serve(stdin, stdout, settings, services)


def _serve(
    stdin: IO[bytes], stdout: IO[bytes], settings: Settings, services: Services
) -> int:
    """Batches of jobs until EOF; a heartbeat per file and one merged ``Batch`` per batch."""
    while True:
        jobs = _read_frame(stdin.fileno(), None)
        if not isinstance(jobs, list):
            return 0  # EOF: the parent closed the pipe
        outcomes = []
        for job in jobs:
            try:
                outcome = process(job, settings, services)
            except MemoryError:  # outside the file's own guard (building its rows)
                outcome = failed_outcome(job, "resource_limit", out_of_memory())
            outcomes.append(outcome)
            _write_frame(stdout, job.path)  # a heartbeat: this file is done, the next one's clock starts
        _write_frame(stdout, Batch.of(outcomes))


if __name__ == "__main__":
    # This process only parses: pyarrow would import pandas (a quarter second, ~60 MB) the first
    # time it converts Python objects, to check whether they are pandas objects. They never are.
    sys.meta_path.insert(0, _NoPandas())
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    raise SystemExit(_child(int(sys.argv[1])))
