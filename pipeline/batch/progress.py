"""Progress of a run: a bar (files/s, ETA) on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    """``update(done, total)`` as files complete. A tqdm bar when stderr is a terminal; else a log
    line at most every ``every`` seconds (and at the end), for cron mails and CI logs. The first
    ``done`` (files decided without parsing) counts toward the total but not toward the rate."""

    def __init__(self, every: float = 10.0, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self._bar: Any = None
        self._started = time.monotonic()
        self._last_log = 0.0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._base: int | None = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def update(self, done: int, total: int) -> None:
        if self._base is None:
            self._base = done
        if self._tty:
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(
                    total=total,
                    initial=done,
                    unit="file",
                    file=self.stream,
                    dynamic_ncols=True,
                    desc="ingest",
                )
            self._bar.n = done
            self._bar.refresh()
            return
        now = time.monotonic()
        if done > self._base and (done == total or now - self._last_log >= self.every):
            self._last_log = now
            elapsed = now - self._started
            rate = (done - self._base) / elapsed if elapsed > 0 else 0.0
            eta = (total - done) / rate if rate > 0 else 0.0
            pct = 100 * done / total if total else 100.0
            print(
                f"ingest: {done}/{total} files ({pct:.0f}%), {rate:.1f} files/s, ETA {eta:.0f} s",
                file=self.stream,
                flush=True,
            )
