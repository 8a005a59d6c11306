"""The parser interface, its settings and the services a worker lends its parsers.

A parser is a function ``(data: bytes, options: ParseOptions, services) -> RawDocument``, pure
but for the long-lived helpers it may borrow from ``services`` (a LibreOffice converter, an OCR
engine). It raises ``schemas.errors.InputError`` subclasses for bad files and nothing else on
purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from schemas.records import RawDocument

#: ``--ocr`` modes (``ParseOptions.ocr``).
OCR_MODES = ("auto", "off", "force")


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Every limit and tolerance a parser uses, with named defaults (validated on creation)."""

    #: Largest decompressed XML part read from a .docx (zip-bomb guard), bytes.
    max_part_bytes: int = 64 * 1024 * 1024
    #: Largest ratio of decompressed to compressed size accepted for a .docx part.
    max_compression_ratio: int = 200
    #: Most pages read from one PDF.
    max_pages: int = 500
    #: PDF: distance (pt) within which ruling lines are snapped together / joined. Snapping chains
    #: (each edge within the tolerance of the next), so a table drawn by hand, its rows cut a point
    #: or two apart, needs a small one: at 3 pt its edges slid together and text crossed cells.
    snap_tolerance: float = 1.0
    join_tolerance: float = 3.0
    #: PDF: distance (pt) within which the column edges of a table's parts on two pages agree.
    page_join_tolerance: float = 6.0
    #: PDF: a page is a scan when it has fewer characters than this and an image covering it.
    min_text_chars: int = 10
    #: PDF: share of ``(cid:N)`` glyphs (no Unicode mapping) above which text is unreadable.
    max_cid_share: float = 0.2
    #: Spreadsheets: most grid positions (rows × columns of the used area) read from one sheet; a
    #: larger sheet is no form (a data dump, noise) and is skipped with a warning.
    max_sheet_cells: int = 200_000
    #: Legacy Word (.doc, .wps, .rtf, .odt): seconds LibreOffice may take to convert one file.
    convert_timeout: float = 60.0
    #: Address-space cap (MiB) of the LibreOffice converter process; it never exceeds the cap of
    #: the worker that starts it (a sandboxed worker's cap is inherited).
    converter_memory_mb: int = 1536
    #: OCR (``--ocr``): ``auto`` reads pages without a text layer and image files by OCR, ``off``
    #: reports them as ``needs_ocr``, ``force`` reads every PDF page by OCR.
    ocr: str = "auto"
    #: OCR: resolution (dots per inch) a PDF page is rendered at, and an image scaled down to.
    ocr_dpi: int = 200
    #: OCR: recognition confidence below which a value cell makes its form ``needs_review``.
    ocr_min_confidence: float = 0.80
    #: OCR: ONNX Runtime threads per worker (a worker is one process: one core).
    ocr_threads: int = 1

    def __post_init__(self) -> None:
        if self.max_part_bytes <= 0 or self.max_compression_ratio <= 1 or self.max_pages <= 0:
            raise ValueError("ParseOptions limits must be positive")
        if min(self.snap_tolerance, self.join_tolerance, self.page_join_tolerance) < 0:
            raise ValueError("ParseOptions tolerances must be >= 0")
        if not 0 < self.max_cid_share <= 1:
            raise ValueError("max_cid_share must be in (0, 1]")
        if self.max_sheet_cells <= 0 or self.convert_timeout <= 0 or self.converter_memory_mb <= 0:
            raise ValueError("ParseOptions limits must be positive")
        if self.ocr not in OCR_MODES:
            raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {self.ocr!r}")
        if not 50 <= self.ocr_dpi <= 600 or not 0 <= self.ocr_min_confidence <= 1 or self.ocr_threads < 1:
            raise ValueError("ParseOptions OCR settings out of range")


class Closeable(Protocol):
    def close(self) -> None: ...


T = TypeVar("T", bound=Closeable)


class Services:
    """Long-lived helpers some parsers need (a converter process, an OCR engine), owned by one
    worker: each is started on first use, reused for every file the worker parses, and closed
    with the worker. Not shared between processes; nothing global."""

    def __init__(self) -> None:
        self._items: dict[str, Closeable] = {}

    def get(self, name: str, start: Callable[[], T]) -> T:
        """The helper called ``name``, started with ``start()`` the first time it is asked for."""
        item = self._items.get(name)
        if item is None:
            item = self._items[name] = start()
        return item  # type: ignore[return-value]

    def drop(self, name: str) -> None:
        """Close and forget a helper (it failed, or hangs): the next ``get`` starts a new one."""
        item = self._items.pop(name, None)
        if item is not None:
            item.close()

    def close(self) -> None:
        for name in list(self._items):
            self.drop(name)

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Parser(Protocol):
    def __call__(
        self, data: bytes, options: ParseOptions, services: Services | None = None
    ) -> RawDocument: ...
