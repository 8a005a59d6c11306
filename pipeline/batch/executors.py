"""Where the parse jobs run: in this process, in a pool of sandboxed local processes, or on a
Dask distributed cluster. Each yields outcomes as they complete; the runner does the rest.

``InProcess`` — one job after another in this process (``--workers 1``, ``--fail-fast``).

``LocalPool`` — N sandboxes (child processes with a time limit and a memory cap), fed by one
thread each; the biggest files go first so the last minutes are not one large file on one core.

``DaskExecutor`` — the same jobs as Dask tasks (``client.map`` over small batches,
``as_completed``); on every Dask worker a plugin keeps sandboxes, so each file is still parsed
in an isolated child with the same limits. Input paths must be readable from the workers (a
shared filesystem); each job carries the file's sha256 and a worker that reads other bytes
reports the file as changed instead of ingesting them.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any, Final, Protocol

from parsers.formats.base import Services
from pipeline.batch.jobs import Batch, Job, Outcome, Settings, process, settled_heap, warm_up
from pipeline.batch.sandbox import Sandbox
from schemas.errors import ConfigurationError

#: Memory cap per parsing process (``--memory-mb``).
DEFAULT_MEMORY_MB: Final = 1536


class Executor(Protocol):
    """Runs jobs and yields their outcomes, in batches, as they complete (any order)."""

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]: ...


class InProcess:
    """One job after another in this process (``--workers 1``; ``--fail-fast`` debugging),
    yielded in batches of up to ``batch`` files or ``seconds`` of work, whichever comes first (a
    batch's rows are made Arrow at once; the progress a caller shows moves a batch at a time)."""

    def __init__(self, batch: int = 16, seconds: float = 1.0) -> None:
        self.batch = max(1, batch)
        self.seconds = seconds

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]:
        warm_up()
        with settled_heap(), Services() as services:
            outcomes: list[Outcome] = []
            started = time.monotonic()
            for job in jobs:
                outcomes.append(process(job, settings, services))
                if len(outcomes) >= self.batch or time.monotonic() - started >= self.seconds:
                    yield Batch.of(outcomes, fail_fast=settings.fail_fast)
                    outcomes, started = [], time.monotonic()
            if outcomes:
                yield Batch.of(outcomes, fail_fast=settings.fail_fast)


def largest_first(jobs: list[Job]) -> list[Job]:
    return sorted(jobs, key=lambda j: (-j.size, j.path))


def chunks(jobs: list[Job], size: int) -> list[list[Job]]:
    """Batches of ``size`` files (one round trip each): large enough that a process boundary is
    crossed once per batch, small enough that the last batches spread over all workers."""
    return [jobs[i : i + size] for i in range(0, len(jobs), max(1, size))]


class LocalPool:
    """``workers`` sandboxed child processes on this machine."""

    def __init__(self, workers: int, memory_mb: int = DEFAULT_MEMORY_MB, batch: int = 8) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self.memory_mb = memory_mb
        self.batch = batch

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]:
        todo: queue.SimpleQueue[list[Job]] = queue.SimpleQueue()
        for chunk in chunks(largest_first(jobs), self.batch):
            todo.put(chunk)
        done: queue.SimpleQueue[Batch | BaseException | None] = queue.SimpleQueue()
        stop = threading.Event()

        def feed() -> None:
            try:
                with Sandbox(settings, self.memory_mb) as sandbox:
                    while not stop.is_set():
                        try:
                            chunk = todo.get_nowait()
                        except queue.Empty:
                            break
                        done.put(sandbox.run_batch(chunk))
            except BaseException as e:  # surfaced in the consuming thread
                done.put(e)
            finally:
                done.put(None)

        n = min(self.workers, max(1, len(jobs)))
        threads = [threading.Thread(target=feed, name=f"jixiao-feed-{i}", daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        finished = 0
        try:
            while finished < n:
                item = done.get()
                if item is None:
                    finished += 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            stop.set()
            for t in threads:
                t.join()


# ------------------------------------------------------------------------------------------------
# Dask
# ------------------------------------------------------------------------------------------------
PLUGIN_NAME = "jixiao-sandboxes"

try:  # the plugin base class, when distributed is installed (the [dask] extra)
    from distributed.diagnostics.plugin import WorkerPlugin as _PluginBase
except ImportError:  # pragma: no cover - depends on the installation
    _PluginBase = object  # type: ignore[assignment,misc]


class SandboxPlugin(_PluginBase):
    """A Dask ``WorkerPlugin``: one sandbox per worker thread, created on first use."""

    name = PLUGIN_NAME

    def __init__(self, settings: Settings, memory_mb: int) -> None:
        self.settings = settings
        self.memory_mb = memory_mb
        self._idle: queue.SimpleQueue[Sandbox] = queue.SimpleQueue()
        self._all: list[Sandbox] = []
        self._lock = threading.Lock()

    def teardown(self, worker: Any) -> None:
        for sandbox in self._all:
            sandbox.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"settings": self.settings, "memory_mb": self.memory_mb}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["settings"], state["memory_mb"])  # type: ignore[misc]

    def run(self, batch: list[Job]) -> Batch:
        try:
            sandbox = self._idle.get_nowait()
        except queue.Empty:
            sandbox = Sandbox(self.settings, self.memory_mb)
            with self._lock:
                self._all.append(sandbox)
        try:
            return sandbox.run_batch(batch)
        finally:
            self._idle.put(sandbox)


def run_batch(batch: list[Job]) -> Batch:
    """The Dask task: parse a batch in this worker's sandboxes."""
    from distributed import get_worker

    plugin: SandboxPlugin = get_worker().plugins[PLUGIN_NAME]  # type: ignore[assignment]
    return plugin.run(batch)


class DaskExecutor:
    """Run the jobs on a Dask distributed cluster: ``address`` of a scheduler, or ``local`` for a
    ``LocalCluster`` of ``workers`` single-threaded worker processes on this machine."""

    def __init__(
        self, address: str, workers: int, memory_mb: int = DEFAULT_MEMORY_MB, batch: int = 16
    ) -> None:
        self.address = address
        self.workers = workers
        self.memory_mb = memory_mb
        self.batch = batch

    def run(self, jobs: list[Job], settings: Settings) -> Iterator[Batch]:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise ConfigurationError(
                "--dask needs the 'distributed' package: pip install 'jixiao[dask]'"
            ) from e
        cluster = None
        if self.address == "local":
            cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            client = Client(cluster)
        else:
            client = Client(self.address)
        try:
            client.register_plugin(SandboxPlugin(settings, self.memory_mb), name=PLUGIN_NAME)
            futures = client.map(run_batch, chunks(largest_first(jobs), self.batch), pure=False)
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
