"""A long-lived LibreOffice converter: one headless ``soffice`` per worker, reused for every file.

Starting LibreOffice costs 1–2 s, converting a form a fraction of that; so a worker starts one
office the first time it meets a legacy document and keeps it (in its ``Services``, closed with
the worker). It is driven over UNO by a small bridge script (``unobridge.py``) run by the Python
that has LibreOffice's ``uno`` module (Debian: ``python3-uno``), over a private pipe.

Why not the alternatives (measured in ``bench/legacy.py``): ``soffice --convert-to`` per file
pays the start-up every time; one ``soffice --convert-to a.doc b.doc …`` is LibreOffice's own
batch mode, but a batch is not a stream of jobs with a time limit per file; forwarding
``--convert-to`` to a running instance (same profile) makes that instance exit after the
conversion (LibreOffice 7.4), and unoserver needs its own server process and a TCP port per worker.

Each office has its own profile directory (so it never collides with another LibreOffice, or
with the other workers), an address-space cap (``converter_memory_mb``, never more than the
worker's own cap, which it inherits), and dies with the worker (``PR_SET_PDEATHSIG``). A file
that makes it hang past ``convert_timeout`` or crash fails alone: the office is killed and the
next file gets a new one. LibreOffice's first start in a new profile exits with status 81 to
restart itself; that restart is done here.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from parsers.formats.base import ParseOptions
from schemas.errors import ConversionFailed, MissingComponent, ParseTimeout

BRIDGE: Final = Path(__file__).with_name("unobridge.py")
#: How long LibreOffice may take to start (a first start builds the profile).
START_SECONDS: Final = 60.0
#: soffice.bin's exit status when it restarts itself after creating a profile.
RESTART: Final = 81
INSTALL_HINT: Final = (
    "在Debian/Ubuntu上安装：apt-get install libreoffice-writer-nogui python3-uno"
    "（或将文件另存为.docx后重新提交） / install it: apt-get install libreoffice-writer-nogui "
    "python3-uno (or save the file as .docx and submit again)"
)
_PR_SET_PDEATHSIG: Final = 1


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted document: the .docx bytes and the source's tables as LibreOffice read them."""

    docx: bytes
    #: (rows, cells) of each text table of the source, in document order
    tables: tuple[tuple[int, int], ...]
    #: "LibreOffice 7.4.7.2"
    by: str


def find_office() -> str | None:
    """The ``soffice.bin`` to run (the ``soffice`` launcher's program, which does not fork)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    binary = Path(os.path.realpath(exe)).with_name("soffice.bin")
    return str(binary) if binary.exists() else exe


def find_uno_python(office: str) -> str | None:
    """A Python that can ``import uno``: LibreOffice's own (bundled builds), else the system's."""
    candidates = [str(Path(office).with_name("python")), "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c and os.path.exists(c)):
        try:
            ok = subprocess.run(
                [python, "-c", "import uno"], capture_output=True, timeout=30, check=False
            ).returncode
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok == 0:
            return python
    return None


def _child_setup(cap_bytes: int | None) -> Any:
    """What runs in each child before exec: the memory cap, and death with this process."""
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None

    def setup() -> None:
        if cap_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    return setup


def memory_cap(options: ParseOptions) -> int:
    """The converter's address-space cap: ``converter_memory_mb``, within this process's own cap."""
    cap = options.converter_memory_mb * 1024 * 1024
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return cap if soft == resource.RLIM_INFINITY else min(cap, soft)


class LibreOffice:
    """One running office and its bridge. ``convert`` is not thread-safe (one per worker)."""

    def __init__(self, options: ParseOptions) -> None:
        office = find_office()
        if office is None:
            raise MissingComponent(
                "需要LibreOffice将该文件转换为.docx，但本机未安装 / LibreOffice is not installed. "
                + INSTALL_HINT
            )
        python = find_uno_python(office)
        if python is None:
            raise MissingComponent(
                "需要LibreOffice的Python接口（uno），但本机未安装 / "
                "LibreOffice's Python bridge (uno) is not installed. " + INSTALL_HINT
            )
        self.cap = memory_cap(options)
        self.profile = Path(tempfile.mkdtemp(prefix="jixiao-libreoffice-"))
        self.pipe = f"jixiao-{os.getpid()}-{secrets.token_hex(6)}"
        self._office_cmd = [
            office,
            f"-env:UserInstallation={self.profile.as_uri()}",
            *("--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck"),
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._n = 0
        self.version = ""
        try:
            self._start(python)
        except BaseException:
            self.close()
            raise

    # -------------------------------------------------------------------------------- start / stop
    def _spawn_office(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
        return subprocess.Popen(
            self._office_cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: killed as one
            preexec_fn=_child_setup(self.cap),
        )

    def _start(self, python: str) -> None:
        self._office = self._spawn_office()
        self._bridge = subprocess.Popen(
            [python, str(BRIDGE), f"pipe,name={self.pipe}", str(START_SECONDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=_child_setup(None),
        )
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                line = self._read_line(min(deadline, time.monotonic() + 0.2))
            except ConversionFailed as e:
                raise MissingComponent(
                    f"LibreOffice could not be reached over UNO ({e}). " + INSTALL_HINT
                ) from e
            if line is not None:
                break
            code = self._office.poll()
            if code == RESTART:
                self._office = self._spawn_office()
            elif code is not None:
                raise MissingComponent(f"LibreOffice exited while starting (status {code}). " + INSTALL_HINT)
            if time.monotonic() > deadline:
                raise MissingComponent(f"LibreOffice did not start within {START_SECONDS:g} s")
        ready = json.loads(line)
        if not ready.get("ready"):
            raise MissingComponent(f"LibreOffice could not be reached over UNO ({ready.get('error')})")
        self.version = str(ready.get("version") or "LibreOffice")

    def _read_line(self, deadline: float) -> bytes | None:
        """The bridge's next line; None at the deadline; ``ConversionFailed`` when it is gone."""
        assert self._bridge is not None and self._bridge.stdout is not None
        fd = self._bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            timeout = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise ConversionFailed("LibreOffice's bridge process stopped")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def kill(self) -> None:
        """Stop the office and the bridge at once (a hang, a crash, the worker's end)."""
        for proc, group in ((self._office, True), (self._bridge, False)):
            if proc is None:
                continue
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill()
            proc.wait()
        self._close_pipes()
        self._office = self._bridge = None
        shutil.rmtree(self.profile, ignore_errors=True)

    def _close_pipes(self) -> None:
        if self._bridge is None:
            return
        fh: IO[bytes] | None
        for fh in (self._bridge.stdin, self._bridge.stdout):
            if fh is not None:
                with contextlib.suppress(OSError):
                    fh.close()

    def close(self) -> None:
        """End of input for the bridge (it terminates the office), then make sure of both."""
        bridge, office = self._bridge, self._office
        if bridge is not None and bridge.poll() is None and bridge.stdin is not None:
            with contextlib.suppress(OSError):
                bridge.stdin.close()
            for proc in (bridge, office):
                if proc is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=10)
        self.kill()

    @property
    def alive(self) -> bool:
        """Whether the office and its bridge are both still running."""
        return all(p is not None and p.poll() is None for p in (self._office, self._bridge))

    # -------------------------------------------------------------------------------- converting
    def convert(
        self, data: bytes, suffix: str, timeout: float, filter_name: str = "MS Word 2007 XML"
    ) -> Conversion:
        """The document converted (to .docx by default); ``ParseTimeout`` past ``timeout`` seconds,
        ``ConversionFailed`` when LibreOffice refuses the file or dies on it (then this office is
        killed: ask ``Services`` for a new one)."""
        if self._bridge is None or self._bridge.stdin is None:
            raise ConversionFailed("the LibreOffice converter was stopped")
        self._n += 1
        src = self.profile / f"in-{self._n}{suffix}"
        dst = self.profile / f"out-{self._n}.docx"
        src.write_bytes(data)
        try:
            request = {"src": str(src), "dst": str(dst), "filter": filter_name}
            try:
                self._bridge.stdin.write(json.dumps(request).encode() + b"\n")
                self._bridge.stdin.flush()
            except OSError as e:
                self.kill()
                raise ConversionFailed(f"LibreOffice's bridge process stopped ({e})") from e
            try:
                line = self._read_line(time.monotonic() + timeout)
            except ConversionFailed:
                self.kill()
                raise
            if line is None:
                self.kill()
                raise ParseTimeout(
                    f"LibreOffice took longer than {timeout:g} s to convert the file (stopped)"
                )
            reply = json.loads(line)
            if not reply.get("ok"):
                if reply.get("fatal") or (self._office is not None and self._office.poll() is not None):
                    self.kill()
                    raise ConversionFailed(
                        f"LibreOffice stopped while converting the file (it crashed, or needed more than "
                        f"its {self.cap >> 20} MiB memory cap): {reply.get('error')}"
                    )
                raise ConversionFailed(f"LibreOffice could not convert the file: {reply.get('error')}")
            if not dst.exists():
                raise ConversionFailed("LibreOffice reported a conversion but wrote no file")
            tables = tuple((int(r), int(c)) for r, c in reply.get("tables", ()))
            return Conversion(dst.read_bytes(), tables, self.version)
        finally:
            for path in (src, dst):
                with contextlib.suppress(OSError):
                    path.unlink()
