"""The OCR service a worker keeps (``Services``): a child process that turns a PDF's scanned pages
or an image's frames into page contents (``scan.ocr_page``), started on the first scan a worker
meets and reused for every scan after it.

Why a process of its own: OpenCV and ONNX Runtime need several hundred megabytes of address
space, and a parsing worker already holds its Arrow memory pool and the jieba dictionary under
its address-space cap (``--memory-mb``); the child inherits the same cap but holds only the OCR
libraries, and a worker that never meets a scan never loads them. Requests and answers are
pickled over the child's stdin/stdout (the child is jixiao's own code: nothing untrusted is
unpickled); the child dies with its stdin. A request that fails or is interrupted (the file's time
limit) leaves the service dropped, and the next scan starts a new one (``scan.ocr_pdf_pages``).

Run as ``python -m parsers.formats.ocr_service THREADS``.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from typing import IO, Any

from parsers.formats.base import ParseOptions, Services
from schemas.errors import CorruptDocument, InputError, MissingComponent, NeedsOCR, ResourceLimit

#: The service name of the OCR process in a worker's ``Services``.
SERVICE = "ocr"

#: Errors a request may answer with, by name: raised again in the worker.
_ERRORS: dict[str, type[InputError]] = {
    "corrupt": CorruptDocument,
    "resource_limit": ResourceLimit,
    "missing_component": MissingComponent,
    "needs_ocr": NeedsOCR,
}


class OcrService:
    """The worker's handle on the OCR child process."""

    def __init__(self, threads: int) -> None:
        from parsers.formats.ocr_engine import require_ocr

        require_ocr()  # fail here, with how to install, rather than in the child
        self._threads = threads
        self._proc: subprocess.Popen[bytes] | None = None
        self._served = 0  # requests the running child has answered

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "OMP_NUM_THREADS": str(self._threads), "OPENBLAS_NUM_THREADS": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_root(), env.get("PYTHONPATH", "")) if p)
        self._served = 0
        return subprocess.Popen(
            [sys.executable, "-m", "parsers.formats.ocr_service", str(self._threads)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def pages(self, kind: str, data: bytes, params: dict[str, Any]) -> list[Any]:
        """``scan.read_pages`` run in the child. A child that has grown (the memory a page
        needs is freed, but not always given back) is replaced before it nears its cap; a
        request that runs out of memory in a child that had served others is tried once more
        in a fresh one."""
        try:
            return self._request(kind, data, params)
        except ResourceLimit:
            if self._served == 0:
                raise
            self.close()
            return self._request(kind, data, params)

    def _request(self, kind: str, data: bytes, params: dict[str, Any]) -> list[Any]:
        if self._proc is None:
            self._proc = self._spawn()
        proc = self._proc
        if proc.stdin is None or proc.stdout is None:
            raise RuntimeError("the OCR service has no pipes")
        pickle.dump((kind, data, params), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.flush()
        try:
            status, payload, grown = pickle.load(proc.stdout)
        except EOFError as e:
            self.close()
            raise ResourceLimit("the OCR process ended while reading the file (out of memory?)") from e
        self._served += 1
        if grown:
            self.close()  # the next request starts a fresh child
        if status == "ok":
            result: list[Any] = payload
            return result
        code, message = payload
        raise _ERRORS.get(code, RuntimeError)(message)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        self._served = 0


def run_pages(
    kind: str, data: bytes, params: dict[str, Any], options: ParseOptions, services: Services | None
) -> list[Any]:
    """``scan.read_pages`` in the worker's OCR service, or in this process for a one-off read
    (no ``services``: ``jixiao show``, a test)."""
    if services is None:
        from parsers.formats import scan
        from parsers.formats.ocr_engine import OcrEngine

        return scan.read_pages(kind, data, params, OcrEngine(options.ocr_threads))
    service = services.get(SERVICE, lambda: OcrService(options.ocr_threads))
    try:
        return service.pages(kind, data, params)
    except BaseException:
        services.drop(SERVICE)  # failed or interrupted mid-request: the next scan starts anew
        raise


def ocr_pdf_pages(
    data: bytes, pages: list[Any], options: ParseOptions, services: Services | None
) -> tuple[list[Any], tuple[tuple[int, str], ...], list[str], tuple[int, ...]]:
    """The PDF's pages (``pdf._PageContent``) with those that need it (``auto``: no usable text;
    ``force``: all) read by OCR, the text OCR could not place, and notes on the pages read. Where
    OCR is not installed, a file of scans only fails with ``missing_component`` (how to install);
    a scanned page in a file with text keeps its ``needs_ocr`` reason, with how to install."""
    from parsers.formats.ocr_engine import require_ocr

    todo = [i for i, p in enumerate(pages) if options.ocr == "force" or p.ocr_reason]
    try:
        require_ocr()
    except MissingComponent as e:
        if len(todo) == len(pages) or options.ocr == "force":
            raise
        for i in todo:
            pages[i].ocr_reason = f"{pages[i].ocr_reason}; {e}"
        return pages, (), [], ()
    params = {"indices": todo, "numbers": [pages[i].number for i in todo], "dpi": options.ocr_dpi}
    read = run_pages("pdf", data, params, options, services)
    out = list(pages)
    unplaced: list[tuple[int, str]] = []
    notes = []
    done = []
    for i, (content, lost, note) in zip(todo, read, strict=True):
        if content.ocr_reason is not None and pages[i].ocr_reason is None:
            continue  # force: a page with text that OCR finds nothing on keeps its text
        out[i] = content
        unplaced.extend(lost)
        notes.append(note)
        done.append(content.number)
    return out, tuple(unplaced), notes, tuple(done)


def _root() -> str:
    """The folder holding the ``parsers`` package (the child imports it as the worker does)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _serve(threads: int, stdin: IO[bytes], stdout: IO[bytes]) -> int:
    from parsers.formats import scan
    from parsers.formats.ocr_engine import OcrEngine

    engine = OcrEngine(threads)
    while True:
        try:
            kind, data, params = pickle.load(stdin)
        except EOFError:
            return 0
        try:
            answer: tuple[str, Any] = ("ok", scan.read_pages(kind, data, params, engine))
        except InputError as e:
            answer = ("error", (e.code, str(e)))
        except MemoryError:
            answer = (
                "error",
                ("resource_limit", "OCR ran out of memory under the worker's cap (--memory-mb)"),
            )
        pickle.dump((*answer, _grown()), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


def _grown() -> bool:
    """Whether this process's address space is past 60 % of its cap (Linux; never elsewhere)."""
    import resource

    cap = resource.getrlimit(resource.RLIMIT_AS)[0]
    if cap == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            size = next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:")), 0)
    except OSError:
        return False
    return size > 0.6 * cap


def main(argv: list[str]) -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    return _serve(int(argv[0]) if argv else 1, stdin, stdout)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
